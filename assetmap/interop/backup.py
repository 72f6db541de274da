"""Logical backups: every node and relationship with its properties, in a file any backend
can restore, so a backup is also how a community moves from the embedded database to
Neo4j when it outgrows one machine.

The file is gzip-compressed JSON lines: a header (format, version, the app's version),
one line per node (labels, properties) and per relationship (type, the two ends' labels
and ids, properties), and a trailer with the counts and the SHA-256 of every line before
it. With a passphrase it is encrypted as it is written: libsodium's secretstream
(XChaCha20-Poly1305 in chunks of 1 MiB, the last one marked final, so a reordered or cut
file is refused) with a key from scrypt. It is written with mode 0600 from one consistent
snapshot of the graph, and a restore reads it twice: once to check all of it, once to
write. Neither holds more than a chunk and a batch in memory.

An encrypted backup also carries the instance folder's keys, audit trail and erasure
register (:data:`INSTANCE_FILES`), after the graph: a backup restored on a new machine then
signs, pseudonymises and remembers erasures as the old one did. An unencrypted backup never
holds them (the caller says so).
"""

from __future__ import annotations

import base64
import fcntl
import gzip
import hashlib
import io
import json
import os
import re
import secrets
import zlib
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import nacl.bindings as sodium
import orjson
from cryptography.fernet import Fernet, InvalidToken
from nacl.exceptions import CryptoError

from assetmap import __version__
from assetmap.audit import AUDIT_FILE
from assetmap.erasures import KEY_FILE, REGISTER_FILE
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem
from assetmap.model import EXTRA_LABELS, NODE_TYPES, RELATIONSHIPS, InvalidRecord

FORMAT = "assetmap-backup"
VERSION = 2
#: format 1 had no instance files
READS = (1, 2)
PAGE = 10_000
ENCRYPTED = b"AMBACKUP-ENC2\n"
#: the first encrypted format (Fernet over the whole file), still read
ENCRYPTED_WHOLE = b"AMBACKUP-ENC1\n"
#: how an encrypted backup starts, in either format
SEALED = (ENCRYPTED, ENCRYPTED_WHOLE)
SALT_BYTES = 16
CHUNK = 1 << 20
#: far above any record's line (a page of audit lines is a few MB)
LONGEST_LINE = 64 << 20
#: gzip's own default: level 9 took four times as long for a file 12% smaller
COMPRESSION = 6
#: the instance folder's parts an encrypted backup carries, as paths inside the folder:
#: its keys (sessions, person packages, the audit trail's and the erasure register's
#: hashes), the audit trail and the erasure register. Nothing else is ever read or written.
INSTANCE_FILES = ("secret_key", "signing_key", "audit_key", KEY_FILE, str(AUDIT_FILE),
                  str(REGISTER_FILE))
#: derived on restore from lat/lon: never written
DERIVED = ("location",)
Progress = Callable[[str, int, int], None]
WRONG_PASSPHRASE = N_("is not the one this backup was made with, or the file is damaged")

_FINAL = sodium.crypto_secretstream_xchacha20poly1305_TAG_FINAL
_MESSAGE = sodium.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE
_HEADER_BYTES = sodium.crypto_secretstream_xchacha20poly1305_HEADERBYTES


def _key(passphrase: str, salt: bytes) -> bytes:
    return hashlib.scrypt(passphrase.encode(), salt=salt, n=2**15, r=8, p=1, dklen=32,
                          maxmem=64 * 1024 * 1024)


def _damaged(template: str, **params: object) -> InvalidRecord:
    return InvalidRecord([("file", Problem(template, **params))])


class _SealingWriter(io.RawIOBase):
    """Encrypts what is written through it, a chunk at a time, into ``raw``."""

    def __init__(self, raw: IO[bytes], passphrase: str) -> None:
        salt = secrets.token_bytes(SALT_BYTES)
        self._raw, self._ad = raw, ENCRYPTED + salt
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        header = sodium.crypto_secretstream_xchacha20poly1305_init_push(
            self._state, _key(passphrase, salt))
        raw.write(self._ad + header)
        self._pending = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._pending += data
        while len(self._pending) >= CHUNK:
            self._seal(bytes(self._pending[:CHUNK]), _MESSAGE)
            del self._pending[:CHUNK]
        return len(data)

    def finish(self) -> None:
        self._seal(bytes(self._pending), _FINAL)
        self._pending.clear()

    def _seal(self, chunk: bytes, tag: int) -> None:
        sealed = sodium.crypto_secretstream_xchacha20poly1305_push(
            self._state, chunk, self._ad, tag)
        self._raw.write(len(sealed).to_bytes(4, "big") + sealed)


