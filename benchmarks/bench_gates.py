"""The check gates' share of a cold ``build`` and of a cold ``check``, in one process.

``bench_compare.py`` times whole processes; this one times, inside a single-process run
(``os.cpu_count`` patched to 1, so no workers), the CPU time of build's two gates
(``MarkupGate``, ``QualityGate``) and of ``run_checks`` under them, on a fresh copy of a
workspace (its ``.transflow-cache`` included, so every run is as cold as the first), each
run in a fresh interpreter (no warm in-process caches)::

    python benchmarks/corpus.py workspace /tmp/ws 500
    python benchmarks/bench_gates.py /tmp/ws -r 3

Medians are printed. Never part of the test suite (timings on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def timed_run(workspace: Path, argv: list[str]) -> dict[str, float]:
    """One in-process run of ``transflow argv`` on a copy of ``workspace``: CPU seconds of
    the whole command, each gate and ``run_checks``."""
    from click.testing import CliRunner

    import transflow.workflow.check as check_module
    from transflow.cli import main
    from transflow.workflow import gates

    spent = {"command": 0.0, "markup gate": 0.0, "quality gate": 0.0, "run_checks": 0.0}

    def timing(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
        def run(*args: Any, **kwargs: Any) -> Any:
            started = time.process_time()
            try:
                return func(*args, **kwargs)
            finally:
                spent[name] += time.process_time() - started

        return run

    saved = (gates.MarkupGate.__call__, gates.QualityGate.__call__,
             getattr(check_module, "run_checks"),  # noqa: B009
             os.cpu_count)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "ws"
        shutil.copytree(workspace, root, symlinks=True)
        cwd = Path.cwd()
        try:
            os.chdir(root)
            os.cpu_count = lambda: 1
            gates.MarkupGate.__call__ = timing("markup gate", saved[0])  # type: ignore[method-assign]
            gates.QualityGate.__call__ = timing("quality gate", saved[1])  # type: ignore[method-assign]
            setattr(check_module, "run_checks", timing("run_checks", saved[2]))  # noqa: B010
            started = time.process_time()
            result = CliRunner().invoke(main, argv)
            spent["command"] = time.process_time() - started
        finally:
            os.chdir(cwd)
            gates.MarkupGate.__call__ = saved[0]  # type: ignore[method-assign]
            gates.QualityGate.__call__ = saved[1]  # type: ignore[method-assign]
            setattr(check_module, "run_checks", saved[2])  # noqa: B010
            os.cpu_count = saved[3]
    if result.exit_code not in (0, 3):
        raise SystemExit(f"transflow {' '.join(argv)} failed:\n{result.output[-2000:]}")
    return spent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workspace", type=Path)
    parser.add_argument("--repeat", "-r", type=int, default=3)
    parser.add_argument("--one", help=argparse.SUPPRESS)  # a single timed run: "check --json"
    args = parser.parse_args()
    if args.one:
        print(json.dumps(timed_run(args.workspace.resolve(), args.one.split())))
        return
    print("| command | CPU | markup gate | quality gate | run_checks |\n|---|---|---|---|---|")
    for argv in (["build"], ["check", "--json"]):
        runs = [
            json.loads(subprocess.run(
                [sys.executable, __file__, str(args.workspace), f"--one={' '.join(argv)}"],
                check=True, capture_output=True, text=True).stdout)
            for _ in range(args.repeat)
        ]
        cells = [f"{statistics.median(r[k] for r in runs):.3f} s" for k in runs[0]]
        print(f"| {' '.join(argv)} | {' | '.join(cells)} |")


if __name__ == "__main__":
    main()
