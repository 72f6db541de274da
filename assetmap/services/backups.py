"""Restoring a backup as a service: the instance's keys, audit trail and erasure register
come back where this instance has none, the graph comes back, erasures made since the
backup are made again before anything else reads it, and the audit trail's head is kept."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from assetmap import erasures
from assetmap.audit import AUDIT_FILE, Acting, Head
from assetmap.config import Config
from assetmap.graph import audit_head
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem
from assetmap.interop import backup
from assetmap.model import InvalidRecord
from assetmap.services import analysis, subject_access


def write(store: GraphStore, path: Path, passphrase: str | None, config: Config,
          acting: Acting, progress: backup.Progress | None = None,
          overwrite: bool = False) -> dict[str, Any]:
    """Back up the graph to ``path`` and, when it is encrypted, the instance's keys, audit
    trail and erasure register with it; audited, since a backup is a copy of everyone.
    Returns the counts, the instance files written (``files``) and those left out because
    the backup is not encrypted (``left_out``). An existing file is replaced only when
    ``overwrite`` says so: another backup may be under that name."""
    if path.exists() and not overwrite:
        raise InvalidRecord([("backup_file", Problem(N_(
            "%(file)s exists already: give another name, or --overwrite to replace it"),
            file=str(path)))])
    counts = backup.write(store, path, passphrase, progress, instance=config.instance_path)
    there = [name for name in backup.INSTANCE_FILES if (config.instance_path / name).exists()]
    counts["left_out"] = [] if passphrase else there
    acting.record("export", None, record_type=None,
                  detail=f"backup {path.name}: {counts['nodes']} nodes, "
                         f"{counts['relationships']} relationships, "
                         + ("encrypted, with " + ", ".join(counts["files"]) if passphrase
                            else "not encrypted"))
    return counts


def _fresh(config: Config, acting: Acting) -> bool:
    """An instance with no audit entries and no erasures of its own yet: a backup's may
    take their place."""
    register = config.instance_path / erasures.REGISTER_FILE
    return acting.log.head() is None and not (register.exists() and register.stat().st_size)


def _to_take(carried: list[str], config: Config, acting: Acting, theirs: Head | None,
             new_instance: bool) -> tuple[list[str], bool]:
    """Which of the instance files a backup carries to put in place here, and whether this
    instance's trail starts again from here (``new_instance`` used).

    Into an instance whose trail holds the backup's head (the same instance), only files it
    has lost. Into a fresh one (a new machine), all of them: the backup's trail, keys and
    register become this instance's. Otherwise none, and a backup from another instance is
    refused unless ``new_instance``."""
    fresh = _fresh(config, acting)
    if theirs is None:  # its instance had no trail: its files only where there are none
        return (carried if fresh else []), False
    if acting.log.holds(theirs):
        return [name for name in carried if not (config.instance_path / name).exists()], False
    if str(AUDIT_FILE) in carried and fresh:
        return carried, False
    if new_instance:
        return [], True
    ours = acting.log.head()
    if fresh:  # a new instance, and a backup without its instance's files
        raise InvalidRecord([("backup", Problem(N_(
            "holds no audit trail, keys or erasure register (it is not encrypted), so this "
            "new instance cannot carry on its instance's trail (%(theirs)s entries) or know "
            "its erasures. Restore an encrypted backup of it instead; or copy its audit/, "
            "erasures/, erasure_key and audit_key here first; or, if that instance is lost, "
            "restore with --new-instance"), theirs=theirs.seq))])
    raise InvalidRecord([("backup", Problem(N_(
        "comes from an instance whose audit trail (%(theirs)s entries) this one does not "
        "hold (%(ours)s). Restore it into a new, empty instance folder (an encrypted backup "
        "brings its trail, keys and erasure register with it); or copy its audit/, "
        "erasures/, erasure_key and audit_key into this instance folder first; or, if that "
        "instance is lost, restore with --new-instance"), theirs=theirs.seq,
        ours=ours.seq if ours else 0))])


def restore(store: GraphStore, path: Path, passphrase: str | None, acting: Acting,
            config: Config, progress: backup.Progress | None = None,
            new_instance: bool = False) -> dict[str, Any]:
    """Restore ``path`` into the empty ``store``: the graph, then the instance files it
    carries that this instance should take (:func:`_to_take`); then erase again everyone
    the erasure register names (a backup made before their erasure still holds them) and,
    if anyone was, rerun the analysis. Returns the counts written, the instance files taken
    (``taken``) and the ids erased again.

    Nothing is written unless the whole file checks out and the graph is empty. A backup
    from an instance whose audit trail this one does not hold, into an instance with a
    trail of its own, is refused: its erasures would be unknown here. ``new_instance``
    restores it anyway (the old instance is lost): this trail starts again from here."""
    backup.require_empty(store)
    instance = config.private_instance()
    for left in instance.glob(".restore-*"):  # a restore killed before it cleaned up
        shutil.rmtree(left, ignore_errors=True)
    # the file opened once: every pass reads the one that was checked, even if the name
    # is given to another file meanwhile
    fd = os.open(path, os.O_RDONLY)
    same = Path(f"/proc/self/fd/{fd}")
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=instance))
    try:
        stored = backup.audit_head(same, passphrase)
        theirs = Head(stored["seq"], stored["hash"]) if stored else None
        ours = acting.log.head()
        checked = backup.check(same, passphrase, extract_to=staging)
        taken, started_anew = _to_take(checked["files"], config, acting, theirs, new_instance)
        counts: dict[str, Any] = dict(backup.restore(store, same, passphrase, progress,
                                                     checked=checked))
        for name in taken:  # after the graph is written; each file whole, in one rename
            target = instance / name
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.replace(staging / name, target)
    finally:
        os.close(fd)
        shutil.rmtree(staging, ignore_errors=True)
    counts["taken"] = taken
    counts["started_anew"] = started_anew
    if started_anew:
        audit_head.reset(store, ours)
    counts["erased_again"] = subject_access.replay_erasures(store, acting,
                                                            erasures.for_instance(config))
    if counts["erased_again"]:
        analysis.run_analysis(store)
    head = acting.log.head()
    if head:  # the backup's head is older than this trail's (or names a cut one)
        audit_head.record(store, head.seq, head.hash)
    acting.record("restore", None, record_type=None,
                  detail=f"{path.name}: {counts['nodes']} nodes, "
                         f"{counts['relationships']} relationships, "
                         f"{len(counts['erased_again'])} erased again"
                         + (f"; from the backup: {', '.join(taken)}" if taken else ""))
    return counts
