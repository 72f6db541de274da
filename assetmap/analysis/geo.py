"""Distances and areas on the Earth, precise enough for a county and fast for a million points."""

from __future__ import annotations

import json
import math
from collections.abc import Mapping

import numpy as np

__all__ = [
    "EARTH_RADIUS_M",
    "chord_to_metres",
    "distance_m",
    "metres_to_chord",
    "polygon_area_km2",
    "unit_vectors",
]

EARTH_RADIUS_M = 6_371_008.8


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine).

    >>> round(distance_m(52.4487, -3.5388, 52.5147, -3.3141))  # Llanidloes to Newtown
    16894
    """
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def unit_vectors(lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    """Points as 3-D unit vectors: nearest-neighbour trees then work in straight lines."""
    lat, lon = np.radians(lats), np.radians(lons)
    return np.column_stack((np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)))


def chord_to_metres(chord: np.ndarray | float) -> np.ndarray:
    return 2 * EARTH_RADIUS_M * np.arcsin(np.clip(np.asarray(chord) / 2, 0, 1))


def metres_to_chord(metres: float) -> float:
    return 2 * math.sin(metres / (2 * EARTH_RADIUS_M))


def polygon_area_km2(geometry: str | Mapping | None) -> float:
    """Area of a GeoJSON Polygon/MultiPolygon in km² (equirectangular; fine at county scale).

    >>> round(polygon_area_km2({"type": "Polygon", "coordinates": [[[0, 52], [0.01, 52],
    ...     [0.01, 52.01], [0, 52.01], [0, 52]]]}), 2)
    0.76
    """
    if not geometry:
        return 0.0
    shape = json.loads(geometry) if isinstance(geometry, str) else geometry
    polygons = shape["coordinates"] if shape["type"] == "MultiPolygon" else [shape["coordinates"]]
    total = 0.0
    for polygon in polygons:
        for ring_index, ring in enumerate(polygon):
            mean_lat = math.radians(sum(point[1] for point in ring) / len(ring))
            kx, ky = 111.32 * math.cos(mean_lat), 110.57
            twice = sum(
                (x1 * kx) * (y2 * ky) - (x2 * kx) * (y1 * ky)
                for (x1, y1, *_), (x2, y2, *_) in zip(ring, ring[1:], strict=False)
            )
            total += abs(twice) / 2 * (1 if ring_index == 0 else -1)
    return total
