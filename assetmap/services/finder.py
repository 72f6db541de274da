"""The public asset finder: what the finder page, the printable list and the API call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from assetmap import clock, gazetteer
from assetmap.analysis.suggestions import DAY_PART_HOURS
from assetmap.boundaries import WALES_CODE, area_named
from assetmap.graph import assets
from assetmap.graph.nodes import NotFound
from assetmap.graph.store import GraphStore
from assetmap.i18n import WALES_TIME
from assetmap.model import (
    ACCESS_NEEDS,
    CATEGORIES,
    DELIVERIES,
    WEEKDAYS,
    AssetSearch,
    validate,
)
from assetmap.services import areas as area_service
from assetmap.services import freshness


@dataclass
class Found:
    """One page of finder results."""

    search: AssetSearch
    location: gazetteer.Location | None
    results: list[dict[str, Any]]
    total: int
    #: what the public finder lists (:data:`assetmap.graph.assets.LISTED`)
    listed: assets.Listed | None = None
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, -(-self.total // self.search.per_page))

    @property
    def first(self) -> int:
        """The list number of this page's first result (the map's pins carry them too)."""
        return (self.search.page - 1) * self.search.per_page + 1


def parse(params: dict[str, Any]) -> AssetSearch:
    """Validate finder parameters (a query string or JSON): :class:`InvalidRecord` if bad.

    Empty strings mean "not given", as an HTML form sends them.
    """
    given = {key: value for key, value in params.items() if value not in ("", None)}
    return validate(AssetSearch, given)


def find(store: GraphStore, search: AssetSearch, instance_path: Path | None = None,
         now: datetime | None = None, limits: freshness.Limits | None = None) -> Found:
    """Run a validated search: resolve where, search the graph, add each next session.
    The public finder gives the freshness ``limits``: listings unconfirmed for longer,
    and sessions that have ended, are not found."""
    location = None
    if search.lat is not None and search.lon is not None:
        location = gazetteer.Location(search.lat, search.lon, "your location", "coordinates")
    elif search.near:
        location = gazetteer.resolve(search.near, instance_path)
    here = (location.lat, location.lon) if location else (None, None)
    today = (now or clock.now()).astimezone(WALES_TIME)
    listed = listed_now(limits, today.date()) if limits else None
    rows, total = assets.search(store, search, *here, areas=areas_at(store, *here),
                                listed=listed)
    for row in rows:
        row["paused"] = any(runner.get("paused_since") for runner in row["runners"])
        for session in row["sessions"]:
            upcoming = None if row["paused"] else next_session(session, today)
            session["next_session"] = upcoming.isoformat() if upcoming else None
        # the sessions in the order they come round (times not given last); the result's
        # own is the soonest
        row["sessions"].sort(key=lambda session: (session["next_session"] or "9999",
                                                  session["start"] or ""))
        soonest = row["sessions"][0]
        row["checked"] = freshness.newest(row["sessions"])
        row["activity"] = {k: v for k, v in soonest.items() if k != "next_session"}
        row["next_session"] = soonest["next_session"]
    offered_in(store, [row["activity"] for row in rows if row["place"] is None])
    return Found(search, location, rows, total, listed)


def listed_now(limits: freshness.Limits, today: date) -> assets.Listed:
    """What the public finder asks of a listing today (:data:`assets.LISTED`)."""
    return {"listed_since": limits.listed_since(today), "today": today.isoformat()}


def offered_in(store: GraphStore, activities: list[dict[str, Any]]) -> None:
    """Names each activity's service areas, in ``"offered_in"`` (a list of ``{"name",
    "name_cy"}``; empty when it is offered anywhere or within a distance of a base)."""
    codes = sorted({code for a in activities for code in a.get("service_areas") or []})
    named = area_service.names(store, codes) if codes else {}
    for activity in activities:
        activity["offered_in"] = [area_named(code, named)
                                  for code in activity.get("service_areas") or []]


def areas_at(store: GraphStore, lat: float | None, lon: float | None) -> list[str]:
    """The codes of every area holding the point (all of Wales with them), which a service
    without a venue may be offered in; none without a point."""
    if lat is None or lon is None:
        return []
    codes = list(area_service.area_index(store).place(lat, lon).values())
    return [*codes, WALES_CODE] if codes else codes


def choice_counts(store: GraphStore, found: Found) -> dict[str, dict[Any, int]]:
    """Beside each choice of the finder's filters, how many results there would be with
    it chosen and every other filter as asked: ``{"day": {"mon": 3, ...}, "free":
    {True: 12}, ...}``. One read, counted here."""
    here = (found.location.lat, found.location.lon) if found.location else (None, None)
    rows = assets.facet_rows(store, found.search, *here, areas=areas_at(store, *here),
                             listed=found.listed)
    search = found.search
    asked = {facet: getattr(search, facet) for facet, any_value in assets.FACETS.items()
             if getattr(search, facet) != any_value}
    choices: dict[str, tuple] = {
        "day": WEEKDAYS, "time_of_day": tuple(DAY_PART_HOURS), "category": CATEGORIES,
        "delivery": DELIVERIES,
        **{flag: (True,) for flag in ("free", "welsh", *ACCESS_NEEDS)}}
    counts: dict[str, dict[Any, int]] = {}
    for facet, values in choices.items():
        others = [row for row in rows if all(assets.matches(row, f, v)
                                              for f, v in asked.items() if f != facet)]
        counts[facet] = {value: len({(row["place"], row["name"]) for row in others
                                     if assets.matches(row, facet, value)})
                         for value in values}
    return counts


#: what a search without results may let go of, one at a time (the value meaning "any")
RELAXABLE = {name: assets.FACETS.get(name) for name in (
    "day", "time_of_day", "welsh", "category", "free", "delivery", "text", *ACCESS_NEEDS)}
#: the distances the finder offers, and how far "the nearest one" is looked for
DISTANCES_KM = (2.0, 5.0, 10.0, 20.0, 40.0)
NEAREST_LOOK_KM = 100.0


@dataclass(frozen=True)
class Relaxation:
    """One change to a search that finds something: ``field`` let go of (or ``radius_km``
    widened), how many it would find, and for "nearest" how far the nearest one is."""

    field: str
    count: int
    radius_km: float | None = None
    nearest_km: float | None = None


def relaxations(store: GraphStore, found: Found) -> list[Relaxation]:
    """For a search that found nothing: each filter it could let go of that would find
    something, with how many, then a wider distance, then how far the nearest match is.

    The counts are real searches (each one filter let go of), so a connector can tell
    the person "there is a Welsh group on Thursday" rather than "try something else".
    """
    if found.total or found.location is None:
        return []
    here = (found.location.lat, found.location.lon)
    areas = areas_at(store, *here)
    search = found.search.model_copy(update={"page": 1, "per_page": 1})
    offers = []
    for name, any_value in RELAXABLE.items():
        if getattr(search, name) != any_value:
            _, count = assets.search(store, search.model_copy(update={name: any_value}), *here,
                                     areas=areas, listed=found.listed)
            if count:
                offers.append(Relaxation(name, count))
    for radius_km in (km for km in DISTANCES_KM if km > search.radius_km):
        # the nearest of the finder's own distances that finds something
        _, count = assets.search(store, search.model_copy(update={"radius_km": radius_km}),
                                 *here, areas=areas, listed=found.listed)
        if count:
            offers.append(Relaxation("radius_km", count, radius_km=radius_km))
            break
    if not any(o.field == "radius_km" for o in offers) and search.delivery in (None,
                                                                                "in_person"):
        # at a venue: those without one are offered where they are, not nearer or farther
        rows, count = assets.search(store, search.model_copy(update={
            "radius_km": NEAREST_LOOK_KM, "delivery": "in_person"}), *here,
            listed=found.listed)
        if count and rows[0].get("distance_m") is not None:
            nearest = round(rows[0]["distance_m"] / 1000)
            offers.append(Relaxation("nearest", count, radius_km=float(min(
                NEAREST_LOOK_KM, nearest + 1)), nearest_km=nearest))
    return offers


def next_session(activity: dict[str, Any], now: datetime) -> date | None:
    """The date of the next session on the activity's weekday that has not yet started and
    is not cancelled (None when its times are not given, or it has ended).

    For fortnightly and monthly activities this is the next possible date; pages say to
    check with the organiser.

    >>> tuesday_9am = datetime(2026, 11, 24, 9, 0)
    >>> next_session({"weekday": "tue", "start": "10:00"}, tuesday_9am).isoformat()
    '2026-11-24'
    >>> next_session({"weekday": "tue", "start": "08:30"}, tuesday_9am).isoformat()
    '2026-12-01'
    >>> next_session({"weekday": "tue", "start": "10:00", "cancelled_dates": ["2026-11-24"]},
    ...              tuesday_9am).isoformat()
    '2026-12-01'
    """
    if not activity.get("weekday"):
        return None  # times not given
    days_ahead = (WEEKDAYS.index(activity["weekday"]) - now.weekday()) % 7
    if days_ahead == 0 and (activity.get("start") or "99:99") <= now.strftime("%H:%M"):
        days_ahead = 7
    cancelled = {str(day) for day in activity.get("cancelled_dates") or []}
    upcoming = (now + timedelta(days=days_ahead)).date()
    while upcoming.isoformat() in cancelled:
        upcoming += timedelta(days=7)
    ended = activity.get("ended_on")
    return None if ended and upcoming.isoformat() >= str(ended) else upcoming


def asset(store: GraphStore, asset_id: str) -> dict[str, Any]:
    """A place and its activities, by the place's id or the id of one of its activities.

    The activity asked for, if any, is named in ``"activity_id"``.
    """
    try:
        detail, activity_id = assets.place_with_activities(store, asset_id), None
    except NotFound:
        try:
            place_id = assets.place_of_activity(store, asset_id)
        except NotFound:
            place_id = None
        if place_id is None:  # delivered without a venue, or nothing by that id
            detail = {"place": None, "activities": assets.without_venue(store, asset_id)}
            offered_in(store, [item["activity"] for item in detail["activities"]])
        else:
            detail = assets.place_with_activities(store, place_id)
        activity_id = asset_id
    detail["activities"].sort(key=lambda item: (
        WEEKDAYS.index(item["activity"]["weekday"]) if item["activity"].get("weekday") else 7,
        item["activity"].get("start") or ""))
    # one row an activity, with its sessions, as the finder shows it: the same name at the
    # same place is the same activity on another day
    grouped: dict[str, dict[str, Any]] = {}
    for item in detail["activities"]:
        row = grouped.setdefault(item["activity"]["name"], {
            "activity": item["activity"], "sessions": [], "runners": []})
        row["sessions"].append(item["activity"])
        row["runners"] += [r for r in item["runners"] if r not in row["runners"]]
    for row in grouped.values():
        row["checked"] = freshness.newest(row["sessions"])
    return {**detail, "activities": list(grouped.values()), "activity_id": activity_id}
