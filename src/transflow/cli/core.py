"""Core commands: init, sync, status, build."""

from __future__ import annotations

import dataclasses
import gc
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import click

from transflow.atomic import TEMP_PATTERN
from transflow.cli import main
from transflow.cli.common import (
    articles_argument,
    check_language,
    echo_lines,
    emit_chunks,
    emit_json_items,
    exit_code,
    get_config,
    info,
    json_option,
    lang_option,
    progress_bar,
    render_problems,
)
from transflow.cli.replay import RERUN_META, WROTE_META, Rerun, captured
from transflow.config import parse_config, starter, validate_language
from transflow.cpus import worker_count
from transflow.errors import ConfigError
from transflow.site.layout import PRESETS
from transflow.states import State

# Each command imports its workflow when it runs: "status" with nothing changed answers from
# the results cache and must not pay for the catalog, Markdown and check modules.
if TYPE_CHECKING:
    from transflow.workflow.build import BuildReport
    from transflow.workflow.status import CatalogStatus, StatusReport
    from transflow.workflow.sync import ArticleSync, SyncReport


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), default=".")
@click.option("--source-language", default="en", show_default=True,
              help="Default language of the articles.")
@click.option("--languages", default="nl,en", show_default=True,
              help="Comma-separated languages of the workspace.")
@click.option("--articles", "articles_dir", default="articles", show_default=True,
              metavar="DIR", help="Folder of the source articles (inside DIRECTORY).")
@click.option("--output", "output_dir", metavar="DIR",
              help="Where build writes: dist, or the site's root for the site layouts "
                   "(default: dist; the articles folder for --layout filename).")
@click.option("--layout", type=click.Choice(list(PRESETS)), default="lang-folders",
              show_default=True, help="Output layout preset (README: 'Use it on your own site').")
def init(directory: Path, source_language: str, languages: str, articles_dir: str,
         output_dir: str | None, layout: str) -> None:
    """Create a starter workspace: transflow.toml, the articles folder and locales/.

    \b
    Examples:
      transflow init blog && cd blog && transflow sync
      transflow init . --articles articles --output site --layout hugo-filename
      transflow init . --articles content --layout filename --source-language nl
    """
    codes = [validate_language(c, key="--languages") for c in languages.split(",") if c.strip()]
    source = validate_language(source_language, key="--source-language")
    if source not in codes:
        raise ConfigError(f"--source-language {source} is not in --languages {codes}")
    text = starter(source, codes, articles=articles_dir, output=output_dir, layout=layout)
    config_file = directory / "transflow.toml"
    if config_file.exists():
        raise ConfigError("already a transflow workspace", path=config_file,
                          hint="edit it, or choose another directory")
    # The starter must pass the same validation every later command applies.
    config = parse_config(tomllib.loads(text), root=directory.resolve(), path=config_file)
    content = config.output / "content"
    if layout == "hugo-filename" and config.articles.is_relative_to(content):
        # Hugo renders every file of its content folder: each article would be published a
        # second time, in the site's default language, beside its x.nl.md / x.en.md pages.
        raise ConfigError(
            f"--articles {articles_dir} is inside the site's content folder "
            f"{config.relative(content)}: Hugo would publish every article twice",
            hint="keep the articles outside it (--articles articles), or write the "
                 "translations beside them with --layout filename",
        )
    directory.mkdir(parents=True, exist_ok=True)
    config_file.write_text(text, encoding="utf-8")
    for folder in (config.articles, config.locales / "templates",
                   *(config.locales / c for c in codes)):
        folder.mkdir(parents=True, exist_ok=True)
    ignore = directory / ".gitignore"
    # Derived, not sources: the cache, the .mo files Poedit writes beside each .po, the temp
    # files of a killed run, and the build output when it is transflow's own folder (a
    # site's root is the user's).
    lines = [".transflow-cache/", "*.mo", TEMP_PATTERN]
    if layout == "lang-folders":
        lines.append(f"{config.relative(config.output)}/")
    # A folder that already has a .gitignore keeps it; only the missing lines are added.
    old = ignore.read_text(encoding="utf-8") if ignore.exists() else ""
    missing = [line for line in lines if line not in old.splitlines()]
    if missing:
        sep = "\n" if old and not old.endswith("\n") else ""
        ignore.write_text(old + sep + "\n".join(missing) + "\n", encoding="utf-8")
    info(f"Created {config_file}; put articles in {config.relative(config.articles)}/ and run "
         "'transflow sync'.")


