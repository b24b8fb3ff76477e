"""Text helpers shared by the checks: what a reader reads, footnote markers, URLs, languages.

Several checks must agree on what is prose and what is markup, or one defect would be
reported twice (a number inside a URL, a footnote marker taken for a number). This module is
that single agreement; it holds no checks and registers nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from urllib.parse import unquote

#: ``(?:https?|ftp)://…|www\.…`` matched case-insensitively, spelled so that the pattern
#: starts with one character class: the engine then skips in C to the next ``f``, ``h`` or
#: ``w`` (a case-insensitive pattern, or one starting with a choice of groups, is tried at
#: every position), 4x faster; the look-behind says which word that letter begins.
#: ``ſ`` is the long s, which ``re.IGNORECASE`` matches with ``s``.
_BARE_URL = re.compile(
    r"""[fFhHwW](?:(?<=[hH])[tT][tT][pP][sSſ]?://|(?<=[fF])[tT][pP]://|(?<=[wW])[wW][wW]\.)"""
    r"""[^\s<>"'`\]\[)(]+"""
)


def _may_have_bare_url(text: str) -> bool:
    """False when :data:`_BARE_URL` cannot match: it needs ``://`` or ``www.`` (``re.I``
    folds ``w`` to ``W`` only, so ``lower`` finds every spelling, and a ``w.`` or ``W.``
    must be there first). Case-insensitive matching is slow for the engine: most prose is
    answered here instead. The ``:`` and the ``W`` are looked for first: a one-character
    test is many times cheaper than a longer one, and most prose has neither."""
    return (":" in text and "://" in text) or (
        ("w." in text or ("W" in text and "W." in text)) and "www." in text.lower())


#: Every spelling of ``lto:`` that ``re.I`` lets :data:`_MAILTO` match (``l``, ``t`` and
#: ``o`` fold to their ASCII capitals only; ``i`` would not: it also matches ``ı`` and ``İ``).
_MAILTO_TAILS = tuple(f"{a}{b}{c}:" for a in "lL" for b in "tT" for c in "oO")


def _may_have_mailto(text: str) -> bool:
    """False when :data:`_MAILTO` cannot match (it needs one of :data:`_MAILTO_TAILS`):
    plain substring tests, cheaper than the case-insensitive engine over the whole text;
    every tail ends ``o:`` or ``O:``, looked for first (two scans of the text, not eight)."""
    return ":" in text and ("o:" in text or "O:" in text) and any(
        tail in text for tail in _MAILTO_TAILS)


#: The characters other than ASCII letters that ``re.IGNORECASE`` matches with an ASCII
#: letter without lowering to it: dotted and dotless I (``i``) and the long s (``s``).
_CASE_TWINS = ("\u0130", "\u0131", "\u017f")


def may_contain_ignoring_case(text: str, words: tuple[str, ...]) -> bool:
    """False when no word of ``words`` (lower-case ASCII) can be matched in ``text`` by a
    case-insensitive pattern: then a pattern that needs one of them is not run.

    Why: a case-insensitive pattern gets no fast scan from the engine (it starts a match at
    every position), and most texts lack the few words it needs; ``str.lower`` and a
    substring test are done in C. Exact: besides each letter's case, ``re.IGNORECASE``
    only matches ASCII letters with the characters of ``_CASE_TWINS``, whose presence
    answers True.
    """
    if not text.isascii() and any(twin in text for twin in _CASE_TWINS):
        return True
    low = text.lower()
    return any(word in low for word in words)


def _find_superscript_runs(text: str) -> tuple[tuple[int, int], ...]:
    """Where ``text``'s runs of superscript digits are, as ``(start, end)`` in order: the
    spans ``_SUPERSCRIPT_RUN.finditer`` gives, found by substring searches for each
    superscript digit and occurrence (a fast scan each: most texts hold none, or one or two
    footnote markers), not by the engine testing every character against the class. An
    ASCII text has none (answered without a scan)."""
    if text.isascii():
        return ()
    found: list[int] = []
    for digit in _SUPERSCRIPTS:
        at = text.find(digit)
        while at >= 0:
            found.append(at)
            at = text.find(digit, at + 1)
    if not found:
        return ()
    found.sort()
    runs: list[tuple[int, int]] = []
    start = end = found[0]
    for at in found[1:]:
        if at != end + 1:
            runs.append((start, end + 1))
            start = at
        end = at
    runs.append((start, end + 1))
    return tuple(runs)


