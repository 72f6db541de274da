"""Consents about a person, and the sharing with other organisations that rests on them.

A ``share_with_organisation`` consent and the ``SHARED_WITH`` relationship it allows are
written together, and withdrawn together: access ends in the same statement that records
the withdrawal. An ``open_to_connect`` consent sets the person's ``open_to_connect``.
"""

from __future__ import annotations

from typing import Any

from assetmap.graph.nodes import NodeRepository, NotFound
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem
from assetmap.model import Consent, InvalidRecord, now_iso, validate

repo = NodeRepository(Consent)

#: ``c`` (the consent behind a ``SHARED_WITH``, read with OPTIONAL MATCH) is active on
#: ``$today``: a share grants access only then
ACTIVE = ("c.withdrawn_at IS NULL AND c.given_at <= $today "
          "AND (c.until IS NULL OR c.until >= $today)")


def active(store: GraphStore, person_id: str, organisation_id: str, purpose: str,
           today: str) -> dict | None:
    """The person's latest consent for ``purpose`` given to the organisation that is
    active on ``today`` (:data:`ACTIVE`), if any."""
    rows = store.run_read(
        "MATCH (c:Consent {person_id: $id, organisation_id: $org, purpose: $purpose}) "
        f"WHERE {ACTIVE} RETURN properties(c) AS c ORDER BY c.given_at DESC LIMIT 1",
        id=person_id, org=organisation_id, purpose=purpose, today=today)
    return rows[0]["c"] if rows else None


def record(store: GraphStore, data: dict[str, Any]) -> dict:
    """Record a consent ABOUT its person; sharing and opting in take effect with it."""
    consent = validate(Consent, data)
    now = now_iso()
    effects = {
        "share_with_organisation":
            " CREATE (p)-[:SHARED_WITH {consent_id: c.id}]->(o)",
        "open_to_connect": " SET p.open_to_connect = true, p.updated_at = $now",
        "record_keeping": "",
        "move_record": "",
    }[consent.purpose]
    rows = store.run_write(
        "MATCH (p:Person {id: $person}) MATCH (o:Organisation {id: $org}) "
        "CREATE (c:Consent) SET c = $props CREATE (c)-[:ABOUT]->(p)"
        f"{effects} RETURN properties(c) AS c",
        person=consent.person_id, org=consent.organisation_id, now=now,
        props={**consent.properties(), "created_at": now, "updated_at": now},
    )
    if rows:
        return rows[0]["c"]
    if not store.run_read("MATCH (p:Person {id: $id}) RETURN p.id AS id", id=consent.person_id):
        raise NotFound("Person", consent.person_id)
    raise InvalidRecord([("organisation_id",
                          f"no Organisation with id {consent.organisation_id!r}")])


def withdraw(store: GraphStore, consent_id: str, day: str) -> dict:
    """Withdraw a consent on ``day``: the sharing it allowed ends, and a person who opted
    in to be suggested is no longer suggested unless another active consent says so."""
    current = get(store, consent_id)
    if current.get("withdrawn_at"):
        raise InvalidRecord([("consent_id", Problem(N_("is already withdrawn")))])
    validate(Consent, {**_fields(current), "withdrawn_at": day})
    rows = store.run_write(
        "MATCH (c:Consent {id: $id})-[:ABOUT]->(p:Person) "
        "SET c.withdrawn_at = $day, c.updated_at = $now "
        "WITH c, p OPTIONAL MATCH (p)-[s:SHARED_WITH {consent_id: c.id}]->() DELETE s "
        "WITH DISTINCT c, p "
        "OPTIONAL MATCH (other:Consent {person_id: p.id, purpose: 'open_to_connect'}) "
        "WHERE other.withdrawn_at IS NULL AND other.id <> c.id "
        "WITH c, p, count(other) AS still "
        "SET p.open_to_connect = CASE WHEN c.purpose = 'open_to_connect' AND still = 0 "
        "THEN false ELSE p.open_to_connect END "
        "RETURN properties(c) AS c",
        id=consent_id, day=day, now=now_iso(),
    )
    return rows[0]["c"]


def get(store: GraphStore, consent_id: str) -> dict:
    return repo.get(store, consent_id)


def about(store: GraphStore, person_id: str) -> list[dict]:
    """Every consent about the person, newest first, with the organisation's name."""
    rows = store.run_read(
        "MATCH (c:Consent {person_id: $id}) "
        "WITH c, c.organisation_id AS org OPTIONAL MATCH (o:Organisation {id: org}) "
        "RETURN properties(c) AS c, o.name AS organisation, o.name_cy AS organisation_cy "
        "ORDER BY c.given_at DESC, c.id",
        id=person_id)
    return [{**row["c"], "organisation_name": row["organisation"],
             "organisation_name_cy": row["organisation_cy"]} for row in rows]


def _fields(stored: dict) -> dict:
    return {k: v for k, v in stored.items() if k not in ("created_at", "updated_at")}
