"""The whole-community analysis on a snapshot: every person, every carer, every area.

:func:`analyse` is pure: the graph layer reads a :class:`Snapshot`, this computes, and the
graph layer writes the results back. Stages are timed so a run can report where time went.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from assetmap.analysis import lsns6 as lsns
from assetmap.analysis.circles import (
    AT_LEAST_MONTHLY,
    CIRCLE_WEIGHT,
    FRAGILE_SHARE,
    NOT_FRAGILE,
    Fragility,
    Tie,
    contact_weight,
    fragility,
    natural_support,
)
from assetmap.analysis.community import structure
from assetmap.analysis.geo import chord_to_metres, metres_to_chord, unit_vectors
from assetmap.analysis.hotspots import (
    NEAREST_SEARCH_REACHES,
    RURAL_REACH_M,
    AreaNode,
    PersonFlags,
    hotspot_table,
    overlaps,
    reach_for_area,
    tally,
)
from assetmap.analysis.isolation import Assessment, CarerRisk, assess, carer_risk
from assetmap.analysis.parameters import PARAMETERS
from assetmap.analysis.suggestions import can_take_part
from assetmap.model import CIRCLES, CONTACTS, RELATIONS

__all__ = ["ActivityRow", "PersonRow", "Results", "Snapshot", "analyse"]

ADULT_AGE = PARAMETERS.access_age  # area access counts activities open to this age
NEAREST_CANDIDATES = PARAMETERS.nearest_candidates

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
    ward: str | None = None
    #: a "what matters" conversation with them is recorded
    what_matters: bool = False
    #: speaks Welsh, or None when no language is recorded
    welsh: bool | None = None


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
    #: the year ages are counted in (the caller's clock: the analysis reads none)
    year: int = 0

    def __post_init__(self) -> None:
        if self.year < 1900:
            raise ValueError("a snapshot needs the year ages are counted in")


@dataclass
class Results:
    assessments: dict[str, Assessment]
    carers: dict[str, CarerRisk]
    areas: list[dict]
    structure: dict
    community: dict[str, tuple[int, float, bool]]  # person id -> (community, bridging, connector)
    durations: dict[str, float]
    #: people in no area loaded (no home point, or outside every boundary)
    outside_areas: int = 0
    #: figure -> (count, base) of the community's own shares (:func:`recorded_shares`)
    shares: dict[str, tuple] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {
            "people": len(self.assessments),
            "assessed": sum(a.assessed for a in self.assessments.values()),
            "not_assessed": sum(not a.assessed for a in self.assessments.values()),
            "at_risk": sum(bool(a.isolation_risk) for a in self.assessments.values()),
            "fragile": sum(a.fragility.fragile for a in self.assessments.values()),
            "carers": len(self.carers),
            "carers_at_risk": sum(c.at_risk for c in self.carers.values()),
            "questionnaires": sum(
                a.lsns6.source == "questionnaire" for a in self.assessments.values()
            ),
            "outside_areas": self.outside_areas,
        }

    def person_rows(self, analysed_at: str, run_id: str) -> Iterable[dict]:
        """The properties written back onto each Person (``model.ANALYSIS_FIELDS``)."""
        for person_id, a in self.assessments.items():
            community, bridging, _ = self.community.get(person_id, (-1, 0.0, False))
            carer = self.carers.get(person_id)
            score = a.lsns6 if a.assessed else None  # not assessed: no score is stored
            yield {
                "id": person_id,
                "lsns6": score.total if score else None,
                "lsns6_family": score.family if score else None,
                "lsns6_friends": score.friends if score else None,
                "lsns6_items": list(score.items) if score else None,
                "lsns6_source": score.source if score else None,
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




def analyse(snapshot: Snapshot, progress: Progress | None = None) -> Results:
    """Assess every person and carer, and every area, from one snapshot.

    The LSNS-6 proxy and the fragility bound are counted for all ties at once with numpy,
    using the same rules as the per-person functions (:func:`lsns6.item_answers`,
    :func:`circles.fragility`); only people whose circle might hang on one person, and
    people with carers, go through the per-person code. A test checks that both paths
    give the same results for every person.

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
    ties = _TieTable(people, snapshot.knows, snapshot.cares_for)
    timed("ties", started)

    started = time.perf_counter()
    areas = {area.id: area for area in snapshot.areas}
    reach_of_area = _area_reach(areas, snapshot.geometries)
    nearest = _nearest_suitable(people, snapshot.activities, snapshot.year)
    timed("reach", started)

    started = time.perf_counter()
    shape = structure(len(people), ties.natural_pairs, wards=_ward_index(people, areas))
    timed("structure", started)

    started = time.perf_counter()
    assessments: dict[str, Assessment] = {}
    counts = ties.lsns6_counts().tolist()
    ceilings = ties.lsns6_counts(unrecorded_as_yes=True).tolist() if ties.unrecorded.any() else []
    unrecorded = ties.unrecorded.tolist()
    natural, paid = ties.members.tolist(), ties.paid.tolist()
    for i, person in enumerate(people):
        if i in ties.exact:
            person_ties, carers = ties.of(i), ties.carers_of.get(i, [])
            weights, close = natural_support(person_ties, carers)
            frag = fragility(weights, close, ties.linked)
            score = lsns.proxy(person_ties, carers)
            members = len(weights)
        else:
            frag, members = ties.quick_fragility(i), natural[i]
            score = lsns.from_counts(counts[i], ceilings[i] if unrecorded[i] else None)
        reach = reach_of_area.get(person.area or "", RURAL_REACH_M)
        found = nearest[i]
        if found is not None and found > reach * NEAREST_SEARCH_REACHES:
            found = None  # as far as the per-person search looks: beyond it, not known
        assessments[person.id] = assess(
            person.id, snapshot.questionnaires.get(person.id, score), frag,
            natural_members=members,
            paid_members=paid[i],
            lives_alone=person.lives_alone,
            participation=snapshot.participation.get(person.id, 0),
            nearest_activity_m=found,
            reach_m=reach if person.lat is not None else None,
            cut_off=bool(shape.cut_off[i]),
            age=snapshot.year - person.birth_year if person.birth_year else None,
            what_matters=person.what_matters,
        )
    timed("people", started)

    started = time.perf_counter()
    key_person_for: dict[str, dict[str, Fragility]] = {}
    for person_id, a in assessments.items():
        if a.fragility.fragile and a.fragility.key_person:
            key_person_for.setdefault(a.fragility.key_person, {})[person_id] = a.fragility
    carers_risk = {}
    for carer, cared_for in ties.cared_for_by.items():
        carer_id = people[carer].id
        carers_risk[carer_id] = carer_risk(
            ties.hours_of[carer], assessments[carer_id], ties.of(carer),
            {people[c].id for c in cared_for}, key_person_for.get(carer_id),
        )
    timed("carers", started)

    started = time.perf_counter()
    flags = [
        PersonFlags(
            person.area or "", bool(assessments[person.id].isolation_risk),
            assessments[person.id].fragility.fragile,
            person.id in carers_risk,
            person.id in carers_risk and carers_risk[person.id].at_risk,
            ward=person.ward, assessed=assessments[person.id].assessed,
        )
        for person in people
    ]
    tallies = tally(areas, flags)
    access = _area_access(areas, people, snapshot.activities, reach_of_area)
    area_rows = hotspot_table(areas, tallies, access, overlaps(areas, flags))
    timed("areas", started)

    community = {
        person.id: (int(shape.community[i]), float(shape.bridging[i]), bool(shape.connector[i]))
        for i, person in enumerate(people)
    }
    outside = sum(1 for person in people if person.area not in areas
                  and person.ward not in areas)
    shares = recorded_shares(people, snapshot.cares_for, assessments, snapshot.year)
    return Results(assessments, carers_risk, area_rows, shape.summary, community, durations,
                   outside, shares)


