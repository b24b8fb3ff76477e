"""Planning for ``translate``: where each target entry's draft comes from, and what it costs.

``plan`` reads the selected articles and their catalogs and decides, per target entry, one
action (``MEMORY``, ``REUSE``, ``COPY`` or ``SEND``); the texts to send are grouped into
batches with ``mt.plan``. The report dataclasses live here because the plan *is* the first
half of the report: ``translate`` fills in the outcome fields of the same objects, and
reads the plan itself from ``CatalogTranslate``'s unreported underscore fields.

Invariants:

* planning writes nothing and sends nothing: catalogs are loaded, never saved;
* only untranslated entries (and, with ``refresh_fuzzy``, needs-work entries) are targets;
* the order of preference is fixed: an exact memory hit, then a sound engine draft saved by
  an earlier run (``build_memory``), then a text already planned for sending in this run,
  then a copy when nothing needs translating, then a close memory hit, else send;
* a source text is planned for sending at most once per language pair, so the planned
  characters and requests are those the real run will bill and send.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transflow import mt
from transflow.config import Config
from transflow.errors import EngineError, Problem, TransflowError
from transflow.mt.placeholders import normalize_format
from transflow.po import catalog
from transflow.states import State, engine_origin, entry_state
from transflow.workflow.workspace import (
    Article,
    catalog_path,
    discover_each,
    problem_of,
    read_article,
)

JSON_VERSION = 1

#: What happens to one target entry.
MEMORY = "memory"  # exact or close translation-memory hit
REUSE = "reuse"  # the same text is drafted by the engine earlier in this run
COPY = "copy"  # nothing to translate (markup, digits, punctuation): the source is the draft
SEND = "send"  # sent to the engine


@dataclass(slots=True)
class _Target:
    entry: catalog.Entry
    action: str
    match: mt.MemoryMatch | None = None
    draft: mt.Draft | None = None


@dataclass(slots=True)
class CatalogTranslate:
    """Plan and outcome for one article in one target language."""

    article: str
    source_language: str
    language: str
    catalog: str
    targets: int = 0
    memory_exact: int = 0
    memory_fuzzy: int = 0
    reused: int = 0
    copied: int = 0
    #: Unique texts this catalog sends, their billable characters and the requests planned.
    to_send: int = 0
    characters: int = 0
    requests: int = 0
    # outcome
    drafted_by_engine: int = 0
    billed: int = 0
    requests_sent: int = 0
    problems: int = 0
    failures: list[str] = field(default_factory=list)
    #: Entries that received a draft in this run (memory, copy, reuse or engine).
    drafted: int = 0
    #: Of those, engine drafts reused from earlier in the run or an earlier run (not billed).
    reused_done: int = 0
    saved: bool = False
    # internals (not reported)
    _targets: list[_Target] = field(default_factory=list, repr=False)
    _batches: list[list[str]] = field(default_factory=list, repr=False)
    _po: Any = field(default=None, repr=False)  # the loaded catalog (polib)
    _path: Path | None = field(default=None, repr=False)
    _article: Article | None = field(default=None, repr=False)

    @property
    def by_memory(self) -> int:
        """Drafts that cost nothing: memory hits and copied segments."""
        return self.memory_exact + self.memory_fuzzy + self.copied

    def to_json(self) -> dict[str, object]:
        return {
            "article": self.article,
            "source_language": self.source_language,
            "language": self.language,
            "catalog": self.catalog,
            "targets": self.targets,
            "memory_exact": self.memory_exact,
            "memory_fuzzy": self.memory_fuzzy,
            "reused": self.reused,
            "copied": self.copied,
            "segments_to_send": self.to_send,
            "characters": self.characters,
            "requests": self.requests,
            "drafted_by_engine": self.drafted_by_engine,
            "billed_characters": self.billed,
            "requests_sent": self.requests_sent,
            "problems": self.problems,
            "drafted": self.drafted,
            "reused_done": self.reused_done,
            "failures": self.failures,
        }


@dataclass(slots=True)
class TranslateReport:
    """The plan (``dry_run``) or the outcome of a translate run."""

    catalogs: list[CatalogTranslate] = field(default_factory=list)
    engine: str | None = None
    dry_run: bool = False
    usage: mt.Usage | None = None
    #: Set when the run stopped early (quota 456, key refused, service down): what stopped it.
    stopped: EngineError | None = None
    batches_done: int = 0
    #: The engine the run is meant for (named in messages even when no engine was given).
    engine_name: str = "deepl"
    #: What the engine worked around without stopping (e.g. a glossary the server refused).
    warnings: list[str] = field(default_factory=list)
    #: Articles and catalogs that could not be read (reported and skipped).
    problems: list[Problem] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(int(getattr(c, name)) for c in self.catalogs)

    @property
    def characters(self) -> int:
        """Billable characters planned for the engine (unique texts, after memory)."""
        return self.total("characters")

    @property
    def left(self) -> int:
        """Target entries without a draft after this run (all that need the engine when
        there was none; what failed or was not reached otherwise)."""
        return self.total("targets") - self.total("drafted")

    @property
    def failures(self) -> list[str]:
        return [f for c in self.catalogs for f in c.failures]

    def to_json(self) -> dict[str, object]:
        usage = None
        if self.usage is not None:
            usage = {
                "character_count": self.usage.character_count,
                "character_limit": self.usage.character_limit,
                "remaining": self.usage.remaining,
            }
        return {
            "version": JSON_VERSION,
            "dry_run": self.dry_run,
            "engine": self.engine,
            "engine_name": self.engine_name,
            "catalogs": [c.to_json() for c in self.catalogs],
            "totals": {
                "targets": self.total("targets"),
                "drafted_by_memory": self.total("by_memory"),
                "memory_exact": self.total("memory_exact"),
                "memory_fuzzy": self.total("memory_fuzzy"),
                "copied": self.total("copied"),
                "reused": self.total("reused"),
                "segments_to_send": self.total("to_send"),
                "characters": self.characters,
                "requests": self.total("requests"),
                "drafted_by_engine": self.total("drafted_by_engine"),
                "billed_characters": self.total("billed"),
                "requests_sent": self.total("requests_sent"),
                "problems": self.total("problems"),
                "failures": len(self.failures),
                "drafted": self.total("drafted"),
                "reused_done": self.total("reused_done"),
                "left": self.left,
                "batches_done": self.batches_done,
            },
            "usage": usage,
            "stopped": str(self.stopped) if self.stopped else None,
            "warnings": list(self.warnings),
            "problems": [p.to_json() for p in self.problems],
        }


# --------------------------------------------------------------------------- memory
#: (source language, target language, source text) → an engine draft saved by an earlier run.
EarlierDrafts = dict[tuple[str, str, str], mt.Draft]


def build_memory(
    config: Config, articles: Sequence[Article] = ()
) -> tuple[mt.TranslationMemory, EarlierDrafts]:
    """Every translated (or reviewed) entry of every catalog of the workspace, and every
    sound engine draft (machine draft from an engine, no problem line).

    The drafts are not memory (nobody read them) but they were paid for: an identical text
    elsewhere reuses them instead of being sent again, which is what makes a rerun after an
    interruption bill only the rest. A catalog's source language is its article's; with two
    configured languages it is simply the other one, so no article needs parsing.
    """
    memory = mt.TranslationMemory(config.memory_threshold)
    drafts: EarlierDrafts = {}
    known = {a.slug: a.source_language for a in articles}
    for lang in config.languages:
        folder = config.locales / lang
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*.po")):
            slug = path.relative_to(folder).with_suffix("").as_posix()
            source = known.get(slug)
            if source is None:
                others = [x for x in config.languages if x != lang]
                if len(others) != 1:
                    continue
                source = others[0]
            try:
                po = catalog.load(path)
            except TransflowError:
                continue  # an unreadable catalog is reported by sync/status, not here
            origin = config.relative(path)
            for entry in catalog.active_entries(po):
                state = entry_state(entry)
                if state >= State.TRANSLATED:
                    memory.add(entry.msgid, entry.msgstr, source_lang=source,
                               target_lang=lang, origin=origin)
                elif state == State.MACHINE_DRAFT:
                    engine = engine_origin(entry.tcomment or "")
                    if engine is not None:
                        drafts.setdefault((source, lang, entry.msgid),
                                          mt.Draft(entry.msgid, entry.msgstr, (), 0, engine,
                                                   sent=False))
    return memory, drafts


# --------------------------------------------------------------------------- planning
def _is_target(entry: catalog.Entry, refresh_fuzzy: bool) -> bool:
    state = entry_state(entry)
    return state == State.UNTRANSLATED or (refresh_fuzzy and state == State.NEEDS_WORK)


def article_title(article: Article) -> str:
    title = article.doc.metadata.get("title")
    if title:
        return str(title)
    for seg in article.doc.segments:
        if seg.kind.startswith("heading"):
            return seg.text
    return article.slug


def article_format(article: Article) -> str:
    return normalize_format(article.fmt.name)


def plan(
    config: Config,
    paths: Sequence[Path] | None = None,
    *,
    language: str | None = None,
    use_memory: bool = True,
    refresh_fuzzy: bool = False,
    with_engine: bool = True,
) -> TranslateReport:
    """Decide, for every target entry, where its draft comes from; count what would be sent.

    Nothing is written. Texts planned for sending in one catalog are "reused" by later
    catalogs of the same language pair, so the figures are those of the real run.
    """
    report = TranslateReport()
    files, report.problems = discover_each(config, paths)
    articles = []
    for file in files:  # an unreadable article is reported; the others are translated
        try:
            articles.append(read_article(config, file))
        except TransflowError as exc:
            report.problems.append(problem_of(config, exc, file))
    everything, earlier = build_memory(config, articles)
    memory = everything if use_memory else None
    planned: set[tuple[str, str, str]] = set()
    protected: dict[tuple[str, str], bool] = {}
    for article in articles:
        fmt = article_format(article)
        for lang in config.targets_for(article.source_language):
            if language is not None and lang != language:
                continue
            path = catalog_path(config, lang, article.slug)
            if not path.exists():
                continue  # not synced yet: sync reports it
            try:
                po = catalog.load(path)
            except TransflowError as exc:
                report.problems.append(problem_of(config, exc, path))
                continue
            item = CatalogTranslate(article.rel, article.source_language, lang,
                                    config.relative(path), _po=po, _path=path,
                                    _article=article)
            to_send: list[str] = []
            for entry in catalog.active_entries(po):
                if not _is_target(entry, refresh_fuzzy):
                    continue
                item.targets += 1
                text = entry.msgid
                key = (article.source_language, lang, text)
                match = None
                if memory is not None:
                    match = memory.lookup(text, source_lang=article.source_language,
                                          target_lang=lang)
                if match is not None and match.exact:
                    item._targets.append(_Target(entry, MEMORY, match))
                    item.memory_exact += 1
                    continue
                if key in earlier:
                    item._targets.append(_Target(entry, REUSE, draft=earlier[key]))
                    item.reused += 1
                    continue
                if key in planned and with_engine:
                    item._targets.append(_Target(entry, REUSE))
                    item.reused += 1
                    continue
                needs = protected.get((fmt, text))
                if needs is None:
                    needs = protected[(fmt, text)] = mt.protect(text, fmt).needs_translation
                if not needs:
                    item._targets.append(_Target(entry, COPY))
                    item.copied += 1
                    continue
                if match is not None:
                    item._targets.append(_Target(entry, MEMORY, match))
                    item.memory_fuzzy += 1
                    continue
                item._targets.append(_Target(entry, SEND))
                if key not in planned:
                    planned.add(key)
                    to_send.append(text)
            if to_send:
                batches = mt.plan(to_send, fmt=fmt, context=article_title(article))
                item._batches = [[to_send[i] for i in b.indices] for b in batches]
                item.to_send = len(to_send)
                item.characters = sum(b.characters for b in batches)
                item.requests = len(batches)
            report.catalogs.append(item)
    return report
