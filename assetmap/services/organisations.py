"""Organisations: the tenants whose connectors record people. Made by an admin on the
Organisations page or with ``assetmap organisations create``: the same function."""

from __future__ import annotations

from typing import Any

from assetmap.graph import organisations
from assetmap.graph.store import GraphStore


def create(store: GraphStore, data: dict[str, Any]) -> dict[str, Any]:
    """A new organisation from ``data`` (id, name, name_cy, kind, website; empty values
    left out); :class:`InvalidRecord` naming a bad field or an id already used."""
    return organisations.repo.create(store, {k: v for k, v in data.items()
                                             if v not in (None, "")})


def by_name(store: GraphStore) -> list[dict[str, Any]]:
    """Every organisation, by name."""
    return organisations.repo.list(store, order_by="name")
