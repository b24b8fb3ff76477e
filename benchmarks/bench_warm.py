"""The warm paths as the issue judges them, on a workspace ``corpus.py`` made.

Every step is a whole ``transflow`` process (interpreter start included), wall clock and peak
memory (``wait4``), repeated ``--repeat`` times; medians (and the largest peak) are printed::

    python benchmarks/corpus.py workspace /tmp/ws 2000
    python benchmarks/bench_warm.py /tmp/ws -r 3

Steps, after one ``build`` that settles the workspace:

* ``X unchanged, first``: ``build``, ``check --json`` and ``status`` right after a change
  elsewhere (no kept answer: every article is looked up in the results cache);
* ``X unchanged``: the same command again (its kept answer, ``cli/replay.py``);
* ``build one edited``: a paragraph appended to one article (a different one each time),
  ``sync`` (not timed), then ``build``, as the issue's judge does; and ``sync unchanged``.

Never part of the test suite (wall-clock figures on a shared machine).

Measured (2,000 articles, 2-core machine loaded by other work, load average 7-11; CPU time
user+sys of the process, which the load does not inflate, then wall): ``build`` unchanged
0.07 s CPU (0.08-0.15 s) from its kept answer, 0.28 s CPU without one (0.38-0.44 s user +
0.07-0.10 s sys before this session's work); ``check --json`` 0.06 s CPU (0.07-0.19 s),
0.31 s without; ``status`` 0.06 s CPU (0.06-0.11 s), 0.26 s without; ``sync`` unchanged
0.24 s CPU; ``build`` after one edited article and ``sync`` 0.37-0.38 s CPU (0.40-1.01 s;
0.52-0.57 s CPU before). At 10,000 articles: cold ``build`` 94.9 MB peak, ``check`` 58 MB,
``status`` 60 MB, ``sync`` 75 MB; a kept answer 38 MB and 0.44 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_compare import Measure, run_quiet, timed

from transflow.workflow.snapshot import forget_answers

COMMANDS = {"build": ["build"], "check": ["check", "--json"], "status": ["status"]}


def append_paragraph(root: Path, n: int) -> None:
    """The one-article edit: a paragraph appended to the n-th article."""
    articles = sorted((root / "articles").glob("*.md"))
    path = articles[n % len(articles)]
    text = path.read_text(encoding="utf-8")
    path.write_text(text + f"\nA paragraph added for run {n} of the warm benchmark.\n",
                    encoding="utf-8")


def steps(root: Path, tf: list[str], n: int) -> dict[str, Measure]:
    """One repetition of every warm step."""
    out: dict[str, Measure] = {}
    for name, argv in COMMANDS.items():
        forget_answers(root)  # as right after a change elsewhere
        out[f"{name} unchanged, first"] = timed([*tf, *argv], root)
        out[f"{name} unchanged"] = timed([*tf, *argv], root)
    out["sync unchanged"] = timed([*tf, "sync"], root)
    append_paragraph(root, n)
    run_quiet([*tf, "sync"], root)
    out["build one edited"] = timed([*tf, "build"], root)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--repeat", "-r", type=int, default=3)
    args = parser.parse_args()
    root = args.workspace.resolve()
    tf = [str(Path(sys.executable).parent / "transflow")]
    run_quiet([*tf, "build"], root)  # settle: whatever changed since is built now
    runs = [steps(root, tf, i) for i in range(args.repeat)]
    print(f"| step ({root.name}) | median | peak |\n|---|---|---|")
    for step in runs[0]:
        seconds = statistics.median(r[step][0] for r in runs)
        peak = max(r[step][1] for r in runs)
        print(f"| {step} | {seconds:.2f} s | {peak:.0f} MiB |")


if __name__ == "__main__":
    main()
