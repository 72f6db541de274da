"""The whole-community analysis on a snapshot: every person, every carer, every area.

:func:`analyse` is pure: the graph layer reads a :class:`Snapshot`, this computes, and the
graph layer writes the results back. Stages are timed so a run can report where time went.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.spatial import cKDTree

from assetmap.analysis import lsns6 as lsns
from assetmap.analysis.circles import Fragility, Tie, fragility, natural_support
from assetmap.analysis.community import structure
from assetmap.analysis.geo import chord_to_metres, metres_to_chord, polygon_area_km2, unit_vectors
from assetmap.analysis.hotspots import (
    RURAL_REACH_M,
    AreaNode,
    PersonFlags,
    hotspot_table,
    reach_for_density,
    tally,
)
from assetmap.analysis.isolation import Assessment, CarerRisk, assess, carer_risk

__all__ = ["ActivityRow", "PersonRow", "Results", "Snapshot", "analyse", "PARAMETERS"]

ADULT_AGE = 65  # area access counts activities open to a 65-year-old
NEAREST_CANDIDATES = 8

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class PersonRow:
    id: str
    lat: float | None = None
    lon: float | None = None
    lives_alone: bool | None = None
    birth_year: int | None = None
    area: str | None = None
    access_needs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ActivityRow:
    id: str
    lat: float
    lon: float
    age_min: int = 0
    age_max: int = 120
    access: frozenset[str] = frozenset()


@dataclass
class Snapshot:
    """Plain data read from the graph: everything the analysis needs, nothing else."""

    people: list[PersonRow]
    #: (source id, target id, relation, circle, strength, contact) per KNOWS tie
    knows: Iterable[tuple[Any, ...]]
    #: (carer id, cared-for id, hours per week) per CARES_FOR
    cares_for: list[tuple[str, str, float]] = field(default_factory=list)
    #: person id -> groups joined plus activities attended
    participation: dict[str, int] = field(default_factory=dict)
    activities: list[ActivityRow] = field(default_factory=list)
    areas: list[AreaNode] = field(default_factory=list)
    geometries: dict[str, str] = field(default_factory=dict)
    questionnaires: dict[str, lsns.Lsns6] = field(default_factory=dict)
    year: int = 2026


@dataclass
class Results:
    assessments: dict[str, Assessment]
    carers: dict[str, CarerRisk]
    areas: list[dict]
    structure: dict
    community: dict[str, tuple[int, float, bool]]  # person id -> (community, bridging, connector)
    durations: dict[str, float]

    def counts(self) -> dict[str, int]:
        return {
            "people": len(self.assessments),
            "at_risk": sum(a.isolation_risk for a in self.assessments.values()),
            "fragile": sum(a.fragility.fragile for a in self.assessments.values()),
            "carers": len(self.carers),
            "carers_at_risk": sum(c.at_risk for c in self.carers.values()),
            "questionnaires": sum(
                a.lsns6.source == "questionnaire" for a in self.assessments.values()
            ),
        }

    def person_rows(self, analysed_at: str, run_id: str) -> Iterable[dict]:
        """The properties written back onto each Person (``model.ANALYSIS_FIELDS``)."""
        for person_id, a in self.assessments.items():
            community, bridging, _ = self.community.get(person_id, (-1, 0.0, False))
            carer = self.carers.get(person_id)
            yield {
                "id": person_id,
                "lsns6": a.lsns6.total,
                "lsns6_family": a.lsns6.family,
                "lsns6_friends": a.lsns6.friends,
                "lsns6_items": list(a.lsns6.items),
                "lsns6_source": a.lsns6.source,
                "isolation_risk": a.isolation_risk,
                "risk_reasons": a.codes,
                "fragile_circle": a.fragility.fragile,
                "key_person_id": a.fragility.key_person,
                "support_lost": round(a.fragility.lost_share, 3),
                "nearest_activity_m": (
                    None if a.nearest_activity_m is None else round(a.nearest_activity_m)
                ),
                "cut_off": a.cut_off,
                "bridging": round(bridging, 3),
                "community": community,
                "carer_hours": carer.hours if carer else None,
                "carer_risk": carer.level if carer else None,
                "carer_reasons": [r.code for r in carer.reasons] if carer else None,
                "analysed_at": analysed_at,
                "analysis_run": run_id,
            }


PARAMETERS = {
    "lsns6_at_risk_below": lsns.AT_RISK_BELOW,
    "fragile_share": round(2 / 3, 3),
    "carer_hours_bands": [20, 50],
    "urban_reach_m": 1600,
    "rural_reach_m": int(RURAL_REACH_M),
    "urban_density_per_km2": 400,
    "suppress_below": 5,
}


def analyse(snapshot: Snapshot, progress: Progress | None = None) -> Results:
    """Assess every person and carer, and every area, from one snapshot.

    Returns :class:`Results`; ``progress(stage, done, total)`` is called as stages end.
    """
    durations: dict[str, float] = {}
    stages = ("ties", "reach", "structure", "people", "carers", "areas")

    def timed(stage: str, started: float) -> None:
        durations[stage] = round(time.perf_counter() - started, 3)
        if progress:
            progress(stage, stages.index(stage) + 1, len(stages))

    started = time.perf_counter()
    people = snapshot.people
    index = {person.id: i for i, person in enumerate(people)}
    ties_of: dict[str, list[Tie]] = {person.id: [] for person in people}
    linked_to: dict[str, set[str]] = {person.id: set() for person in people}
    natural_pairs: list[tuple[int, int]] = []
    for source, target, relation, circle, strength, contact in snapshot.knows:
        if source not in ties_of or target not in index:
            continue
        ties_of[source].append(Tie(target, relation, int(circle), int(strength), contact))
        if int(circle) < 4:
            linked_to[source].add(target)
            linked_to[target].add(source)
            natural_pairs.append((index[source], index[target]))
    carers_of: dict[str, list[str]] = {}
    cared_for_by: dict[str, list[str]] = {}
    hours_of: dict[str, float] = {}
    for carer, cared_for, hours in snapshot.cares_for:
        if carer in index and cared_for in index:
            carers_of.setdefault(cared_for, []).append(carer)
            cared_for_by.setdefault(carer, []).append(cared_for)
            hours_of[carer] = hours_of.get(carer, 0.0) + float(hours or 0)
            linked_to[carer].add(cared_for)
            linked_to[cared_for].add(carer)
            natural_pairs.append((index[carer], index[cared_for]))
    timed("ties", started)

    started = time.perf_counter()
    areas = {area.id: area for area in snapshot.areas}
    reach_of_area = _area_reach(areas, snapshot.geometries)
    nearest = _nearest_suitable(people, snapshot.activities, snapshot.year)
    timed("reach", started)

    started = time.perf_counter()
    ward_of = _ward_index(people, areas)
    shape = structure(len(people), np.asarray(natural_pairs, dtype=np.int64).reshape(-1, 2),
                      wards=ward_of)
    timed("structure", started)

    started = time.perf_counter()
    assessments: dict[str, Assessment] = {}
    for i, person in enumerate(people):
        ties = ties_of[person.id]
        carers = carers_of.get(person.id, ())
        weights, close = natural_support(ties, carers)
        neighbours = linked_to
        frag = fragility(weights, close, lambda a, b, n=neighbours: b in n[a])
        assessments[person.id] = assess(
            person.id, ties, frag,
            carers=carers,
            lives_alone=person.lives_alone,
            participation=snapshot.participation.get(person.id, 0),
            nearest_activity_m=nearest[i],
            reach_m=reach_of_area.get(person.area or "", RURAL_REACH_M)
            if person.lat is not None else None,
            questionnaire=snapshot.questionnaires.get(person.id),
            cut_off=bool(shape.cut_off[i]),
        )
    timed("people", started)

    started = time.perf_counter()
    key_person_for: dict[str, dict[str, Fragility]] = {}
    for person_id, a in assessments.items():
        if a.fragility.fragile and a.fragility.key_person:
            key_person_for.setdefault(a.fragility.key_person, {})[person_id] = a.fragility
    carers_risk = {
        carer: carer_risk(hours, assessments[carer], ties_of[carer],
                          set(cared_for_by.get(carer, ())), key_person_for.get(carer))
        for carer, hours in hours_of.items()
    }
    timed("carers", started)

    started = time.perf_counter()
    flags = (
        PersonFlags(
            person.area or "", assessments[person.id].isolation_risk,
            assessments[person.id].fragility.fragile,
            person.id in carers_risk,
            person.id in carers_risk and carers_risk[person.id].at_risk,
        )
        for person in people
    )
    counts = tally(areas, flags)
    access = _area_access(areas, people, snapshot.activities, reach_of_area)
    area_rows = hotspot_table(areas, counts, access)
    timed("areas", started)

    community = {
        person.id: (int(shape.community[i]), float(shape.bridging[i]), bool(shape.connector[i]))
        for i, person in enumerate(people)
    }
    return Results(assessments, carers_risk, area_rows, shape.summary, community, durations)


# ---------------------------------------------------------------------------
# geography


def _nearest_suitable(
    people: list[PersonRow], activities: list[ActivityRow], year: int
) -> list[float | None]:
    """Metres to the nearest activity each person could go to (age, access needs)."""
    nearest: list[float | None] = [None] * len(people)
    by_needs: dict[tuple[str, ...], list[int]] = {}
    for i, person in enumerate(people):
        if person.lat is not None and person.lon is not None:
            by_needs.setdefault(tuple(sorted(person.access_needs)), []).append(i)
    for needs, members in by_needs.items():
        usable = [a for a in activities if set(needs) <= a.access]
        if not usable:
            continue
        tree = cKDTree(unit_vectors(np.array([a.lat for a in usable]),
                                     np.array([a.lon for a in usable])))
        points = unit_vectors(np.array([people[i].lat for i in members], dtype=float),
                               np.array([people[i].lon for i in members], dtype=float))
        k = min(NEAREST_CANDIDATES, len(usable))
        chords, found = tree.query(points, k=k)
        chords, found = chords.reshape(len(members), k), found.reshape(len(members), k)
        metres = chord_to_metres(chords)
        for row, i in enumerate(members):
            birth = people[i].birth_year
            age = year - birth if birth else None
            for column in range(k):
                activity = usable[found[row, column]]
                if age is None or activity.age_min <= age <= activity.age_max:
                    nearest[i] = float(metres[row, column])
                    break
            else:  # none of the nearest few suits: look at every usable one
                fits = [j for j, a in enumerate(usable)
                        if age is None or a.age_min <= age <= a.age_max]
                if fits:
                    chords_all = np.linalg.norm(
                        tree.data[fits] - points[row], axis=1)
                    nearest[i] = float(chord_to_metres(chords_all.min()))
    return nearest


def _area_reach(areas: dict[str, AreaNode], geometries: dict[str, str]) -> dict[str, float]:
    """Reach in metres for each small area, by its residents per km²."""
    reach = {}
    for area in areas.values():
        if area.level != "small_area":
            continue
        km2 = polygon_area_km2(geometries.get(area.id))
        density = area.population / km2 if km2 > 0 else 0.0
        reach[area.id] = reach_for_density(density)
    return reach


def _area_access(
    areas: dict[str, AreaNode],
    people: list[PersonRow],
    activities: list[ActivityRow],
    reach_of_area: dict[str, float],
) -> dict[str, tuple[int, float]]:
    """Activities open to adults within reach of each area's residents' centre.

    A small area's centre is the mean position of the people recorded there; a larger
    area counts every activity within reach of any of its small areas.
    """
    open_to_adults = [a for a in activities if a.age_min <= ADULT_AGE <= a.age_max]
    if not open_to_adults:
        return {}
    tree = cKDTree(unit_vectors(np.array([a.lat for a in open_to_adults]),
                                 np.array([a.lon for a in open_to_adults])))
    positions: dict[str, list[tuple[float, float]]] = {}
    for person in people:
        if person.area in reach_of_area and person.lat is not None:
            positions.setdefault(person.area, []).append((person.lat, person.lon))
    reachable: dict[str, set[int]] = {}
    reach_used: dict[str, float] = {}
    for area_id, points in positions.items():
        lat, lon = np.mean(points, axis=0)
        centre = unit_vectors(np.array([lat]), np.array([lon]))[0]
        reach = reach_of_area[area_id]
        found = set(tree.query_ball_point(centre, metres_to_chord(reach)))
        seen: set[str] = set()
        area_id_up: str | None = area_id
        while area_id_up in areas and area_id_up not in seen:
            seen.add(area_id_up)
            reachable.setdefault(area_id_up, set()).update(found)
            reach_used[area_id_up] = max(reach_used.get(area_id_up, 0.0), reach)
            area_id_up = areas[area_id_up].parent
    return {a: (len(found), reach_used[a]) for a, found in reachable.items()}


def _ward_index(people: list[PersonRow], areas: dict[str, AreaNode]) -> list[int]:
    wards: dict[str, int] = {}
    result = []
    for person in people:
        area = areas.get(person.area or "")
        ward = area.parent if area and area.level == "small_area" else None
        result.append(wards.setdefault(ward, len(wards)) if ward else -1)
    return result
