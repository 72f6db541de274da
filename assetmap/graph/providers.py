"""Providers and the listings they manage (``(:User)-[:MANAGES]->(listing)``), and the
claims that make them providers."""

from __future__ import annotations

from assetmap.graph.nodes import NodeRepository
from assetmap.graph.store import GraphStore
from assetmap.model import LISTING_LABELS, ChangeReport, Claim

claims = NodeRepository(Claim)

#: what a provider's list and a claim show of a listing
_LISTING = ("n {.id, .name, .name_cy, .email, .checked_at, .checked_by, .updated_at, "
            ".paused_since, .weekday, .start, .end, .frequency, .cancelled_dates, .ended_on}")


def _recorder(label: str, keep: str = "n") -> str:
    """Cypher giving ``recorder``, the id of the organisation whose staff keep listing
    ``n``: the one that recorded it, or for an activity that did not say, its group's;
    ``keep``: the variables carried on with it."""
    clause = "OPTIONAL MATCH (n)-[:RECORDED_BY]->(own:Organisation) "
    if label == "Activity":
        return (clause + "OPTIONAL MATCH (n)-[:RUN_BY]->(:Group)-[:RECORDED_BY]->"
                f"(via:Organisation) WITH {keep}, own.id AS own, min(via.id) AS via "
                f"WITH {keep}, coalesce(own, via) AS recorder ")
    return clause + f"WITH {keep}, own.id AS recorder "


def _label(label: str) -> str:
    if label not in LISTING_LABELS:  # the whitelist: a label never comes from input as it is
        raise ValueError(f"not a kind of listing: {label!r}")
    return label


def listing(store: GraphStore, label: str, node_id: str) -> dict | None:
    """A listing by its label and id, with the organisation that recorded it."""
    rows = store.run_read(
        f"MATCH (n:{_label(label)} {{id: $id}}) {_recorder(label)}"
        f"RETURN {_LISTING} AS listing, recorder AS recorded_by", id=node_id)
    return {**rows[0]["listing"], "label": label, "recorded_by": rows[0]["recorded_by"]} \
        if rows else None


def add_manager(store: GraphStore, user_id: str, label: str, node_id: str, since: str,
                how: str) -> bool:
    """``user_id`` manages the listing from now (once, however often it is claimed)."""
    rows = store.run_write(
        f"MATCH (u:User {{id: $user}}) MATCH (n:{_label(label)} {{id: $id}}) "
        "MERGE (u)-[m:MANAGES]->(n) ON CREATE SET m.since = $since, m.how = $how "
        "RETURN count(m) AS n", user=user_id, id=node_id, since=since, how=how)
    return bool(rows and rows[0]["n"])


def remove_manager(store: GraphStore, user_id: str, label: str, node_id: str) -> None:
    store.run_write(f"MATCH (:User {{id: $user}})-[m:MANAGES]->(:{_label(label)} {{id: $id}}) "
                    "DELETE m", user=user_id, id=node_id)


def managed(store: GraphStore, user_id: str) -> list[dict]:
    """The listings ``user_id`` manages, each with its label and how they came to."""
    rows = []
    for label in LISTING_LABELS:
        rows += [{**row["listing"], "label": label, "how": row["how"]}
                 for row in store.run_read(
                     f"MATCH (:User {{id: $user}})-[m:MANAGES]->(n:{label}) "
                     f"RETURN {_LISTING} AS listing, m.how AS how ORDER BY n.name",
                     user=user_id)]
    return rows


def sessions_of(store: GraphStore, label: str, node_ids: list[str]) -> list[dict]:
    """The activities run by these groups (``label`` Group) or held at these places, each
    with the id of the group or place."""
    relationship = {"Group": "RUN_BY", "Place": "HELD_AT"}[_label(label)]
    rows = store.run_read(
        f"UNWIND $ids AS owner MATCH (n:Activity)-[:{relationship}]->(:{label} {{id: owner}}) "
        f"RETURN {_LISTING} AS listing, owner ORDER BY n.name, n.weekday", ids=node_ids)
    return [{**row["listing"], "label": "Activity", "owner": row["owner"]} for row in rows]


def manages(store: GraphStore, user_id: str, label: str, node_id: str) -> bool:
    """Whether ``user_id`` manages the listing: itself, or (an activity) the group that
    runs it or the place it is held at."""
    if store.run_read(f"MATCH (:User {{id: $user}})-[:MANAGES]->(n:{_label(label)} {{id: $id}}) "
                      "RETURN n.id LIMIT 1", user=user_id, id=node_id):
        return True
    return label == "Activity" and bool(store.run_read(
        "MATCH (:User {id: $user})-[:MANAGES]->(owner)<-[:RUN_BY|HELD_AT]-"
        "(a:Activity {id: $id}) RETURN a.id LIMIT 1", user=user_id, id=node_id))


def managers(store: GraphStore, label: str, node_id: str) -> list[dict]:
    """The active providers of a listing (of an activity: also those of its group and
    place, with the id of that group or place in ``via``), with e-mail and language."""
    rows = [{**row, "via": None} for row in store.run_read(
        f"MATCH (u:User)-[:MANAGES]->(n:{_label(label)} {{id: $id}}) WHERE u.active "
        "RETURN DISTINCT u.id AS id, u.email AS email, u.language AS language", id=node_id)]
    if label == "Activity":
        rows += store.run_read(
            "MATCH (u:User)-[:MANAGES]->(owner)<-[:RUN_BY|HELD_AT]-(:Activity {id: $id}) "
            "WHERE u.active RETURN DISTINCT u.id AS id, u.email AS email, "
            "u.language AS language, owner.id AS via", id=node_id)
    return list({row["id"]: row for row in reversed(rows)}.values())


