"""Build small hand-made communities in a real store, for analysis tests.

Positions are metres east/north of Llanidloes, so distances in a test read plainly.
"""

from __future__ import annotations

import math
from typing import Any

from assetmap.graph import activities, groups, organisations, people, places, ties
from assetmap.graph.store import GraphStore

HOME = (52.4487, -3.5388)  # Llanidloes


#: a year of birth the LSNS-6 scores (the scale is for people aged 65 and over)
OLD_ENOUGH = 1945


def at(east_m: float = 0.0, north_m: float = 0.0,
       origin: tuple[float, float] = HOME) -> dict[str, float]:
    """lat/lon of a point ``east_m`` and ``north_m`` metres from ``origin``."""
    lat = origin[0] + north_m / 111_195.0
    lon = origin[1] + east_m / (111_195.0 * math.cos(math.radians(origin[0])))
    return {"lat": round(lat, 6), "lon": round(lon, 6)}


class Community:
    def __init__(self, store: GraphStore) -> None:
        self.store = store
        self.org = organisations.repo.create(store, {"name": "Test CVC", "kind": "cvc"})["id"]

    def person(self, person_id: str, east_m: float = 0.0, north_m: float = 0.0,
               **fields: Any) -> str:
        # of an age the LSNS-6 scores unless a test says otherwise
        data = {"id": person_id, "name": fields.pop("name", person_id.title()),
                "birth_year": OLD_ENOUGH, **at(east_m, north_m), **fields}
        return people.repo.create(self.store, data, organisation_id=self.org)["id"]

    def knows(self, a: str, b: str, relation: str, circle: int, contact: str | None = "weekly",
              strength: int | None = 3, both: bool = True) -> None:
        props = {"relation": relation, "circle": circle, "contact": contact,
                 "strength": strength}  # None: not recorded
        ties.create(self.store, "KNOWS", ("Person", a), ("Person", b), props)
        if both:
            ties.create(self.store, "KNOWS", ("Person", b), ("Person", a), props)

    def cares(self, carer: str, cared_for: str, hours: float) -> None:
        ties.create(self.store, "CARES_FOR", ("Person", carer), ("Person", cared_for),
                    {"hours_per_week": hours})

    def activity(self, activity_id: str, east_m: float = 0.0, north_m: float = 0.0,
                 place: dict | None = None, group: str | None = None,
                 **fields: Any) -> str:
        venue = places.repo.create(self.store, {
            "id": f"{activity_id}-venue", "name": f"{activity_id} venue", "kind": "hall",
            **at(east_m, north_m), **(place or {}),
        })
        data = {"id": activity_id, "name": fields.pop("name", activity_id.title()),
                "weekday": "tue", "start": "10:00", "end": "12:00",
                "categories": ["social"], **fields}
        links = {"place_id": venue["id"]}
        if group:
            links["group_id"] = group
        return activities.repo.create(self.store, data, **links)["id"]

    def group(self, group_id: str, **fields: Any) -> str:
        return groups.repo.create(self.store, {"id": group_id, "name": group_id.title(),
                                               **fields})["id"]

    def member(self, person_id: str, group_id: str) -> None:
        ties.create(self.store, "MEMBER_OF", ("Person", person_id), ("Group", group_id))

    def attends(self, person_id: str, activity_id: str) -> None:
        ties.create(self.store, "ATTENDS", ("Person", person_id), ("Activity", activity_id))
