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


def instructions(argv: list[str], cwd: Path, env: dict[str, str]) -> int:
    """Instructions ``argv`` executes in its own process (children not counted), on one CPU
    (so a command that picks its own number of workers does the work itself)."""
    done = subprocess.run(["taskset", "-c", "0", "valgrind", "--tool=callgrind",
                           "--callgrind-out-file=/dev/null", *argv],
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


def measure(base: Path, step: str, pure: bool) -> int:
    """Instructions of one cold ``step`` on a fresh copy of ``base``."""
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
        return instructions(argv, run, env)
    finally:
        shutil.rmtree(run, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=100, help="articles beyond the first")
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


if __name__ == "__main__":
    main()
