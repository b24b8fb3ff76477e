"""Instructions per article (valgrind's callgrind): a cost that does not move with the load.

Timings on a shared machine vary from run to run by more than most changes gain; the count
of instructions a command executes does not (the same binary, inputs and hash seed give the
same count, busy machine or not). This runs a cold ``sync -j 1`` and a cold ``build`` (no
cache, so articles are parsed, checked and rendered) in one process on 1 and N + 1 variants
of the sample article (``corpus.py``), under callgrind, compiled and pure Python
(``TRANSFLOW_PURE_PYTHON=1``), and prints the fixed part (interpreter start, imports, the
workspace) and the part per article. Instructions are not time (an instruction of C code
and one of the interpreter loop differ), so peers are not compared this way: see
``bench_compare.py``. Needs valgrind (skips without it)::

    python benchmarks/bench_instructions.py            # N = 100
    python benchmarks/bench_instructions.py -n 200
    python benchmarks/bench_instructions.py --shares   # and where a compiled run spends them

``--shares`` also prints, for the compiled run of N + 1 articles, the share of each step's
instructions spent inside each of :data:`SHARES` (compiled functions, callees included:
callgrind's ``--toggle-collect``), or inside the functions named with ``--function``.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.py"
_COLLECTED = re.compile(rb"Collected : (\d+)")


#: Compiled functions whose share ``--shares`` prints (mypyc's C names: ``CPyDef_`` then
#: the module's last part and the function, ``___`` between them).
SHARES = (
    "CPyDef_markdown_render___MarkdownFormat___parse",  # the whole Markdown parse
    "CPyDef_catalog___save",  # a catalog rendered and staged
    "CPyDef_layout____wrap",  # a field's lines (UAX #14 line breaking)
    "CPyDef_language_guess___article_mismatch",  # the article's language checked
    "CPyDef_suite___run_checks",  # the quality checks of an entry
)


def instructions(argv: list[str], cwd: Path, env: dict[str, str],
                 inside: str | None = None) -> int:
    """Instructions ``argv`` executes in its own process (children not counted), on one CPU
    (so a command that picks its own number of workers does the work itself); with
    ``inside``, only those executed inside that function (its callees included)."""
    toggle = [f"--toggle-collect={inside}"] if inside else []
    done = subprocess.run(["taskset", "-c", "0", "valgrind", "--tool=callgrind",
                           "--callgrind-out-file=/dev/null", *toggle, *argv],
                          cwd=cwd, env=env, capture_output=True, check=False)
    found = _COLLECTED.search(done.stderr)
    if done.returncode not in (0, 3) or found is None:
        raise SystemExit(f"{' '.join(argv)} failed:\n{done.stderr.decode()[-2000:]}")
    return int(found.group(1))


def workspace(folder: Path, n: int) -> Path:
    """A synced, translated workspace of ``n`` variants without its cache (``corpus.py``)."""
    subprocess.run([sys.executable, str(CORPUS), "workspace", str(folder), str(n)],
                   check=True, capture_output=True)
    shutil.rmtree(folder / ".transflow-cache", ignore_errors=True)
    shutil.rmtree(folder / "dist", ignore_errors=True)
    return folder


def measure(base: Path, step: str, pure: bool, inside: str | None = None) -> int:
    """Instructions of one cold ``step`` on a fresh copy of ``base`` (``inside``: see
    :func:`instructions`)."""
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    env.pop("TRANSFLOW_PURE_PYTHON", None)
    if pure:
        env["TRANSFLOW_PURE_PYTHON"] = "1"
    run = Path(tempfile.mkdtemp(dir=base.parent))
    if step == "sync":  # the articles alone, as a first sync finds them
        shutil.copytree(base / "articles", run / "articles")
        shutil.copy(base / "transflow.toml", run / "transflow.toml")
        argv = [sys.executable, "-m", "transflow", "sync", "-j", "1"]
    else:
        shutil.copytree(base, run, dirs_exist_ok=True)
        argv = [sys.executable, "-m", "transflow", step]
    try:
        return instructions(argv, run, env, inside)
    finally:
        shutil.rmtree(run, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="articles beyond the first")
    parser.add_argument("--shares", action="store_true",
                        help="also the share of each step spent inside SHARES' functions")
    parser.add_argument("--function", action="append", default=[], metavar="C_NAME",
                        help="with --shares: this compiled function instead (repeatable)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None or shutil.which("taskset") is None:
        print("valgrind (or taskset) is not installed: nothing measured", file=sys.stderr)
        return
    version = subprocess.run([sys.executable, "-m", "transflow", "--version"],
                             capture_output=True, text=True, check=False)
    print(f"installed: {version.stdout.strip()}")
    with tempfile.TemporaryDirectory() as tmp:
        one = workspace(Path(tmp) / "one", 1)
        many = workspace(Path(tmp) / "many", args.n + 1)
        print("| step | run as | fixed (M instructions) | per article (M) |\n|---|---|---|---|")
        for step in ("sync", "build"):
            for pure in (False, True):
                small, large = measure(one, step, pure), measure(many, step, pure)
                per = (large - small) / args.n
                print(f"| {step} | {'pure Python' if pure else 'as installed'} | "
                      f"{(small - per) / 1e6:.0f} | {per / 1e6:.2f} |")
        if args.shares:
            print(f"\n{args.n + 1} articles, as installed: instructions inside each function"
                  "\n| step | function | M instructions | share |\n|---|---|---|---|")
            for step in ("sync", "build"):
                whole = measure(many, step, False)
                for name in args.function or SHARES:
                    part = measure(many, step, False, name)
                    print(f"| {step} | {name} | {part / 1e6:.0f} | {100 * part / whole:.1f}% |")


if __name__ == "__main__":
    main()
