"""Logical backups: every node and relationship with its properties, in a file any backend
can restore, so a backup is also how a community moves from the embedded database to
Neo4j when it outgrows one machine.

The file is gzip-compressed JSON lines: a header (format, version, the app's version,
when), one line per node (labels, properties) and per relationship (type, the two ends'
labels and ids, properties), and a trailer with the counts and the SHA-256 of every line
before it. With a passphrase the whole file is encrypted (Fernet, key from scrypt). It is
written with mode 0600, read from one consistent snapshot of the graph, and checked in
full before a restore writes anything.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet, InvalidToken

from assetmap import __version__
from assetmap.graph.store import GraphStore
from assetmap.model import EXTRA_LABELS, NODE_TYPES, RELATIONSHIPS, InvalidRecord

FORMAT = "assetmap-backup"
VERSION = 1
PAGE = 10_000
ENCRYPTED = b"AMBACKUP-ENC1\n"
#: derived on restore from lat/lon: never written
DERIVED = ("location",)
Progress = Callable[[str, int, int], None]


def _key(passphrase: str, salt: bytes) -> bytes:
    raw = hashlib.scrypt(passphrase.encode(), salt=salt, n=2**15, r=8, p=1, dklen=32,
                         maxmem=64 * 1024 * 1024)
    return base64.urlsafe_b64encode(raw)


def _primary(labels: list[str]) -> str:
    return next(label for label in labels if label in NODE_TYPES)


def _pages(store: GraphStore, label: str, tail: str, **params: Any) -> Iterator[dict]:
    """Rows for every ``label`` node in id order, a page of nodes at a time (keyset paging:
    each page starts after the last id, so the whole graph is never sorted per page)."""
    after = ""
    while True:
        ids = [row["id"] for row in store.run_read(
            f"MATCH (n:{label}) WHERE n.id > $after RETURN n.id AS id ORDER BY id "
            "LIMIT $limit", after=after, limit=PAGE)]
        if not ids:
            return
        yield from store.run_read(f"MATCH (n:{label}) WHERE n.id IN $ids {tail}",
                                  ids=ids, **params)
        after = ids[-1]


def _lines(store: GraphStore) -> Iterator[dict[str, Any]]:
    for label in sorted(NODE_TYPES):
        for row in _pages(store, label, "RETURN labels(n) AS labels, properties(n) AS p"):
            yield {"n": row["labels"],
                   "p": {k: v for k, v in row["p"].items() if k not in DERIVED}}
    for name, spec in sorted(RELATIONSHIPS.items()):
        for source in spec.sources:
            for row in _pages(store, source,
                              f"MATCH (n)-[r:{name}]->(b) RETURN n.id AS a, labels(b) AS bl, "
                              "b.id AS b, properties(r) AS p"):
                yield {"r": name, "al": source, "a": row["a"], "bl": _primary(row["bl"]),
                       "b": row["b"], "p": row["p"]}


def write(store: GraphStore, path: Path, passphrase: str | None = None) -> dict[str, int]:
    """Write a backup of the whole graph to ``path`` (mode 0600); returns the counts."""
    digest = hashlib.sha256()
    counts = {"nodes": 0, "relationships": 0}
    body: list[bytes] = []
    header = {"format": FORMAT, "version": VERSION, "app_version": __version__}
    body.append(json.dumps(header).encode())
    with store.snapshot() as snapshot:
        for line in _lines(snapshot):
            text = json.dumps(line, sort_keys=True, ensure_ascii=False).encode()
            digest.update(text + b"\n")
            body.append(text)
            counts["nodes" if "n" in line else "relationships"] += 1
    body.append(json.dumps({**counts, "sha256": digest.hexdigest()}).encode())
    data = gzip.compress(b"\n".join(body) + b"\n")
    if passphrase:
        salt = secrets.token_bytes(16)
        data = ENCRYPTED + salt + Fernet(_key(passphrase, salt)).encrypt(data)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.chmod(path, 0o600)
    return counts


def read(path: Path, passphrase: str | None = None) -> list[dict[str, Any]]:
    """Every node and relationship line of a backup, after checking all of it: format,
    version, passphrase, checksum and counts. Raises :class:`InvalidRecord` naming what
    is wrong."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InvalidRecord([("file", f"cannot be read: {exc.strerror}")]) from None
    if data.startswith(ENCRYPTED):
        if not passphrase:
            raise InvalidRecord([("passphrase", "the backup is encrypted: give its passphrase")])
        salt, token = data[len(ENCRYPTED):len(ENCRYPTED) + 16], data[len(ENCRYPTED) + 16:]
        try:
            data = Fernet(_key(passphrase, salt)).decrypt(token)
        except InvalidToken:
            raise InvalidRecord([("passphrase", "is not the one this backup was made with, "
                                                "or the file is damaged")]) from None
    try:
        lines = gzip.decompress(data).decode("utf-8").splitlines()
        header, trailer = json.loads(lines[0]), json.loads(lines[-1])
    except (OSError, EOFError, UnicodeDecodeError, ValueError, IndexError):
        raise InvalidRecord([("file", "is not an assetmap backup")]) from None
    if header.get("format") != FORMAT:
        raise InvalidRecord([("file", "is not an assetmap backup")])
    if header.get("version") != VERSION:
        raise InvalidRecord([("file", f"is backup format {header.get('version')}; "
                                      f"this assetmap reads format {VERSION}")])
    digest = hashlib.sha256()
    for text in lines[1:-1]:
        digest.update(text.encode() + b"\n")
    if digest.hexdigest() != trailer.get("sha256"):
        raise InvalidRecord([("file", "fails its checksum: it was changed or cut short")])
    records = [json.loads(text) for text in lines[1:-1]]
    nodes = sum("n" in record for record in records)
    if (nodes, len(records) - nodes) != (trailer.get("nodes"), trailer.get("relationships")):
        raise InvalidRecord([("file", "holds other counts than its trailer says")])
    return records


