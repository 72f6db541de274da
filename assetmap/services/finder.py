"""The public asset finder: what the finder page, the printable list and the API call."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from assetmap import clock, gazetteer
from assetmap.graph import assets
from assetmap.graph.nodes import NotFound
from assetmap.graph.store import GraphStore
from assetmap.i18n import WALES_TIME
from assetmap.model import WEEKDAYS, AssetSearch, validate


@dataclass
class Found:
    """One page of finder results."""

    search: AssetSearch
    location: gazetteer.Location | None
    results: list[dict[str, Any]]
    total: int
    pages: int = field(init=False)

    def __post_init__(self) -> None:
        self.pages = max(1, -(-self.total // self.search.per_page))


def parse(params: dict[str, Any]) -> AssetSearch:
    """Validate finder parameters (a query string or JSON): :class:`InvalidRecord` if bad.

    Empty strings mean "not given", as an HTML form sends them.
    """
    given = {key: value for key, value in params.items() if value not in ("", None)}
    return validate(AssetSearch, given)


def find(store: GraphStore, search: AssetSearch, instance_path: Path | None = None,
         now: datetime | None = None) -> Found:
    """Run a validated search: resolve where, search the graph, add each next session."""
    location = None
    if search.lat is not None and search.lon is not None:
        location = gazetteer.Location(search.lat, search.lon, "your location", "coordinates")
    elif search.near:
        location = gazetteer.resolve(search.near, instance_path)
    rows, total = assets.search(store, search, *(
        (location.lat, location.lon) if location else (None, None)))
    today = (now or clock.now()).astimezone(WALES_TIME)
    for row in rows:
        row["next_session"] = next_session(row["activity"], today).isoformat()
    return Found(search, location, rows, total)


def next_session(activity: dict[str, Any], now: datetime) -> date:
    """The date of the next session on the activity's weekday that has not yet started.

    For fortnightly and monthly activities this is the next possible date; pages say to
    check with the organiser.

    >>> tuesday_9am = datetime(2026, 11, 24, 9, 0)
    >>> next_session({"weekday": "tue", "start": "10:00"}, tuesday_9am).isoformat()
    '2026-11-24'
    >>> next_session({"weekday": "tue", "start": "08:30"}, tuesday_9am).isoformat()
    '2026-12-01'
    """
    days_ahead = (WEEKDAYS.index(activity["weekday"]) - now.weekday()) % 7
    if days_ahead == 0 and activity["start"] <= now.strftime("%H:%M"):
        days_ahead = 7
    return (now + timedelta(days=days_ahead)).date()


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
            raise NotFound("asset", asset_id) from None
        detail, activity_id = assets.place_with_activities(store, place_id), asset_id
    detail["activities"].sort(key=lambda item: (WEEKDAYS.index(item["activity"]["weekday"]),
                                                item["activity"]["start"]))
    return {**detail, "activity_id": activity_id}
