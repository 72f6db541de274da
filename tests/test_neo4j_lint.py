"""Neo4j kept honest: the Cypher the code sends, in the Neo4j dialect, passes Neo4j's own
parser and semantic analyser (``tests/neo4j_lint.py``).

These tests check the checker and a workload of their own (so a lone run checks real
statements); selecting them also turns on the lint, at the end of the session, of every
statement the whole session sent (see ``tests/neo4j_lint.py``), whatever order the tests
ran in and on whichever pytest-xdist worker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from assetmap.graph import areas, people, places, users
from assetmap.graph import store as graph_store
from assetmap.graph.dialect import NEO4J
from assetmap.graph.store import GraphStore
from tests import neo4j_lint

pytestmark = pytest.mark.tools


@pytest.fixture(scope="session")
def cypher_linter() -> Path:
    return neo4j_lint.install_linter()


def test_linter_catches_falkordb_spellings(cypher_linter: Path) -> None:
    """The check itself can fail: FalkorDB-only Cypher is reported as an error."""
    results = neo4j_lint.lint(cypher_linter, [
        "MATCH (p:Place) RETURN distance(p.location, point({latitude: 52.0, longitude: -3.0}))",
        "CALL db.idx.fulltext.queryNodes('Place', $q) YIELD node RETURN node",
        "MATCH (p:Place) RETURN p.name ORDER BY",
        NEO4J.render("MATCH (p:Place) RETURN @distance(p.location, p.location) AS d"),
    ])
    assert [bool(r["diagnostics"]) for r in results] == [True, True, True, False]


def _workload(store: GraphStore) -> set[str]:
    """Touch the repositories; returns the templates the code sent meanwhile."""
    sent: set[str] = set()
    graph_store.statement_listeners.append(sent.add)
    try:
        _touch_repositories(store)
    finally:
        graph_store.statement_listeners.remove(sent.add)
    return sent


def _touch_repositories(store: GraphStore) -> None:
    from seed import sample

    sample.load(store)
    store.counts()
    store.is_empty()
    person = people.repo.list(store, limit=1)[0]
    people.circle(store, person["id"])
    people.repo.update(store, person["id"], {"name": "Renamed"})
    places.near(store, 52.45, -3.54, 5000)
    places.for_map(store)
    areas.children(store, "W06000023")
    users.by_email(store, "nobody@example.cymru")
    store.run_read("CALL @fulltext(Place, $q) YIELD node RETURN node.id AS id",
                   q=store.dialect.fulltext_terms("hall"))
    people.repo.delete(store, person["id"])


def test_a_workload_and_every_schema_statement_pass(cypher_linter: Path,
                                                    falkor_store: GraphStore) -> None:
    sent = _workload(falkor_store)
    assert len(sent) > 10
    found = neo4j_lint.problems(cypher_linter, sent)
    assert not found, "\n".join(found)
