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
