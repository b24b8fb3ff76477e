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
  ``dry_run`` returns, also when the real run would be refused: ``report.refused``), and a
  run whose planned characters exceed ``max_chars`` or the remaining quota stops before
  sending anything, unless ``fit``: then whole articles are drafted in plan order while
  they fit, and the rest is left for a later run (``report.deferred``);
* the report counts the HTTP requests the engine actually sent (retries included) apart
  from the batches, so what it says is what the server saw;
* a text the engine refused stays untranslated (with a problem line), so a rerun retries it.

Never prints, never reads the environment: the engine (or None for memory only), the clock
and the progress callback are parameters.

Layout, in the order a run goes: ``translate_plan.plan`` makes a public
:class:`~transflow.workflow.translate_plan.TranslatePlan`; :func:`check_budget` (the stop
policy before sending) refuses a plan over ``max_chars`` or the quota; :func:`apply_local`
writes the drafts that cost nothing (memory, copies, drafts reused from this or an earlier
run); :func:`send_batches` sends the rest batch by batch and stops the whole run at the
first engine failure (the stop policy while sending). The figures go to a
``translate_report.TranslateReport`` made from the plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from transflow import mt
from transflow.config import Config
from transflow.errors import EngineError, QuotaExceededError, TransflowError
from transflow.mt.deepl_engine import DeepLEngine, read_glossary
from transflow.mt.placeholders import structure
from transflow.po import catalog
from transflow.states import mark_draft, mark_no_draft
from transflow.workflow.translate_plan import (
    CONTEXT_CHARS,
    COPY,
    MEMORY,
    REUSE,
    SEND,
    CatalogPlan,
    EarlierDrafts,
    MemoryReader,
    PlannedBatch,
    Target,
    TranslatePlan,
    batch_context,
    plan,
)
from transflow.workflow.translate_report import JSON_VERSION, CatalogTranslate, TranslateReport
from transflow.workflow.workspace import (
    Clock,
    Progress,
    no_progress,
    problem_of,
    read_article,
    utc_now,
)

__all__ = [
    "CONTEXT_CHARS",
    "COPY",
    "JSON_VERSION",
    "MEMORY",
    "REUSE",
    "SEND",
    "CatalogPlan",
    "CatalogTranslate",
    "EarlierDrafts",
    "MemoryReader",
    "PlannedBatch",
    "Target",
    "TranslatePlan",
    "TranslateReport",
    "apply_local",
    "batch_context",
    "check_budget",
    "deepl_source",
    "deepl_target",
    "fit_to_budget",
    "make_deepl_engine",
    "plan",
    "send_batches",
    "translate",
    "without_deferred",
]

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


def check_budget(
    planned: int, engine: mt.Engine | None, max_chars: int | None, usage: mt.Usage | None
) -> None:
    """The stop policy before sending: refuse a plan the limits cannot pay for.

    Raises ``EngineError`` when the planned characters exceed ``max_chars``, and
    ``QuotaExceededError`` when they exceed what is left of the quota (``usage``); without
    an engine nothing is sent, so nothing is refused.
    """
    if engine is not None and max_chars is not None and planned > max_chars:
        raise EngineError(
            f"the plan needs {planned} DeepL characters, more than --max-chars {max_chars}",
            hint="raise --max-chars, or use --fit to draft the articles that fit",
        )
    remaining = usage.remaining if usage is not None else None
    if engine is not None and remaining is not None and planned > remaining:
        raise QuotaExceededError(
            f"the plan needs {planned} DeepL characters but only {remaining} are left "
            "this billing period",
            hint="use --fit to draft the articles that fit, or rerun when the quota resets",
        )


def budget(max_chars: int | None, usage: mt.Usage | None) -> int | None:
    """What a run may spend: the smaller of ``max_chars`` and the quota left (None: no limit
    is known)."""
    limits = [n for n in (max_chars, usage.remaining if usage is not None else None)
              if n is not None]
    return min(limits) if limits else None


def fit_to_budget(planned: TranslatePlan, limit: int) -> dict[str, int]:
    """Keep whole articles, in plan order, while their characters fit in ``limit``.

    From the first article that does not fit on, nothing is sent (its batches are dropped,
    by ``without_deferred``: its entries stay untranslated, its memory hits and copies are
    still applied, since they cost nothing). Returns the articles left for later with the
    characters each needs, and takes them out of ``planned.characters``.
    Whole articles, never half of one: a translator gets finished drafts to review.
    """
    spent = 0
    cut = False
    deferred: dict[str, int] = {}
    needs: dict[str, int] = {}
    for item in planned.catalogs:
        needs[item.rel] = needs.get(item.rel, 0) + item.characters
    for rel, need in needs.items():
        if not cut and spent + need <= limit:
            spent += need
            continue
        cut = True
        if need:
            deferred[rel] = need
    planned.characters -= sum(deferred.values())
    return deferred


