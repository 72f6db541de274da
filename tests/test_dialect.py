"""The two Cypher dialects, and the Neo4j backend's behaviour without a server."""

from __future__ import annotations

import socket

import pytest

from assetmap.config import Config
from assetmap.graph.dialect import FALKORDB, NEO4J
from assetmap.graph.errors import StoreUnavailable
from assetmap.graph.store import GraphStore
from assetmap.model import NODE_TYPES

TEMPLATE = ("CALL @fulltext(Place, $q) YIELD node, score "
            "RETURN node.id, @distance(node.location, $here) AS d")


def test_templates_render_per_dialect() -> None:
    assert NEO4J.render(TEMPLATE) == (
        "CALL db.index.fulltext.queryNodes('place_text', $q) YIELD node, score "
        "RETURN node.id, point.distance(node.location, $here) AS d")
    assert FALKORDB.render(TEMPLATE) == (
        "CALL db.idx.fulltext.queryNodes('Place', $q) YIELD node, score "
        "RETURN node.id, distance(node.location, $here) AS d")


@pytest.mark.parametrize(("dialect", "expected"), [
    (NEO4J, "Llan* AND ŵyl* AND te*"),
    (FALKORDB, "Llan* ŵyl* te*"),
])
def test_fulltext_terms_drop_query_syntax(dialect, expected) -> None:  # noqa: ANN001
    assert dialect.fulltext_terms('Llan "ŵyl" (te) ~*:') == expected
    assert dialect.fulltext_terms("  -- ") == ""


def test_schema_covers_every_label() -> None:
    for dialect in (NEO4J, FALKORDB):
        text = " ".join(s.cypher + " ".join(s.command) for s in dialect.schema(NODE_TYPES.values()))
        for label, model in NODE_TYPES.items():
            assert f"(n:{label})" in text or f"'{label}'" in text
            for prop in model.indexed:
                assert f"n.{prop})" in text
    neo4j = [s.cypher for s in NEO4J.schema(NODE_TYPES.values())]
    assert all("IF NOT EXISTS" in statement for statement in neo4j)
    assert any(s.startswith("CREATE POINT INDEX place_location") for s in neo4j)
    falkor = FALKORDB.schema(NODE_TYPES.values())
    assert all(s.already_done for s in falkor), "FalkorDB has no IF NOT EXISTS: errors tolerated"
    constraints = [s.command for s in falkor if s.command]
    assert len(constraints) == len(NODE_TYPES)


@pytest.mark.slow
def test_neo4j_backend_unreachable_is_a_clear_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # nothing listens here once the probe closes
    store = GraphStore.open(Config(graph_url=f"neo4j://127.0.0.1:{port}",
                                   neo4j_password="x", neo4j_retry_seconds=0.2))
    with pytest.raises(StoreUnavailable, match="Neo4j is not reachable"):
        store.run_read("MATCH (n) RETURN count(n) AS n")
    store.close()


def test_neo4j_values_become_the_same_plain_python() -> None:
    from neo4j.spatial import WGS84Point
    from neo4j.time import DateTime

    from assetmap.graph.neo4j import _plain

    value = {"location": WGS84Point((-3.54, 52.45)), "when": DateTime(2026, 11, 24, 9, 30, 0),
             "tags": ["cy", "en"]}
    assert _plain(value) == {"location": {"latitude": 52.45, "longitude": -3.54},
                             "when": "2026-11-24T09:30:00.000000000", "tags": ["cy", "en"]}
