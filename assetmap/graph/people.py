"""People: the person, who recorded them, where they live, and their circle of support."""

from __future__ import annotations

from typing import Any

from assetmap.graph import ties
from assetmap.graph.consents import ACTIVE
from assetmap.graph.nodes import Link, NodeRepository, NotFound, _location_clause
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem
from assetmap.model import (
    CaresFor,
    InvalidRecord,
    Person,
    WhatMatters,
    now_iso,
    relationship_type,
    validate,
)

repo = NodeRepository(
    Person,
    links={
        "organisation_id": Link("RECORDED_BY", "Organisation", required=True),
    },
)
what_matters = NodeRepository(
    WhatMatters, links={"about": Link("ABOUT", "Person", required=True)}
)
#: what a list of people shows
_SUMMARY = (
    "p {.id, .name, .birth_year, .postcode, .area, .isolation_risk, .lsns6, "
    ".fragile_circle, .carer_risk, .carer_hours, .volunteer, .carer, .updated_at}"
)


def circle(store: GraphStore, person_id: str) -> list[dict]:
    """The person's circle of support: each person they know, with the tie's properties."""
    repo.get(store, person_id)
    return ties.outgoing(store, "KNOWS", ("Person", person_id), "Person")


def organisations(store: GraphStore, person_id: str, today: str) -> dict[str, Any]:
    """Who recorded the person and which organisations it is shared with on ``today``
    (under a consent that is active then)."""
    rows = store.run_read(
        "MATCH (p:Person {id: $id}) OPTIONAL MATCH (p)-[:RECORDED_BY]->(o:Organisation) "
        "WITH p, collect(o.id) AS recorded "
        "OPTIONAL MATCH (p)-[s:SHARED_WITH]->(shared:Organisation) "
        # (FalkorDB needs the WITH before reading s in the next OPTIONAL MATCH)
        "WITH recorded, shared, s.consent_id AS cid OPTIONAL MATCH (c:Consent {id: cid}) "
        f"RETURN recorded, collect(CASE WHEN c IS NOT NULL AND {ACTIVE} THEN shared.id END) "
        "AS shared",
        id=person_id, today=today,
    )
    if not rows:
        raise NotFound("Person", person_id)
    return {"recorded_by": rows[0]["recorded"], "shared_with": rows[0]["shared"]}


def _visible(organisation_id: str, today: str,
             conditions: list[str]) -> tuple[str, dict[str, Any]]:
    """The MATCH of the people an organisation may see on ``today``, and its parameters."""
    match = (
        "MATCH (p:Person)-[r:RECORDED_BY|SHARED_WITH]->(:Organisation {id: $org}) "
        "WITH p, r, r.consent_id AS cid OPTIONAL MATCH (c:Consent {id: cid}) WITH p, r, c "
        f"WHERE (type(r) = 'RECORDED_BY' OR ({ACTIVE})) "
        + "".join(f"AND {condition} " for condition in conditions)
    )
    return match, {"org": organisation_id, "today": today or now_iso()[:10]}


#: the orders a list of people can be read in (the key is the page's ``sort``)
ORDERS = {
    "name": "p.name, p.id",
    # at risk first, lowest score first; not assessed last
    "risk": "CASE WHEN p.isolation_risk = true THEN 0 WHEN p.isolation_risk = false THEN 1 "
            "ELSE 2 END, coalesce(p.lsns6, 99), p.name, p.id",
    # most hours of care first, then the highest breakdown risk
    "hours": "coalesce(p.carer_hours, -1) DESC, CASE p.carer_risk WHEN 'high' THEN 0 "
             "WHEN 'raised' THEN 1 WHEN 'not_known' THEN 2 ELSE 3 END, p.name, p.id",
}


def for_organisation(
    store: GraphStore, organisation_id: str, text: str | None = None,
    skip: int = 0, limit: int = 50, carers_only: bool = False, today: str = "",
    order: str = "name",
) -> tuple[list[dict], int]:
    """People recorded by the organisation or shared with it (under a consent active on
    ``today``), in ``order`` (one of :data:`ORDERS`); and how many. ``carers_only``: only
    those who care for someone."""
    conditions = (["toLower(p.name) CONTAINS $text"] if text else []) + (
        ["(p)-[:CARES_FOR]->()"] if carers_only else [])
    match, params = _visible(organisation_id, today, conditions)
    params["text"] = (text or "").lower()
    total = store.run_read(f"{match}RETURN count(DISTINCT p) AS n", **params)[0]["n"]
    rows = store.run_read(
        f"{match}WITH DISTINCT p ORDER BY {ORDERS[order]} SKIP $skip LIMIT $limit "
        f"RETURN {_SUMMARY} AS p",
        skip=max(0, skip), limit=max(0, min(limit, 500)), **params,
    )
    return [row["p"] for row in rows], total


