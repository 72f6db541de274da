"""The public directory read as whole records: each activity with its place and whoever
runs it, and the organisations and groups that run them (for the HSDS export and API).
"""

from __future__ import annotations

from typing import Any

from assetmap.graph.nodes import NotFound
from assetmap.graph.store import GraphStore
from assetmap.i18n import fold
from assetmap.model import hsds_id

_SERVICE = (
    "MATCH (a:Activity) {where}"
    "OPTIONAL MATCH (a)-[:HELD_AT]->(pl:Place) "
    "OPTIONAL MATCH (a)-[:RUN_BY]->(g:Group) "
    "OPTIONAL MATCH (a)-[:RUN_BY]->(o:Organisation) "
    "OPTIONAL MATCH (g)-[:RUN_BY]->(go:Organisation) "
)
_SERVICE_RETURN = (
    "OPTIONAL MATCH (ar:Area) WHERE ar.id IN coalesce(a.service_areas, []) "
    "WITH a, pl, g, o, go, collect(ar {.id, .name, .name_cy}) AS areas "
    "RETURN properties(a) AS activity, properties(pl) AS place, properties(g) AS group, "
    "properties(o) AS organisation, go.id AS parent, areas"
)
RUNNERS = ("Organisation", "Group")


def _filters(text: str | None, category: str | None, weekday: str | None,
             runner_id: str | None, modified_after: str | None,
             at_a_place: bool = False) -> tuple[str, dict[str, Any]]:
    clauses, params = ["(a)-[:HELD_AT]->(:Place)"] if at_a_place else [], {}
    if text:
        clauses.append("a.search_text CONTAINS $text")
        params["text"] = fold(text)
    if category:
        clauses.append("$category IN a.categories")
        params["category"] = category
    if weekday:
        clauses.append("a.weekday = $weekday")
        params["weekday"] = weekday
    if runner_id:
        clauses.append("(a)-[:RUN_BY]->({id: $runner})")
        params["runner"] = runner_id
    if modified_after:
        clauses.append("a.updated_at >= $modified_after")
        params["modified_after"] = modified_after
    return ("WHERE " + " AND ".join(clauses) + " " if clauses else ""), params


def services(store: GraphStore, skip: int = 0, limit: int = 100, text: str | None = None,
             category: str | None = None, weekday: str | None = None,
             runner_id: str | None = None, modified_after: str | None = None,
             at_a_place: bool = False) -> tuple[list[dict], int]:
    """A page of activity rows (``activity``, ``place`` (null without a venue),
    ``group``, ``organisation``, ``parent``, ``areas`` (its service areas' names)) in id
    order, and how many match; ``at_a_place``: only those held at a place."""
    where, params = _filters(text, category, weekday, runner_id, modified_after, at_a_place)
    total = store.run_read(f"MATCH (a:Activity) {where}RETURN count(a) AS n", **params)
    rows = store.run_read(
        _SERVICE.format(where=where) + _SERVICE_RETURN + " ORDER BY a.id SKIP $skip LIMIT $limit",
        skip=skip, limit=limit, **params)
    return rows, total[0]["n"]


def service(store: GraphStore, activity_id: str) -> dict:
    rows = store.run_read(
        _SERVICE.format(where="WHERE a.id = $id ") + _SERVICE_RETURN, id=activity_id)
    if not rows:
        raise NotFound("Activity", activity_id)
    return rows[0]


def runners(store: GraphStore, skip: int = 0, limit: int = 100) -> tuple[list[dict], int]:
    """Organisations then groups (``label``, ``node``, ``parent``), and how many there are."""
    total = sum(store.run_read(f"MATCH (n:{label}) RETURN count(n) AS n")[0]["n"]
                for label in RUNNERS)
    rows = store.run_read(
        "MATCH (n:Organisation) RETURN 'Organisation' AS label, properties(n) AS node, "
        "null AS parent, n.id AS id "
        "UNION ALL MATCH (n:Group) OPTIONAL MATCH (n)-[:RUN_BY]->(o:Organisation) "
        "RETURN 'Group' AS label, properties(n) AS node, o.id AS parent, n.id AS id")
    rows.sort(key=lambda row: (RUNNERS.index(row["label"]), row["id"]))
    return rows[skip:skip + limit], total


def runner(store: GraphStore, label: str, node_id: str) -> dict:
    rows = store.run_read(
        f"MATCH (n:{label} {{id: $id}}) OPTIONAL MATCH (n)-[:RUN_BY]->(o:Organisation) "
        "RETURN properties(n) AS node, o.id AS parent", id=node_id)
    if not rows:
        raise NotFound(label, node_id)
    return {"label": label, **rows[0]}


def services_run_by(store: GraphStore, node_id: str) -> list[dict]:
    where, params = _filters(None, None, None, node_id, None)
    return store.run_read(_SERVICE.format(where=where) + _SERVICE_RETURN + " ORDER BY a.id",
                          **params)


def hsds_ids(store: GraphStore, label: str) -> dict[str, str]:
    """Every ``label`` node's HSDS id, mapped to its own id."""
    return {hsds_id(label, row["id"]): row["id"]
            for row in store.run_read(f"MATCH (n:{label}) RETURN n.id AS id")}


def resolve(store: GraphStore, labels: tuple[str, ...], wanted: str) -> tuple[str, str]:
    """The (label, id) of the node among ``labels`` whose HSDS id is ``wanted``: the node
    with that id, else the one whose id maps to it (ids that are not UUIDs)."""
    for label in labels:
        if store.run_read(f"MATCH (n:{label} {{id: $id}}) RETURN n.id AS id", id=wanted):
            return label, wanted
    for label in labels:
        found = hsds_ids(store, label).get(wanted.lower())
        if found:
            return label, found
    raise NotFound("/".join(labels), wanted)
