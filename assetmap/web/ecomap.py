"""The ecomap: a person at the centre of four concentric circles of support.

Circle 1 intimacy, 2 friendship, 3 participation, 4 exchange (Forest, Pearpoint and
Snow). :func:`layout` places each member on their circle's ring; the template draws it as
SVG beside a table that says the same in words.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

SIZE = 640
RING = 75  # the width of each circle's band
LABEL_GAP = 12  # from a member's dot to the start of their name
TOP_KEPT_CLEAR = 0.45  # radians either side of the top of each ring, for the ring's name
# the names' size in the drawing's units (site.scss .ecomap .member text); at a phone's
# 358 px this is about 13 px on screen
FONT = 23
CHAR_WIDTH = 0.6 * FONT  # generous: a wide name must not be taken for a narrow one
LINE = 1.15 * FONT
CENTRE_FONT = 26
RING_FONT = 22
DOT_RADIUS = 10  # a key person's dot (9) and a little room


@dataclass(frozen=True)
class Placed:
    person_id: str
    name: str
    circle: int
    relation: str
    key: bool
    x: float
    y: float
    #: where the name goes: outward from the dot, then moved clear of every other name
    label_x: float
    label_y: float
    anchor: str  # SVG text-anchor: start (right half), end (left half), middle (top, bottom)
    #: the name was moved away from its dot, so a line joins them
    led: bool = False


@dataclass
class _Label:
    """A name's box (or a dot's), kept as its anchor point and width; y is the text's
    baseline, and the box reaches ``above`` it and ``below`` it."""
    x: float
    y: float
    width: float
    anchor: str
    natural_y: float
    above: float = FONT
    below: float = 0.25 * FONT

    @property
    def left(self) -> float:
        return {"start": self.x, "end": self.x - self.width}.get(
            self.anchor, self.x - self.width / 2)

    def overlap(self, other: _Label) -> bool:
        """Whether the two boxes meet (with a little room between them)."""
        if self.left >= other.left + other.width + 4 or other.left >= self.left + self.width + 4:
            return False
        return min(self.y + self.below, other.y + other.below) - max(
            self.y - self.above, other.y - other.above) > -2


def _dot(x: float, y: float, radius: float) -> _Label:
    """A member's dot as a box no name may cover."""
    return _Label(x, y, 2 * radius, "middle", y, above=radius, below=radius)


def _width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def label_text(name: str, key: bool) -> str:
    """The text drawn beside a member's dot: the short name, starred for the key person."""
    return short(name) + (" ★" if key else "")


def layout(members: Iterable[dict], key_person: str | None = None,
           size: int = SIZE, ring: int = RING, centre_name: str = "") -> list[Placed]:
    """Positions for ``members`` (dicts with person_id, name, circle, relation).

    Members of a circle are spread evenly around its band, leaving the top of the ring
    clear for the ring's name; circle 1's members sit towards its edge, clear of the
    centre's label. Each name is written outward from its dot (inward where outward would
    leave the drawing), then names that would overlap each other, the centre's name
    (``centre_name``) or the rings' names are moved apart up and down, with a line back to
    their dot.

    >>> [(p.name, round(p.x), round(p.y), p.anchor) for p in layout(
    ...     [{"person_id": "a", "name": "Ann", "circle": 1, "relation": "family"}])]
    [('Ann', 326, 366, 'middle')]
    """
    centre = size / 2
    by_circle: dict[int, list[dict]] = {}
    for member in members:
        by_circle.setdefault(int(member["circle"]), []).append(member)
    dots, labels = [], []
    for circle, group in sorted(by_circle.items()):
        radius = (circle - 0.5) * ring if circle > 1 else 0.62 * ring
        # everywhere but the top of the ring, where the ring's own name is written; each
        # ring nudged a little so names on neighbouring rings do not line up
        spread = 2 * math.pi - 2 * TOP_KEPT_CLEAR
        nudge = 0.12 * (-1) ** circle
        for i, member in enumerate(sorted(group, key=lambda m: m["name"])):
            angle = -math.pi / 2 + TOP_KEPT_CLEAR + spread * (i + 0.5) / len(group) + nudge
            if circle == 1:  # below and above the centre's name, never beside it
                angle = _inner_angle(i, len(group))
            dx, dy = math.cos(angle), math.sin(angle)
            x, y = centre + radius * dx, centre + radius * dy
            key = member["person_id"] == key_person
            width = _width(label_text(member["name"], key))
            # beside the dot on the left and right; above or below it at the top and bottom
            anchor = "middle" if abs(dx) < 0.35 else ("start" if dx > 0 else "end")
            if anchor == "start" and x + LABEL_GAP + width > size:
                anchor, dx = "end", -dx  # written inward rather than off the drawing
            elif anchor == "end" and x - LABEL_GAP - width < 0:
                anchor, dx = "start", -dx
            label_x = x + (LABEL_GAP * dx if anchor != "middle" else 0)
            label_y = y + (7 if anchor != "middle" else (24 if dy > 0 else -LABEL_GAP))
            if anchor == "middle":
                label_x = min(max(label_x, width / 2), size - width / 2)
            dots.append((member, circle, key, x, y))
            labels.append(_Label(label_x, label_y, width, anchor, label_y))
    fixed = [_Label(centre, centre + 8, _width(short(centre_name)) * CENTRE_FONT / FONT,
                    "middle", centre + 8, above=CENTRE_FONT)] if centre_name else []
    fixed += [_Label(centre, centre - level * ring + 14, 16 * CHAR_WIDTH * RING_FONT / FONT,
                     "middle", 0, above=RING_FONT)
              for level in range(1, 5)]  # the rings' names, at the top of each ring
    _move_apart(labels, fixed, size, [(x, y) for _member, _circle, _key, x, y in dots])
    return [Placed(member["person_id"], member["name"], circle, member.get("relation", ""),
                   key, x, y, label.x, label.y, label.anchor,
                   led=abs(label.y - label.natural_y) > LINE / 3)
            for (member, circle, key, x, y), label in zip(dots, labels, strict=True)]


