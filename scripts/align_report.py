"""Per-pair alignment figures for the corpus pairs: links, confidence, gold precision/recall.

Usage: ``python scripts/align_report.py [CORPUS] [--verbose]`` (CORPUS defaults to
``../shared/corpus`` or ``$TRANSFLOW_CORPUS``). ``--verbose`` also prints every doubtful link
and every gold disagreement with the segment texts, which is how the gold was reviewed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
try:
    import transflow  # noqa: F401
except ModuleNotFoundError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(REPO / "src"))

from transflow.align import Alignment, align, evaluate  # noqa: E402
from transflow.formats import format_for  # noqa: E402
from transflow.formats.base import Document  # noqa: E402

GOLD = REPO / "tests" / "data" / "align_gold.json"
FRONT_MATTER_FIELDS = ("title", "description", "summary")


def find_corpus(arg: str | None) -> Path:
    for candidate in (
        arg,
        os.environ.get("TRANSFLOW_CORPUS"),
        str(REPO.parent / "shared" / "corpus"),
    ):
        if candidate and (Path(candidate) / "pairs" / "pairs.json").is_file():
            return Path(candidate)
    sys.exit("corpus not found: pass its folder or set TRANSFLOW_CORPUS")


def parse(path: Path) -> Document:
    fmt = format_for(path)
    return fmt.parse(path.read_text(encoding="utf-8"), front_matter_fields=FRONT_MATTER_FIELDS)


def show(doc: Document, indexes: tuple[int, ...], side: str) -> None:
    for k in indexes:
        segment = doc.segments[k]
        print(f"      {side}{k:<4} {segment.kind:<14} {segment.text[:100]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    corpus = find_corpus(args.corpus)
    pairs: list[dict[str, Any]] = json.loads((corpus / "pairs" / "pairs.json").read_text("utf-8"))
    gold = (
        {e["pair"]: e for e in json.loads(GOLD.read_text("utf-8"))["pairs"]}
        if GOLD.is_file()
        else {}
    )

    columns = ("links", "conf", "doubt", "unS", "unT", "prec", "rec", "ms")
    header = f"{'pair':<58} {'src':>4} {'tgt':>4} " + " ".join(f"{c:>5}" for c in columns)
    print(header)
    tot = [0, 0, 0]
    for info in pairs:
        entry = gold.get(info["id"])
        source_lang = entry["source_lang"] if entry else "nl"
        target_lang = "en" if source_lang == "nl" else "nl"
        source = parse(corpus / "pairs" / info[source_lang]["file"])
        target = parse(corpus / "pairs" / info[target_lang]["file"])
        start = time.perf_counter()
        result: Alignment = align(source.segments, target.segments)
        ms = (time.perf_counter() - start) * 1000
        prec = rec = ""
        if entry:
            gold_links = [(tuple(s), tuple(t)) for s, t in entry["links"]]
            loose = [(tuple(s), tuple(t)) for s, t in entry.get("loose", [])]
            figures = evaluate(result, gold_links, loose)
            prec, rec = f"{figures.precision:.3f}", f"{figures.recall:.3f}"
            tot[0] += figures.gold
            tot[1] += figures.confident
            tot[2] += figures.correct
        print(
            f"{info['id'][:58]:<58} {len(source.segments):>4} {len(target.segments):>4}"
            f" {len(result.links):>5} {len(result.confident):>4} {len(result.doubtful):>5}"
            f" {len(result.unmatched_source):>4} {len(result.unmatched_target):>4}"
            f" {prec:>6} {rec:>6} {ms:>6.0f}"
        )
        if args.verbose:
            gold_set = {(tuple(s), tuple(t)) for s, t in entry["links"]} if entry else set()
            loose_set = (
                {(tuple(s), tuple(t)) for s, t in entry.get("loose", [])} if entry else set()
            )
            for link in result.links:
                wrong = (
                    entry is not None
                    and link.confident
                    and (link.source, link.target) not in gold_set | loose_set
                )
                if not link.confident or wrong:
                    flag = "WRONG" if wrong else "doubt"
                    print(
                        f"   {flag} {link.score:.2f} {list(link.source)}->{list(link.target)}",
                        link.reasons,
                    )
                    show(source, link.source, "S")
                    show(target, link.target, "T")
            found = {(link.source, link.target) for link in result.confident}
            for s, t in sorted(gold_set - found):
                print(f"   MISSED {list(s)}->{list(t)}")
                show(source, s, "S")
                show(target, t, "T")
    if tot[0]:
        print(
            f"gold overall: precision {tot[2] / tot[1]:.3f} ({tot[2]}/{tot[1]}),"
            f" recall {tot[2] / tot[0]:.3f} ({tot[2]}/{tot[0]})"
        )


if __name__ == "__main__":
    main()
