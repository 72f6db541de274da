"""Everything held about one person, and erasing it (UK GDPR articles 15 and 17)."""

from __future__ import annotations

from typing import Any

from assetmap.graph.nodes import NotFound
from assetmap.graph.store import GraphStore


def everything(store: GraphStore, person_id: str) -> dict[str, Any]:
    """The person's node and every relationship that touches it, either way: for each,
    its type, whether it goes out from the person, its properties, and the node at the
    other end (labels, id, name; all its properties when it is a record ``ABOUT`` them).
    Nothing is left out here: :mod:`assetmap.services.subject_access` decides how each
    is shown. Also how many others' analysis names them as their circle's key person
    (``key_person_of``: a property, not a relationship)."""
    rows = store.run_read(
        "MATCH (p:Person {id: $id}) RETURN properties(p) AS person, labels(p) AS labels",
        id=person_id)
    if not rows:
        raise NotFound("Person", person_id)
    touching = store.run_read(
        "MATCH (p:Person {id: $id})-[r]-(o) "
        "RETURN type(r) AS type, startNode(r) = p AS out, properties(r) AS properties, "
        "labels(o) AS labels, o.id AS id, o.name AS name, "
        "CASE WHEN type(r) = 'ABOUT' THEN properties(o) ELSE null END AS record "
        "ORDER BY type, name, id", id=person_id)
    key_person_of = store.run_read(
        "MATCH (o:Person {key_person_id: $id}) RETURN count(o) AS n", id=person_id)[0]["n"]
    return {"person": rows[0]["person"], "labels": rows[0]["labels"], "touching": touching,
            "key_person_of": key_person_of}


def neighbours(store: GraphStore, person_id: str) -> list[str]:
    """People tied to the person either way (their assessments change if it goes)."""
    return [row["id"] for row in store.run_read(
        "MATCH (:Person {id: $id})-[:KNOWS|CARES_FOR]-(o:Person) RETURN DISTINCT o.id AS id",
        id=person_id)]


def placeholders_only_of(store: GraphStore, person_id: str) -> list[str]:
    """Placeholders (people a package brought without their name) tied to nobody else
    but the person: they go when the person is erased."""
    return [row["id"] for row in store.run_read(
        "MATCH (:Person {id: $id})-[:KNOWS|CARES_FOR]-(h:Person) WHERE h.placeholder = true "
        "WITH DISTINCT h MATCH (h)-[:KNOWS|CARES_FOR]-(o:Person) "
        "WITH h, count(DISTINCT o) AS others WHERE others = 1 RETURN h.id AS id ORDER BY id",
        id=person_id)]


def erase(store: GraphStore, person_id: str, with_people: list[str] | None = None
          ) -> dict[str, int]:
    """Delete the person, every relationship to them, every record about them, and the
    people ``with_people`` (their placeholders), in one statement; others' stored results
    that named them as their key person are cleared. Returns how many ties to other
    people (``ties``), records about them (``records``) and relationships of any kind
    (``relationships``) went."""
    # others' results that came from them are cleared first, one property a statement:
    # FalkorDB 4.16 removes the wrong properties when one statement removes two or more
    # of a node's (docs/architecture.md §3). Derived results only: a stop between these
    # leaves those people "not assessed" until the next analysis, the person untouched
    for result in ("fragile_circle", "support_lost"):
        store.run_write(f"MATCH (o:Person {{key_person_id: $id}}) SET o.{result} = null",
                        id=person_id)
    rows = store.run_write(
        "MATCH (p:Person {id: $id}) "
        "OPTIONAL MATCH (p)-[t:KNOWS|CARES_FOR]-(:Person) WITH p, count(t) AS ties "
        "OPTIONAL MATCH (p)-[r]-() WITH p, ties, count(r) AS relationships "
        "OPTIONAL MATCH (d)-[:ABOUT]->(p) WITH p, ties, relationships, collect(d) AS records "
        "OPTIONAL MATCH (h:Person) WHERE h.id IN $placeholder_ids "
        "WITH p, ties, relationships, records, collect(h) AS placeholders "
        "OPTIONAL MATCH (o:Person {key_person_id: $id}) "
        "SET o.key_person_id = null "
        "WITH p, ties, relationships, records, placeholders, count(o) AS others "
        "FOREACH (d IN records | DETACH DELETE d) "
        "FOREACH (h IN placeholders | DETACH DELETE h) DETACH DELETE p "
        "RETURN ties, relationships, size(records) AS records, "
        "size(placeholders) AS placeholders, others",
        id=person_id, placeholder_ids=with_people or [])
    if not rows:
        raise NotFound("Person", person_id)
    return rows[0]


#: when a person's record last changed: the record itself, or a conversation,
#: questionnaire or consent about them, or a referral (ties carry no time)
_LAST_CHANGED = (
    "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: $org}) "
    "OPTIONAL MATCH (d)-[:ABOUT]->(p) "
    "WITH p, max(coalesce(d.updated_at, d.created_at)) AS records "
    "OPTIONAL MATCH (p)-[r:REFERRED_TO]->() "
    "WITH p, records, max(r.date) AS referred "
    "WITH p, reduce(latest = p.updated_at, at IN [records, referred] | "
    "CASE WHEN at IS NOT NULL AND at > latest THEN at ELSE latest END) AS changed "
    "WHERE changed < $before ")


def untouched_since(store: GraphStore, organisation_id: str, before: str,
                    limit: int = 500) -> tuple[list[dict], int]:
    """People the organisation recorded whose record (:data:`_LAST_CHANGED`) has not
    changed since ``before``: the oldest ``limit``, and how many there are in all."""
    rows = [row["p"] for row in store.run_read(
        _LAST_CHANGED + "RETURN p {.id, .name, .created_at, changed: changed} AS p "
        "ORDER BY p.changed, p.id LIMIT $limit",
        org=organisation_id, before=before, limit=limit)]
    total = store.run_read(_LAST_CHANGED + "RETURN count(p) AS n", org=organisation_id,
                           before=before)[0]["n"]
    return rows, total


def person_ids(store: GraphStore) -> list[str]:
    """Every person's id (to check against the erasure register)."""
    return [row[0] for row in store.run_read_rows("MATCH (p:Person) RETURN p.id")]
