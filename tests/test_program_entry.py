"""The ``transflow`` program's entry (``transflow.cli.run``), as a process runs it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

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


#: A program that ends through ``leave`` after printing (buffered: stdout is a pipe), with an
#: ``atexit`` function, and a module-level object whose ``__del__`` only a teardown calls.
_LEAVE = """
import atexit, sys, threading, time
from transflow.cli import leave
class Dropped:
    def __del__(self):
        print("torn down", flush=True)
kept = Dropped()
print("printed")
atexit.register(lambda: print("atexit ran"))
{before}
leave({code})
"""

_LATE_THREAD = ("threading.Thread(target=lambda: (time.sleep(0.2), print('thread done', "
                "flush=True))).start()")


@pytest.mark.parametrize(("code", "before", "status", "lines", "err"), [
    # the common end: atexit functions run, stdout flushed, no teardown
    ("0", "", 0, ["printed", "atexit ran"], ""),
    ("None", "", 0, ["printed", "atexit ran"], ""),
    ("3", "", 3, ["printed", "atexit ran"], ""),
    # Python's own exit where it does more: a message to print, a thread to wait for
    ("'no such thing'", "", 1, ["printed", "atexit ran", "torn down"], "no such thing"),
    ("0", _LATE_THREAD, 0, ["printed", "thread done", "atexit ran", "torn down"], ""),
])
def test_the_program_ends_as_sys_exit_would(
    tmp_path: Path, code: str, before: str, status: int, lines: list[str], err: str
) -> None:
    """``leave`` ends with ``sys.exit``'s status, output and ``atexit`` functions, and skips
    the interpreter's teardown (no module-level object is finalised) unless Python's own
    exit has more to do."""
    program = _LEAVE.format(code=code, before=before)
    out = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, capture_output=True,
                         text=True, check=False)
    assert out.returncode == status
    assert out.stdout.splitlines() == lines
    assert out.stderr.strip() == err


@pytest.mark.parametrize(("argv", "status", "stdout", "stderr"), [
    (["--version"], 0, "transflow, version", ""),
    (["no-such-command"], 2, "", "Error: No such command 'no-such-command'."),
    (["status"], 1, "", "Error: no transflow.toml"),
])
def test_the_program_keeps_its_exit_codes_and_output(
    tmp_path: Path, argv: list[str], status: int, stdout: str, stderr: str
) -> None:
    """The ``transflow`` program through ``run`` and ``leave``: its status and its output,
    whole (stdout is a pipe here, so block-buffered until the end)."""
    out = subprocess.run([sys.executable, "-m", "transflow", *argv], cwd=tmp_path,
                         capture_output=True, text=True, check=False)
    assert out.returncode == status
    assert out.stdout.startswith(stdout)
    assert stderr in out.stderr
    assert "Traceback" not in out.stderr


def test_debug_adds_the_traceback_before_the_error_line(tmp_path: Path) -> None:
    """``--debug`` prints the traceback (its module is loaded only then), then the same
    one-line error and exit code as without it."""
    out = subprocess.run([sys.executable, "-m", "transflow", "--debug", "status"],
                         cwd=tmp_path, capture_output=True, text=True, check=False)
    assert out.returncode == 1
    assert out.stderr.startswith("Traceback (most recent call last):")
    last = out.stderr.splitlines()[-2:]
    assert last[0].startswith("Error: no transflow.toml") and last[1].startswith("Hint: ")


def test_build_raises_the_collectors_threshold_while_it_runs_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``build`` runs with the collector's first threshold at ``BUILD_COLLECTOR_THRESHOLD``
    (fewer passes over the article it works on) and puts it back after, also when the build
    fails: a process that runs commands in turn (the tests, the web preview) keeps its own."""
    import gc

    from tests.helpers import ARTICLE, make_workspace, run
    from transflow.cli import core
    from transflow.workflow import build as build_module

    root = make_workspace(tmp_path, {"sleep.md": ARTICLE})
    assert run(root, "sync").exit_code == 0
    seen: list[tuple[int, int, int]] = []
    real = build_module.build

    def spy(*args: object, **kwargs: object) -> object:
        seen.append(gc.get_threshold())
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "build", spy)
    before = gc.get_threshold()
    assert before[0] != core.BUILD_COLLECTOR_THRESHOLD
    assert run(root, "build", "--allow-incomplete").exit_code == 0
    assert seen == [(core.BUILD_COLLECTOR_THRESHOLD, *before[1:])]
    assert gc.get_threshold() == before

    def fails(*args: object, **kwargs: object) -> object:
        raise OSError(28, "No space left on device", str(root / "dist"))

    monkeypatch.setattr(build_module, "build", fails)
    assert run(root, "build").exit_code == 1
    assert gc.get_threshold() == before
