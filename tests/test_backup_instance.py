"""An encrypted backup carries the instance's keys, audit trail and erasure register; a
restore on a new machine takes them, one into the same instance takes only what it lost;
an unencrypted backup never holds them and says so. Through the CLI, as an administrator
runs it, with a real embedded server."""

from __future__ import annotations

import getpass
import gzip
import hashlib
import json
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from assetmap import erasures
from assetmap.cli import main
from assetmap.config import Config
from assetmap.graph.store import GraphStore
from assetmap.interop import backup, person_package
from assetmap.model import InvalidRecord

PASSPHRASE = "mae hen wlad fy nhadau"


def _env(instance: Path, config: Config, graph: str) -> dict[str, str]:
    return {"ASSETMAP_INSTANCE": str(instance), "ASSETMAP_GRAPH_URL": config.graph_url,
            "ASSETMAP_GRAPH_NAME": graph, "ASSETMAP_LANGUAGE": "en"}


@pytest.fixture
def old_instance(config: Config, tmp_path: Path):  # noqa: ANN201
    """An instance that has been used: a community, keys, audit entries, an erasure."""
    from seed import sample
    env = _env(tmp_path / "old", config, f"old_{uuid.uuid4().hex[:8]}")
    store = GraphStore.open(Config.from_env(env))
    store.init_schema()
    sample.load(store)
    runner = CliRunner(env=env)
    erased = store.run_read("MATCH (p:Person) RETURN p.id AS id ORDER BY id LIMIT 1")[0]["id"]
    assert runner.invoke(main, ["person", "erase", erased, "--yes",
                                "--no-recompute"]).exit_code == 0
    # the keys are made where they are first used
    person_package.signing_key(Config.from_env(env))
    Config.from_env(env).load_secret_key()
    Config.from_env(env).instance_secret("audit_key")
    yield env, store, runner, erased
    store.clear()
    store.close()


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase"
    path.write_text(PASSPHRASE + "\n")
    return path


def _keys(instance: Path) -> dict[str, str]:
    return {name: (instance / name).read_text() for name in backup.INSTANCE_FILES
            if (instance / name).exists()}


def test_a_new_machine_takes_the_instance_from_an_encrypted_backup(
        old_instance, passphrase_file: Path, config: Config, tmp_path: Path) -> None:  # noqa: ANN001
    env, store, runner, erased = old_instance
    old = Path(env["ASSETMAP_INSTANCE"])
    path = tmp_path / "nightly.amb"
    before = _keys(old)
    assert set(before) == set(backup.INSTANCE_FILES), "every part was made"
    made = runner.invoke(main, ["backup", str(path), "--passphrase-file", str(passphrase_file)])
    assert made.exit_code == 0, made.output
    assert "with the instance's" in made.output and "signing_key" in made.output
    assert not made.stderr, "nothing left out of an encrypted backup"
    last = json.loads(_keys(old)["audit/audit.log"].splitlines()[-1])
    assert (last["action"], last["actor"]) == ("export", "cli:" + getpass.getuser()), (
        "a backup, a copy of everyone, is audited")
    assert "encrypted, with secret_key" in last["detail"]
    pseudonyms = _graphml_ids(runner, tmp_path / "old.graphml")

    new_env = _env(tmp_path / "new", config, f"new_{uuid.uuid4().hex[:8]}")
    new_runner = CliRunner(env=new_env)
    restored = new_runner.invoke(main, ["restore", str(path), "--passphrase-file",
                                        str(passphrase_file)])
    assert restored.exit_code == 0, restored.output + restored.stderr
    assert "from the backup, into this instance: secret_key" in restored.output
    new = Path(new_env["ASSETMAP_INSTANCE"])
    after = _keys(new)
    for name in backup.INSTANCE_FILES:
        if name == "audit/audit.log":  # the restore's own entry follows the old trail
            assert after[name].startswith(before[name])
            assert json.loads(after[name].splitlines()[-1])["action"] == "restore"
        else:
            assert after[name] == before[name], name
        assert oct((new / name).stat().st_mode & 0o777) == "0o600", name
    assert oct((new / "audit").stat().st_mode & 0o777) == "0o700"
    assert new_runner.invoke(main, ["audit", "verify"]).exit_code == 0, "one unbroken trail"
    assert erasures.for_instance(Config.from_env(new_env)).holds(erased), (
        "the new machine knows who was erased")
    assert person_package.public_key_text(person_package.signing_key(
        Config.from_env(new_env))) == person_package.public_key_text(
        person_package.signing_key(Config.from_env(env))), "receivers' trust holds"
    assert _graphml_ids(new_runner, tmp_path / "new.graphml") == pseudonyms, (
        "the export's pseudonyms stay the same")
    assert not [p for p in new.iterdir() if p.name.startswith(".restore-")], "no staging left"
    GraphStore.open(Config.from_env(new_env)).clear()


def _graphml_ids(runner: CliRunner, path: Path) -> list[str]:
    result = runner.invoke(main, ["export", "graphml", str(path), "--org", "org-carers"])
    assert result.exit_code == 0, result.output
    import networkx as nx
    return sorted(nx.read_graphml(path).nodes)


