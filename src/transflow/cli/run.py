"""``transflow run``: sync → translate → check → build in one command, for pipelines.

Per article, like every step: an article or catalog that cannot be read is reported and
skipped by each step, a check error keeps only its own article out of the build, and the
exit code at the end says what went wrong (1 before 3). Only a step that fails as a whole
(the configuration, the workspace lock) stops the run; a DeepL failure does not stop the
check and the build of what is already finished.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import click

from transflow.cli import main
from transflow.cli.check import format_finding
from transflow.cli.common import (
    articles_argument,
    emit_json,
    get_config,
    info,
    json_option,
    render_problems,
)
from transflow.cli.core import render_build, render_sync
from transflow.cli.translate import KEY_VARIABLE, URL_VARIABLE, render_stop, render_summary
from transflow.config import Config
from transflow.errors import EngineError, Problem, TransflowError
from transflow.mt import Engine
from transflow.workflow.build import build
from transflow.workflow.check import check
from transflow.workflow.gates import default_gates
from transflow.workflow.sync import sync
from transflow.workflow.translate import make_deepl_engine, translate


@dataclass(slots=True)
class Step:
    """One step of a run: its name, exit code and a short JSON summary."""

    name: str
    exit_code: int = 0
    summary: dict[str, object] = field(default_factory=dict)
    message: str = ""
    #: Articles and catalogs this step reported and skipped.
    problems: list[Problem] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The step's part of the run document."""
        return {"step": self.name, "ok": self.exit_code == 0, "exit_code": self.exit_code,
                "message": self.message, "summary": self.summary,
                "problems": [p.to_json() for p in self.problems]}


@main.command("run")
@articles_argument
@click.option("--engine", "engine_name", type=click.Choice(["memory", "deepl"]),
              default="deepl", show_default=True,
              help="Drafting engine; without DEEPL_AUTH_KEY only memory is used.")
@click.option("--max-chars", type=click.IntRange(min=0), metavar="N",
              help="Stop before sending when DeepL would need more than N characters.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: 'output' from the configuration).")
@click.option("--allow-incomplete", is_flag=True,
              help="Build unfinished articles with the source text where not finished.")
@click.option("--strict", is_flag=True, help="Exit 3 when any article is unfinished.")
@click.option("--dry-run", is_flag=True,
              help="Plan every step; write nothing and send nothing to DeepL.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path),
              metavar="DIR", help="Also write the static review report into DIR "
              "(as 'transflow report'), even when a step failed.")
@json_option
@click.pass_context
def run_cmd(ctx: click.Context, articles: tuple[Path, ...], engine_name: str,
            max_chars: int | None, out: Path | None, allow_incomplete: bool, strict: bool,
            dry_run: bool, report_dir: Path | None, as_json: bool) -> None:
    """Run sync, translate, check and build, article by article.

    A broken article or catalog is reported and skipped, and an article with check
    errors is left out of the build; every other article goes through every step. The
    exit code at the end: 1 for an error (a bad article or catalog, DeepL quota or key),
    else 3 when check finds errors or, with --strict, when an article is unfinished.
    Without DEEPL_AUTH_KEY, translate applies translation memory only.

    \b
    Example (CI):
      transflow run --strict --json > run.json
    """
    config = get_config(ctx, lock=not dry_run)
    paths = list(articles)
    key = os.environ.get(KEY_VARIABLE, "").strip()
    steps: list[Step] = []
    quiet = as_json

    def engine() -> Engine | None:
        if engine_name != "deepl" or not key:
            return None
        return make_deepl_engine(config, key, server_url=os.environ.get(URL_VARIABLE) or None)

    actions: list[tuple[str, Callable[[Config, Step], None]]] = [
        ("sync", lambda c, s: _sync(c, s, paths, quiet, dry_run)),
        ("translate", lambda c, s: _translate(c, s, paths, engine, engine_name, max_chars,
                                              quiet, dry_run)),
        ("check", lambda c, s: _check(c, s, paths, quiet)),
        ("build", lambda c, s: _build(c, s, paths, out, allow_incomplete, strict, quiet,
                                      dry_run)),
    ]
    stopped_at: str | None = None
    for name, action in actions:
        step = Step(name)
        steps.append(step)
        try:
            action(config, step)
        except TransflowError as exc:
            step.exit_code = exc.exit_code
            step.message = str(exc)
            if not quiet:
                info(f"Error: {exc}")
                if exc.hint:
                    info(f"Hint: {exc.hint}")
            if not isinstance(exc, EngineError):  # the whole step failed: so would the rest
                stopped_at = name
                break
    # Each step meets the same broken files: list each problem once.
    problems = list(dict.fromkeys(p for s in steps for p in s.problems))
    codes = {s.exit_code for s in steps}
    code = 1 if 1 in codes else max(codes)
    render_problems(problems)
    report_doc: dict[str, object] | None = None
    if report_dir is not None and not dry_run:
        from transflow.cli.serve import write_report_folder

        written = write_report_folder(config, report_dir, quiet=quiet)
        report_doc = {"out": config.relative(written.out), "pages": written.pages,
                      "problems": written.problems}
    if as_json:
        emit_json({
            "version": 1,
            "exit_code": code,
            "stopped_at": stopped_at,
            "steps": [s.to_json() for s in steps],
            "problems": [p.to_json() for p in problems],
            **({"report": report_doc} if report_doc is not None else {}),
        })
    else:
        for s in steps:
            status = "ok" if not s.exit_code else f"failed (exit {s.exit_code})"
            info(f"run: {s.name:9} {status}{': ' + s.message if s.message else ''}")
    ctx.exit(code)


