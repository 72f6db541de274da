"""What the analysis reads from the graph and writes back to it.

Two kinds of read:

* the **snapshot** of the whole community for a batch run: bulk reads, ties through the
  fast row path (:meth:`GraphStore.run_read_rows`);
* the **neighbourhood** of one person, for an on-demand assessment or suggestions: only
  their own ties, the ties among the people in their circle, and what lies near their home,
  found through the id, location and ``Volunteer`` location indexes - so the work does
  not grow with the size of the graph.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from assetmap.analysis import lsns6 as lsns
from assetmap.analysis.batch import ActivityRow, PersonRow, Results, Snapshot
from assetmap.analysis.circles import Tie
from assetmap.analysis.hotspots import (
    NEAREST_SEARCH_REACHES,
    RURAL_REACH_M,
    AreaNode,
    reach_for_area,
)
from assetmap.analysis.parameters import PARAMETERS
from assetmap.analysis.suggestions import can_take_part
from assetmap.analysis.vocabulary import NEED_GIFTS, normal_tag
from assetmap.graph import people
from assetmap.graph.assets import NO_VENUE, OFFERED_HERE, candidates_without_venue
from assetmap.graph.nodes import Link, NodeRepository, NotFound
from assetmap.graph.store import GraphStore
from assetmap.model import ACCESS_NEEDS, AnalysisRun, Lsns6Response, validate

questionnaires = NodeRepository(
    Lsns6Response, links={"about": Link("ABOUT", "Person", required=True)}
)

WRITE_BATCH = 5000
# Searches near home widen ring by ring and stop at the first ring that holds enough: in a
# town the first few hundred metres do, in the country the search goes further. Each ring
# is one index lookup, so what is read stays about the same wherever the person lives and
# however large the graph (the outermost ring is the furthest anyone is looked for).
FIRST_RING_M = 250.0
VOLUNTEER_SEARCH_M = 30_000.0
EXCHANGE_SEARCH_M = PARAMETERS.exchange_near_m
#: people opted in to look at, at most, for gifts and needs that match
EXCHANGE_BUDGET = 600
ENOUGH_PEOPLE = 8
MOST_VOLUNTEERS = 24
ENOUGH_ACTIVITIES = 24
#: activities read from the ring that has enough, nearest first
MOST_ACTIVITIES = 60
#: the fields suggestions read about a candidate
CANDIDATE = (
    "{.id, .name, .lat, .lon, .open_to_connect, .languages, .interests, .gifts, .needs, "
    ".skills, .availability, .volunteer, .radius_km, .capacity}"
)

Progress = Callable[[str, int, int], None]


# ---------------------------------------------------------------------------
# the whole community


def read_snapshot(store: GraphStore, year: int) -> Snapshot:
    """Everything a batch run needs, read in one pass of bulk queries."""
    # integers and strings only, so the fast row path carries them unchanged
    access = {
        r["id"]: tuple(r["needs"]) for r in store.run_read(
            "MATCH (p:Person) WHERE size(p.access_needs) > 0 "
            "RETURN p.id AS id, p.access_needs AS needs"
        )
    }
    spoken_with = {r["id"] for r in store.run_read(
        "MATCH (w:WhatMatters) RETURN DISTINCT w.person_id AS id")}
    people_rows = [
        PersonRow(pid, _degrees(lat), _degrees(lon),
                  None if alone is None else bool(alone), born, area, access.get(pid, ()), ward,
                  what_matters=pid in spoken_with, welsh=None if welsh is None else bool(welsh))
        for pid, lat, lon, alone, born, area, ward, welsh in store.run_read_rows(
            "MATCH (p:Person) RETURN p.id, toInteger(p.lat * $scale), "
            "toInteger(p.lon * $scale), "
            "CASE p.lives_alone WHEN true THEN 1 WHEN false THEN 0 END, p.birth_year, p.area, "
            "p.ward, CASE WHEN 'cy' IN p.languages THEN 1 WHEN size(p.languages) > 0 THEN 0 "
            "END",
            scale=MICRODEGREES,
        )
    ]
    knows = store.run_read_rows(
        "MATCH (a:Person)-[k:KNOWS]->(b:Person) "
        "RETURN a.id, b.id, k.relation, k.circle, k.strength, k.contact"
    )
    cares_for = [
        (r["carer"], r["cared"], r["hours"]) for r in store.run_read(
            "MATCH (c:Person)-[r:CARES_FOR]->(p:Person) "
            "RETURN c.id AS carer, p.id AS cared, r.hours_per_week AS hours"
        )
    ]
    participation = {
        r["id"]: r["n"] for r in store.run_read(
            "MATCH (p:Person)-[r:MEMBER_OF|ATTENDS]->() RETURN p.id AS id, count(r) AS n"
        )
    }
    activities = [_activity_row(r) for r in store.run_read(_ACTIVITY_VENUES)]
    areas, geometries = [], {}
    for r in store.run_read(
        "MATCH (a:Area) OPTIONAL MATCH (a)-[:PART_OF]->(up:Area) "
        "RETURN a.id AS id, a.level AS level, a.name AS name, a.population AS population, "
        "a.geometry AS geometry, up.id AS parent"
    ):
        areas.append(AreaNode(r["id"], r["level"], r["name"], r["parent"], r["population"] or 0))
        if r["geometry"]:
            geometries[r["id"]] = r["geometry"]
    latest: dict[str, dict] = {}
    for r in store.run_read("MATCH (q:Lsns6Response) RETURN properties(q) AS q"):
        q = r["q"]
        if q["person_id"] not in latest or q["date"] > latest[q["person_id"]]["date"]:
            latest[q["person_id"]] = q
    return Snapshot(
        people=people_rows, knows=knows, cares_for=cares_for, participation=participation,
        activities=activities, areas=areas, geometries=geometries,
        questionnaires={pid: _answers(q) for pid, q in latest.items()}, year=year,
    )


MICRODEGREES = 1_000_000


def _degrees(microdegrees: int | None) -> float | None:
    return None if microdegrees is None else microdegrees / MICRODEGREES


#: the venue's access features, one column each
_ACCESS_COLUMNS = ", ".join(f"pl.{need} AS {need}" for need in ACCESS_NEEDS)
_ACTIVITY_VENUES = (
    "MATCH (a:Activity)-[:HELD_AT]->(pl:Place) "
    "RETURN a.id AS id, pl.lat AS lat, pl.lon AS lon, a.age_min AS age_min, "
    f"a.age_max AS age_max, {_ACCESS_COLUMNS}"
)


def _who_can_come(r: dict[str, Any]) -> dict[str, Any]:
    """An activity row's age range (open when unset) and its venue's access features."""
    return {
        "age_min": r["age_min"] if r["age_min"] is not None else 0,
        "age_max": r["age_max"] if r["age_max"] is not None else 120,
        "access": frozenset(need for need in ACCESS_NEEDS if r.get(need)),
    }


def _activity_row(r: dict[str, Any]) -> ActivityRow:
    return ActivityRow(r["id"], r["lat"], r["lon"], **_who_can_come(r))


def _answers(q: dict[str, Any]) -> lsns.Lsns6:
    return lsns.from_answers([q[item] for item in lsns.ITEMS], date=q["date"])


def write_results(
    store: GraphStore, results: Results, run_id: str, analysed_at: str,
    progress: Progress | None = None, batch_size: int = WRITE_BATCH,
) -> int:
    """Write every person's and area's results in batched statements; returns rows written."""
    rows = list(results.person_rows(analysed_at, run_id))
    written = 0
    for start in range(0, len(rows), batch_size):
        batch = rows[start:start + batch_size]
        written += store.run_write(
            "UNWIND $rows AS r MATCH (p:Person {id: r.id}) SET p += r RETURN count(p) AS n",
            rows=batch,
        )[0]["n"]
        if progress:
            progress("write", min(start + batch_size, len(rows)), len(rows))
    area_rows = [
        {"id": row["id"], "figures": json.dumps(row, sort_keys=True),
         "analysed_at": analysed_at, "analysis_run": run_id}
        for row in results.areas
    ]
    if area_rows:
        # the last run's figures are kept beside the new ones: pages show what changed
        store.run_write(
            "UNWIND $rows AS r MATCH (a:Area {id: r.id}) "
            "SET a.previous_figures = CASE WHEN a.analysis_run IS NULL "
            "OR a.analysis_run = r.analysis_run THEN a.previous_figures ELSE a.figures END "
            "SET a += r RETURN count(a) AS n",
            rows=area_rows,
        )
    return written


def record_run(store: GraphStore, run: dict[str, Any]) -> dict:
    """Write an :class:`AnalysisRun` node."""
    record = validate(AnalysisRun, run)
    return NodeRepository(AnalysisRun).create(store, record.model_dump(exclude_none=True))


def latest_run(store: GraphStore) -> dict | None:
    rows = store.run_read(
        "MATCH (r:AnalysisRun) WHERE r.finished_at IS NOT NULL "
        "RETURN properties(r) AS r ORDER BY r.started_at DESC LIMIT 1"
    )
    return rows[0]["r"] if rows else None


def area_figures(store: GraphStore, level: str, previous: bool = False,
                 within: str | None = None) -> list[dict]:
    """The stored (already suppressed) figures of every area at ``level`` (``within``: only
    those inside the area with that id, or that area itself), by name; with ``previous``,
    each row also carries the last run's figures as ``"previous"`` (or None)."""
    inside = ("MATCH (a:Area {level: $level})-[:PART_OF*0..4]->(:Area {id: $within}) "
              if within else "MATCH (a:Area {level: $level}) ")
    rows = store.run_read(
        inside + "WITH DISTINCT a WHERE a.figures IS NOT NULL "
        "RETURN a.figures AS figures, a.previous_figures AS previous, a.name_cy AS name_cy "
        "ORDER BY a.name, a.id",
        level=level, within=within,
    )
    # the Welsh name is the area's, not the run's: read with it
    if not previous:
        return [{**json.loads(row["figures"]), "name_cy": row["name_cy"]} for row in rows]
    return [{**json.loads(row["figures"]), "name_cy": row["name_cy"],
             "previous": json.loads(row["previous"]) if row["previous"] else None}
            for row in rows]


