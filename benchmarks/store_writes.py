"""Writing ties: our GraphStore path against the bare FalkorDB client, side by side.

Same server, same rows, same batched ``UNWIND`` statement; the only difference is our layer
(validation already done, dialect rendering, result conversion). A third row shows why
bulk work is batched: the one-tie-per-statement path that forms use.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

from falkordb import FalkorDB

from assetmap.config import Config
from assetmap.graph import ties
from assetmap.graph.embedded import EmbeddedServer
from assetmap.graph.store import GraphStore
from seed.generator import WRITE_ORDER, generate, write

SINGLE_WRITES = 2000


def _timed(function) -> float:  # noqa: ANN001
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def run(people: int) -> None:
    directory = Path(tempfile.mkdtemp(prefix="am-bench-", dir="/tmp"))
    server = EmbeddedServer(directory / "graph")
    try:
        community = generate(people, seed=7)
        knows = community.relationships[("KNOWS", "Person", "Person")]
        nodes_only = type(community)(records=community.records, relationships={})

        def fresh_graph(name: str) -> GraphStore:
            store = GraphStore.open(Config(instance_path=directory, graph_name=name))
            store.init_schema()
            write(store, nodes_only)
            return store

        ours = fresh_graph("ours")
        ours_s = _timed(lambda: ties.create_many(ours, "KNOWS", "Person", "Person", knows))

        peer_store = fresh_graph("peer")
        graph = FalkorDB(unix_socket_path=str(server.socket_path),
                         password=server.password()).select_graph("peer")
        query = ("UNWIND $rows AS row MATCH (a:Person {id: row.a}) MATCH (b:Person {id: row.b}) "
                 "CREATE (a)-[r:KNOWS]->(b) SET r = row.p RETURN count(r) AS n")

        def bare_client() -> None:
            for start in range(0, len(knows), 10_000):
                rows = [{"a": a, "b": b, "p": p} for a, b, p in knows[start:start + 10_000]]
                graph.query(query, {"rows": rows})

        peer_s = _timed(bare_client)

        single = fresh_graph("single")
        sample = knows[:SINGLE_WRITES]
        single_s = _timed(lambda: [
            ties.create(single, "KNOWS", ("Person", a), ("Person", b), p) for a, b, p in sample
        ])

        seed_store = GraphStore.open(Config(instance_path=directory, graph_name="seed"))
        seed_store.init_schema()
        seed_s = _timed(lambda: write(seed_store, community))
        total = sum(len(community.records.get(label, [])) for label in WRITE_ORDER) + sum(
            len(rows) for rows in community.relationships.values())

        rate = len(knows) / ours_s
        print(f"\nties written, {people:,} people, {len(knows):,} KNOWS ties "
              "(embedded FalkorDB, unix socket, appendfsync always)")
        print(f"{'path':<44}{'ties/s':>12}{'ratio to bare client':>24}")
        print(f"{'bare falkordb client, batched UNWIND (peer)':<44}"
              f"{len(knows) / peer_s:>12,.0f}{1.0:>24.2f}")
        print(f"{'GraphStore ties.create_many, batched':<44}{rate:>12,.0f}"
              f"{(len(knows) / ours_s) / (len(knows) / peer_s):>24.2f}")
        print(f"{'GraphStore ties.create, one per statement':<44}"
              f"{SINGLE_WRITES / single_s:>12,.0f}"
              f"{(SINGLE_WRITES / single_s) / (len(knows) / peer_s):>24.3f}")
        print(f"whole seed write: {total:,} nodes and relationships in {seed_s:.1f} s "
              f"({total / seed_s:,.0f}/s)")
        for store in (ours, peer_store, single, seed_store):
            store.close()
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