def without_deferred(items: Iterable[CatalogPlan], deferred: Mapping[str, int]
                     ) -> Iterator[CatalogPlan]:
    """The plan's catalogs, those of the articles ``fit_to_budget`` left for later without
    their batches (a plan's catalogs are spooled: each is read back as it was decided)."""
    for item in items:
        if item.rel in deferred:
            item.batches = []
        yield item


@dataclass(slots=True)
class RunState:
    """What one run carries from catalog to catalog: the clock reading, this run's engine
    drafts (a later catalog reuses them), and the progress counters."""

    now: datetime
    progress: Progress
    total: int
    #: (source language, target language, source text) → the engine's draft in this run,
    #: while later catalogs still reuse it (``reuses``: how many targets yet).
    drafted: dict[tuple[str, str, str], mt.Draft] = field(default_factory=dict)
    reuses: dict[tuple[str, str, str], int] = field(default_factory=dict)
    done: int = 0
    chars: int = 0
    requests: int = 0

    @property
    def day(self) -> str:
        return self.now.date().isoformat()

    def tick(self, row: CatalogTranslate, n: int) -> None:
        """Report ``n`` more targets handled."""
        self.done += n
        self.progress(self.done, self.total, f"{row.article} [{row.language}] {self.chars} "
                                             f"chars {self.requests} req")


def apply_local(item: CatalogPlan, row: CatalogTranslate, run: RunState) -> dict[
        str, list[catalog.Entry]]:
    """Write the drafts that cost nothing and save the catalog once if anything changed.

    Memory hits, copies (nothing to translate) and engine drafts reused from an earlier run
    or from an earlier catalog of this run are applied; returns the entries still waiting
    for the engine, by source text (``SEND`` targets).
    """
    if not item.targets:  # nothing was kept of it: nothing to write
        run.tick(row, 0)
        return {}
    po = item.opened()
    src, lang = item.source_language, item.language
    waiting: dict[str, list[catalog.Entry]] = {}
    changed = 0
    for target in item.targets:
        entry = target.entry
        if entry is None:
            continue  # edited since it was planned: the person's work stays
        if target.action == MEMORY and target.match is not None:
            pct = round(target.match.score * 100)
            ok = _apply(entry, target.match.translation,
                        f"memory {run.day} {target.match.origin} ({pct}%)",
                        memory_problems(entry.msgid, target.match.translation, item.fmt))
            changed += ok
            row.drafted += ok
        elif target.action == COPY:
            ok = _apply(entry, entry.msgid, f"copy {run.day}")
            changed += ok
            row.drafted += ok
        elif target.action == REUSE:
            changed += _reuse(target, entry, row, run, (src, lang))
        else:
            waiting.setdefault(entry.msgid, []).append(entry)
    if changed:
        catalog.save(po, item.path, now=run.now)
        row.saved = True
    run.tick(row, len(item.targets) - sum(len(v) for v in waiting.values()))
    return waiting


def _reuse(target: Target, entry: catalog.Entry, row: CatalogTranslate, run: RunState,
           pair: tuple[str, str]) -> int:
    """Apply an engine draft paid for earlier; 1 when there was one to apply (not billed)."""
    draft = target.draft
    origin = draft.engine if draft is not None else ""
    if draft is None:
        key = (*pair, entry.msgid)
        draft = run.drafted.get(key)
        origin = f"{draft.engine} {run.day}" if draft is not None else ""
        left = run.reuses.get(key, 0) - 1
        if left > 0:
            run.reuses[key] = left
        else:  # its last reuse: the draft is not kept any longer
            run.reuses.pop(key, None)
            run.drafted.pop(key, None)
    if draft is None:
        return 0
    ok = _apply(entry, draft.text, origin, draft.problems)
    row.drafted += ok
    row.reused_done += ok
    row.problems += ok and bool(draft.problems)
    return 1


def send_batches(
    config: Config,
    item: CatalogPlan,
    row: CatalogTranslate,
    waiting: dict[str, list[catalog.Entry]],
    engine: mt.Engine,
    run: RunState,
    report: TranslateReport,
) -> EngineError | None:
    """Send the catalog's planned batches, saving after each one; the error that stops the run.

    The stop policy while sending: the first engine failure (quota, key, service down)
    ends the whole run, after the drafts that did arrive (a quota stop mid-batch keeps the
    finished part) were written and saved, so a rerun sends only the rest.
    """
    src, lang = item.source_language, item.language
    contexts = _contexts(config, item)
    for batch, context in zip(item.batches, contexts, strict=True):
        drafts, stop = _send(config, item, batch, context, engine)
        row.batches_sent += 1
        run.requests += 1
        for draft in drafts:
            if (src, lang, draft.source) in run.reuses:  # a later catalog reuses it
                run.drafted[(src, lang, draft.source)] = draft
            row.billed += draft.billed_characters
            run.chars += draft.billed_characters
            applied = 0
            for entry in waiting.get(draft.source, []):
                applied += _apply(entry, draft.text, f"{draft.engine} {run.day}",
                                  draft.problems)
            if draft.text is None or not draft.text.strip():
                row.failures.append(
                    f"{row.catalog}: {_short(draft.source)}: "
                    + ("; ".join(draft.problems) or "no draft")
                )
            else:
                row.drafted_by_engine += applied
                row.drafted += applied
                if draft.problems:
                    row.problems += applied
        if drafts and waiting:
            catalog.save(item.opened(), item.path, now=run.now)
            row.saved = True
        run.tick(row, sum(len(waiting.get(d.source, [])) for d in drafts))
        report.warnings = _engine_warnings(engine)
        if stop is not None:
            return stop
        report.batches_done += 1
    return None


