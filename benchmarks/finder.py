"""The public finder's search: latency at each community size, against a full scan.

200 random searches (a Powys town, a radius of 2-20 km and random filters) are timed
through ``finder.find`` (resolve the place, count and read one page). The peer, run on the
same searches in the same run, is the same filter written as a scan of every activity and
place with the distance worked out for each (no point index). Goal: p95 under 30 ms at
100,000 people.
"""

from __future__ import annotations

import random
import statistics
import time

from assetmap.analysis.geo import distance_m
from assetmap.graph.store import GraphStore
from assetmap.services import finder
from benchmarks.community import seeded
from seed.powys import SETTLEMENTS

SAMPLE = 200


def _searches(count: int) -> list[dict[str, str]]:
    rng = random.Random(11)
    searches = []
    for _ in range(count):
        search = {"near": rng.choice(SETTLEMENTS).name,
                  "radius_km": str(rng.choice((2, 5, 10, 20)))}
        for name, values in (("day", ("mon", "tue", "wed", "thu", "fri", "sat", None)),
                             ("time_of_day", ("am", "pm", "eve", None, None)),
                             ("welsh", ("true", None, None)), ("free", ("true", None)),
                             ("step_free", ("true", None, None))):
            value = rng.choice(values)
            if value:
                search[name] = value
        searches.append(search)
    return searches


def _scan(store: GraphStore, search: finder.AssetSearch, lat: float, lon: float) -> int:
    """The peer: every activity and its place read, filtered and measured in Python."""
    rows = store.run_read(
        "MATCH (a:Activity)-[:HELD_AT]->(pl:Place) RETURN a.weekday AS day, a.start AS start, "
        "a.welsh_language AS welsh, a.cost_pence AS cost, pl.step_free AS step_free, "
        "pl.lat AS lat, pl.lon AS lon")
    from assetmap.analysis.suggestions import DAY_PART_HOURS
    hits = 0
    for r in rows:
        if search.day and r["day"] != search.day:
            continue
        if search.time_of_day:
            start, end = DAY_PART_HOURS[search.time_of_day]
            if not start <= r["start"] < end:
                continue
        if (search.welsh and not r["welsh"]) or (search.free and r["cost"]) or (
                search.step_free and not r["step_free"]):
            continue
        if distance_m(lat, lon, r["lat"], r["lon"]) <= search.radius_km * 1000:
            hits += 1
    return hits


def _percentiles(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {"p50": statistics.median(times), "p95": times[max(0, round(0.95 * len(times)) - 1)],
            "max": times[-1]}


def run(sizes: list[int]) -> dict[int, dict[str, dict[str, float]]]:
    figures: dict[int, dict[str, dict[str, float]]] = {}
    searches = [finder.parse(s) for s in _searches(SAMPLE)]
    for people in sizes:
        config, server = seeded(people)
        store = GraphStore.open(config)
        assets = store.run_read("MATCH (a:Activity) RETURN count(a) AS n")[0]["n"]
        finder.find(store, searches[0])  # warm the query cache
        ours, scan = [], []
        for search in searches:
            started = time.perf_counter()
            found = finder.find(store, search)
            ours.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            hits = _scan(store, search, found.location.lat, found.location.lon)
            scan.append((time.perf_counter() - started) * 1000)
            assert hits == found.total, "both ways find the same activities"
        figures[people] = {"ours": _percentiles(ours), "scan": _percentiles(scan),
                           "activities": {"n": assets}}
        store.close()
        server.stop()
    print(f"\nfinder: {SAMPLE} random searches (ms; ours = finder.find on the point index, "
          "scan = every activity read and filtered)")
    print(f"{'people':>10}{'activities':>12}{'ours p50':>10}{'ours p95':>10}{'scan p95':>10}"
          f"{'scan / ours':>13}")
    for people, row in figures.items():
        print(f"{people:>10,}{row['activities']['n']:>12,}{row['ours']['p50']:>10.1f}"
              f"{row['ours']['p95']:>10.1f}{row['scan']['p95']:>10.1f}"
              f"{row['scan']['p95'] / row['ours']['p95']:>12.1f}x")
    print("goal: ours p95 under 30 ms at the largest size")
    return figures
