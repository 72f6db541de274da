"""Hotspots and asset deserts per area, with small-number suppression.

Counts per area (small area, ward, local authority, health board): people recorded,
people at risk of isolation (LSNS-6 below 12), people with a fragile circle, carers, and
carers at risk of breakdown; rates; **asset access** (activities open to adults within
reach, per 1,000 residents) and the **asset desert** flag.

Reach
    Urban small areas (400+ residents per km²) use 1.6 km, a 20-minute walk at 4.8 km/h.
    Rural ones use 8 km: in rural Powys hardly any activity is within walking distance, and
    the Welsh Index of Multiple Deprivation measures access there by travel time by
    car, bus or community transport; 8 km is about 15 minutes by car or community
    transport on rural roads.

Asset desert
    An area whose isolation-risk rate is above the rate for all areas of its level together
    **and** whose asset access is in the lowest quarter of the areas of its level.

Suppression (:func:`suppress`)
    1. Any count from 1 to 4 is withheld, and so is any count whose complement (the
       denominator minus the count) is below 5 - "all but 2 are at risk" identifies people
       just as well. An area with nobody recorded shows its zeros: they name no one.
    2. A numerator is withheld when its denominator is.
    3. Within every parent area, a withheld child figure must not be recoverable by
       subtraction from the parent's and its siblings' at its level (a county's wards,
       and its middle areas, each add up to the county): if only one child is withheld,
       or the withheld children add up to less than 5, more children are withheld
       (smallest first), or else the parent's figure;
       a withheld parent whose children are all shown has its smallest child withheld.
    4. A rate, and the desert flag, are withheld when any figure they come from is.
    5. Levels that do not nest (wards, and small or middle areas) must not give a small
       figure away by difference: where the people of some areas of one level all live
       inside an area of the other, the area's figure minus theirs counts the people of
       the rest of it; if that is 1 to 4 and all of them are shown, the area's is
       withheld (geographic differencing, :func:`overlaps` gives who lives in both).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from assetmap.analysis.geo import polygon_area_km2
from assetmap.analysis.parameters import PARAMETERS
from assetmap.model import AREA_LEVELS

__all__ = [
    "MEASURES",
    "MIN_COUNT",
    "RURAL_REACH_M",
    "URBAN_DENSITY",
    "URBAN_REACH_M",
    "AreaNode",
    "PersonFlags",
    "hotspot_table",
    "overlaps",
    "reach_for_area",
    "reach_for_density",
    "suppress",
    "suppress_totals",
    "tally",
]

MIN_COUNT = PARAMETERS.suppress_below
#: how many times the reach a home's nearest suitable activity is looked for: one further
#: away is "not known" (the per-person and the batch paths both stop there)
NEAREST_SEARCH_REACHES = PARAMETERS.nearest_search_reaches
URBAN_REACH_M = PARAMETERS.urban_reach_m
RURAL_REACH_M = PARAMETERS.rural_reach_m
URBAN_DENSITY = PARAMETERS.urban_density_per_km2  # residents per km²
LEVELS = AREA_LEVELS

#: measure -> its denominator (None: the people recorded are the base)
MEASURES: dict[str, str | None] = {
    "people": None,
    #: people whose isolation could be assessed: the base of the at-risk rate
    "assessed": "people",
    "at_risk": "assessed",
    "fragile": "people",
    "carers": "people",
    "carers_at_risk": "carers",
}
#: counts that say what was recorded about people, not how they are: withheld when small,
#: but "all of them" is no disclosure (everyone in an area assessed names nobody's state)
RECORD_COUNTS = frozenset({"assessed"})
RATES = {"at_risk_rate": "at_risk", "fragile_rate": "fragile",
         "carers_at_risk_rate": "carers_at_risk"}


@dataclass(frozen=True)
class AreaNode:
    id: str
    level: str
    name: str = ""
    parent: str | None = None
    population: int = 0


@dataclass(frozen=True)
class PersonFlags:
    area: str
    at_risk: bool
    fragile: bool
    carer: bool = False
    carer_at_risk: bool = False
    #: the person's ward, which is not inside their small area's chain
    ward: str | None = None
    #: their isolation could be assessed (``at_risk`` means nothing otherwise)
    assessed: bool = True

    def counted(self) -> dict[str, bool]:
        """Which of :data:`MEASURES` this person counts in."""
        return {"people": True, "assessed": self.assessed,
                "at_risk": self.assessed and self.at_risk, "fragile": self.fragile,
                "carers": self.carer, "carers_at_risk": self.carer_at_risk}


@dataclass
class _Figures:
    counts: dict[str, int] = field(default_factory=dict)
    withheld: set[str] = field(default_factory=set)


#: figures measured from small areas: not assessed where none are loaded
ACCESS_MEASURES = ("activities_within_reach", "reach_km", "access_per_1000", "asset_desert")


#: what access per 1,000 residents and the desert flag also need: the area's population
PER_RESIDENT_MEASURES = ("access_per_1000", "asset_desert")


def not_assessed(row: Mapping, measure: str) -> str | None:
    """Why ``measure`` of a :func:`hotspot_table` row could not be assessed, or None:
    ``"small_areas"`` (access is measured from small areas holding people recorded, and
    the area has none) or ``"population"`` (per resident, and its population is not known).
    An area with nobody recorded is not "not assessed": there is nobody to assess.

    >>> row = {"people": 3, "access_missing": "population"}
    >>> not_assessed(row, "asset_desert"), not_assessed(row, "reach_km")
    ('population', None)
    """
    missing = row.get("access_missing")
    if row.get("people") == 0 or missing is None:
        return None
    if missing == "small_areas" and measure in ACCESS_MEASURES:
        return missing
    return missing if measure in PER_RESIDENT_MEASURES else None


def reach_for_density(residents_per_km2: float) -> float:
    """Metres counted as within reach: a walk in town, a short ride in the country.

    >>> reach_for_density(2500), reach_for_density(30)
    (1600.0, 8000.0)
    """
    return URBAN_REACH_M if residents_per_km2 >= URBAN_DENSITY else RURAL_REACH_M


def reach_for_area(population: int | None, geometry: str | Mapping | None) -> float:
    """Reach for a small area from its residents and boundary (rural when unknown).

    >>> reach_for_area(2000, {"type": "Polygon", "coordinates": [[[0, 52], [0.01, 52],
    ...     [0.01, 52.01], [0, 52.01], [0, 52]]]})
    1600.0
    """
    km2 = polygon_area_km2(geometry)
    return reach_for_density((population or 0) / km2) if km2 > 0 else RURAL_REACH_M


def tally(areas: Mapping[str, AreaNode], people: Iterable[PersonFlags]) -> dict[str, dict]:
    """Counts of :data:`MEASURES` per area, each person counted in their area and above.

    >>> areas = {"w": AreaNode("w", "ward"), "s": AreaNode("s", "small_area", parent="w")}
    >>> tally(areas, [PersonFlags("s", True, False)])["w"]["at_risk"]
    1
    """
    counts = {area_id: dict.fromkeys(MEASURES, 0) for area_id in areas}
    for person in people:
        flags = person.counted()
        seen: set[str] = set()  # a ward's authority is their small area's: counted once
        for area_id in (person.area, person.ward):
            while area_id in areas and area_id not in seen:
                seen.add(area_id)
                row = counts[area_id]
                for measure, flag in flags.items():
                    row[measure] += int(flag)
                area_id = areas[area_id].parent
    return counts


def overlaps(areas: Mapping[str, AreaNode], people: Iterable[PersonFlags]
             ) -> dict[tuple[str, str], dict[str, int]]:
    """Counts of :data:`MEASURES` for the people in both a ward and a small or middle area
    (levels that do not nest), by (ward, other area).

    >>> areas = {"w": AreaNode("w", "ward"), "s": AreaNode("s", "small_area")}
    >>> overlaps(areas, [PersonFlags("s", True, False, ward="w")])[("w", "s")]["people"]
    1
    """
    joint: dict[tuple[str, str], dict[str, int]] = {}
    for person in people:
        if person.ward not in areas:
            continue
        flags = person.counted()
        area_id: str | None = person.area
        seen: set[str] = set()
        while area_id in areas and area_id not in seen:
            seen.add(area_id)
            if areas[area_id].level in ("small_area", "middle_area"):
                row = joint.setdefault((person.ward, area_id), dict.fromkeys(MEASURES, 0))
                for measure, flag in flags.items():
                    row[measure] += int(flag)
            area_id = areas[area_id].parent
    return joint


def suppress(
    areas: Mapping[str, AreaNode], counts: Mapping[str, Mapping[str, int]],
    joint: Mapping[tuple[str, str], Mapping[str, int]] | None = None,
) -> dict[str, dict[str, int | None]]:
    """The counts with every disclosive figure replaced by ``None`` (rules 1-5 above;
    ``joint`` from :func:`overlaps` for rule 5).

    >>> areas = {"w": AreaNode("w", "ward"),
    ...          "a": AreaNode("a", "small_area", parent="w"),
    ...          "b": AreaNode("b", "small_area", parent="w")}
    >>> counts = {"w": {"people": 40, "assessed": 40, "at_risk": 12},
    ...           "a": {"people": 20, "assessed": 20, "at_risk": 3},
    ...           "b": {"people": 20, "assessed": 20, "at_risk": 9}}
    >>> [suppress(areas, counts)[a]["at_risk"] for a in "wab"]
    [12, None, None]
    """
    figures = {a: _Figures(dict(counts[a])) for a in areas}
    for fig in figures.values():
        if not fig.counts.get("people"):
            continue  # nobody recorded there: a zero names no one, and is shown as such
        for measure, base in MEASURES.items():
            value = fig.counts.get(measure, 0)
            complement = (fig.counts.get(base, 0) - value if base and measure not in RECORD_COUNTS
                          else MIN_COUNT)
            if value < MIN_COUNT or complement < MIN_COUNT:
                fig.withheld.add(measure)
    children: dict[tuple[str, str], list[str]] = {}  # the wards, the MSOAs of a county...
    for area in areas.values():
        if area.parent in areas:
            children.setdefault((area.parent, area.level), []).append(area.id)
    families = [(parent, sorted(kids)) for (parent, _), kids in sorted(children.items())]
    inside = _inside(joint or {}, counts)  # ties go by id, not load order
    changed = True
    while changed:
        changed = False
        for fig in figures.values():
            for measure, base in MEASURES.items():
                if base and base in fig.withheld and measure not in fig.withheld:
                    fig.withheld.add(measure)
                    changed = True
        for parent, kids in families:
            for measure in MEASURES:
                changed |= _protect_siblings(figures[parent], [figures[k] for k in kids], measure)
        changed |= _protect_differences(figures, inside)
    return {
        area_id: {m: (None if m in fig.withheld else fig.counts.get(m, 0)) for m in MEASURES}
        for area_id, fig in figures.items()
    }


def suppress_totals(counts: Mapping[str, int]) -> dict[str, int | None]:
    """Whole-community counts with rules 1-2 applied; other counts withheld below 5.

    For run summaries: a community of 40 should not learn that 2 people are cut off.

    >>> suppress_totals({"people": 40, "at_risk": 37, "fragile": 6, "connectors": 3})
    {'people': 40, 'at_risk': None, 'fragile': 6, 'connectors': None}
    """
    area = {"all": AreaNode("all", "total")}
    measured = {m: counts[m] for m in MEASURES if m in counts}
    shown = suppress(area, {"all": measured})["all"]
    return {
        key: (shown[key] if key in MEASURES else None if value < MIN_COUNT else value)
        for key, value in counts.items()
    }


def _inside(joint: Mapping[tuple[str, str], Mapping[str, int]],
            counts: Mapping[str, Mapping[str, int]]) -> dict[str, list[str]]:
    """For each area, the areas of a level that does not nest with it whose people all
    live inside it (a ward's small areas, a middle area's wards...), by id."""
    inside: dict[str, list[str]] = {}
    for (ward, other), row in sorted(joint.items()):
        people = row.get("people", 0)
        if people and people == counts.get(other, {}).get("people"):
            inside.setdefault(ward, []).append(other)
        if people and people == counts.get(ward, {}).get("people"):
            inside.setdefault(other, []).append(ward)
    return inside


def _protect_differences(figures: Mapping[str, _Figures], inside: dict[str, list[str]]) -> bool:
    """Rule 5: withhold an area's figure when it minus the figures of the areas wholly
    inside it (of a level that does not nest with it) leaves 1 to 4, all of them shown."""
    changed = False
    for area_id, parts in inside.items():
        if area_id not in figures or not all(p in figures for p in parts):
            continue
        outer = figures[area_id]
        for measure in MEASURES:
            if measure in outer.withheld or any(measure in figures[p].withheld for p in parts):
                continue
            rest = outer.counts.get(measure, 0) - sum(figures[p].counts.get(measure, 0)
                                                      for p in parts)
            if 0 < rest < MIN_COUNT:
                outer.withheld.add(measure)
                changed = True
    return changed


def _protect_siblings(parent: _Figures, kids: list[_Figures], measure: str) -> bool:
    """Withhold more figures until no withheld one can be found by subtraction."""
    changed = False
    while True:
        hidden = [k for k in kids if measure in k.withheld]
        shown = sorted((k for k in kids if measure not in k.withheld),
                       key=lambda k: k.counts.get(measure, 0))
        if measure in parent.withheld:
            if hidden or not shown:
                return changed
        else:
            hidden_total = sum(k.counts.get(measure, 0) for k in hidden)
            if not hidden or (len(hidden) >= 2 and hidden_total >= MIN_COUNT):
                return changed
            if not shown:
                parent.withheld.add(measure)
                return True
        shown[0].withheld.add(measure)
        changed = True


def hotspot_table(
    areas: Mapping[str, AreaNode],
    counts: Mapping[str, Mapping[str, int]],
    access: Mapping[str, tuple[int, float]],
    joint: Mapping[tuple[str, str], Mapping[str, int]] | None = None,
) -> list[dict]:
    """One row per area: suppressed counts and rates, asset access and the desert flag.

    ``access`` maps area id -> (activities within reach, reach in metres), for areas with
    small areas holding people recorded (access is measured from them); per 1,000 residents
    needs the area's population. What cannot be measured is not assessed, never 0:
    ``access_missing`` says why (:func:`not_assessed`). ``joint``, who lives in both a ward
    and a small or middle area (:func:`overlaps`). Rates are percentages to one decimal
    place; ``None`` means withheld or not assessed.
    """
    shown = suppress(areas, counts, joint)
    rows = []
    for area_id, area in areas.items():
        row: dict = {"id": area_id, "name": area.name, "level": area.level,
                     "parent": area.parent, "population": area.population, **shown[area_id]}
        for rate, measure in RATES.items():
            base = MEASURES[measure]
            numerator, denominator = row[measure], row[base] if base else None
            row[rate] = (
                round(100 * numerator / denominator, 1)
                if numerator is not None and denominator else None
            )
        reachable, reach_m = access.get(area_id, (None, None))
        row["access_missing"] = ("small_areas" if reachable is None
                                 else None if area.population else "population")
        row["activities_within_reach"] = reachable
        row["reach_km"] = round(reach_m / 1000, 1) if reach_m is not None else None
        # per resident only: per person recorded would not compare with the areas that
        # have a population, and would be a figure from a count that may be withheld
        row["access_per_1000"] = (round(1000 * reachable / area.population, 1)
                                  if area.population and reachable is not None else None)
        rows.append(row)
    _flag_deserts(rows, counts)
    return rows


def _flag_deserts(rows: list[dict], counts: Mapping[str, Mapping[str, int]]) -> None:
    for level in LEVELS:
        at_level = [row for row in rows if row["level"] == level]
        people = sum(counts[row["id"]].get("people", 0) for row in at_level)
        at_risk = sum(counts[row["id"]].get("at_risk", 0) for row in at_level)
        overall = 100 * at_risk / people if people else 0.0
        access = sorted(row["access_per_1000"] for row in at_level
                        if row["access_per_1000"] is not None)
        low_quarter = access[max(0, math.ceil(len(access) / 4) - 1)] if access else None
        for row in at_level:
            if row["at_risk_rate"] is None or row["access_per_1000"] is None:
                row["asset_desert"] = None
            else:
                row["asset_desert"] = (
                    row["at_risk_rate"] > overall and row["access_per_1000"] <= low_quarter
                )
