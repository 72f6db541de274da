"""GraphStore: one interface over FalkorDB (embedded or external) and Neo4j.

``ASSETMAP_GRAPH_URL`` chooses the backend:

* unset or ``falkordb+embedded:///<dir>`` — the embedded server in the instance folder;
* ``falkordb://[:password@]host:port[/graph]`` or ``falkordbs://`` — an external FalkorDB;
* ``neo4j://``, ``neo4j+s://``, ``bolt://`` (and ``+s``/``+ssc`` forms) — Neo4j 5.

Queries are templates in the shared Cypher subset (see :mod:`assetmap.graph.dialect`);
values travel only as parameters.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

from assetmap.config import Config, ConfigError
from assetmap.graph.dialect import Dialect, SchemaStatement
from assetmap.i18n import N_, Problem
from assetmap.model import NODE_TYPES, RELATIONSHIPS, InvalidRecord

NEO4J_SCHEMES = ("neo4j", "neo4j+s", "neo4j+ssc", "bolt", "bolt+s", "bolt+ssc")

#: functions called with every query template sent (the Neo4j lint test records them)
statement_listeners: list[Callable[[str], None]] = []


class Backend(Protocol):
    dialect: Dialect

    def read(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]: ...
    def write(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]: ...
    def read_rows(self, query: str, params: dict[str, Any]) -> list[list[Any]]: ...
    def read_values(self, query: str, params: dict[str, Any]) -> list[list[Any]]: ...
    def apply_schema(self, statement: SchemaStatement) -> None: ...
    def await_schema(self) -> None: ...
    def clear(self) -> None: ...
    def info(self) -> dict[str, Any]: ...
    def forget_deleted(self) -> bool: ...
    def close(self) -> None: ...


def _refuse_nul(value: Any, name: str = "record") -> None:
    """A NUL character ends FalkorDB's parameter header early (a failed query, never an
    injection), so text holding one is refused here for both backends, naming the field."""
    if isinstance(value, str):
        if "\x00" in value:
            raise InvalidRecord([(name, Problem(N_("must not contain the NUL character")))])
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(item, str(key))
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_nul(item, name)


class GraphStore:
    """Parameterised reads and writes returning plain dicts, and the schema bootstrap."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.dialect = backend.dialect

    @classmethod
    def open(cls, config: Config) -> GraphStore:
        return cls(open_backend(config))

    def run_read(self, query: str, **params: Any) -> list[dict[str, Any]]:
        _refuse_nul(params)
        return self.backend.read(self._render(query), params)

    def run_read_rows(self, query: str, **params: Any) -> list[list[Any]]:
        """A bulk read returning rows as lists, for columns of integers and strings only.

        The fast path of the batch analysis: no dict per row, no client-side decoding.
        """
        return self.backend.read_rows(self._render(query), params)

    def run_read_values(self, query: str, **params: Any) -> list[list[Any]]:
        """A bulk read returning rows as lists of plain values of any kind (maps, lists,
        numbers, text; never nodes or relationships), for reading a whole graph."""
        _refuse_nul(params)
        return self.backend.read_values(self._render(query), params)

    def run_write(self, query: str, **params: Any) -> list[dict[str, Any]]:
        _refuse_nul(params)
        return self.backend.write(self._render(query), params)

    def _render(self, template: str) -> str:
        for listener in statement_listeners:
            listener(template)
        return self.dialect.render(template)

    def init_schema(self) -> int:
        """Create unique ids, indexes, point and full-text indexes, and derive what older
        data lacks (``search_text``); safe to run again.

        Returns the number of schema statements applied.
        """
        from assetmap.graph.nodes import derive_search_text  # (nodes builds on this module)

        statements = self.dialect.schema(NODE_TYPES.values())
        for statement in statements:
            self.backend.apply_schema(statement)
        self.backend.await_schema()
        derive_search_text(self)
        return len(statements)

    def counts(self) -> dict[str, dict[str, int]]:
        """Nodes per label and relationships per type, for every whitelisted name."""
        nodes = {
            label: self.run_read(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]
            for label in sorted(NODE_TYPES)
        }
        relationships = {
            name: self.run_read(f"MATCH ()-[r:{name}]->() RETURN count(r) AS n")[0]["n"]
            for name in sorted(RELATIONSHIPS)
        }
        return {"nodes": nodes, "relationships": relationships}

    def is_empty(self) -> bool:
        return not self.run_read("MATCH (n) RETURN n.id AS id LIMIT 1")

    def clear(self) -> None:
        self.backend.clear()

    @contextlib.contextmanager
    def snapshot(self) -> Iterator[GraphStore]:
        """A store that reads one consistent moment of the graph: a copy on FalkorDB; on
        Neo4j the live graph (use ``neo4j-admin database dump`` for a physical snapshot)."""
        make = getattr(self.backend, "snapshot", None)
        if make is None:
            yield self
            return
        with make() as copy:
            yield GraphStore(copy)

    def info(self) -> dict[str, Any]:
        return self.backend.info()

    def forget_deleted(self) -> bool:
        """Make deleted records unrecoverable from the database's own files where the
        backend can (FalkorDB rewrites its append-only file); False where it cannot from
        here (Neo4j: see README "Erasure on disk")."""
        return self.backend.forget_deleted()

    def close(self) -> None:
        self.backend.close()


