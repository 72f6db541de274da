"""Login accounts: e-mail, role, password hash, and the organisation they work for."""

from __future__ import annotations

from assetmap.graph.nodes import Link, NodeRepository
from assetmap.graph.store import GraphStore
from assetmap.model import User

repo = NodeRepository(
    # staff work for an organisation (accounts makes sure); a provider works for none
    User, links={"organisation_id": Link("WORKS_FOR", "Organisation")}
)


_WITH_ORGANISATION = (
    "OPTIONAL MATCH (u)-[:WORKS_FOR]->(o:Organisation) "
    "RETURN properties(u) AS user, o.id AS organisation_id, o.name AS organisation_name, "
    "o.name_cy AS organisation_name_cy"
)


def _joined(rows: list[dict]) -> list[dict]:
    return [{**row["user"], "organisation_id": row["organisation_id"],
             "organisation_name": row["organisation_name"],
             "organisation_name_cy": row["organisation_name_cy"]} for row in rows]


def by_email(store: GraphStore, email: str) -> dict | None:
    """The user with this e-mail and the organisation they work for, or None."""
    rows = store.run_read(f"MATCH (u:User {{email: $email}}) {_WITH_ORGANISATION}",
                          email=email.strip().lower())
    return _joined(rows)[0] if rows else None


def by_id(store: GraphStore, user_id: str) -> dict | None:
    rows = store.run_read(f"MATCH (u:User {{id: $id}}) {_WITH_ORGANISATION}", id=user_id)
    return _joined(rows)[0] if rows else None


def everyone(store: GraphStore, limit: int = 1000) -> list[dict]:
    """Every user with their organisation, by e-mail (no password hashes)."""
    rows = store.run_read(
        f"MATCH (u:User) {_WITH_ORGANISATION} ORDER BY u.email LIMIT $limit", limit=limit)
    return [{**{k: v for k, v in user.items() if k not in SECRETS},
             "two_step": bool(user.get("totp_secret")),
             "invited": bool(user.get("invitation_hash"))} for user in _joined(rows)]


def by_invitation(store: GraphStore, invitation_hash: str) -> dict | None:
    rows = store.run_read(f"MATCH (u:User {{invitation_hash: $hash}}) {_WITH_ORGANISATION}",
                          hash=invitation_hash)
    return _joined(rows)[0] if rows else None


#: what a list of users never shows
SECRETS = ("password_hash", "totp_secret", "recovery_codes", "totp_last_step",
           "live_sessions", "invitation_hash")
#: sessions kept live for one user at once (the oldest ends when another starts)
LIVE_SESSIONS = 20


def add_session(store: GraphStore, user_id: str, session_hash: str) -> None:
    """Record a new live session (in one statement, so two sign-ins at once both count)."""
    store.run_write(
        "MATCH (u:User {id: $id}) WITH u, coalesce(u.live_sessions, []) + [$hash] AS live "
        "SET u.live_sessions = live[-$keep..]", id=user_id, hash=session_hash,
        keep=LIVE_SESSIONS)


def end_session(store: GraphStore, user_id: str, session_hash: str) -> None:
    store.run_write(
        "MATCH (u:User {id: $id}) "
        "SET u.live_sessions = [s IN coalesce(u.live_sessions, []) WHERE s <> $hash]",
        id=user_id, hash=session_hash)


def end_sessions(store: GraphStore, user_id: str) -> None:
    """End every session of the user, on every device."""
    store.run_write("MATCH (u:User {id: $id}) SET u.live_sessions = []", id=user_id)
