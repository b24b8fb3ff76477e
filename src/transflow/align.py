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
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

# Prior probabilities of link shapes (Gale & Church found 0.89 for 1-1 in parliament text;
# articles merge, split and drop more often).
_PRIOR = {(1, 1): 0.86, (1, 0): 0.02, (0, 1): 0.02, (2, 1): 0.05, (1, 2): 0.05}
_SHAPES = tuple(_PRIOR)
_PRIOR_COST = {shape: -math.log(p) for shape, p in _PRIOR.items()}

_ANCHOR_WEIGHT = 7.0  # cost swing between "anchors disagree" and "anchors agree"
_KIND_COST = 2.5  # paragraph vs heading vs list item ...
_LEVEL_COST = 0.3  # heading 2 vs heading 3
_HARD_COST = 2.0  # numbers or footnotes differ, or the number of links / code spans
_SHAPE_COST = 0.6  # markup shape differs (links, emphasis, code counts)
_POSITION_COST = 2.0  # per unit of relative-position difference
_MIN_BAND = 20
_HARD = "unfc"  # anchor kinds that translation must keep: URLs, numbers, footnotes, code


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


# --------------------------------------------------------------------------- features

_HTML_TAG = re.compile(r"<[^>]*>")
_MD_LINK_TARGET = re.compile(r"\]\(([^)\s]*)(?:\s+\"[^\"]*\")?\)")
_HREF = re.compile(r"(?:href|src)\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_BARE_URL = re.compile(r"(?:https?://|mailto:|www\.)[^\s<>\"')\]]+", re.IGNORECASE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_FOOTNOTE = re.compile(r"\[\^([^\]\s]+)\]|([¹²³⁴⁵⁶⁷⁸⁹⁰]+)")
_CODE = re.compile(r"`+([^`]+)`+")
_WORD = re.compile(r"[^\W\d_](?:[\w'’-]*\w)?", re.UNICODE)
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])[*_](?=\S)")
_ENTITY = re.compile(r"&[a-zA-Z]+;|&#\d+;")
_MD_PUNCT = re.compile(r"[*_`#>\[\]!|]+")
_SPACE = re.compile(r"\s+")
_LANG_PART = re.compile(r"^(?:nl|en|nl-nl|en-us|en-gb|nld|eng)$", re.IGNORECASE)


def _url_key(url: str) -> str:
    """Normalise a URL so the NL and EN versions of the same target compare equal."""
    url = url.strip().lower()
    url = re.sub(r"^(?:https?:)?//", "", url)
    url = re.sub(r"^www\.", "", url)
    url = url.split("#", 1)[0].rstrip("/")
    parts = [part for part in url.split("/") if part and not _LANG_PART.match(part)]
    return "/".join(parts)


@dataclass(frozen=True, slots=True)
class _Features:
    length: int
    kind: str
    level: int
    anchors: frozenset[str]
    shape: tuple[int, int, int]


def _base_kind(kind: str) -> tuple[str, int]:
    match = re.match(r"heading\s*(\d*)", kind)
    if match:
        return "heading", int(match.group(1) or 0)
    return kind.split(":", 1)[0].strip() or "paragraph", 0


def _features(segment: Segment) -> _Features:
    text = segment.text
    urls = _HREF.findall(text) + _MD_LINK_TARGET.findall(text)
    stripped = _HREF.sub(" ", text)
    stripped = _MD_LINK_TARGET.sub("]", stripped)
    urls += _BARE_URL.findall(stripped)
    visible = _HTML_TAG.sub(" ", stripped)
    visible = _BARE_URL.sub("url", visible)
    visible = _ENTITY.sub(" ", visible)
    visible = _MD_PUNCT.sub("", visible)
    visible = _SPACE.sub(" ", visible).strip()

    anchors: set[str] = set()
    anchors.update("u:" + key for key in map(_url_key, urls) if key)
    for match in _NUMBER.finditer(visible):
        digits = re.sub(r"\D", "", match.group())
        anchors.add("n:" + (digits.lstrip("0") or "0"))
    for match in _FOOTNOTE.finditer(text):
        anchors.add("f:" + (match.group(1) or match.group(2)))
    for match in _CODE.finditer(text):
        anchors.add("c:" + _SPACE.sub("", match.group(1)))
    for word in _WORD.findall(visible):
        if len(word) >= 3:
            anchors.add("w:" + word.lower())

    links = len(urls)
    emphasis = len(_EMPHASIS.findall(_HTML_TAG.sub("", text)))
    code = len(_CODE.findall(text))
    kind, level = _base_kind(segment.kind)
    return _Features(max(len(visible), 1), kind, level, frozenset(anchors), (links, emphasis, code))


