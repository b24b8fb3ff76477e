"""Time sync (cold and with nothing changed), status and build on N synthetic articles.

Run by hand or with ``make bench``; never part of the test suite. Each phase runs in its own
process so its wall time and peak memory (max RSS) are measured separately::

    python benchmarks/bench_pipeline.py --articles 2000
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

WORDS = [
    "magnesium", "brain", "synaptic", "plasticity", "memory", "cognitive", "ageing", "neurons",
    "study", "adults", "supplement", "research", "evidence", "sleep", "stress", "receptor",
    "mitochondrial", "function", "support", "health", "longevity", "dose", "effect", "placebo",
    "trial", "participants", "improvement", "signal",
]


def paragraph(rng: random.Random, sentences: int) -> str:
    out = []
    for _ in range(sentences):
        words = rng.choices(WORDS, k=rng.randint(12, 24))
        words[0] = words[0].capitalize()
        if rng.random() < 0.3:
            words[rng.randrange(len(words))] = f"**{rng.choice(WORDS)}**"
        if rng.random() < 0.2:
            words.append(f"[source](https://example.org/{rng.randint(1, 99999)})")
        out.append(" ".join(words) + ".")
    return " ".join(out) + rng.choice(["", "¹", "²", "³"])


def article(n: int) -> str:
    """A seed-sized article (~10 paragraphs, a source list, the shared promo block)."""
    rng = random.Random(n)
    parts = [
        f"---\ntitle: Article {n} about {rng.choice(WORDS)}\nlang: en\n---\n",
        f"# Article {n} about {rng.choice(WORDS)}\n",
    ]
    parts += [paragraph(rng, rng.randint(3, 6)) + "\n" for _ in range(10)]
    parts.append("## Sources\n")
    parts.append(
        "".join(
            f"{i}. Author {i}, et al. Study {rng.randint(1, 999)}. "
            f"https://pubmed.example.org/{rng.randint(10**6, 10**7)}/\n"
            for i in range(1, 8)
        )
    )
    parts.append("## Order one of our Premium NMN products now.\n")
    parts.append(
        "- Highest purity & maximum biological uptake\n"
        "- Independently laboratory tested\n- High-quality production (GMP)\n"
    )
    return "\n".join(parts)


def phase(root: Path, *args: str) -> tuple[float, float, float]:
    """Run ``transflow ARGS`` in a fresh process: (seconds in the command, peak MiB of the
    largest of the process and its workers, wall seconds including interpreter start)."""
    code = (
        "import resource, sys, time\n"
        "from transflow.cli import main\n"
        "t = time.perf_counter()\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "peak = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,\n"
        "           resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.stderr.write(f'\\nBENCH {time.perf_counter() - t} {peak / 1024}\\n')\n"
    )
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=root, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - started
    line = [x for x in proc.stderr.splitlines() if x.startswith("BENCH ")]
    if not line:
        raise SystemExit(f"transflow {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    _, seconds, mib = line[-1].split()
    return float(seconds), float(mib), wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", "-n", type=int, nargs="+", default=[500, 2000])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results = []
    for n in args.articles:
        root = Path(tempfile.mkdtemp(prefix="transflow-bench-"))
        try:
            (root / "transflow.toml").write_text(
                'articles = "articles"\nsource_language = "en"\nlanguages = ["nl", "en"]\n'
                'publish = "translated"\n'
            )
            folder = root / "articles"
            folder.mkdir()
            for i in range(n):
                (folder / f"article-{i:05d}.md").write_text(article(i), encoding="utf-8")
            row: dict[str, object] = {"articles": n}
            for name, argv in [
                ("sync_cold", ["sync"]),
                ("sync_unchanged", ["sync"]),
                ("status", ["status", "--json"]),
                ("build", ["build", "--allow-incomplete"]),
            ]:
                seconds, mib, wall = phase(root, *argv)
                row[name] = {"seconds": round(seconds, 3), "peak_mib": round(mib, 1),
                             "wall_with_startup": round(wall, 3)}
            # One article edited: sync cost must follow the change, not the corpus.
            first = folder / "article-00000.md"
            first.write_text(first.read_text() + "\nOne more paragraph.\n")
            seconds, mib, wall = phase(root, "sync")
            row["sync_one_edit"] = {"seconds": round(seconds, 3), "peak_mib": round(mib, 1),
                                    "wall_with_startup": round(wall, 3)}
            results.append(row)
        finally:
            shutil.rmtree(root, ignore_errors=True)
    if args.json:
        print(json.dumps(results, indent=2))
        return
    for row in results:
        print(f"N = {row['articles']}")
        for key, value in row.items():
            if isinstance(value, dict):
                print(f"  {key:16} {value['seconds']:8.3f} s   peak {value['peak_mib']:7.1f} MiB"
                      f"   ({value['wall_with_startup']:.3f} s with interpreter start)")


if __name__ == "__main__":
    main()
