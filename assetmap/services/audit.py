"""The audit trail as pages, the API and the CLI use it: the instance's file with its head
kept in the graph (so a cut end is found), and its check against that head."""

from __future__ import annotations

from pathlib import Path

from assetmap.audit import AuditLog, Broken
from assetmap.graph import audit_head
from assetmap.graph.store import GraphStore


def trail(instance_path: Path, store: GraphStore) -> AuditLog:
    """The instance's audit trail, its head kept in ``store``."""
    return audit_head.anchored_log(instance_path, store)


def verify(log: AuditLog, store: GraphStore) -> tuple[int, Broken | None]:
    """The whole chain checked, and that it still reaches the head ``store`` holds."""
    return log.verify(audit_head.read(store))
