"""Wording checks: ``glossary``, ``identical``, ``length``, ``whitespace`` and ``punctuation``.

All but ``glossary`` are heuristics for a translation that is incomplete or reads wrong (an
untranslated sentence, a dropped sentence, a question turned statement), so they are
warnings: a person should look, publishing is not blocked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from .registry import CheckContext, define
from .text import (
    _BARE_URL,
    _FOOTNOTE_REF,
    _SCRIPT_BLOCK,
    _WORD,
    _base_lang,
    _may_have_bare_url,
    _prose,
    _replace_superscript_runs,
    _strip_footnote_sups,
)


@lru_cache(maxsize=256)
def _already_in(text: str, target: str, source: str) -> bool:
    """``language_guess.already_in``, which two checks ask of the same entry: answered once
    (and imported then: build's quality gate runs no warning-level check, so never loads it)."""
    from transflow.language_guess import already_in

    return already_in(text, target, source)


@lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(term.strip())}", re.I)


def _term_present(term: str, text: str) -> bool:
    """Word-start match, case-insensitive, so inflected forms (``magnesiums``) count."""
    return _term_pattern(term).search(text) is not None


def _has_glossary(source: str, translation: str, ctx: CheckContext) -> bool:
    """The pre-filter of ``glossary``: without terms there is nothing to look for."""
    return bool(ctx.glossary)


@define("glossary", "warning", "a glossary term of the source is not translated as agreed",
        may_find=_has_glossary)
