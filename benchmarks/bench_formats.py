"""Wall-clock timings that used to be assertions in the tests: run by hand or by ``make bench``.

A benchmark is not a test: on a loaded two-core machine a timing says nothing about
correctness, so these only print. The tests count operations instead (``test_memory``).

    python benchmarks/bench_formats.py [--corpus PATH]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

import conformance

from transflow.mt.memory import TranslationMemory


def memory_lookups(units: int = 2000, lookups: int = 100) -> str:
    tm = TranslationMemory()
    for i in range(units):
        tm.add(f"Sentence number {i} about product {i % 97} and shipping {i % 13}.",
               f"Zin {i}", source_lang="en", target_lang="nl", origin="x.po")
    started = time.perf_counter()
    for i in range(lookups):
        tm.lookup(f"Sentence number {i} about product {i % 97} and shipping!",
                  source_lang="en", target_lang="nl")
    elapsed = time.perf_counter() - started
    return (f"memory: {lookups} close lookups in {units} units: {elapsed:.2f} s "
            f"({1000 * elapsed / lookups:.1f} ms each)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    default = os.environ.get("TRANSFLOW_CORPUS") or str(
        Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
    )
    parser.add_argument("--corpus", default=default, type=Path)
    args = parser.parse_args()
    print(memory_lookups())
    if (args.corpus.parent / "seed" / "magnesium-l-threonate.txt").is_file():
        print(conformance.perf_line(args.corpus, rounds=50))
    else:
        print(f"corpus seed article not found beside {args.corpus}: parse+render not timed")


if __name__ == "__main__":
    main()
