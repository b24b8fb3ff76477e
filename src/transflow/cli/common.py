"""Shared pieces of the command line: the one error printer, option bundles, output helpers.

This is the only module that prints, exits or reads the environment. Conventions for every
command: data on stdout, messages and progress on stderr; ``--json`` prints one versioned
document; exit 0 fine, 1 error, 2 usage, 3 not ready (a gate failed). Library errors arrive
as ``TransflowError`` and are printed as one line naming the file, plus a hint; tracebacks
only with ``--debug``.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from transflow.cli import replay
from transflow.config import Config, load_config
from transflow.errors import Problem, TransflowError, os_error
from transflow.workflow.workspace import Progress, no_progress, recover, workspace_lock

F = TypeVar("F", bound=Callable[..., Any])


#: Command name -> module that defines it (with ``@main.command``). Modules are imported only
#: when their command runs, so ``transflow sync`` never pays for the DeepL client.
LAZY_COMMANDS = {
    "init": "transflow.cli.core",
    "sync": "transflow.cli.core",
    "status": "transflow.cli.core",
    "build": "transflow.cli.core",
    "translate": "transflow.cli.translate",
    "review": "transflow.cli.review",
    "check": "transflow.cli.check",
    "align": "transflow.cli.align",
    "run": "transflow.cli.run",
    "serve": "transflow.cli.serve",
    "report": "transflow.cli.serve",
}


class TransflowGroup(click.Group):
    """Lazy subcommands; library errors become one line on stderr and the right exit code."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            importlib.import_module(LAZY_COMMANDS[cmd_name])
        return self.commands.get(cmd_name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta[ARGS_META] = tuple(args)  # the command line as typed: an answer's key
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        args = ctx.meta.get(ARGS_META, ())
        recorder = None
        if replay.replayable(args):
            started = (ctx.obj or {}).get("started") or time.time_ns()
            recorder = replay.Recorder(args, started)
        try:
            code: int | None = None
            try:
                result = super().invoke(ctx)
            except click.exceptions.Exit as exc:
                if recorder is None:
                    raise
                code = exc.exit_code
            if recorder is not None:
                # Kept once the command's frames are gone (the exception held them, and with
                # them its report: a 10,000-article build's would double the peak memory).
                recorder.keep((ctx.obj or {}).get("config"), code or 0,
                              wrote=bool(ctx.meta.get(replay.WROTE_META)),
                              rerun=ctx.meta.get(replay.RERUN_META))
            if code is not None:
                raise click.exceptions.Exit(code)
            return result
        except TransflowError as exc:
            _traceback(ctx)
            _fail(ctx, exc)
        except OSError as exc:
            # A library function let a filesystem error through (disk full, permission, a
            # file where a folder should be): still one line naming the path, exit 1.
            _traceback(ctx)
            _fail(ctx, os_error(exc))
        except KeyboardInterrupt:
            click.echo("Interrupted; everything finished so far is saved.", err=True)
            ctx.exit(130)
        finally:
            if recorder is not None:
                recorder.stop()


def _traceback(ctx: click.Context) -> None:
    """With ``--debug``, the traceback on stderr; the error line, the JSON document and the
    exit code follow as without it (``--debug`` never suppresses ``--json``)."""
    if ctx.obj and ctx.obj.get("debug"):
        import traceback  # (--debug only)

        click.echo(traceback.format_exc().rstrip(), err=True)


def _fail(ctx: click.Context, exc: TransflowError) -> None:
    """End the command on a library error: the lines on stderr, the JSON document on stdout
    when ``--json`` was asked for, and the error's exit code."""
    show_error(exc)
    if ctx.meta.get(JSON_META):  # a pipeline asked for JSON: it gets a document
        emit_json({
            "version": 1,
            "error": {
                "message": exc.message,
                "path": exc.path.as_posix() if exc.path is not None else None,
                "line": exc.line,
                "hint": exc.hint,
            },
            "exit_code": exc.exit_code,
        })
    ctx.exit(exc.exit_code)


def echo_error(message: str, hint: str | None = None, details: Sequence[str] = ()) -> None:
    """The one error printer: ``Error: …`` on stderr, then detail lines, then ``Hint: …``.

    Every command prints its errors through here (directly, or via :func:`show_error`), so
    an error looks the same whichever command or step reports it.
    """
    click.echo(f"Error: {message}", err=True)
    for line in details:
        click.echo(line, err=True)
    if hint:
        click.echo(f"Hint: {hint}", err=True)


def show_error(exc: TransflowError) -> None:
    """Print a library error and the errors it carries along (``exc.also``): each its one
    line (file and line first, relative to the current folder as the user typed it) and
    its hint."""
    for error in (exc, *exc.also):
        if error.path is not None and error.path.is_absolute():
            with contextlib.suppress(ValueError):  # show paths as the user typed them
                error.path = error.path.relative_to(Path.cwd())
        echo_error(str(error), error.hint)


def emit_json(document: object) -> None:
    """Print one JSON document on stdout."""
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def emit_chunks(chunks: Iterable[str]) -> None:
    """Print one JSON document on stdout, made piece by piece (as :func:`emit_json` prints
    it: a large document is never held whole)."""
    for chunk in chunks:
        click.echo(chunk, nl=False)
    click.echo("")


#: Stands for the items ``emit_json_items`` writes (JSON writes the NULs as ``\\u0000``:
#: no other value can look the same).
_ITEMS = "\0items\0"


def emit_json_items(document: dict[str, object], key: str, items: Iterable[object]) -> None:
    """``emit_json`` of ``document`` with ``items`` as the list at ``key`` (in the place
    the key has in it): the same text, but no list of the items, nor a string of the
    whole, is ever made (a sync of 10,000 articles reports on each). Items are written a
    few hundred at a time."""
    marker = json.dumps(_ITEMS)
    text = json.dumps({**document, key: [_ITEMS]}, indent=2, ensure_ascii=False)
    at = text.index(marker)
    line_start = text.rindex("\n", 0, at) + 1
    head, tail, indent = text[:line_start], text[at + len(marker) :], text[line_start:at]
    pending: list[str] = []
    before = head  # what comes before the next item
    for item in items:
        pending.append(indent + json.dumps(item, indent=2, ensure_ascii=False)
                       .replace("\n", "\n" + indent))
        if len(pending) >= 256:
            click.echo(before + ",\n".join(pending), nl=False)
            before, pending = ",\n", []
    if before is head and not pending:
        emit_json({**document, key: []})  # ``[]``, as json writes an empty list
        return
    click.echo((before + ",\n".join(pending) if pending else "") + tail)


#: Lines ``echo_lines`` writes at once.
ECHO_BATCH = 4096


def echo_lines(lines: Iterable[str]) -> int:
    """One line on stdout per item (written paths), a few thousand per write: ``click.echo``
    flushes each call, and a cold build of 2,000 articles lists 4,000 files (an iterator is
    not made into one string: a sync of 10,000 articles lists 20,000). Returns how many."""
    count = 0
    batch: list[str] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= ECHO_BATCH:
            click.echo("\n".join(batch))
            count += len(batch)
            batch = []
    if batch:
        click.echo("\n".join(batch))
    return count + len(batch)


def info(message: str) -> None:
    """A message for people: stderr, so stdout stays data."""
    click.echo(message, err=True)


def render_problems(problems: Sequence[Problem]) -> None:
    """Every article or catalog a command skipped: one ``Error:`` line each, plus its hint."""
    for problem in problems:
        echo_error(str(problem), problem.hint)


def exit_code(problems: Sequence[Problem], *, gate_failed: bool = False) -> int:
    """The exit code of a per-article command: 1 when something could not be read (that
    wins: the result is incomplete), 3 when a gate failed, else 0."""
    if problems:
        return 1
    return 3 if gate_failed else 0


@contextmanager
def progress_bar(label: str, enabled: bool) -> Iterator[Progress]:
    """A progress callback: a bar on a terminal, nothing in CI or under --json."""
    if not enabled or not sys.stderr.isatty():
        yield no_progress
        return
    # Straight to the terminal: a bar is not part of a command's kept answer (``replay``).
    with click.progressbar(length=0, label=label, file=replay.unrecorded(sys.stderr)) as bar:
        seen = [0]

        def update(done: int, total: int, item: str) -> None:
            bar.length = total
            bar.label = f"{label} {item}"[:60]
            bar.update(done - seen[0])
            seen[0] = done

        yield update


def get_config(ctx: click.Context, *, lock: bool = False) -> Config:
    """Load the configuration once per invocation.

    ``lock=True`` (commands that write) also takes the workspace lock until the command
    ends, so two transflow commands never interleave their writes.
    """
    obj = ctx.ensure_object(dict)
    if "config" not in obj:
        explicit = obj.get("config_path")
        obj["config"] = load_config(explicit=Path(explicit) if explicit else None)
    config: Config = obj["config"]
    if lock and not obj.get("locked"):
        ctx.with_resource(workspace_lock(config))
        obj["locked"] = True
    elif not obj.get("recovered"):
        recover(config)  # any command finishes what a killed run left
        obj["recovered"] = True
    return config


#: ``ctx.meta`` key of the arguments after ``transflow`` (see ``replay``).
ARGS_META = "transflow.args"

#: ``ctx.meta`` key set by ``--json`` so that an error, too, is reported as a JSON document.
JSON_META = "transflow.json"


def _remember_json(ctx: click.Context, param: click.Parameter, value: bool) -> bool:
    ctx.meta[JSON_META] = value
    return value


def json_option(func: F) -> F:
    """``--json``: one versioned document on stdout (errors included)."""
    return click.option("--json", "as_json", is_flag=True, callback=_remember_json,
                        help="Print one JSON document (also for an error).")(func)


def articles_argument(func: F) -> F:
    """``[ARTICLE]...``: defaults to every article of the workspace."""
    return click.argument(
        "articles", nargs=-1, type=click.Path(path_type=Path, dir_okay=False)
    )(func)


def lang_option(func: F) -> F:
    """``--lang L``: only this target language."""
    return click.option("--lang", "language", metavar="L", help="Only this target language.")(
        func
    )


def check_language(config: Config, language: str | None) -> str | None:
    """Validate ``--lang`` against the configured languages (a usage error, exit 2)."""
    if language is None:
        return None
    code = language.strip().replace("-", "_")
    if code in config.languages:
        return code
    base = code.split("_")[0]
    if base in config.languages:
        return base
    import difflib  # (an error's suggestion: loaded only then)

    close = difflib.get_close_matches(code, config.languages, n=1, cutoff=0.0)
    hint = f" (did you mean '{close[0]}'?)" if close else ""
    raise click.BadParameter(
        f"{language!r} is not one of the workspace's languages "
        f"{', '.join(config.languages)}{hint}",
        param_hint="--lang",
    )


