"""Suggestions for one person: latency at 2,000 and 100,000 people, side by side.

The same 200 randomly chosen people's suggestions are timed on each community, five times
over; the ratio p95(largest) / p95(smallest) shows whether the work grows with the graph
(goals, as medians of the five runs: at most 1.5, and p95 under 50 ms at 100,000). The
reads stay local (the person's neighbourhood and index lookups near home), so it should
not.
"""

from __future__ import annotations

import random
import statistics
import time

from assetmap.graph.store import GraphStore
from assetmap.services import analysis
from benchmarks.community import seeded

SAMPLE = 200
REPEATS = 5


def run(sizes: list[int], repeats: int = REPEATS) -> dict[int, dict[str, float]]:
    """Time the sample ``repeats`` times on every size, the sizes taking turns (so a busy
    moment of the machine falls on both); the figures are the medians over the runs."""
    stores, servers, samples = {}, [], {}
    for people in sizes:
        config, server = seeded(people)
        servers.append(server)
        stores[people] = store = GraphStore.open(config)
        ids = [r["id"] for r in store.run_read("MATCH (p:Person) RETURN p.id AS id")]
        samples[people] = random.Random(5).sample(sorted(ids), min(SAMPLE, len(ids)))
        analysis.suggest(store, samples[people][0])  # warm the query cache
    runs: dict[int, list[dict[str, float]]] = {people: [] for people in sizes}
    for _ in range(repeats):
        for people in sizes:
            runs[people].append(_one_run(stores[people], samples[people]))
    for store in stores.values():
        store.close()
    for server in servers:
        server.stop()
    smallest, largest = min(sizes), max(sizes)
    ratios = [big["p95"] / small["p95"] for small, big in zip(runs[smallest], runs[largest],
                                                              strict=True)]
    figures = {people: {key: statistics.median(r[key] for r in rows)
                        for key in ("p50", "p95", "max")} for people, rows in runs.items()}
    print(f"\nsuggestions for {SAMPLE} random people (ms, our GraphStore on embedded FalkorDB), "
          f"median of {repeats} runs")
    print(f"{'people':>10}{'p50':>10}{'p95':>10}{'max':>10}   p95 of each run")
    for people, row in figures.items():
        print(f"{people:>10,}{row['p50']:>10.1f}{row['p95']:>10.1f}{row['max']:>10.1f}   "
              + ", ".join(f"{r['p95']:.1f}" for r in runs[people]))
    print(f"p95({largest:,}) / p95({smallest:,}) in each run: "
          + ", ".join(f"{r:.2f}" for r in ratios))
    print(f"goal: p95 under 50 ms at the largest size (median {figures[largest]['p95']:.1f}); "
          f"ratio at most 1.5 (median {statistics.median(ratios):.2f})")
    return figures


def _one_run(store: GraphStore, chosen: list[str]) -> dict[str, float]:
    times = []
    for person_id in chosen:
        started = time.perf_counter()
        analysis.suggest(store, person_id)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {"p50": statistics.median(times),
            "p95": times[max(0, round(0.95 * len(times)) - 1)], "max": times[-1]}
