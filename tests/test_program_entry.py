"""The ``transflow`` program's entry (``transflow.cli.run``), as a process runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_PROBE = """
import gc, sys
import transflow.cli.group as group
group.main = lambda obj: print(gc.get_freeze_count(), obj.get("started") is not None)
sys.argv = ["transflow", "status"]
import transflow.cli as cli
cli.run()
"""


def test_what_is_loaded_before_the_command_runs_is_frozen(tmp_path: Path) -> None:
    """The collector's full passes skip the objects loaded before the command (they live as
    long as the process): ``run`` freezes them just before handing over to click."""
    out = subprocess.run([sys.executable, "-c", _PROBE], cwd=tmp_path, capture_output=True,
                         text=True, check=True)
    frozen, started = out.stdout.split()
    assert int(frozen) > 10_000  # click, the configuration and the workspace code
    assert started == "True"


def test_a_library_user_keeps_the_collector_as_it_was(tmp_path: Path) -> None:
    """Only the program freezes: importing the package, or running a command in-process as
    the tests' ``CliRunner`` does (``init`` then ``status``: through the group's invoke and
    the command's), leaves the collector alone."""
    code = ("import gc, transflow.cli, transflow.cli.group; "
            "from click.testing import CliRunner; "
            "r = CliRunner(); m = transflow.cli.group.main; "
            "a = r.invoke(m, ['init', '.']); b = r.invoke(m, ['status']); "
            "print(a.exit_code, b.exit_code, gc.get_freeze_count())")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == ["0", "0", "0"]
