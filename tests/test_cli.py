"""The ``assetmap`` command, through click's runner and as a real process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from assetmap import accounts
from assetmap.cli import main
from assetmap.config import Config
from assetmap.graph.embedded import EmbeddedServer
from assetmap.graph.store import GraphStore
from tests.conftest import short_tempdir

ASSETMAP = [sys.executable, "-m", "assetmap.cli"]


def test_init_is_idempotent(runner) -> None:  # noqa: ANN001
    first = runner.invoke(main, ["init"])
    second = runner.invoke(main, ["init"])
    assert first.exit_code == second.exit_code == 0, first.output
    assert "schema ready" in second.output


def test_seed_then_stats(runner, cli_env) -> None:  # noqa: ANN001
    result = runner.invoke(main, ["seed", "--people", "300", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "seeded 300 people" in result.output
    stats = json.loads(runner.invoke(main, ["stats", "--json"]).output)
    store = GraphStore.open(Config.from_env(cli_env))
    assert stats == store.counts()
    store.close()
    assert stats["nodes"]["Person"] == 300
    text = runner.invoke(main, ["stats"]).output
    assert "KNOWS" in text and "300" in text


def test_seed_a_health_boards_authorities(runner, cli_env) -> None:  # noqa: ANN001
    """`--health-board` seeds its authorities: everyone counts in their authority and the
    board; a code that is not one is refused in one line, naming the option."""
    bad = runner.invoke(main, ["seed", "--local-authority", "W06999999"])
    assert bad.exit_code == 1 and bad.output.strip().splitlines() == [
        "assetmap: error: --local-authority: 'W06999999' is not the code of a Welsh local "
        "authority: one of W06000001, W06000002, W06000003, W06000004, W06000005, "
        "W06000006, W06000008, W06000009, W06000010, W06000011, W06000012, W06000013, "
        "W06000014, W06000015, W06000016, W06000018, W06000019, W06000020, W06000021, "
        "W06000022, W06000023, W06000024"]
    seeded = runner.invoke(main, ["seed", "--health-board", "W11000025", "--people", "500"])
    assert seeded.exit_code == 0, seeded.output
    assert runner.invoke(main, ["analyse"]).exit_code == 0
    rows = json.loads(runner.invoke(main, ["hotspots", "--level", "local_authority",
                                           "--json"]).output)
    people = {row["id"]: row["people"] for row in rows if row["people"]}
    assert set(people) == {"W06000008", "W06000009", "W06000010"}
    assert sum(people.values()) == 500
    boards = json.loads(runner.invoke(main, ["hotspots", "--level", "health_board",
                                             "--json"]).output)
    assert {row["id"]: row["people"] for row in boards if row["people"]} == {"W11000025": 500}
    inside = json.loads(runner.invoke(main, ["hotspots", "--level", "local_authority",
                                             "--within", "W11000025", "--json"]).output)
    assert sorted(row["id"] for row in inside) == ["W06000008", "W06000009", "W06000010"]
    unknown = runner.invoke(main, ["hotspots", "--within", "W99"])
    assert unknown.exit_code == 1 and unknown.output.strip().splitlines() == [
        "assetmap: error: within: no area with the code 'W99' is loaded"]


def test_seed_refuses_a_graph_that_is_not_empty(runner) -> None:  # noqa: ANN001
    assert runner.invoke(main, ["seed", "--sample"]).exit_code == 0
    again = runner.invoke(main, ["seed", "--people", "10"])
    assert again.exit_code == 1
    assert again.output.strip().splitlines() == [
        "assetmap: error: the graph is not empty: use --replace to delete it and seed again"
    ]
    replaced = runner.invoke(main, ["seed", "--people", "10", "--replace"])
    assert replaced.exit_code == 0, replaced.output


def test_users_create_prints_a_password_that_works(runner, cli_env) -> None:  # noqa: ANN001
    runner.invoke(main, ["seed", "--sample"])
    result = runner.invoke(
        main, ["users", "create", "--email", "nia@example.cymru", "--role", "connector",
               "--org", "org-carers"])
    assert result.exit_code == 0, result.output
    password = result.output.split("password (shown once): ")[1].strip()
    assert len(password) >= 16
    store = GraphStore.open(Config.from_env(cli_env))
    assert accounts.authenticate(store, "nia@example.cymru", password) is not None
    store.close()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["users", "create", "--email", "not-an-email", "--role", "admin", "--org", "org-cvc"],
         "email: 'not-an-email' is not an e-mail address"),
        (["users", "create", "--email", "a@b.cymru", "--role", "admin", "--org", "nope"],
         "organisation_id: no Organisation with id 'nope'"),
        (["users", "create", "--email", "a@b.cymru", "--role", "root", "--org", "org-cvc"],
         "Invalid value for '--role'"),
        (["seed", "--people", "0"], "Invalid value for '--people'"),
        (["stats", "--colour"], "No such option '--colour'"),
    ],
)
def test_bad_input_is_one_readable_line(runner, arguments, message) -> None:  # noqa: ANN001
    runner.invoke(main, ["seed", "--sample"])
    result = runner.invoke(main, arguments)
    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert lines[0].startswith("assetmap: error: ")
    assert message in lines[0]
    assert "Traceback" not in result.output


@pytest.mark.slow
def test_bad_setting_is_one_readable_line(cli_env) -> None:  # noqa: ANN001
    env = {**os.environ, **cli_env, "ASSETMAP_APPENDFSYNC": "sometimes"}
    result = subprocess.run([*ASSETMAP, "stats"], capture_output=True, text=True, env=env,
                            check=False)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "assetmap: error: ASSETMAP_APPENDFSYNC: must be one of always, everysec, no, "
        "not 'sometimes'"
    ]


@pytest.mark.slow
def test_db_commands_manage_the_embedded_server() -> None:
    directory = short_tempdir("am-cli-")
    env = {**os.environ, "ASSETMAP_INSTANCE": str(directory), "ASSETMAP_GRAPH_URL": ""}

    def run(*arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run([*ASSETMAP, *arguments], capture_output=True, text=True, env=env,
                              check=False)

    try:
        assert run("db", "start").returncode == 0
        status = json.loads(run("db", "status", "--json").stdout)
        assert status["running"] is True
        assert status["pid"] == EmbeddedServer(directory / "graph").pid()
        assert status["socket"] == str(directory / "graph" / "falkordb.sock")
        assert status["nodes"] == 0 and "memory" in status
        assert run("db", "stop").stdout.strip() == "stopped"
        assert json.loads(run("db", "status", "--json").stdout)["running"] is False
        assert run("db", "stop").stdout.strip() == "not running"
    finally:
        EmbeddedServer(directory / "graph").stop()
        subprocess.run(["rm", "-rf", str(directory)], check=False)


@pytest.mark.slow
def test_same_seed_in_two_fresh_instances_gives_identical_stats() -> None:
    """The issue's check: ``seed --people 2000 --seed 7`` twice, ``stats --json`` equal."""
    outputs = []
    for _ in range(2):
        directory = short_tempdir("am-det-")
        env = {**os.environ, "ASSETMAP_INSTANCE": str(directory), "ASSETMAP_GRAPH_URL": ""}
        try:
            seeded = subprocess.run([*ASSETMAP, "seed", "--people", "2000", "--seed", "7"],
                                    capture_output=True, text=True, env=env, check=True)
            assert "seeded 2,000 people" in seeded.stdout
            stats = subprocess.run([*ASSETMAP, "stats", "--json"], capture_output=True,
                                   text=True, env=env, check=True)
            outputs.append(json.loads(stats.stdout))
        finally:
            EmbeddedServer(Path(directory) / "graph").stop()
            subprocess.run(["rm", "-rf", str(directory)], check=False)
    assert outputs[0] == outputs[1]
    assert outputs[0]["nodes"]["Person"] == 2000


