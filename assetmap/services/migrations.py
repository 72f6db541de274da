"""Bring stored data up to this version (``assetmap init``, and every new graph): each
migration runs once and is marked, so records entered after it (which follow the new rules)
are never changed by it."""

from __future__ import annotations

from assetmap.graph import migrations
from assetmap.graph.store import GraphStore


def bring_up_to_date(store: GraphStore) -> dict[str, list[int]]:
    """Run every migration this graph has not had; returns, per migration run, how many
    records each of its statements changed (all zeros on a graph with nothing to change)."""
    return {name: migrations.apply(store, name) for name in migrations.pending(store)}
