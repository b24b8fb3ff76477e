"""Align the segments of an existing article with those of its human translation.

``align(source, target)`` pairs segment indexes of two parsed articles so that ``transflow
align`` can turn a published translation into catalog entries. No machine translation is
used: the evidence is what survives translation.

How it works, and why:

* Front-matter fields (``kind`` ``front matter: <key>``) pair by key, outside the sequence
  alignment: a key is the strongest anchor there is, and front matter is not body order.
* The body is aligned by dynamic programming over the two segment sequences with 1–1, 1–0,
  0–1, 2–1 and 1–2 links (Gale & Church 1993). The cost of a link is the Gale–Church length
  cost on visible characters (markup and URLs stripped, so an HTML link turned into a
  Markdown one costs nothing), plus anchors: numbers (``2,5`` = ``2.5``, ``140.000`` =
  ``140,000``), URLs (language path parts like ``/nl/`` ignored), footnote markers, inline
  code, and words spelled the same on both sides (names, product terms, untranslated
  sentences) weighted by rarity; plus the markup shape and the segment kind (a mismatch costs
  but is allowed: headings change level, paragraphs become list items).
* The expected length ratio and its spread are estimated from the pair itself (total body
  lengths), so the same code works NL→EN and EN→NL.
* The DP runs in a band around the diagonal when both sides are long, so a pair of a few
  hundred segments aligns in well under a second in pure Python.
* Confidence is honest in two ways: a forward–backward pass gives each chosen link its
  posterior probability (low when another alignment is almost as good), and an absolute
  quality check (length ratio, anchor agreement, kind, link shape) catches links that are the
  best available but still poor. ``score`` is the product; ``confident`` is
  ``score >= CONFIDENT_AT``; doubtful links carry human-readable ``reasons``.

Invariants: every index of either side appears in at most one link; links are in document
order on both sides (front-matter links first); ``unmatched_*`` lists exactly the indexes in
no link; scores are in [0, 1]. The function is pure and deterministic.

Layout: segment features, anchors and link costs are in ``align.features``; this module
holds the public types, the dynamic programme and confidence, and the measuring and IO
helpers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transflow.align.features import SHAPES, Scorer, features
from transflow.formats.base import Segment

__all__ = [
    "CONFIDENT_AT",
    "Alignment",
    "Evaluation",
    "Link",
    "align",
    "evaluate",
    "pair_files",
    "to_json",
]

#: Links scoring at least this are *confident* (become translated entries). On the gold
#: alignments (``tests/data/align_gold.json``) precision stays at 0.99 for any threshold from
#: 0.3 to 0.7 while recall falls from 0.98 to 0.95; 0.5 sits mid-plateau rather than on an
#: edge fitted to particular pairs.
CONFIDENT_AT = 0.5

FRONT_MATTER = "front matter:"

_MIN_BAND = 20  # smallest half-width of the DP band around the diagonal


@dataclass(slots=True)
class Link:
    """Source segment indexes linked with target segment indexes (1–1, 2–1, 1–2)."""

    source: tuple[int, ...]
    target: tuple[int, ...]
    score: float
    confident: bool
    reasons: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Alignment:
    """The links, plus the indexes of each side that no link covers."""

    links: list[Link]
    unmatched_source: list[int]
    unmatched_target: list[int]

    @property
    def confident(self) -> list[Link]:
        return [link for link in self.links if link.confident]

    @property
    def doubtful(self) -> list[Link]:
        return [link for link in self.links if not link.confident]


# --------------------------------------------------------------------------- DP


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    if top == -math.inf:
        return top
    return top + math.log(sum(math.exp(v - top) for v in values))


Cell = tuple[int, int]
Edge = Callable[[int, int, int, int], float]


def _dynamic_programme(
    scorer: Scorer, n: int, m: int
) -> tuple[list[tuple[int, int, int, int]], dict[Cell, float], dict[Cell, float], Edge]:
    """Best path (as (i, a, j, b) links), forward and backward log-sums, and the cost cache."""
    # Band around the diagonal: cells (i, j) with |j - i*m/n| <= band.
    band = max(_MIN_BAND, abs(n - m) + 12, int(0.12 * max(n, m)))

    costs: dict[tuple[int, int, int, int], float] = {}

    def edge(i: int, a: int, j: int, b: int) -> float:
        key = (i, a, j, b)
        value = costs.get(key)
        if value is None:
            value = costs[key] = scorer.cost(i, a, j, b)
        return value

    inf = math.inf
    # Viterbi (best path) and forward (log-sum) in one sweep; log-probability = -cost.
    best: dict[tuple[int, int], float] = {(0, 0): 0.0}
    back: dict[tuple[int, int], tuple[int, int]] = {}
    fwd: dict[tuple[int, int], float] = {(0, 0): 0.0}
    for i in range(n + 1):
        lo = max(0, math.floor(i * m / n - band))
        hi = min(m, math.ceil(i * m / n + band))
        for j in range(lo, hi + 1):
            if i == 0 and j == 0:
                continue
            best_v = inf
            best_s: tuple[int, int] = (0, 0)
            terms: list[float] = []
            for a, b in SHAPES:
                pi, pj = i - a, j - b
                if pi < 0 or pj < 0:
                    continue
                prev = best.get((pi, pj))
                if prev is None:
                    continue
                c = edge(pi, a, pj, b)
                if prev + c < best_v:
                    best_v, best_s = prev + c, (a, b)
                terms.append(fwd[(pi, pj)] - c)
            if terms:
                best[(i, j)] = best_v
                back[(i, j)] = best_s
                fwd[(i, j)] = _logsumexp(terms)
    # Backward pass for posteriors.
    bwd: dict[tuple[int, int], float] = {(n, m): 0.0}
    for i in range(n, -1, -1):
        lo = max(0, math.floor(i * m / n - band))
        hi = min(m, math.ceil(i * m / n + band))
        for j in range(hi, lo - 1, -1):
            if (i, j) == (n, m) or (i, j) not in fwd:
                continue
            terms = []
            for a, b in SHAPES:
                ni, nj = i + a, j + b
                nxt = bwd.get((ni, nj))
                if nxt is None:
                    continue
                terms.append(nxt - edge(i, a, j, b))
            if terms:
                bwd[(i, j)] = _logsumexp(terms)

    path: list[tuple[int, int, int, int]] = []
    i, j = n, m
    while (i, j) != (0, 0):
        a, b = back[(i, j)]
        i, j = i - a, j - b
        path.append((i, a, j, b))
    path.reverse()

    return path, fwd, bwd, edge


def _align_body(
    src_idx: list[int], tgt_idx: list[int], source: Sequence[Segment], target: Sequence[Segment]
) -> list[Link]:
    n, m = len(src_idx), len(tgt_idx)
    if n == 0 or m == 0:
        return []
    scorer = Scorer(
        [features(source[k]) for k in src_idx], [features(target[k]) for k in tgt_idx]
    )
    path, fwd, bwd, edge = _dynamic_programme(scorer, n, m)
    # The ratio from total lengths is biased when one side drops or adds whole paragraphs:
    # re-estimate it from the 1-1 links found and align again if it moved.
    ones = [(i, j) for i, a, j, b in path if (a, b) == (1, 1)]
    if len(ones) >= 3:
        ls = sum(scorer.src_groups[(i, 1)].length for i, _ in ones)
        lt = sum(scorer.tgt_groups[(j, 1)].length for _, j in ones)
        ratio = min(max(lt / ls, 0.6), 1.7)
        if abs(math.log(ratio / scorer.ratio)) > 0.04:
            scorer.ratio = ratio
            path, fwd, bwd, edge = _dynamic_programme(scorer, n, m)
    total = fwd[(n, m)]

    links: list[Link] = []
    for i, a, j, b in path:
        if a == 0 or b == 0:
            continue
        posterior = math.exp(min(0.0, fwd[(i, j)] - edge(i, a, j, b) + bwd[(i + a, j + b)] - total))
        quality, reasons = scorer.quality(i, a, j, b)
        score = max(0.0, min(1.0, posterior * quality))
        if posterior < 0.6:
            reasons.insert(0, f"another alignment is almost as likely (p={posterior:.2f})")
        confident = score >= CONFIDENT_AT
        links.append(
            Link(
                tuple(src_idx[k] for k in range(i, i + a)),
                tuple(tgt_idx[k] for k in range(j, j + b)),
                round(score, 4),
                confident,
                [] if confident else reasons,
            )
        )
    return links


def _is_front_matter(segment: Segment) -> bool:
    return segment.kind.startswith(FRONT_MATTER)


def align(source: Sequence[Segment], target: Sequence[Segment]) -> Alignment:
    """Align two segment lists (``Document.segments`` of an article and its translation).

    Indexes in the result are positions in ``source`` and ``target``.
    """
    links: list[Link] = []
    target_fm: dict[str, int] = {}
    for k, seg in enumerate(target):
        if _is_front_matter(seg):
            target_fm.setdefault(seg.kind, k)
    for k, seg in enumerate(source):
        if _is_front_matter(seg) and seg.kind in target_fm:
            links.append(Link((k,), (target_fm.pop(seg.kind),), 1.0, True))
    src_body = [k for k, seg in enumerate(source) if not _is_front_matter(seg)]
    tgt_body = [k for k, seg in enumerate(target) if not _is_front_matter(seg)]
    links += _align_body(src_body, tgt_body, source, target)
    used_s = {k for link in links for k in link.source}
    used_t = {k for link in links for k in link.target}
    return Alignment(
        links,
        [k for k in range(len(source)) if k not in used_s],
        [k for k in range(len(target)) if k not in used_t],
    )


# --------------------------------------------------------------------------- measuring


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Confident links measured against hand-made gold links (exact group match)."""

    gold: int  # gold links that count for recall
    confident: int  # confident links judged (those on "loose" gold pairs are not judged)
    correct: int  # confident links that are exactly a gold link

    @property
    def precision(self) -> float:
        return self.correct / self.confident if self.confident else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.gold if self.gold else 1.0