EMBEDDED_SCHEME = "falkordb+embedded"


def embedded_directory(url: str) -> str | None:
    """The folder of a ``falkordb+embedded://`` URL (absolute or relative), else None."""
    parts = urlsplit(url)
    if parts.scheme != EMBEDDED_SCHEME:
        return None
    directory = parts.netloc + parts.path
    if not directory:
        raise ConfigError("ASSETMAP_GRAPH_URL: falkordb+embedded:// needs a folder path")
    return directory


def counter_storage_uri(config: Config) -> str:
    """Where shared counters (sign-in rate limits) live: the graph's own Redis-protocol
    server when it is FalkorDB, so every worker process sees the same counts; in memory
    (one process) for Neo4j unless ``ASSETMAP_RATELIMIT_STORAGE`` names a Redis server."""
    if config.ratelimit_storage:
        return config.ratelimit_storage
    url = config.resolved_graph_url
    directory = embedded_directory(url)
    if directory is not None:
        from assetmap.graph.embedded import EmbeddedServer

        server = EmbeddedServer(Path(directory), appendfsync=config.appendfsync)
        server.ensure_running()  # its password is made when it first starts
        secret = server.password()
        return f"redis+unix://{server.socket_path}" + (
            f"?password={quote(secret)}" if secret else "")
    parts = urlsplit(url)
    if parts.scheme in ("falkordb", "falkordbs"):
        scheme = "rediss" if parts.scheme == "falkordbs" else "redis"
        return f"{scheme}://{parts.netloc}"
    return "memory://"


def open_backend(config: Config) -> Backend:
    url = config.resolved_graph_url
    scheme = urlsplit(url).scheme
    directory = embedded_directory(url)
    if directory:
        from assetmap.graph.falkor import FalkorBackend

        return FalkorBackend.embedded(directory, config.graph_name, config.appendfsync)
    if scheme in ("falkordb", "falkordbs"):
        from assetmap.graph.falkor import FalkorBackend

        return FalkorBackend.external(url, config.graph_name)
    if scheme in NEO4J_SCHEMES:
        from assetmap.graph.neo4j import Neo4jBackend

        if not config.neo4j_password:
            raise ConfigError("ASSETMAP_NEO4J_PASSWORD: required for a Neo4j URL")
        return Neo4jBackend(url, config.neo4j_user, config.neo4j_password,
                            config.neo4j_database, config.neo4j_retry_seconds)
    raise ConfigError(
        f"ASSETMAP_GRAPH_URL: unknown scheme {scheme!r}; use falkordb+embedded://, "
        "falkordb://, neo4j:// or bolt://"
    )
