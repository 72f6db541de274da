"""Organisations: the tenants whose connectors record people. Made by an admin on the
Organisations page or with ``assetmap organisations create``: the same function."""

from __future__ import annotations

from typing import Any

from assetmap.graph import areas, organisations
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem
from assetmap.model import InvalidRecord


def create(store: GraphStore, data: dict[str, Any]) -> dict[str, Any]:
    """A new organisation from ``data`` (id, name, name_cy, kind, area, website; empty
    values left out); :class:`InvalidRecord` naming a bad field, an id already used or an
    area that is not loaded."""
    data = {k: v for k, v in data.items() if v not in (None, "")}
    if "area" in data and not areas.exists(store, data["area"]):
        raise InvalidRecord([("area", Problem(
            N_("no area with the code %(code)s is loaded (assetmap areas import)"),
            code=repr(data["area"])))])
    return organisations.repo.create(store, data)


def get(store: GraphStore, organisation_id: str) -> dict[str, Any]:
    """The organisation; :class:`NotFound` naming the id when there is none."""
    return organisations.repo.get(store, organisation_id)


def by_name(store: GraphStore) -> list[dict[str, Any]]:
    """Every organisation, by name."""
    return organisations.repo.list(store, order_by="name")
