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

import gc
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import click

__all__ = ["main", "run"]


def run() -> None:
    """The ``transflow`` program."""
    from transflow.cli.replay import replay, started_now

    started = started_now()
    code = replay(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from transflow.cli.group import main

    # What is loaded by now (click, the configuration, the workspace code) lives as long as
    # the process, and the workers a pool forks share it: the collector's full passes need
    # not look at it again. Measured on a cold single-process sync of 500 articles
    # (perf samples): its share of the time went from 4.2-4.9% to 2.2-2.9%.
    gc.freeze()
    main(obj={"started": started})


def __getattr__(name: str) -> click.Group:
    """``main`` (the click group) is loaded when first asked for."""
    if name == "main":
        from transflow.cli.group import main

        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
