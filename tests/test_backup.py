"""Backups: a whole community out and back in, identical; checked before anything is
written; private; encrypted with a passphrase; into an empty graph only."""

from __future__ import annotations

import gzip
import stat

import pytest

from assetmap.graph.store import GraphStore
from assetmap.interop import backup
from assetmap.model import InvalidRecord


def _everything(store: GraphStore) -> tuple[list, list]:
    nodes = store.run_read("MATCH (n) RETURN labels(n) AS l, properties(n) AS p ORDER BY n.id")
    edges = store.run_read(
        "MATCH (a)-[r]->(b) RETURN a.id AS a, type(r) AS t, b.id AS b, properties(r) AS p "
        "ORDER BY a, t, b")
    return nodes, edges


@pytest.fixture
def empty(config) -> GraphStore:  # noqa: ANN001
    other = GraphStore.open(config.with_changes(graph_name=config.graph_name + "_restore"))
    other.clear()
    yield other
    other.clear()
    other.close()


def test_round_trip_is_identical(sample_store: GraphStore, empty: GraphStore, tmp_path) -> None:  # noqa: ANN001
    from assetmap.services import analysis
    analysis.run_analysis(sample_store)
    path = tmp_path / "community.amb"
    odd = {"id": "group-odd", "name": 'Côr "Meibion" \\ `Tawel`\nail linell 🎶',
           "tags": ["a, b", "[c]", "", "d: e"], "members": 9_007_199_254_740_993,
           "lat": -0.000001, "lon": 1e-7, "open": False, "flags": [True, False], "none": []}
    sample_store.run_write("CREATE (g:Group) SET g = $p", p=odd)
    counts = backup.write(sample_store, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert counts["nodes"] == sum(sample_store.counts()["nodes"].values())
    assert counts["files"] == [], "no instance given: no instance files"
    assert backup.restore(empty, path) == {"nodes": counts["nodes"],
                                           "relationships": counts["relationships"]}
    back = empty.run_read("MATCH (g:Group {id: 'group-odd'}) RETURN properties(g) AS p")
    assert back[0]["p"] == odd, "every kind of value comes back as it was"
    assert _everything(empty) == _everything(sample_store)
    near = empty.run_read(  # points are rebuilt from lat/lon, so geo search works
        "MATCH (p:Place) WHERE distance(p.location, point({latitude: 52.45, longitude: -3.54}))"
        " < 20000 RETURN count(p) AS n")[0]["n"]
    assert near > 0
    graphs = [str(g) for g in sample_store.backend._db.connection.execute_command(
        "GRAPH.LIST")]
    assert not [g for g in graphs if "__snapshot_" in g], "the snapshot copy is dropped"


def test_encrypted_and_refusals(sample_store: GraphStore, empty: GraphStore, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "secret.amb"
    backup.write(sample_store, path, passphrase="tawel fel y bedd")
    assert b"person-" not in path.read_bytes()
    with pytest.raises(InvalidRecord, match="passphrase: the backup is encrypted"):
        backup.restore(empty, path)
    with pytest.raises(InvalidRecord, match="passphrase: is not the one"):
        backup.restore(empty, path, passphrase="wrong")
    assert sum(empty.counts()["nodes"].values()) == 0, "nothing written"
    backup.restore(empty, path, passphrase="tawel fel y bedd")
    with pytest.raises(InvalidRecord, match="target: the graph is not empty"):
        backup.restore(empty, path, passphrase="tawel fel y bedd")


@pytest.mark.parametrize("damage,message", [
    (lambda data: data[: len(data) // 2], "is cut short"),
    (lambda data: gzip.compress(gzip.decompress(data).replace(b"Llanidloes",
                                                              b"Llanidlaes", 1)),
     "fails its checksum"),
    (lambda data: b"not a backup at all", "is not an assetmap backup"),
])
def test_damaged_files_write_nothing(sample_store: GraphStore, empty: GraphStore, tmp_path,  # noqa: ANN001
                                     damage, message: str) -> None:
    path = tmp_path / "damaged.amb"
    backup.write(sample_store, path)
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(InvalidRecord, match=message):
        backup.restore(empty, path)
    assert sum(empty.counts()["nodes"].values()) == 0


def test_cli_backup_and_restore(runner, cli_env, tmp_path) -> None:  # noqa: ANN001
    from assetmap.cli import main
    from assetmap.config import Config
    from seed import sample
    store = GraphStore.open(Config.from_env(cli_env))
    store.init_schema()
    sample.load(store)
    path = tmp_path / "cli.amb"
    secret = tmp_path / "passphrase"
    secret.write_text("llais y wlad\n")
    result = runner.invoke(main, ["backup", str(path), "--passphrase-file", str(secret)])
    assert result.exit_code == 0 and "backed up" in result.output
    again = runner.invoke(main, ["restore", str(path), "--passphrase-file", str(secret)])
    assert again.exit_code == 1 and "target: the graph is not empty" in again.output
    before = store.counts()
    store.clear()
    restored = runner.invoke(main, ["restore", str(path), "--passphrase-file", str(secret)])
    assert restored.exit_code == 0, restored.output
    after = store.counts()
    assert after["nodes"].pop("AuditHead") == 1, "the restore is audited, its head kept"
    before["nodes"].pop("AuditHead")
    assert after == before
    store.close()


def _chunks(data: bytes) -> tuple[bytes, list[bytes]]:
    """An encrypted backup split into its start and its sealed chunks (length included)."""
    start = len(backup.ENCRYPTED) + backup.SALT_BYTES + 24
    head, chunks, at = data[:start], [], start
    while at < len(data):
        size = int.from_bytes(data[at:at + 4], "big")
        chunks.append(data[at:at + 4 + size])
        at += 4 + size
    return head, chunks


@pytest.mark.parametrize("damage,message", [
    (lambda head, chunks: head + b"".join(chunks[:-1]), "is cut short"),
    (lambda head, chunks: head + b"".join([chunks[0], chunks[2], chunks[1], *chunks[3:]]),
     "was changed after it was written"),
    (lambda head, chunks: head + b"".join(chunks) + chunks[-1], "runs on past its end"),
    (lambda head, chunks: head + chunks[0] + chunks[1][:-1] + b"\0" + b"".join(chunks[2:]),
     "was changed after it was written"),
])
def test_encrypted_stream_refuses_cut_reordered_or_changed(
        sample_store: GraphStore, empty: GraphStore, tmp_path, monkeypatch,  # noqa: ANN001
        damage, message: str) -> None:
    monkeypatch.setattr(backup, "CHUNK", 2048)  # many chunks from a small community
    path = tmp_path / "chunked.amb"
    backup.write(sample_store, path, passphrase="pass")
    head, chunks = _chunks(path.read_bytes())
    assert len(chunks) > 3
    path.write_bytes(damage(head, chunks))
    with pytest.raises(InvalidRecord, match=message):
        backup.restore(empty, path, passphrase="pass")
    assert sum(empty.counts()["nodes"].values()) == 0


def test_reads_the_first_encrypted_format(sample_store: GraphStore, empty: GraphStore,
                                          tmp_path) -> None:  # noqa: ANN001
    import base64
    import secrets

    from cryptography.fernet import Fernet
    plain, old = tmp_path / "plain.amb", tmp_path / "old.amb"
    counts = backup.write(sample_store, plain)
    del counts["files"]
    salt = secrets.token_bytes(16)
    key = base64.urlsafe_b64encode(backup._key("hen", salt))
    old.write_bytes(backup.ENCRYPTED_WHOLE + salt + Fernet(key).encrypt(plain.read_bytes()))
    assert backup.restore(empty, old, passphrase="hen") == counts


def test_a_failed_backup_leaves_no_file(sample_store: GraphStore, tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "never.amb"

    def stop(stage: str, done: int, total: int) -> None:
        raise KeyboardInterrupt  # Ctrl+C as the last lines are written

    with pytest.raises(KeyboardInterrupt):
        backup.write(sample_store, path, passphrase="pass", progress=stop)
    assert list(tmp_path.iterdir()) == [], "no cut-off backup, no partial file"
