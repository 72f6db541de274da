"""``python -m benchmarks [writes|analyse|suggest|finder|load|import|backup|placing|all]
[--people N[,N...]]``.

Every benchmark prints ratios against a peer measured side by side in the same run.
"""

from __future__ import annotations

import argparse


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("which", nargs="?", default="all",
                        choices=("writes", "analyse", "suggest", "finder", "load", "import",
                                 "backup", "placing", "all"))
    parser.add_argument("--people", default=None,
                        help="community size(s), comma separated (defaults per benchmark: "
                             "writes 20000; analyse 2000,100000; suggest and finder 2000,100000; "
                             "import, backup and placing 100000)")
    parser.add_argument("--users", type=int, default=100, help="load: simulated users")
    parser.add_argument("--workers", type=int, default=None,
                        help="load: server worker processes (default: serve's own)")
    parser.add_argument("--threads", type=int, default=None,
                        help="load: threads per worker (default: serve's own)")
    parser.add_argument("--seconds", type=int, default=60, help="load: how long")
    parser.add_argument("--no-plain", action="store_true",
                        help="analyse: leave out the (slow) plain NetworkX pipeline")
    arguments = parser.parse_args()
    sizes = [int(n) for n in arguments.people.split(",")] if arguments.people else None
    if arguments.which in ("writes", "all"):
        from benchmarks import store_writes

        for people in sizes or [20_000]:
            store_writes.run(people)
    if arguments.which in ("analyse", "all"):
        from benchmarks import analyse

        for people in sizes or [2_000, 100_000]:
            analyse.run(people, plain=not arguments.no_plain)
    if arguments.which in ("suggest", "all"):
        from benchmarks import suggest

        suggest.run(sizes or [2_000, 100_000])
    if arguments.which in ("finder", "all"):
        from benchmarks import finder

        finder.run(sizes or [2_000, 100_000])
    if arguments.which in ("import", "all"):
        from benchmarks import csv_import

        for rows in sizes or [100_000]:
            csv_import.run(rows)
    if arguments.which in ("backup", "all"):
        from benchmarks import backup

        for people in sizes or [100_000]:
            backup.run(people)
    if arguments.which in ("placing", "all"):
        from benchmarks import placing

        for points in sizes or [100_000]:
            placing.run(points)
    if arguments.which == "load":  # not in "all": it takes the machine for a minute
        from benchmarks import load

        load.run(arguments.users, arguments.seconds, (sizes or [2_000])[0],
                 arguments.workers, arguments.threads)


if __name__ == "__main__":
    main()