def test_an_unencrypted_backup_holds_no_key_and_says_what_it_left_out(
        old_instance, tmp_path: Path) -> None:  # noqa: ANN001
    env, store, runner, _ = old_instance
    path = tmp_path / "plain.amb"
    made = runner.invoke(main, ["backup", str(path)])
    assert made.exit_code == 0, made.output
    assert "not encrypted, so left out: secret_key, signing_key, audit_key, erasure_key, " \
           "audit/audit.log, erasures/register.jsonl" in made.stderr
    text = gzip.decompress(path.read_bytes())
    for name, content in _keys(Path(env["ASSETMAP_INSTANCE"])).items():
        if name.endswith("key"):
            assert content.strip().encode() not in text, name
    assert b'"f":' not in text and backup.check(path)["files"] == []


def test_the_same_instance_takes_only_what_it_lost(
        old_instance, passphrase_file: Path, tmp_path: Path) -> None:  # noqa: ANN001
    env, store, runner, erased = old_instance
    instance = Path(env["ASSETMAP_INSTANCE"])
    path = tmp_path / "nightly.amb"
    assert runner.invoke(main, ["backup", str(path), "--passphrase-file",
                                str(passphrase_file)]).exit_code == 0
    (instance / "signing_key").unlink()  # lost since
    (instance / "secret_key").write_text("f" * 64)  # changed since: this instance's stays
    runner.invoke(main, ["person", "show", erased])  # the trail grew since the backup
    kept = (instance / "audit" / "audit.log").read_text()
    store.clear()
    restored = runner.invoke(main, ["restore", str(path), "--passphrase-file",
                                    str(passphrase_file)])
    assert restored.exit_code == 0, restored.output
    assert "from the backup, into this instance: signing_key (restart" in restored.output
    assert (instance / "secret_key").read_text() == "f" * 64
    assert (instance / "audit" / "audit.log").read_text().startswith(kept), (
        "this instance's longer trail is kept")
    assert runner.invoke(main, ["audit", "verify"]).exit_code == 0


def test_an_instance_with_a_trail_of_its_own_takes_nothing(
        old_instance, passphrase_file: Path, config: Config, tmp_path: Path) -> None:  # noqa: ANN001
    env, store, runner, _ = old_instance
    path = tmp_path / "nightly.amb"
    assert runner.invoke(main, ["backup", str(path), "--passphrase-file",
                                str(passphrase_file)]).exit_code == 0
    other_env = _env(tmp_path / "other", config, f"other_{uuid.uuid4().hex[:8]}")
    other = CliRunner(env=other_env)
    assert other.invoke(main, ["audit", "show"]).exit_code == 0
    other_store = GraphStore.open(Config.from_env(other_env))
    from assetmap.audit import Acting
    from assetmap.services import audit as audit_service
    Acting(audit_service.trail(Path(other_env["ASSETMAP_INSTANCE"]), other_store),
           "cli:test").record("view", "p-x")
    keys = _keys(Path(other_env["ASSETMAP_INSTANCE"]))
    refused = other.invoke(main, ["restore", str(path), "--passphrase-file",
                                  str(passphrase_file)])
    assert refused.exit_code == 1 and "Restore it into a new, empty instance folder" in (
        refused.output + refused.stderr)
    assert _keys(Path(other_env["ASSETMAP_INSTANCE"])) == keys, "nothing taken"
    forced = other.invoke(main, ["restore", str(path), "--passphrase-file",
                                 str(passphrase_file), "--new-instance"])
    assert forced.exit_code == 0, forced.output
    assert "from the backup" not in forced.output
    assert "signing_key" not in _keys(Path(other_env["ASSETMAP_INSTANCE"]))
    other_store.clear()
    other_store.close()


def _forged(path: Path, lines: list[dict]) -> None:
    """A plain backup with a valid checksum around ``lines``."""
    body = b"".join(json.dumps(line).encode() + b"\n" for line in lines)
    trailer = {"nodes": 0, "relationships": 0,
               "files": sum("f" in line for line in lines),
               "sha256": hashlib.sha256(body).hexdigest()}
    header = {"format": backup.FORMAT, "version": backup.VERSION, "app_version": "x"}
    path.write_bytes(gzip.compress(json.dumps(header).encode() + b"\n" + body
                                   + json.dumps(trailer).encode() + b"\n"))


@pytest.mark.parametrize("name", ["../escaped", "graph/appendonlydir/x", "/etc/cron.d/x",
                                  "secret_key/../../x"])
def test_a_backup_naming_another_file_is_refused(name: str, tmp_path: Path) -> None:
    path = tmp_path / "forged.amb"
    _forged(path, [{"f": name, "lines": ["boo\n"]}])
    into = tmp_path / "into"
    into.mkdir()
    with pytest.raises(InvalidRecord, match="is not an instance file"):
        backup.check(path, extract_to=into)
    assert not list(into.rglob("*")) and not (tmp_path / "escaped").exists()