# ---------------------------------------------------------------------------
# one person's neighbourhood


@dataclass
class Neighbourhood:
    """What an assessment of one person needs, read around them."""

    person: dict[str, Any]
    ties: list[Tie]
    names: dict[str, str]
    carers: dict[str, float]               # carer id -> hours a week
    cared_for: dict[str, float]            # cared-for id -> hours this person gives
    links: set[frozenset[str]]             # pairs of circle members who know each other
    participation: int
    questionnaire: lsns.Lsns6 | None
    what_matters: bool                     # a "what matters" conversation is recorded
    reach_m: float | None
    nearest_activity_m: float | None
    fragile_circles_hanging_on: list[str] = field(default_factory=list)


def neighbourhood(store: GraphStore, person_id: str, year: int) -> Neighbourhood:
    """Read one person's ties, carers, the ties among their circle and what is near home."""
    person = people.repo.get(store, person_id)
    tie_rows = store.run_read(
        "MATCH (p:Person {id: $id})-[k:KNOWS]->(o:Person) "
        "RETURN o.id AS other, o.name AS name, k.relation AS relation, k.circle AS circle, "
        "k.strength AS strength, k.contact AS contact",
        id=person_id,
    )
    care_rows = store.run_read(
        "MATCH (p:Person {id: $id}) "
        "OPTIONAL MATCH (c:Person)-[r:CARES_FOR]->(p) "
        "WITH p, collect({id: c.id, name: c.name, hours: r.hours_per_week}) AS carers "
        "OPTIONAL MATCH (p)-[g:CARES_FOR]->(o:Person) "
        "RETURN carers, collect({id: o.id, name: o.name, hours: g.hours_per_week}) AS given",
        id=person_id,
    )[0]
    carers = {c["id"]: c["hours"] or 0.0 for c in care_rows["carers"] if c["id"]}
    given = {c["id"]: c["hours"] or 0.0 for c in care_rows["given"] if c["id"]}
    names = {r["other"]: r["name"] for r in tie_rows}
    names.update({c["id"]: c["name"] for c in care_rows["carers"] + care_rows["given"]
                  if c["id"]})
    members = sorted({r["other"] for r in tie_rows if r["circle"] < 4} | set(carers))
    links = {
        frozenset((r["a"], r["b"])) for r in store.run_read(
            "MATCH (a:Person)-[k:KNOWS|CARES_FOR]->(b:Person) "
            "WHERE a.id IN $ids AND b.id IN $ids AND coalesce(k.circle, 1) < 4 "
            "RETURN a.id AS a, b.id AS b",
            ids=members,
        )
    } if len(members) > 1 else set()
    participation = store.run_read(
        "MATCH (p:Person {id: $id}) OPTIONAL MATCH (p)-[r:MEMBER_OF|ATTENDS]->() "
        "RETURN count(r) AS n", id=person_id,
    )[0]["n"]
    answered = store.run_read(
        "MATCH (q:Lsns6Response {person_id: $id}) RETURN properties(q) AS q "
        "ORDER BY q.date DESC, q.created_at DESC LIMIT 1", id=person_id,
    )
    what_matters = bool(store.run_read(
        "MATCH (w:WhatMatters {person_id: $id}) RETURN w.id AS id LIMIT 1", id=person_id))
    hanging = [
        r["id"] for r in store.run_read(
            "MATCH (p:Person {id: $id})-[:KNOWS|CARES_FOR]-(o:Person) "
            "WHERE o.fragile_circle = true AND o.key_person_id = $id "
            "RETURN DISTINCT o.id AS id ORDER BY id", id=person_id,
        )
    ]
    reach_m, nearest = None, None
    if person.get("lat") is not None:
        reach_m = small_area_reach(store, person.get("area"))
        age = year - person["birth_year"] if person.get("birth_year") else None
        needs = set(person.get("access_needs") or ())

        def suitable(options: list[dict]) -> list[dict]:
            return [o for o in options
                    if can_take_part(age, needs, o["age_min"], o["age_max"], o["access"])]

        options = activities_near(store, person["lat"], person["lon"],
                                  reach_m * NEAREST_SEARCH_REACHES, until=suitable,
                                  limit=10_000, want=None)
        nearest = min((o["distance_m"] for o in suitable(options)), default=None)
    return Neighbourhood(
        person=person,
        ties=[Tie(r["other"], r["relation"], r["circle"], r["strength"], r["contact"])
              for r in tie_rows],
        names=names, carers=carers, cared_for=given, links=links,
        participation=participation,
        questionnaire=_answers(answered[0]["q"]) if answered else None,
        what_matters=what_matters, reach_m=reach_m, nearest_activity_m=nearest,
        fragile_circles_hanging_on=hanging,
    )


