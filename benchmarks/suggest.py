"""Suggestions for one person: latency at 2,000 and 100,000 people, side by side.

The same 200 randomly chosen people's suggestions are timed on each community; the ratio
p95(largest) / p95(smallest) shows whether the work grows with the graph (goal: at most
1.5, and p95 under 50 ms at 100,000). The reads stay local (the person's neighbourhood and
index lookups near home), so it should not.
"""

from __future__ import annotations

import random
import statistics
import time

from assetmap.graph.store import GraphStore
from assetmap.services import analysis
from benchmarks.community import seeded

SAMPLE = 200


def run(sizes: list[int]) -> dict[int, dict[str, float]]:
    figures: dict[int, dict[str, float]] = {}
    for people in sizes:
        config, server = seeded(people)
        store = GraphStore.open(config)
        ids = [r["id"] for r in store.run_read("MATCH (p:Person) RETURN p.id AS id")]
        chosen = random.Random(5).sample(sorted(ids), min(SAMPLE, len(ids)))
        analysis.suggest(store, chosen[0])  # warm the query cache
        times = []
        for person_id in chosen:
            started = time.perf_counter()
            analysis.suggest(store, person_id)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        figures[people] = {
            "p50": statistics.median(times),
            "p95": times[max(0, round(0.95 * len(times)) - 1)],
            "max": times[-1],
        }
        store.close()
        server.stop()
    smallest, largest = min(figures), max(figures)
    print(f"\nsuggestions for {SAMPLE} random people (ms, our GraphStore on embedded FalkorDB)")
    print(f"{'people':>10}{'p50':>10}{'p95':>10}{'max':>10}{'p95 / p95 at ' + f'{smallest:,}':>22}")
    for people, row in figures.items():
        print(f"{people:>10,}{row['p50']:>10.1f}{row['p95']:>10.1f}{row['max']:>10.1f}"
              f"{row['p95'] / figures[smallest]['p95']:>22.2f}")
    print(f"goal: p95 under 50 ms at the largest size; ratio at most 1.5 "
          f"(measured {figures[largest]['p95'] / figures[smallest]['p95']:.2f})")
    return figures
