"""Circles of support: who is in which circle, how much support each gives, and fragility.

The four circles (Forest, Pearpoint and Snow): 1 intimacy, 2 friendship, 3 participation,
4 exchange (paid). Circles 1-3 are *natural* support; an unpaid carer counts as circle 1.

Support weight
    Each natural tie weighs ``CIRCLE_WEIGHT[circle] * CONTACT_WEIGHT[contact]``: a daughter
    in circle 1 seen daily weighs 3, a chapel acquaintance in circle 3 seen monthly 0.75.
    A tie whose contact is not recorded weighs by its circle alone
    (``contact_weight_not_known``).

Fragile circle
    Take away one person K. Lost with K are K and every member whose only way to the rest
    of the circle runs through K and whose own tie is not close (not circles 1-2 at least
    monthly, or of unrecorded contact): the grandchildren seen yearly when the daughter
    visits. Found by dominance
    in the ego network (:func:`ego_network`, a NetworkX graph): members are the nodes,
    their ties to each other the edges, and a root joins every close member; K dominates M
    when every path from the root to M passes through K (NetworkX's
    ``immediate_dominators``). The circle is **fragile** when, for some K, nothing is left or more
    than two thirds of the weight goes (``FRAGILE_SHARE``); K is the *key person*.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

import networkx as nx

from assetmap.analysis.parameters import PARAMETERS

__all__ = [
    "CIRCLE_WEIGHT",
    "CONTACT_WEIGHT",
    "FRAGILE_SHARE",
    "Fragility",
    "Tie",
    "circles_by_level",
    "contact_weight",
    "fragility",
    "is_close",
    "natural_support",
]

CIRCLE_WEIGHT = PARAMETERS.circle_weight
CONTACT_WEIGHT = PARAMETERS.contact_weight
CARER_WEIGHT = PARAMETERS.carer_weight
AT_LEAST_MONTHLY = frozenset(PARAMETERS.monthly_contact)
FRAGILE_SHARE = PARAMETERS.fragile_share
PAID_CIRCLE = PARAMETERS.paid_circle


class Tie(NamedTuple):
    """One person's view of someone they know (a ``KNOWS`` relationship)."""

    other: str
    relation: str
    circle: int
    strength: int | None = None  # None: not recorded
    contact: str | None = None


@dataclass(frozen=True)
class Fragility:
    """Whether the natural circle hangs on one person, who, and how much would go."""

    fragile: bool
    key_person: str | None
    lost_share: float  # 0..1 of the natural support weight lost without the key person
    members: int       # people in the natural circle


NOT_FRAGILE = Fragility(False, None, 0.0, 0)


def circles_by_level(ties: Iterable[Tie]) -> dict[int, list[str]]:
    """The people in each circle 1-4, in the order given.

    >>> circles_by_level([Tie("a", "family", 1), Tie("b", "professional", 4)])
    {1: ['a'], 2: [], 3: [], 4: ['b']}
    """
    levels: dict[int, list[str]] = {1: [], 2: [], 3: [], 4: []}
    for tie in ties:
        levels[tie.circle].append(tie.other)
    return levels


def is_close(tie: Tie) -> bool:
    """Circle 1 or 2 and in touch at least monthly, or how often not recorded (missing
    records never make a circle fragile).

    >>> is_close(Tie("a", "friend", 2, None, "yearly")), is_close(Tie("a", "friend", 2))
    (False, True)
    """
    return tie.circle <= PARAMETERS.close_circles_up_to and (
        tie.contact is None or tie.contact in AT_LEAST_MONTHLY)


def contact_weight(contact: str | None) -> float:
    """How much a tie's contact keeps of its circle's weight (all of it when not recorded)."""
    return PARAMETERS.contact_weight_not_known if contact is None else CONTACT_WEIGHT[contact]


def natural_support(
    ties: Iterable[Tie], carers: Collection[str] = ()
) -> tuple[dict[str, float], set[str]]:
    """Weight of each member of circles 1-3 (and each unpaid carer), and the close ones.

    Returns ``(weights, close)``: member id -> support weight, and the set of members
    with a close tie (carers are always close).

    >>> natural_support([Tie("d", "family", 1, 5, "daily"), Tie("n", "neighbour", 3),
    ...                  Tie("c", "friend", 3, 2, "monthly")])
    ({'d': 3.0, 'n': 1.0, 'c': 0.75}, {'d'})
    """
    weights: dict[str, float] = {}
    close: set[str] = set()
    for tie in ties:
        if tie.circle >= PAID_CIRCLE:
            continue
        weight = CIRCLE_WEIGHT[tie.circle] * contact_weight(tie.contact)
        weights[tie.other] = max(weight, weights.get(tie.other, 0.0))
        if is_close(tie):
            close.add(tie.other)
    for carer in carers:
        weights[carer] = max(CARER_WEIGHT, weights.get(carer, 0.0))
        close.add(carer)
    return weights, close