def test_instance_files_in_an_unencrypted_backup_are_refused(tmp_path: Path) -> None:
    """A file assetmap would never write: keys someone put in a plain backup are refused,
    not installed."""
    path = tmp_path / "forged.amb"
    _forged(path, [{"f": "signing_key", "lines": ["00" * 32]}])
    into = tmp_path / "into"
    into.mkdir()
    with pytest.raises(InvalidRecord, match="holds instance files but is not encrypted"):
        backup.check(path, extract_to=into)


def test_graph_lines_after_the_instance_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "forged.amb"
    _forged(path, [{"f": "secret_key", "lines": ["k\n"]},
                   {"n": ["Organisation"], "p": {"id": "org-late"}}])
    with pytest.raises(InvalidRecord, match="graph lines after the instance files"):
        backup.check(path)


def test_a_format_1_backup_still_restores(sample_store: GraphStore, config: Config,
                                          tmp_path: Path) -> None:
    """Backups made before instance files were carried (format 1: no ``files`` count)."""
    path = tmp_path / "v1.amb"
    counts = backup.write(sample_store, path)
    lines = gzip.decompress(path.read_bytes()).splitlines(keepends=True)
    header, trailer = json.loads(lines[0]), json.loads(lines[-1])
    header["version"], _ = 1, trailer.pop("files")
    path.write_bytes(gzip.compress(json.dumps(header).encode() + b"\n" + b"".join(lines[1:-1])
                                   + json.dumps(trailer).encode() + b"\n"))
    other = GraphStore.open(config.with_changes(graph_name=config.graph_name + "_v1"))
    try:
        assert backup.restore(other, path) == {"nodes": counts["nodes"],
                                               "relationships": counts["relationships"]}
    finally:
        other.clear()
        other.close()


def test_what_an_administrator_is_told(old_instance, passphrase_file: Path, config: Config,  # noqa: ANN001
                                       tmp_path: Path) -> None:
    """An existing file is not replaced unasked; a cut plain backup says so; a plain backup
    into a new instance says why it cannot carry on; --new-instance says what changes."""
    env, store, runner, _ = old_instance
    path = tmp_path / "nightly.amb"
    assert runner.invoke(main, ["backup", str(path)]).exit_code == 0
    kept = path.read_bytes()
    again = runner.invoke(main, ["backup", str(path)])
    assert again.exit_code == 1 and "backup_file: " in again.output
    assert "exists already: give another name, or --overwrite" in again.output
    assert path.read_bytes() == kept
    assert runner.invoke(main, ["backup", str(path), "--overwrite"]).exit_code == 0

    cut = tmp_path / "cut.amb"
    cut.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    new_env = _env(tmp_path / "new", config, f"new_{uuid.uuid4().hex[:8]}")
    new_runner = CliRunner(env=new_env)
    short = new_runner.invoke(main, ["restore", str(cut)])
    assert short.exit_code == 1 and "file: is cut short" in short.output

    plain = new_runner.invoke(main, ["restore", str(path)])
    assert plain.exit_code == 1
    assert "holds no audit trail, keys or erasure register (it is not encrypted)" in (
        plain.output)
    anew = new_runner.invoke(main, ["restore", str(path), "--new-instance"])
    assert anew.exit_code == 0, anew.output
    assert "tell receivers its public key" in anew.output
    assert "the erasure register names nobody in this backup" in anew.output
    GraphStore.open(Config.from_env(new_env)).clear()


@pytest.mark.parametrize("line", [
    {"n": ["AuditHead"], "p": {"id": "audit-head", "seq": 999999999, "hash": None}},
    {"n": {"Person": 1}, "p": {"id": "p-map-labels"}},
    {"n": ["Volunteer"], "p": {"id": "p-no-kind"}},
    {"n": ["Organisation"], "p": "not a map"},
    {"n": ["Organisation"], "p": {"id": "o-1", "bad`name": "x"}},
    {"n": ["Organisation"], "p": {"id": "o-2", "nested": {"a": 1}}},
])
def test_lines_a_graph_could_not_take_are_refused_before_anything(line: dict,
                                                                  tmp_path: Path) -> None:
    """Found by the outside probe: each of these failed half-way, or let a backup pass for
    this instance's own; now the check refuses them."""
    path = tmp_path / "forged.amb"
    _forged(path, [line])
    with pytest.raises(InvalidRecord, match="not an assetmap backup|not assetmap labels"):
        backup.check(path)
        backup.audit_head(path)


def test_a_partial_file_left_there_is_not_reused(sample_store: GraphStore,
                                                 tmp_path: Path) -> None:
    path = tmp_path / "nightly.amb"
    planted = tmp_path / ".nightly.amb.partial"
    planted.write_text("someone else's")
    planted.chmod(0o666)
    backup.write(sample_store, path)
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert backup.check(path)["nodes"] > 0


def test_an_endless_line_is_not_read_whole(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(backup, "LONGEST_LINE", 1 << 20)
    path = tmp_path / "long.amb"
    _forged(path, [{"n": ["Organisation"], "p": {"id": "o", "name": "x" * (2 << 20)}}])
    with pytest.raises(InvalidRecord, match="has a line longer than 1 MiB"):
        backup.check(path)
