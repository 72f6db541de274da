"""Relationships between nodes: ties between people, memberships, places, areas.

A relationship is named by its type and its two ends (at most one of each type between an
ordered pair of nodes). Every change is one statement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from assetmap.graph.nodes import NotFound
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem
from assetmap.model import InvalidRecord, relationship_type, validate

MAX_TIES = 1000


def _ends(type_name: str, source: str, target: str) -> None:
    spec = relationship_type(type_name)
    if source not in spec.sources:
        raise InvalidRecord([("source", Problem(N_("%(type)s cannot start at a %(label)s"),
                                                type=type_name, label=source))])
    if target not in spec.targets:
        raise InvalidRecord([("target", Problem(N_("%(type)s cannot end at a %(label)s"),
                                                type=type_name, label=target))])


def create(
    store: GraphStore,
    type_name: str,
    source: tuple[str, str],
    target: tuple[str, str],
    properties: dict[str, Any] | None = None,
) -> dict:
    """Create ``(source)-[:type_name]->(target)``; ``source``/``target`` are (label, id).

    Raises :class:`InvalidRecord` when a property is bad, an end does not exist, the two
    ends are the same node, or such a relationship already exists.
    """
    (source_label, source_id), (target_label, target_id) = source, target
    _ends(type_name, source_label, target_label)
    spec = relationship_type(type_name)
    props = validate(spec.properties, properties or {}).properties()
    if source_label == target_label and source_id == target_id:
        raise InvalidRecord([("target", Problem(N_("cannot be the same as the source")))])
    rows = store.run_write(
        f"MATCH (a:{source_label} {{id: $source}}) MATCH (b:{target_label} {{id: $target}}) "
        f"WHERE NOT (a)-[:{type_name}]->(b) "
        f"CREATE (a)-[r:{type_name}]->(b) SET r = $props RETURN properties(r) AS r",
        source=source_id,
        target=target_id,
        props=props,
    )
    if rows:
        return rows[0]["r"]
    for field, label, node_id in (("source", source_label, source_id),
                                  ("target", target_label, target_id)):
        if not store.run_read(f"MATCH (n:{label} {{id: $id}}) RETURN n.id AS id", id=node_id):
            raise InvalidRecord([(field, Problem(N_("no %(label)s with id %(id)s"), label=label,
                                                  id=repr(node_id)))])
    raise InvalidRecord([("target", Problem(N_("a tie of this kind to %(id)s already exists"),
                                            id=repr(target_id)))])


def create_many(
    store: GraphStore,
    type_name: str,
    source_label: str,
    target_label: str,
    rows: Sequence[tuple[str, str, dict[str, Any]]],
    batch_size: int = 10_000,
) -> int:
    """Write many ``(source_id, target_id, validated properties)`` in batched statements.

    For seeding and import: properties must already have passed the model. Returns the
    number of relationships written.
    """
    _ends(type_name, source_label, target_label)
    query = (
        f"UNWIND $rows AS row MATCH (a:{source_label} {{id: row.a}}) "
        f"MATCH (b:{target_label} {{id: row.b}}) "
        f"CREATE (a)-[r:{type_name}]->(b) SET r = row.p RETURN count(r) AS n"
    )
    written = 0
    for start in range(0, len(rows), batch_size):
        batch = [{"a": a, "b": b, "p": p} for a, b, p in rows[start : start + batch_size]]
        written += store.run_write(query, rows=batch)[0]["n"]
    return written


def _one(
    type_name: str, source: tuple[str, str], target: tuple[str, str]
) -> tuple[str, dict[str, str], NotFound]:
    """The MATCH for one relationship, its parameters, and the error if it is missing."""
    (source_label, source_id), (target_label, target_id) = source, target
    _ends(type_name, source_label, target_label)
    pattern = (
        f"MATCH (a:{source_label} {{id: $source}})-[r:{type_name}]->"
        f"(b:{target_label} {{id: $target}})"
    )
    missing = NotFound(type_name, f"{source_id}->{target_id}")
    return pattern, {"source": source_id, "target": target_id}, missing


def get(
    store: GraphStore, type_name: str, source: tuple[str, str], target: tuple[str, str]
) -> dict:
    pattern, params, missing = _one(type_name, source, target)
    rows = store.run_read(f"{pattern} RETURN properties(r) AS r", **params)
    if not rows:
        raise missing
    return rows[0]["r"]


def update(
    store: GraphStore,
    type_name: str,
    source: tuple[str, str],
    target: tuple[str, str],
    changes: dict[str, Any],
) -> dict:
    """Validate the relationship's properties after ``changes`` and write them."""
    current = get(store, type_name, source, target)
    spec = relationship_type(type_name)
    merged = {k: v for k, v in {**current, **changes}.items() if v is not None}
    props = validate(spec.properties, merged).properties()
    pattern, params, missing = _one(type_name, source, target)
    rows = store.run_write(f"{pattern} SET r = $props RETURN properties(r) AS r",
                           props=props, **params)
    if not rows:
        raise missing
    return rows[0]["r"]


def delete(
    store: GraphStore, type_name: str, source: tuple[str, str], target: tuple[str, str]
) -> dict[str, Any]:
    """End a relationship (a tie that no longer holds, a membership that lapsed); returns
    the properties it had (what an undo puts back)."""
    pattern, params, missing = _one(type_name, source, target)
    rows = store.run_write(
        f"{pattern} WITH r, properties(r) AS had DELETE r RETURN had", **params)
    if not rows:
        raise missing
    return rows[0]["had"]


def outgoing(
    store: GraphStore, type_name: str, source: tuple[str, str], target_label: str
) -> list[dict]:
    """Every ``type_name`` relationship from ``source``: ``{"target": {...}, "tie": {...}}``."""
    source_label, source_id = source
    _ends(type_name, source_label, target_label)
    rows = store.run_read(
        f"MATCH (a:{source_label} {{id: $source}})-[r:{type_name}]->(b:{target_label}) "
        "RETURN properties(b) AS target, properties(r) AS tie ORDER BY b.id LIMIT $limit",
        source=source_id,
        limit=MAX_TIES,
    )
    return rows