@pytest.mark.slow
def test_demo_sets_up_and_prints_new_logins(cli_env) -> None:  # noqa: ANN001
    env = {**os.environ, **cli_env}
    result = subprocess.run([*ASSETMAP, "demo", "--people", "200", "--no-serve"],
                            capture_output=True, text=True, env=env, check=True)
    logins = [line.split() for line in result.stdout.splitlines()
              if "@demo.assetmap.invalid" in line]
    assert [role for role, *_ in logins] == ["admin", "coordinator", "connector", "connector"]
    assert [line[-1] for line in logins] == [
        "(org-council)", "(org-council)", "(org-cvc)", "(org-carers)"]
    store = GraphStore.open(Config.from_env(env))
    try:
        for _, email, password, _ in logins:
            assert accounts.authenticate(store, email, password) is not None
        again = subprocess.run([*ASSETMAP, "demo", "--no-serve"], capture_output=True,
                               text=True, env=env, check=True)
        assert "using the community already in the graph" in again.stdout
        for _, email, password, _ in logins:  # a new run gives new passwords
            assert accounts.authenticate(store, email, password) is None
    finally:
        store.clear()
        store.close()


@pytest.mark.slow
@pytest.mark.parametrize(("workers", "server_name"), [("1", "assetmap"), ("2", "gunicorn")])
def test_serve_runs_a_production_server(cli_env, workers: str,  # noqa: ANN001
                                        server_name: str) -> None:
    """One worker: waitress (named by us); more: gunicorn's master and that many worker
    processes on the one port. Never Flask's development server."""
    import socket
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, **cli_env}
    server = subprocess.Popen([*ASSETMAP, "serve", "--port", str(port), "--workers", workers],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        deadline = time.monotonic() + 30
        body = None
        while time.monotonic() < deadline and body is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz") as response:
                    body = json.loads(response.read())
                    served_by = response.headers["Server"]
            except OSError:
                time.sleep(0.1)
        assert body is not None and body["database"] is True
        assert served_by.startswith(server_name)
        children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
        assert len(children) == (0 if workers == "1" else int(workers))
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert server.returncode == 0 or workers == "1", server.stdout.read()


@pytest.mark.slow
def test_a_port_in_use_is_said_before_anything_is_done(cli_env) -> None:  # noqa: ANN001
    """The demo takes its port first: a port in use is one readable line and a non-zero
    exit, before any seeding and never after "serving"."""
    import socket

    env = {**os.environ, **cli_env}
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([*ASSETMAP, "demo", "--people", "50", "--port", str(port)],
                                capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode != 0
    assert "serving on" not in result.stdout and "Demo logins" not in result.stdout
    assert f"cannot serve on http://127.0.0.1:{port}" in result.stderr
    assert "choose another port with --port" in result.stderr
    store = GraphStore.open(Config.from_env(env))
    try:
        assert store.is_empty(), "nothing seeded"
    finally:
        store.close()


@pytest.mark.slow
def test_wsgi_module_builds_the_app(cli_env) -> None:  # noqa: ANN001
    env = {**os.environ, **cli_env}
    code = "import wsgi; print(wsgi.app.name, sorted(wsgi.app.blueprints))"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                            text=True, check=True, cwd=Path(__file__).parent.parent)
    name, blueprints = result.stdout.split(" ", 1)
    assert name == "assetmap.web"
    assert {"auth", "public", "finder", "api_assets"} <= set(eval(blueprints))  # noqa: S307


def test_geo_import_onspd(runner, cli_env, tmp_path) -> None:  # noqa: ANN001
    from pathlib import Path as _Path

    from assetmap import gazetteer

    onspd = tmp_path / "ONSPD.csv"
    onspd.write_text("pcds,doterm,lat,long\nLD1 5AB,,52.2401,-3.3822\nLD1 5AD,,52.2,-3.3\n",
                     encoding="utf-8")
    result = runner.invoke(main, ["geo", "import-onspd", str(onspd)])
    assert result.exit_code == 0, result.output
    assert "loaded 2 postcodes" in result.output
    found = gazetteer.resolve("LD1 5AB", _Path(cli_env["ASSETMAP_INSTANCE"]))
    assert (found.lat, found.lon) == (52.2401, -3.3822)
    bad = tmp_path / "bad.csv"
    bad.write_text("postcode,x\nA,1\n", encoding="utf-8")
    result = runner.invoke(main, ["geo", "import-onspd", str(bad)])
    assert result.exit_code == 1 and "not an ONSPD CSV" in result.output
    gazetteer.onspd_path(_Path(cli_env["ASSETMAP_INSTANCE"])).unlink()  # shared instance


#: every command that reads a file the user names, with FILE where the file goes
FILE_COMMANDS = {
    "restore": ["restore", "FILE"],
    "restore --passphrase-file": ["restore", "NEVER.bak", "--passphrase-file", "FILE"],
    "backup --passphrase-file": ["backup", "OUT.bak", "--passphrase-file", "FILE"],
    "import hsds": ["import", "hsds", "FILE", "--rejects", "REJECTS"],
    "import csv": ["import", "csv", "people", "FILE", "--org", "org-carers",
                   "--rejects", "REJECTS"],
    "geo import-onspd": ["geo", "import-onspd", "FILE"],
    "person receive": ["person", "receive", "FILE", "--org", "org-carers",
                       "--sender-key", "SHA256:00"],
}


def _file(kind: str, folder: Path) -> Path:
    """A missing file, one that cannot be read as text (a folder or bytes that are not
    UTF-8, since root reads any file whatever its mode), or an empty one."""
    path = folder / f"input-{kind}"
    if kind == "folder":
        path.mkdir()
    elif kind == "binary":
        path.write_bytes(b"\xff\xfe\x00\x9c garbage \x00\xc3")
    elif kind == "empty":
        path.write_bytes(b"")
    return path


@pytest.mark.parametrize("kind", ["missing", "folder", "binary", "empty"])
@pytest.mark.parametrize("command", FILE_COMMANDS)
def test_a_bad_file_gets_one_line_never_a_traceback(runner, tmp_path, command,  # noqa: ANN001
                                                     kind) -> None:
    path = _file(kind, tmp_path)
    arguments = [{"FILE": str(path), "REJECTS": str(tmp_path / "rejects.csv"),
                  "OUT.bak": str(tmp_path / "out.bak"),
                  "NEVER.bak": str(tmp_path / "never.bak")}.get(a, a)
                 for a in FILE_COMMANDS[command]]
    result = runner.invoke(main, arguments)
    assert isinstance(result.exception, SystemExit), result.exc_info
    assert result.exit_code in (1, 2), result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("assetmap: error: "), result.output
    assert result.stderr.startswith("assetmap: error: "), "no blank line before it"
    assert "Traceback" not in result.output
    assert not (tmp_path / "out.bak").exists(), "nothing written from a bad passphrase file"


def test_every_file_a_command_writes_is_private(runner, tmp_path) -> None:  # noqa: ANN001
    """Exports, reports and backups hold personal data or what leads to it: files 0600,
    folders 0700, whichever command writes them (the command's own umask)."""
    import stat

    assert runner.invoke(main, ["seed", "--sample"]).exit_code == 0
    out = tmp_path / "out"
    out.mkdir(mode=0o700)
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x"}')
    for arguments in (["export", "graphml", str(out / "net.graphml"), "--org", "org-carers"],
                      ["export", "geojson", str(out / "geo")],
                      ["export", "hsds", str(out / "hsds")],
                      ["import", "hsds", str(bad), "--rejects", str(out / "rejects.csv")],
                      ["backup", str(out / "all.bak")]):
        result = runner.invoke(main, arguments)
        assert result.exit_code in (0, 1), (arguments, result.output)
    made = list(out.rglob("*"))
    assert {p.name for p in made} >= {"net.graphml", "geo", "hsds", "tabular",
                                      "rejects.csv", "all.bak"}
    wrong = [(str(p), oct(stat.S_IMODE(p.stat().st_mode))) for p in made
             if stat.S_IMODE(p.stat().st_mode) != (0o700 if p.is_dir() else 0o600)]
    assert wrong == []


def test_a_new_instance_gets_its_first_organisation_and_admin(runner) -> None:  # noqa: ANN001
    """README's docker-compose steps: init, an organisation, then the first admin."""
    assert runner.invoke(main, ["init"]).exit_code == 0
    made = runner.invoke(main, ["organisations", "create", "--id", "org-gwynedd-carers",
                                "--name", "Gofalwyr Gwynedd", "--kind", "carers"])
    assert made.exit_code == 0, made.output
    assert "org-gwynedd-carers  Gofalwyr Gwynedd" in runner.invoke(
        main, ["organisations", "list"]).output
    admin = runner.invoke(main, ["users", "create", "--email", "you@example.org",
                                 "--role", "admin", "--org", "org-gwynedd-carers"])
    assert admin.exit_code == 0 and "password (shown once)" in admin.output
    again = runner.invoke(main, ["organisations", "create", "--id", "org-gwynedd-carers",
                                 "--name", "Again"])
    assert again.exit_code == 1 and again.output.startswith("assetmap: error: ")


def test_orgs_names_the_area_an_organisation_works_in(runner) -> None:  # noqa: ANN001
    """`orgs` is `organisations`; an area must be loaded before it can be named."""
    command = ["orgs", "create", "--id", "org-cardiff-cvc", "--name", "C3SC",
               "--kind", "cvc", "--area", "W06000015"]
    assert runner.invoke(main, ["init"]).exit_code == 0
    refused = runner.invoke(main, command)
    assert refused.exit_code == 1
    assert refused.output.startswith("assetmap: error: area: no area with the code")
    assert "org-cardiff-cvc" not in runner.invoke(main, ["orgs", "list"]).output
    assert runner.invoke(main, ["areas", "import", "--wales"]).exit_code == 0
    assert runner.invoke(main, command).exit_code == 0
    assert "org-cardiff-cvc  C3SC  cvc  W06000015" in runner.invoke(main, ["orgs", "list"]).output


def test_a_private_file_written_over_an_open_one_becomes_private(runner, tmp_path) -> None:  # noqa: ANN001
    import stat

    assert runner.invoke(main, ["seed", "--sample"]).exit_code == 0
    store_env = runner.env
    store = GraphStore.open(Config.from_env(store_env))
    person = store.run_read("MATCH (p:Person) RETURN p.id AS id LIMIT 1")[0]["id"]
    store.close()
    report = tmp_path / "report.html"
    report.write_text("old")
    report.chmod(0o644)
    assert runner.invoke(main, ["person", "export", person, "--html", str(report)]
                         ).exit_code == 0
    assert stat.S_IMODE(report.stat().st_mode) == 0o600


UNKNOWN_IDS = [  # (the command, the id it names)
    (["users", "create", "--email", "nobody@example.cymru", "--role", "connector",
      "--org", "org-typo"], "org-typo"),
    (["export", "graphml", "{tmp}/network.graphml", "--org", "org-typo"], "org-typo"),
    (["suggest", "person-typo"], "person-typo"),
    (["hotspots", "--within", "W99999999"], "W99999999"),
    (["person", "show", "person-typo"], "person-typo"),
    (["person", "export", "person-typo"], "person-typo"),
    (["person", "erase", "person-typo", "--yes"], "person-typo"),
    (["person", "review", "--org", "org-typo"], "org-typo"),
    (["person", "package", "person-typo", "--org", "org-carers", "-o", "{tmp}/p.json"],
     "person-typo"),
    (["person", "lsns6", "person-typo", "--answers", "1,1,1,1,1,1", "--date", "2026-11-30",
      "--by", "someone"], "person-typo"),
    (["tokens", "revoke", "token-typo"], "token-typo"),
    (["import", "csv", "people", "{tmp}/people.csv", "--org", "org-typo"], "org-typo"),
]


@pytest.mark.parametrize(("command", "named"), UNKNOWN_IDS,
                         ids=[" ".join(c[:2]) for c, _ in UNKNOWN_IDS])
def test_an_unknown_id_exits_1_naming_it(runner, sample_store, tmp_path,  # noqa: ANN001
                                         command: list[str], named: str) -> None:
    """Every id given to a command is looked up: a typo is one line naming it and exit 1,
    never an empty result, an empty file or a success."""
    (tmp_path / "people.csv").write_text("name,postcode\nMegan,SY18 6AB\n", encoding="utf-8")
    before = sample_store.counts()
    result = runner.invoke(main, [part.format(tmp=tmp_path) for part in command])
    assert result.exit_code == 1, result.output
    assert named in result.output and "Traceback" not in result.output, result.output
    assert sample_store.counts() == before, "nothing written"
    assert not (tmp_path / "network.graphml").exists() and not (tmp_path / "p.json").exists()
