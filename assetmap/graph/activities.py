"""Activities: what happens, when, where (HELD_AT a place, or no place: by phone, online,
at home) and who runs it (RUN_BY)."""

from assetmap.graph.nodes import RECORDED_BY, Link, NodeRepository
from assetmap.graph.store import GraphStore
from assetmap.model import Activity

repo = NodeRepository(
    Activity,
    links={
        # none for an activity delivered without a venue (services.directory checks)
        "place_id": Link("HELD_AT", "Place"),
        "group_id": Link("RUN_BY", "Group"),
        "organisation_id": Link("RUN_BY", "Organisation"),
        "recorded_by_id": RECORDED_BY,
    },
)


def run_by(store: GraphStore, group_id: str) -> list[str]:
    """The ids of the activities a group runs."""
    return [row["id"] for row in store.run_read(
        "MATCH (a:Activity)-[:RUN_BY]->(:Group {id: $id}) RETURN a.id AS id", id=group_id)]