class _OpeningReader(io.RawIOBase):
    """Decrypts a sealed file chunk by chunk; refuses a wrong passphrase, a changed chunk,
    and a file cut short or run on past its final chunk."""

    def __init__(self, raw: IO[bytes], passphrase: str) -> None:
        self._raw = raw
        start = raw.read(len(ENCRYPTED) + SALT_BYTES + _HEADER_BYTES)
        if len(start) < len(ENCRYPTED) + SALT_BYTES + _HEADER_BYTES:
            raise _damaged(N_("is cut short"))
        self._ad = start[:len(ENCRYPTED) + SALT_BYTES]
        self._state = sodium.crypto_secretstream_xchacha20poly1305_state()
        sodium.crypto_secretstream_xchacha20poly1305_init_pull(
            self._state, start[len(self._ad):], _key(passphrase, self._ad[len(ENCRYPTED):]))
        self._plain, self._offset, self._chunks, self._ended = b"", 0, 0, False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:  # type: ignore[override]
        while self._offset == len(self._plain) and not self._ended:
            self._open_next()
        size = min(len(buffer), len(self._plain) - self._offset)
        buffer[:size] = self._plain[self._offset:self._offset + size]
        self._offset += size
        return size

    def _open_next(self) -> None:
        length = self._raw.read(4)
        sealed = self._raw.read(int.from_bytes(length, "big")) if len(length) == 4 else b""
        if len(length) < 4 or len(sealed) < int.from_bytes(length, "big"):
            raise _damaged(N_("is cut short"))
        try:
            self._plain, tag = sodium.crypto_secretstream_xchacha20poly1305_pull(
                self._state, sealed, self._ad)
        except CryptoError:
            if self._chunks == 0:
                raise InvalidRecord([("passphrase", Problem(WRONG_PASSPHRASE))]) from None
            raise _damaged(N_("was changed after it was written")) from None
        self._offset, self._chunks = 0, self._chunks + 1
        if tag == _FINAL:
            self._ended = True
            if self._raw.read(1):
                raise _damaged(N_("runs on past its end"))


@contextmanager
def _plain(path: Path, passphrase: str | None) -> Iterator[IO[bytes]]:
    """The backup's decompressed (and decrypted) bytes, read as a stream."""
    try:
        raw = open(path, "rb")  # noqa: SIM115 (closed below, after the stream)
    except OSError as exc:
        raise _damaged(N_("cannot be read: %(why)s"), why=exc.strerror) from None
    with raw:
        start = raw.read(len(ENCRYPTED))
        raw.seek(0)
        source: IO[bytes] = raw
        if start in SEALED and not passphrase:
            raise InvalidRecord([("passphrase", Problem(
                N_("the backup is encrypted: give its passphrase")))])
        if start == ENCRYPTED:
            source = io.BufferedReader(_OpeningReader(raw, passphrase or ""), CHUNK)
        elif start == ENCRYPTED_WHOLE:
            source = io.BytesIO(_open_whole(raw.read(), passphrase or ""))
        with gzip.GzipFile(fileobj=source, mode="rb") as plain:
            yield plain


def _encrypted(path: Path) -> bool:
    with open(path, "rb") as raw:
        return raw.read(len(ENCRYPTED)) in SEALED


def _open_whole(data: bytes, passphrase: str) -> bytes:
    salt = data[len(ENCRYPTED_WHOLE):len(ENCRYPTED_WHOLE) + SALT_BYTES]
    try:
        return Fernet(base64.urlsafe_b64encode(_key(passphrase, salt))).decrypt(
            data[len(ENCRYPTED_WHOLE) + SALT_BYTES:])
    except InvalidToken:
        raise InvalidRecord([("passphrase", Problem(WRONG_PASSPHRASE))]) from None


def _primary(labels: list[str]) -> str:
    return next(label for label in labels if label in NODE_TYPES)


def _pages(store: GraphStore, label: str, tail: str, **params: Any) -> Iterator[list[Any]]:
    """Rows (lists of plain values) for every ``label`` node in id order, a page of nodes
    at a time (keyset paging: each page starts after the last id, so the whole graph is
    never sorted per page). The next page is read while this one is used: the server's
    work overlaps ours."""
    with ThreadPoolExecutor(1) as reader:
        after, reading = "", None
        while True:
            ids = [row[0] for row in store.run_read_rows(
                f"MATCH (n:{label}) WHERE n.id > $after RETURN n.id ORDER BY n.id "
                "LIMIT $limit", after=after, limit=PAGE)]
            upcoming = ids and reader.submit(
                store.run_read_values, f"MATCH (n:{label}) WHERE n.id IN $ids {tail}",
                ids=ids, **params)
            if reading:
                yield from reading.result()
            if not upcoming:
                return
            reading, after = upcoming, ids[-1]


