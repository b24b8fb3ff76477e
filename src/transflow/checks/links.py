"""References and inline Markdown markup: ``urls``, ``footnotes``, ``links``, ``link-targets``,
``code``, ``images`` and ``emphasis``.

These keep a translation pointing at the same evidence and showing the same things as its
source. Absolute URLs are compared as a set with language codes factored out (``/nl/`` vs
``/en/``); inline markup is parsed once per text with markdown-it and compared by counts, so
markup may move with the sentence. The Markdown-only checks stay silent for other formats.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import unquote

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

from .registry import CheckContext, define
from .text import (
    _BARE_URL,
    _CODE_SPAN,
    _HTML_ATTR_URL,
    _MAILTO,
    HTML_ATTR_URL_NAMES,
    _base_lang,
    _counter_diff,
    _footnote_labels,
    _footnote_list,
    _may_have_bare_url,
    _may_have_mailto,
    _norm_url,
    _superscript_labels,
    is_plain,
    may_contain_ignoring_case,
)

_ABSOLUTE = re.compile(r"(?:https?|ftp|mailto):|www\.", re.I)
_ABSOLUTE_HREF = re.compile(r"(?:https?|ftp|mailto):", re.I)


@lru_cache(maxsize=4096)
def _absolute_urls(text: str, fmt: str) -> frozenset[str]:
    if is_plain(text):
        return frozenset()  # "https://", "mailto:" and "href=…:" need a colon; "www." is asked
    urls: set[str] = set()
    without_code = _CODE_SPAN.sub(" ", text) if fmt == "markdown" and "`" in text else text
    if _may_have_bare_url(without_code):
        for m in _BARE_URL.finditer(without_code):
            urls.add(_norm_url(m.group(0)))
    if _may_have_mailto(without_code):
        for m in _MAILTO.finditer(without_code):
            urls.add(_norm_url(m.group(0)))
    if "=" not in without_code or not may_contain_ignoring_case(without_code,
                                                                HTML_ATTR_URL_NAMES):
        return frozenset(urls)
    for m in _HTML_ATTR_URL.finditer(without_code):
        value = next(g for g in m.groups() if g is not None)
        if _ABSOLUTE.match(value):
            urls.add(_norm_url(value))
    return frozenset(urls)


def _lang_variants(ctx: CheckContext) -> tuple[tuple[re.Pattern[str], str], ...]:
    return _delocalizers(ctx.source_lang, ctx.target_lang)


@lru_cache(maxsize=32)
def _delocalizers(source: str, target: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    """(pattern, replacement) pairs that factor the language codes out of a URL, compiled once
    per language pair (in the order the codes are tried: sorted, so results are stable)."""
    langs = {source, target, _base_lang(source), _base_lang(target)}
    codes = {lang.lower() for lang in langs} | {lang.replace("_", "-") for lang in langs}
    subs: list[tuple[re.Pattern[str], str]] = []
    for lang in sorted(codes):
        code = re.escape(lang)
        subs.append((re.compile(rf"(?<=/){code}(?=/|$|[?#])", re.I), "{lang}"))
        subs.append((re.compile(rf"(?<=://){code}(?=\.)", re.I), "{lang}"))
        subs.append((re.compile(rf"([?&](?:lang|hl|locale)=){code}\b", re.I), r"\1{lang}"))
    return tuple(subs)


def _delocalize(url: str, subs: Iterable[tuple[re.Pattern[str], str]]) -> str:
    """Replace a language code used as a path segment, subdomain or query value."""
    for pattern, replacement in subs:
        url = pattern.sub(replacement, url)
    # A site that serves its default language without the segment (/version/… beside
    # /nl/version/…) links the same page with and without it.
    return url.replace("/{lang}", "")


def _urls_may_differ(source: str, translation: str, ctx: CheckContext) -> bool:
    """The pre-filter of ``urls``: the check's own first test (equal URL sets: nothing to
    report), without starting the check."""
    return _absolute_urls(source, ctx.format) != _absolute_urls(translation, ctx.format)


@define("urls", "error", "a URL differs or is missing (language codes in paths are accepted)",
        may_find=_urls_may_differ, markup_only=True)
def check_urls(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """A broken or swapped source link silently removes the evidence behind a claim."""
    src = _absolute_urls(source, ctx.format)
    tgt = _absolute_urls(translation, ctx.format)
    if src == tgt:
        return
    langs = _lang_variants(ctx)
    src_norm = {_delocalize(u, langs): u for u in src}
    tgt_norm = {_delocalize(u, langs): u for u in tgt}
    missing = sorted(src_norm[k] for k in src_norm.keys() - tgt_norm.keys())
    added = sorted(tgt_norm[k] for k in tgt_norm.keys() - src_norm.keys())
    if missing:
        yield "missing from the translation: " + ", ".join(missing)
    if added:
        yield "not in the source: " + ", ".join(added)


@lru_cache(maxsize=4096)
def _footnote_marks(text: str) -> tuple[str, ...]:
    """The footnote labels ``footnotes`` compares for ``text`` (code spans set aside), sorted:
    one tuple per text, however many catalogs and languages share it. Without ``<``, ``[``
    and a backtick (no ``<sup>``, no ``[^n]``, no code span) the labels are the superscript
    runs alone, and most texts have none."""
    if "<" not in text and "[" not in text and "`" not in text:
        return tuple(sorted(_superscript_labels(text)))  # () without superscripts (most)
    return tuple(sorted(_footnote_list(_CODE_SPAN.sub(" ", text) if "`" in text else text)))


def _footnotes_may_differ(source: str, translation: str, ctx: CheckContext) -> bool:
    """The pre-filter of ``footnotes``: False when both texts carry the same labels, as a
    multiset (sorted tuples are equal exactly when the check's counters are): the check then
    stops at its first test."""
    return _footnote_marks(source) != _footnote_marks(translation)


@define("footnotes", "error", "footnote markers ([^1], ¹, <sup>1</sup>) differ",
        may_find=_footnotes_may_differ)
def check_footnotes(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """A dropped footnote marker detaches a claim from its source."""
    src = _footnote_labels(_CODE_SPAN.sub(" ", source) if "`" in source else source)
    tgt = _footnote_labels(
        _CODE_SPAN.sub(" ", translation) if "`" in translation else translation)
    if src == tgt:
        return
    missing = sorted((src - tgt).elements())
    added = sorted((tgt - src).elements())
    if missing:
        yield "footnote markers missing: " + ", ".join(missing)
    if added:
        yield "footnote markers not in the source: " + ", ".join(added)


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    """The dialect's parser, made (and markdown-it imported) by the first text with inline
    markup: a build whose texts have none never loads it. Without ``text_join``, which
    only merges text tokens (escaped characters into the text around them): the checks
    read no text token, and it was a walk over every token of every text checked."""
    from transflow.formats.markdown_dialect import markdown_parser

    md = markdown_parser()
    md.core.ruler.disable("text_join")
    return md


@dataclass(slots=True)
class _Inline:
    links: int = 0
    relative_targets: Counter[str] = field(default_factory=Counter)
    images: Counter[str] = field(default_factory=Counter)
    code: Counter[str] = field(default_factory=Counter)
    emphasis: Counter[str] = field(default_factory=Counter)


def _walk(tokens: Sequence[Token]) -> Iterable[Token]:
    for tok in tokens:
        yield tok
        if tok.children:
            yield from _walk(tok.children)


#: Characters without which markdown-it produces no link, image, code or emphasis token.
_INLINE_MARKUP = "[<`*_~"


#: What a text without inline markup has (shared: callers never mutate an ``_Inline``).
_NO_INLINE = _Inline()


@lru_cache(maxsize=4096)
def _inline(text: str) -> _Inline:
    """Parsed once per text for all markup checks; callers must not mutate the result."""
    if not ("[" in text or "<" in text or "`" in text or "*" in text or "_" in text
            or "~" in text):  # the _INLINE_MARKUP characters, one substring test each
        return _NO_INLINE  # no link, image, code span or emphasis can start without these
    found = _Inline()
    for tok in _walk(_md().parseInline(text)):
        if tok.type == "link_open":
            found.links += 1
            href = str(tok.attrs.get("href", ""))
            if not _ABSOLUTE_HREF.match(href):
                found.relative_targets[unquote(href)] += 1
        elif tok.type == "image":
            found.images[unquote(str(tok.attrs.get("src", "")))] += 1
        elif tok.type == "code_inline":
            found.code[tok.content] += 1
        elif tok.type in ("em_open", "strong_open", "s_open"):
            found.emphasis[tok.type[:-5]] += 1
    return found


@lru_cache(maxsize=64)
def _inline_differs(source: str, translation: str) -> bool:
    return _inline(source) != _inline(translation)


def _inline_may_differ(source: str, translation: str, ctx: CheckContext) -> bool:
    """The pre-filter of the five inline-markup checks (``links``, ``link-targets``,
    ``code``, ``images``, ``emphasis``): False outside Markdown (each stays silent there)
    and when both texts have the same inline markup: equal link counts, relative targets,
    images, code spans and emphasis counts leave none of them anything to report (the
    comparison is made once per pair, not once per check)."""
    return ctx.format == "markdown" and _inline_differs(source, translation)


@define("links", "error", "the number of links differs", may_find=_inline_may_differ,
        markup_only=True)
def check_links(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """A dropped link loses a reference; absolute targets are the ``urls`` check's."""
    if ctx.format != "markdown":
        return
    src, tgt = _inline(source), _inline(translation)
    if src.links != tgt.links:
        yield f"{src.links} link(s) in the source, {tgt.links} in the translation"


@define("link-targets", "warning", "relative link targets differ (site pages, anchors)",
        may_find=_inline_may_differ, markup_only=True)
def check_link_targets(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """Only a warning: a site's own pages often have a translated slug in the other language."""
    if ctx.format != "markdown":
        return
    src, tgt = _inline(source), _inline(translation)
    if src.links != tgt.links:
        return  # the links check already reports this segment
    langs = _lang_variants(ctx)
    src_norm = {_delocalize(k, langs): k for k in src.relative_targets}
    tgt_norm = {_delocalize(k, langs): k for k in tgt.relative_targets}
    missing = sorted(src_norm[k] for k in src_norm.keys() - tgt_norm.keys())
    added = sorted(tgt_norm[k] for k in tgt_norm.keys() - src_norm.keys())
    if missing:
        yield "link targets missing: " + ", ".join(missing)
    if added:
        yield "link targets not in the source: " + ", ".join(added)


@define("code", "error", "inline code spans are not identical to the source's",
        may_find=_inline_may_differ, markup_only=True)
def check_code(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """Code is never translated: a changed command or name breaks what the reader copies."""
    if ctx.format != "markdown":
        return
    missing, added = _counter_diff(_inline(source).code, _inline(translation).code)
    if missing:
        yield "code missing or changed: " + ", ".join(f"`{c}`" for c in missing)
    if added:
        yield "code not in the source: " + ", ".join(f"`{c}`" for c in added)


@define("images", "error", "images (count or source) differ", may_find=_inline_may_differ,
        markup_only=True)
def check_images(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """A dropped or swapped image changes what the article shows."""
    if ctx.format != "markdown":
        return
    missing, added = _counter_diff(_inline(source).images, _inline(translation).images)
    if missing:
        yield "images missing: " + ", ".join(missing)
    if added:
        yield "images not in the source: " + ", ".join(added)


@define("emphasis", "warning", "the number of emphasis, strong or strikethrough spans differs",
        may_find=_inline_may_differ, markup_only=True)
def check_emphasis(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """Emphasis may move with the sentence, but its count rarely changes in a faithful text."""
    if ctx.format != "markdown":
        return
    src, tgt = _inline(source).emphasis, _inline(translation).emphasis
    names = {"em": "emphasis", "strong": "strong", "s": "strikethrough"}
    for kind in ("em", "strong", "s"):
        if src[kind] != tgt[kind]:
            yield f"{names[kind]}: {src[kind]} in the source, {tgt[kind]} in the translation"
