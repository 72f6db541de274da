"""The audit trail's head in the graph: the newest entry's number and hash, so a trail
cut from its end is caught (the graph, and every backup of it, still names the entry)."""

from __future__ import annotations

from pathlib import Path

from assetmap.audit import AuditLog, Head
from assetmap.graph.store import GraphStore

HEAD_ID = "audit-head"


def record(store: GraphStore, seq: int, digest: str) -> None:
    """Move the head forward to entry ``seq`` (never back: writers may race)."""
    store.run_write(
        "MERGE (h:AuditHead {id: $id}) WITH h WHERE coalesce(h.seq, 0) < $seq "
        "SET h.seq = $seq, h.hash = $hash", id=HEAD_ID, seq=seq, hash=digest)


def reset(store: GraphStore, head: Head | None) -> None:
    """Put the head at ``head`` (after a restore brought back an older one)."""
    store.run_write("MATCH (h:AuditHead {id: $id}) DELETE h", id=HEAD_ID)
    if head:
        record(store, head.seq, head.hash)


def read(store: GraphStore) -> Head | None:
    rows = store.run_read("MATCH (h:AuditHead {id: $id}) RETURN h.seq AS seq, h.hash AS hash, "
                          "h.untrusted_from AS untrusted", id=HEAD_ID)
    return Head(rows[0]["seq"], rows[0]["hash"], rows[0]["untrusted"]) if rows else None


def mark(store: GraphStore, seq: int) -> None:
    """Entries from ``seq`` on were written after the trail had lost its recorded head."""
    store.run_write("MATCH (h:AuditHead {id: $id}) "
                    "SET h.untrusted_from = coalesce(h.untrusted_from, $seq)",
                    id=HEAD_ID, seq=seq)


class GraphAnchor:
    """The audit trail's head, kept in a graph."""

    def __init__(self, store: GraphStore) -> None:
        self.store = store

    def read(self) -> Head | None:
        return read(self.store)

    def record(self, seq: int, digest: str) -> None:
        record(self.store, seq, digest)

    def mark(self, seq: int) -> None:
        mark(self.store, seq)


def anchored_log(instance_path: Path, store: GraphStore) -> AuditLog:
    """The instance's audit trail, its head kept in ``store``."""
    return AuditLog(instance_path, anchor=GraphAnchor(store))
