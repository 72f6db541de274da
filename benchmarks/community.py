"""A seeded community on its own embedded server, kept between runs (seeding 100,000
people takes half a minute): ``/tmp/am-bench-<people>``."""

from __future__ import annotations

import time
from pathlib import Path

from assetmap.config import Config
from assetmap.graph.embedded import EmbeddedServer
from assetmap.graph.store import GraphStore
from seed.generator import generate, write

GRAPH = "bench"


def seeded(people: int) -> tuple[Config, EmbeddedServer]:
    """Settings for a graph holding ``generate(people, seed=7)``, seeding it when needed."""
    directory = Path(f"/tmp/am-bench-{people}")
    server = EmbeddedServer(directory / "graph")
    server.ensure_running()
    config = Config(instance_path=directory, graph_name=GRAPH)
    store = GraphStore.open(config)
    try:
        have = store.run_read("MATCH (p:Person) RETURN count(p) AS n")[0]["n"]
        if have != people:
            started = time.perf_counter()
            store.clear()
            store.init_schema()
            write(store, generate(people, seed=7))
            # the seed's statements would otherwise be replayed one by one at the next
            # start (half an hour at 100,000 people): rewrite the file from the data
            store.forget_deleted()
            print(f"seeded {people:,} people in {time.perf_counter() - started:.1f} s "
                  f"into {directory}")
    finally:
        store.close()
    return config, server
