"""Text a reader sees inside the inline markup of a Markdown segment, and link-definition titles.

A paragraph's msgid carries its inline markup as written, and neither a translator's tools
nor DeepL (markup is sent as placeholders) translate what sits *inside* that markup: the
``title`` of an ``<abbr>``, the ``alt`` of an ``<img>`` or of ``![alt](src)``, the title of
``[text](url "Title")``, the ``caption`` of a shortcode written inside a sentence. This module
finds those values as *inner* segments (``Segment.anchor``, see ``base.splice``): the
enclosing msgid keeps the markup as written, the value is an entry of its own, and a build
writes its translation into the markup wherever the enclosing translation still carries it
unchanged. It is one more extractor feeding the one splice, not a render path.

What is read, in the source span of a paragraph, heading or table cell, after code spans
(and backslash-escaped ``<``) are masked:

* start tags, by the HTML format's tokenizer and attribute rules
  (:func:`transflow.formats.html.inline_attributes`): the same attribute names as HTML
  blocks (in MDX: the configured props, quoted values only);
* images ``![alt](src "title")`` and link titles ``](url "title")``, found by a pattern and
  accepted only when markdown-it (the format's dialect) reads the same image or link title;
* shortcodes (``shortcodes.scan``) with the configured named/positional parameters.

Markup spread over lines is read too: ``base.splice`` finds it as written and as the msgid
folds it (line breaks and container prefixes as one space). Link reference definitions
(``[r]: url "Title"``) are blocks, not inline markup: their titles are ordinary segments of
kind ``link title`` (:func:`reference_title`).

Writing back (``markdown_escape``): attribute values are escaped for their quote, shortcode
parameters for their syntax, a title gets its unescaped delimiters escaped,
an alt its brackets escaped; line breaks fold to spaces; inside a table cell ``|`` is escaped.
A title's msgid is the title as written (backslash escapes kept, as in every Markdown msgid).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from markdown_it import MarkdownIt

from transflow.formats import html, shortcodes
from transflow.formats.base import Markup
from transflow.formats.markdown_dialect import markdown_parser

__all__ = [
    "Inner", "decode_title", "encode_alt", "encode_title", "fold", "inner", "reference_title",
]

_CODE = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")
_ESCAPED_LT = re.compile(r"\\[<\[\]!]")
_DEST = r"(?:<[^<>\n]*>|[^\s()<>]*(?:\([^\s()]*\)[^\s()]*)*)"
_TITLE = r"(\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'|\((?:[^()\\\n]|\\.)*\))"
_IMAGE = re.compile(r"!\[((?:[^\[\]\\]|\\.)*)\]\(\s*" + _DEST + r"(?:\s+" + _TITLE + r")?\s*\)")
_LINK_TITLE = re.compile(r"\]\(\s*" + _DEST + r"\s+" + _TITLE + r"\s*\)")
_REFERENCE_TITLE = re.compile(r"(?:^|[ \t])" + _TITLE + r"[ \t]*$")
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_PREFIX = re.compile(r"\n[ \t>]*")
_NOT_NEWLINE = re.compile(r"[^\n]")
_BLANKS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Inner:
    """One value inside inline markup; offsets are into the source string."""

    text: str
    kind: str
    start: int
    end: int
    anchor: tuple[int, int]
    #: ``attr`` (``style`` is the quote), ``shortcode`` (quote + syntax), ``title``
    #: (``style`` is the delimiter) or ``alt``.
    mode: str
    style: str


@cache
def _md() -> MarkdownIt:
    return markdown_parser()


def _mask(text: str) -> str:
    """``text`` with code spans and backslash escapes blanked (same length, lines kept)."""
    def blank(m: re.Match[str]) -> str:
        return _NOT_NEWLINE.sub("\x01", m.group())

    return _CODE.sub(blank, _ESCAPED_LT.sub(blank, text))


def inner(
    source: str,
    start: int,
    end: int,
    where: str,
    markup: Markup,
    *,
    mdx: bool = False,
    tags: bool = True,
    links: bool = True,
) -> list[Inner]:
    """The inner segments of the Markdown segment ``source[start:end]`` (module docstring).

    ``tags=False`` for text of an HTML block (the HTML rules read its tags); ``links=False``
    leaves images and link titles alone."""
    text = source[start:end]
    if "<" not in text and "[" not in text and "{" not in text:
        return []
    # What each reader below looks for first, in the text as written (masking only blanks
    # characters, so it cannot make one appear): mostly a URL in ``<…>``, with nothing to read.
    if not ("](" in text or "{{" in text or "{%" in text or ("<" in text and "=" in text)):
        return []
    if "\n" in text:  # continuation lines: their container prefixes (``> ``) are no markup
        text = _PREFIX.sub(lambda m: "\n" + " " * (len(m.group()) - 1), text)
    masked = _mask(text)
    found: list[Inner] = []
    taken: list[tuple[int, int]] = []

    def add(value: Inner) -> None:
        if any(ch.isalpha() for ch in value.text):
            found.append(value)

    def claim(a: int, b: int) -> bool:
        if (a, b) in taken:
            return True  # another value of the same tag
        if any(a < y and x < b for x, y in taken):
            return False
        taken.append((a, b))
        return True

    if "{{" in masked or "{%" in masked:
        codes = shortcodes.scan(masked)
        # The generator replaces template syntax before Markdown is read: as one word, a
        # shortcode or ``{{ "/a" | url }}`` used as a link destination keeps the link a link.
        plain = masked
        for a, b in sorted([(c.start, c.end) for c in codes] + _expressions(masked, codes)):
            plain = plain[:a] + "x" * (b - a) + plain[b:]
        for code in codes:
            params = [] if code.closing else list(shortcodes.segments(code, markup))
            if not params or not claim(code.start, code.end):
                continue
            for param, kind in params:
                value = re.sub(r"\s+", " ", param.value).strip()
                add(Inner(value, f"{kind} in {where}", start + param.start, start + param.end,
                          (start + code.start, start + code.end), "shortcode",
                          param.quote + code.syntax))
        masked = plain
    lt = masked.find("<")
    # No "=" after the first "<": no attribute has a value, nothing for the tokenizer to read.
    if tags and lt >= 0 and "=" in masked[lt:]:
        names = markup.props if mdx else html.TRANSLATABLE_ATTRIBUTES
        region = html.inline_attributes(masked, where, attributes=names, components=mdx)
        for seg in region.segments:
            quote = region.quotes[seg.start]
            if seg.anchor is None or (mdx and not quote) or not claim(*seg.anchor):
                continue
            add(Inner(seg.text, seg.kind, start + seg.start, start + seg.end,
                      (start + seg.anchor[0], start + seg.anchor[1]), "attr", quote))
    if links and "](" in masked:
        for m in _IMAGE.finditer(masked):
            if not _is_image(masked[m.start() : m.end()]) or not claim(m.start(), m.end()):
                continue
            anchor = (start + m.start(), start + m.end())
            alt = fold(text[m.start(1) : m.end(1)])
            add(Inner(alt, f"image alt in {where}", start + m.start(1), start + m.end(1),
                      anchor, "alt", ""))
            if m.group(2):
                add(_title(text, m, 2, anchor, start, f"image title in {where}"))
        for m in _LINK_TITLE.finditer(masked):
            raw = masked[m.start() : m.end()]
            if not _is_link_title(raw, m.group(1)) or not claim(m.start(), m.end()):
                continue
            anchor = (start + m.start(), start + m.end())
            add(_title(text, m, 1, anchor, start, f"link title in {where}"))
    return sorted(found, key=lambda i: i.start)


_EXPRESSION = re.compile(r"\{\{(?![<%])[^{}\n]*\}\}")


def _expressions(text: str, codes: list[shortcodes.Shortcode]) -> list[tuple[int, int]]:
    """``{{ expression }}`` template output outside the shortcodes ``codes``."""
    return [
        (m.start(), m.end())
        for m in _EXPRESSION.finditer(text)
        if not any(c.start < m.end() and m.start() < c.end for c in codes)
    ]


def _title(
    text: str, m: re.Match[str], group: int, anchor: tuple[int, int], start: int, kind: str
) -> Inner:
    raw = m.group(group)
    return Inner(fold(raw[1:-1]), kind, start + m.start(group) + 1,
                 start + m.end(group) - 1, anchor, "title", raw[0])


def fold(raw: str) -> str:
    """A title's msgid: as written (escapes kept, as in any Markdown msgid), one line."""
    return _BLANKS.sub(" ", raw).strip()


