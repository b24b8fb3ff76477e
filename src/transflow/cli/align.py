"""``transflow align``: onboard existing human translations into catalogs."""

from __future__ import annotations

from pathlib import Path

import click

from transflow.cli import main
from transflow.cli.common import check_language, emit_json, get_config, info, json_option
from transflow.workflow.align import AlignReport, PairResult, align_all, align_pair, find_pairs

_SNIPPET = 70


@main.command("align")
@click.argument("files", nargs=-1, metavar="[SOURCE TRANSLATION]",
                type=click.Path(path_type=Path, dir_okay=False))
@click.option("--all", "folder", type=click.Path(path_type=Path, file_okay=False),
              metavar="DIR", help="Align every source/translation pair found under DIR.")
@click.option("--lang", "language", metavar="L",
              help="Language of the translation (default: the article's only target "
                   "language).")
@click.option("--dry-run", is_flag=True, help="Print the report; write nothing.")
@json_option
@click.pass_context
def align_cmd(ctx: click.Context, files: tuple[Path, ...], folder: Path | None,
              language: str | None, dry_run: bool, as_json: bool) -> None:
    """Fill an article's catalog from an existing human translation.

    SOURCE is an article of the workspace, TRANSLATION its published translation (anywhere,
    same format). Both are split into segments the way sync does; the segments are aligned
    (1-1, 2-1, 1-2 links scored by length, numbers, links, footnotes, markup and kind) and
    the catalog locales/<lang>/<slug>.po is written as sync would write it, with:

    \b
      confident link          translated (not reviewed: approve it with 'transflow review')
      doubtful link           machine draft (fuzzy, '# transflow: draft align ...' says why)
      2 paragraphs merged     both halves as machine drafts, cut at a sentence boundary
      no counterpart          untranslated

    Entries that already have a translation are never changed. Translation segments with
    no counterpart are listed in the report. Aligned entries are translated, not reviewed:
    with publish = "reviewed", approve them ('transflow review ARTICLE') before build
    publishes them; with publish = "translated", 'transflow build --allow-incomplete' shows
    at once how close the rebuilt translation comes to the original.

    With --all DIR, pairs are found by name under DIR: slug.nl.md + slug.en.md,
    nl/slug.md + en/slug.md, or slug/nl.md + slug/en.md (source language = the configured
    default). The source files must lie inside the articles folder; keep the translations
    outside it (e.g. articles = "content/nl" and --all content), or sync treats them as
    articles too.

    \b
    Examples:
      transflow align articles/magnesium.md old-site/en/magnesium.md
      transflow align articles/magnesium.md old-site/en/magnesium.md --dry-run --json
      transflow align --all content --lang en
    """
    config = get_config(ctx, lock=not dry_run)
    if folder is not None:
        if files:
            raise click.UsageError("give either SOURCE TRANSLATION or --all DIR, not both")
        pairs = find_pairs(config, folder, check_language(config, language))
        report = align_all(config, pairs, language=language, dry_run=dry_run)
    else:
        if len(files) != 2:
            raise click.UsageError("expected SOURCE TRANSLATION (or --all DIR)")
        result = align_pair(config, files[0], files[1], language=language, dry_run=dry_run)
        report = AlignReport([result], dry_run=dry_run)
    if as_json:
        emit_json(report.to_json())
    else:
        for pair in report.pairs:
            render_pair(pair)
    articles = config.articles.resolve()
    for pair in report.pairs:
        if (config.root / pair.translation).resolve().is_relative_to(articles):
            info(f"Warning: {pair.translation} is inside the articles folder; sync will treat "
                 "it as an article too (move it out once aligned)")
    verb = "would write" if dry_run else "wrote"
    info(f"align: {len(report.pairs)} pair(s), {verb} {len(report.written)} file(s)")


def render_pair(pair: PairResult) -> None:
    """Counts per pair on stdout, then the translation's unmatched segments."""
    alignment = pair.alignment
    click.echo(f"{pair.source} <- {pair.translation} ({pair.language}) -> {pair.catalog}")
    click.echo(
        f"  links: {len(alignment.confident)} confident, {len(alignment.doubtful)} doubtful;"
        f" unmatched: {len(alignment.unmatched_source)} source,"
        f" {len(alignment.unmatched_target)} translation"
    )
    click.echo(
        f"  entries: {pair.translated} translated, {pair.drafted} machine draft,"
        f" {pair.untranslated} untranslated, {pair.kept} kept (already translated)"
    )
    for index, kind, text in pair.extra_target:
        snippet = text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"
        click.echo(f"  only in the translation: #{index} {kind}: {snippet}")