@dataclass(frozen=True, slots=True)
class _Group:
    """One or two consecutive segments of one side, as a link sees them."""

    length: int
    anchors: frozenset[str]
    weight: float
    kinds: frozenset[tuple[str, int]]
    base_kinds: frozenset[str]
    shape: tuple[bool, ...]
    counts: tuple[tuple[str, int], ...]  # (anchor type, count) for URLs and inline code
    exact: frozenset[str]  # numbers and footnote markers

    mixed_heading: bool  # a heading run together with body text


def _hard_differences(gs: _Group, gt: _Group) -> list[str]:
    """Anchors a faithful translation keeps, that differ between the two runs.

    Numbers and footnote markers must match exactly. URLs and inline code may be localised
    (``/nl/stats/donkere-modus`` vs ``/en/stats/dark-mode``, a translated identifier), so
    only their number must match.
    """
    differ = sorted(k[2:] for k in gs.exact ^ gt.exact)
    for (kind, count_s), (_, count_t) in zip(gs.counts, gt.counts, strict=True):
        if count_s != count_t:
            differ.append(f"{count_s} vs {count_t} {'links' if kind == 'u' else 'code spans'}")
    return differ


# --------------------------------------------------------------------------- scoring


def _norm_sf(z: float) -> float:
    """Two-sided tail probability of a standard normal deviate."""
    return math.erfc(abs(z) / math.sqrt(2.0))


