"""``align``: turn an article and its existing human translation into the article's catalog.

The source article is read exactly as ``sync`` reads it (``workspace.read_article``) and its
template and catalog are produced the way ``sync`` produces them (``catalog.build_template``
+ ``catalog.merge`` on the existing or a new catalog, same header fixing), so entries,
references, header and order are identical to a sync; the aligned translation is then filled
in. The translation file may live anywhere (it is only read); it must be in the same format.

How links become entries (``transflow.align`` decides links and confidence):

* confident 1–1 link → *translated* entry (not reviewed: a person approves it with
  ``review``);
* confident 1–2 link (the translation split a paragraph) → the two target segments joined by
  a space, *translated*: one source segment has one entry, so the rebuilt article has one
  paragraph where the translation had two;
* doubtful link → *machine draft*: fuzzy, with ``# transflow: draft align <date> (<score>,
  <reasons>)``, because a doubtful alignment is a suggestion a person must check, exactly
  like an MT draft (``states.state_of``: fuzzy + draft line + no previous msgid);
* 2–1 link (the translation merged two paragraphs) → the target text is cut at the sentence
  boundary whose length share best matches the two source segments, and both halves become
  machine drafts saying so; without a sentence boundary the whole text goes to the first
  source entry as a draft and the second stays untranslated. Never *translated*: a cut is a
  guess even when the link is certain;
* unmatched source segment → untranslated; unmatched target segment → listed in the report.

Invariants: an entry that already has a translation (any state: a translator's work, a
review, a draft) is never overwritten, only counted as ``kept``; identical source segments
share one entry, filled by the best link (confident before doubtful, then document order);
everything is parsed and aligned before anything is written, and nothing is written under
``dry_run``; running align twice in a row writes nothing the second time (files are saved
only when their content changes, and the date in a draft line is written once).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from transflow.align import aligner
from transflow.config import Config, validate_language
from transflow.errors import ArticleError, ConfigError, TransflowError
from transflow.formats import Document, format_for
from transflow.formats.base import Segment, outer
from transflow.po import catalog
from transflow.states import mark_draft, set_translation
from transflow.workflow.sync import fix_header
from transflow.workflow.workspace import (
    Article,
    Clock,
    catalog_path,
    decode,
    discover,
    markup_of,
    read_article,
    template_path,
    utc_now,
)

__all__ = ["AlignReport", "PairResult", "align_all", "align_pair", "find_pairs"]


@dataclass(slots=True)
class PairResult:
    """What ``align`` found and did for one source/translation pair."""

    source: str
    translation: str
    catalog: str
    language: str
    alignment: aligner.Alignment
    source_segments: int
    target_segments: int
    #: Unmatched target segments: (index, kind, text), for the report.
    extra_target: list[tuple[int, str, str]] = field(default_factory=list)
    translated: int = 0  # entries filled as translated
    drafted: int = 0  # entries filled as machine drafts (fuzzy)
    untranslated: int = 0  # entries left empty
    kept: int = 0  # entries that already had a translation (untouched)
    written: list[str] = field(default_factory=list)
    dry_run: bool = False

    def to_json(self) -> dict[str, Any]:
        """One element of ``pairs`` in the ``transflow align --json`` document."""
        data = aligner.to_json(self.alignment, source=self.source, translation=self.translation)
        ordered: dict[str, Any] = {
            "source": data.pop("source"),
            "translation": data.pop("translation"),
            "catalog": self.catalog,
            "language": self.language,
        }
        ordered.update(data)
        ordered["entries"] = {
            "translated": self.translated,
            "machine_draft": self.drafted,
            "untranslated": self.untranslated,
            "kept": self.kept,
        }
        ordered["written"] = list(self.written)
        return ordered


@dataclass(slots=True)
class AlignReport:
    """Every pair aligned in one run."""

    pairs: list[PairResult] = field(default_factory=list)
    dry_run: bool = False

    @property
    def written(self) -> list[str]:
        return [p for pair in self.pairs for p in pair.written]

    def to_json(self) -> dict[str, Any]:
        """The versioned ``transflow align --json`` document."""
        return {
            "version": 1,
            "dry_run": self.dry_run,
            "pairs": [pair.to_json() for pair in self.pairs],
        }


@dataclass(slots=True)
class _Prepared:
    article: Article
    translation_path: Path
    translation: Document
    language: str
    alignment: aligner.Alignment


# --------------------------------------------------------------------------- reading


def _target_language(config: Config, article: Article, language: str | None) -> str:
    targets = config.targets_for(article.source_language)
    if language is not None:
        code = validate_language(language, key="--lang")
        if code not in targets:
            raise ConfigError(
                f"--lang {language}: {article.rel} is written in {article.source_language}; "
                f"its target languages are {targets}"
            )
        return code
    if len(targets) != 1:
        raise ConfigError(
            f"{article.rel} has several target languages {targets}",
            hint="say which one the translation is in with --lang",
        )
    return targets[0]


def _read_source(config: Config, path: Path) -> Article:
    if not path.is_file():
        raise ArticleError("source article not found", path=path)
    try:
        (found,) = discover(config, [path])
    except ArticleError as exc:
        if "outside" in exc.message:
            exc.hint = (
                f"align writes the catalog of an article of the workspace: move or copy it "
                f"into {config.relative(config.articles)}/ first"
            )
        raise
    if not found.read_bytes().strip():
        raise ArticleError("source article is empty: nothing to align", path=path)
    article = read_article(config, found)
    if not article.doc.segments:
        raise ArticleError("source article has no translatable segments", path=path)
    return article


def _read_translation(config: Config, article: Article, path: Path, language: str) -> Document:
    if not path.is_file():
        raise ArticleError("translation not found", path=path)
    fmt = format_for(path)
    if fmt is not article.fmt:
        raise ArticleError(
            f"translation is {fmt.name} but the source {article.rel} is {article.fmt.name}",
            path=path,
            hint="align a translation in the same format as its source",
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ArticleError(f"cannot read: {exc.strerror}", path=path) from None
    if not data.strip():
        raise ArticleError("translation is empty: nothing to align", path=path)
    text = decode(data, path)
    try:
        doc = fmt.parse(text, front_matter_fields=config.front_matter, markup=markup_of(config))
    except TransflowError as exc:
        if exc.path is None:
            exc.path = path
        raise
    if not doc.segments:
        raise ArticleError("translation has no translatable segments", path=path)
    declared = doc.metadata.get(config.lang_key)
    if declared:
        try:
            code = validate_language(declared, key="lang")
        except ConfigError:
            code = declared
        if code.split("_")[0] != language.split("_")[0]:
            raise ArticleError(
                f"translation says lang: {declared}, but the target language is {language}",
                path=path,
                hint="pass the right file, or the right --lang",
            )
    return doc


def _prepare(
    config: Config, source_path: Path, translation_path: Path, language: str | None
) -> _Prepared:
    article = _read_source(config, source_path)
    lang = _target_language(config, article, language)
    translation = _read_translation(config, article, translation_path, lang)
    # Inner segments (a tag's title inside a paragraph) travel with their paragraph.
    alignment = aligner.align(outer(article.doc.segments), outer(translation.segments))
    return _Prepared(article, translation_path, translation, lang, alignment)


# --------------------------------------------------------------------------- filling

_SENTENCE_END = re.compile(r"(?<=[.!?…:;])[\"'”’)\]*_]*\s+(?=\S)")


def split_for(text: str, first: str, second: str) -> tuple[str, str] | None:
    """Cut ``text`` at the sentence boundary that best matches ``first``:``second`` lengths.

    Returns None when ``text`` has no sentence boundary to cut at.
    """
    share = len(first) / max(len(first) + len(second), 1)
    best: tuple[float, int, int] | None = None
    for match in _SENTENCE_END.finditer(text):
        distance = abs(match.start() / max(len(text), 1) - share)
        if best is None or distance < best[0]:
            best = (distance, match.start(), match.end())
    if best is None:
        return None
    _, end, start = best
    head, tail = text[:end].rstrip(), text[start:].lstrip()
    if not head or not tail:
        return None
    return head, tail


@dataclass(slots=True)
class _Fill:
    text: str
    confident: bool
    note: str | None  # draft-line text, None for a translated entry
    rank: int  # lower wins: 0 confident, 1 doubtful, 2 cut from a 2–1 link


def _fills(prepared: _Prepared, day: str) -> dict[str, _Fill]:
    """msgid → what the alignment proposes for it (best link wins, see module docstring)."""
    src_inner = _inner_by_outer(prepared.article.doc.segments)
    tgt_inner = _inner_by_outer(prepared.translation.segments)
    src = outer(prepared.article.doc.segments)
    tgt = outer(prepared.translation.segments)
    proposals: dict[str, _Fill] = {}

    def offer(msgid: str, fill: _Fill) -> None:
        current = proposals.get(msgid)
        if current is None or fill.rank < current.rank:
            proposals[msgid] = fill

    for link in prepared.alignment.links:
        target_text = " ".join(tgt[k].text for k in link.target)
        reasons = "; ".join(link.reasons)
        if len(link.source) == 1:
            msgid = src[link.source[0]].text
            note = None if link.confident else (
                f"align {day} ({link.score:.2f}, {reasons or 'doubtful'})"
            )
            theirs = [s for k in link.target for s in tgt_inner[k]]
            pairs = [(msgid, target_text), *_inner_pairs(src_inner[link.source[0]], theirs)]
            for text, translation in pairs:
                offer(text, _Fill(translation, link.confident, note, 0 if link.confident else 1))
            continue
        first, second = (src[k].text for k in link.source)
        cut = split_for(target_text, first, second)
        why = f"{link.score:.2f}, 2–1 merge"
        if cut is not None:
            note = f"align {day} ({why} cut at a sentence boundary; check both halves)"
            offer(first, _Fill(cut[0], False, note, 2))
            offer(second, _Fill(cut[1], False, note, 2))
        else:
            note = f"align {day} ({why}: the whole translation of both paragraphs is here)"
            offer(first, _Fill(target_text, False, note, 2))
    return proposals


def _inner_by_outer(segments: Sequence[Segment]) -> list[list[Segment]]:
    """For each outer segment (in order), the inner segments it carries."""
    found: list[list[Segment]] = []
    for segment in segments:
        if segment.anchor is None:
            found.append([])
        elif found:
            found[-1].append(segment)
    return found


def _inner_pairs(source: Sequence[Segment], target: Sequence[Segment]) -> list[tuple[str, str]]:
    """The inner segments of two aligned paragraphs paired in order, kind by kind (``title of
    abbr``, ``link title``…), when both have as many of that kind; else none of that kind."""
    def kind(segment: Segment) -> str:
        return segment.kind.rsplit(" in ", 1)[0]

    pairs: list[tuple[str, str]] = []
    for name in dict.fromkeys(kind(s) for s in source):
        mine = [s.text for s in source if kind(s) == name]
        theirs = [s.text for s in target if kind(s) == name]
        if len(mine) == len(theirs):
            pairs += zip(mine, theirs, strict=True)
    return pairs


def _fill_catalog(po: catalog.Catalog, proposals: dict[str, _Fill], result: PairResult) -> None:
    for entry in catalog.active_entries(po):
        if entry.msgstr:
            result.kept += 1
            continue
        fill = proposals.get(entry.msgid)
        if fill is None:
            result.untranslated += 1
            continue
        if fill.note is None:
            set_translation(entry, fill.text)
            result.translated += 1
        else:
            mark_draft(entry, fill.text, fill.note)
            result.drafted += 1


# --------------------------------------------------------------------------- writing


def _write(
    config: Config, cat: catalog.Catalog, path: Path, prepared_now: datetime, dry_run: bool,
    written: list[str],
) -> None:
    if dry_run:
        if not path.exists() or catalog.render(cat) != path.read_text(encoding="utf-8"):
            written.append(config.relative(path))
        return
    if catalog.save(cat, path, now=prepared_now):
        written.append(config.relative(path))


def _apply(config: Config, prepared: _Prepared, dry_run: bool, clock: Clock) -> PairResult:
    article = prepared.article
    now = clock()
    lang = prepared.language
    po_path = catalog_path(config, lang, article.slug)
    result = PairResult(
        source=article.rel,
        translation=config.relative(prepared.translation_path),
        catalog=config.relative(po_path),
        language=lang,
        alignment=prepared.alignment,
        source_segments=len(outer(article.doc.segments)),
        target_segments=len(outer(prepared.translation.segments)),
        dry_run=dry_run,
    )
    tgt = outer(prepared.translation.segments)
    result.extra_target = [
        (k, tgt[k].kind, tgt[k].text) for k in prepared.alignment.unmatched_target
    ]

    # Template and catalog exactly as sync makes them (workflow/sync.py: _sync_article).
    segments = [(s.text, s.kind, s.line) for s in article.doc.segments]
    template = catalog.build_template(segments, article.rel, config.references)
    project = article.slug
    pot_path = template_path(config, article.slug)
    pot = catalog.load(pot_path) if pot_path.exists() else catalog.new_catalog(None, project, now)
    catalog.merge(pot, template, template_only=True)
    po = catalog.load(po_path) if po_path.exists() else catalog.new_catalog(lang, project, now)
    fix_header(po, lang, project, now)
    catalog.merge(po, template)

    _fill_catalog(po, _fills(prepared, now.date().isoformat()), result)
    _write(config, pot, pot_path, now, dry_run, result.written)
    _write(config, po, po_path, now, dry_run, result.written)
    return result


# --------------------------------------------------------------------------- entry points


def align_pair(
    config: Config,
    source_path: Path,
    translation_path: Path,
    *,
    language: str | None = None,
    dry_run: bool = False,
    clock: Clock = utc_now,
) -> PairResult:
    """Align one article with its translation and fill its catalog (see module docstring)."""
    prepared = _prepare(config, source_path, translation_path, language)
    return _apply(config, prepared, dry_run, clock)


def find_pairs(config: Config, directory: Path, language: str | None = None) -> list[
    tuple[Path, Path]
]:
    """The pairs under ``directory`` for ``align --all`` (layouts: ``align.pair_files``).

    The source files must lie in the articles folder (their catalogs are the ones written);
    translations may lie anywhere under ``directory``. The source language is the
    configured default; the target is ``language`` or its only target language.
    """
    if not directory.is_dir():
        raise ArticleError("folder not found", path=directory)
    source_lang = config.source_language
    targets = config.targets_for(source_lang)
    if language is not None:
        target = validate_language(language, key="--lang")
    elif len(targets) == 1:
        target = targets[0]
    else:
        raise ConfigError(
            f"several target languages {targets}", hint="say which one with --lang"
        )
    pairs = aligner.pair_files(directory, source_lang, target)
    if not pairs:
        raise ArticleError(
            f"no {source_lang}/{target} pairs found",
            path=directory,
            hint=f"name them slug.{source_lang}.md + slug.{target}.md, "
            f"{source_lang}/slug.md + {target}/slug.md, or slug/{source_lang}.md + "
            f"slug/{target}.md",
        )
    articles = config.articles.resolve()
    outside = [s for s, _ in pairs if not s.resolve().is_relative_to(articles)]
    if outside:
        raise ArticleError(
            f"{len(outside)} source article(s) outside the articles folder, e.g. "
            f"{config.relative(outside[0])}",
            path=directory,
            hint=f"run 'transflow align --all' on a folder inside "
            f"{config.relative(config.articles)}/, or align single pairs",
        )
    return pairs


def align_all(
    config: Config,
    pairs: Sequence[tuple[Path, Path]],
    *,
    language: str | None = None,
    dry_run: bool = False,
    clock: Clock = utc_now,
) -> AlignReport:
    """Align several pairs; every pair is read and aligned before anything is written."""
    prepared = [_prepare(config, s, t, language) for s, t in pairs]
    report = AlignReport(dry_run=dry_run)
    for item in prepared:
        report.pairs.append(_apply(config, item, dry_run, clock))
    return report
