"""Login accounts: e-mail, role, password hash, and the organisation they work for."""

from __future__ import annotations

from assetmap.graph.nodes import Link, NodeRepository
from assetmap.graph.store import GraphStore
from assetmap.model import User

repo = NodeRepository(
    User, links={"organisation_id": Link("WORKS_FOR", "Organisation", required=True)}
)


def by_email(store: GraphStore, email: str) -> dict | None:
    rows = store.run_read(
        "MATCH (u:User {email: $email}) OPTIONAL MATCH (u)-[:WORKS_FOR]->(o:Organisation) "
        "RETURN properties(u) AS user, o.id AS organisation_id",
        email=email.strip().lower(),
    )
    if not rows:
        return None
    return {**rows[0]["user"], "organisation_id": rows[0]["organisation_id"]}