GoldLink = tuple[tuple[int, ...], tuple[int, ...]]


def evaluate(
    alignment: Alignment, gold: Iterable[GoldLink], loose: Iterable[GoldLink] = ()
) -> Evaluation:
    """Precision and recall of ``alignment``'s confident links against gold links.

    ``loose`` links are places where the translation was rewritten rather than translated
    (same role, different content): a confident link there is neither right nor wrong, and
    they are not expected for recall.
    """
    gold_set = {(tuple(s), tuple(t)) for s, t in gold}
    loose_set = {(tuple(s), tuple(t)) for s, t in loose}
    judged = [
        (link.source, link.target)
        for link in alignment.links
        if link.confident and (link.source, link.target) not in loose_set
    ]
    correct = sum(1 for key in judged if key in gold_set)
    return Evaluation(len(gold_set), len(judged), correct)


# --------------------------------------------------------------------------- IO helpers


def to_json(
    alignment: Alignment, *, source: str | None = None, translation: str | None = None
) -> dict[str, Any]:
    """One pair in the ``transflow align --json`` format (``{"version": 1, "pairs": [...]}``)."""
    pair: dict[str, Any] = {}
    if source is not None:
        pair["source"] = source
    if translation is not None:
        pair["translation"] = translation
    pair["links"] = [
        {
            "source": list(link.source),
            "target": list(link.target),
            "score": link.score,
            "confident": link.confident,
            **({"reasons": list(link.reasons)} if link.reasons else {}),
        }
        for link in alignment.links
    ]
    pair["unmatched_source"] = list(alignment.unmatched_source)
    pair["unmatched_target"] = list(alignment.unmatched_target)
    return pair


