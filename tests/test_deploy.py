"""Deployment files: docker-compose.yml validated by docker-compose itself."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.tools

ROOT = Path(__file__).parent.parent


def test_docker_compose_config_is_valid(tmp_path: Path) -> None:
    compose = shutil.which("docker-compose")
    assert compose, "docker-compose is needed (Debian package docker-compose)"
    for name in ("docker-compose.yml", "Dockerfile"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copy(ROOT / "assetmap.env.example", tmp_path / "assetmap.env")
    result = subprocess.run([compose, "config"], cwd=tmp_path, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    app, neo4j = config["services"]["app"], config["services"]["neo4j"]
    assert app["environment"]["ASSETMAP_GRAPH_URL"] == "neo4j://neo4j:7687"
    assert neo4j["image"].startswith("neo4j:5")
    assert "healthcheck" in neo4j
    assert any(str(v).endswith(":/data:rw") or str(v).endswith(":/data") for v in neo4j["volumes"])
    assert app["depends_on"]["neo4j"]["condition"] == "service_healthy"


def test_compose_refuses_to_start_without_the_secrets_file(tmp_path: Path) -> None:
    shutil.copy(ROOT / "docker-compose.yml", tmp_path / "docker-compose.yml")
    result = subprocess.run(["docker-compose", "config"], cwd=tmp_path, capture_output=True,
                            text=True, check=False)
    assert result.returncode != 0
    assert "assetmap.env" in result.stderr


def test_secrets_file_is_never_committed() -> None:
    ignored = (ROOT / ".gitignore").read_text().split()
    assert "assetmap.env" in ignored
    assert "password" not in (ROOT / "docker-compose.yml").read_text().lower()