#: :func:`_find_superscript_runs` kept per text: a text's prose (:func:`_prose`) and its
#: footnote marks (``links._footnote_marks``) both need its runs. (The prose made from a
#: marked-up text is searched for its runs without being kept.)
_superscript_runs = lru_cache(maxsize=4096)(_find_superscript_runs)


#: Characters that no link, image, code span, emphasis, tag, comment, entity, footnote
#: reference or script URL can be written without (``:`` for every scheme, ``[`` for
#: Markdown links and ``[^n]``, ``<`` for tags, autolinks and ``<sup>``, ``&`` for
#: entities, ``` `*_~ ``` for code and emphasis); a ``www.`` address is the one URL
#: without a colon, and :func:`is_plain` asks for it apart.
MARKUP_CHARACTERS = "<[`*_~&:"


@lru_cache(maxsize=4096)
def is_plain(text: str) -> bool:
    """True when ``text`` has none of :data:`MARKUP_CHARACTERS` and no ``www.`` address:
    prose without markup, links or URLs, whose :func:`_prose` is the text itself
    (superscript footnote markers aside) and on which no markup, link or URL check can
    find anything (the checks defined with ``markup_only``). Most segments are plain, so
    the question is answered once per text (one-character tests first: cheap)."""
    return not ("<" in text or "[" in text or "`" in text or "*" in text or "_" in text
                or "~" in text or "&" in text or ":" in text or _may_have_bare_url(text))


def _replace_superscript_runs(
    text: str, replacement: str, runs: tuple[tuple[int, int], ...] | None = None
) -> str:
    """``_SUPERSCRIPT_RUN.sub(replacement, text)``: each run of superscript digits (``runs``
    when the caller has them, :func:`_find_superscript_runs` otherwise) becomes
    ``replacement``."""
    if runs is None:
        runs = _find_superscript_runs(text)
    if not runs:
        return text
    parts: list[str] = []
    pos = 0
    for start, end in runs:
        parts.append(text[pos:start])
        parts.append(replacement)
        pos = end
    parts.append(text[pos:])
    return "".join(parts)


