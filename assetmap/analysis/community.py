"""Whole-community structure for coordinators: cut-off clusters, bridges, natural communities.

Computed on the undirected graph of natural ties (circles 1-3) with igraph, whose C core
runs these whole-graph algorithms 15-50 times faster than pure Python (DESIGN.md §7).

* **Components**: the largest connected network, and the people in smaller clusters cut
  off from it (a couple who only know each other). People with no natural tie at all are
  counted separately.
* **Natural communities**: Louvain modularity communities (Blondel et al. 2008), compared
  with the administrative wards by normalised mutual information (0 unrelated, 1 the same).
* **Informal connectors**: people whose ties spread across communities - the
  participation coefficient of Guimerà and Amaral (2005), $P = 1 - \\sum_s (k_s/k)^2$;
  with at least 4 ties and $P \\ge 0.5$ - ties spread at least as evenly as half and half
  over two communities - a person bridges communities. (Guimerà and Amaral's 0.62 is
  for hubs with many ties; few people in a circle of support have that many.)
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

import igraph as ig
import numpy as np

from assetmap.analysis.parameters import PARAMETERS

__all__ = ["BRIDGING_MIN_DEGREE", "BRIDGING_THRESHOLD", "Structure", "structure"]

BRIDGING_THRESHOLD = PARAMETERS.bridging_threshold
BRIDGING_MIN_DEGREE = PARAMETERS.bridging_min_degree


@dataclass(frozen=True)
class Structure:
    """Per person (by index) and whole-community figures."""

    component_size: np.ndarray      # size of each person's component
    cut_off: np.ndarray             # bool: in a cluster of 2+ outside the largest network
    community: np.ndarray           # Louvain community of each person (-1: no ties)
    bridging: np.ndarray            # participation coefficient (0 with no ties)
    connector: np.ndarray           # bool: bridges communities
    summary: dict


def structure(
    people: int,
    edges: np.ndarray,
    wards: Sequence[int] | None = None,
    seed: int = 1,
) -> Structure:
    """Structure of the natural-tie network.

    Parameters
    ----------
    people : int
        Number of people; they are 0 .. people-1.
    edges : ndarray of shape (m, 2)
        Pairs of person indexes with a natural tie (either direction, repeats allowed).
    wards : sequence of int, optional
        The ward of each person (-1 unknown), to compare communities with.
    seed : int
        Louvain's random seed, so a run can be repeated exactly.

    Examples
    --------
    Two triangles joined by one person, and a couple on their own:

    >>> e = np.array([(0, 1), (1, 2), (2, 0), (2, 3), (3, 4), (4, 5), (5, 3), (6, 7)])
    >>> s = structure(9, e)
    >>> s.cut_off.tolist()
    [False, False, False, False, False, False, True, True, False]
    >>> s.summary["largest_network"], s.summary["no_natural_ties"]
    (6, 1)
    """
    graph = ig.Graph(n=people, edges=_simple_edges(people, edges), directed=False)
    degree = np.asarray(graph.degree())
    components = graph.connected_components()
    membership = np.asarray(components.membership)
    sizes = np.asarray(components.sizes())
    size_of = sizes[membership] if people else np.zeros(0, dtype=int)
    largest = int(sizes.max()) if len(sizes) else 0
    largest_id = int(sizes.argmax()) if len(sizes) else -1
    cut_off = (membership != largest_id) & (size_of >= 2)

    state = random.getstate()
    try:
        random.seed(seed)
        ig.set_random_number_generator(random)
        louvain = graph.community_multilevel()
    finally:
        random.setstate(state)
    community = np.asarray(louvain.membership)
    community[degree == 0] = -1

    bridging = _participation(graph, community, degree)
    connector = (degree >= BRIDGING_MIN_DEGREE) & (bridging >= BRIDGING_THRESHOLD - 1e-9)
    summary = {
        "people": people,
        "ties": graph.ecount(),
        "networks": int((sizes >= 2).sum()),
        "largest_network": largest,
        "cut_off_clusters": int(((sizes >= 2) & (np.arange(len(sizes)) != largest_id)).sum()),
        "people_cut_off": int(cut_off.sum()),
        "no_natural_ties": int((degree == 0).sum()),
        "communities": int(len({c for c in community.tolist() if c >= 0})),
        "modularity": round(float(louvain.modularity), 3) if graph.ecount() else 0.0,
        "connectors": int(connector.sum()),
    }
    if wards is not None:
        summary["communities_vs_wards_nmi"] = _nmi(community, np.asarray(wards))
    return Structure(size_of, cut_off, community, bridging, connector, summary)


def _simple_edges(people: int, edges: np.ndarray) -> list[tuple[int, int]]:
    """Each undirected pair once, no loops (most ties are recorded both ways)."""
    if not len(edges):
        return []
    low, high = np.minimum(edges[:, 0], edges[:, 1]), np.maximum(edges[:, 0], edges[:, 1])
    keys = np.unique(low[low != high].astype(np.int64) * people + high[low != high])
    return list(zip((keys // people).tolist(), (keys % people).tolist(), strict=True))


def _participation(graph: ig.Graph, community: np.ndarray, degree: np.ndarray) -> np.ndarray:
    """Guimerà-Amaral participation coefficient of every node, vectorised."""
    result = np.zeros(graph.vcount())
    if graph.ecount() == 0:
        return result
    pairs = np.asarray(graph.get_edgelist())
    ends = np.concatenate([pairs, pairs[:, ::-1]])  # both directions: (node, neighbour)
    width = int(community.max()) + 2
    keys = ends[:, 0].astype(np.int64) * width + (community[ends[:, 1]] + 1)
    unique, counts = np.unique(keys, return_counts=True)
    nodes = unique // width
    np.add.at(result, nodes, counts.astype(float) ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(degree > 0, result / np.maximum(degree, 1) ** 2, 1.0)
    return np.where(degree > 0, 1.0 - share, 0.0)


def _nmi(communities: np.ndarray, wards: np.ndarray) -> float | None:
    known = (communities >= 0) & (wards >= 0)
    if known.sum() < 2:
        return None
    value = ig.compare_communities(communities[known].tolist(), wards[known].tolist(),
                                   method="nmi")
    return round(float(value), 3)
