"""Areas: small area -> ward -> local authority -> health board, joined by PART_OF."""

from __future__ import annotations

from assetmap.graph.nodes import Link, NodeRepository
from assetmap.graph.store import GraphStore
from assetmap.model import Area, now_iso

repo = NodeRepository(Area, links={"parent_id": Link("PART_OF", "Area")})


def exists(store: GraphStore, area_id: str) -> bool:
    """Whether an area with this id (code) is loaded."""
    return bool(store.run_read("MATCH (a:Area {id: $id}) RETURN a.id AS id LIMIT 1",
                               id=area_id))


def children(store: GraphStore, area_id: str) -> list[dict]:
    """The areas directly inside ``area_id``, by name."""
    rows = store.run_read(
        "MATCH (c:Area)-[:PART_OF]->(:Area {id: $id}) RETURN properties(c) AS c ORDER BY c.name",
        id=area_id,
    )
    return [row["c"] for row in rows]


def geometries(store: GraphStore, level: str) -> dict[str, dict]:
    """Each area's boundary at ``level`` as GeoJSON, by area id."""
    import json

    rows = store.run_read(
        "MATCH (a:Area {level: $level}) WHERE a.geometry IS NOT NULL "
        "RETURN a.id AS id, a.geometry AS geometry", level=level)
    return {row["id"]: json.loads(row["geometry"]) for row in rows}


def at_level(store: GraphStore, level: str) -> list[dict]:
    """Every area at ``level`` with its parent's id, by name (no figures, no geometry)."""
    rows = store.run_read(
        "MATCH (a:Area {level: $level}) OPTIONAL MATCH (a)-[:PART_OF]->(p:Area) "
        "RETURN a {.id, .name, .name_cy, .level, .population} AS a, p.id AS parent "
        "ORDER BY a.name, a.id", level=level)
    return [{**row["a"], "parent": row["parent"]} for row in rows]


def stamp(store: GraphStore) -> tuple[int, str | None, str]:
    """Changes whenever an area is added or changed (to know a cached index is stale):
    how many, the latest change, and a digest of their ids and changes."""
    import hashlib

    rows = store.run_read_rows("MATCH (a:Area) RETURN a.id, a.updated_at ORDER BY a.id")
    digest = hashlib.sha256("\n".join(f"{i}\t{at}" for i, at in rows).encode()).hexdigest()
    return len(rows), max((at for _, at in rows if at), default=None), digest


def with_boundaries(store: GraphStore) -> list[dict]:
    """Every area that has a boundary: id, names, level and GeoJSON geometry."""
    return [row["a"] for row in store.run_read(
        "MATCH (a:Area) WHERE a.geometry IS NOT NULL "
        "RETURN a {.id, .name, .name_cy, .level, .geometry} AS a ORDER BY a.level, a.id")]


def upsert(store: GraphStore, rows: list[dict]) -> int:
    """Write areas by id (``id, name, name_cy, level, geometry``): new ones created,
    existing ones given the new names and boundary; one statement."""
    now = now_iso()
    return store.run_write(
        "UNWIND $rows AS r MERGE (a:Area {id: r.id}) "
        "ON CREATE SET a.created_at = $now, a.population = 0 "
        "SET a.name = r.name, a.name_cy = r.name_cy, a.level = r.level, "
        "a.geometry = r.geometry, a.updated_at = $now RETURN count(a) AS n",
        rows=rows,
        now=now)[0]["n"]


def link_parents(store: GraphStore, parents: dict[str, str | None]) -> None:
    """Join each area to its parent (replacing the one it had), in one statement."""
    store.run_write(
        "UNWIND $rows AS r MATCH (a:Area {id: r.id}) "
        "OPTIONAL MATCH (a)-[old:PART_OF]->(:Area) DELETE old "
        "WITH a, r WHERE r.parent IS NOT NULL MATCH (p:Area {id: r.parent}) "
        "CREATE (a)-[:PART_OF]->(p)",
        rows=[{"id": code, "parent": parent} for code, parent in parents.items()])


def points(store: GraphStore, label: str) -> list[dict]:
    """Every ``label`` record's id and point (label from the placed whitelist)."""
    if label not in ("Person", "Place"):
        raise ValueError(f"{label!r} records are not placed in areas")
    return [{"id": r[0], "lat": r[1], "lon": r[2]} for r in store.run_read_rows(
        f"MATCH (n:{label}) RETURN n.id, n.lat, n.lon")]


def set_areas(store: GraphStore, label: str, rows: list[dict]) -> None:
    """Set each record's ``area`` and ``ward`` and its ``IN_AREA`` links to them (the old
    links go), in one statement."""
    if label not in ("Person", "Place"):
        raise ValueError(f"{label!r} records are not placed in areas")
    store.run_write(
        f"UNWIND $rows AS r MATCH (n:{label} {{id: r.id}}) "
        "SET n.area = r.area, n.ward = r.ward "
        "WITH n, r OPTIONAL MATCH (n)-[old:IN_AREA]->(:Area) DELETE old "
        "WITH DISTINCT n, r UNWIND [x IN [r.area, r.ward] WHERE x IS NOT NULL] AS code "
        "MATCH (a:Area {id: code}) CREATE (n)-[:IN_AREA]->(a)",
        rows=[{"id": r["id"], "area": r["area"], "ward": r["ward"]} for r in rows])


def names(store: GraphStore, area_ids: list[str]) -> dict[str, dict]:
    """The name (and Welsh name) of each area of ``area_ids`` that is loaded."""
    rows = store.run_read("MATCH (a:Area) WHERE a.id IN $ids "
                          "RETURN a.id AS id, a.name AS name, a.name_cy AS name_cy", ids=area_ids)
    return {row["id"]: {"name": row["name"], "name_cy": row["name_cy"]} for row in rows}
