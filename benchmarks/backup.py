"""Backup and restore of a seeded community through the CLI, each in its own process so
its peak memory is its own, measured side by side with two kinds of peer on the same graph:

* reading every row over the raw protocol, with nothing done to the rows: every node's
  labels and properties and every relationship's type, ends and properties, one query
  each, as the server's compact reply (every value typed, which a backup needs) and as its
  verbose one (values as text: faster, but a map or a list cannot be read back from it).
  A logical backup reads the same rows and also decodes, writes, checksums and compresses
  them: the goal is within 10x of the raw read.
* FalkorDB's own physical copies: ``DUMP`` of the graph key and ``GRAPH.COPY`` (the
  engine's fastest, but unreadable by Neo4j or by another version of the module).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from assetmap.graph.store import GraphStore
from benchmarks.community import GRAPH, seeded

#: runs a command and prints its wall time and peak memory: started afresh, so the
#: command is not forked from this process (a child's peak counts its parent's memory at
#: the fork, and this one holds the raw reads' replies)
_MEASURE = """
import os, subprocess, sys, time
started = time.perf_counter()
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(child.pid, 0)
print(os.waitstatus_to_exitcode(status), time.perf_counter() - started, usage.ru_maxrss)
"""


def _cli(config_dir: Path, graph: str, *args: str) -> tuple[float, int]:
    """Run ``assetmap ARGS``; its wall time (s) and peak resident memory (MB)."""
    env = {**os.environ, "ASSETMAP_INSTANCE": str(config_dir), "ASSETMAP_GRAPH_NAME": graph}
    measured = subprocess.run([sys.executable, "-c", _MEASURE, sys.executable, "-m",
                               "assetmap.cli", *args], env=env, capture_output=True,
                              text=True, check=True).stdout.split()
    if measured[0] != "0":
        raise SystemExit(f"assetmap {' '.join(args)} failed")
    return float(measured[1]), int(measured[2]) // 1024


NODE_ROWS = "MATCH (n) RETURN labels(n), properties(n)"
RELATIONSHIP_ROWS = "MATCH (a)-[r]->(b) RETURN type(r), a.id, labels(b), b.id, properties(r)"


def _raw_read(connection: Any, *flags: str) -> tuple[float, int]:
    """Seconds to read every node and relationship row over the raw protocol; rows read."""
    started = time.perf_counter()
    rows = sum(len(connection.execute_command("GRAPH.RO_QUERY", GRAPH, query, *flags)[1])
               for query in (NODE_ROWS, RELATIONSHIP_ROWS))
    return time.perf_counter() - started, rows


def run(people: int) -> None:
    config, server = seeded(people)
    store = GraphStore.open(config)
    counts = store.counts()
    lines = sum(counts["nodes"].values()) + sum(counts["relationships"].values())
    connection = store.backend._db.connection
    work = Path(tempfile.mkdtemp(prefix="am-bench-backup-", dir="/tmp"))
    passphrase = work / "passphrase"
    passphrase.write_text("benchmark passphrase\n")
    try:
        compact_s, rows = _raw_read(connection, "--compact")
        verbose_s, _ = _raw_read(connection)
        if rows != lines:
            raise SystemExit(f"the raw read found {rows:,} rows, not {lines:,}")
        plain, sealed = work / "plain.amb", work / "sealed.amb"
        backup_s, backup_mb = _cli(config.instance_path, GRAPH, "backup", str(plain))
        sealed_s, sealed_mb = _cli(config.instance_path, GRAPH, "backup", str(sealed),
                                   "--passphrase-file", str(passphrase))
        connection.delete("bench_restore")
        restore_s, restore_mb = _cli(config.instance_path, "bench_restore", "restore",
                                     str(sealed), "--passphrase-file", str(passphrase))
        connection.delete("bench_restore")

        started = time.perf_counter()
        dumped = connection.dump(GRAPH)
        dump_s = time.perf_counter() - started
        # RESTORE of a graph under another key name closes the connection (FalkorDB keeps
        # the name inside the value), so the restore side's peer is the in-server copy
        started = time.perf_counter()
        connection.execute_command("GRAPH.COPY", GRAPH, "bench_copy")
        load_s = time.perf_counter() - started
        connection.delete("bench_copy")

        print(f"\nBackup and restore, {people:,} people: {lines:,} nodes and relationships "
              "(embedded FalkorDB, each CLI step in its own process)")
        print(f"{'step':<46}{'s':>8}{'lines/s':>10}{'peak MB':>9}{'file MB':>9}"
              f"{'x raw compact':>15}{'x raw verbose':>15}{'x physical':>12}")
        rows = [
            ("assetmap backup (gzip, checksummed)", backup_s, backup_mb,
             plain.stat().st_size, dump_s),
            ("assetmap backup --passphrase-file", sealed_s, sealed_mb,
             sealed.stat().st_size, dump_s),
            ("assetmap restore (encrypted, checked first)", restore_s, restore_mb, None, load_s),
        ]
        for name, seconds, peak, size, physical in rows:
            print(f"{name:<46}{seconds:>8.1f}{lines / seconds:>10,.0f}{peak:>9,}"
                  f"{(size or 0) / 1e6:>9.1f}{seconds / compact_s:>15.1f}"
                  f"{seconds / verbose_s:>15.1f}{seconds / physical:>12.1f}")
        for name, seconds, size in (
                ("peer: raw read, compact reply (typed)", compact_s, None),
                ("peer: raw read, verbose reply (text)", verbose_s, None),
                ("peer: DUMP of the graph key (physical)", dump_s, len(dumped)),
                ("peer: GRAPH.COPY in the server (physical)", load_s, None)):
            print(f"{name:<46}{seconds:>8.1f}{lines / seconds:>10,.0f}{'':>9}"
                  f"{(size or 0) / 1e6:>9.1f}")
        slowest = max(backup_s, sealed_s) / verbose_s
        print(f"goal, a backup within 10x of the raw read: {slowest:.1f}x the verbose read, "
              f"{max(backup_s, sealed_s) / compact_s:.1f}x the compact read: "
              f"{'met' if slowest <= 10 else 'NOT met'}")
    finally:
        # the restore's statements would otherwise be replayed one by one at the next start
        store.forget_deleted()
        store.close()
        server.stop()
        for path in work.iterdir():
            path.unlink()
        work.rmdir()
