"""``transflow translate``: drafts from translation memory, then DeepL.

The only place that reads ``DEEPL_AUTH_KEY`` (never printed, never written) and
``DEEPL_SERVER_URL`` (a test server or proxy, as in DeepL's own client tests). Without a key,
or with ``--engine memory``, the run applies translation memory and says what is left.
"""

from __future__ import annotations

import os
from pathlib import Path

import click

from transflow.cli import main
from transflow.cli.common import (
    articles_argument,
    check_language,
    echo_error,
    emit_json,
    exit_code,
    get_config,
    info,
    json_option,
    lang_option,
    progress_bar,
    render_problems,
)
from transflow.config import Config
from transflow.errors import AuthorizationError, QuotaExceededError
from transflow.mt import Engine
from transflow.workflow.translate import TranslateReport, make_deepl_engine, translate

KEY_VARIABLE = "DEEPL_AUTH_KEY"
URL_VARIABLE = "DEEPL_SERVER_URL"


@main.command("translate")
@articles_argument
@lang_option
@click.option("--engine", "engine_name", type=click.Choice(["memory", "deepl"]),
              default="deepl", show_default=True,
              help="memory: translation memory only; deepl: memory first, then DeepL.")
@click.option("--refresh-fuzzy", is_flag=True,
              help="Also redraft entries whose source changed (needs work); their old "
                   "translation is replaced by the draft.")
@click.option("--dry-run", is_flag=True,
              help="Show segments, characters, requests and remaining quota; send nothing.")
@click.option("--max-chars", type=click.IntRange(min=0), metavar="N",
              help="Refuse to start when the plan needs more than N DeepL characters.")
@click.option("--fit", is_flag=True,
              help="Instead of refusing a plan over the quota (or --max-chars), draft whole "
                   "articles in order while they fit and say what is left.")
@json_option
@click.pass_context
def translate_cmd(ctx: click.Context, articles: tuple[Path, ...], language: str | None,
                  engine_name: str, refresh_fuzzy: bool, dry_run: bool,
                  max_chars: int | None, fit: bool, as_json: bool) -> None:
    """Fill untranslated entries with drafts: translation memory first, then DeepL.

    Drafts are marked fuzzy with a '# transflow: draft …' comment (state: machine draft)
    until a person accepts them; translated and reviewed entries are never touched.
    Each finished batch is saved before the next is sent, so an interrupted run loses
    nothing and a rerun sends only what is left. The key comes from DEEPL_AUTH_KEY.

    \b
    Example:
      transflow translate --dry-run            # plan, characters, remaining quota
      transflow translate --max-chars 50000    # refuse larger runs
      transflow translate --fit                # what fits in the quota, whole articles
      transflow translate --engine memory      # no DeepL, memory hits only
    """
    config = get_config(ctx, lock=not dry_run)
    lang = check_language(config, language)
    engine = deepl_engine(config) if engine_name == "deepl" else None
    with progress_bar("Translating", not as_json and not dry_run) as progress:
        report = translate(config, list(articles), language=lang, engine=engine,
                           engine_name=engine_name, refresh_fuzzy=refresh_fuzzy,
                           dry_run=dry_run, max_chars=max_chars, fit=fit, progress=progress)
    render_problems(report.problems)
    if as_json:
        emit_json(report.to_json())
    elif dry_run:
        render_plan(report)
    else:
        render_summary(report)
    if report.refused is not None:  # the plan is printed; the real run would stop here
        echo_error(str(report.refused), report.refused.hint)
        ctx.exit(1)
    if engine is None and not dry_run and report.left and not as_json:
        if engine_name == "memory":
            advice = f"run without --engine memory (and {KEY_VARIABLE} set) to draft them"
        else:
            advice = f"{KEY_VARIABLE} is not set; set it to draft them with DeepL"
        info(f"{report.left} segment(s) left, {report.characters} character(s) for DeepL: "
             f"{advice}.")
    if report.stopped is not None:
        render_stop(report)
        ctx.exit(1)
    ctx.exit(exit_code(report.problems))


def deepl_engine(config: Config) -> Engine | None:
    """The DeepL engine from the environment (None without a key), announcing its retries
    and waits on stderr. A malformed key is a one-line configuration error, before any
    request, and is never printed."""
    key = os.environ.get(KEY_VARIABLE, "").strip()
    if not key:
        return None
    return make_deepl_engine(config, key, server_url=os.environ.get(URL_VARIABLE) or None,
                             on_retry=info)


