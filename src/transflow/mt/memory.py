"""Translation memory: every finished translation in the workspace, looked up before DeepL.

Invariants:

* only entries a person finished (translated or reviewed, never fuzzy) go in; the caller
  filters, this module trusts what it is given;
* an exact hit (same source text, same language pair) is O(1) and scores 1.0; when one
  source has several translations the first added wins, so results do not depend on
  dictionary order beyond the caller's (sorted) file order;
* a close match scores ``difflib.SequenceMatcher.ratio`` ≥ ``threshold``; candidates are
  prefiltered by a length window (a ratio ≥ t needs ``min/max length ≥ t/(2-t)``) and by
  shared words; only the ``max_candidates`` sharing the most words get the (quadratic)
  ratio, so a lookup costs at most that many ratios however large the memory.
"""

from __future__ import annotations

import difflib
import re
import sys
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from heapq import heappush, heappushpop

_WORD_RE = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class MemoryMatch:
    """A suggestion: the stored source, its translation, how close, and where it came from."""

    source: str
    translation: str
    score: float
    origin: str

    @property
    def exact(self) -> bool:
        return self.score >= 1.0


@dataclass(frozen=True, slots=True)
class _Unit:
    source: str
    translation: str
    origin: str
    tokens: frozenset[str]


def _tokens(text: str) -> frozenset[str]:
    return frozenset(w.lower() for w in _WORD_RE.findall(text))


class TranslationMemory:
    """In-memory index of (source, translation, language pair, origin) units."""

    def __init__(self, threshold: float = 0.85, *, max_candidates: int = 40) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        self.threshold = threshold
        #: How many candidates (most shared words first) get the exact difflib ratio.
        self.max_candidates = max_candidates
        self._exact: dict[tuple[str, str, str], _Unit] = {}
        self._units: dict[tuple[str, str], list[_Unit]] = defaultdict(list)
        self._by_token: dict[tuple[str, str, str], list[int]] = defaultdict(list)

    def __len__(self) -> int:
        return len(self._exact)

    def add(
        self, source: str, translation: str, *, source_lang: str, target_lang: str, origin: str
    ) -> None:
        """Remember one finished translation (empty ones and repeats are ignored)."""
        if not source.strip() or not translation.strip():
            return
        pair = (source_lang.lower(), target_lang.lower())
        key = (*pair, source)
        if key in self._exact:
            return
        unit = _Unit(source, translation, origin, _tokens(source))
        self._exact[key] = unit
        units = self._units[pair]
        units.append(unit)
        for token in unit.tokens:
            self._by_token[(*pair, token)].append(len(units) - 1)

    def lookup(
        self,
        source: str,
        *,
        source_lang: str,
        target_lang: str,
        threshold: float | None = None,
    ) -> MemoryMatch | None:
        """The exact match, else the best close match ≥ threshold, else None."""
        pair = (source_lang.lower(), target_lang.lower())
        unit = self._exact.get((*pair, source))
        if unit is not None:
            return MemoryMatch(unit.source, unit.translation, 1.0, unit.origin)
        limit = self.threshold if threshold is None else threshold
        units = self._units.get(pair)
        if not units or not source.strip():
            return None
        n = len(source)
        ratio_floor = limit / (2.0 - limit)  # 2m/(a+b) ≥ t needs min/max ≥ t/(2-t)
        tokens = _tokens(source)
        candidates: dict[int, int] = defaultdict(int)
        for token in tokens:
            for index in self._by_token.get((*pair, token), ()):
                candidates[index] += 1
        if not tokens:  # very short text: scan by length only
            candidates = {i: 0 for i in range(len(units))}
        ranked = sorted(
            (
                (-shared, abs(len(units[i].source) - n), i)
                for i, shared in candidates.items()
                if min(len(units[i].source), n) >= ratio_floor * max(len(units[i].source), n)
            )
        )
        chosen = (units[index] for _, _, index in ranked[: self.max_candidates])
        return _best(difflib.SequenceMatcher(autojunk=False), source,
                     ((u.source, u.translation, u.origin) for u in chosen), limit)


def _best(matcher: difflib.SequenceMatcher[str], text: str,
          candidates: Iterable[tuple[str, str, str]], limit: float) -> MemoryMatch | None:
    """The candidate (source, translation, origin) closest to ``text`` by difflib's ratio,
    at least ``limit``; the earliest of equals.

    A candidate whose upper bound (``quick_ratio``, which ``ratio`` never exceeds) does not
    beat the best so far cannot replace it, so its ratio (quadratic in the lengths: nearly
    all of a memory lookup's time for paragraphs) is not computed; nor any once a candidate
    scored 1.0. The same answer as computing them all.
    """
    best: MemoryMatch | None = None
    matcher.set_seq2(text)
    for source, translation, origin in candidates:
        matcher.set_seq1(source)
        if matcher.real_quick_ratio() < limit:
            continue
        bound = matcher.quick_ratio()
        if bound < limit or (best is not None and bound <= best.score):
            continue
        score = matcher.ratio()
        if score >= limit and (best is None or score > best.score):
            best = MemoryMatch(source, translation, score, origin)
            if score >= 1.0:
                break
    return best


#: (source language, target language, source text): one question put to the memory.
Query = tuple[str, str, str]
#: (source language, target language, source, translation, origin): one finished entry.
Unit = tuple[str, str, str, str, str]