def small_area_reach(store: GraphStore, area_id: str | None) -> float:
    """Metres within reach for people living in ``area_id`` (urban walk or rural ride)."""
    if not area_id:
        return RURAL_REACH_M
    rows = store.run_read(
        "MATCH (a:Area {id: $id}) RETURN a.population AS population, a.geometry AS geometry",
        id=area_id,
    )
    return reach_for_area(rows[0]["population"], rows[0]["geometry"]) if rows else RURAL_REACH_M


def activities_near(
    store: GraphStore, lat: float, lon: float, radius_m: float,
    until: Callable[[list[dict]], Any] = lambda found: len(found) >= ENOUGH_ACTIVITIES,
    limit: int = MOST_ACTIVITIES,
    want: int | None = ENOUGH_ACTIVITIES,
) -> list[dict]:
    """The nearest ``limit`` activities (Place point index), ring by ring: those within the
    first ring where ``until(found)`` holds, or within ``radius_m``."""
    return _in_rings(radius_m, until, lambda radius: _counted([
        {**r, "distance_m": r["d"], **_who_can_come(r)}
        for r in store.run_read(
            "MATCH (pl:Place) "
            "WHERE @distance(pl.location, point({latitude: $lat, longitude: $lon})) <= $radius "
            "WITH pl, @distance(pl.location, point({latitude: $lat, longitude: $lon})) AS d "
            "MATCH (a:Activity)-[:HELD_AT]->(pl) "
            "OPTIONAL MATCH (a)-[:RUN_BY]->(g:Group) "
            "RETURN a.id AS id, a.name AS name, a.name_cy AS name_cy, a.weekday AS weekday, "
            "a.start AS start, "
            "a.categories AS categories, a.welsh_language AS welsh, a.cost_pence AS cost, "
            "a.age_min AS age_min, a.age_max AS age_max, pl.name AS place, d, "
            "g.id AS group_id, g.name AS group_name, g.name_cy AS group_name_cy, "
            f"{_ACCESS_COLUMNS} "
            "ORDER BY d, id LIMIT $limit",
            lat=lat, lon=lon, radius=radius, limit=limit,
        )
    ]), want=want)


