"""Restoring a backup as a service: the graph comes back, erasures made since the backup
are made again before anything else reads it, and the audit trail's head is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assetmap.audit import Acting
from assetmap.erasures import ErasureRegister
from assetmap.graph import audit_head
from assetmap.graph.store import GraphStore
from assetmap.interop import backup
from assetmap.services import analysis, subject_access


def restore(store: GraphStore, path: Path, passphrase: str | None, acting: Acting,
            register: ErasureRegister, progress: backup.Progress | None = None
            ) -> dict[str, Any]:
    """Restore ``path`` into the empty ``store``, then erase again everyone the erasure
    register names (a backup made before their erasure still holds them) and, if anyone
    was, rerun the analysis. Returns the counts written and the ids erased again."""
    counts: dict[str, Any] = dict(backup.restore(store, path, passphrase, progress))
    counts["erased_again"] = subject_access.replay_erasures(store, acting, register)
    if counts["erased_again"]:
        analysis.run_analysis(store)
    head = acting.log.head()
    if head:  # the backup's head is older than this trail's (or names a cut one)
        audit_head.record(store, head.seq, head.hash)
    acting.record("restore", None, record_type=None,
                  detail=f"{path.name}: {counts['nodes']} nodes, "
                         f"{counts['relationships']} relationships, "
                         f"{len(counts['erased_again'])} erased again")
    return counts