def _lines(store: GraphStore) -> Iterator[dict[str, Any]]:
    for label in sorted(NODE_TYPES):
        for labels, properties in _pages(store, label, "RETURN labels(n), properties(n)"):
            for derived in DERIVED:
                properties.pop(derived, None)
            yield {"n": labels, "p": properties}
    for name, spec in sorted(RELATIONSHIPS.items()):
        for source in spec.sources:
            # the far end's kind is picked in the server: no list of labels per line
            for a, target, b, properties in _pages(
                    store, source,
                    f"MATCH (n)-[r:{name}]->(b) "
                    "RETURN n.id, [x IN labels(b) WHERE x IN $kinds][0], b.id, properties(r)",
                    kinds=sorted(NODE_TYPES)):
                yield {"r": name, "al": source, "a": a, "bl": target, "b": b, "p": properties}


def _instance_records(instance: Path) -> Iterator[dict[str, Any]]:
    """The instance files there are, a page of lines to a record. Each file is read up to
    its length under a shared lock: appends take an exclusive one and write whole lines,
    so no line is read half-written, and the file is never held in memory whole."""
    for name in INSTANCE_FILES:
        try:
            handle = open(instance / name, "rb")  # noqa: SIM115 (closed below)
        except FileNotFoundError:
            continue
        with handle:
            fcntl.flock(handle, fcntl.LOCK_SH)
            left = os.fstat(handle.fileno()).st_size
            fcntl.flock(handle, fcntl.LOCK_UN)
            page: list[str] = []
            for line in handle:
                if left <= 0:
                    break
                left -= len(line)
                page.append(line.decode())
                if len(page) == PAGE:
                    yield {"f": name, "lines": page}
                    page = []
            if page:
                yield {"f": name, "lines": page}

