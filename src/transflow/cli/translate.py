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
@json_option
@click.pass_context
def translate_cmd(ctx: click.Context, articles: tuple[Path, ...], language: str | None,
                  engine_name: str, refresh_fuzzy: bool, dry_run: bool,
                  max_chars: int | None, as_json: bool) -> None:
    """Fill untranslated entries with drafts: translation memory first, then DeepL.

    Drafts are marked fuzzy with a '# transflow: draft …' comment (state: machine draft)
    until a person accepts them; translated and reviewed entries are never touched.
    Each finished batch is saved before the next is sent, so an interrupted run loses
    nothing and a rerun sends only what is left. The key comes from DEEPL_AUTH_KEY.

    \b
    Example:
      transflow translate --dry-run            # plan, characters, remaining quota
      transflow translate --max-chars 50000    # refuse larger runs
      transflow translate --engine memory      # no DeepL, memory hits only
    """
    config = get_config(ctx, lock=not dry_run)
    lang = check_language(config, language)
    key = os.environ.get(KEY_VARIABLE, "").strip()
    engine: Engine | None = None
    if engine_name == "deepl" and key:
        engine = make_deepl_engine(config, key, server_url=os.environ.get(URL_VARIABLE) or None)
    with progress_bar("Translating", not as_json and not dry_run) as progress:
        report = translate(config, list(articles), language=lang, engine=engine,
                           engine_name=engine_name, refresh_fuzzy=refresh_fuzzy,
                           dry_run=dry_run, max_chars=max_chars, progress=progress)
    render_problems(report.problems)
    if as_json:
        emit_json(report.to_json())
    elif dry_run:
        render_plan(report)
    else:
        render_summary(report)
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


def render_plan(report: TranslateReport) -> None:
    """The dry-run plan on stdout: one line per catalog, then totals and the quota."""
    for c in report.catalogs:
        if not c.targets:
            continue
        click.echo(f"{c.catalog}: {c.targets} segment(s): {c.memory_exact} memory, "
                   f"{c.memory_fuzzy} close memory, {c.reused} reused, {c.copied} copied, "
                   f"{c.to_send} to send ({c.characters} characters, {c.requests} "
                   "request(s))")
    doc = report.to_json()["totals"]
    assert isinstance(doc, dict)
    click.echo(f"total: {doc['targets']} segment(s), {doc['drafted_by_memory']} from memory, "
               f"{doc['reused']} reused, {doc['segments_to_send']} to send, "
               f"{report.characters} characters, {doc['requests']} request(s)")
    if report.usage is not None and report.usage.remaining is not None:
        click.echo(f"DeepL quota: {report.usage.remaining} characters left "
                   f"({report.usage.character_count} of {report.usage.character_limit} used)")
    elif report.engine is None and report.characters:
        info(f"No DeepL key: set {KEY_VARIABLE} to see the remaining quota.")
    info("Dry run: nothing sent, nothing written.")


def render_summary(report: TranslateReport) -> None:
    """The final summary on stderr (the catalogs written go to stdout)."""
    for c in report.catalogs:
        if c.saved:
            click.echo(c.catalog)
    doc = report.to_json()["totals"]
    assert isinstance(doc, dict)
    by_engine = int(str(doc["drafted_by_engine"])) + int(str(doc["reused_done"]))
    info(f"translate: {doc['drafted_by_memory']} drafted by memory ({doc['copied']} copied: "
         "nothing to translate), "
         f"{by_engine} drafted by DeepL ({doc['reused_done']} of them reused, not billed), "
         f"{doc['billed_characters']} characters billed in "
         f"{doc['requests_sent']} request(s), {doc['problems']} draft(s) with problems, "
         f"{doc['failures']} failure(s)")
    for failure in report.failures:
        info(f"Warning: {failure} (left untranslated; a rerun retries it)")
    for warning in report.warnings:
        info(f"Warning: {warning}")


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