def _sync(config: Config, step: Step, paths: list[Path], quiet: bool, dry_run: bool) -> None:
    report = sync(config, paths, workers=os.cpu_count() or 1, dry_run=dry_run)
    step.summary = {"articles": len(report.articles) + report.unchanged,
                    "written": report.written, "orphans": report.orphans}
    _problems(step, report.problems)
    if not quiet:
        render_sync(report)


def _problems(step: Step, problems: list[Problem]) -> None:
    step.problems = problems
    if problems:
        step.exit_code = 1
        step.message = f"{len(problems)} article(s) or catalog(s) skipped"


def _translate(config: Config, step: Step, paths: list[Path],
               engine: Callable[[], Engine | None], engine_name: str,
               max_chars: int | None, quiet: bool, dry_run: bool) -> None:
    report = translate(config, paths, engine=engine(), engine_name=engine_name,
                       max_chars=max_chars, dry_run=dry_run)
    totals = report.to_json()["totals"]
    step.summary = totals if isinstance(totals, dict) else {}
    _problems(step, report.problems)
    if not quiet:
        render_summary(report)
        if report.engine is None and report.left:
            info(f"{report.left} segment(s) left for DeepL; set {KEY_VARIABLE} to draft them.")
    if report.stopped is not None:
        if not quiet:
            render_stop(report)
        step.exit_code = 1
        step.message = str(report.stopped)


def _check(config: Config, step: Step, paths: list[Path], quiet: bool) -> None:
    report = check(config, paths)
    errors = report.errors
    step.summary = {"errors": len(errors), "warnings": report.count("warning")}
    _problems(step, report.problems)
    if errors:
        if not quiet:
            for finding in errors:
                click.echo(format_finding(finding))
        if not step.exit_code:
            step.exit_code = 3
            step.message = f"{len(errors)} check error(s)"


def _build(config: Config, step: Step, paths: list[Path], out: Path | None,
           allow_incomplete: bool, strict: bool, quiet: bool, dry_run: bool) -> None:
    report = build(config, paths, output=out, allow_incomplete=allow_incomplete,
                   gates=default_gates(config), dry_run=dry_run,
                   workers=os.cpu_count() or 1)
    step.summary = {"built": [a.article for a in report.articles if a.built],
                    "unfinished": [a.article for a in report.unfinished],
                    "refused": [a.article for a in report.blocked],
                    "output": report.output}
    _problems(step, report.problems)
    if not quiet:
        render_build(report)
    if step.exit_code:
        return
    if report.blocked:
        step.exit_code = 3
        step.message = f"{len(report.blocked)} article(s) refused by the checks"
    elif strict and report.unfinished:
        step.exit_code = 3
        step.message = f"{len(report.unfinished)} unfinished article(s)"
