"""Everything held about one person, and erasing it (UK GDPR articles 15 and 17)."""

from __future__ import annotations

from typing import Any

from assetmap.graph.nodes import NotFound
from assetmap.graph.store import GraphStore


def everything(store: GraphStore, person_id: str) -> dict[str, Any]:
    """The person's node and every relationship and record about them.

    People in the person's own circle are named (the circle is the person's record), and
    so are their carers (recorded on the person's page, in circle 1); people who list this
    person in theirs are not (that is their record): only how.
    """
    rows = store.run_read(
        "MATCH (p:Person {id: $id}) RETURN properties(p) AS person, labels(p) AS labels",
        id=person_id)
    if not rows:
        raise NotFound("Person", person_id)
    outgoing = store.run_read(
        "MATCH (p:Person {id: $id})-[r]->(t) "
        "RETURN type(r) AS type, properties(r) AS properties, labels(t)[0] AS label, "
        "t.id AS id, t.name AS name ORDER BY type, name", id=person_id)
    incoming = store.run_read(
        "MATCH (p:Person {id: $id})<-[r]-(s) WHERE NOT s:WhatMatters AND NOT s:Consent "
        "AND NOT s:Lsns6Response AND type(r) <> 'CARES_FOR' "
        "RETURN type(r) AS type, properties(r) AS properties, labels(s)[0] AS label "
        "ORDER BY type", id=person_id)
    carers = store.run_read(
        "MATCH (p:Person {id: $id})<-[r:CARES_FOR]-(c:Person) "
        "RETURN c.id AS id, c.name AS name, properties(r) AS properties ORDER BY name",
        id=person_id)
    records = store.run_read(
        "MATCH (d)-[:ABOUT]->(:Person {id: $id}) "
        "RETURN labels(d)[0] AS label, properties(d) AS record ORDER BY label, d.created_at",
        id=person_id)
    return {"person": rows[0]["person"], "labels": rows[0]["labels"],
            "outgoing": outgoing, "incoming": incoming, "carers": carers, "records": records}


def neighbours(store: GraphStore, person_id: str) -> list[str]:
    """People tied to the person either way (their assessments change if it goes)."""
    return [row["id"] for row in store.run_read(
        "MATCH (:Person {id: $id})-[:KNOWS|CARES_FOR]-(o:Person) RETURN DISTINCT o.id AS id",
        id=person_id)]


def erase(store: GraphStore, person_id: str) -> dict[str, int]:
    """Delete the person, every relationship to them, and every record about them, in one
    statement; others' stored results that named them as their key person are cleared.
    Returns how many ties to other people (``ties``), records about them (``records``)
    and relationships of any kind (``relationships``) went."""
    rows = store.run_write(
        "MATCH (p:Person {id: $id}) "
        "OPTIONAL MATCH (p)-[t:KNOWS|CARES_FOR]-(:Person) WITH p, count(t) AS ties "
        "OPTIONAL MATCH (p)-[r]-() WITH p, ties, count(r) AS relationships "
        "OPTIONAL MATCH (d)-[:ABOUT]->(p) WITH p, ties, relationships, collect(d) AS records "
        "OPTIONAL MATCH (o:Person {key_person_id: $id}) "
        "SET o.key_person_id = null, o.fragile_circle = null, o.support_lost = null "
        "WITH p, ties, relationships, records, count(o) AS others "
        "FOREACH (d IN records | DETACH DELETE d) DETACH DELETE p "
        "RETURN ties, relationships, size(records) AS records, others",
        id=person_id)
    if not rows:
        raise NotFound("Person", person_id)
    return rows[0]


def untouched_since(store: GraphStore, organisation_id: str, before: str,
                    limit: int = 500) -> list[dict]:
    """People the organisation recorded whose record has not changed since ``before``."""
    return [row["p"] for row in store.run_read(
        "MATCH (p:Person)-[:RECORDED_BY]->(:Organisation {id: $org}) "
        "WHERE p.updated_at < $before "
        "RETURN p {.id, .name, .updated_at, .created_at} AS p ORDER BY p.updated_at LIMIT $limit",
        org=organisation_id, before=before, limit=limit)]
