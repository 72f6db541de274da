"""Where a record is: the one rule that turns a postcode or typed coordinates into a
point, and places the point in its official areas, for every path a person or a place is
written by (pages, the API, CSV and Open Referral imports, received packages, the seed).

The rule (:func:`locate`):

1. coordinates typed with the record win;
2. otherwise a postcode gives the point (exact with the ONS Postcode Directory loaded,
   else its district's), when the record is new, its postcode changed, or it has no
   point yet;
3. otherwise the point stays as it was (an edit of other fields) or there is none;
4. the point is placed in the areas loaded (:mod:`assetmap.boundaries`): ``area`` the
   finest area that is not a ward, ``ward`` the ward; both None (outside the areas
   loaded) without a point or outside every area.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from assetmap import boundaries, gazetteer
from assetmap.boundaries import AreaIndex, Boundary
from assetmap.graph import areas as area_graph
from assetmap.graph.store import GraphStore
from assetmap.model import Record

#: the labels whose records are placed in areas by their point
PLACED = ("Person", "Place")
#: records placed per write when everything is placed again
BATCH = 5000


def point_for(model: type[BaseModel], data: dict[str, Any], instance_path: Path,
              current: dict[str, Any] | None = None) -> dict[str, Any]:
    """``data`` with ``lat``/``lon`` by rules 1-3 above (``current``: the stored record
    an edit changes). Raises :class:`InvalidRecord` for a postcode that is not one."""
    if data.get("lat") is not None or data.get("lon") is not None:
        return data  # typed (one without the other is refused by the model, naming it)
    data = {k: v for k, v in data.items() if k not in ("lat", "lon")}  # blank: not typed
    postcode = data.get("postcode")
    if postcode and (current is None or postcode != current.get("postcode")
                     or current.get("lat") is None):
        located = gazetteer.with_point_from_postcode(
            {**data, "lat": None, "lon": None}, model, instance_path)
        return {**data, "lat": located["lat"], "lon": located["lon"]}
    if current is not None and "postcode" in data and not postcode:
        return {**data, "lat": None, "lon": None}  # the postcode was removed: so is the point
    return data


def area_index(store: GraphStore) -> AreaIndex:
    """The areas the graph holds, indexed; built again only when they change (the stamp
    is cheap to read: a count, the latest change and a digest of the ids)."""
    stamp = area_graph.stamp(store)
    if stamp not in _INDEXES:
        if len(_INDEXES) >= 4:
            _INDEXES.pop(next(iter(_INDEXES)))
        _INDEXES[stamp] = AreaIndex(_loaded_except(store, set()))
    return _INDEXES[stamp]


_INDEXES: dict[tuple, AreaIndex] = {}


def placed(store: GraphStore, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``records`` with ``area`` and ``ward`` from their points (rule 4)."""
    located = [i for i, r in enumerate(records)
               if r.get("lat") is not None and r.get("lon") is not None]
    where = area_index(store).place_many([(records[i]["lat"], records[i]["lon"])
                                          for i in located])
    found = dict(zip(located, where, strict=True))
    return [{**record, **boundaries.areas_of(found.get(i, {}))}
            for i, record in enumerate(records)]


def locate(store: GraphStore, model: type[BaseModel], data: dict[str, Any],
           instance_path: Path, current: dict[str, Any] | None = None) -> dict[str, Any]:
    """The whole rule for one record: its point, then its areas."""
    data = point_for(model, {k: v for k, v in data.items() if k not in ("area", "ward")},
                     instance_path, current)
    if current is not None and "lat" not in data:
        return data  # its point did not change: nor did its areas
    point = {"lat": data.get("lat"), "lon": data.get("lon")}
    return {**data, **boundaries.areas_of(_where(store, point))}


def _where(store: GraphStore, point: dict[str, Any]) -> dict[str, str]:
    if point["lat"] is None or point["lon"] is None:
        return {}
    return area_index(store).place(point["lat"], point["lon"])


def geometries(store: GraphStore, level: str) -> dict[str, dict]:
    """Each area's boundary at ``level`` as GeoJSON, by id (for the maps)."""
    return area_graph.geometries(store, level)


def names(store: GraphStore, area_ids: list[str]) -> dict[str, dict]:
    """``{id: {"name", "name_cy"}}`` of the loaded areas among ``area_ids``."""
    return area_graph.names(store, area_ids)


def at_level(store: GraphStore, level: str) -> list[dict]:
    """Every area at ``level`` with its parent's id, by name."""
    return area_graph.at_level(store, level)


def import_areas(store: GraphStore, areas: Iterable[Boundary]) -> dict[str, int]:
    """Write ``areas`` (new or replacing those with the same code), each joined to its
    parent by containment among all areas then loaded, then place every record again.
    Returns how many areas were written and records placed."""
    new = list(areas)
    index = AreaIndex([*_loaded_except(store, {a.code for a in new}), *new])
    rows = [{"id": a.code, "name": a.name, "name_cy": a.name_cy, "level": a.level,
             "geometry": a.geojson} for a in new]
    written = area_graph.upsert(store, rows)
    area_graph.link_parents(store, {a.code: index.parent(a) for level in index.by_level
                                    for a in index.by_level[level]})
    return {"areas": written, **place_everything(store)}


def _loaded_except(store: GraphStore, codes: set[str]) -> list[Boundary]:
    return [Boundary(row["id"], row["name"], row["level"], boundaries.shape_of(row["geometry"]),
                     row.get("name_cy"))
            for row in area_graph.with_boundaries(store) if row["id"] not in codes]


def place_everything(store: GraphStore) -> dict[str, int]:
    """Place every person and place again (after areas were imported or changed)."""
    counts: dict[str, int] = {}
    for label in PLACED:
        points = area_graph.points(store, label)
        rows = placed(store, points)
        for start in range(0, len(rows), BATCH):
            area_graph.set_areas(store, label, rows[start:start + BATCH])
        counts[label] = len(rows)
        counts[f"{label}_outside"] = sum(1 for row in rows if row["area"] is None)
    return counts


def link(store: GraphStore, label: str, record: dict[str, Any]) -> None:
    """The record's ``IN_AREA`` links as its ``area`` and ``ward`` say (placed labels)."""
    if label in PLACED:
        area_graph.set_areas(store, label, [{"id": record["id"], "area": record.get("area"),
                                             "ward": record.get("ward")}])


def placed_records(store: GraphStore, records: list[Record]) -> list[Record]:
    """Validated records (an import's batch) with ``area`` and ``ward`` from their points,
    placed all at once; records of labels not placed are returned as they are."""
    if not records or records[0].label not in PLACED:
        return records
    rows = placed(store, [{"lat": r.lat, "lon": r.lon} for r in records])  # type: ignore[attr-defined]
    return [record.model_copy(update={"area": row["area"], "ward": row["ward"]})
            for record, row in zip(records, rows, strict=True)]


def link_many(store: GraphStore, records: list[Record]) -> None:
    """The ``IN_AREA`` links of records just written (placed labels), in batches."""
    rows = [{"id": r.id, "area": getattr(r, "area", None), "ward": getattr(r, "ward", None)}
            for r in records if r.label in PLACED]
    for start in range(0, len(rows), BATCH):
        area_graph.set_areas(store, records[0].label, rows[start:start + BATCH])
