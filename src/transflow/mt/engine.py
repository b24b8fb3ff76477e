"""The machine-translation engine contract, batch planning, and a deterministic fake.

Invariants:

* an engine returns exactly one ``EngineResult`` per input text, in order; a text the service
  refused (400/413 isolated by splitting) is a result with ``text=None`` and an ``error``,
  never an exception that would lose the rest of the batch;
* an engine raises only ``transflow.errors`` types; ``QuotaExceededError`` raised half-way
  carries (as ``QuotaExceededDuringBatch.completed``) the results finished before it, so
  nothing paid for is lost;
* texts given to an engine are protected XML (``mt.placeholders.protect``): engines translate text
  nodes and must leave tags alone.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from transflow.errors import QuotaExceededError
from transflow.mt.placeholders import billable_characters

#: DeepL's hard limits are 50 texts and 128 KiB per request; stay under the byte limit.
MAX_TEXTS = 50
MAX_REQUEST_BYTES = 120 * 1024
#: JSON envelope of a request besides the texts and context (languages, options).
_ENVELOPE_BYTES = 1024


@dataclass(frozen=True, slots=True)
class EngineResult:
    """One translated text: ``text`` is None when the service refused this text."""

    text: str | None
    billed_characters: int = 0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.text is not None


@dataclass(frozen=True, slots=True)
class Usage:
    """Characters used and allowed this billing period (None when the service won't say)."""

    character_count: int | None
    character_limit: int | None

    @property
    def remaining(self) -> int | None:
        if self.character_count is None or self.character_limit is None:
            return None
        return max(0, self.character_limit - self.character_count)


class QuotaExceededDuringBatch(QuotaExceededError):
    """The quota ran out part-way through one ``translate`` call; ``completed`` holds the
    results of the texts (a prefix of the input) that were translated and billed before."""

    def __init__(self, message: str, *, completed: Sequence[EngineResult], hint: str | None = None):
        super().__init__(message, hint=hint)
        self.completed: list[EngineResult] = list(completed)
        #: Set by ``mt.draft_batch``: the ``Draft`` objects of ``completed``.
        self.drafts: list[Any] = []


class Engine(Protocol):
    """What the workflow needs from a translator."""

    name: str

    def translate(
        self,
        texts: Sequence[str],
        *,
        source_lang: str,
        target_lang: str,
        context: str | None = None,
    ) -> list[EngineResult]:
        """Translate protected XML texts; one result per text, in order."""
        ...

    def usage(self) -> Usage | None:
        """The account's usage, or None when unknown (no key, engine without quota)."""
        ...


@dataclass(frozen=True, slots=True)
class Batch:
    """One request: which texts (indices into the planned list), and its size."""

    indices: tuple[int, ...]
    characters: int
    size_bytes: int


def request_bytes(text: str) -> int:
    """Bytes one text adds to a JSON request body (quoted, escaped, comma)."""
    return len(json.dumps(text).encode("utf-8")) + 2


def plan_batches(
    texts: Sequence[str],
    *,
    context: str | None = None,
    max_texts: int = MAX_TEXTS,
    max_bytes: int = MAX_REQUEST_BYTES,
) -> list[Batch]:
    """Group texts, in order, into requests of ≤ ``max_texts`` texts and ≤ ``max_bytes``.

    A single text larger than ``max_bytes`` gets a batch of its own (the service will refuse
    it, and the engine reports it as one failed text). Used for real sends and for
    ``--dry-run`` figures alike, so the plan shown is the plan executed.
    """
    base = _ENVELOPE_BYTES + (request_bytes(context) if context else 0)
    batches: list[Batch] = []
    current: list[int] = []
    size = base
    chars = 0
    for i, text in enumerate(texts):
        nbytes = request_bytes(text)
        if current and (len(current) >= max_texts or size + nbytes > max_bytes):
            batches.append(Batch(tuple(current), chars, size))
            current, size, chars = [], base, 0
        current.append(i)
        size += nbytes
        chars += billable_characters(text)
    if current:
        batches.append(Batch(tuple(current), chars, size))
    return batches


# --------------------------------------------------------------------------- fake translation
_TAG_SPLIT_RE = re.compile(r"(<[^<>]+>)")


def fake_translate(text: str, glossary: Mapping[str, str] | None = None) -> str:
    """Deterministic stand-in for a translation: swap the case of every text node,
    replacing glossary terms (whole words, source case) by their target verbatim.

    Tags are kept exactly, so markup survives; the result differs visibly from the source
    whenever the text has a letter.
    """
    terms = sorted(glossary or {}, key=len, reverse=True)
    term_re = (
        re.compile(r"\b(" + "|".join(re.escape(t) for t in terms) + r")\b") if terms else None
    )
    out: list[str] = []
    for part in _TAG_SPLIT_RE.split(text):
        if part.startswith("<") and part.endswith(">"):
            out.append(part)
            continue
        plain = html.unescape(part)
        pieces = term_re.split(plain) if term_re else [plain]
        converted = [
            (glossary or {})[p] if term_re and i % 2 == 1 else p.swapcase()
            for i, p in enumerate(pieces)
        ]
        out.append(html.escape("".join(converted), quote=False))
    return "".join(out)


@dataclass
class FakeEngine:
    """An in-process engine for unit tests: ``fake_translate`` per text, billing the text
    nodes, an optional character quota, and a log of every call."""

    name: str = "fake"
    glossary: Mapping[str, str] = field(default_factory=dict)
    quota: int | None = None
    used: int = 0
    calls: list[tuple[tuple[str, ...], str, str, str | None]] = field(default_factory=list)

    def translate(
        self,
        texts: Sequence[str],
        *,
        source_lang: str,
        target_lang: str,
        context: str | None = None,
    ) -> list[EngineResult]:
        self.calls.append((tuple(texts), source_lang, target_lang, context))
        results: list[EngineResult] = []
        for text in texts:
            billed = billable_characters(text)
            if self.quota is not None and self.used + billed > self.quota:
                raise QuotaExceededDuringBatch(
                    "fake quota exceeded", completed=results
                )
            self.used += billed
            results.append(EngineResult(fake_translate(text, self.glossary), billed))
        return results

    def usage(self) -> Usage | None:
        return Usage(self.used, self.quota)