#: how someone new is joined to the person whose record they are added to
_JOINS = {
    "KNOWS": "CREATE (p)-[r:KNOWS]->(n)",
    "CARES_FOR": "CREATE (n)-[r:CARES_FOR]->(p)",
}


def network_of(
    store: GraphStore, organisation_id: str, today: str
) -> tuple[list[dict], list[dict]]:
    """Everyone the organisation may see (summaries) and the KNOWS ties among them."""
    match, params = _visible(organisation_id, today, [])
    nodes = [row["p"] for row in store.run_read(
        f"{match}WITH DISTINCT p RETURN {_SUMMARY} AS p ORDER BY p.id", **params)]
    ids = [node["id"] for node in nodes]
    edges = store.run_read(
        "MATCH (a:Person)-[k:KNOWS]->(b:Person) WHERE a.id IN $ids AND b.id IN $ids "
        "RETURN a.id AS a, b.id AS b, k.relation AS relation, k.circle AS circle, "
        "k.contact AS contact", ids=ids)
    return nodes, edges


def visible_to(store: GraphStore, organisation_id: str, ids: list[str], today: str) -> set[str]:
    """Which of ``ids`` the organisation may see (recorded, or shared under an active
    consent on ``today``)."""
    rows = store.run_read(
        "MATCH (p:Person)-[r:RECORDED_BY|SHARED_WITH]->(:Organisation {id: $org}) "
        "WHERE p.id IN $ids "
        "WITH p, r, r.consent_id AS cid OPTIONAL MATCH (c:Consent {id: cid}) WITH p, r, c "
        f"WHERE type(r) = 'RECORDED_BY' OR ({ACTIVE}) RETURN DISTINCT p.id AS id",
        org=organisation_id, ids=ids, today=today)
    return {row["id"] for row in rows}


def introducers(store: GraphStore, ids: list[str]) -> dict[str, dict]:
    """For each person: the organisation that recorded them, which could make an
    introduction without the person being named."""
    rows = store.run_read(
        "MATCH (p:Person) WHERE p.id IN $ids "
        "OPTIONAL MATCH (p)-[:RECORDED_BY]->(o:Organisation) "
        "RETURN p.id AS id, min(o.name) AS organisation", ids=ids)
    return {row["id"]: row for row in rows}


def touch(store: GraphStore, person_id: str) -> None:
    """Their record changed (their circle, care or referrals): it is not due for review."""
    store.run_write("MATCH (p:Person {id: $id}) SET p.updated_at = $now", id=person_id,
                    now=now_iso())


def create_in_circle(
    store: GraphStore, person_id: str, new_person: dict[str, Any], tie: dict[str, Any],
    organisation_id: str, type_name: str = "KNOWS",
) -> dict:
    """Record someone new around ``person_id``, in one statement: the new person (recorded
    by the organisation) and either the tie to them (``KNOWS``) or their care for the
    person (``CARES_FOR``, the new person marked a carer)."""
    if type_name == "CARES_FOR":
        new_person = {**new_person, "carer": True}
    record = validate(Person, new_person)
    props = validate(relationship_type(type_name).properties, tie).properties()
    now = now_iso()
    location = _location_clause(record, "n", "$props")
    rows = store.run_write(
        "MATCH (p:Person {id: $person}) MATCH (o:Organisation {id: $org}) "
        f"CREATE (n:{':'.join(('Person', *record.extra_labels()))}) SET n = $props{location} "
        f"CREATE (n)-[:RECORDED_BY]->(o) {_JOINS[type_name]} SET r = $tie "
        "RETURN properties(n) AS n",
        person=person_id, org=organisation_id, tie=props,
        props={**record.properties(), "created_at": now, "updated_at": now},
    )
    if not rows:
        repo.get(store, person_id)
        raise InvalidRecord([("organisation_id", Problem(
            N_("no %(kind)s with id %(id)s"), kind="Organisation", id=repr(organisation_id)))])
    return rows[0]["n"]


def conversations(store: GraphStore, person_id: str) -> list[dict]:
    """"What matters" conversations about the person, newest first, with who recorded each."""
    rows = store.run_read(
        "MATCH (w:WhatMatters {person_id: $id}) OPTIONAL MATCH (u:User {id: w.recorded_by}) "
        "RETURN properties(w) AS w, coalesce(u.name, u.email) AS by "
        "ORDER BY w.date DESC, w.created_at DESC",
        id=person_id,
    )
    return [{**row["w"], "recorded_by_name": row["by"]} for row in rows]


