"""People: the person, who recorded them, where they live, and their circle of support."""

from __future__ import annotations

from assetmap.graph import ties
from assetmap.graph.nodes import Link, NodeRepository
from assetmap.graph.store import GraphStore
from assetmap.model import Person

repo = NodeRepository(
    Person,
    links={
        "organisation_id": Link("RECORDED_BY", "Organisation", required=True),
        "area_id": Link("IN_AREA", "Area"),
    },
)


def circle(store: GraphStore, person_id: str) -> list[dict]:
    """The person's circle of support: each person they know, with the tie's properties."""
    repo.get(store, person_id)
    return ties.outgoing(store, "KNOWS", ("Person", person_id), "Person")
