"""Importing spreadsheets: ``assetmap import csv`` against the one-row-per-statement path
the forms use, side by side on the same server, and against reading and validating alone
(the floor: what any importer must spend before it writes).
"""

from __future__ import annotations

import csv
import shutil
import tempfile
import time
from pathlib import Path

from assetmap.config import Config
from assetmap.graph import organisations, people
from assetmap.graph.embedded import EmbeddedServer
from assetmap.graph.store import GraphStore
from assetmap.model import Person, validate
from assetmap.services import csv_import
from seed.generator import generate

SINGLE_ROWS = 2000


def _people_csv(path: Path, rows: int) -> None:
    community = generate(rows, seed=7)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "name", "birth_year", "lat", "lon", "lives_alone", "languages",
                         "interests"])
        for person in community.records["Person"][:rows]:
            writer.writerow([person.id, person.name, person.birth_year or "", person.lat,
                             person.lon, "yes" if person.lives_alone else "no",
                             ";".join(person.languages), ";".join(person.interests)])


def _ties_csv(path: Path, rows: int) -> None:
    community = generate(rows, seed=7)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["source_id", "target_id", "relation", "circle", "contact"])
        for a, b, props in community.relationships[("KNOWS", "Person", "Person")][:rows]:
            writer.writerow([a, b, props["relation"], props["circle"], props["contact"]])


def run(rows: int) -> None:
    directory = Path(tempfile.mkdtemp(prefix="am-bench-", dir="/tmp"))
    server = EmbeddedServer(directory / "graph")
    try:
        people_file, ties_file = directory / "people.csv", directory / "ties.csv"
        _people_csv(people_file, rows)
        _ties_csv(ties_file, rows)

        def fresh(name: str) -> GraphStore:
            store = GraphStore.open(Config(instance_path=directory, graph_name=name))
            store.init_schema()
            organisations.repo.create(store, {"id": "org-cvc", "name": "CVC"})
            return store

        ours = fresh("ours")
        result = csv_import.import_file(ours, "people", people_file, directory,
                                        organisation_id="org-cvc")
        assert not result.rejected, result.rejected[:3]
        ties = csv_import.import_file(ours, "ties", ties_file, directory,
                                      organisation_id="org-cvc")

        started = time.perf_counter()
        with people_file.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                validate(Person, {k: v for k, v in row.items() if v and k not in (
                    "languages", "interests", "lives_alone")})
        floor_s = time.perf_counter() - started

        single = fresh("single")
        started = time.perf_counter()
        with people_file.open(encoding="utf-8") as handle:
            for number, row in enumerate(csv.DictReader(handle)):
                if number == SINGLE_ROWS:
                    break
                people.repo.create(single, {"id": row["id"], "name": row["name"],
                                            "lat": float(row["lat"]), "lon": float(row["lon"])},
                                   organisation_id="org-cvc")
        single_s = time.perf_counter() - started

        ours_rate = result.rows / result.seconds
        print(f"\nCSV import, {rows:,} rows (embedded FalkorDB, unix socket, appendfsync always)")
        print(f"{'path':<52}{'rows/s':>10}{'ratio to ours':>16}")
        print(f"{'assetmap import csv people (check + batched write)':<52}{ours_rate:>10,.0f}"
              f"{1.0:>16.2f}")
        print(f"{'assetmap import csv ties':<52}{ties.rows / ties.seconds:>10,.0f}"
              f"{(ties.rows / ties.seconds) / ours_rate:>16.2f}")
        print(f"{'csv.DictReader + pydantic only, no writes (floor)':<52}"
              f"{rows / floor_s:>10,.0f}{(rows / floor_s) / ours_rate:>16.2f}")
        print(f"{'one person per statement (the form path, peer)':<52}"
              f"{SINGLE_ROWS / single_s:>10,.0f}{(SINGLE_ROWS / single_s) / ours_rate:>16.3f}")
        print(f"people: {result.rows:,} rows in {result.seconds:.1f} s; "
              f"ties: {ties.rows:,} rows in {ties.seconds:.1f} s")
        for store in (ours, single):
            store.close()
    finally:
        server.stop()
        shutil.rmtree(directory, ignore_errors=True)
