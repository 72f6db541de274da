"""Areas: small area -> ward -> local authority -> health board, joined by PART_OF."""

from __future__ import annotations

from assetmap.graph.nodes import Link, NodeRepository
from assetmap.graph.store import GraphStore
from assetmap.model import Area

repo = NodeRepository(Area, links={"parent_id": Link("PART_OF", "Area")})


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
