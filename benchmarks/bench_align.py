"""Time ``align`` on every corpus pair (the issue's budget: under a second per pair).

Usage: ``python benchmarks/bench_align.py [CORPUS] [--repeat N]``. Prints the best of N runs
per pair in milliseconds and exits 1 if any pair takes a second or more.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
try:
    import transflow  # noqa: F401
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(REPO / "src"))

from transflow.align import align  # noqa: E402
from transflow.formats import format_for  # noqa: E402
from transflow.formats.base import Segment  # noqa: E402


def segments(path: Path) -> list[Segment]:
    fmt = format_for(path.with_suffix(".md") if path.suffix == ".mdx" else path)
    text = path.read_text(encoding="utf-8")
    return fmt.parse(text, front_matter_fields=("title", "description", "summary")).segments


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    corpus = Path(
        args.corpus or os.environ.get("TRANSFLOW_CORPUS") or REPO.parent / "shared" / "corpus"
    )
    pairs = json.loads((corpus / "pairs" / "pairs.json").read_text("utf-8"))
    worst = 0.0
    for info in pairs:
        source = segments(corpus / "pairs" / info["nl"]["file"])
        target = segments(corpus / "pairs" / info["en"]["file"])
        best = min(_time(source, target) for _ in range(max(args.repeat, 1)))
        worst = max(worst, best)
        print(f"{info['id']:<70} {len(source):>4} x {len(target):<4} {best * 1000:8.1f} ms")
    print(f"slowest: {worst * 1000:.1f} ms")
    sys.exit(1 if worst >= 1.0 else 0)


def _time(source: list[Segment], target: list[Segment]) -> float:
    start = time.perf_counter()
    align(source, target)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