def recorded_shares(people: list[PersonRow], cares_for: list[tuple[str, str, float]],
                    assessments: Mapping[str, Assessment], year: int) -> dict[str, tuple]:
    """The community's own (count, base) for each figure in :mod:`assetmap.published`,
    each over the people for whom it is recorded (unknown is left out, never counted as no).

    >>> rows = [PersonRow("a", birth_year=1950, lives_alone=True, welsh=True),
    ...         PersonRow("b", birth_year=2000, lives_alone=False), PersonRow("c")]
    >>> shares = recorded_shares(rows, [("b", "a", 55.0)], {}, 2026)
    >>> shares["living_alone"], shares["welsh_speakers"]
    ((1, 2), (1, 1))
    >>> shares["unpaid_carers"], shares["carers_50_hours_plus"]
    ((1, 2), (1, 2))
    """
    ages = {p.id: year - p.birth_year for p in people if p.birth_year}
    hours: dict[str, float] = {}
    for carer, _, given in cares_for:
        hours[carer] = hours.get(carer, 0.0) + float(given or 0)
    five_plus = [pid for pid, age in ages.items() if age >= 5]
    assessed = [a for a in assessments.values() if a.assessed]
    return {
        "living_alone": (sum(bool(p.lives_alone) for p in people),
                         sum(p.lives_alone is not None for p in people)),
        "unpaid_carers": (sum(pid in hours for pid in five_plus), len(five_plus)),
        "carers_50_hours_plus": (
            sum(hours.get(pid, 0.0) >= PARAMETERS.carer_heavy_hours for pid in five_plus),
            len(five_plus)),
        "welsh_speakers": (sum(bool(p.welsh) for p in people if ages.get(p.id, 3) >= 3),
                           sum(p.welsh is not None for p in people if ages.get(p.id, 3) >= 3)),
        "at_risk_of_isolation": (sum(bool(a.isolation_risk) for a in assessed), len(assessed)),
    }