def fragility(
    weights: Mapping[str, float],
    close: Collection[str],
    linked: Callable[[str, str], bool],
) -> Fragility:
    """Does the natural circle hang on one person?

    Parameters
    ----------
    weights : mapping
        Member id -> support weight, from :func:`natural_support`.
    close : collection
        Members whose own tie is close.
    linked : callable
        ``linked(a, b)`` is True when members ``a`` and ``b`` know each other.

    Returns
    -------
    Fragility
        ``fragile`` with the ``key_person`` whose loss takes the most support.

    Examples
    --------
    A mother whose support all comes through her daughter (the grandchildren are seen
    yearly, when the daughter brings them):

    >>> ties = [Tie("daughter", "family", 1, 5, "daily"),
    ...         Tie("grandson", "family", 3, 2, "yearly")]
    >>> w, c = natural_support(ties)
    >>> fragility(w, c, lambda a, b: {a, b} == {"daughter", "grandson"}).key_person
    'daughter'
    """
    members = list(weights)
    total = sum(weights.values())
    if not members or total <= 0:
        return NOT_FRAGILE
    if len(members) == 1:
        return Fragility(True, members[0], 1.0, 1)
    not_close = total - sum(weights[m] for m in close)
    heaviest = max(members, key=lambda m: (weights[m], m))
    # cheap bound: no one can take more than their own weight plus every non-close member
    if weights[heaviest] + not_close <= FRAGILE_SHARE * total:
        return Fragility(False, None, weights[heaviest] / total, len(members))

    lost_with = _lost_with(ego_network(members, close, linked))
    best_key, best_lost = heaviest, weights[heaviest]
    for key in members:
        if weights[key] + not_close <= best_lost:
            continue
        lost = weights[key] + sum(weights[m] for m in lost_with.get(key, ()))
        if lost > best_lost or (lost == best_lost and key < best_key):
            best_key, best_lost = key, lost
    reachable_left = len(members) - 1 - len(lost_with.get(best_key, ()))
    share = best_lost / total
    fragile = reachable_left == 0 or share > FRAGILE_SHARE
    return Fragility(fragile, best_key if fragile else None, share, len(members))


#: the ego network's root: the person themselves, joined to each close member
EGO = ("ego",)


def ego_network(members: Collection[str], close: Collection[str],
                linked: Callable[[str, str], bool]) -> nx.DiGraph:
    """The person's natural circle as a NetworkX graph: members are the nodes, a tie
    between two members an edge both ways, and the root :data:`EGO` has an edge to each
    close member (their own tie holds whatever else goes).

    >>> g = ego_network(["d", "g"], {"d"}, lambda a, b: True)
    >>> sorted(g.successors(EGO)), sorted(g.successors("d"))
    (['d'], ['g'])
    """
    graph = nx.DiGraph()
    graph.add_node(EGO)
    graph.add_nodes_from(members)
    graph.add_edges_from((EGO, m) for m in members if m in close)
    ordered = list(members)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if linked(a, b):
                graph.add_edge(a, b)
                graph.add_edge(b, a)
    return graph


def _lost_with(graph: nx.DiGraph) -> dict[str, set[str]]:
    """Member -> the members lost with them: every member reached from the root only
    through them (NetworkX's :func:`~networkx.immediate_dominators`, read as a tree).
    Close members hang on the root alone, so only the others can be lost with someone."""
    if not graph.out_degree(EGO):
        return {}
    children: dict[Any, list[Any]] = {}
    for node, parent in nx.immediate_dominators(graph, EGO).items():
        if node != parent:
            children.setdefault(parent, []).append(node)
    lost: dict[str, set[str]] = {}
    for key in children:
        if key == EGO:
            continue
        below, stack = set(), list(children[key])
        while stack:
            node = stack.pop()
            below.add(node)
            stack.extend(children.get(node, ()))
        lost[key] = below
    return lost