def _counted(rows: list[dict]) -> tuple[list[dict], int]:
    return rows, len(rows)


def _in_rings(
    furthest: float, until: Callable[[list[dict]], Any],
    read: Callable[[float], tuple[list[dict], int]],
    want: int | None = None, budget: int | None = None,
) -> list[dict]:
    """``read(radius) -> (found, scanned)`` for widening radii until ``until(found)``,
    ``furthest`` is reached or ``budget`` nodes have been looked at.

    With ``want``, the next radius is guessed from how many the last ring held (area grows
    with the square of the radius), so a sparse countryside takes two or three lookups
    rather than a dozen; without it each ring doubles the radius. ``budget`` caps the work
    in a dense town, where a wide ring would look at thousands of people.
    """
    radius, last = min(FIRST_RING_M, furthest), False
    while True:
        found, scanned = read(radius)
        if until(found) or last or radius >= furthest or (budget and scanned >= budget):
            return found
        grow = 2.0 if want is None else math.sqrt(want / len(found)) * 1.2 if found else 4.0
        grow = min(4.0, max(1.5, grow))
        if budget and scanned and math.sqrt(budget / scanned) <= grow:
            # the ring that should hold about ``budget`` is the last one
            grow, last = math.sqrt(budget / scanned), True
            if grow < 1.2:
                return found
        radius = min(furthest, radius * grow)


