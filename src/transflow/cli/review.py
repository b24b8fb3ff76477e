"""``transflow review``: approve translations, interactively on a terminal or by flags in scripts.

Every decision is saved (``workflow.review``: atomic replace) right after it is made in the
interactive session, and once per catalog in the non-interactive modes
(``workflow.review.review_batch``), so an interruption never loses an approval already
confirmed on screen. This module only parses options, renders and asks for keys.
"""

from __future__ import annotations

import functools
import os
import shutil
import sys
from collections.abc import Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TextIO

import click

from transflow.cli import main
from transflow.cli.accept import accept_cmd
from transflow.cli.common import check_language, emit_json, get_config, info, json_option
from transflow.cli.review_ui import (
    EditAbout,
    Editor,
    editor_text,
    findings_from_checks,
    read_editor_text,
    run_review,
)
from transflow.config import Config
from transflow.errors import TransflowError
from transflow.po.model import Entry
from transflow.workflow.check import context_for, workspace_glossary
from transflow.workflow.review import (
    LinesNotFoundError,
    ReviewCatalog,
    default_git_runner,
    open_catalog,
    review_batch,
    reviewer_name,
)
from transflow.workflow.workspace import Article, discover, find_article, read_article


def parse_lines(values: tuple[str, ...]) -> list[int]:
    """``--approve 12 --approve 14,20`` -> [12, 14, 20]."""
    lines: list[int] = []
    for value in values:
        for part in value.split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or int(part) < 1:
                raise click.BadParameter(f"not a line number: {part!r}", param_hint="--approve")
            lines.append(int(part))
    if values and not lines:
        raise click.BadParameter("give at least one line number", param_hint="--approve")
    return lines


def _article_lines(article: Article, entry: Entry) -> str:
    """``article:12, article:40``: where the entry's segment is in the article now."""
    lines = article.lines_of(entry.msgid)
    return ", ".join(f"{article.rel}:{ln}" for ln in lines) or article.rel


def _where(cat_name: str, entry: Entry, article: Article) -> str:
    refs = ", ".join(f"{article.rel}:{ln}" for ln in article.lines_of(entry.msgid))
    line = int(getattr(entry, "linenum", 0) or 0)
    return f"{cat_name}:{line}" + (f" ({refs})" if refs else "")


def prefilled_input(prompt: str, text: str) -> str:
    """``input()`` with ``text`` already typed in, editable with readline's keys."""
    import readline

    readline.set_startup_hook(lambda: readline.insert_text(text))
    try:
        return input(prompt)
    finally:
        readline.set_startup_hook()


def make_editor(editor: str | None, *, terminal: bool | None = None) -> Editor:
    """``$VISUAL``/``$EDITOR`` on a file that shows the source above the translation; an
    inline prompt prefilled with the translation (readline) when there is no editor."""
    on_terminal = sys.stdin.isatty() if terminal is None else terminal

    def prompt(text: str) -> str | None:
        if on_terminal and "\n" not in text:
            try:
                new = prefilled_input("New translation (edit it, Enter saves): ", text)
            except ImportError:  # pragma: no cover - no readline on this platform
                pass
            else:
                return new if new.strip() and new != text else None
        typed: str = click.prompt("New translation (Enter keeps it)", default=text,
                                  show_default=False)
        return typed if typed != text else None

    def edit(text: str, about: EditAbout | None = None) -> str | None:
        if editor:
            try:
                shown = editor_text(text, about) if about is not None else text + "\n"
                saved = click.edit(shown, editor=editor, extension=".txt")
            except click.ClickException as exc:
                info(f"{exc.format_message()}; type the translation instead")
            else:
                return None if saved is None else read_editor_text(saved)
        return prompt(text)

    return edit