def referrals(store: GraphStore, person_id: str) -> list[dict]:
    """Referrals of the person to activities and groups, newest first."""
    rows = store.run_read(
        "MATCH (p:Person {id: $id})-[r:REFERRED_TO]->(t) "
        "OPTIONAL MATCH (u:User {id: r.by}) "
        "RETURN t.id AS target_id, labels(t)[0] AS target_label, t.name AS target_name, "
        "t.name_cy AS target_name_cy, properties(r) AS r, coalesce(u.name, u.email) AS by_name "
        "ORDER BY r.date DESC, t.name",
        id=person_id,
    )
    return [{**row["r"], "target_id": row["target_id"], "target_label": row["target_label"],
             "target_name": row["target_name"], "target_name_cy": row["target_name_cy"],
             "by_name": row["by_name"]} for row in rows]


def carers_of(store: GraphStore, person_id: str) -> list[dict]:
    """Who cares for the person, and who the person cares for, with hours a week."""
    rows = store.run_read(
        "MATCH (p:Person {id: $id}) OPTIONAL MATCH (c:Person)-[r:CARES_FOR]->(p) "
        "WITH p, collect({id: c.id, name: c.name, hours: r.hours_per_week}) AS carers "
        "OPTIONAL MATCH (p)-[g:CARES_FOR]->(o:Person) "
        "RETURN carers, collect({id: o.id, name: o.name, hours: g.hours_per_week}) AS cared",
        id=person_id,
    )
    return rows[0] if rows else {"carers": [], "cared": []}


def homes(store: GraphStore, ids: list[str]) -> dict[str, tuple[float, float]]:
    """Home coordinates of the people named (for a map that rounds them)."""
    rows = store.run_read(
        "MATCH (p:Person) WHERE p.id IN $ids AND p.lat IS NOT NULL "
        "RETURN p.id AS id, p.lat AS lat, p.lon AS lon", ids=ids)
    return {row["id"]: (row["lat"], row["lon"]) for row in rows}


def add_carer(store: GraphStore, carer_id: str, person_id: str, care: dict[str, Any]) -> dict:
    """Someone already recorded starts caring for the person: the ``CARES_FOR`` and the
    carer's mark, in one statement."""
    props = validate(CaresFor, care).properties()
    if carer_id == person_id:
        raise InvalidRecord([("carer_id", Problem(N_("a person cannot be their own carer")))])
    rows = store.run_write(
        "MATCH (c:Person {id: $carer}) MATCH (p:Person {id: $person}) "
        "WHERE NOT (c)-[:CARES_FOR]->(p) "
        "SET c:Carer, c.carer = true, c.updated_at = $now "
        "CREATE (c)-[r:CARES_FOR]->(p) SET r = $props RETURN properties(r) AS r",
        carer=carer_id, person=person_id, props=props, now=now_iso(),
    )
    if rows:
        return rows[0]["r"]
    repo.get(store, person_id)
    repo.get(store, carer_id)
    raise InvalidRecord([("carer_id", Problem(N_("already cares for this person")))])


def referral_target(store: GraphStore, target_id: str) -> str:
    """The label of what a referral may point at, ``Activity`` or ``Group``, for an id."""
    rows = store.run_read(
        "MATCH (t) WHERE (t:Activity OR t:Group) AND t.id = $id RETURN labels(t) AS labels",
        id=target_id)
    if not rows:
        raise InvalidRecord([("target_id", Problem(
            N_("no activity or group with id %(id)s"), id=repr(target_id)))])
    return "Activity" if "Activity" in rows[0]["labels"] else "Group"


def referrals_due(store: GraphStore, day: str) -> list[dict]:
    """For each user who made referrals whose follow-up falls on ``day`` and that are still
    open (suggested or contacted): how many, and their e-mail and language."""
    return store.run_read(
        "MATCH (:Person)-[r:REFERRED_TO]->() WHERE r.follow_up = $day "
        "AND r.status IN ['suggested', 'contacted'] "
        "WITH r.by AS by, count(r) AS due MATCH (u:User {id: by}) WHERE u.active "
        "RETURN u.id AS id, u.email AS email, u.language AS language, due ORDER BY u.id",
        day=day)


def open_referrals_by(store: GraphStore, user_id: str, until: str) -> list[dict]:
    """The open referrals ``user_id`` made whose follow-up is on or before ``until``."""
    return store.run_read(
        "MATCH (p:Person)-[r:REFERRED_TO]->(t) WHERE r.by = $user AND r.follow_up <= $until "
        "AND r.status IN ['suggested', 'contacted'] "
        "RETURN p.id AS person_id, p.name AS person_name, t.id AS target_id, "
        "t.name AS target_name, t.name_cy AS target_name_cy, r.follow_up AS follow_up, "
        "r.status AS status ORDER BY r.follow_up, p.name", user=user_id, until=until)