#: a tie's integer codes are positions in the model's own lists (reordering the model
#: cannot change a score); what was not recorded has a code of its own
_STRENGTH_NOT_KNOWN = lsns.NOT_RECORDED_STRENGTH
_CONTACT_NOT_KNOWN = len(CONTACTS)


class _TieTable:
    """Every KNOWS tie as numpy columns, sorted by the person whose view it is."""

    def __init__(
        self, people: list[PersonRow], knows: Iterable[tuple[Any, ...]],
        cares_for: list[tuple[str, str, float]],
    ) -> None:
        self.ids = [person.id for person in people]
        index = {pid: i for i, pid in enumerate(self.ids)}
        self.n = n = len(people)
        rows = list(knows)
        columns = list(zip(*rows, strict=True)) if rows else [()] * 6
        m = len(rows)
        relation_code = {name: code for code, name in enumerate(RELATIONS)}
        contact_code = {name: code for code, name in enumerate(CONTACTS)}
        other, paid = relation_code["other"], PARAMETERS.paid_circle
        source = np.fromiter((index.get(x, -1) for x in columns[0]), np.int64, m)
        target = np.fromiter((index.get(x, -1) for x in columns[1]), np.int64, m)
        relation = np.fromiter((relation_code.get(x, other) for x in columns[2]), np.int8, m)
        circle = np.fromiter((x or paid for x in columns[3]), np.int8, m)
        strength = np.fromiter((x or _STRENGTH_NOT_KNOWN for x in columns[4]), np.int8, m)
        contact = np.fromiter((contact_code.get(x, _CONTACT_NOT_KNOWN) for x in columns[5]),
                              np.int8, m)
        keep = (source >= 0) & (target >= 0)
        order = np.argsort(source[keep], kind="stable")
        self.source, self.target = source[keep][order], target[keep][order]
        self.relation, self.circle = relation[keep][order], circle[keep][order]
        self.strength, self.contact = strength[keep][order], contact[keep][order]
        self.offsets = np.searchsorted(self.source, np.arange(n + 1))

        self.natural = lsns.counts_as_support(self.circle,
                                              self.relation == relation_code["professional"])
        self.monthly = np.isin(self.contact, [contact_code[c] for c in sorted(AT_LEAST_MONTHLY)])
        self.contact_unknown = self.contact == _CONTACT_NOT_KNOWN
        circle_weight = np.array([CIRCLE_WEIGHT.get(c, 0.0) for c in range(max(CIRCLES) + 1)])
        self.weight = np.where(
            self.natural,
            circle_weight[np.minimum(self.circle, max(CIRCLES))]
            * np.array([contact_weight(c) for c in (*CONTACTS, None)])[self.contact],
            0.0,
        )
        #: natural ties with how often or how close not recorded, per person
        self.unrecorded = np.bincount(self.source[self.natural & (
            self.contact_unknown | (self.strength == _STRENGTH_NOT_KNOWN))], minlength=n)
        src = self.source[self.natural]
        self.members = np.bincount(src, minlength=n)
        self.paid = np.bincount(self.source[self.circle == PARAMETERS.paid_circle], minlength=n)
        self.total = np.bincount(src, self.weight[self.natural], minlength=n)
        self.heaviest = np.zeros(n)
        np.maximum.at(self.heaviest, src, self.weight[self.natural])
        close = self.natural & (self.circle <= PARAMETERS.close_circles_up_to) & (
            self.monthly | self.contact_unknown)
        self.not_close = self.total - np.bincount(self.source[close], self.weight[close],
                                                  minlength=n)

        self.carers_of: dict[int, list[str]] = {}
        self.cared_for_by: dict[int, list[int]] = {}
        self.hours_of: dict[int, float] = {}
        care_pairs = []
        for carer_id, cared_id, hours in cares_for:
            carer, cared = index.get(carer_id), index.get(cared_id)
            if carer is None or cared is None:
                continue
            self.carers_of.setdefault(cared, []).append(carer_id)
            self.cared_for_by.setdefault(carer, []).append(cared)
            self.hours_of[carer] = self.hours_of.get(carer, 0.0) + float(hours or 0)
            care_pairs.append((carer, cared))
        care = np.asarray(care_pairs, dtype=np.int64).reshape(-1, 2)
        natural_ties = np.column_stack((self.source[self.natural], self.target[self.natural]))
        #: every pair joined by a natural tie or by care (either way round, repeats kept)
        self.natural_pairs = np.concatenate([natural_ties, care]) if len(care) else natural_ties
        pairs = self.natural_pairs
        self._linked = set((pairs[:, 0] * n + pairs[:, 1]).tolist())
        self._index = index
        # whom the quick bound cannot clear: fragility is worked out person by person
        may_hang = (self.members >= 2) & (
            self.heaviest + self.not_close > FRAGILE_SHARE * self.total + 1e-9)
        self.exact = set(np.flatnonzero(may_hang).tolist()) | set(self.carers_of)

    def linked(self, a: str, b: str) -> bool:
        i, j = self._index[a], self._index[b]
        return i * self.n + j in self._linked or j * self.n + i in self._linked

    def of(self, i: int) -> list[Tie]:
        span = slice(self.offsets[i], self.offsets[i + 1])
        return [
            Tie(self.ids[t], RELATIONS[r], c, s or None,
                CONTACTS[k] if k != _CONTACT_NOT_KNOWN else None)
            for t, r, c, s, k in zip(
                self.target[span].tolist(), self.relation[span].tolist(),
                self.circle[span].tolist(), self.strength[span].tolist(),
                self.contact[span].tolist(), strict=True)
        ]

    def lsns6_counts(self, unrecorded_as_yes: bool = False) -> np.ndarray:
        """The six LSNS-6 counts of every person (carers are added person by person), with
        unrecorded contact and closeness read as no (the proxy) or as yes (its ceiling)."""
        family = self.relation <= 1
        strength, monthly = self.strength, self.monthly
        if unrecorded_as_yes:
            strength = np.where(strength == _STRENGTH_NOT_KNOWN, lsns.CLOSEST_STRENGTH,
                                strength)
            monthly = monthly | self.contact_unknown
        answers = lsns.item_answers(self.circle, strength, monthly)
        counts = np.zeros((self.n, 6), dtype=np.int64)
        for side, on_side in ((0, family), (3, ~family)):
            for offset, counted in enumerate(answers):
                mask = self.natural & on_side & counted
                counts[:, side + offset] = np.bincount(self.source[mask], minlength=self.n)
        return counts

    def quick_fragility(self, i: int) -> Fragility:
        """Fragility of someone the bound cleared: none, one member, or not fragile."""
        members = int(self.members[i])
        if members == 0:
            return NOT_FRAGILE
        if members == 1:
            span = slice(self.offsets[i], self.offsets[i + 1])
            only = self.target[span][self.natural[span]][0]
            return Fragility(True, self.ids[only], 1.0, 1)
        return Fragility(False, None, float(self.heaviest[i] / self.total[i]), members)


