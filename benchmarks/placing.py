"""Placing points in the official areas: ``AreaIndex.place_many`` against the textbook
way, measured side by side on the same points in the same run.

The points: N random homes in Powys (the shipped boundaries: 79 small areas, 19 middle
areas, 73 wards, 22 authorities, 7 health boards). Ours: per level, the STRtree gives each
point the areas whose box holds it, then each area tests its candidates in one vectorised
``intersects_xy`` on a prepared polygon. The peer: one ``STRtree.query(point,
predicate="intersects")`` per point per level (shapely's documented spatial join for one
geometry at a time). Both must give the same areas.
"""

from __future__ import annotations

import random
import time

import shapely

from assetmap import boundaries


def _points(count: int) -> list[tuple[float, float]]:
    rng = random.Random(5)
    county = next(a.shape for a in boundaries.bundled(["local_authority"])
                  if a.code == "W06000023")
    west, south, east, north = county.bounds
    found: list[tuple[float, float]] = []
    while len(found) < count:
        lat, lon = rng.uniform(south, north), rng.uniform(west, east)
        if county.contains(shapely.Point(lon, lat)):
            found.append((lat, lon))
    return found


def _peer(index: boundaries.AreaIndex, points: list[tuple[float, float]]
          ) -> list[dict[str, str]]:
    trees = {level: shapely.STRtree([a.shape for a in areas])
             for level, areas in index.by_level.items()}
    placed = []
    for lat, lon in points:
        point, where = shapely.Point(lon, lat), {}
        for level, tree in trees.items():
            hits = tree.query(point, predicate="intersects")
            if len(hits):
                where[level] = index.by_level[level][int(min(hits))].code
        placed.append(where)
    return placed


def run(count: int) -> None:
    index = boundaries.AreaIndex(boundaries.bundled())
    points = _points(count)
    started = time.perf_counter()
    ours = index.place_many(points)
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    theirs = _peer(index, points)
    peer_s = time.perf_counter() - started
    assert ours == theirs, "the two ways disagree"
    print(f"placing {count:,} points in {sum(len(a) for a in index.by_level.values())} areas "
          f"at {len(index.by_level)} levels: AreaIndex.place_many {ours_s:.2f} s "
          f"({count / ours_s:,.0f} points/s); per-point STRtree query {peer_s:.2f} s; "
          f"ratio {peer_s / ours_s:.1f}x")
