"""The layers of DESIGN.md, held by import-linter contracts (in ``pyproject.toml``): the
analysis imports no Flask, driver or layer above it; the graph layer calls nothing above
it; the services know nothing of pages, the API or the command line; interop only converts
formats (the importers that write are services)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_import_contracts_hold() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                               "sys.exit(lint_imports(no_cache=True))"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_a_broken_layer_is_found(tmp_path: Path) -> None:
    """The check can fail: the same contracts over a copy where the analysis imports
    Flask are broken."""
    import shutil
    shutil.copytree(ROOT / "assetmap", tmp_path / "assetmap",
                    ignore=shutil.ignore_patterns("__pycache__", "translations", "data"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    bad = tmp_path / "assetmap" / "analysis" / "hotspots.py"
    bad.write_text("import flask\n" + bad.read_text())
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
                               "sys.exit(lint_imports(no_cache=True))"],
        cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False,
        env={"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"})
    assert result.returncode != 0 and "analysis is pure" in result.stdout
