"""Evidence for ``align``: per-segment features and the cost and quality of a candidate link.

A segment becomes ``Features``: its visible length (markup, URLs and entities stripped, so an
HTML link turned into a Markdown one costs nothing), its kind and heading level, its anchors
(``u:`` URLs with language path parts ignored, ``n:`` numbers with separators dropped so
``2,5`` = ``2.5``, ``f:`` footnote markers, ``c:`` inline code, ``w:`` words of three letters
or more) and its markup shape. ``Scorer`` turns the features of one pair into link costs:
a Gale–Church length cost with a ratio estimated from the pair itself, anchors weighted by
rarity, kind, shape and position penalties, and the prior of each link shape (``SHAPES``).

Invariants: features depend on one segment only and scores on the pair only (no global
state, no randomness), so alignment is deterministic; an anchor counts only when it occurs
on both sides; the length-independent part of a cost is cached per link and stays valid
when ``align`` re-estimates ``Scorer.ratio``, because the ratio enters a cost only through
``length_p``.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from transflow.formats.base import Segment

# Prior probabilities of link shapes (Gale & Church found 0.89 for 1-1 in parliament text;
# articles merge, split and drop more often).
_PRIOR = {(1, 1): 0.86, (1, 0): 0.02, (0, 1): 0.02, (2, 1): 0.05, (1, 2): 0.05}
SHAPES = tuple(_PRIOR)
_PRIOR_COST = {shape: -math.log(p) for shape, p in _PRIOR.items()}

_ANCHOR_WEIGHT = 7.0  # cost swing between "anchors disagree" and "anchors agree"
_KIND_COST = 2.5  # paragraph vs heading vs list item ...
_LEVEL_COST = 0.3  # heading 2 vs heading 3
_HARD_COST = 2.0  # numbers or footnotes differ, or the number of links / code spans
_SHAPE_COST = 0.6  # markup shape differs (links, emphasis, code counts)
_POSITION_COST = 2.0  # per unit of relative-position difference
_HARD = "unfc"  # anchor kinds that translation must keep: URLs, numbers, footnotes, code


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
class Features:
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


def features(segment: Segment) -> Features:
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
    return Features(max(len(visible), 1), kind, level, frozenset(anchors), (links, emphasis, code))


@dataclass(frozen=True, slots=True)
class Group:
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


def _hard_differences(gs: Group, gt: Group) -> list[str]:
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


class Scorer:
    """Link costs for one pair: length statistics and anchor weights are per pair."""

    def __init__(self, src: list[Features], tgt: list[Features]) -> None:
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

    def _groups(self, feats: list[Features]) -> dict[tuple[int, int], Group]:
        """Features of every run of one or two consecutive segments, computed once."""
        weight = self.weight
        table: dict[tuple[int, int], Group] = {}
        for start in range(len(feats)):
            for size in (1, 2):
                run = feats[start : start + size]
                if len(run) < size:
                    continue
                anchors = frozenset().union(*(f.anchors for f in run))
                table[(start, size)] = Group(
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

    def anchor_sim(self, gs: Group, gt: Group) -> tuple[float, float]:
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
    def kind_cost(gs: Group, gt: Group) -> float:
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
