"""Official area boundaries: reading them from GeoJSON, checking them, and placing points
in them.

Five levels (``assetmap.model.AREA_LEVELS``): small area (LSOA), middle area (MSOA), ward,
local authority and health board. Small areas nest in middle areas, middle areas and wards
in local authorities, local authorities in health boards; wards do not nest in small
areas. Every record with a point is placed in one area of each level loaded that contains
it (:class:`AreaIndex`); its ``area`` is the finest of them that is not a ward, its
``ward`` the ward.

The boundaries shipped in ``assetmap/data/boundaries/`` are ONS's (Open Government Licence
v3.0; attribution in that folder's README): Wales's 22 local authorities and 7 health
boards, and Powys's 79 LSOAs (2011), 19 MSOAs (2011) and 73 wards (2013). A council loads
its own, newer ones with ``assetmap areas import``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry
from shapely.validation import explain_validity

from assetmap.i18n import N_, Problem
from assetmap.model import AREA_LEVELS, InvalidRecord

#: the levels an area's parent may be at, the first loaded that contains it wins
PARENT_LEVELS: dict[str, tuple[str, ...]] = {
    "small_area": ("middle_area", "local_authority", "health_board"),
    "middle_area": ("local_authority", "health_board"),
    "ward": ("local_authority", "health_board"),
    "local_authority": ("health_board",),
    "health_board": (),
}
#: an area's ``area`` is the finest of these containing it; wards are a level apart
MAIN_LEVELS = tuple(level for level in AREA_LEVELS if level != "ward")
#: two areas of one file may share edges; an overlap above this share of the smaller is
#: refused (the shipped files' neighbours share edges exactly)
OVERLAP_SHARE = 0.001
#: the shipped files, by level
BUNDLED = {
    "health_board": "health_boards.geojson",
    "local_authority": "local_authorities.geojson",
    "middle_area": "powys_msoa_2011.geojson",
    "ward": "powys_wards_2013.geojson",
    "small_area": "powys_lsoa_2011.geojson",
}
#: where a feature's facts are, unless told otherwise
DEFAULT_FIELDS = {"code": "code", "name": "name", "name_cy": "name_cy"}


@dataclass(frozen=True)
class Boundary:
    """One area: its GSS code (its id), names, level and polygon (WGS84 lon/lat)."""

    code: str
    name: str
    level: str
    shape: BaseGeometry
    name_cy: str | None = None

    @cached_property
    def geojson(self) -> str:
        """The boundary as a GeoJSON geometry, coordinates to 5 decimals (about 1 m)."""
        return shapely.to_geojson(shapely.set_precision(self.shape, 1e-5))


def _refused(where: str, template: str, **params: object) -> InvalidRecord:
    return InvalidRecord([(where, Problem(template, **params))])


def read_geojson(path: Path | str, level: str, code_field: str = "code",
                 name_field: str = "name", name_cy_field: str | None = "name_cy"
                 ) -> list[Boundary]:
    """The areas of a GeoJSON FeatureCollection of (Multi)Polygons. Raises
    :class:`InvalidRecord` naming the feature (by number from 1, and code) for a missing
    code or name, a repeated code, a geometry that is not a valid polygon, or two areas
    that overlap."""
    if level not in AREA_LEVELS:
        raise _refused("level", N_("must be one of %(choices)s"), choices=", ".join(AREA_LEVELS))
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
        features = document["features"]
        if not isinstance(features, list):
            raise TypeError
    except OSError as exc:
        raise _refused("file", N_("cannot be read: %(why)s"), why=exc.strerror) from None
    except (ValueError, KeyError, TypeError):
        raise _refused("file", N_("is not a GeoJSON FeatureCollection")) from None
    found: list[Boundary] = []
    codes: set[str] = set()
    for number, feature in enumerate(features, start=1):
        properties = (feature or {}).get("properties") or {}
        code = str(properties.get(code_field) or "").strip()
        where = f"feature {number}" + (f" ({code})" if code else "")
        if not code:
            raise _refused(where, N_("has no %(field)s"), field=code_field)
        if code in codes:
            raise _refused(where, N_("repeats the code of an earlier feature"))
        name = str(properties.get(name_field) or "").strip()
        if not name:
            raise _refused(where, N_("has no %(field)s"), field=name_field)
        try:
            polygon = shape(feature["geometry"])
        except (KeyError, TypeError, ValueError, AttributeError):
            raise _refused(where, N_("has no geometry GeoJSON can read")) from None
        if polygon.geom_type not in ("Polygon", "MultiPolygon") or polygon.is_empty:
            raise _refused(where, N_("is a %(kind)s, not an area"), kind=polygon.geom_type)
        if not polygon.is_valid:
            raise _refused(where, N_("has an invalid boundary: %(why)s"),
                           why=explain_validity(polygon))
        codes.add(code)
        name_cy = str(properties.get(name_cy_field) or "").strip() if name_cy_field else ""
        found.append(Boundary(code, name, level, polygon, name_cy or None))
    _refuse_overlaps(found)
    return found


def _refuse_overlaps(areas: Sequence[Boundary]) -> None:
    shapes = [area.shape for area in areas]
    tree = shapely.STRtree(shapes)
    left, right = tree.query(shapes, predicate="intersects")
    for i, j in zip(left.tolist(), right.tolist(), strict=True):
        if i >= j:
            continue
        shared = shapes[i].intersection(shapes[j]).area
        if shared > OVERLAP_SHARE * min(shapes[i].area, shapes[j].area):
            raise _refused(f"feature {j + 1} ({areas[j].code})", N_(
                "overlaps %(other)s: the areas of one level must not overlap"),
                other=areas[i].code)


#: all of Wales: a service area may name it, though no area of that code is loaded
WALES_CODE = "W92000004"
WALES = {"id": WALES_CODE, "name": "Wales", "name_cy": "Cymru"}


def area_named(code: str, loaded: dict[str, dict]) -> dict[str, Any]:
    """An area code's names (``{"name", "name_cy"}``): a loaded area's, all of Wales's,
    or the code itself when neither.

    >>> area_named("W92000004", {})["name_cy"], area_named("X1", {})
    ('Cymru', {'name': 'X1'})
    """
    return loaded.get(code) or (WALES if code == WALES_CODE else {"name": code})


def bundled(levels: Iterable[str] = AREA_LEVELS) -> list[Boundary]:
    """The shipped Welsh boundaries at ``levels``."""
    return list(_bundled(tuple(levels)))


@cache
def _bundled(levels: tuple[str, ...]) -> tuple[Boundary, ...]:
    folder = resources.files("assetmap.data").joinpath("boundaries")
    found: list[Boundary] = []
    for level in levels:
        with resources.as_file(folder.joinpath(BUNDLED[level])) as path:
            found.extend(read_geojson(path, level))
    return tuple(found)


class AreaIndex:
    """Every loaded area by level, for placing points (an STRtree per level).

    >>> square = shapely.box(-3.6, 52.4, -3.5, 52.5)
    >>> index = AreaIndex([Boundary("W01", "Llanidloes 1", "small_area", square)])
    >>> index.place(52.45, -3.54), index.place(51.0, -3.0)
    ({'small_area': 'W01'}, {})
    """

    def __init__(self, areas: Iterable[Boundary]) -> None:
        self.by_level: dict[str, list[Boundary]] = {}
        for area in areas:
            self.by_level.setdefault(area.level, []).append(area)
        self._trees = {level: shapely.STRtree([a.shape for a in found])
                       for level, found in self.by_level.items()}
        for found in self.by_level.values():
            for area in found:
                shapely.prepare(area.shape)  # many points tested against each

    def __bool__(self) -> bool:
        return bool(self.by_level)

    def place(self, lat: float, lon: float) -> dict[str, str]:
        """The code of the area at each loaded level that contains the point."""
        return self.place_many([(lat, lon)])[0]

    def place_many(self, points: Sequence[tuple[float, float]]) -> list[dict[str, str]]:
        """:meth:`place` for many points at once: per level, the tree gives each point the
        areas whose box holds it, then each area tests its candidates in one vectorised
        call. A point on an edge two areas share goes to the one loaded first."""
        placed: list[dict[str, str]] = [{} for _ in points]
        if not points:
            return placed
        xy = np.asarray([(lon, lat) for lat, lon in points], dtype=float)
        boxes = shapely.points(xy)
        for level, tree in self._trees.items():
            found, where = tree.query(boxes)
            if not len(where):
                continue
            order = np.argsort(where, kind="stable")
            found, where = found[order], where[order]
            starts = np.flatnonzero(np.r_[True, where[1:] != where[:-1]]).tolist()
            areas = self.by_level[level]
            for start, end in zip(starts, [*starts[1:], len(where)], strict=True):
                candidates = found[start:end]
                inside = candidates[shapely.intersects_xy(
                    areas[int(where[start])].shape, xy[candidates, 0], xy[candidates, 1])]
                for point in inside.tolist():
                    placed[point].setdefault(level, areas[int(where[start])].code)
        return placed

    def parent(self, area: Boundary) -> str | None:
        """The area one level up that contains ``area`` (by a point inside it), if loaded."""
        inside = area.shape.representative_point()
        for level in PARENT_LEVELS[area.level]:
            tree = self._trees.get(level)
            if tree is None:
                continue
            hits = tree.query(inside, predicate="intersects")
            if len(hits):
                return self.by_level[level][int(min(hits))].code
        return None


def shape_of(geojson: str) -> BaseGeometry:
    """A stored GeoJSON geometry as a shape."""
    return shapely.from_geojson(geojson)


def areas_of(placed: dict[str, str]) -> dict[str, Any]:
    """A record's area fields from where it was placed: ``area`` (the finest area that is
    not a ward) and ``ward``, each None when no area loaded contains it."""
    return {"area": next((placed[level] for level in MAIN_LEVELS if level in placed), None),
            "ward": placed.get("ward")}