# ---------------------------------------------------------------------------
# geography


def _tree(points: np.ndarray) -> Any:
    """A k-d tree of ``points``; scipy.spatial is loaded here, not when the module is (it
    takes most of a second, which every CLI command would otherwise pay)."""
    from scipy.spatial import cKDTree

    return cKDTree(points)


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
        tree = _tree(unit_vectors(np.array([a.lat for a in usable]),
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
                if can_take_part(age, needs, activity.age_min, activity.age_max, activity.access):
                    nearest[i] = float(metres[row, column])
                    break
            else:  # none of the nearest few suits: look at every usable one
                fits = [j for j, a in enumerate(usable)
                        if can_take_part(age, needs, a.age_min, a.age_max, a.access)]
                if fits:
                    chords_all = np.linalg.norm(
                        tree.data[fits] - points[row], axis=1)
                    nearest[i] = float(chord_to_metres(chords_all.min()))
    return nearest


def _area_reach(areas: dict[str, AreaNode], geometries: dict[str, str]) -> dict[str, float]:
    """Reach in metres for each small area, by its residents per km²."""
    return {
        area.id: reach_for_area(area.population, geometries.get(area.id))
        for area in areas.values() if area.level == "small_area"
    }


def _area_access(
    areas: dict[str, AreaNode],
    people: list[PersonRow],
    activities: list[ActivityRow],
    reach_of_area: dict[str, float],
) -> dict[str, tuple[int, float]]:
    """Activities open to adults within reach of each area's residents' centre.

    A small area's centre is the mean position of the people recorded there; a larger
    area counts every activity within reach of any of its small areas, and a ward every
    activity within reach of the small areas its residents live in.
    """
    open_to_adults = [a for a in activities if a.age_min <= ADULT_AGE <= a.age_max]
    if not open_to_adults:
        return {}
    tree = _tree(unit_vectors(np.array([a.lat for a in open_to_adults]),
                                 np.array([a.lon for a in open_to_adults])))
    positions: dict[str, list[tuple[float, float]]] = {}
    wards_of: dict[str, set[str]] = {}
    for person in people:
        if person.area in reach_of_area and person.lat is not None:
            positions.setdefault(person.area, []).append((person.lat, person.lon))
            if person.ward:
                wards_of.setdefault(person.area, set()).add(person.ward)
    reachable: dict[str, set[int]] = {}
    reach_used: dict[str, float] = {}
    for area_id, points in positions.items():
        lat, lon = np.mean(points, axis=0)
        centre = unit_vectors(np.array([lat]), np.array([lon]))[0]
        reach = reach_of_area[area_id]
        found = set(tree.query_ball_point(centre, metres_to_chord(reach)))
        seen: set[str] = set()
        for area_id_up in (area_id, *sorted(wards_of.get(area_id, ()))):
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
        ward = person.ward or (area.parent if area and area.level == "small_area" else None)
        result.append(wards.setdefault(ward, len(wards)) if ward else -1)
    return result