@main.command("sync")
@articles_argument
@click.option("--dry-run", is_flag=True, help="Report what would change; write nothing.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Worker processes for large syncs (default: one per usable CPU; "
                   "two more while other work of this session runs, fewer while only "
                   "other sessions' work runs).")
@json_option
@click.pass_context
def sync_cmd(ctx: click.Context, articles: tuple[Path, ...], dry_run: bool, jobs: int | None,
             as_json: bool) -> None:
    """Bring templates and catalogs in line with the articles.

    New segments get empty entries, changed ones keep their old translation as fuzzy
    with the previous source (#| msgid), removed ones become obsolete (#~). Running it
    twice changes nothing the second time.

    \b
    Example:
      transflow sync                      # every article
      transflow sync articles/foo.md      # one article
    """
    config = get_config(ctx, lock=not dry_run)
    with progress_bar("Syncing", not as_json) as progress:
        from transflow.workflow.sync import sync

        report = sync(config, list(articles), dry_run=dry_run, progress=progress,
                      workers=jobs or worker_count())
    render_problems(report.problems)
    if as_json:
        emit_json_items(sync_json(report), "articles", map(_article_json, report.articles))
    else:
        render_sync(report)
    ctx.exit(exit_code(report.problems))


def sync_json(report: SyncReport) -> dict[str, object]:
    """The versioned JSON document of ``sync``, but for its ``articles``: each one is
    ``_article_json`` of one of ``report.articles`` (written one by one: ``emit_json_items``)."""
    return {
        "version": 1,
        "dry_run": report.dry_run,
        "unchanged": report.unchanged,
        "unchanged_articles": report.unchanged_articles,
        "articles": [],
        "orphans": report.orphans,
        "problems": [p.to_json() for p in report.problems],
    }


def _article_json(a: ArticleSync) -> dict[str, object]:
    return {
        "article": a.article,
        "source_language": a.source_language,
        "segments": a.segments,
        "written": a.written,
        "renamed_from": a.renamed_from,
        "warnings": a.warnings,
        "merge": {
            lang: {"kept": m.kept, "new": m.new, "fuzzy": m.fuzzy,
                   "obsolete": m.obsolete, "revived": m.revived}
            for lang, m in a.merges.items()
        },
    }


def render_sync(report: SyncReport) -> None:
    """Human summary of a sync on stderr, changed files on stdout."""
    verb = "would write" if report.dry_run else "wrote"
    for a in report.articles:
        for lang, m in a.merges.items():
            if m.new or m.fuzzy or m.obsolete or m.revived:
                info(f"{a.article} [{lang}]: {m.new} new, {m.fuzzy} changed (fuzzy), "
                     f"{m.obsolete} removed (obsolete), {m.revived} restored")
        for warning in a.warnings:
            info(f"Warning: {a.article}: {warning}")
        if a.renamed_from:
            info(f"{a.article}: looks renamed from {a.renamed_from}; translations carried "
                 "over (delete the old catalogs when done)")
    # (not report.written: a list of every file, where the articles are spooled)
    changed = echo_lines(p for a in report.articles for p in a.written)
    for orphan in report.orphans:
        info(f"Warning: {orphan} has no article (deleted or renamed?); its catalogs are kept")
    total = len(report.articles) + report.unchanged + len(report.problems)
    skipped = f", {len(report.problems)} skipped (see the errors)" if report.problems else ""
    info(f"sync: {total} article(s), {verb} {changed} file(s){skipped}")


@main.command("status")
@articles_argument
@lang_option
@click.option("--fail-under", metavar="[STATE=]PCT",
              help="Exit 3 when an article has fewer than PCT% of its segments at STATE or "
                   "better (default state: translated), e.g. 90 or reviewed=100.")