#: circle 1's members sit in two arcs, below and above the centre, this wide each: beside
#: the centre their dots would lie under the centre's name
INNER_ARC = 0.6 * math.pi


def _inner_angle(i: int, count: int) -> float:
    """The angle of circle 1's ``i``-th of ``count`` members: the first, third... spread
    over the arc below the centre, the second, fourth... over the arc above it."""
    below = (count + 1) // 2
    arc_start, place, size = ((math.pi / 2, i // 2, below) if i % 2 == 0
                              else (-math.pi / 2, i // 2, count - below))
    return arc_start - INNER_ARC / 2 + INNER_ARC * (place + 0.5) / size


def _move_apart(labels: list[_Label], fixed: list[_Label], size: int,
                dots: list[tuple[float, float]]) -> None:
    """Places each name in turn at the height nearest its own where it overlaps no name
    placed before it and no fixed name (the centre's, the rings'), inside the drawing, and
    where it can, no dot either: on its own side of its dot, or else on the other side.
    Inner circles go first, so the closest people keep their names beside their dots."""
    names = list(fixed)
    obstacles = [_dot(x, y, DOT_RADIUS) for x, y in dots]
    for label, (dot_x, _dot_y) in zip(labels, dots, strict=True):
        sides = [(label.anchor, label.x)]
        if label.anchor != "middle":
            sides.append(("end" if label.anchor == "start" else "start", 2 * dot_x - label.x))
        else:
            sides += [("start", dot_x + LABEL_GAP), ("end", dot_x - LABEL_GAP)]
        for clear_of in (names + obstacles, names):  # dots too if it can, names always
            best = _nearest_free(label, sides, clear_of, size)
            if best is not None:
                label.anchor, label.x, label.y = best
                break
        names.append(label)


def _nearest_free(label: _Label, sides: list[tuple[str, float]], clear_of: list[_Label],
                  size: int) -> tuple[str, float, float] | None:
    """(anchor, x, y) of the place for ``label`` nearest its own height, on one of
    ``sides``, meeting none of ``clear_of``; None when there is none."""
    best: tuple[str, float, float] | None = None
    for anchor, x in sides:
        trial = _Label(x, label.natural_y, label.width, anchor, label.natural_y)
        if trial.left < 0 or trial.left + trial.width > size:
            continue
        for shift in sorted(range(-size, size + 1, 2), key=abs):
            if best is not None and abs(shift) >= abs(best[2] - label.natural_y):
                break
            trial.y = label.natural_y + shift
            if LINE <= trial.y <= size - 6 and not any(trial.overlap(o) for o in clear_of):
                best = (anchor, x, trial.y)
                break
    return best


def short(name: str, most: int = 12) -> str:
    """A name short enough for the drawing (the table has it in full): the first name and
    the initial of the last.

    >>> short("Mark Hughes"), short("Siân"), short("Bartholomew-Jones Price")
    ('Mark H.', 'Siân', 'Bartholomew…')
    """
    words = name.split()
    shown = f"{words[0]} {words[-1][0]}." if len(words) > 1 else name
    return shown if len(shown) <= most else shown[: most - 1] + "…"