def pair_files(
    directory: Path, source_lang: str = "nl", target_lang: str = "en"
) -> list[tuple[Path, Path]]:
    """Find article pairs under ``directory`` (for ``transflow align --all``).

    Recognised layouts, all searched recursively: ``slug.nl.md`` beside ``slug.en.md``;
    ``nl/slug.md`` mirrored by ``en/slug.md``; ``slug/nl.md`` beside ``slug/en.md`` (any
    article extension). Only complete pairs are returned, sorted by source path.
    """
    found: set[tuple[Path, Path]] = set()
    for path in _files(directory):
        name = path.name
        # slug.nl.md -> slug.en.md
        suffix = path.suffix
        stem = name[: -len(suffix)] if suffix else name
        if stem.endswith("." + source_lang):
            other = path.with_name(stem[: -len(source_lang)] + target_lang + suffix)
            if other.is_file():
                found.add((path, other))
        # slug/nl.md -> slug/en.md
        if stem == source_lang:
            other = path.with_name(target_lang + suffix)
            if other.is_file():
                found.add((path, other))
        # nl/slug.md -> en/slug.md
        parts = path.relative_to(directory).parts
        for k, part in enumerate(parts[:-1]):
            if part == source_lang:
                mirrored = Path(directory, *parts[:k], target_lang, *parts[k + 1 :])
                if mirrored.is_file():
                    found.add((path, mirrored))
    return sorted(found)


def _files(directory: Path) -> Iterable[Path]:
    return (p for p in sorted(directory.rglob("*")) if p.is_file() and not p.name.startswith("."))
