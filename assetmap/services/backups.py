"""Restoring a backup as a service: the graph comes back, erasures made since the backup
are made again before anything else reads it, and the audit trail's head is kept."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assetmap.audit import Acting, Head
from assetmap.erasures import ErasureRegister
from assetmap.graph import audit_head
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem
from assetmap.interop import backup
from assetmap.model import InvalidRecord
from assetmap.services import analysis, subject_access


def restore(store: GraphStore, path: Path, passphrase: str | None, acting: Acting,
            register: ErasureRegister, progress: backup.Progress | None = None,
            new_instance: bool = False) -> dict[str, Any]:
    """Restore ``path`` into the empty ``store``, then erase again everyone the erasure
    register names (a backup made before their erasure still holds them) and, if anyone
    was, rerun the analysis. Returns the counts written and the ids erased again.

    A backup from an instance whose audit trail this one does not hold (another machine,
    its ``audit/`` and ``erasures/`` not copied) is refused and nothing is kept: its
    erasures would be unknown here. ``new_instance`` restores it anyway (the old instance
    is lost): this trail starts again from here."""
    stored = backup.audit_head(path, passphrase)
    theirs = Head(stored["seq"], stored["hash"]) if stored else None
    ours = acting.log.head()
    if theirs and not new_instance and not acting.log.holds(theirs):
        raise InvalidRecord([("backup", Problem(N_(
            "comes from an instance whose audit trail (%(theirs)s entries) this one does not "
            "hold (%(ours)s): copy its audit/, erasures/, erasure_key and audit_key into this "
            "instance folder first, so its erasures are known here; or, if that instance is "
            "lost, restore with --new-instance"), theirs=theirs.seq,
            ours=ours.seq if ours else 0))])
    counts: dict[str, Any] = dict(backup.restore(store, path, passphrase, progress))
    if new_instance:
        audit_head.reset(store, ours)
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
