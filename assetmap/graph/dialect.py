"""The Cypher spellings that differ between Neo4j 5 and FalkorDB (DESIGN.md §3).

Queries everywhere else are written once, in the subset both understand, with two markers
this module renders for the backend in use:

* ``@distance(a, b)`` — distance in metres between two points;
* ``@fulltext(Label, $param)`` — the full-text index on a label's text fields, used as
  ``CALL @fulltext(Place, $q) YIELD node, score``.

Schema statements (unique ids, indexes, full-text) are also produced here. Nothing outside
this module knows which database it talks to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from assetmap.model import Record

_DISTANCE = re.compile(r"@distance\(")
_FULLTEXT = re.compile(r"@fulltext\((\w+),\s*(\$\w+)\)")
# characters with a meaning in Lucene or RediSearch query syntax
_QUERY_SYNTAX = re.compile(r"[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class SchemaStatement:
    """One schema step: Cypher text, or (FalkorDB only) a raw server command.

    ``already_done`` is the error text that means the step had been applied before, so
    ``init_schema`` stays idempotent where the database has no ``IF NOT EXISTS``.
    """

    cypher: str = ""
    command: tuple[str, ...] = ()
    already_done: str = ""


@dataclass(frozen=True)
class Dialect:
    name: str
    distance_function: str
    fulltext_procedure: str

    def render(self, template: str) -> str:
        """Turn a shared query template into this dialect's Cypher."""
        text = _DISTANCE.sub(f"{self.distance_function}(", template)
        return _FULLTEXT.sub(
            lambda match: (
                f"{self.fulltext_procedure}('{self.fulltext_index(match.group(1))}', "
                f"{match.group(2)})"
            ),
            text,
        )

    def fulltext_index(self, label: str) -> str:
        if self.name == "neo4j":
            return f"{label.lower()}_text"
        return label

    def fulltext_terms(self, text: str) -> str:
        """A full-text query value matching every word of ``text`` as a prefix.

        Punctuation is dropped rather than escaped: both query languages give it meaning,
        and asset names do not need it to be found.
        """
        words = _QUERY_SYNTAX.sub(" ", text).split()
        if not words:
            return ""
        joiner = " AND " if self.name == "neo4j" else " "
        return joiner.join(f"{word}*" for word in words)

    def schema(self, node_types: Iterable[type[Record]]) -> list[SchemaStatement]:
        """Every statement that sets up ids, indexes and full-text for ``node_types``."""
        statements: list[SchemaStatement] = []
        for model in node_types:
            label = model.label
            statements.extend(self._unique_id(label))
            properties = list(model.indexed)
            if model.located:
                properties.append("location")
            for prop in properties:
                statements.append(self._index(label, prop, point=prop == "location"))
            for extra_label, extra_properties in model.extra_indexed.items():
                statements.extend(
                    self._index(extra_label, prop, point=prop == "location")
                    for prop in extra_properties
                )
            if model.text_search:
                statements.append(self._fulltext(label, model.text_search))
        return statements

    def _unique_id(self, label: str) -> list[SchemaStatement]:
        if self.name == "neo4j":
            return [
                SchemaStatement(
                    cypher=f"CREATE CONSTRAINT {label.lower()}_id IF NOT EXISTS "
                    f"FOR (n:{label}) REQUIRE n.id IS UNIQUE"
                )
            ]
        # FalkorDB needs an exact-match index before a unique constraint
        return [
            self._index(label, "id"),
            SchemaStatement(
                command=("GRAPH.CONSTRAINT", "CREATE", "{graph}", "UNIQUE", "NODE", label,
                         "PROPERTIES", "1", "id"),
                already_done="already exists",
            ),
        ]

    def _index(self, label: str, prop: str, point: bool = False) -> SchemaStatement:
        if self.name == "neo4j":
            kind = "POINT INDEX" if point else "INDEX"
            return SchemaStatement(
                cypher=f"CREATE {kind} {label.lower()}_{prop} IF NOT EXISTS "
                f"FOR (n:{label}) ON (n.{prop})"
            )
        return SchemaStatement(
            cypher=f"CREATE INDEX FOR (n:{label}) ON (n.{prop})",
            already_done="already indexed",
        )

    def _fulltext(self, label: str, props: tuple[str, ...]) -> SchemaStatement:
        if self.name == "neo4j":
            fields = ", ".join(f"n.{prop}" for prop in props)
            return SchemaStatement(
                cypher=f"CREATE FULLTEXT INDEX {self.fulltext_index(label)} IF NOT EXISTS "
                f"FOR (n:{label}) ON EACH [{fields}]"
            )
        quoted = ", ".join(f"'{prop}'" for prop in props)
        return SchemaStatement(
            cypher=f"CALL db.idx.fulltext.createNodeIndex('{label}', {quoted})",
            already_done="already indexed",
        )


NEO4J = Dialect("neo4j", "point.distance", "db.index.fulltext.queryNodes")
FALKORDB = Dialect("falkordb", "distance", "db.idx.fulltext.queryNodes")
