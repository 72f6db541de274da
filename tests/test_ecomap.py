"""The ecomap's layout: every name legible, none over another, none off the drawing,
however crowded a circle is."""

from __future__ import annotations

import itertools

import pytest

from assetmap.web import ecomap

NAMES = ["Siân Jones", "Bartholomew-Jones Price", "Dr Evans", "Mair Llewellyn",
         "Gwenllian Prytherch", "Ann", "Iolo Morgannwg", "Rhodri ap Hywel", "Sarah Lewis",
         "Sarah Lloyd", "Tomos Williams", "Eluned Morgan"]


def _members(per_circle: dict[int, int]) -> list[dict]:
    names = itertools.cycle(NAMES)
    return [{"person_id": f"p-{circle}-{i}", "name": f"{next(names)} {i}",
             "circle": circle, "relation": "friend"}
            for circle, count in per_circle.items() for i in range(count)]


def _box(p: ecomap.Placed) -> tuple[float, float, float, float]:
    width = len(ecomap.label_text(p.name, p.key)) * ecomap.CHAR_WIDTH
    left = {"start": p.label_x, "end": p.label_x - width}.get(p.anchor, p.label_x - width / 2)
    return left, p.label_y - ecomap.FONT, left + width, p.label_y


@pytest.mark.parametrize("per_circle", [
    {1: 1}, {1: 6, 2: 2}, {1: 3, 2: 8, 3: 6, 4: 10}, {1: 6, 2: 10, 3: 10, 4: 12}])
def test_names_neither_overlap_nor_leave_the_drawing(per_circle: dict[int, int]) -> None:
    members = _members(per_circle)
    placed = ecomap.layout(members, key_person=members[0]["person_id"],
                           centre_name="Megan Jones")
    assert len(placed) == len(members)
    boxes = [_box(p) for p in placed]
    for left, top, right, bottom in boxes:
        assert left >= 0 and right <= ecomap.SIZE and top >= 0 and bottom <= ecomap.SIZE
    for (a, b) in itertools.combinations(boxes, 2):
        apart = a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] + 1 or b[3] <= a[1] + 1
        assert apart, (a, b)
    half = len(ecomap.short("Megan Jones")) * ecomap.CHAR_WIDTH * ecomap.CENTRE_FONT \
        / ecomap.FONT / 2
    centre = ecomap.SIZE / 2
    for left, top, right, bottom in boxes:  # clear of the centre's name
        assert right <= centre - half or left >= centre + half \
            or bottom <= centre + 8 - ecomap.CENTRE_FONT or top >= centre + 8, (
                left, top, right, bottom)


def test_a_moved_name_is_joined_to_its_dot() -> None:
    placed = ecomap.layout(_members({1: 8, 2: 12}), centre_name="Megan Jones")
    assert any(p.led for p in placed), "a crowded circle moves some names"
    for p in placed:
        if not p.led:
            assert abs(p.label_y - p.y) <= 24 + 1


def test_names_keep_off_dots_when_there_is_room() -> None:
    """A circle of 26 (the demo's largest): no name covers anyone's dot."""
    placed = ecomap.layout(_members({1: 3, 2: 6, 3: 8, 4: 9}), centre_name="Megan Jones")
    for p in placed:
        left, top, right, bottom = _box(p)
        for dot in placed:
            apart = (right <= dot.x - 6 or left >= dot.x + 6 or bottom <= dot.y - 6
                     or top >= dot.y + 6)
            assert apart, (p.name, dot.name)


@pytest.mark.parametrize("inner", [1, 2, 5, 8])
def test_no_one_in_circle_1_lies_under_the_centres_name(inner: int) -> None:
    placed = ecomap.layout(_members({1: inner, 2: 4}), centre_name="Angharad Cadwaladr")
    centre = ecomap.SIZE / 2
    half = len(ecomap.short("Angharad Cadwaladr")) * ecomap.CHAR_WIDTH * ecomap.CENTRE_FONT \
        / ecomap.FONT / 2
    for p in placed:
        if p.circle == 1:
            under = (abs(p.x - centre) < half + 6
                     and centre + 8 - ecomap.CENTRE_FONT - 6 < p.y < centre + 8 + 6)
            assert not under, (p.name, p.x, p.y)
