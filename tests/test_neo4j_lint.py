"""Neo4j kept honest: every statement the code sends, in the Neo4j dialect, passes Neo4j's
own Cypher parser and semantic analyser (npm ``@neo4j-cypher/language-support``).

Statements are gathered from the code itself: a listener on the GraphStore records every
query template sent during the whole test session (this test runs last), plus a workload
of its own so that it checks something when run alone, plus every schema statement the
Neo4j dialect produces.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from assetmap.graph import areas, people, places, users
from assetmap.graph.dialect import NEO4J
from assetmap.graph.neo4j import OWN_STATEMENTS
from assetmap.graph.store import GraphStore
from assetmap.model import NODE_TYPES
from tests.conftest import RECORDED_STATEMENTS

LINT_DIR = Path(__file__).parent / "cypher_lint"


@pytest.fixture(scope="session")
def cypher_linter() -> Path:
    """Install the pinned npm package into a cache folder (once per package.json)."""
    npm = shutil.which("npm")
    assert npm, "npm is needed for the Neo4j Cypher lint: install Node.js and npm"
    manifest = b"".join((LINT_DIR / name).read_bytes()
                        for name in ("package.json", "package-lock.json"))
    cache_root = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    target = cache_root / "assetmap" / f"cypher-lint-{hashlib.sha256(manifest).hexdigest()[:12]}"
    if not (target / "node_modules" / "@neo4j-cypher" / "language-support").exists():
        target.mkdir(parents=True, exist_ok=True)
        for name in ("package.json", "package-lock.json"):
            shutil.copy(LINT_DIR / name, target / name)
        subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=target, check=True, capture_output=True, timeout=600)
    shutil.copy(LINT_DIR / "lint.mjs", target / "lint.mjs")
    return target


def lint(linter: Path, statements: list[str]) -> list[dict]:
    result = subprocess.run(["node", "lint.mjs"], cwd=linter, input=json.dumps(statements),
                            capture_output=True, text=True, check=True, timeout=600)
    return json.loads(result.stdout)


def test_linter_catches_falkordb_spellings(cypher_linter: Path) -> None:
    """The check itself can fail: FalkorDB-only Cypher is reported as an error."""
    results = lint(cypher_linter, [
        "MATCH (p:Place) RETURN distance(p.location, point({latitude: 52.0, longitude: -3.0}))",
        "CALL db.idx.fulltext.queryNodes('Place', $q) YIELD node RETURN node",
        "MATCH (p:Place) RETURN p.name ORDER BY",
        NEO4J.render("MATCH (p:Place) RETURN @distance(p.location, p.location) AS d"),
    ])
    assert [bool(r["diagnostics"]) for r in results] == [True, True, True, False]


def _workload(store: GraphStore) -> None:
    """Touch the repositories so a lone run of this file still gathers real statements."""
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


def test_every_statement_passes_neo4j_cypher_lint(cypher_linter: Path,
                                                    falkor_store: GraphStore) -> None:
    _workload(falkor_store)
    templates = sorted(RECORDED_STATEMENTS)
    statements = [NEO4J.render(t) for t in templates]
    statements += [s.cypher for s in NEO4J.schema(NODE_TYPES.values())]
    statements.extend(OWN_STATEMENTS)
    statements = sorted(set(statements))
    assert not any("@" in s for s in statements), "a dialect marker was left unrendered"
    results = lint(cypher_linter, statements)
    problems = [
        f"{d['severity']}: {d['message']}\n    in: {r['statement']}"
        for r in results for d in r["diagnostics"]
    ]
    print(f"Neo4j lint: {len(statements)} distinct statements checked "
          f"({len(templates)} recorded from the code, the rest schema)")
    assert not problems, "\n".join(problems)
