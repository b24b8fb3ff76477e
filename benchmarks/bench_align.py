"""Time ``align`` on every corpus pair (the issue's budget: under a second per pair).

Usage: ``python benchmarks/bench_align.py [CORPUS] [--repeat N]``. Prints, per pair, the best
of N runs in milliseconds of the alignment alone and of the whole ``transflow align`` work
(``workflow.align.align_pair`` under ``dry_run``: read and parse both files, align, build
and render the catalog, in a temporary workspace), and exits 1 if either takes a second or
more.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
try:
    import transflow  # noqa: F401
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(REPO / "src"))

from transflow.align import align  # noqa: E402
from transflow.config import Config, load_config  # noqa: E402
from transflow.errors import TransflowError  # noqa: E402
from transflow.formats import format_for  # noqa: E402
from transflow.formats.base import Segment  # noqa: E402
from transflow.workflow.align import align_pair  # noqa: E402

CONFIG = """\
articles = "articles"
source_language = "nl"
languages = ["nl", "en"]
front_matter = ["title", "description", "summary"]
"""


def segments(path: Path) -> list[Segment]:
    fmt = format_for(path)
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
    repeat = max(args.repeat, 1)
    print(f"{'pair':<70} {'segments':>11} {'align':>10} {'align_pair':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        (root / "transflow.toml").write_text(CONFIG, encoding="utf-8")
        (root / "articles").mkdir()
        config = load_config(root)
        for info in pairs:
            nl, en = corpus / "pairs" / info["nl"]["file"], corpus / "pairs" / info["en"]["file"]
            source, target = segments(nl), segments(en)
            best = min(_time(source, target) for _ in range(repeat))
            whole = _time_pair(config, nl, en, info["id"].replace("/", "__"), repeat)
            worst = max(worst, best, whole or 0.0)
            shown = f"{whole * 1000:8.1f} ms" if whole is not None else "   refused"
            print(
                f"{info['id']:<70} {len(source):>4} x {len(target):<4}"
                f" {best * 1000:7.1f} ms {shown}"
            )
    print(f"slowest: {worst * 1000:.1f} ms")
    sys.exit(1 if worst >= 1.0 else 0)


def _time_pair(config: Config, source: Path, translation: Path, slug: str,
               repeat: int) -> float | None:
    """Best time of the whole ``align`` command's work; None when it refuses the pair."""
    article = config.articles / f"{slug}{source.suffix}"
    shutil.copyfile(source, article)
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        try:
            align_pair(config, article, translation, dry_run=True)
        except TransflowError as exc:
            print(f"  refused: {exc}", file=sys.stderr)
            return None
        times.append(time.perf_counter() - start)
    return min(times)


def _time(source: list[Segment], target: list[Segment]) -> float:
    start = time.perf_counter()
    align(source, target)
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