def write(store: GraphStore, path: Path, passphrase: str | None = None,
          progress: Progress | None = None, instance: Path | None = None) -> dict[str, Any]:
    """Write a backup of the whole graph to ``path`` (mode 0600); with a passphrase and
    ``instance`` (the instance folder), its :data:`INSTANCE_FILES` too. Returns the counts
    and the instance files written (``files``).

    The file is written beside ``path`` and moved into place when complete, so a backup
    that fails part way never leaves a cut-off file under the name asked for."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    digest = hashlib.sha256()
    counts: dict[str, Any] = {"nodes": 0, "relationships": 0}
    files: list[str] = []
    # never reuse a file already there (another user's, or a link): made afresh, 0600
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)

    def put(texts: list[bytes]) -> None:  # one compressor call and one hash per page
        block = b"".join(text + b"\n" for text in texts)
        digest.update(block)
        out.write(block)

    try:
        with os.fdopen(fd, "wb") as raw:
            sealer = _SealingWriter(raw, passphrase) if passphrase else None
            with gzip.GzipFile(fileobj=sealer or raw, mode="wb", mtime=0,
                               compresslevel=COMPRESSION) as out:
                header = {"format": FORMAT, "version": VERSION, "app_version": __version__}
                out.write(json.dumps(header).encode() + b"\n")
                pending: list[bytes] = []
                with store.snapshot() as snapshot:
                    total = sum(sum(kind.values()) for kind in snapshot.counts().values())
                    for line in _lines(snapshot):
                        pending.append(orjson.dumps(line, option=orjson.OPT_SORT_KEYS))
                        counts["nodes" if "n" in line else "relationships"] += 1
                        if len(pending) == PAGE:
                            put(pending)
                            pending.clear()
                            if progress:
                                progress("backup", sum(counts.values()), total)
                put(pending)
                if progress:
                    progress("backup", sum(counts.values()), total)
                # read after the snapshot: the trail then reaches the head the graph holds
                records = _instance_records(instance) if passphrase and instance else ()
                for record in records:
                    put([orjson.dumps(record)])
                    files.append(record["f"])
                out.write(json.dumps({**counts, "files": len(files),
                                      "sha256": digest.hexdigest()}).encode() + b"\n")
            if sealer:
                sealer.finish()
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return {**counts, "files": _in_order(files)}


def _read_lines(path: Path, passphrase: str | None) -> Iterator[bytes]:
    with _plain(path, passphrase) as plain:
        try:
            while line := plain.readline(LONGEST_LINE + 1):
                if len(line) > LONGEST_LINE:  # never read a crafted endless line whole
                    raise _damaged(N_("has a line longer than %(mib)s MiB"),
                                   mib=LONGEST_LINE >> 20)
                yield line
        except EOFError:  # the compressed stream ends before its end marker
            raise _damaged(N_("is cut short")) from None
        except (OSError, zlib.error):
            raise _damaged(N_("is not an assetmap backup")) from None


def _parsed(text: bytes | None) -> Any:
    try:
        return orjson.loads(text or b"")
    except (ValueError, UnicodeDecodeError):
        raise _damaged(N_("is not an assetmap backup")) from None


def _body(path: Path, passphrase: str | None) -> Iterator[bytes | dict]:
    """The node and relationship lines (as bytes) after checking the header, then the
    trailer (parsed): the last line is only known to be the trailer at the end."""
    lines = _read_lines(path, passphrase)
    header = _parsed(next(lines, None))
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise _damaged(N_("is not an assetmap backup"))
    if type(header.get("version")) is not int or header["version"] not in READS:
        raise _damaged(N_("is backup format %(found)s; this assetmap reads format %(reads)s"),
                       found=header.get("version"), reads=" or ".join(map(str, READS)))
    previous = None
    for text in lines:
        if previous is not None:
            yield previous
        previous = text
    trailer = _parsed(previous)
    if not isinstance(trailer, dict):
        raise _damaged(N_("is not an assetmap backup"))
    yield trailer


def _check_line(record: Any, counts: dict[str, int]) -> None:
    if not isinstance(record, dict):
        raise _damaged(N_("is not an assetmap backup"))
    if "f" in record:  # a name from the list only: it becomes a path in the instance
        lines = record.get("lines")
        if record["f"] not in INSTANCE_FILES or not isinstance(lines, list) or not all(
                isinstance(line, str) for line in lines):
            raise InvalidRecord([("file", Problem(N_("%(name)s is not an instance file"),
                                                  name=repr(record["f"])))])
        counts["files"] += 1
        return
    if counts["files"]:
        raise _damaged(N_("has graph lines after the instance files"))
    if "n" in record:
        labels = record["n"]
        if not isinstance(labels, list) or not all(isinstance(x, str) for x in labels) or \
                len(set(labels) & set(NODE_TYPES)) != 1 or \
                not set(labels) <= set(NODE_TYPES) | set(EXTRA_LABELS):
            raise InvalidRecord([("labels", Problem(N_("%(labels)s are not assetmap labels"),
                                                    labels=repr(labels)))])
        _check_properties(record.get("p"))
        if counts["relationships"]:
            raise _damaged(N_("has a node after the relationships"))
        counts["nodes"] += 1
        return
    if record.get("r") not in RELATIONSHIPS or not {record.get("al"), record.get("bl")} <= set(
            NODE_TYPES):
        raise InvalidRecord([("type", Problem(N_("%(type)s is not an assetmap relationship"),
                                              type=repr(record.get("r"))))])
    if not isinstance(record.get("a"), str) or not isinstance(record.get("b"), str):
        raise _damaged(N_("is not an assetmap backup"))
    _check_properties(record.get("p"))
    counts["relationships"] += 1


_SCALARS = (str, int, float, bool)


def _check_properties(properties: Any) -> None:
    """What a graph can store, checked before anything is written: a map of plain names to
    text, numbers, true/false or lists of them."""
    if not isinstance(properties, dict) or not all(
            isinstance(key, str) and key.isidentifier()
            and (isinstance(value, _SCALARS) or (isinstance(value, list) and all(
                isinstance(item, _SCALARS) for item in value)))
            for key, value in properties.items()):
        raise _damaged(N_("is not an assetmap backup"))


def check(path: Path, passphrase: str | None = None,
          extract_to: Path | None = None) -> dict[str, Any]:
    """Read the whole backup and check it: format, version, passphrase, every line, the
    checksum and the counts. Returns the counts and the names of the instance files it
    carries (``files``); with ``extract_to`` (a private folder) they are written there.
    Raises :class:`InvalidRecord` naming what is wrong."""
    digest = hashlib.sha256()
    counts = {"nodes": 0, "relationships": 0, "files": 0}
    files: set[str] = set()
    for item in _body(path, passphrase):
        if isinstance(item, dict):
            trailer = item
            break
        digest.update(item)
        record = _parsed(item)
        _check_line(record, counts)
        if "f" in record:
            files.add(record["f"])
            if extract_to:
                _extract(record, extract_to)
    if digest.hexdigest() != trailer.get("sha256"):
        raise _damaged(N_("fails its checksum: it was changed or cut short"))
    if files and not _encrypted(path):  # assetmap writes them only under encryption
        raise _damaged(N_("holds instance files but is not encrypted: assetmap never writes "
                          "such a backup"))
    if (counts["nodes"], counts["relationships"], counts["files"]) != (
            trailer.get("nodes"), trailer.get("relationships"), trailer.get("files", 0)):
        raise _damaged(N_("holds other counts than its trailer says"))
    return {"nodes": counts["nodes"], "relationships": counts["relationships"],
            "files": _in_order(files)}


def _in_order(names: Iterable[str]) -> list[str]:
    return [name for name in INSTANCE_FILES if name in set(names)]


def _extract(record: dict[str, Any], into: Path) -> None:
    target = into / record["f"]
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.writelines(record["lines"])


def audit_head(path: Path, passphrase: str | None = None) -> dict[str, Any] | None:
    """The audit trail's head the backup holds (``seq``, ``hash``), if any: read before
    anything is written, to know which instance's trail the backup belongs with."""
    for item in _body(path, passphrase):
        if isinstance(item, dict):
            break
        record = _parsed(item)
        if isinstance(record, dict) and record.get("n") == ["AuditHead"]:
            head = record.get("p")
            if not isinstance(head, dict) or type(head.get("seq")) is not int or \
                    head["seq"] < 1 or not re.fullmatch(r"[0-9a-f]{64}", str(head.get("hash"))):
                raise _damaged(N_("is not an assetmap backup"))
            return head
    return None


