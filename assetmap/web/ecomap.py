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


@dataclass(frozen=True)
class Placed:
    person_id: str
    name: str
    circle: int
    relation: str
    key: bool
    x: float
    y: float
    #: where the name goes: outward from the dot, so names clear the centre and each other
    label_x: float
    label_y: float
    anchor: str  # SVG text-anchor: start (right half), end (left half), middle (top, bottom)


def layout(members: Iterable[dict], key_person: str | None = None,
           size: int = SIZE, ring: int = RING) -> list[Placed]:
    """Positions for ``members`` (dicts with person_id, name, circle, relation).

    Members of a circle are spread evenly around its band, leaving the top of the ring
    clear for the ring's name; circle 1's members sit towards its edge, clear of the
    centre's label. Each name is written outward from its dot.

    >>> [(p.name, round(p.x), round(p.y), p.anchor) for p in layout(
    ...     [{"person_id": "a", "name": "Ann", "circle": 1, "relation": "family"}])]
    [('Ann', 326, 366, 'middle')]
    """
    centre = size / 2
    by_circle: dict[int, list[dict]] = {}
    for member in members:
        by_circle.setdefault(int(member["circle"]), []).append(member)
    placed = []
    for circle, group in sorted(by_circle.items()):
        radius = (circle - 0.5) * ring if circle > 1 else 0.62 * ring
        # everywhere but the top of the ring, where the ring's own name is written; each
        # ring nudged a little so names on neighbouring rings do not line up
        spread = 2 * math.pi - 2 * TOP_KEPT_CLEAR
        nudge = 0.12 * (-1) ** circle
        for i, member in enumerate(sorted(group, key=lambda m: m["name"])):
            angle = -math.pi / 2 + TOP_KEPT_CLEAR + spread * (i + 0.5) / len(group) + nudge
            dx, dy = math.cos(angle), math.sin(angle)
            x, y = centre + radius * dx, centre + radius * dy
            # beside the dot on the left and right; above or below it at the top and bottom
            anchor = "middle" if abs(dx) < 0.35 else ("start" if dx > 0 else "end")
            label_x = x + (LABEL_GAP * dx if anchor != "middle" else 0)
            label_y = y + (7 if anchor != "middle" else (24 if dy > 0 else -LABEL_GAP))
            placed.append(Placed(
                member["person_id"], member["name"], circle, member.get("relation", ""),
                member["person_id"] == key_person, x, y, label_x, label_y, anchor))
    return placed


def short(name: str, most: int = 12) -> str:
    """A name short enough for the drawing (the table has it in full): the first name and
    the initial of the last.

    >>> short("Mark Hughes"), short("Siân"), short("Bartholomew-Jones Price")
    ('Mark H.', 'Siân', 'Bartholomew…')
    """
    words = name.split()
    shown = f"{words[0]} {words[-1][0]}." if len(words) > 1 else name
    return shown if len(shown) <= most else shown[: most - 1] + "…"