def decode_title(raw: str) -> str:
    """A title as markdown-it reads it: backslash escapes removed, whitespace folded."""
    return fold(_ESCAPE.sub(r"\1", raw))


def _is_image(raw: str) -> bool:
    """markdown-it reads ``raw`` as exactly one image."""
    tokens = _md().parseInline(raw)[0].children or []
    return len(tokens) == 1 and tokens[0].type == "image"


def _is_link_title(raw: str, title: str) -> bool:
    """markdown-it reads ``[x`` + ``raw`` as one link whose title is ``title`` decoded."""
    tokens = _md().parseInline("[x" + raw)[0].children or []
    return (
        len(tokens) == 3
        and tokens[0].type == "link_open"
        and str(tokens[0].attrs.get("title", "")) == _ESCAPE.sub(r"\1", title[1:-1])
    )


def reference_title(source: str, start: int, end: int) -> Iterator[tuple[str, int, int, str]]:
    """The title of the link reference definition in ``source[start:end]`` (its last line):
    (msgid, value start, value end, delimiter), when it has one on that line."""
    line_start = source.rfind("\n", start, end) + 1 if "\n" in source[start:end] else start
    m = _REFERENCE_TITLE.search(source, max(line_start, start), end)
    if m is None:
        return
    raw = m.group(1)
    yield fold(raw[1:-1]), m.start(1) + 1, m.end(1) - 1, raw[0]


def encode_title(translation: str, delimiter: str) -> str:
    """A title translation written between ``delimiter`` and its closing pair: one line, each
    unescaped delimiter escaped, and a trailing lone backslash doubled (it would escape the
    closing delimiter). Escapes the translator wrote (``\\*``) are kept, as in the msgid."""
    delimiters = "()" if delimiter == "(" else delimiter
    out: list[str] = []
    escaped = False
    for ch in fold(translation):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch in delimiters:
            out.append("\\")
        out.append(ch)
    if escaped:
        out.append("\\")
    return "".join(out)


def encode_alt(translation: str) -> str:
    """An image alt translation: one line, brackets escaped, no escape left dangling."""
    text = re.sub(r"\s+", " ", translation).strip()
    text = re.sub(r"(?<!\\)([\[\]])", r"\\\1", text)
    run = len(text) - len(text.rstrip("\\"))
    return text + "\\" if run % 2 else text
