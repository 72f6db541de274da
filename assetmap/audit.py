"""The audit trail: who did what to which record, when and from where.

An append-only file of JSON lines in ``<instance>/audit/audit.log`` (folder 0700, file
0600). Each entry carries the hash of the one before, so changing, removing or reordering
any entry breaks the chain from there on: ``assetmap audit verify`` finds where. Writers in
several processes (web workers, the CLI) take an exclusive lock to append, and each entry
is flushed to disk before the action it records is answered.

Entries hold ids, never names or other personal details, so the trail may be kept after
a person's record is erased; a failed sign-in keeps a keyed hash of the address typed
(:func:`address_hash`), not the address.

The chain alone cannot show entries cut from its end, so every append also hands the
head (the newest entry's number and hash) to an ``anchor``: the web app and the CLI keep
it in the graph, where it also goes into every backup. ``verify`` then refuses a trail
shorter than its recorded head, or one whose entry at that number is another. An append
to a file that no longer reaches the recorded head (its end was cut, or it was replaced)
is written but does not move the head: the evidence stays until someone looks.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from assetmap.i18n import N_, Problem
from assetmap.model import now_iso

GENESIS = "0" * 64
AUDIT_FILE = Path("audit") / "audit.log"
#: what an entry can say was done
ACTIONS = (
    "view", "create", "update", "delete", "export", "share", "unshare", "consent",
    "withdraw_consent", "erase", "login", "login_failed", "logout", "lockout", "package",
    "receive", "restore", "refused", "claim", "review", "confirm", "report",
)


class Anchor(Protocol):
    """Where the head is kept outside the file (the graph)."""

    def read(self) -> Head | None: ...

    def record(self, seq: int, digest: str) -> None: ...

    def mark(self, seq: int) -> None:
        """Entries from ``seq`` were written to a file that no longer reached the head."""


def address_hash(address: str, key: str) -> str:
    """What the trail keeps of an e-mail address typed at a failed sign-in: a keyed hash
    (HMAC-SHA256 under the instance's audit key), so the trail can be searched for an
    address without holding it.

    >>> address_hash(" Ann@Example.org", "k") == address_hash("ann@example.org", "k")
    True
    """
    digest = hmac.new(key.encode(), address.strip().lower().encode(), hashlib.sha256)
    return "address:" + digest.hexdigest()[:32]


def _digest(previous: str, entry: dict[str, Any]) -> str:
    body = json.dumps(entry, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{previous}\n{body}".encode()).hexdigest()


@dataclass(frozen=True)
class Broken:
    """Where the chain breaks: the line number (from 1) and what is wrong."""

    line: int
    problem: str


@dataclass(frozen=True)
class Head:
    """The newest entry as recorded outside the file: its number and hash; and, if an
    append ever found the file no longer reaching it, the first entry written then."""

    seq: int
    hash: str
    untrusted_from: int | None = None


class AuditLog:
    def __init__(self, instance_path: Path, anchor: Anchor | None = None) -> None:
        self.path = instance_path / AUDIT_FILE
        self.anchor = anchor

    def record(
        self, action: str, actor: str | None, *, record_type: str | None = None,
        record_id: str | None = None, address: str | None = None, detail: str | None = None,
    ) -> dict[str, Any]:
        """Append one entry and return it (with its ``hash``)."""
        return self.record_many(action, actor, record_type=record_type,
                                record_ids=[record_id], address=address, detail=detail)[0]

    def record_many(
        self, action: str, actor: str | None, *, record_type: str | None,
        record_ids: list[str | None], address: str | None = None, detail: str | None = None,
    ) -> list[dict[str, Any]]:
        """Append one entry for each record (an import of many people) under one lock and
        one fsync; returns the entries."""
        if action not in ACTIONS:
            raise ValueError(f"unknown audit action {action!r}")
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o600)
        entries = []
        with os.fdopen(fd, "r+", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            last = _last_line(handle)
            previous = json.loads(last)["hash"] if last else GENESIS
            seq = json.loads(last)["seq"] if last else 0
            trusted = self.anchor is None or _reaches(handle, seq, previous, self.anchor.read())
            at = now_iso()
            for record_id in record_ids:
                seq += 1
                entry = {
                    "seq": seq, "at": at, "action": action, "actor": actor,
                    "record_type": record_type, "record_id": record_id,
                    "address": address, "detail": detail, "prev": previous,
                }
                entry["hash"] = previous = _digest(previous, entry)
                entries.append(entry)
            handle.write("".join(json.dumps(entry, sort_keys=True, ensure_ascii=False) + "\n"
                                 for entry in entries))
            handle.flush()
            os.fsync(handle.fileno())
            if self.anchor and entries:  # under the lock: heads keep their order
                if trusted:
                    self.anchor.record(entries[-1]["seq"], entries[-1]["hash"])
                else:  # kept in the graph: putting the old file back cannot hide it
                    self.anchor.mark(entries[0]["seq"])
        return entries

    def holds(self, head: Head) -> bool:
        """Whether this trail is intact up to ``head`` and its entry there is that one."""
        _, broken, at_head = self._chain(head.seq)
        return broken is None and at_head is not None and at_head == head.hash

    def head(self) -> Head | None:
        """The file's newest entry (number and hash), or None for an empty trail."""
        if not self.path.exists():
            return None
        with open(self.path, encoding="utf-8") as handle:
            last = _last_line(handle)
        if not last:
            return None
        entry = json.loads(last)
        return Head(entry["seq"], entry["hash"])

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every entry, oldest first."""
        if not self.path.exists():
            return
        with open(self.path, encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)

    def search(
        self, *, actor: str | None = None, action: str | None = None,
        record_id: str | None = None, since: str | None = None, until: str | None = None,
    ) -> list[dict[str, Any]]:
        """Entries matching every filter given, newest first (``since``/``until`` are dates
        or timestamps compared as ISO text)."""
        found = [
            entry for entry in self.entries()
            if (actor is None or entry["actor"] == actor)
            and (action is None or entry["action"] == action)
            and (record_id is None or entry["record_id"] == record_id)
            and (since is None or entry["at"] >= since)
            and (until is None or entry["at"][: len(until)] <= until)
        ]
        found.reverse()
        return found

    def verify(self, head: Head | None = None) -> tuple[int, Broken | None]:
        """Check the whole chain: ``(entries read, None)`` or where it first breaks. With
        the ``head`` recorded outside the file, also that the file still reaches it."""
        count, broken, at_head = self._chain(head.seq if head else 0)
        if broken or head is None:
            return count, broken
        if head.untrusted_from is not None:
            return count, Broken(head.untrusted_from, Problem(N_(
                "was written when the trail no longer held the entry the database recorded: "
                "entries had been removed or replaced")))
        if count < head.seq:
            return count, Broken(count + 1, Problem(N_(
                "is missing: the trail ends at entry %(count)s, but entry %(seq)s was "
                "recorded in the database (entries were cut from the end)"),
                count=count, seq=head.seq))
        if at_head != head.hash:
            return count, Broken(head.seq, Problem(N_(
                "is not the entry recorded in the database (the trail was replaced)")))
        return count, None

    def _chain(self, seq: int) -> tuple[int, Broken | None, str | None]:
        """Entries read, where the chain breaks, and the hash of entry ``seq``."""
        previous, count, at_seq = GENESIS, 0, None
        if not self.path.exists():
            return 0, None, None
        with open(self.path, encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                try:
                    entry = json.loads(line)
                    stated = entry.pop("hash")
                except (ValueError, KeyError, AttributeError):
                    return count, Broken(number, Problem(N_("is not an audit entry"))), None
                if entry.get("prev") != previous:
                    return count, Broken(number, Problem(
                        N_("does not follow the entry before it"))), None
                if entry.get("seq") != number:
                    return count, Broken(number, Problem(N_("is numbered %(found)s, not %(line)s"),
                                                        found=entry.get("seq"), line=number)), None
                if _digest(previous, entry) != stated:
                    return count, Broken(number, Problem(
                        N_("has been changed since it was written"))), None
                previous, count = stated, count + 1
                if number == seq:
                    at_seq = stated
        return count, None, at_seq


def _reaches(handle: Any, last_seq: int, last_hash: str, head: Head | None) -> bool:
    """Whether the file, whose newest entry is ``last_seq``/``last_hash``, still holds the
    recorded ``head`` as it was (entries after it are fine: a head not yet recorded)."""
    if head is None:
        return True
    if last_seq < head.seq:
        return False
    if last_seq == head.seq:
        return last_hash == head.hash
    for line in _lines_backwards(handle):
        entry = json.loads(line)
        if entry.get("seq", 0) <= head.seq:
            return entry.get("seq") == head.seq and entry.get("hash") == head.hash
    return False


def _lines_backwards(handle: Any) -> Iterator[str]:
    """The file's non-empty lines, newest first, read in blocks from the end (small at
    first: an append needs only the last line)."""
    raw = handle.buffer
    raw.seek(0, os.SEEK_END)
    position, rest, size = raw.tell(), b"", 4096
    while position > 0:
        step = min(position, size)
        size = min(size * 2, 65536)
        position -= step
        raw.seek(position)
        block = raw.read(step) + rest
        lines = block.split(b"\n")
        rest = lines.pop(0)
        for line in reversed(lines):
            if line.strip():
                yield line.decode("utf-8")
    if rest.strip():
        yield rest.decode("utf-8")


def _last_line(handle: Any) -> str | None:
    """The file's last non-empty line."""
    return next(_lines_backwards(handle), None)


@dataclass(frozen=True)
class Acting:
    """Who is acting, from where, and the trail their actions go to. The services that
    create, send, receive or erase person records take one and write the entries
    themselves, so every path that does these things (page, API, CLI, import) is
    audited alike."""

    log: AuditLog
    actor: str | None
    address: str | None = None

    def record(self, action: str, record_ids: str | list[str] | None, *,
               record_type: str | None = "Person", detail: str | None = None) -> None:
        """One entry per record: ``record_ids`` one id, several (an empty list writes
        nothing), or None for an action on no one record (a restore)."""
        ids: list[str | None] = (
            [record_ids] if record_ids is None or isinstance(record_ids, str)
            else list(record_ids))
        if ids:
            self.log.record_many(action, self.actor, record_type=record_type,
                                 record_ids=list(ids), address=self.address, detail=detail)
