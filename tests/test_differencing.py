"""Small-number protection across levels that do not nest (issue 19): wards overlap small
and middle areas, so subtracting the published figures of the areas wholly inside a ward
from the ward's must not reveal 1 to 4 people, at any level, for any figure."""

from __future__ import annotations

import random
from itertools import pairwise

from assetmap.analysis.hotspots import (
    MEASURES,
    MIN_COUNT,
    AreaNode,
    PersonFlags,
    overlaps,
    suppress,
    tally,
)


def _flags(areas: dict[str, AreaNode], rng: random.Random, people: list[tuple[str, str]]
           ) -> list[PersonFlags]:
    return [PersonFlags(area, rng.random() < 0.3, rng.random() < 0.2, rng.random() < 0.1,
                        rng.random() < 0.05, ward=ward) for area, ward in people]


def test_a_ward_whose_small_areas_leave_three_people_is_withheld() -> None:
    areas = {"la": AreaNode("la", "local_authority"),
             "w1": AreaNode("w1", "ward", parent="la"), "w2": AreaNode("w2", "ward", parent="la"),
             "s1": AreaNode("s1", "small_area", parent="la"),
             "s2": AreaNode("s2", "small_area", parent="la")}
    people = ([PersonFlags("s1", False, False, ward="w1")] * 10
              + [PersonFlags("s2", False, False, ward="w2")] * 7
              + [PersonFlags("s2", False, False, ward="w1")] * 3)
    counts = tally(areas, people)
    assert (counts["w1"]["people"], counts["s1"]["people"]) == (13, 10)
    assert suppress(areas, counts)["w1"]["people"] == 13, "without rule 5: 13 - 10 = 3"
    shown = suppress(areas, counts, overlaps(areas, people))
    assert shown["w1"]["people"] is None
    assert shown["s2"]["people"] is None, "s2 minus w2 (wholly inside it) is 3 too"
    assert shown["la"]["people"] == 20
    assert _unsafe_differences(areas, people, shown) == []


def _unsafe_differences(areas: dict[str, AreaNode], people: list[PersonFlags],
                        shown: dict[str, dict]) -> list[tuple]:
    """Every (area, measure) whose shown figure minus the shown figures of the other-level
    areas wholly inside it (by who lives where) is 1 to 4."""
    members: dict[str, set[int]] = {}
    for i, person in enumerate(people):
        for start in (person.area, person.ward):
            area_id = start
            while area_id in areas:
                members.setdefault(area_id, set()).add(i)
                area_id = areas[area_id].parent
    non_nesting = {("ward", "small_area"), ("ward", "middle_area"), ("small_area", "ward"),
                   ("middle_area", "ward")}
    unsafe = []
    for outer, inside in members.items():
        parts = [a for a, m in members.items() if a != outer and m and m <= inside
                 and (areas[outer].level, areas[a].level) in non_nesting]
        for measure in MEASURES:
            values = [shown[a][measure] for a in [outer, *parts]]
            if parts and None not in values and 0 < values[0] - sum(values[1:]) < MIN_COUNT:
                unsafe.append((outer, measure, values[0] - sum(values[1:])))
    return unsafe


def test_no_published_figure_gives_a_small_one_away_by_difference() -> None:
    """A random county: 4 middle areas of 3 small areas each, 6 wards cutting across
    them; 20 communities of people. Checked: no difference of shown figures is 1-4."""
    for seed in range(20):
        rng = random.Random(seed)
        areas = {"la": AreaNode("la", "local_authority")}
        for m in range(4):
            areas[f"m{m}"] = AreaNode(f"m{m}", "middle_area", parent="la")
            for s in range(3):
                areas[f"s{m}{s}"] = AreaNode(f"s{m}{s}", "small_area", parent=f"m{m}")
        wards = [f"w{w}" for w in range(6)]
        for ward in wards:
            areas[ward] = AreaNode(ward, "ward", parent="la")
        small = sorted(a for a in areas if a.startswith("s"))
        # each ward takes two neighbouring small areas, and spills into a third
        homes = []
        for ward, (first, second) in zip(wards, pairwise(small + small[:1]), strict=False):
            homes += [(first, ward)] * rng.randint(5, 25) + [(second, ward)] * rng.randint(0, 6)
        people = _flags(areas, rng, homes)
        shown = suppress(areas, tally(areas, people), overlaps(areas, people))
        assert _unsafe_differences(areas, people, shown) == [], seed


def test_access_per_1000_never_gives_a_withheld_count_away() -> None:
    """Without a known population, access per 1,000 is worked out from the people
    recorded: it is then withheld whenever their count is (the areas CSV showed both
    activities within reach and the rate, so the count could be worked back)."""
    from assetmap.analysis.hotspots import hotspot_table
    areas = {"la": AreaNode("la", "local_authority"),
             "s1": AreaNode("s1", "small_area", parent="la"),
             "s2": AreaNode("s2", "small_area", parent="la", population=1500),
             "s3": AreaNode("s3", "small_area", parent="la")}
    people = ([PersonFlags("s1", False, False)] * 3 + [PersonFlags("s2", False, False)] * 3
              + [PersonFlags("s3", False, False)] * 9)
    rows = {row["id"]: row for row in hotspot_table(
        areas, tally(areas, people), {a: (7, 8000.0) for a in areas})}
    assert rows["s1"]["people"] is None and rows["s1"]["access_per_1000"] is None
    assert rows["s2"]["people"] is None and rows["s2"]["access_per_1000"] == 4.7, (
        "a public population: the rate says nothing of who is recorded")
    assert rows["s1"]["population"] == 0
    empty = {row["id"]: row for row in hotspot_table(
        {"x": AreaNode("x", "ward")}, {"x": dict.fromkeys(MEASURES, 0)}, {})}
    assert empty["x"]["people"] == 0, "nobody recorded: a zero, shown"