class _Wanted:
    """One distinct query while the units stream past: its exact hit, and its best close
    candidates so far (a bounded heap, worst on top)."""

    __slots__ = ("exact", "heap", "length", "sources", "text", "tokens")

    def __init__(self, text: str) -> None:
        self.text = text
        #: Its distinct words, lowercased and interned (queries share their words), made
        #: when the first unit within its length window comes: a run whose memory is empty
        #: (a site's first translation) never makes them. A tuple, not a frozenset: a
        #: tenth of the size, and ``frozenset.intersection`` takes it as it is.
        self.tokens: tuple[str, ...] | None = None
        self.length = len(text)
        self.exact: tuple[str, str, str] | None = None
        #: (shared, -length difference, -position, source, translation, origin): the
        #: negated ranking key, so the heap's smallest item is the worst candidate kept.
        self.heap: list[tuple[int, int, int, str, str, str]] = []
        #: The sources in ``heap`` (None until the first candidate).
        self.sources: set[str] | None = None

    def words(self) -> tuple[str, ...]:
        """``tokens``, made on first use."""
        if self.tokens is None:
            self.tokens = tuple(sys.intern(word) for word in _tokens(self.text))
        return self.tokens


class _Pair:
    """The queries of one language pair."""

    __slots__ = ("by_length", "by_text", "has_units", "lengths")

    def __init__(self) -> None:
        self.by_text: dict[str, _Wanted] = {}
        self.by_length: list[_Wanted] = []
        self.lengths: list[int] = []
        self.has_units = False


def lookup_many(
    queries: Iterable[Query],
    units: Iterable[Unit],
    *,
    threshold: float = 0.85,
    max_candidates: int = 40,
) -> dict[Query, MemoryMatch | None]:
    """What ``TranslationMemory.lookup`` answers to each query once every unit was added
    (in the order given), from one pass over the units that keeps only the queries'
    candidates.

    Why: the memory of a workspace is every finished entry of every catalog (260,000 at
    10,000 articles: over a gigabyte as a ``TranslationMemory``), while a run asks it
    about its targets only (an article or two, usually). Same answers, by the same rules:
    a unit whose source or translation is blank is skipped; the first unit with a source
    wins (a later one with the same source in the same pair is no unit at all); an exact
    hit scores 1.0; otherwise the ``max_candidates`` units sharing the most words (then
    closest in length, then earliest) within the length window get difflib's ratio, and
    the best one at or above ``threshold`` (the earliest of equals) is the match. A later
    unit with the source of an earlier one never needs a global index to be skipped: it
    ranks right after the earlier one, so it could only enter a candidate list the earlier
    one is in (checked there), and the positions keep the order of the deduplicated list.
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError("threshold must be in (0, 1]")
    pairs: dict[tuple[str, str], _Pair] = {}
    asked: dict[Query, _Wanted] = {}
    for query in queries:
        if query in asked:
            continue
        source_lang, target_lang, text = query
        pair = pairs.setdefault((source_lang.lower(), target_lang.lower()), _Pair())
        wanted = pair.by_text.get(text)
        if wanted is None:
            wanted = pair.by_text[text] = _Wanted(text)
        asked[query] = wanted
    for pair in pairs.values():
        pair.by_length = sorted((w for w in pair.by_text.values() if w.text.strip()),
                                key=lambda w: w.length)
        pair.lengths = [w.length for w in pair.by_length]
    floor = threshold / (2.0 - threshold)  # 2m/(a+b) >= t needs min/max >= t/(2-t)
    for position, (source_lang, target_lang, source, translation, origin) in enumerate(units):
        if not source.strip() or not translation.strip():
            continue
        asking = pairs.get((source_lang.lower(), target_lang.lower()))
        if asking is None:
            continue
        asking.has_units = True
        same = asking.by_text.get(source)
        if same is not None and same.exact is None:
            same.exact = (source, translation, origin)
        if not asking.by_length:
            continue
        n = len(source)
        # Only queries whose length is within the window can take this unit (bounds a
        # character wider than the window: the exact test below decides, as lookup's does).
        low = bisect_left(asking.lengths, floor * n - 1)
        high = bisect_right(asking.lengths, n / floor + 1)
        tokens: frozenset[str] | None = None
        for wanted in asking.by_length[low:high]:
            if wanted.exact is not None or min(n, wanted.length) < floor * max(n, wanted.length):
                continue
            if tokens is None:
                tokens = _tokens(source)
            words = wanted.tokens if wanted.tokens is not None else wanted.words()
            if words:
                shared = len(tokens.intersection(words))
                if not shared:
                    continue
            else:  # very short text: every unit is a candidate, by length only
                shared = 0
            heap = wanted.heap
            item = (shared, -abs(n - wanted.length), -position, source, translation, origin)
            if len(heap) >= max_candidates and item[:3] <= heap[0][:3]:
                continue  # no better than the worst candidate kept
            sources = wanted.sources
            if sources is None:
                sources = wanted.sources = set()
            elif source in sources:
                continue  # the same source came earlier and ranks first: not a unit
            if len(heap) >= max_candidates:
                sources.discard(heappushpop(heap, item)[3])
            else:
                heappush(heap, item)
            sources.add(source)
    answers: dict[Query, MemoryMatch | None] = {}
    matcher = difflib.SequenceMatcher(autojunk=False)
    for query, wanted in asked.items():
        answers[query] = _answer(wanted, pairs, query, threshold, matcher)
    return answers


def _answer(wanted: _Wanted, pairs: dict[tuple[str, str], _Pair], query: Query,
            limit: float, matcher: difflib.SequenceMatcher[str]) -> MemoryMatch | None:
    if wanted.exact is not None:
        source, translation, origin = wanted.exact
        return MemoryMatch(source, translation, 1.0, origin)
    if not pairs[(query[0].lower(), query[1].lower())].has_units or not wanted.text.strip():
        return None
    ranked = sorted(wanted.heap, reverse=True)
    return _best(matcher, wanted.text, ((s, t, o) for _, _, _, s, t, o in ranked), limit)
