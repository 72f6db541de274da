"""Places: halls, libraries, chapels, cafés, parks, surgeries."""

from __future__ import annotations

from assetmap.graph.nodes import RECORDED_BY, NodeRepository
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem
from assetmap.model import InvalidRecord, Place


class PlaceRepository(NodeRepository):
    def delete(self, store: GraphStore, node_id: str) -> None:
        """Delete a place no activity is held at (an activity must be held somewhere)."""
        rows = store.run_write(
            "MATCH (p:Place {id: $id}) OPTIONAL MATCH (a:Activity)-[:HELD_AT]->(p) "
            "WITH p, count(a) AS held WHERE held = 0 DETACH DELETE p RETURN count(*) AS n",
            id=node_id,
        )
        if not rows or rows[0]["n"] == 0:
            self.get(store, node_id)
            held = store.run_read("MATCH (a:Activity)-[:HELD_AT]->(:Place {id: $id}) "
                                  "RETURN count(a) AS n", id=node_id)[0]["n"]
            raise InvalidRecord([("id", Problem(
                N_("%(count)s activities are held here: move or remove them first"),
                count=held))])


# its areas come from its point (services.areas)
repo = PlaceRepository(Place, links={"recorded_by_id": RECORDED_BY})

MAX_NEAR = 500


def near(
    store: GraphStore, lat: float, lon: float, radius_m: float, limit: int = 100
) -> list[dict]:
    """Places within ``radius_m`` metres of a point, nearest first, with ``distance_m``."""
    rows = store.run_read(
        "MATCH (p:Place) WHERE @distance(p.location, point({latitude: $lat, longitude: $lon})) "
        "<= $radius "  # in WHERE of the MATCH, so the point index finds the places
        "WITH p, @distance(p.location, point({latitude: $lat, longitude: $lon})) AS d "
        "RETURN properties(p) AS place, d ORDER BY d LIMIT $limit",
        lat=lat,
        lon=lon,
        radius=radius_m,
        limit=max(0, min(limit, MAX_NEAR)),
    )
    return [{**row["place"], "distance_m": round(row["d"])} for row in rows]


def for_map(store: GraphStore, limit: int = 5000) -> list[dict]:
    """Every place's name, kind, town and position, with how many activities it hosts."""
    return store.run_read(
        "MATCH (p:Place) OPTIONAL MATCH (a:Activity)-[:HELD_AT]->(p) "
        "RETURN p.id AS id, p.name AS name, p.name_cy AS name_cy, p.kind AS kind, "
        "p.town AS town, p.lat AS lat, p.lon AS lon, count(a) AS activities "
        "ORDER BY p.id LIMIT $limit",
        limit=limit,
    )


def directory_summary(store: GraphStore) -> dict:
    """How many places, activities, groups and organisations the directory holds, and its
    places per town: the public home page's figures (never people's), in two reads."""
    labels = ("Place", "Activity", "Group", "Organisation")
    counts = store.run_read(" UNION ALL ".join(  # fixed labels: no value is written in
        f"MATCH (n:{label}) RETURN '{label}' AS label, count(n) AS n" for label in labels))
    towns = store.run_read("MATCH (p:Place) RETURN p.town AS town, count(p) AS n ORDER BY town")
    return {"counts": {row["label"]: row["n"] for row in counts},
            "towns": [(row["town"], row["n"]) for row in towns]}
