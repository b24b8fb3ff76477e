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
from collections import defaultdict
from dataclasses import dataclass

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
        best: MemoryMatch | None = None
        matcher = difflib.SequenceMatcher(autojunk=False)
        matcher.set_seq2(source)
        ranked = sorted(
            (
                (-shared, abs(len(units[i].source) - n), i)
                for i, shared in candidates.items()
                if min(len(units[i].source), n) >= ratio_floor * max(len(units[i].source), n)
            )
        )
        for _, _, index in ranked[: self.max_candidates]:
            cand = units[index]
            matcher.set_seq1(cand.source)
            if matcher.real_quick_ratio() < limit or matcher.quick_ratio() < limit:
                continue
            score = matcher.ratio()
            if score >= limit and (best is None or score > best.score):
                best = MemoryMatch(cand.source, cand.translation, score, cand.origin)
        return best