@json_option
@click.pass_context
def status_cmd(ctx: click.Context, articles: tuple[Path, ...], language: str | None,
               fail_under: str | None, as_json: bool) -> None:
    """Show segments and words by review state, per article and language.

    \b
    States: untranslated < machine draft < needs work < translated < reviewed.
    Example:
      transflow status --fail-under reviewed=100 --json
    """
    config = get_config(ctx)
    gate = parse_fail_under(fail_under) if fail_under else None
    from transflow.workflow.status import status

    report = status(config, list(articles), language=check_language(config, language),
                    workers=worker_count())
    below = report.below(*gate) if gate is not None else []
    render_problems(report.problems)
    if as_json:
        document = report.to_json(stream=True)  # the articles: printed one by one
        if gate is not None:
            document["fail_under"] = {
                "state": gate[0].key,
                "percent": gate[1],
                "passed": not below,
                "below": [{"catalog": i.catalog, "article": i.article,
                           "percent": round(i.percent(gate[0]), 1)} for i in below],
            }
        emit_json_items(document, "articles", (i.to_json() for i in report.items))
    else:
        render_status(report, config.publish)
    if gate is not None and below:
        state, pct = gate
        for item in below:
            info(f"{item.catalog}: {item.percent(state):.1f}% {state.label}, below {pct:g}%")
    ctx.exit(exit_code(report.problems, gate_failed=gate is not None and bool(below)))


def parse_fail_under(value: str) -> tuple[State, float]:
    """``90`` or ``reviewed=100`` -> (state, percent)."""
    state_name, _, pct = value.rpartition("=")
    try:
        state = State.parse(state_name) if state_name else State.TRANSLATED
        percent = float(pct.rstrip("%"))
    except ValueError as exc:
        raise click.BadParameter(str(exc) if state_name else f"not a percentage: {pct!r}",
                                 param_hint="--fail-under") from None
    if not 0 <= percent <= 100:
        raise click.BadParameter("percentage must be between 0 and 100",
                                 param_hint="--fail-under")
    return state, percent


def render_status(report: StatusReport, publish: State) -> None:
    """A readable table on stdout; "ready" is the share at the publish threshold."""
    from transflow.workflow.status import new_total

    order = list(State)
    headers = ["article", "lang", "segs", "words", *[s.label for s in order], "ready"]

    def cells(item: CatalogStatus) -> list[str]:
        return [item.article, item.language, str(item.segments), str(item.words),
                *[str(item.states[s]) for s in order], f"{item.percent(publish):.0f}%"]

    # Two passes over the items (spooled: each pass reads them back), printed a thousand
    # rows per write: the rows of 10,000 articles are never all held at once. The first
    # finds the widths and the totals, the second writes the rows and collects the notes.
    total = new_total()
    widths = [len(h) for h in headers]
    for item in report.items:
        total.add(item)
        widths = [max(w, len(c)) for w, c in zip(widths, cells(item), strict=True)]
    last = cells(total)
    last[:2] = ["total", ""]
    widths = [max(w, len(c)) for w, c in zip(widths, last, strict=True)]

    def line(row: list[str]) -> str:
        text = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        text += [c.rjust(w) for c, w in zip(row[2:], widths[2:], strict=True)]
        return "  ".join(text).rstrip()

    lines = [line(headers)]
    notes: list[str] = []
    for item in report.items:
        lines.append(line(cells(item)))
        if len(lines) >= 1000:
            click.echo("\n".join(lines))
            lines = []
        if item.changed_after_review:
            notes.append(f"{item.catalog}: {item.changed_after_review} changed after review")
        if item.already_in_target:
            notes.append(f"{item.catalog}: {item.already_in_target} segment(s) already in "
                         f"{item.language} (drafted as copies, not sent to DeepL)")
        if item.missing:
            notes.append(f"{item.catalog}: missing (run 'transflow sync')")
    lines += ["  ".join("-" * w for w in widths), line(last)]
    click.echo("\n".join(lines))
    for note in notes:  # after the table, as before
        info(note)
    info(f"ready = share of segments {publish.label} or better (publish = \"{publish.key}\")")