def _enough_people(found: list[dict]) -> bool:
    return len(found) >= ENOUGH_PEOPLE


def suggestion_reads(store: GraphStore, person_id: str) -> dict[str, Any]:
    """Everything suggestions for one person need: the person, their circle and memberships,
    people reachable through friends of friends and shared groups, volunteers whose travel
    radius reaches them, and people nearby with gifts or needs that match theirs."""
    rows = store.run_read(
        "MATCH (p:Person {id: $id}) "
        "OPTIONAL MATCH (p)-[:KNOWS|CARES_FOR]-(o:Person) "
        "WITH p, collect(DISTINCT o.id) AS circle "
        "OPTIONAL MATCH (p)-[:ATTENDS]->(a:Activity) "
        "WITH p, circle, collect(DISTINCT a.id) AS attends "
        "OPTIONAL MATCH (p)-[:MEMBER_OF]->(g:Group) "
        "WITH p, circle, attends, collect(DISTINCT g.id) AS groups "
        "OPTIONAL MATCH (area:Area {id: p.area}) "
        "RETURN properties(p) AS person, circle, attends, groups, "
        "area.population AS population, area.geometry AS geometry",
        id=person_id,
    )
    if not rows:
        raise NotFound("Person", person_id)
    around = rows[0]
    person = around.pop("person")
    around["reach_m"] = reach_for_area(around.pop("population"), around.pop("geometry"))
    via_friends = store.run_read(
        "MATCH (p:Person {id: $id})-[:KNOWS]-(z:Person) WITH DISTINCT p, z "
        "MATCH (z)-[:KNOWS]-(c:Person) WITH p, z, collect(DISTINCT c) AS around "
        "UNWIND around AS c WITH p, z, size(around) AS degree, c "
        "WHERE c.open_to_connect = true AND c.id <> $id "
        "RETURN z.id AS via, degree, collect(c.id) AS candidates",
        id=person_id,
    )
    via_groups = store.run_read(
        "MATCH (p:Person {id: $id})-[:MEMBER_OF|ATTENDS]->(g) WITH DISTINCT p, g "
        "MATCH (g)<-[:MEMBER_OF|ATTENDS]-(c:Person) WITH p, g, collect(DISTINCT c) AS members "
        "UNWIND members AS c WITH g, size(members) AS degree, c "
        "WHERE c.open_to_connect = true AND c.id <> $id "
        "RETURN g.id AS via, g.name AS name, degree, collect(c.id) AS candidates",
        id=person_id,
    )
    volunteers: list[dict] = []
    exchange: list[dict] = []
    if person.get("lat") is not None:
        here = {"lat": person["lat"], "lon": person["lon"]}
        volunteers = _in_rings(VOLUNTEER_SEARCH_M, _enough_people, lambda radius: _counted(
            store.run_read(
            "MATCH (v:Volunteer) "
            "WHERE @distance(v.location, point({latitude: $lat, longitude: $lon})) <= $radius "
            "WITH v, @distance(v.location, point({latitude: $lat, longitude: $lon})) AS d "
            "WHERE d <= coalesce(v.radius_km, 0) * 1000 AND v.open_to_connect = true "
            "WITH v, d ORDER BY d, v.id LIMIT $limit "
            "OPTIONAL MATCH (v)-[k:KNOWS {relation: 'volunteer'}]->(:Person) "
            f"RETURN v {CANDIDATE} AS v, count(k) AS load",
            radius=radius, limit=MOST_VOLUNTEERS, **here,
        )), want=ENOUGH_PEOPLE)
        needs = [normal_tag(n) for n in person.get("needs") or ()]
        gifts = [normal_tag(g) for g in person.get("gifts") or ()]
        wanted_gifts = sorted({g for n in needs for g in (n, *NEED_GIFTS.get(n, ()))})
        meetable = sorted({n for n, meeting in NEED_GIFTS.items() if set(meeting) & set(gifts)}
                          | set(gifts))
        if wanted_gifts or meetable:
            def exchange_ring(radius: float) -> tuple[list[dict], int]:
                row = store.run_read(
                    "MATCH (c:Person) "
                    "WHERE @distance(c.location, point({latitude: $lat, longitude: $lon})) "
                    "<= $radius AND c.open_to_connect = true AND c.id <> $id "
                    "WITH collect(c) AS near RETURN size(near) AS scanned, "
                    "[c IN near WHERE any(g IN c.gifts WHERE toLower(g) IN $gifts) "
                    f"OR any(n IN c.needs WHERE toLower(n) IN $needs) | c {CANDIDATE}] "
                    "AS matches",
                    radius=radius, id=person_id, gifts=wanted_gifts, needs=meetable, **here,
                )[0]
                return [{"c": c} for c in row["matches"]], row["scanned"]

            exchange = _in_rings(EXCHANGE_SEARCH_M, _enough_people, exchange_ring,
                                 want=ENOUGH_PEOPLE, budget=EXCHANGE_BUDGET)
    return {"person": person, **around, "via_friends": via_friends, "via_groups": via_groups,
            "volunteers": volunteers, "exchange": exchange}


