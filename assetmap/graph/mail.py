"""The outbox: messages waiting for the mail server, and what is kept of those sent."""

from __future__ import annotations

from assetmap.graph.nodes import NodeRepository, rebuilt
from assetmap.graph.store import GraphStore
from assetmap.model import Mail

repo = NodeRepository(Mail)

#: what a message keeps once it has gone (or been given up): never its address or words
KEPT = ("id", "kind", "language", "attempts", "next_attempt_at", "about", "created_at",
        "last_error")


def claim_due(store: GraphStore, now: str, until: str, limit: int) -> list[dict]:
    """Up to ``limit`` waiting messages due by ``now``, oldest first, each claimed until
    ``until`` in the same statement, so two senders at once never send one twice."""
    rows = store.run_write(
        "MATCH (m:Mail) WHERE m.status = 'pending' AND m.next_attempt_at <= $now "
        "AND (m.claimed_until IS NULL OR m.claimed_until < $now) "
        "WITH m ORDER BY m.next_attempt_at, m.id LIMIT $limit "
        "SET m.claimed_until = $until RETURN properties(m) AS m",
        now=now, until=until, limit=limit)
    return [row["m"] for row in rows]


def claim_one(store: GraphStore, mail_id: str, now: str, until: str) -> dict | None:
    """The waiting message ``mail_id``, claimed as :func:`claim_due` does, or None."""
    rows = store.run_write(
        "MATCH (m:Mail {id: $id}) WHERE m.status = 'pending' "
        "AND (m.claimed_until IS NULL OR m.claimed_until < $now) "
        "SET m.claimed_until = $until RETURN properties(m) AS m",
        id=mail_id, now=now, until=until)
    return rows[0]["m"] if rows else None


def mark_sent(store: GraphStore, mail_id: str, now: str) -> None:
    # the whole map is written: the address and words go (see nodes.rebuilt)
    wiped = rebuilt("m", KEPT, {"status": "'sent'", "sent_at": "$now", "updated_at": "$now",
                                "last_error": "null"})
    store.run_write(f"MATCH (m:Mail {{id: $id}}) {wiped}", id=mail_id, now=now)


def mark_attempt(store: GraphStore, mail_id: str, error: str, next_attempt_at: str | None,
                 now: str) -> None:
    """A try that failed: try again at ``next_attempt_at``, or give up (None) and wipe the
    address and words."""
    if next_attempt_at is not None:
        store.run_write("MATCH (m:Mail {id: $id}) SET m.last_error = $error, "
                        "m.next_attempt_at = $next, m.updated_at = $now, "
                        "m.attempts = m.attempts + 1, m.claimed_until = null",
                        id=mail_id, error=error[:500], next=next_attempt_at, now=now)
        return
    wiped = rebuilt("m", KEPT, {"status": "'failed'", "last_error": "$error",
                                "updated_at": "$now", "attempts": "m.attempts + 1"})
    store.run_write(f"MATCH (m:Mail {{id: $id}}) {wiped}", id=mail_id, error=error[:500],
                    now=now)


def tally(store: GraphStore, since: str) -> list[dict]:
    """Messages by status and kind: every waiting one, and those that went or were given
    up on since ``since``."""
    return store.run_read(
        "MATCH (m:Mail) WHERE m.status = 'pending' OR m.updated_at >= $since "
        "RETURN m.status AS status, m.kind AS kind, count(m) AS count, "
        "min(m.created_at) AS oldest, max(m.attempts) AS attempts, "
        "collect(m.last_error)[0] AS last_error ORDER BY status, kind", since=since)


def forget_before(store: GraphStore, before: str) -> None:
    """Drop what is kept of messages that went (or were given up on) before ``before``."""
    store.run_write("MATCH (m:Mail) WHERE m.status <> 'pending' AND m.updated_at < $before "
                    "DELETE m", before=before)


def sent_about(store: GraphStore, kind: str, about: str, since: str) -> bool:
    """Whether a message of ``kind`` about ``about`` was queued since ``since``."""
    return bool(store.run_read(
        "MATCH (m:Mail {about: $about}) WHERE m.kind = $kind AND m.created_at >= $since "
        "RETURN m.id LIMIT 1", about=about, kind=kind, since=since))


def waiting(store: GraphStore) -> int:
    return store.run_read("MATCH (m:Mail {status: 'pending'}) RETURN count(m) AS n")[0]["n"]
