"""``python -m benchmarks [--people N]``: run every benchmark and print its table."""

from __future__ import annotations

import argparse

from benchmarks import store_writes


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("--people", type=int, default=20_000,
                        help="size of the generated community (default 20,000)")
    arguments = parser.parse_args()
    store_writes.run(arguments.people)


if __name__ == "__main__":
    main()
