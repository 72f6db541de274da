"""Backup and restore of a seeded community through the CLI, each in its own process so
its peak memory is its own, against FalkorDB's own physical copies of the same graph
measured side by side: ``DUMP`` of the graph key and ``GRAPH.COPY`` (the engine's fastest,
but unreadable by Neo4j or by another version of the module).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from assetmap.graph.store import GraphStore
from benchmarks.community import GRAPH, seeded


def _cli(config_dir: Path, graph: str, *args: str) -> tuple[float, int]:
    """Run ``assetmap ARGS``; its wall time (s) and peak resident memory (MB)."""
    env = {**os.environ, "ASSETMAP_INSTANCE": str(config_dir), "ASSETMAP_GRAPH_NAME": graph}
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-m", "assetmap.cli", *args], env=env,
                             stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"assetmap {' '.join(args)} failed")
    return elapsed, usage.ru_maxrss // 1024


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
        print(f"{'step':<44}{'s':>8}{'lines/s':>10}{'peak MB':>9}{'file MB':>9}"
              f"{'ratio to peer':>15}")
        rows = [
            ("assetmap backup (gzip, checksummed)", backup_s, backup_mb,
             plain.stat().st_size, dump_s),
            ("assetmap backup --passphrase-file", sealed_s, sealed_mb,
             sealed.stat().st_size, dump_s),
            ("assetmap restore (encrypted, checked first)", restore_s, restore_mb, None, load_s),
        ]
        for name, seconds, peak, size, peer in rows:
            print(f"{name:<44}{seconds:>8.1f}{lines / seconds:>10,.0f}{peak:>9,}"
                  f"{(size or 0) / 1e6:>9.1f}{seconds / peer:>15.1f}")
        print(f"{'peer: DUMP of the graph key (physical)':<44}{dump_s:>8.1f}"
              f"{lines / dump_s:>10,.0f}{'':>9}{len(dumped) / 1e6:>9.1f}{1.0:>15.1f}")
        print(f"{'peer: GRAPH.COPY in the server (physical)':<44}{load_s:>8.1f}"
              f"{lines / load_s:>10,.0f}{'':>9}{'':>9}{1.0:>15.1f}")
    finally:
        store.close()
        server.stop()
        for path in work.iterdir():
            path.unlink()
        work.rmdir()
