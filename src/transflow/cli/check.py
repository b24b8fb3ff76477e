"""``transflow check``: quality checks over the catalogs, one line per finding."""

from __future__ import annotations

from pathlib import Path

import click

from transflow.cli import main
from transflow.cli.common import (
    articles_argument,
    check_language,
    emit_json_items,
    exit_code,
    get_config,
    info,
    json_option,
    lang_option,
    progress_bar,
    render_problems,
)
from transflow.cpus import worker_count
from transflow.workflow.check import CheckFinding, CheckReport
from transflow.workflow.check_run import check


def _check_list() -> str:
    from transflow.checks import CHECKS

    width = max(len(c.name) for c in CHECKS)
    return "\n".join(f"  {c.name.ljust(width)}  {c.severity:<7}  {c.description}" for c in CHECKS)


class _CheckCommand(click.Command):
    """``check``, whose help ends with the list of checks, made when the help is shown: a
    run whose entries are all remembered loads no check (see ``transflow.checks``)."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self.epilog = "\b\nChecks:\n" + _check_list()
        super().format_epilog(ctx, formatter)


def format_finding(finding: CheckFinding) -> str:
    """``locales/nl/x.po:42: error [numbers]: … (sample_articles/x.md:12)``."""
    draft = f" ({finding.state.label}, not published)" if finding.draft else ""
    where = f" ({finding.reference})" if finding.reference else ""
    return (f"{finding.catalog}:{finding.line}: {finding.severity} [{finding.check}]{draft}: "
            f"{finding.message}{where}")


@main.command("check", cls=_CheckCommand)
@articles_argument
@lang_option
@click.option("--errors-only", is_flag=True, help="Leave warnings out of the output.")
@click.option("--accept", "accept_ref", nargs=2, metavar="REF CHECK",
              help="Accept the CHECK finding at REF (FILE:LINE of the .po or the article, as "
                   "printed) as correct; markup injection can never be accepted.")
@click.option("--reason", metavar="TEXT", default="",
              help="With --accept: why the finding is right (stored with it).")
@click.option("--reviewer", metavar="NAME",
              help="With --accept: who accepts (default: git config user.name, then the "
                   "login name).")
@json_option
@click.pass_context
def check_cmd(ctx: click.Context, articles: tuple[Path, ...], language: str | None,
              errors_only: bool, accept_ref: tuple[str, str] | None, reason: str,
              reviewer: str | None, as_json: bool) -> None:
    """Run the quality checks on every translated entry; exit 3 on any error.

    Numbers and units, URLs, footnote markers, inline markup, injected HTML, glossary
    terms, identical or oddly long translations, whitespace and final punctuation.
    Each finding names the catalog file and line of the entry, the check, and the
    article line it comes from.

    Translated and reviewed entries are what gets published: an error in one of them
    makes the command exit 3 (and 'build' leaves the article out). Machine drafts and
    needs-work entries are checked too and marked "not published"; they never change
    the exit code.

    \b
    Examples:
      transflow check --errors-only
      transflow check articles/x.md --lang nl --json
    \b
    A finding (catalog:line: severity [check]: message (article:line)):
      locales/nl/x.po:42: error [numbers]: missing from the translation: 2 g (articles/x.md:12)

    A finding a person verified as right (a localized URL, an HTML link where the
    source has Markdown) is accepted with --accept REF CHECK: it is stored in the .po
    as '# transflow: accepted CHECK <fingerprint> <date> <reviewer>: <reason>', listed
    apart from then on and no longer blocks 'build' until the source or the
    translation changes.

    \b
      transflow check --accept locales/en/x.po:42 urls --reason "our English page"
      transflow check --accept articles/x.md:12 html-tags
    """
    if accept_ref is not None:
        from transflow.cli.accept import accept_cmd  # (its git and glossary code: only here)

        accept_cmd(ctx, accept_ref, reason=reason, reviewer=reviewer, language=language,
                   as_json=as_json)
        return
    config = get_config(ctx)
    with progress_bar("Checking", not as_json) as progress:
        report = check(config, list(articles), language=check_language(config, language),
                       progress=progress, workers=worker_count())
    render_problems(report.problems)
    if as_json:
        document = report.to_json(stream=True)
        findings = (f.to_json() for f in report.findings
                    if not f.accepted and (f.severity == "error" or not errors_only))
        emit_json_items(document, "findings", findings)
    else:
        render_check(report, errors_only=errors_only)
    ctx.exit(exit_code(report.problems, gate_failed=bool(report.errors)))


def render_check(report: CheckReport, *, errors_only: bool = False) -> None:
    """Open findings on stdout, a summary (counting every finding) on stderr."""
    for finding in report.open:
        if finding.severity == "error" or not errors_only:
            click.echo(format_finding(finding))
    for name in report.missing:
        info(f"{name}: missing (run 'transflow sync')")
    drafts = report.count("error", drafts=True) + report.count("warning", drafts=True)
    summary = (f"check: {report.count('error')} error(s), {report.count('warning')} "
               f"warning(s) in {report.entries} entries of {report.catalogs} catalog(s)")
    if drafts:
        summary += f"; {drafts} finding(s) in drafts, not published"
    if report.accepted:
        summary += f"; {len(report.accepted)} accepted as correct (see --json)"
    info(summary)