def claim_by_token(store: GraphStore, token_hash: str) -> dict | None:
    rows = store.run_read("MATCH (c:Claim {token_hash: $hash}) RETURN properties(c) AS c",
                          hash=token_hash)
    return rows[0]["c"] if rows else None


def spend_claim(store: GraphStore, claim_id: str, token_hash: str, now: str) -> bool:
    """Mark a claim used, if its link still works: one statement, so a link used twice at
    once works once."""
    rows = store.run_write(
        "MATCH (c:Claim {id: $id}) WHERE c.token_hash = $hash AND c.status IN "
        "['pending', 'approved'] AND c.expires_at >= $now "
        "SET c.status = 'used', c.token_hash = null, c.updated_at = $now RETURN c.id AS id",
        id=claim_id, hash=token_hash, now=now)
    return bool(rows)


def waiting_claims(store: GraphStore, organisation_id: str | None) -> list[dict]:
    """Requests to look after a listing that wait for a decision: those for listings
    recorded by ``organisation_id``, and those for listings no organisation recorded."""
    rows = []
    for label in LISTING_LABELS:
        rows += store.run_read(
            f"MATCH (c:Claim {{status: 'pending', how: 'request', listing_label: $label}}) "
            f"MATCH (n:{label} {{id: c.listing_id}}) WITH c, n "
            f"{_recorder(label, keep='c, n')}"
            "WITH c, n, recorder WHERE recorder IS NULL OR recorder = $org "
            "RETURN properties(c) AS claim, n.name AS name, n.name_cy AS name_cy "
            "ORDER BY c.created_at", label=label, org=organisation_id)
    return rows


#: a listing's last check, or for one never checked, its last change (services.freshness)
_LAST_CHECKED = "coalesce(n.checked_at, left(n.updated_at, 10))"
#: where each kind of listing is, for placing it in its areas: a place's own point, an
#: activity's place (or its base), a group's first place
_WHERE = {
    "Place": "WITH n, n.lat AS lat, n.lon AS lon ",
    "Activity": "OPTIONAL MATCH (n)-[:HELD_AT]->(pl:Place) "
                "WITH n, coalesce(pl.lat, n.base_lat) AS lat, coalesce(pl.lon, n.base_lon) AS lon ",
    "Group": "OPTIONAL MATCH (n)<-[:RUN_BY]-(:Activity)-[:HELD_AT]->(pl:Place) "
             "WITH n, collect(pl)[0] AS pl WITH n, pl.lat AS lat, pl.lon AS lon ",
}


def unchecked_since(store: GraphStore, label: str, since: str, limit: int = 10_000) -> list[dict]:
    """Listings of ``label`` last checked before ``since`` (an ISO date), oldest first, with
    a point to place them by, their service areas, and how many providers they have."""
    rows = store.run_read(
        f"MATCH (n:{_label(label)}) WHERE {_LAST_CHECKED} < $since {_WHERE[label]}"
        "OPTIONAL MATCH (u:User)-[:MANAGES]->(n) "
        f"WITH n, lat, lon, count(u) AS providers ORDER BY {_LAST_CHECKED}, n.id LIMIT $limit "
        f"RETURN {_LISTING} AS listing, lat, lon, n.service_areas AS service_areas, providers",
        since=since, limit=limit)
    return [{**row["listing"], "label": label, "lat": row["lat"], "lon": row["lon"],
             "service_areas": row["service_areas"] or [], "providers": row["providers"]}
            for row in rows]


reports = NodeRepository(ChangeReport)


def waiting_reports(store: GraphStore, organisation_id: str | None = None,
                    provider_id: str | None = None) -> list[dict]:
    """Reports of changes waiting for review: for staff of ``organisation_id``, those on
    listings it recorded or no one recorded; for ``provider_id``, those on their listings
    (and on the sessions of their groups and places). Oldest first, with each listing."""
    rows = []
    for label in LISTING_LABELS:
        if provider_id is None:
            rows += store.run_read(
                f"MATCH (c:ChangeReport {{status: 'waiting', listing_label: $label}}) "
                f"MATCH (n:{label} {{id: c.listing_id}}) WITH c, n "
                f"{_recorder(label, keep='c, n')}"
                "WITH c, n, recorder WHERE recorder IS NULL OR recorder = $org "
                f"RETURN properties(c) AS report, {_LISTING} AS listing "
                "ORDER BY c.created_at", label=label, org=organisation_id)
        else:
            rows += [row for row in store.run_read(
                f"MATCH (c:ChangeReport {{status: 'waiting', listing_label: $label}}) "
                f"MATCH (n:{label} {{id: c.listing_id}}) "
                f"RETURN properties(c) AS report, {_LISTING} AS listing "
                "ORDER BY c.created_at", label=label)
                if manages(store, provider_id, label, row["listing"]["id"])]
    return sorted(rows, key=lambda row: row["report"]["created_at"])
