"""``translate``: fill untranslated entries with drafts, translation memory first, then an engine.

Invariants:

* only untranslated entries (and, with ``refresh_fuzzy``, needs-work entries) are targets;
  translated, reviewed and existing machine-draft entries are never touched;
* every draft is written ``#, fuzzy`` with a ``# transflow: draft <origin> <date>`` line
  (``states.state_of`` then calls it a *machine draft*); a draft that failed validation also
  gets a ``# transflow: problem …`` line, so it is never published as it is;
* no character is paid for twice: exact memory hits (every translated entry of every
  catalog of the workspace, per language pair) are reused, close hits become fuzzy drafts,
  a source text is sent at most once per run (later articles reuse the draft), and each
  finished batch is saved atomically (``catalog.save``) before the next one is sent, so a
  crash, Ctrl-C or quota stop loses nothing and a rerun sends only what was not saved;
* the whole run is planned before anything is written or sent (``plan`` is what
  ``dry_run`` returns), and a run whose planned characters exceed ``max_chars`` or the
  remaining quota stops before sending anything;
* a text the engine refused stays untranslated (with a problem line), so a rerun retries it.

Never prints, never reads the environment: the engine (or None for memory only), the clock
and the progress callback are parameters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transflow import catalog, mt
from transflow.config import Config
from transflow.errors import EngineError, QuotaExceededError, TransflowError
from transflow.mt.deepl_engine import DeepLEngine, read_glossary
from transflow.mt.markup import normalize_format
from transflow.states import State, set_transflow_line, transflow_lines
from transflow.workflow.workspace import (
    Article,
    Clock,
    Progress,
    catalog_path,
    discover,
    no_progress,
    read_article,
    utc_now,
)

JSON_VERSION = 1
#: Context sent with a batch (free): the title and the paragraphs around it, capped so the
#: request stays well under DeepL's 128 KiB (``mt.plan`` budgets 120 KiB with the title).
CONTEXT_CHARS = 1500

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
                "drafted_by_memory": self.total("memory_exact") + self.total("memory_fuzzy")
                + self.total("copied"),
                "memory_exact": self.total("memory_exact"),
                "memory_fuzzy": self.total("memory_fuzzy"),
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
        }


# --------------------------------------------------------------------------- engine setup
def deepl_target(config: Config, language: str) -> str:
    """DeepL's code for a target language: the configured variant (``en`` → ``EN-GB``)."""
    variants = {k.lower().replace("-", "_"): v for k, v in config.deepl.variants.items()}
    code = variants.get(language.lower(), language)
    return code.replace("_", "-").upper()


def deepl_source(language: str) -> str:
    """DeepL's code for a source language: the bare language (``en_GB`` → ``EN``)."""
    return language.replace("-", "_").split("_")[0].upper()


def make_deepl_engine(
    config: Config, auth_key: str, *, server_url: str | None = None, **options: object
) -> DeepLEngine:
    """A DeepL engine with the workspace's formality, glossary, model and English variant.

    The key and URL come from the caller (the CLI reads the environment, this does not).
    """
    glossary = None
    if config.deepl.glossary is not None:
        langs = (config.languages[0], config.languages[1])
        glossary = read_glossary(config.deepl.glossary, languages=langs)
        glossary = {(deepl_source(s), deepl_source(t)): e for (s, t), e in glossary.items()}
    return DeepLEngine(
        auth_key,
        server_url=server_url,
        formality=config.deepl.formality,
        glossary=glossary,
        model_type=config.deepl.model_type,
        english_variant=deepl_target(config, "en"),
        **{"timeout": config.deepl.timeout, **options},  # type: ignore[arg-type]
    )


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
                state = catalog.entry_state(entry)
                if state >= State.TRANSLATED:
                    memory.add(entry.msgid, entry.msgstr, source_lang=source,
                               target_lang=lang, origin=origin)
                elif state == State.MACHINE_DRAFT:
                    engine = _engine_draft(entry.tcomment or "")
                    if engine is not None:
                        drafts.setdefault((source, lang, entry.msgid),
                                          mt.Draft(entry.msgid, entry.msgstr, (), 0, engine,
                                                   sent=False))
    return memory, drafts


