"""Machine translation: segment texts in, validated drafts out.

The workflow calls ``plan`` to cut an article's untranslated segments into requests (the same
plan serves ``--dry-run``), then ``draft_batch`` once per planned batch, saving each batch's
drafts before sending the next. Invariants:

* a source text is sent at most once per ``draft_batch`` call (duplicates share the result),
  and a text with nothing to translate (only markup, digits, punctuation) is not sent at all;
* every returned ``Draft`` went through ``markup.restore`` and a length check (a draft with
  under 40% of a long source's text lost some): ``problems`` lists what a translator must
  fix (the entry stays fuzzy with a comment); ``text`` is None only when the service
  refused the text itself (it is then left untranslated and reported);
* ``QuotaExceededDuringBatch`` (a ``QuotaExceededError``) raised from ``draft_batch`` carries
  the drafts finished before the quota ran out as ``.drafts``, so paid work is saved.

Only ``deepl_engine`` imports ``deepl``; everything here works with any ``Engine``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from transflow.mt.engine import (
    MAX_REQUEST_BYTES,
    MAX_TEXTS,
    Batch,
    Engine,
    EngineResult,
    FakeEngine,
    QuotaExceededDuringBatch,
    Usage,
    fake_translate,
    plan_batches,
)
from transflow.mt.memory import MemoryMatch, Query, TranslationMemory, Unit, lookup_many
from transflow.mt.placeholders import Protected, Restored, billable_characters, protect, restore

__all__ = [
    "MAX_REQUEST_BYTES",
    "MAX_TEXTS",
    "Batch",
    "Draft",
    "Engine",
    "EngineResult",
    "FakeEngine",
    "MemoryMatch",
    "Protected",
    "Query",
    "QuotaExceededDuringBatch",
    "Restored",
    "TranslationMemory",
    "Unit",
    "Usage",
    "draft_batch",
    "fake_translate",
    "lookup_many",
    "plan",
    "plan_batches",
    "protect",
    "restore",
]


@dataclass(frozen=True, slots=True)
class Draft:
    """A machine draft for one source text."""

    source: str
    text: str | None
    problems: tuple[str, ...] = ()
    billed_characters: int = 0
    engine: str = ""
    sent: bool = True

    @property
    def ok(self) -> bool:
        return self.text is not None and not self.problems


def plan(
    sources: Sequence[str],
    *,
    fmt: str = "markdown",
    context: str | None = None,
    max_texts: int = MAX_TEXTS,
    max_bytes: int = MAX_REQUEST_BYTES,
) -> list[Batch]:
    """Requests needed for ``sources`` (indices into ``sources``): unique texts that need
    translating, ``characters`` = what DeepL would bill (text nodes only)."""
    order: list[int] = []
    seen: set[str] = set()
    protected: list[str] = []
    for i, source in enumerate(sources):
        if source in seen:
            continue
        seen.add(source)
        p = protect(source, fmt)
        if p.needs_translation:
            order.append(i)
            protected.append(p.text)
    batches = plan_batches(protected, context=context, max_texts=max_texts, max_bytes=max_bytes)
    return [
        Batch(tuple(order[j] for j in b.indices), b.characters, b.size_bytes) for b in batches
    ]


def draft_batch(
    engine: Engine,
    sources: Sequence[str],
    *,
    fmt: str = "markdown",
    source_lang: str,
    target_lang: str,
    context: str | None = None,
) -> list[Draft]:
    """Translate ``sources`` (one request's worth, see ``plan``) and validate each draft."""
    protected = {s: protect(s, fmt) for s in dict.fromkeys(sources)}
    to_send = [p for p in protected.values() if p.needs_translation]
    results: dict[str, EngineResult] = {}
    try:
        if to_send:
            got = engine.translate(
                [p.text for p in to_send],
                source_lang=source_lang,
                target_lang=target_lang,
                context=context,
            )
            results = {p.source: r for p, r in zip(to_send, got, strict=True)}
    except QuotaExceededDuringBatch as exc:
        done = {p.source: r for p, r in zip(to_send, exc.completed, strict=False)}
        exc.drafts = [
            _draft(protected[s], done.get(s), engine.name)
            for s in sources
            if s in done or not protected[s].needs_translation
        ]
        raise
    billed_once: set[str] = set()
    drafts: list[Draft] = []
    for s in sources:
        draft = _draft(protected[s], results.get(s), engine.name)
        if s in billed_once:  # a duplicate: same draft, billed with its first occurrence
            draft = Draft(draft.source, draft.text, draft.problems, 0, draft.engine, False)
        billed_once.add(s)
        drafts.append(draft)
    return drafts


def _draft(p: Protected, result: EngineResult | None, engine: str) -> Draft:
    if not p.needs_translation:
        return Draft(p.source, p.source, (), 0, engine, sent=False)
    if result is None or result.text is None:
        error = result.error if result is not None else "no result"
        billed = result.billed_characters if result is not None else 0
        return Draft(p.source, None, (error or "refused",), billed, engine)
    restored = restore(p, result.text)
    problems = restored.problems + _length_problems(p, result.text)
    return Draft(p.source, restored.text, problems, result.billed_characters, engine)


#: A draft with less than this share of the source's text, for a source of at least
#: ``SHORT_MIN_CHARS`` characters, has lost text (truncated, or a fixed phrase as DeepL's own
#: mock server returns): kept fuzzy with a problem and never reused. Dutch and English
#: translations of one paragraph differ by far less (typically ±20%).
SHORT_RATIO = 0.4
SHORT_MIN_CHARS = 40


def _length_problems(p: Protected, translated: str) -> tuple[str, ...]:
    source = p.billable_characters
    got = billable_characters(translated)
    if source >= SHORT_MIN_CHARS and got < SHORT_RATIO * source:
        return (f"the draft is much shorter than the source ({got} of {source} characters): "
                "text may be missing",)
    return ()