_MAILTO = re.compile(r"mailto:[^\s<>\"')\]]+", re.I)
_MD_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\"|\s+'[^']*')?\s*\)")
_HTML_ATTR_URL = re.compile(
    r"""\b(?:href|src|action|formaction|poster|data)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""",
    re.I,
)
#: What ``_HTML_ATTR_URL`` cannot match without (case aside): its attribute names.
HTML_ATTR_URL_NAMES = ("href", "src", "action", "poster", "data")
#: A tag as CommonMark sees one: attributes must be separated from the name by whitespace,
#: so ``<config_file>`` is text, not a tag.
_HTML_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s(?:[^>"']|"[^"]*"|'[^']*')*)?)/?>""")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
#: ``(``*)`` is ``(`+)`` starting with the backtick itself, so the engine looks for one
#: with its fast literal scan (a pattern starting with a repeat is tried at every position).
_CODE_SPAN = re.compile(r"(``*)(.+?)\1", re.S)
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
#: A run of superscript digits: what :func:`_find_superscript_runs` finds with substring
#: searches instead (this pattern is the definition its tests compare with).
_SUPERSCRIPT_RUN = re.compile(f"[{_SUPERSCRIPTS}][{_SUPERSCRIPTS}]*")
_SUP_TAG = re.compile(r"<sup\b[^>]*>(.*?)</sup>", re.I | re.S)
_TRAILING_URL_PUNCT = ".,;:!?*_"


def _strip_url(url: str) -> str:
    return url.rstrip(_TRAILING_URL_PUNCT)


def _norm_url(url: str) -> str:
    """Compare URLs as people mean them: percent-encoding and a trailing dot do not count."""
    return unquote(_strip_url(url.strip()))


def _footnote_labels(text: str) -> Counter[str]:
    """Footnote markers: ``[^1]``, superscript digits ``¹²``, ``<sup>1</sup>``."""
    return Counter(_footnote_list(text))


def _footnote_list(text: str) -> list[str]:
    """The labels of :func:`_footnote_labels`, in the order found. Each kind of marker is
    looked for only when the text has the character it cannot be written without (``[^``,
    a non-ASCII superscript, ``<``): most prose has none of them."""
    labels = ([m.group(1) for m in _FOOTNOTE_REF.finditer(text)]
              if "[" in text and "[^" in text else [])  # one character first: cheaper
    labels += _superscript_labels(text)  # (none in most texts: its runs are kept per text)
    if "<" in text:
        for m in _SUP_TAG.finditer(text):
            inner = _HTML_TAG.sub("", m.group(1)).strip().strip("[]")
            if _is_footnote_label(inner):
                labels.append(inner)
    return labels


_SUPER_TO_DIGIT = str.maketrans(_SUPERSCRIPTS, "0123456789")


def _superscript_labels(text: str) -> list[str]:
    """The footnote labels of ``text``'s superscript runs (``¹²`` is ``12``), in order:
    ``_SUPERSCRIPT_RUN.findall``'s runs, translated to digits."""
    return [text[start:end].translate(_SUPER_TO_DIGIT)
            for start, end in _superscript_runs(text)]


_FOOTNOTE_LABEL = re.compile(r"[0-9]{1,3}|[a-z]|[ivx]{1,4}|\*{1,3}|†|‡")


def _is_footnote_label(text: str) -> bool:
    return _FOOTNOTE_LABEL.fullmatch(text) is not None


def _strip_footnote_sups(text: str) -> str:
    """Remove ``<sup>1</sup>``-style footnote markers (other ``<sup>`` content stays). A text
    without ``</`` has no closing ``</sup>`` for :data:`_SUP_TAG` to match: returned as is."""
    if "</" not in text:
        return text

    def repl(m: re.Match[str]) -> str:
        inner = _HTML_TAG.sub("", m.group(1)).strip().strip("[]")
        return " " if _is_footnote_label(inner) else m.group(0)

    return _SUP_TAG.sub(repl, text)


@lru_cache(maxsize=4096)
def _prose(text: str) -> str:
    """The text a reader reads: no URLs, link targets, tags, code, entities or footnote marks.

    Several checks read the prose of the same text, so it is computed once per text.
    """
    if is_plain(text):  # no pattern below can match; the runs are kept for the footnotes
        return _replace_superscript_runs(text, " ", _superscript_runs(text))
    # Each pattern is skipped when the text lacks a character it cannot match without
    # (most prose has no markup at all); what a replacement inserts (" ", "]") never
    # supplies one of those characters to a later pattern.
    if "<" in text:
        text = _SCRIPT_BLOCK.sub(" ", _HTML_COMMENT.sub(" ", text))
    if "`" in text:
        text = _CODE_SPAN.sub(" ", text)
    if "<" in text:
        text = _strip_footnote_sups(text)
    if "](" in text:
        text = _MD_LINK_TARGET.sub("]", text)
    if "<" in text:
        text = _HTML_TAG.sub(" ", text)
    if "&" in text:
        text = _ENTITY.sub(" ", text)
    if _may_have_mailto(text):
        text = _MAILTO.sub(" ", text)
    if _may_have_bare_url(text):
        text = _BARE_URL.sub(" ", text)
    if "[^" in text:
        text = _FOOTNOTE_REF.sub(" ", text)
    return _replace_superscript_runs(text, " ")


_LANG_SEPARATOR = re.compile(r"[-_]")


@lru_cache(maxsize=64)
def _base_lang(code: str) -> str:
    return _LANG_SEPARATOR.split(code.strip())[0].lower()


_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


def _counter_diff(src: Counter[str], tgt: Counter[str]) -> tuple[list[str], list[str]]:
    if src == tgt:
        return [], []  # the common case, without building two difference counters
    return sorted((src - tgt).elements()), sorted((tgt - src).elements())