def _engine_draft(tcomment: str) -> str | None:
    """The origin (``deepl 2026-11-27``) of a sound engine draft, else None."""
    if transflow_lines(tcomment, "problem"):
        return None
    lines = transflow_lines(tcomment, "draft")
    if not lines:
        return None
    origin = lines[-1].split(None, 2)[2] if len(lines[-1].split()) > 2 else ""
    if not origin or origin.split()[0] in ("memory", "copy"):
        return None
    return origin


# --------------------------------------------------------------------------- planning
def _is_target(entry: catalog.Entry, refresh_fuzzy: bool) -> bool:
    state = catalog.entry_state(entry)
    return state == State.UNTRANSLATED or (refresh_fuzzy and state == State.NEEDS_WORK)


def _title(article: Article) -> str:
    title = article.doc.metadata.get("title")
    if title:
        return str(title)
    for seg in article.doc.segments:
        if seg.kind.startswith("heading"):
            return seg.text
    return article.slug


def batch_context(article: Article, texts: Sequence[str]) -> str:
    """The article title and the paragraphs just before and after the batch (not billed)."""
    segments = [s.text for s in article.doc.segments]
    wanted = set(texts)
    positions = [i for i, s in enumerate(segments) if s in wanted]
    parts = [_title(article)]
    if positions:
        first, last = positions[0], positions[-1]
        before = segments[first - 1] if first > 0 else ""
        after = segments[last + 1] if last + 1 < len(segments) else ""
        parts += [p for p in (before, after) if p and p != parts[0]]
    return "\n\n".join(parts)[:CONTEXT_CHARS]


def _fmt(article: Article) -> str:
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
    articles = [read_article(config, p) for p in discover(config, paths)]
    everything, earlier = build_memory(config, articles)
    memory = everything if use_memory else None
    planned: set[tuple[str, str, str]] = set()
    protected: dict[tuple[str, str], bool] = {}
    for article in articles:
        fmt = _fmt(article)
        for lang in config.targets_for(article.source_language):
            if language is not None and lang != language:
                continue
            path = catalog_path(config, lang, article.slug)
            if not path.exists():
                continue  # not synced yet: sync reports it
            po = catalog.load(path)
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
                batches = mt.plan(to_send, fmt=fmt, context=_title(article))
                item._batches = [[to_send[i] for i in b.indices] for b in batches]
                item.to_send = len(to_send)
                item.characters = sum(b.characters for b in batches)
                item.requests = len(batches)
            report.catalogs.append(item)
    return report


# --------------------------------------------------------------------------- applying drafts
def _apply(
    entry: catalog.Entry, text: str | None, origin: str, problems: Sequence[str] = ()
) -> bool:
    """Write a draft into an entry; False (entry untouched but for a problem line) if none."""
    if text is None or not text.strip():
        if catalog.entry_state(entry) == State.UNTRANSLATED:
            entry.tcomment = set_transflow_line(
                entry.tcomment or "", "problem", "; ".join(problems) or "no draft"
            )
        return False
    entry.msgstr = text
    entry.previous_msgid = None
    entry.previous_msgctxt = None
    catalog.set_fuzzy(entry, True)
    comment = set_transflow_line(entry.tcomment or "", "draft", origin)
    entry.tcomment = set_transflow_line(comment, "problem", "; ".join(problems) or None)
    return True