def use_color(env: Mapping[str, str], stream: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set (no-color.org)."""
    return not env.get("NO_COLOR") and stream.isatty() and env.get("TERM") != "dumb"


def _targets(config: Config, article: Article, language: str | None) -> list[str]:
    targets = config.targets_for(article.source_language)
    if language is not None:
        if language not in targets:
            raise click.BadParameter(
                f"{article.rel} is written in {language}; nothing to review in it",
                param_hint="--lang",
            )
        targets = [language]
    return targets


@main.command("review")
@click.argument("article_path", metavar="ARTICLE|SLUG|PO",
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--lang", "language", metavar="L", help="Only this target language.")
@click.option("--approve-all", is_flag=True,
              help="Approve every translated entry (with --include-drafts: drafts too).")
@click.option("--approve", "approve_lines", multiple=True, metavar="LINE[,LINE...]",
              help="Approve the entries at these lines of the article (repeatable).")
@click.option("--unapprove", is_flag=True,
              help="Remove approvals: of the --approve LINEs, or of every entry.")
@click.option("--reviewer", metavar="NAME",
              help="Who approves (default: git config user.name, then the login name).")
@click.option("--include-drafts", is_flag=True,
              help="Also approve machine drafts and needs-work entries, as your own text.")
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--accept", "accept_ref", nargs=2, metavar="LINE CHECK",
              help="Accept the CHECK finding at LINE of the article as correct (as 'transflow "
                   "check --accept'); markup injection can never be accepted.")
@click.option("--reason", metavar="TEXT", default="",
              help="With --accept: why the finding is right.")
@json_option
@click.pass_context
def review_cmd(ctx: click.Context, article_path: Path, language: str | None, approve_all: bool,
               approve_lines: tuple[str, ...], unapprove: bool, reviewer: str | None,
               include_drafts: bool, dry_run: bool, accept_ref: tuple[str, str] | None,
               reason: str, as_json: bool) -> None:
    """Approve an article's translations (name it by path, slug or .po file).

    On a terminal, without flags, shows one entry at a time (source, translation, check
    findings; for needs-work entries the old and new source with changes marked) and
    asks for a key: a approve, e edit ($EDITOR, else an inline prompt), s skip, b back,
    q quit. Every decision is saved at once, so quitting half-way loses nothing.

    In scripts, use --approve-all or --approve LINE (lines of the article as it is now,
    as 'transflow check' prints them); --unapprove removes approvals. Machine
    drafts and needs-work entries are refused unless --include-drafts.

    \b
    Examples:
      transflow review articles/magnesium.md
      transflow review magnesium                 # the same article, by slug
      transflow review locales/nl/magnesium.po   # only its Dutch catalog
      transflow review articles/magnesium.md --approve 12,14 --reviewer "Jane Doe"
      transflow review articles/magnesium.md --approve-all --include-drafts
      transflow review articles/magnesium.md --unapprove --approve 12
      transflow review articles/magnesium.md --accept 12 urls --reason "our English page"
    """
    config = get_config(ctx)
    if accept_ref is not None:
        if approve_all or approve_lines or unapprove or dry_run:
            raise click.UsageError("--accept goes alone (with --lang, --reason, --reviewer)")
        found, po_language = find_article(config, article_path)
        accept_cmd(ctx, accept_ref, reason=reason, reviewer=reviewer,
                   language=language or po_language, as_json=as_json, article=found)
        return
    lines = parse_lines(approve_lines)
    if approve_all and lines:
        raise click.UsageError("use either --approve-all or --approve LINE, not both")
    scripted = approve_all or bool(lines) or unapprove
    if not scripted and (dry_run or as_json):
        raise click.UsageError("--dry-run and --json need --approve-all, --approve or --unapprove")
    if not scripted and not sys.stdin.isatty():
        raise click.UsageError(
            "not a terminal: to review from a script use --approve-all, --approve LINE or "
            "--unapprove (see 'transflow review --help')"
        )
    found, po_language = find_article(config, article_path)
    language = check_language(config, language)
    if po_language is not None and language not in (None, po_language):
        raise click.UsageError(f"{article_path} is the {po_language} catalog; --lang says "
                               f"{language}")
    [path] = discover(config, [found])
    article = read_article(config, path)
    targets = _targets(config, article, language or po_language)
    who = None
    if not unapprove:
        who = reviewer or reviewer_name(default_git_runner, os.environ)
    if not scripted:
        assert who is not None
        interactive(config, article, targets, who)
        return
    batch(config, article, targets, lines=lines, unapprove=unapprove, reviewer=who,
          include_drafts=include_drafts, dry_run=dry_run, as_json=as_json)


def interactive(config: Config, article: Article, targets: list[str], reviewer: str) -> None:
    """One session per target catalog; quitting ends them all."""
    glossary = workspace_glossary(config)
    edit = make_editor(os.environ.get("VISUAL") or os.environ.get("EDITOR"))
    color = use_color(os.environ, sys.stdout)
    totals = {"approved": 0, "edited": 0, "skipped": 0}
    for lang in targets:
        opened = open_catalog(config, article, lang)
        info(f"Reviewing {opened.name} as {reviewer}")

        def save(opened: ReviewCatalog = opened) -> None:
            opened.save(datetime.now(UTC))

        summary = run_review(
            opened.entries(),
            reviewer=reviewer,
            day=date.today(),
            read_key=click.getchar,
            write=lambda text: click.echo(text, nl=False, color=color),
            edit=edit,
            save=save,
            findings=findings_from_checks(context_for(article, lang, glossary)),
            width=shutil.get_terminal_size().columns,
            where=functools.partial(_article_lines, article),
            color=color,
        )
        totals["approved"] += summary.approved
        totals["edited"] += summary.edited
        totals["skipped"] += summary.skipped
        if summary.quit:
            break
    info(f"review: approved {totals['approved']}, edited {totals['edited']}, "
         f"skipped {totals['skipped']}")


def batch(config: Config, article: Article, targets: list[str], *, lines: list[int],
          unapprove: bool, reviewer: str | None, include_drafts: bool, dry_run: bool,
          as_json: bool) -> None:
    """The non-interactive modes; unknown lines are refused before anything is written."""
    try:
        done = review_batch(config, article, targets, lines=lines, unapprove=unapprove,
                            reviewer=reviewer, include_drafts=include_drafts,
                            dry_run=dry_run, day=date.today(), now=datetime.now(UTC))
    except LinesNotFoundError as exc:
        raise click.BadParameter(exc.message, param_hint="--approve") from None
    counts = done.counts()
    if as_json:
        emit_json(done.to_json())
    for item in done.catalogs:
        for entry, why in item.result.refused:
            info(f"refused {_where(item.catalog.name, entry, article)}: {why}")
    summary = ", ".join(f"{key} {n}" for key, n in counts.items())
    info(f"review{' (dry run)' if dry_run else ''}: {summary}")
    if counts["refused"] and lines:
        raise TransflowError(f"{counts['refused']} of the requested entries not approved "
                             "(see the lines above)")