def _contexts(config: Config, item: CatalogPlan) -> list[str]:
    """The context of each of the catalog's batches (``batch_context``), from its article
    read again (a plan keeps no article); none when it cannot be read any more (the context
    helps the engine, it is not needed)."""
    if not item.batches:
        return []
    try:
        article = read_article(config, config.root / item.rel)
    except TransflowError:
        return [""] * len(item.batches)
    return [batch_context(article, batch.texts) for batch in item.batches]


def _send(
    config: Config, item: CatalogPlan, batch: PlannedBatch, context: str, engine: mt.Engine
) -> tuple[list[mt.Draft], EngineError | None]:
    """One request: the drafts that came back, and the failure that ends the run, if any."""
    try:
        drafts = mt.draft_batch(
            engine, batch.texts, fmt=item.fmt,
            source_lang=deepl_source(item.source_language),
            target_lang=deepl_target(config, item.language),
            context=context or None,
        )
    except mt.QuotaExceededDuringBatch as exc:
        return list(exc.drafts), exc
    except EngineError as exc:
        return [], exc
    return drafts, None


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
    fit: bool = False,
    clock: Clock = utc_now,
    progress: Progress = no_progress,
) -> TranslateReport:
    """Draft every target entry of the selected articles; see the module docstring.

    plan → budget check → per catalog: local drafts, then batches. Returns the report; an
    engine failure that ends the run early (quota, key, service down) is in
    ``report.stopped`` after everything finished was saved. Refusals before anything is
    sent (``max_chars``, remaining quota) raise ``EngineError``; a dry run returns its plan
    with the refusal in ``report.refused`` instead. With ``fit``, nothing is refused: whole
    articles are drafted while they fit (``fit_to_budget``), the rest is ``deferred``.
    """
    planned = plan(config, paths, language=language, use_memory=use_memory,
                   refresh_fuzzy=refresh_fuzzy,
                   with_engine=engine is not None or engine_name != "memory")
    sent_before = _sent(engine)
    usage = None
    if engine is not None and (planned.characters or dry_run):
        usage = engine.usage()
    limit = budget(max_chars, usage) if engine is not None else None
    deferred = fit_to_budget(planned, limit) if fit and limit is not None else {}
    report = TranslateReport.from_plan(planned, without_deferred(planned.catalogs, deferred))
    report.dry_run = dry_run
    report.engine = engine.name if engine is not None else None
    report.engine_name = engine_name
    report.usage = usage
    if fit and limit is not None:
        report.fit_budget, report.deferred = limit, deferred
        for row in report.catalogs:
            row.deferred = row.article in deferred
    try:
        check_budget(planned.characters, engine, max_chars, usage)
    except EngineError as exc:
        if not dry_run:
            raise
        report.refused = exc
    try:
        if dry_run:
            return report
        run = RunState(clock(), progress, planned.targets, reuses=dict(planned.reuses))
        for item, row in zip(without_deferred(planned.catalogs, deferred), report.catalogs,
                             strict=True):
            try:
                # A catalog unreadable since it was planned is reported and the others go
                # on; its texts are still sent, for the catalogs that reuse them.
                waiting = apply_local(item, row, run) if _opens(config, item, report) else {}
                if engine is None:
                    continue
                stop = send_batches(config, item, row, waiting, engine, run, report)
            finally:
                item.close()  # written: a run holds one catalog at a time
            if stop is not None:
                report.stopped = stop
                return report
        return report
    finally:
        report.http_requests, report.retries = (
            a - b for a, b in zip(_sent(engine), sent_before, strict=True))


def _opens(config: Config, item: CatalogPlan, report: TranslateReport) -> bool:
    """Load the catalog to be written (when it has targets); False, with the problem
    reported, when it can no longer be read (removed or broken since it was planned)."""
    if not item.targets:
        return True
    try:
        item.opened()
    except TransflowError as exc:
        report.problems.append(problem_of(config, exc, item.path))
        return False
    return True


def _sent(engine: mt.Engine | None) -> tuple[int, int]:
    """HTTP requests an engine sent so far, and the retries among them (0 when it does not
    count: the ``Engine`` protocol does not require it)."""
    return (int(getattr(engine, "requests_sent", 0) or 0),
            int(getattr(engine, "retries", 0) or 0))


def _engine_warnings(engine: mt.Engine) -> list[str]:
    """An engine's ``warnings`` (``DeepLEngine`` has them; the protocol does not require it)."""
    warnings = getattr(engine, "warnings", None)
    return [str(w) for w in warnings] if isinstance(warnings, list) else []


def _short(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
