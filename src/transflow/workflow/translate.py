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

Layout: planning (``plan``, ``build_memory``, the report dataclasses) is in
``translate_plan`` and re-exported here; this module sets up the engine and executes a plan
(applies drafts, sends batches, saves after each one).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from transflow import mt
from transflow.config import Config
from transflow.errors import EngineError, QuotaExceededError
from transflow.mt.deepl_engine import DeepLEngine, read_glossary
from transflow.mt.placeholders import structure
from transflow.po import catalog
from transflow.states import mark_draft, mark_no_draft
from transflow.workflow.translate_plan import (
    COPY,
    JSON_VERSION,
    MEMORY,
    REUSE,
    SEND,
    CatalogTranslate,
    EarlierDrafts,
    TranslateReport,
    article_format,
    article_title,
    build_memory,
    plan,
)
from transflow.workflow.workspace import (
    Article,
    Clock,
    Progress,
    no_progress,
    utc_now,
)

__all__ = [
    "CONTEXT_CHARS",
    "COPY",
    "JSON_VERSION",
    "MEMORY",
    "REUSE",
    "SEND",
    "CatalogTranslate",
    "EarlierDrafts",
    "TranslateReport",
    "batch_context",
    "build_memory",
    "deepl_source",
    "deepl_target",
    "make_deepl_engine",
    "plan",
    "translate",
]

#: Context sent with a batch (free): the title and the paragraphs around it, capped so the
#: request stays well under DeepL's 128 KiB (``mt.plan`` budgets 120 KiB with the title).
CONTEXT_CHARS = 1500


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


# --------------------------------------------------------------------------- batch context
def batch_context(article: Article, texts: Sequence[str]) -> str:
    """The article title and the paragraphs just before and after the batch (not billed)."""
    segments = [s.text for s in article.doc.segments]
    wanted = set(texts)
    positions = [i for i, s in enumerate(segments) if s in wanted]
    parts = [article_title(article)]
    if positions:
        first, last = positions[0], positions[-1]
        before = segments[first - 1] if first > 0 else ""
        after = segments[last + 1] if last + 1 < len(segments) else ""
        parts += [p for p in (before, after) if p and p != parts[0]]
    return "\n\n".join(parts)[:CONTEXT_CHARS]


# --------------------------------------------------------------------------- applying drafts
def memory_problems(source: str, draft: str, fmt: str) -> list[str]:
    """Why a memory draft cannot stand as it is: its markup is not the source's.

    A close match comes from another segment (perhaps another format: a Markdown article's
    translation offered to an HTML one), so its links, emphasis or footnotes may not be
    this segment's; the draft stays, with a problem line for the translator.
    """
    if structure(draft, fmt) == structure(source, fmt):
        return []
    return ["the markup of this memory match differs from the source's"]


def _apply(
    entry: catalog.Entry, text: str | None, origin: str, problems: Sequence[str] = ()
) -> bool:
    """Write a draft into an entry; False (entry untouched but for a problem line) if none."""
    if text is None or not text.strip():
        mark_no_draft(entry, problems)
        return False
    mark_draft(entry, text, origin, problems)
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
                            f"memory {day} {target.match.origin} ({pct}%)",
                            memory_problems(entry.msgid, target.match.translation,
                                            article_format(article)))
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
                    engine, texts, fmt=article_format(article), source_lang=deepl_source(src),
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
