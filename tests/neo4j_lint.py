"""Neo4j kept honest: every statement the code sends, in the Neo4j dialect, through Neo4j's
own Cypher parser and semantic analyser (npm ``@neo4j-cypher/language-support``, run with
node; pinned in ``tests/cypher_lint/``).

A listener on the GraphStore records every query template the project's code sends during
the test session. When the session ends, and only if the Neo4j lint tests were selected
(the ``tools`` marker), everything recorded is linted and the run fails on any problem,
listed in the summary. With pytest-xdist each worker hands its statements to the
controller, so what is checked does not depend on the order tests ran in or on which
worker ran them.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from assetmap.graph import store as graph_store
from assetmap.graph.dialect import NEO4J
from assetmap.graph.neo4j import OWN_STATEMENTS
from assetmap.model import NODE_TYPES

LINT_DIR = Path(__file__).parent / "cypher_lint"
LINT_TESTS = "tests/test_neo4j_lint.py"
_PROJECT_CODE = tuple(str(Path(__file__).parent.parent / part) for part in ("assetmap", "seed"))
_STORE_MODULE = graph_store.__file__

#: query templates the project's code sent to a store in this process
RECORDED: set[str] = set()


def record_project_statement(template: str) -> None:
    """Keep statements written in assetmap/ or seed/, not the tests' own probes."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename == _STORE_MODULE:
        frame = frame.f_back
    if frame is not None and frame.f_code.co_filename.startswith(_PROJECT_CODE):
        RECORDED.add(template)


def install_linter() -> Path:
    """Install the pinned npm package into a cache folder (once per package-lock.json)."""
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
    """Each statement with Neo4j's diagnostics: ``[{statement, diagnostics}]``."""
    result = subprocess.run(["node", "lint.mjs"], cwd=linter, input=json.dumps(statements),
                            capture_output=True, text=True, check=True, timeout=600)
    return json.loads(result.stdout)


def neo4j_statements(templates: set[str]) -> list[str]:
    """The templates in the Neo4j dialect, with every schema statement it makes."""
    statements = {NEO4J.render(template) for template in templates}
    statements.update(s.cypher for s in NEO4J.schema(NODE_TYPES.values()))
    statements.update(OWN_STATEMENTS)
    return sorted(statements)


def problems(linter: Path, templates: set[str]) -> list[str]:
    statements = neo4j_statements(templates)
    unrendered = [s for s in statements if "@" in s]
    return [f"a dialect marker was left unrendered in: {s}" for s in unrendered] + [
        f"{d['severity']}: {d['message']}\n    in: {r['statement']}"
        for r in lint(linter, statements) for d in r["diagnostics"]]


# ---------------------------------------------------------------------------
# the session's lint (hooks called from conftest.py)

_selected = False
_found: list[str] = []


def selected(items: list[pytest.Item]) -> bool:
    return any(item.nodeid.startswith(LINT_TESTS) for item in items)


def worker_done(config: pytest.Config, items: list[pytest.Item]) -> None:
    """An xdist worker hands what it recorded, and whether the lint was selected, over."""
    config.workeroutput["cypher_statements"] = sorted(RECORDED)
    config.workeroutput["cypher_lint_selected"] = selected(items)


def node_down(output: dict) -> None:
    """The controller gathers a worker's statements."""
    global _selected
    RECORDED.update(output.get("cypher_statements", ()))
    _selected = _selected or output.get("cypher_lint_selected", False)


def session_done(session: pytest.Session) -> None:
    """Lint everything the session sent, if the lint was selected; fail the run on any
    problem (listed in the summary)."""
    if not (_selected or selected(session.items)):
        return
    _found.extend(problems(install_linter(), RECORDED))
    _found.insert(0, f"{len(neo4j_statements(RECORDED))} distinct statements checked")
    if len(_found) > 1 and session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def summary(terminal: pytest.TerminalReporter) -> None:
    if not _found:
        return
    heading, *found = _found
    terminal.section("Neo4j Cypher lint of every statement the session sent", sep="=",
                     red=bool(found), green=not found)
    terminal.line(f"{heading}: {len(found)} failed, so the run fails" if found
                  else f"{heading}: none failed")
    for problem in found:
        terminal.line(problem)
