"""Activities: what happens, when, where (HELD_AT a place) and who runs it (RUN_BY)."""

from assetmap.graph.nodes import Link, NodeRepository
from assetmap.model import Activity

repo = NodeRepository(
    Activity,
    links={
        "place_id": Link("HELD_AT", "Place", required=True),
        "group_id": Link("RUN_BY", "Group"),
        "organisation_id": Link("RUN_BY", "Organisation"),
    },
)