def restore(store: GraphStore, path: Path, passphrase: str | None = None,
            progress: Progress | None = None, batch: int = 5000) -> dict[str, int]:
    """Restore a backup into an empty store (any backend); returns the counts written."""
    records = read(path, passphrase)
    if sum(store.counts()["nodes"].values()):
        raise InvalidRecord([("target", "the graph is not empty: restore needs an empty one "
                                        "(a new ASSETMAP_INSTANCE or graph)")])
    store.init_schema()
    nodes: dict[tuple[str, bool], list[dict]] = {}
    edges: dict[tuple[str, str, str], list[dict]] = {}
    for record in records:
        if "n" in record:
            labels = record["n"]
            if not labels or not set(labels) <= set(NODE_TYPES) | set(EXTRA_LABELS):
                raise InvalidRecord([("labels", f"{labels!r} are not assetmap labels")])
            located = NODE_TYPES[_primary(labels)].located and record["p"].get("lat") is not None
            nodes.setdefault((":".join(labels), located), []).append(record["p"])
        else:
            if record["r"] not in RELATIONSHIPS or not {record["al"], record["bl"]} <= set(
                    NODE_TYPES):
                raise InvalidRecord([("type", f"{record['r']!r} is not an assetmap relationship")])
            edges.setdefault((record["r"], record["al"], record["bl"]), []).append(
                {"a": record["a"], "b": record["b"], "p": record["p"]})
    written = {"nodes": 0, "relationships": 0}
    total = len(records)
    for (labels, located), rows in sorted(nodes.items()):
        point = (" SET n.location = point({latitude: r.lat, longitude: r.lon})"
                 if located else "")
        for start in range(0, len(rows), batch):
            written["nodes"] += store.run_write(
                f"UNWIND $rows AS r CREATE (n:{labels}) SET n = r{point} RETURN count(n) AS n",
                rows=rows[start:start + batch])[0]["n"]
            if progress:
                progress("restore", written["nodes"], total)
    for (name, source, target), rows in sorted(edges.items()):
        for start in range(0, len(rows), batch):
            written["relationships"] += store.run_write(
                f"UNWIND $rows AS r MATCH (a:{source} {{id: r.a}}) "
                f"MATCH (b:{target} {{id: r.b}}) CREATE (a)-[x:{name}]->(b) SET x = r.p "
                "RETURN count(x) AS n", rows=rows[start:start + batch])[0]["n"]
            if progress:
                progress("restore", written["nodes"] + written["relationships"], total)
    return written