#: The collector's first threshold while ``build`` runs (Python's default: 700). A build
#: keeps each article's catalog, entries and findings alive while it works on it, and the
#: collector went over them again at every pass: 85 passes and 18 ms in a cold
#: single-process build of 500 articles (``gc.callbacks``), 10 and 7 ms at 5,000. Garbage
#: in cycles waits a little longer (a few thousand objects at most). A ``sync``'s young
#: objects are its parse's tokens, alive either way: it gains nothing and keeps the default.
#: Forked workers inherit it.
BUILD_COLLECTOR_THRESHOLD = 5000


@main.command("build")
@articles_argument
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder (default: 'output' from the configuration).")
@click.option("--allow-incomplete", is_flag=True,
              help="Build unfinished articles too, with the source text where a segment "
                   "is not finished.")
@click.option("--strict", is_flag=True, help="Exit 3 when any article is unfinished.")
@click.option("--dry-run", is_flag=True, help="Report what would be built; write nothing.")
@json_option
@click.pass_context
def build_cmd(ctx: click.Context, articles: tuple[Path, ...], out: Path | None,
              allow_incomplete: bool, strict: bool, dry_run: bool, as_json: bool) -> None:
    """Write finished NL/EN pairs where the layout puts them, and the manifest.

    An article is finished when every segment reaches the 'publish' threshold of the
    configuration (translated or reviewed) and the quality checks find no error.

    \b
    Example:
      transflow build --strict
    """
    from transflow.workflow.gates import default_gates  # the checks load only for builds

    config = get_config(ctx, lock=not dry_run)
    collector = gc.get_threshold()
    gc.set_threshold(BUILD_COLLECTOR_THRESHOLD, *collector[1:])
    try:
        with progress_bar("Building", not as_json) as progress:
            from transflow.workflow.build import build

            report = build(config, list(articles), output=out,
                           allow_incomplete=allow_incomplete, gates=default_gates(config),
                           dry_run=dry_run, progress=progress, workers=worker_count())
    finally:
        gc.set_threshold(*collector)
    wrote = bool(report.written or report.removed)
    ctx.meta[WROTE_META] = wrote

    def render(report: BuildReport) -> None:
        render_problems(report.problems)
        if as_json:
            emit_chunks(report.json_chunks())
        else:
            render_build(report)

    render(report)
    if wrote and not report.problems:
        # What the next build prints if nothing changes meanwhile: the same, minus the
        # writes; kept (replay) with what this one wrote, so that one is not run at all.
        # Also after one edited article: the snapshot costs that build ~10% (0.04 s at
        # 2,000 articles) and spares the next one answering every article from the
        # results cache (0.34 s).
        rerun = dataclasses.replace(report, written=[], removed=[])
        ctx.meta[RERUN_META] = Rerun(
            captured(lambda: render(rerun)),
            report.claimed_files(config.relative(config.manifest_path), str(config.root)))
    from transflow.workflow.build_spool import BLOCKED, FINISHED

    ctx.exit(exit_code(report.problems, gate_failed=bool(
        report.count(BLOCKED) or (strict and report.count() > report.count(FINISHED)))))


def render_build(report: BuildReport) -> None:
    """Human summary of a build (from the report's counts: the articles are read back only
    for those that have a line of their own)."""
    from transflow.workflow.build_spool import BLOCKED, BUILT

    echo_lines(report.written)
    for a in report.unfinished:
        if not a.built:
            info(f"skipped {a.article}: " + "; ".join(a.reasons))
        else:
            info(f"built {a.article} with source-text fallback: " + "; ".join(a.reasons))
    for path in report.removed:
        info(f"removed {path}: its article is gone (deleted, moved or renamed)")
    built = report.count(BUILT)
    total = report.count() + len(report.problems)
    blocked = report.count(BLOCKED)
    refused = f", {blocked} refused by checks" if blocked else ""
    unreadable = f", {len(report.problems)} with problems" if report.problems else ""
    info(f"build: {built} of {total} article(s) built into {report.output}/"
         f"{refused}{unreadable}")
