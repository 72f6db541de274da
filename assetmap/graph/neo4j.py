"""Neo4j 5 backend: the official driver with managed transactions.

Neo4j cannot run on the build machines; DESIGN.md §3 says how it is kept honest: the store
tests also run here when ``ASSETMAP_TEST_NEO4J_URL`` is set, and every statement the code
sends is checked by Neo4j's own Cypher parser in the ordinary test suite.
"""

from __future__ import annotations

from typing import Any

from assetmap.graph.dialect import NEO4J, SchemaStatement
from assetmap.graph.errors import ConstraintViolation, StoreError, StoreUnavailable

# batched, so a large graph is not deleted in one huge transaction
CLEAR_GRAPH = "MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"
# index and constraint creation returns at once; population happens in the background
AWAIT_INDEXES = "CALL db.awaitIndexes(300)"
#: statements this backend sends itself, outside the store (linted with the rest)
OWN_STATEMENTS = (CLEAR_GRAPH, AWAIT_INDEXES)


class Neo4jBackend:
    dialect = NEO4J

    def __init__(
        self, url: str, user: str, password: str, database: str | None = None,
        retry_seconds: float = 10.0,
    ) -> None:
        import neo4j  # imported here so the embedded default never pays for it

        self._neo4j = neo4j
        # managed transactions retry transient failures for this long, then give up:
        # a web request should fail fast rather than hang while the database is away
        self._driver = neo4j.GraphDatabase.driver(
            url, auth=(user, password), max_transaction_retry_time=retry_seconds
        )
        self._database = database
        self.url = url

    def _session(self) -> Any:
        return self._driver.session(database=self._database)

    def read(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self._run("execute_read", query, params)

    def write(self, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self._run("execute_write", query, params)

    def read_rows(self, query: str, params: dict[str, Any]) -> list[list[Any]]:
        return self._run("execute_read", query, params, _values)

    def read_values(self, query: str, params: dict[str, Any]) -> list[list[Any]]:
        return self._run("execute_read", query, params, _plain_values)

    def _run(
        self, mode: str, query: str, params: dict[str, Any], collect: Any = None
    ) -> Any:
        errors = self._neo4j.exceptions
        try:
            with self._session() as session:
                return getattr(session, mode)(collect or _collect, query, params)
        except errors.ConstraintError as exc:
            raise ConstraintViolation(exc.message or str(exc)) from None
        except errors.ServiceUnavailable as exc:
            raise StoreUnavailable(f"Neo4j is not reachable: {exc}") from None
        except errors.Neo4jError as exc:
            raise StoreError(exc.message or str(exc)) from None

    def apply_schema(self, statement: SchemaStatement) -> None:
        # schema commands run in auto-commit transactions; IF NOT EXISTS keeps them idempotent
        with self._session() as session:
            session.run(statement.cypher).consume()

    def await_schema(self) -> None:
        with self._session() as session:
            session.run(AWAIT_INDEXES).consume()

    def clear(self) -> None:
        with self._session() as session:
            session.run(CLEAR_GRAPH).consume()

    def info(self) -> dict[str, Any]:
        self._driver.verify_connectivity()
        return {"backend": "neo4j", "url": self.url, "database": self._database or "default"}

    def forget_deleted(self) -> bool:
        """Not from a client: deleted records stay in Neo4j's transaction logs until they
        rotate out, and in store files until reused (README "Erasure on disk")."""
        return False

    def close(self) -> None:
        self._driver.close()


def _collect(tx: Any, query: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    result = tx.run(query, params)
    return [{key: _plain(value) for key, value in record.items()} for record in result]


def _values(tx: Any, query: str, params: dict[str, Any]) -> list[list[Any]]:
    return tx.run(query, params).values()


def _plain_values(tx: Any, query: str, params: dict[str, Any]) -> list[list[Any]]:
    return [[_plain(value) for value in row] for row in tx.run(query, params).values()]


def _plain(value: Any) -> Any:
    """Driver values as the same plain Python the FalkorDB backend returns."""
    from neo4j.graph import Node, Relationship
    from neo4j.spatial import Point

    if isinstance(value, Node | Relationship):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, Point):
        return {"latitude": value.y, "longitude": value.x}
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if hasattr(value, "iso_format"):
        return value.iso_format()
    return value