def _plan_line(name: str, targets: int, memory: int, close: int, reused: int, copied: int,
               to_send: int, characters: int, batches: int) -> str:
    """One line of the plan: the same figures, in the same words, per catalog and in total."""
    return (f"{name}: {targets} segment(s): {memory} memory, {close} close memory, "
            f"{reused} reused, {copied} copied, {to_send} to send ({characters} characters, "
            f"{batches} request(s))")


def render_plan(report: TranslateReport) -> None:
    """The dry-run plan on stdout: one line per catalog, then totals and the quota (always,
    also when the quota is short: then what the run would do, and what ``--fit`` would)."""
    for c in report.catalogs:
        if not c.targets:
            continue
        line = _plan_line(c.catalog, c.targets, c.memory_exact, c.memory_fuzzy, c.reused,
                          c.copied, c.to_send, c.characters, c.requests)
        click.echo(line + (" (left for later: does not fit)" if c.deferred else ""))
    click.echo(_plan_line(
        "total", report.total("targets"), report.total("memory_exact"),
        report.total("memory_fuzzy"), report.total("reused"), report.total("copied"),
        report.total("to_send"), report.characters, report.total("requests")))
    usage = report.usage
    if usage is not None and usage.remaining is not None:
        click.echo(f"DeepL quota: {usage.remaining} characters left "
                   f"({usage.character_count} of {usage.character_limit} used)")
    elif report.engine is None and report.characters:
        info(f"No DeepL key: set {KEY_VARIABLE} to see the remaining quota.")
    render_fit(report)
    info("Dry run: nothing sent, nothing written.")


def render_fit(report: TranslateReport) -> None:
    """What ``--fit`` leaves for later (stdout: it is part of the plan and the result)."""
    if report.fit_budget is None:
        return
    if not report.deferred:
        click.echo(f"fit: every article fits in {report.fit_budget} characters")
        return
    need = sum(report.deferred.values())
    click.echo(f"fit: {len(report.deferred)} article(s) left for later ({need} characters; "
               f"{report.fit_budget} available): " + ", ".join(report.deferred))


def render_summary(report: TranslateReport) -> None:
    """The final summary on stderr (the catalogs written go to stdout), in the plan's words:
    memory, close memory, copied, reused, then DeepL with its batches and HTTP requests."""
    for c in report.catalogs:
        if c.saved:
            click.echo(c.catalog)
    doc = report.to_json()["totals"]
    assert isinstance(doc, dict)
    by_engine = int(str(doc["drafted_by_engine"])) + int(str(doc["reused_done"]))
    retries = f", {report.retries} of them retries" if report.retries else ""
    info(f"translate: {doc['memory_exact']} memory, {doc['memory_fuzzy']} close memory, "
         f"{doc['copied']} copied (nothing to translate), "
         f"{by_engine} drafted by DeepL ({doc['reused_done']} of them reused, not billed); "
         f"{doc['billed_characters']} characters billed in {doc['batches_sent']} batch(es): "
         f"{report.http_requests} HTTP request(s) sent{retries}; "
         f"{doc['problems']} draft(s) with problems, {doc['failures']} failure(s)")
    for failure in report.failures:
        info(f"Warning: {failure} (left untranslated; a rerun retries it)")
    for warning in report.warnings:
        info(f"Warning: {warning}")
    if report.deferred:
        render_fit(report)


def render_stop(report: TranslateReport) -> None:
    """Why the run stopped early, what was saved, and what to do."""
    exc = report.stopped
    saved = report.total("drafted")
    details: list[str] = []
    if isinstance(exc, QuotaExceededError):
        message = (f"DeepL quota exceeded after {report.batches_done} batch(es); {saved} "
                   "segment(s) saved; rerun when quota is available")
        if report.usage is not None and report.usage.character_limit is not None:
            details.append(f"DeepL usage before this run: {report.usage.character_count} of "
                           f"{report.usage.character_limit} characters; billed in this run: "
                           f"{report.total('billed')}")
    elif isinstance(exc, AuthorizationError):
        message = f"{exc}; {saved} segment(s) saved"
    else:
        message = f"{exc}; {saved} segment(s) saved; rerun to continue"
    echo_error(message, exc.hint if exc is not None else None, details)
