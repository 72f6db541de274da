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


@dataclass(frozen=True)
class Placed:
    person_id: str
    name: str
    circle: int
    relation: str
    key: bool
    x: float
    y: float


def layout(members: Iterable[dict], key_person: str | None = None,
           size: int = SIZE, ring: int = RING) -> list[Placed]:
    """Positions for ``members`` (dicts with person_id, name, circle, relation).

    Members of a circle are spread evenly around the middle of its band, each ring
    turned a little so names on neighbouring rings do not line up.

    >>> [(p.name, round(p.x), round(p.y)) for p in layout(
    ...     [{"person_id": "a", "name": "Ann", "circle": 1, "relation": "family"}])]
    [('Ann', 320, 282)]
    """
    centre = size / 2
    by_circle: dict[int, list[dict]] = {}
    for member in members:
        by_circle.setdefault(int(member["circle"]), []).append(member)
    placed = []
    for circle, group in sorted(by_circle.items()):
        radius = (circle - 0.5) * ring
        turn = (circle - 1) * 0.6
        for i, member in enumerate(sorted(group, key=lambda m: m["name"])):
            angle = turn + 2 * math.pi * i / len(group) - math.pi / 2
            placed.append(Placed(
                member["person_id"], member["name"], circle, member.get("relation", ""),
                member["person_id"] == key_person,
                centre + radius * math.cos(angle), centre + radius * math.sin(angle),
            ))
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
