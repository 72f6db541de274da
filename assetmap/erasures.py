"""The erasure register: which people were erased here, and when, without saying who.

Each erasure appends a line to ``<instance>/erasures/register.jsonl`` (folder 0700, file
0600): the erased person's id as a keyed hash (HMAC-SHA256 under the instance's
``erasure_key``) and the date. It lives beside the graph, not in it, so restoring a backup
made before an erasure cannot roll it back: every restore erases the people the register
names before the restored graph is used, and a received person package whose person was
erased here is refused.

>>> register = ErasureRegister(Path("/nonexistent"), "k")
>>> register.key_of("p-1") == register.key_of("p-1") != register.key_of("p-2")
True
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from assetmap.i18n import N_, Problem
from assetmap.model import InvalidRecord, now_iso

if TYPE_CHECKING:
    from assetmap.config import Config

REGISTER_FILE = Path("erasures") / "register.jsonl"
KEY_FILE = "erasure_key"


class ErasureRegister:
    def __init__(self, instance_path: Path, key: str | Callable[[], str]) -> None:
        self.path = instance_path / REGISTER_FILE
        self._key_source = key

    @cached_property
    def _key(self) -> bytes:  # made (and written) only when first needed
        key = self._key_source if isinstance(self._key_source, str) else self._key_source()
        return key.encode()

    def key_of(self, person_id: str) -> str:
        """The keyed hash an erased id is kept as."""
        return hmac.new(self._key, person_id.encode(), hashlib.sha256).hexdigest()

    def _key_check(self) -> str:
        """Written on every line, so a register read with another key is refused."""
        return self.key_of("\0assetmap erasure register")[:16]

    def add(self, person_ids: Iterable[str]) -> None:
        """Register erasures, flushed to disk before the erasure is reported done."""
        check = self._key_check()
        lines = "".join(json.dumps({"id_hmac": self.key_of(pid), "erased_at": now_iso(),
                                    "key": check}) + "\n" for pid in person_ids)
        if not lines:
            return
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            handle.write(lines)
            handle.flush()
            os.fsync(handle.fileno())

    def _hashes(self) -> set[str]:
        if not self.path.exists():
            return set()
        with open(self.path, encoding="utf-8") as handle:
            lines = [json.loads(line) for line in handle if line.strip()]
        if any(line.get("key") != self._key_check() for line in lines):
            raise InvalidRecord([(KEY_FILE, Problem(N_(
                "is not the key this erasure register was written with: copy the key from "
                "the instance the register came from")))])
        return {line["id_hmac"] for line in lines}

    def erased_among(self, person_ids: Iterable[str]) -> list[str]:
        """Those of ``person_ids`` that were erased here."""
        hashes = self._hashes()
        return [pid for pid in person_ids if self.key_of(pid) in hashes]

    def holds(self, person_id: str) -> bool:
        return bool(self.erased_among([person_id]))


def for_instance(config: Config) -> ErasureRegister:
    """The register of the instance ``config`` names, under its own key. A register whose
    key is missing (copied without it) is refused: a new key would match none of it."""
    if (config.instance_path / REGISTER_FILE).exists() and not (
            config.instance_path / KEY_FILE).exists():
        raise InvalidRecord([(KEY_FILE, Problem(N_(
            "is missing from the instance folder, but its erasure register is there: copy "
            "the key from the instance the register came from")))])
    return ErasureRegister(config.instance_path, lambda: config.instance_secret(KEY_FILE))
