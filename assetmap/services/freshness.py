"""How fresh a directory listing is: the one rule for "may be out of date" and for leaving
the public finder, whichever page, list or e-mail asks.

A listing is checked when staff save it, when an import writes it, and when its provider
edits or confirms it. Unconfirmed for ``stale_after_days`` (a setting, 6 months by
default) it "may be out of date" and its provider is asked to confirm it; unconfirmed for
``hidden_after_days`` (12 months) it leaves the public finder until someone confirms it.
A listing written before assetmap kept the date counts from the day it last changed, the
one date known of it, and says that it is not known when it was checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

from assetmap import clock
from assetmap.config import Config
from assetmap.graph import providers as listings
from assetmap.graph.store import GraphStore
from assetmap.model import LISTING_LABELS
from assetmap.services import areas

State = Literal["fresh", "stale", "hidden"]


@dataclass(frozen=True)
class Limits:
    """The two settings, in days."""

    stale_after_days: int = 183
    hidden_after_days: int = 365

    def listed_since(self, today: date | None = None) -> str:
        """The oldest check date a listing may have and still be in the public finder.

        >>> Limits(30, 60).listed_since(date(2026, 3, 2))
        '2026-01-01'
        """
        return ((today or clock.today()) - timedelta(days=self.hidden_after_days)).isoformat()

    @classmethod
    def of(cls, config: Config) -> Limits:
        """The limits the settings give."""
        return cls(config.stale_after_days, config.hidden_after_days)

    def stale_since(self, today: date | None = None) -> str:
        """The oldest check date a listing may have and not be "may be out of date"."""
        return ((today or clock.today()) - timedelta(days=self.stale_after_days)).isoformat()


def last_checked(listing: dict[str, Any]) -> date | None:
    """The day ``listing`` was last checked, or, when that was never recorded, the day it
    last changed.

    >>> last_checked({"checked_at": "2026-03-03", "updated_at": "2026-05-01T10:00:00+00:00"})
    datetime.date(2026, 3, 3)
    >>> last_checked({"updated_at": "2026-05-01T10:00:00+00:00"})
    datetime.date(2026, 5, 1)
    """
    when = listing.get("checked_at") or (listing.get("updated_at") or "")[:10]
    if isinstance(when, date):
        return when
    try:
        return date.fromisoformat(when)
    except ValueError:
        return None


def state(listing: dict[str, Any], limits: Limits, today: date | None = None) -> State:
    """"fresh", "stale" (may be out of date: its provider is asked to confirm it) or
    "hidden" (not in the public finder until someone confirms it).

    >>> limits = Limits(183, 365)
    >>> [state({"checked_at": when}, limits, date(2026, 12, 3))
    ...  for when in ("2026-11-01", "2026-03-03", "2025-10-01")]
    ['fresh', 'stale', 'hidden']
    """
    checked = last_checked(listing)
    if checked is None:
        return "hidden"
    age = ((today or clock.today()) - checked).days
    if age > limits.hidden_after_days:
        return "hidden"
    return "stale" if age > limits.stale_after_days else "fresh"


def newest(listings: list[dict[str, Any]]) -> dict[str, Any]:
    """Of a listing's sessions (the same activity on other days), the one checked last: what
    a page says of the activity as a whole, so every page says the same.

    >>> newest([{"checked_at": "2026-01-02"}, {"checked_at": "2026-03-03"}])["checked_at"]
    '2026-03-03'
    """
    return max(listings, key=lambda listing: last_checked(listing) or date.min)


def stamp(by: str, today: date | None = None) -> dict[str, str]:
    """The fields that say a listing was checked today by ``by`` (provider, staff, import)."""
    return {"checked_at": (today or clock.today()).isoformat(), "checked_by": by}



def stale_listings(store: GraphStore, limits: Limits, within: str | None = None,
                   today: date | None = None) -> list[dict[str, Any]]:
    """Every listing that may be out of date (or has left the finder), oldest check first,
    each with its ``state``, ``last_checked``, the ``local_authority`` it is in (by its
    point: a place's, an activity's place or base, a group's first place) and how many
    ``providers`` it has. ``within`` (a local authority or health board code) keeps those
    in it, by point or by the areas a service without a venue is offered in."""
    rows = [row for label in LISTING_LABELS
            for row in listings.unchecked_since(store, label, limits.stale_since(today))]
    located = [row for row in rows if row["lat"] is not None and row["lon"] is not None]
    placed = areas.area_index(store).place_many([(row["lat"], row["lon"]) for row in located])
    for row, where in zip(located, placed, strict=True):
        row["areas"] = set(where.values())
        row["local_authority"] = where.get("local_authority")
    for row in rows:
        row.setdefault("areas", set())
        row.setdefault("local_authority", None)
        row["areas"] |= set(row["service_areas"])
        row["last_checked"] = last_checked(row)
        row["state"] = state(row, limits, today)
    kept = [row for row in rows if within is None or within in row["areas"]]
    return sorted(kept, key=lambda row: (row["last_checked"] or date.min, row["name"]))
