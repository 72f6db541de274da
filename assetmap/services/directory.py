"""The asset directory's records (places, groups, activities, organisations): created and
changed through here by the pages, the API and the importers, so each is located and
placed in its areas by the one rule of :mod:`assetmap.services.areas`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assetmap import gazetteer
from assetmap.graph import activities, assets, groups, places
from assetmap.graph.nodes import NodeRepository
from assetmap.graph.store import GraphStore
from assetmap.i18n import N_, Problem
from assetmap.model import CheckedBy, InvalidRecord
from assetmap.services import areas, freshness

#: an activity held nowhere must say how it reaches people instead
NO_VENUE = Problem(N_("give the place it is held at, or, for something without a venue, "
                      "how it reaches people (by phone, online, comes to you) or who it is "
                      "for (the areas it is offered in)"))

#: the directory's kinds of record, by the slug pages and the API name them; reads go
#: through these, changes through the functions below
REPOSITORIES: dict[str, NodeRepository] = {
    "groups": groups.repo, "places": places.repo, "activities": activities.repo}
Repository = NodeRepository
#: each kind's label, and the slug pages, links and the API name it by
SLUGS = {"Group": "groups", "Place": "places", "Activity": "activities"}


def repository(label: str) -> NodeRepository:
    """The repository of a kind of listing, by its label."""
    return REPOSITORIES[SLUGS[label]]

#: links the services set, never a page's or API body's: whose staff recorded a listing
SET_BY_SERVICE = ("recorded_by_id",)


def delete(store: GraphStore, repo: NodeRepository, node_id: str) -> None:
    """Remove a directory record and its links."""
    repo.delete(store, node_id)


def every_place(store: GraphStore) -> list[dict]:
    """Every place with the activities held there (for the GeoJSON export)."""
    return assets.every_place(store)


def places_for_map(store: GraphStore) -> list[dict]:
    """Every place with its point and town, for the public map."""
    return places.for_map(store)


def summary(store: GraphStore) -> dict:
    """The directory's counts by kind and its places per town (no person is counted)."""
    return places.directory_summary(store)


def create(store: GraphStore, repo: NodeRepository, data: dict[str, Any], instance_path: Path,
           checked_by: CheckedBy, **link_ids: str | None) -> dict[str, Any]:
    """Write a new record of ``repo``'s kind with its links, checked today by
    ``checked_by`` (staff, an import, its provider); returns it."""
    data = {**data, **freshness.stamp(checked_by)}
    if repo is activities.repo:
        check_venue(data, link_ids.get("place_id"))
        data = base_point(data, instance_path)
    if repo.model.located:
        data = areas.locate(store, repo.model, data, instance_path)
    return repo.create(store, data, **link_ids)  # with its area links


def update(store: GraphStore, repo: NodeRepository, node_id: str, changes: dict[str, Any],
           instance_path: Path, checked_by: CheckedBy, **link_ids: str | None) -> dict[str, Any]:
    """Change a record's fields (``None`` removes one) and links; whoever changed it
    (``checked_by``) has checked it today. Returns it."""
    changes = {**changes, **freshness.stamp(checked_by)}
    if repo is activities.repo and ("place_id" in link_ids or "delivery" in changes):
        current = repo.get(store, node_id)
        place_id = link_ids["place_id"] if "place_id" in link_ids else \
            repo.linked(store, node_id).get("place_id")
        check_venue({**current, **changes}, place_id)
    if repo is activities.repo:
        changes = base_point(changes, instance_path, current=repo.get(store, node_id))
    if repo.model.located:
        changes = areas.locate(store, repo.model, changes, instance_path,
                               current=repo.get(store, node_id))
    updated = repo.update(store, node_id, changes, **link_ids)
    if "area" in changes:
        areas.link(store, repo.model.label, updated)
    return updated


def confirm(store: GraphStore, label: str, node_id: str, checked_by: CheckedBy) -> None:
    """Someone says a listing is still right: checked today by ``checked_by``; a group's
    sessions with it (its organisers check them together)."""
    checked = freshness.stamp(checked_by)
    repository(label).update(store, node_id, checked)
    if label == "Group":
        for session in activities.run_by(store, node_id):
            activities.repo.update(store, session, checked)


def base_point(data: dict[str, Any], instance_path: Path,
               current: dict[str, Any] | None = None) -> dict[str, Any]:
    """``data`` with the base point a reach is measured from, found from ``base_postcode``
    when none was given (as a place's point comes from its postcode); a base postcode
    removed takes its point with it."""
    if data.get("base_lat") is not None or "base_postcode" not in data:
        return data
    postcode = data["base_postcode"]
    if not postcode:
        return {**data, "base_lat": None, "base_lon": None} if current else data
    if current and postcode == current.get("base_postcode") and current.get("base_lat"):
        return data
    try:
        where = gazetteer.resolve(postcode, instance_path)
    except InvalidRecord as exc:
        raise InvalidRecord([("base_postcode", exc.problem)]) from None
    return {**data, "base_lat": where.lat, "base_lon": where.lon}


def check_venue(data: dict[str, Any], place_id: str | None) -> None:
    """An activity is held at a place, or says how it reaches people without one (by
    phone, online, at home) or where it is offered: the one rule, whichever way the record
    comes (form, API, CSV, Open Referral)."""
    if place_id or data.get("service_areas"):
        return  # the areas it is offered in say enough: how may not be known
    if not any(mode != "in_person" for mode in data.get("delivery") or []):
        raise InvalidRecord([("place_id", NO_VENUE)])
