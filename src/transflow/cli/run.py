"""``transflow run``: sync → translate → check → build in one command, for pipelines.

Per article (see :mod:`transflow.workflow.run`): each step's own output as it ends, then
every skipped article or catalog once, then one line per step.
"""

from __future__ import annotations

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
    show_error,
)
from transflow.cli.core import render_build, render_sync
from transflow.cli.translate import KEY_VARIABLE, deepl_engine, render_stop, render_summary
from transflow.cpus import worker_count
from transflow.mt import Engine
from transflow.workflow.build import BuildReport
from transflow.workflow.check import CheckReport
from transflow.workflow.run import RunOptions, Step, run
from transflow.workflow.sync import SyncReport
from transflow.workflow.translate_report import TranslateReport


@main.command("run")
@articles_argument
@click.option("--engine", "engine_name", type=click.Choice(["memory", "deepl"]),
              default="deepl", show_default=True,
              help="Drafting engine; without DEEPL_AUTH_KEY only memory is used.")
@click.option("--max-chars", type=click.IntRange(min=0), metavar="N",
              help="Stop before sending when DeepL would need more than N characters.")
@click.option("--fit", is_flag=True,
              help="Over the quota (or --max-chars): draft whole articles while they fit.")
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
            max_chars: int | None, fit: bool, out: Path | None, allow_incomplete: bool,
            strict: bool, dry_run: bool, report_dir: Path | None, as_json: bool) -> None:
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
    quiet = as_json

    def engine() -> Engine | None:
        return deepl_engine(config) if engine_name == "deepl" else None

    options = RunOptions(engine_name=engine_name, max_chars=max_chars, fit=fit, output=out,
                         allow_incomplete=allow_incomplete, strict=strict, dry_run=dry_run,
                         workers=worker_count(), keep_reports=False)
    report = run(config, list(articles), options=options, engine_factory=engine,
                 on_step=(lambda step: None) if quiet else render_step)
    report_doc: dict[str, object] | None = None
    if report_dir is not None and not dry_run:
        from transflow.cli.serve import write_report_folder

        written = write_report_folder(config, report_dir, quiet=quiet)
        report_doc = {"out": config.relative(written.out), "pages": written.pages,
                      "unchanged": written.unchanged, "removed": written.removed,
                      "problems": written.problems}
    render_problems(report.problems)
    if as_json:
        emit_json({**report.to_json(),
                   **({"report": report_doc} if report_doc is not None else {})})
    else:
        for s in report.steps:
            status = "ok" if not s.exit_code else f"failed (exit {s.exit_code})"
            info(f"run: {s.name:9} {status}{': ' + s.message if s.message else ''}")
    ctx.exit(report.exit_code)


def render_step(step: Step) -> None:
    """A step's own output, as its command prints it, as soon as the step ends."""
    if step.error is not None:
        show_error(step.error)
        return
    report = step.report
    if isinstance(report, SyncReport):
        render_sync(report)
    elif isinstance(report, TranslateReport):
        render_summary(report)
        if report.engine is None and report.left:
            info(f"{report.left} segment(s) left for DeepL; set {KEY_VARIABLE} to draft them.")
        if report.stopped is not None:
            render_stop(report)
    elif isinstance(report, CheckReport):
        for finding in report.errors:
            click.echo(format_finding(finding))
    elif isinstance(report, BuildReport):
        render_build(report)