class _Scorer:
    """Link costs for one pair: length statistics and anchor weights are per pair."""

    def __init__(self, src: list[_Features], tgt: list[_Features]) -> None:
        total_s = sum(f.length for f in src) or 1
        total_t = sum(f.length for f in tgt) or 1
        # Expected target chars per source char; clipped so a truncated translation does not
        # teach the model that paragraphs shrink to nothing.
        self.ratio = min(max(total_t / total_s, 0.6), 1.7)
        # Variance per character: Gale & Church measured 6.8 on parliament text; free article
        # translation spreads more.
        self.var = 12.0
        # Anchors only count when they can be shared: a word that occurs on one side only is
        # evidence of nothing. Weight = inverse document frequency over both sides.
        df_s: Counter[str] = Counter()
        df_t: Counter[str] = Counter()
        for f in src:
            df_s.update(f.anchors)
        for f in tgt:
            df_t.update(f.anchors)
        shared = df_s.keys() & df_t.keys()
        n_docs = len(src) + len(tgt)
        self.weight: dict[str, float] = {}
        for key in shared:
            df = df_s[key] + df_t[key]
            w = math.log(1.0 + n_docs / df)
            if key[0] in _HARD:
                w *= 2.0  # numbers, URLs, footnotes and code are near-certain anchors
            self.weight[key] = w
        self.n = max(len(src), 1)
        self.m = max(len(tgt), 1)
        self._static: dict[tuple[int, int, int, int], float] = {}
        self.src_groups = self._groups(src)
        self.tgt_groups = self._groups(tgt)

    def _groups(self, feats: list[_Features]) -> dict[tuple[int, int], _Group]:
        """Features of every run of one or two consecutive segments, computed once."""
        weight = self.weight
        table: dict[tuple[int, int], _Group] = {}
        for start in range(len(feats)):
            for size in (1, 2):
                run = feats[start : start + size]
                if len(run) < size:
                    continue
                anchors = frozenset().union(*(f.anchors for f in run))
                table[(start, size)] = _Group(
                    sum(f.length for f in run),
                    anchors,
                    sum(weight.get(k, 0.0) for k in anchors),
                    frozenset((f.kind, f.level) for f in run),
                    frozenset(f.kind for f in run),
                    tuple(any(f.shape[x] for f in run) for x in range(3)),
                    (("u", sum(f.shape[0] for f in run)), ("c", sum(f.shape[2] for f in run))),
                    frozenset(k for k in anchors if k[0] in "nf"),
                    len({f.kind for f in run}) > 1 and any(f.kind == "heading" for f in run),
                )
        return table

    def length_p(self, ls: int, lt: int) -> float:
        mean = (ls + lt / self.ratio) / 2.0
        z = (lt - ls * self.ratio) / math.sqrt(self.var * mean)
        return _norm_sf(z)

    def anchor_sim(self, gs: _Group, gt: _Group) -> tuple[float, float]:
        """(similarity in [0, 1], evidence weight) of two runs' anchors."""
        total = gs.weight + gt.weight
        if total <= 0.0:
            return 0.5, 0.0
        weight = self.weight
        small, large = (gs.anchors, gt.anchors)
        if len(small) > len(large):
            small, large = large, small
        common = sum(weight.get(k, 0.0) for k in small if k in large)
        return 2.0 * common / total, total

    @staticmethod
    def kind_cost(gs: _Group, gt: _Group) -> float:
        # A heading merged with body text is a structural mistake, not a translation choice.
        if gs.mixed_heading != gt.mixed_heading:
            return _KIND_COST
        if gs.kinds & gt.kinds:
            return 0.0
        if gs.base_kinds & gt.base_kinds:
            return _LEVEL_COST
        return _KIND_COST

    def cost(self, i: int, a: int, j: int, b: int) -> float:
        """Cost (-log probability, roughly) of linking src[i:i+a] with tgt[j:j+b]."""
        if a == 0 or b == 0:
            return _PRIOR_COST[(a, b)]
        key = (i, a, j, b)
        static = self._static.get(key)
        if static is None:
            static = self._static[key] = self._static_cost(i, a, j, b)
        p = self.length_p(self.src_groups[(i, a)].length, self.tgt_groups[(j, b)].length)
        return static - math.log(max(p, 1e-12))

    def _static_cost(self, i: int, a: int, j: int, b: int) -> float:
        """The part of ``cost`` that does not depend on the length ratio (kept across passes)."""
        gs = self.src_groups[(i, a)]
        gt = self.tgt_groups[(j, b)]
        cost = _PRIOR_COST[(a, b)]
        sim, evidence = self.anchor_sim(gs, gt)
        if evidence > 0.0:
            strength = min(1.0, evidence / 6.0)
            cost += _ANCHOR_WEIGHT * strength * (0.45 - sim)
        cost += self.kind_cost(gs, gt)
        if gs.exact != gt.exact or gs.counts != gt.counts:
            cost += _HARD_COST
        if gs.shape != gt.shape:
            cost += _SHAPE_COST * sum(1 for x, y in zip(gs.shape, gt.shape, strict=True) if x != y)
        pos = abs((i + a / 2) / self.n - (j + b / 2) / self.m)
        return cost + _POSITION_COST * pos

    def quality(self, i: int, a: int, j: int, b: int) -> tuple[float, list[str]]:
        """Absolute plausibility of a chosen link in [0, 1], with reasons when low."""
        reasons: list[str] = []
        gs = self.src_groups[(i, a)]
        gt = self.tgt_groups[(j, b)]
        q = 1.0
        p = self.length_p(gs.length, gt.length)
        if p < 0.05:
            q *= 0.3
            reasons.append(
                f"length ratio {gt.length / gs.length:.2f} is unusual"
                f" (expected about {self.ratio:.2f})"
            )
        elif p < 0.2:
            q *= 0.75
        differ = _hard_differences(gs, gt)
        if differ:
            q *= 0.4
            reasons.append("numbers/links/code differ: " + ", ".join(differ[:3]))
        sim, evidence = self.anchor_sim(gs, gt)
        if evidence > 4.0 and sim < 0.15:
            q *= 0.8
            reasons.append("no shared names or anchors")
        if self.kind_cost(gs, gt) >= _KIND_COST:
            q *= 0.85
            reasons.append(
                f"kinds differ ({'/'.join(sorted(gs.base_kinds))}"
                f" vs {'/'.join(sorted(gt.base_kinds))})"
            )
        if (a, b) != (1, 1):
            q *= 0.85
            reasons.append(f"{a}–{b} merge/split")
        return q, reasons


# --------------------------------------------------------------------------- DP


def _logsumexp(values: list[float]) -> float:
    top = max(values)
    if top == -math.inf:
        return top
    return top + math.log(sum(math.exp(v - top) for v in values))


Cell = tuple[int, int]
Edge = Callable[[int, int, int, int], float]


def _dynamic_programme(
    scorer: _Scorer, n: int, m: int
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
            for a, b in _SHAPES:
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
            for a, b in _SHAPES:
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
    scorer = _Scorer(
        [_features(source[k]) for k in src_idx], [_features(target[k]) for k in tgt_idx]
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