def translate(
    config: Config,
    paths: Sequence[Path] | None = None,
    *,
    language: str | None = None,
    engine: mt.Engine | None = None,
    engine_name: str = "deepl",
    use_memory: bool = True,
    refresh_fuzzy: bool = False,
    dry_run: bool = False,
    max_chars: int | None = None,
    clock: Clock = utc_now,
    progress: Progress = no_progress,
) -> TranslateReport:
    """Draft every target entry of the selected articles; see the module docstring.

    Returns the report; an engine failure that ends the run early (quota, key, service
    down) is in ``report.stopped`` after everything finished was saved. Refusals before
    anything is sent (``max_chars``, remaining quota) raise ``EngineError``.
    """
    report = plan(config, paths, language=language, use_memory=use_memory,
                  refresh_fuzzy=refresh_fuzzy,
                  with_engine=engine is not None or engine_name != "memory")
    report.dry_run = dry_run
    report.engine = engine.name if engine is not None else None
    report.engine_name = engine_name
    planned = report.characters
    if engine is not None and (planned or dry_run):
        report.usage = engine.usage()
    if engine is not None and max_chars is not None and planned > max_chars:
        raise EngineError(
            f"the plan needs {planned} DeepL characters, more than --max-chars {max_chars}",
            hint="raise --max-chars, or translate fewer articles at a time",
        )
    remaining = report.usage.remaining if report.usage is not None else None
    if engine is not None and remaining is not None and planned > remaining:
        raise QuotaExceededError(
            f"the plan needs {planned} DeepL characters but only {remaining} are left "
            "this billing period",
            hint="translate fewer articles, or rerun when the quota resets",
        )
    if dry_run:
        return report

    now = clock()
    day = now.date().isoformat()
    drafted: dict[tuple[str, str, str], mt.Draft] = {}
    total = report.total("targets")
    done = 0
    chars = 0
    requests = 0

    def tick(item: CatalogTranslate, n: int) -> None:
        nonlocal done
        done += n
        progress(done, total, f"{item.article} [{item.language}] {chars} chars "
                              f"{requests} req")

    for item in report.catalogs:
        article, po, path = item._article, item._po, item._path
        assert article is not None and path is not None
        src, lang = article.source_language, item.language
        by_text: dict[str, list[catalog.Entry]] = {}
        changed = 0
        for target in item._targets:
            entry = target.entry
            if target.action == MEMORY and target.match is not None:
                pct = round(target.match.score * 100)
                ok = _apply(entry, target.match.translation,
                            f"memory {day} {target.match.origin} ({pct}%)")
                changed += ok
                item.drafted += ok
            elif target.action == COPY:
                ok = _apply(entry, entry.msgid, f"copy {day}")
                changed += ok
                item.drafted += ok
            elif target.action == REUSE:
                draft = target.draft
                origin = draft.engine if draft is not None else ""
                if draft is None:
                    draft = drafted.get((src, lang, entry.msgid))
                    origin = f"{draft.engine} {day}" if draft is not None else ""
                if draft is not None:
                    ok = _apply(entry, draft.text, origin, draft.problems)
                    changed += 1
                    item.drafted += ok
                    item.reused_done += ok
                    item.problems += ok and bool(draft.problems)
            else:
                by_text.setdefault(entry.msgid, []).append(entry)
        if changed:
            catalog.save(po, path, now=now)
            item.saved = True
        tick(item, item.targets - sum(len(v) for v in by_text.values()))
        if engine is None:
            continue
        for texts in item._batches:
            try:
                drafts = mt.draft_batch(
                    engine, texts, fmt=_fmt(article), source_lang=deepl_source(src),
                    target_lang=deepl_target(config, lang),
                    context=batch_context(article, texts),
                )
                stop: EngineError | None = None
            except mt.QuotaExceededDuringBatch as exc:
                drafts, stop = list(exc.drafts), exc
            except EngineError as exc:
                drafts, stop = [], exc
            item.requests_sent += 1
            requests += 1
            for draft in drafts:
                drafted[(src, lang, draft.source)] = draft
                item.billed += draft.billed_characters
                chars += draft.billed_characters
                entries = by_text.get(draft.source, [])
                applied = 0
                for entry in entries:
                    applied += _apply(entry, draft.text, f"{draft.engine} {day}",
                                      draft.problems)
                if draft.text is None or not draft.text.strip():
                    item.failures.append(
                        f"{item.catalog}: {_short(draft.source)}: "
                        + ("; ".join(draft.problems) or "no draft")
                    )
                else:
                    item.drafted_by_engine += applied
                    item.drafted += applied
                    if draft.problems:
                        item.problems += applied
            if drafts:
                catalog.save(po, path, now=now)
                item.saved = True
            tick(item, sum(len(by_text.get(d.source, [])) for d in drafts))
            report.warnings = _engine_warnings(engine)
            if stop is not None:
                report.stopped = stop
                return report
            report.batches_done += 1
    return report


def _engine_warnings(engine: mt.Engine) -> list[str]:
    """An engine's ``warnings`` (``DeepLEngine`` has them; the protocol does not require it)."""
    warnings = getattr(engine, "warnings", None)
    return [str(w) for w in warnings] if isinstance(warnings, list) else []


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
