"""FalkorDB backend: the embedded server (default) or an external one, via the Redis protocol.

Never Bolt: FalkorDB's experimental Bolt endpoint crashed on ``UNWIND ... SET`` (DESIGN.md §3).
Each query is atomic; there are no multi-statement transactions, so callers make every
logical change one query.
"""

from __future__ import annotations

import contextlib
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
from falkordb import FalkorDB
from falkordb.edge import Edge
from falkordb.helpers import stringify_param_value
from falkordb.node import Node

from assetmap.graph.dialect import FALKORDB, SchemaStatement
from assetmap.graph.embedded import EmbeddedServer, no_retry
from assetmap.graph.errors import ConstraintViolation, StoreError, StoreUnavailable

#: a consistent copy's name: the graph's, then this, then a random part
SNAPSHOT = "__snapshot_"


class FalkorBackend:
    dialect = FALKORDB

    def __init__(self, db: FalkorDB, graph_name: str, server: EmbeddedServer | None = None) -> None:
        self._db = db
        self.graph_name = graph_name
        self.server = server
        self._graph = db.select_graph(graph_name)

    @classmethod
    def embedded(cls, directory: str, graph_name: str, appendfsync: str) -> FalkorBackend:
        server = EmbeddedServer(directory, appendfsync=appendfsync)
        server.ensure_running()
        db = FalkorDB(unix_socket_path=str(server.socket_path), password=server.password(),
                      retry=no_retry())
        return cls(db, graph_name, server)

    @classmethod
    def external(cls, url: str, default_graph: str) -> FalkorBackend:
        parts = urlsplit(url)
        graph_name = parts.path.strip("/") or default_graph
        host, port = parts.hostname or "localhost", parts.port or 6379
        try:
            db = FalkorDB(
                host=host,
                port=port,
                username=unquote(parts.username) if parts.username else None,
                password=unquote(parts.password) if parts.password else None,
                ssl=parts.scheme == "falkordbs",
            )
        except redis.exceptions.ConnectionError as exc:
            raise StoreUnavailable(f"FalkorDB at {host}:{port} refused us: {exc}") from None
        return cls(db, graph_name)

    # -- queries -------------------------------------------------------------

    def read(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        try:
            return self._run(self._graph.ro_query, query, params)
        except StoreError as exc:
            if "empty key" not in str(exc):
                raise
            # a graph that was never written to: answer as the empty graph it is
            return self._run(self._graph.query, query, params)

    def write(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self._run(self._graph.query, query, params, again=False)

    def read_rows(self, query: str, params: dict[str, Any]) -> list[list[Any]]:
        """Rows as the server's plain reply, skipping the client's value decoding.

        The reply without ``--compact`` carries integers and strings as they are (and other
        values as text), parsed by hiredis in C: a million ties read in about half the
        time the client takes. Only for columns of integers and strings.
        """
        return self._raw_read(query, params)

    def read_values(self, query: str, params: dict[str, Any]) -> list[list[Any]]:
        """Rows of any plain values (maps, lists, numbers, text, points), decoded from the
        compact reply in one pass: about twice as fast as the client's decoding, for bulk
        reads such as a backup. Nodes, relationships and paths are not plain: refused."""
        return [[_compact_value(cell) for cell in row]
                for row in self._raw_read(query, params, "--compact")]

    def _raw_read(self, query: str, params: dict[str, Any], *flags: str) -> list[list[Any]]:
        header = "".join(
            f"{key}={stringify_param_value(value)} " for key, value in params.items()
        )
        command = ("GRAPH.RO_QUERY", self.graph_name, f"CYPHER {header}{query}" if header
                   else query, *flags)
        try:
            reply = self._with_server(lambda: self._db.connection.execute_command(*command))
        except redis.exceptions.ResponseError as exc:
            if "empty key" in str(exc):
                return []
            raise StoreError(str(exc)) from None
        except redis.exceptions.ConnectionError as exc:
            raise StoreUnavailable(f"FalkorDB is not reachable: {exc}") from None
        return reply[1] if len(reply) == 3 else []

    def _run(self, method: Any, query: str, params: dict[str, Any],
             again: bool = True) -> list[dict[str, Any]]:
        try:
            return self._with_server(lambda: _rows(method(query, params)), again)
        except redis.exceptions.ResponseError as exc:
            if "constraint violation" in str(exc):
                raise ConstraintViolation(str(exc)) from None
            raise StoreError(str(exc)) from None
        except redis.exceptions.ConnectionError as exc:
            raise StoreUnavailable(f"FalkorDB is not reachable: {exc}") from None

    def apply_schema(self, statement: SchemaStatement) -> None:
        try:
            if statement.command:
                command = [part.format(graph=self.graph_name) for part in statement.command]
                self._with_server(lambda: self._db.connection.execute_command(*command))
            else:
                self.write(statement.cypher, {})
        except (redis.exceptions.ResponseError, StoreError) as exc:
            if not statement.already_done or statement.already_done not in str(exc):
                raise

    def await_schema(self, timeout: float = 60.0) -> None:
        """Wait until every unique constraint is OPERATIONAL (they start PENDING)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            pending = [c for c in self._with_server(self._graph.list_constraints)
                       if c.get("status") != "OPERATIONAL"]
            if not pending:
                return
            if any(c.get("status") == "FAILED" for c in pending):
                raise StoreError(f"a unique constraint failed to build: {pending}")
            time.sleep(0.05)
        raise StoreError("unique constraints did not become operational in time")

    def clear(self) -> None:
        """Delete the whole graph (it is recreated on the next write)."""
        try:
            self._with_server(self._graph.delete)
        except redis.exceptions.ResponseError as exc:
            if "empty key" not in str(exc) and "Invalid graph operation" not in str(exc):
                raise

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[FalkorBackend]:
        """A consistent copy of the graph (``GRAPH.COPY`` is one atomic command) to read
        at leisure while writes go on; dropped afterwards."""
        name = f"{self.graph_name}{SNAPSHOT}{uuid.uuid4().hex[:8]}"
        copy = self.copy_to(name)
        try:
            yield copy
            if not self._db.connection.exists(name):
                raise StoreError("the snapshot was removed while it was read (an erasure ran): "
                                 "nothing was kept, run it again")
        finally:
            copy.clear()

    def copy_to(self, name: str) -> FalkorBackend:
        """Copy the whole graph, with its indexes and constraints, to a new graph ``name``
        on the same server (``GRAPH.COPY``: one atomic command); returns its backend."""
        self._with_server(lambda: self._db.connection.execute_command(
            "GRAPH.COPY", self.graph_name, name))
        return FalkorBackend(self._db, name, self.server)

    def forget_deleted(self, timeout: float = 300.0) -> bool:
        """Rewrite the server's append-only file from the data as it is now, so deleted
        records are in no file on disk (the server itself rewrites only past 64 MB);
        returns when the old files are gone. False if the server keeps no such file."""
        connection = self._db.connection
        before = self._with_server(lambda: connection.info("persistence"))
        if not before.get("aof_enabled"):
            return False
        # FalkorDB's log of recent queries holds their parameters (a server started
        # without CMD_INFO no keeps it), and a backup's snapshot copies the whole graph
        # (one left by a killed backup, or one being read now: that backup then fails, as
        # it must, holding someone erased): both go before the file is written again
        for key in connection.scan_iter(match="telemetry{*}", count=1000):
            connection.delete(key)
        for name in connection.execute_command("GRAPH.LIST"):
            name = name.decode() if isinstance(name, bytes) else str(name)
            if name.startswith(f"{self.graph_name}{SNAPSHOT}"):
                connection.execute_command("GRAPH.DELETE", name)
        deadline = time.monotonic() + timeout
        while True:  # a rewrite already running may have started before the deletion
            try:
                connection.execute_command("BGREWRITEAOF")
                break
            except redis.exceptions.ResponseError as exc:
                if "in progress" not in str(exc) or time.monotonic() > deadline:
                    raise StoreError(f"the database could not rewrite its file: {exc}") from None
                time.sleep(0.05)
        while time.monotonic() < deadline:
            now = connection.info("persistence")
            if (now["aof_rewrites"] > before["aof_rewrites"]
                    and not now["aof_rewrite_in_progress"]
                    and not now["aof_rewrite_scheduled"]
                    and (self.server is None or self.server.history_removed())):
                if now.get("aof_last_bgrewrite_status") != "ok":
                    raise StoreError("the database failed to rewrite its file: see its log")
                return True
            time.sleep(0.05)
        raise StoreError("the database did not finish rewriting its file in time")

    def info(self) -> dict[str, Any]:
        if self.server is not None:
            return {"backend": "falkordb+embedded", **self.server.status()}
        memory = self._db.connection.info("memory")
        return {"backend": "falkordb", "memory": memory.get("used_memory_human")}

    def close(self) -> None:
        self._db.connection.close()

    def _with_server(self, call: Any, again: bool = True) -> Any:
        """Run ``call``; if the embedded server died (a crash, ``kill -9``), restart it.

        The AOF is fsynced on every write, so the restarted server holds every
        acknowledged write. A read is then made again; a write is not (the server may or
        may not have applied it before it died): the caller is told the database was
        unavailable, and may check and try again.
        """
        try:
            return call()
        except (redis.exceptions.ConnectionError, FileNotFoundError):
            if self.server is None:
                raise
            self.server.ensure_running()
            # idle connections only: others are in use by other threads, which find out
            # for themselves (closing them under a thread breaks it mid-read)
            self._db.connection.connection_pool.disconnect(inuse_connections=False)
            if not again:
                raise StoreUnavailable(
                    "the database restarted during a change: check whether it was made and "
                    "try again") from None
            return call()


def _rows(result: Any) -> list[dict[str, Any]]:
    names = [column[1] for column in result.header]
    return [
        {name: _plain(value) for name, value in zip(names, row, strict=True)}
        for row in result.result_set
    ]


#: the compact reply's kinds of value (FalkorDB's ``ValueType``)
_NULL, _STRING, _INTEGER, _BOOLEAN, _DOUBLE, _ARRAY, _MAP, _POINT = 1, 2, 3, 4, 5, 6, 10, 11


def _compact_value(cell: list) -> Any:
    """One ``[kind, value]`` cell of a compact reply as a plain value (strings first: most
    cells are)."""
    kind, value = cell
    if kind in (_STRING, _INTEGER):
        return value
    if kind == _NULL:
        return None
    if kind == _MAP:
        return {value[i]: _compact_value(value[i + 1]) for i in range(0, len(value), 2)}
    if kind == _ARRAY:
        return [_compact_value(item) for item in value]
    if kind == _BOOLEAN:
        return value == "true"
    if kind == _DOUBLE:
        return float(value)
    if kind == _POINT:
        return {"latitude": float(value[0]), "longitude": float(value[1])}
    raise StoreError(f"a bulk read met a value of kind {kind}: return plain values only")


def _plain(value: Any) -> Any:
    """FalkorDB client values as plain Python: nodes and edges become property dicts."""
    if isinstance(value, Node | Edge):
        return {key: _plain(item) for key, item in value.properties.items()}
    if isinstance(value, OrderedDict | dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value