def check_glossary(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """The shop's product and ingredient names should read the same in every article."""
    for src_term, tgt_term in ctx.glossary:
        if not src_term.strip() or not tgt_term.strip():
            continue
        if _term_present(src_term, source) and not _term_present(tgt_term, translation):
            yield f"'{src_term}' should be translated as '{tgt_term}'"


_DOI = re.compile(r"\bdoi:\s*10\.|\b10\.\d{4,9}/\S+", re.I)
_CITATION = re.compile(r"\bet al\.|\b(?:1[89]|20)\d\d;\s*\d+")


def _is_copy(source: str, translation: str, ctx: CheckContext) -> bool:
    """The pre-filter of ``identical``: it reports only a translation equal to its source
    (surrounding whitespace aside), the condition of its one message."""
    return translation.strip() == source.strip()


@define("identical", "warning", "translation equals the source for a segment of over 5 words",
        may_find=_is_copy)
def check_identical(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """Short names and titles stay the same legitimately; whole sentences rarely do.

    Segments with a URL, DOI or citation (``et al.``, ``2019;11``) are skipped: source lists
    cite titles in their own language.
    """
    if _base_lang(ctx.source_lang) == _base_lang(ctx.target_lang):
        return
    if (_may_have_bare_url(source) and _BARE_URL.search(source)) or _DOI.search(source) \
            or _CITATION.search(source):
        return  # a bibliography entry (authors, title, journal, URL) is cited as published
    if _already_in(source, ctx.target_lang, ctx.source_lang):
        return  # the target-language check reports it
    if translation.strip() == source.strip() and len(_WORD.findall(_prose(source))) > 5:
        yield "the translation is identical to the source"


@define("target-language", "warning", "the source is already in the target language")
def check_target_language(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """An English quote in a Dutch article needs no translation: its draft is a copy.

    Only a warning so that a person sees it (a quote may still deserve a translation beside
    it); the detection is ``language_guess.already_in`` (strict: enough function words).
    """
    if _already_in(source, ctx.target_lang, ctx.source_lang):
        yield f"the source is already in '{ctx.target_lang}': its translation is a copy"


#: Typical length of a translation relative to its source, per (source, target) language.
TYPICAL_RATIO: dict[tuple[str, str], float] = {("en", "nl"): 1.1, ("nl", "en"): 1 / 1.1}
#: How far (as a factor either way) a segment may stray from the typical ratio.
RATIO_TOLERANCE = 2.2
#: Shorter sources vary too much to judge.
RATIO_MIN_CHARS = 40


def _long_enough(source: str, translation: str, ctx: CheckContext) -> bool:
    """The pre-filter of ``length``: a source shorter than :data:`RATIO_MIN_CHARS` is never
    judged, and the check's measure of it is never longer than the source itself (the prose
    only removes characters or puts one in place of several; joining the words with single
    spaces only shortens)."""
    return len(source) >= RATIO_MIN_CHARS


@define("length", "warning", "translation much shorter or longer than usual",
        may_find=_long_enough)
def check_length(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """A half-length translation usually means a dropped sentence."""
    src = len(" ".join(_prose(source).split()))
    tgt = len(" ".join(_prose(translation).split()))
    if src < RATIO_MIN_CHARS:
        return
    typical = TYPICAL_RATIO.get((_base_lang(ctx.source_lang), _base_lang(ctx.target_lang)), 1.0)
    ratio = tgt / src
    if ratio < typical / RATIO_TOLERANCE or ratio > typical * RATIO_TOLERANCE:
        yield f"length ratio {ratio:.2f} (typical {typical:.2f}): {src} → {tgt} characters"


def _has_outer_space(source: str, translation: str, ctx: CheckContext) -> bool:
    """The pre-filter of ``whitespace``: with no whitespace at either end of either text
    (``str.strip`` and ``str.isspace`` agree on what whitespace is), leading and trailing
    whitespace are empty on both sides and equal."""
    return (source[:1].isspace() or source[-1:].isspace() or translation[:1].isspace()
            or translation[-1:].isspace())


@define("whitespace", "warning", "leading or trailing whitespace differs",
        may_find=_has_outer_space)
def check_whitespace(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """Leading spaces can turn Markdown into a code block; trailing ones into a line break."""
    def lead(s: str) -> str:
        return s[: len(s) - len(s.lstrip())]

    def trail(s: str) -> str:
        return s[len(s.rstrip()):]

    if lead(source) != lead(translation):
        yield f"leading whitespace {lead(source)!r} became {lead(translation)!r}"
    if trail(source) != trail(translation):
        yield f"trailing whitespace {trail(source)!r} became {trail(translation)!r}"


_TRAILING_TAGS = re.compile(r"(?:</?[A-Za-z][^>]*>\s*)+$")
_CLOSERS = " \t\n*_~)]\"'”’»›」"


def _final_punctuation(text: str) -> str:
    if "<" in text:  # no tag, script block or <sup> without one
        text = _strip_footnote_sups(_SCRIPT_BLOCK.sub("", text))
    if "[^" in text:
        text = _FOOTNOTE_REF.sub("", text)
    text = _replace_superscript_runs(text, "")
    text = _TRAILING_TAGS.sub("", text.rstrip()) if "<" in text else text.rstrip()
    text = text.rstrip(_CLOSERS)
    if text.endswith(("...", "…")):
        return "…"
    return text[-1:] if text[-1:] in (".", "?", "!", ":") else ""


#: How much of a text's end :func:`_tail_punctuation` reads.
_TAIL = 48


def _tail_punctuation(text: str) -> str | None:
    """:func:`_final_punctuation` read from the last :data:`_TAIL` characters only, or None
    when they may not decide it (then the whole text must be read).

    Why that is the same answer: without a ``<`` or ``[^`` the whole-text steps are the
    deletion of superscript digits (character by character, so deleting them from the end
    alone leaves the same end), then ``rstrip()`` and ``rstrip(_CLOSERS)``, then a look at the
    last three characters at most. Stripping ``head + tail`` strips ``tail`` alone as long as
    something of it is left; with three characters of it left, those are the characters
    looked at.
    """
    if "<" in text or "[^" in text:
        return None
    tail = _replace_superscript_runs(text[-_TAIL:], "")
    tail = tail.rstrip().rstrip(_CLOSERS)
    if len(tail) < 3 and len(text) > _TAIL:
        return None
    if tail.endswith(("...", "…")):
        return "…"
    return tail[-1:] if tail[-1:] in (".", "?", "!", ":") else ""


def _punctuation_may_differ(source: str, translation: str, ctx: CheckContext) -> bool:
    """The pre-filter of ``punctuation``: False when the ends of both texts (read by
    :func:`_tail_punctuation`, not the whole texts) show the same final punctuation."""
    src = _tail_punctuation(source)
    return src is None or src != _tail_punctuation(translation)


@define("punctuation", "warning", "final punctuation (. ? ! : …) differs",
        may_find=_punctuation_may_differ)
def check_punctuation(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """A question turned statement, or a lost colon before a list, reads wrong."""
    src, tgt = _final_punctuation(source), _final_punctuation(translation)
    if src != tgt:
        yield f"ends with {src or 'no punctuation'!r} in the source, {tgt or 'none'!r} here"
