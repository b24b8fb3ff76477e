"""The command line: parse options, call the workflow, render text or JSON, pick the exit code.

This package is the only place that prints, exits or reads the environment. Conventions for
every command: data on stdout, messages and progress on stderr; ``--json`` prints one
versioned document; exit 0 fine, 1 error, 2 usage, 3 not ready (a gate failed). Library
errors arrive as ``TransflowError`` and are printed as one line naming the file, plus a hint;
tracebacks only with ``--debug``. Each command group lives in its own module and registers
itself on ``main`` (``group.py``).

Importing this package is cheap on purpose: ``run`` (the ``transflow`` program) first tries
the kept answer of an unchanged command (``replay.py``) and loads click and the commands only
when the command has to run.
"""

from __future__ import annotations

import atexit
import gc
import os
import sys
from typing import TYPE_CHECKING, NoReturn

if TYPE_CHECKING:
    import click

__all__ = ["main", "run"]


def run() -> None:
    """The ``transflow`` program."""
    from transflow.cli.replay import replay, started_now

    started = started_now()
    code = replay(sys.argv[1:])
    if code is not None:
        leave(code)
    # The methods of the dataclasses about to be made (the commands', the workflow's), from
    # compiled code kept between runs rather than compiled again (see dataclass_code).
    from transflow import dataclass_code

    dataclass_code.install()
    from transflow.cli.group import main

    # What is loaded by now (click, the configuration, the workspace code) lives as long as
    # the process, and the workers a pool forks share it: the collector's full passes need
    # not look at it again. Measured on a cold single-process sync of 500 articles
    # (perf samples): its share of the time went from 4.2-4.9% to 2.2-2.9%.
    gc.freeze()
    try:
        main(obj={"started": started})
    except SystemExit as exc:  # (click's standalone mode always ends here)
        leave(exc.code)


def leave(code: str | int | None) -> NoReturn:
    """End the program as ``sys.exit(code)`` would, without the interpreter's teardown.

    Why: at exit Python tears every module down and runs a last full collection over
    everything a command loaded and kept (parsers, caches, the checks' memos): 2% of a cold
    single-process ``build`` of 500 articles (perf samples), for memory the kernel frees at
    once anyway. What an exit must still do is done here, in Python's order: the ``atexit``
    functions (the spools' ``weakref.finalize`` closers, multiprocessing's clean-up), then
    stdout and stderr flushed. Python's own exit is taken instead when a thread is still
    running (it waits for non-daemon threads), when the code is not an int (it prints it),
    and when a flush fails (it reports that and exits 120). Files are written with
    ``os`` calls and closed, and the caches' SQLite connections are closed and commit as
    they go: no buffer of ours is left to the teardown.
    """
    threading = sys.modules.get("threading")  # (not loaded: no thread was started with it)
    if (code is not None and not isinstance(code, int)) or (
            threading is not None and threading.active_count() > 1):
        sys.exit(code)
    atexit._run_exitfuncs()
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        sys.exit(code)
    os._exit(code or 0)


def __getattr__(name: str) -> click.Group:
    """``main`` (the click group) is loaded when first asked for."""
    if name == "main":
        from transflow.cli.group import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