def candidates(store: GraphStore, ids: list[str]) -> list[dict]:
    """What suggestions read about each of ``ids`` (people found through the neighbourhood)."""
    if not ids:
        return []
    return [r["c"] for r in store.run_read(
        f"MATCH (c:Person) WHERE c.id IN $ids RETURN c {CANDIDATE} AS c", ids=ids)]


def record_questionnaire(store: GraphStore, data: dict[str, Any]) -> dict:
    """Record an LSNS-6 questionnaire about a person (``data['person_id']``)."""
    return questionnaires.create(store, data, about=data.get("person_id"))



def activities_without_venue(store: GraphStore, lat: float, lon: float,
                             areas: list[str]) -> list[dict]:
    """Activities delivered without a venue (by phone, online, at home) offered at
    ``lat``/``lon`` (``areas``: the codes of the areas holding it), shaped as
    :func:`activities_near`'s rows: no distance to travel, and no venue whose access
    could stop anyone."""
    rows = store.run_read(
        "UNWIND $candidates AS candidate MATCH (a:Activity {id: candidate}) "
        f"WHERE {NO_VENUE} AND {OFFERED_HERE} "
        "OPTIONAL MATCH (a)-[:RUN_BY]->(g:Group) "
        "RETURN a.id AS id, a.name AS name, a.name_cy AS name_cy, a.weekday AS weekday, "
        "a.start AS start, a.categories AS categories, a.welsh_language AS welsh, "
        "a.cost_pence AS cost, a.age_min AS age_min, a.age_max AS age_max, null AS place, "
        "g.id AS group_id, g.name AS group_name, g.name_cy AS group_name_cy "
        "ORDER BY id LIMIT $limit", lat=lat, lon=lon, areas=areas, limit=MOST_ACTIVITIES,
        candidates=candidates_without_venue(store, areas))
    return [{**r, "distance_m": 0.0, **_who_can_come(r), "access": frozenset(ACCESS_NEEDS)}
            for r in rows]