def _statements(path: Path, passphrase: str | None,
                batch: int) -> Iterator[tuple[tuple, list[dict]]]:
    """The checked file's lines grouped for one write each: runs of nodes with the same
    labels, or relationships of the same type between the same labels, up to ``batch``."""
    key: tuple | None = None
    rows: list[dict] = []
    seen = {"nodes": 0, "relationships": 0, "files": 0}
    for item in _body(path, passphrase):
        if isinstance(item, dict):
            break
        record = _parsed(item)
        _check_line(record, seen)  # again: labels go into the statements
        if "f" in record:  # the instance files come last
            break
        if "n" in record:
            located = (NODE_TYPES[_primary(record["n"])].located
                       and record["p"].get("lat") is not None)
            this, row = ("n", ":".join(record["n"]), located), record["p"]
        else:
            this = ("r", record["r"], record["al"], record["bl"])
            row = {"a": record["a"], "b": record["b"], "p": record["p"]}
        if rows and (this != key or len(rows) >= batch):
            yield key, rows  # type: ignore[misc]
            rows = []
        key = this
        rows.append(row)
    if rows:
        yield key, rows  # type: ignore[misc]


def require_empty(store: GraphStore) -> None:
    """Refuse a graph that holds anything but the audit trail's head (this instance's, not
    data: the caller puts it back)."""
    if sum(n for label, n in store.counts()["nodes"].items() if label != "AuditHead"):
        raise InvalidRecord([("target", Problem(N_(
            "the graph is not empty: restore needs an empty one (a new ASSETMAP_INSTANCE "
            "or graph)")))])


def restore(store: GraphStore, path: Path, passphrase: str | None = None,
            progress: Progress | None = None, batch: int = 5000,
            checked: dict[str, Any] | None = None) -> dict[str, int]:
    """Restore a backup's graph into an empty store (any backend); returns the counts
    written. Nothing is written unless the whole file passes :func:`check` (``checked``:
    its answer, when the caller has just checked the file)."""
    counts = checked or check(path, passphrase)
    total = counts["nodes"] + counts["relationships"]
    require_empty(store)
    store.init_schema()
    store.run_write("MATCH (h:AuditHead) DELETE h")
    written = {"nodes": 0, "relationships": 0}
    for key, rows in _statements(path, passphrase, batch):
        if key[0] == "n":
            _, labels, located = key
            point = (" SET n.location = point({latitude: r.lat, longitude: r.lon})"
                     if located else "")
            written["nodes"] += store.run_write(
                f"UNWIND $rows AS r CREATE (n:{labels}) SET n = r{point} RETURN count(n) AS n",
                rows=rows)[0]["n"]
        else:
            _, name, source, target = key
            written["relationships"] += store.run_write(
                f"UNWIND $rows AS r MATCH (a:{source} {{id: r.a}}) "
                f"MATCH (b:{target} {{id: r.b}}) CREATE (a)-[x:{name}]->(b) SET x = r.p "
                "RETURN count(x) AS n", rows=rows)[0]["n"]
        if progress:
            progress("restore", sum(written.values()), total)
    return written
