"""HTML inside Markdown: raw HTML blocks segmented by the HTML format's own rules.

CommonMark passes an HTML block through untouched, so everything a reader sees in it (a
``<figcaption>``, a ``<summary>``, the text of an ``<aside markdown="1">`` pull quote, the
paragraph written right after ``</aside>`` without a blank line, an ``alt``) used to reach the
page untranslated. This module hands the block's bytes to :func:`transflow.formats.html.extract`
(the tokenizer, tree and rules of ``.html`` articles: same elements, attributes, exclusions) and
turns its segments into Markdown segments; it is one more extractor feeding the one splice
(:func:`transflow.formats.base.splice`), never a render path of its own.

Principles:

* A block is read as the source's bytes, so offsets are exact; inside a block quote its lines'
  ``>`` markers are read as blanks (a copy of the same length), so they are never HTML text.
* Loose text of the block and the content of ``markdown="1"`` elements is Markdown to the page
  generator (kramdown, Jekyll): its kind is ``paragraph`` and a translation is escaped as a
  Markdown line; other content keeps the HTML kinds (``figure caption``, ``summary``…).
* A paragraph made only of tags (``<img alt="…">``, a linked image) has no text segment; its
  ``alt``/``title``/``aria-label`` values are segments, as in an HTML article.
* A content translation is written on one line: a blank line in it would end the HTML block
  and turn the rest into Markdown. Markup it adds (``</aside>``, ``<script>``) is not escaped
  here but refused by ``check``/``build`` (``html-tags``, ``unsafe-markup``), as for HTML
  articles. Attribute translations are escaped for their quote (``"`` -> ``&quot;``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from transflow.formats import html

__all__ = [
    "Piece", "encode_attribute", "encode_content", "escape_mdx_text", "jsx_tag_end", "region"
]

_LINE_BREAKS = re.compile(r"[ \t]*(?:\r\n?|\n)\s*")


@dataclass(frozen=True, slots=True)
class Piece:
    """A segment found in embedded HTML and how to write its translation back."""

    text: str
    kind: str
    start: int
    end: int
    #: ``attr`` (``style`` is the quote), ``html`` or ``html-md`` (Markdown to the generator).
    mode: str
    style: str = ""
    #: An inner segment's anchor: the raw tag that the enclosing content carries.
    anchor: tuple[int, int] | None = None


def region(
    source: str,
    start: int,
    end: int,
    *,
    attributes_only: bool = False,
    props: tuple[str, ...] | None = None,
    markdown: bool = False,
    quoted: bool = False,
) -> list[Piece]:
    """The pieces of ``source[start:end]``, an HTML block or a tag-only paragraph.

    ``props`` (MDX) reads the region as JSX: those props are the attributes whose values are
    segments, capitalised components hold blocks, and ``{…}`` expressions in tags are masked
    so the HTML tokenizer never reads a ``>`` or a quote inside one. ``markdown``: all the
    region's text is Markdown (JSX written as a paragraph), escaped as such when translated.
    ``quoted``: the block is inside a block quote, so its lines' ``>`` markers are read as
    blanks (a translation is written on one line, where the first marker already stands).
    """
    if quoted:
        source = _mask_quote_markers(source, start, end)
    if props is None:
        found = html.extract(source, start, end)
    else:
        masked = mask_expressions(source, start, end)
        found = html.extract(masked, start, end, attributes=props, components=True)
    pieces: list[Piece] = []
    for seg in found.segments:
        if seg.start in found.quotes:
            if props is not None and not found.quotes[seg.start]:
                continue  # JSX: an unquoted value is an expression (masked), never text
            quote = found.quotes[seg.start]
            if seg.anchor is not None and attributes_only:
                continue  # inside text this region does not offer
            pieces.append(Piece(seg.text, seg.kind, seg.start, seg.end, "attr", quote, seg.anchor))
        elif not attributes_only:
            as_markdown = markdown or seg.start in found.markdown
            kind = "paragraph" if seg.kind == "text" else seg.kind
            # Folded as Markdown folds a paragraph (line breaks only), not as HTML does.
            text = _LINE_BREAKS.sub(" ", source[seg.start : seg.end]).strip()
            mode = "html-md" if as_markdown else "html"
            pieces.append(Piece(text, kind, seg.start, seg.end, mode))
    return pieces


_QUOTE_MARKERS = re.compile(r"^[ \t]*>(?:[ \t]*>)*[ \t]?", re.MULTILINE)


def _mask_quote_markers(source: str, start: int, end: int) -> str:
    """``source`` with the block-quote markers of the lines in ``[start, end)`` as spaces."""
    chars = list(source)
    line_begin = source.rfind("\n", 0, start) + 1
    for m in _QUOTE_MARKERS.finditer(source, line_begin, end):
        for i in range(max(m.start(), start), m.end()):
            chars[i] = " "
    return "".join(chars)


_EXPRESSION_START = re.compile(r"=\s*\{|\{\s*\.\.\.")


def mask_expressions(source: str, start: int, end: int) -> str:
    """``source`` with each JSX attribute expression (``={…}``, ``{...spread}``) in
    ``[start, end)`` blanked to ``_`` (line breaks kept), so offsets stay the same."""
    chars: list[str] | None = None
    pos = start
    while True:
        m = _EXPRESSION_START.search(source, pos, end)
        if m is None:
            break
        open_at = source.index("{", m.start())
        close = _matching_brace(source, open_at, end)
        if close < 0:
            break
        if chars is None:
            chars = list(source)
        for i in range(open_at + 1, close):
            if chars[i] not in "\r\n":
                chars[i] = "_"
        pos = close + 1
    return source if chars is None else "".join(chars)


def jsx_tag_end(text: str, start: int) -> int:
    """The offset after the ``>`` ending the JSX tag that opens at ``start`` (quoted values
    and ``{…}`` expressions skipped, blank lines allowed, as MDX reads props), or -1."""
    i = start + 1
    end = len(text)
    while i < end:
        ch = text[i]
        if ch in "\"'":
            close = text.find(ch, i + 1)
            if close < 0:
                return -1
            i = close + 1
            continue
        if ch == "{":
            close = _matching_brace(text, i, end)
            if close < 0:
                return -1
            i = close + 1
            continue
        if ch == "<":
            return -1  # another tag begins: this one was never closed
        if ch == ">":
            return i + 1
        i += 1
    return -1


def _matching_brace(source: str, open_at: int, end: int) -> int:
    """The offset of the ``}`` closing the ``{`` at ``open_at`` (strings skipped), or -1."""
    depth = 0
    quote = ""
    i = open_at
    while i < end:
        ch = source[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif ch in "\"'`":
            quote = ch
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


_LEAD = re.compile(r"(<[^<>]*>)([ \t]*(?:\r\n?|\n)[ \t]*)")
_TAIL = re.compile(r"([ \t]*(?:\r\n?|\n)[ \t]*)(</[^<>]*>)$")


def encode_content(translation: str, span: str) -> str:
    """A content translation as written into the block: one line, the source's own tags.

    A tag that stands alone on the span's first (or last) line keeps its line: a block that
    CommonMark opens with a lone tag (``<Warning>``, ``<a href>``) must still start that way.
    """
    written = html.restore_tags(span, _LINE_BREAKS.sub(" ", translation.strip()))
    lead = _LEAD.match(span)
    if lead and written[: len(lead.group(1))].casefold() == lead.group(1).casefold():
        rest = written[len(lead.group(1)) :].lstrip(" ")
        written = written[: len(lead.group(1))] + lead.group(2) + rest
    tail = _TAIL.search(span)
    if tail and written[-len(tail.group(2)) :].casefold() == tail.group(2).casefold():
        rest = written[: len(written) - len(tail.group(2))].rstrip(" ")
        written = rest + tail.group(1) + written[len(written) - len(tail.group(2)) :]
    return written


def encode_attribute(translation: str, quote: str, raw: str) -> str:
    """An attribute translation escaped for its quote (and ``&``, ``<``, ``>``).

    A quote character the source value wrote as an entity (``&quot;`` inside ``'…'``) is
    written the same way.
    """
    written = html.escape_attribute(html.fold_whitespace(translation), quote)
    if "&quot;" in raw and quote != '"':
        written = written.replace('"', "&quot;")
    if "&#39;" in raw and quote != "'":
        written = written.replace("'", "&#39;")
    # Spaces around the value as written (``quote="… "``) are kept, as every byte outside
    # the text is.
    lead = raw[: len(raw) - len(raw.lstrip(" \t"))]
    trail = raw[len(raw.rstrip(" \t")) :] if raw.strip(" \t") else ""
    return lead + written.strip(" \t") + trail


_MDX_MARKUP = re.compile(r"\{[^{}]*\}|</?[A-Za-z][^<>]*>")
_MDX_OPENERS = re.compile(r"(?<!\\)[{}]|<")


def _escape_mdx(text: str) -> str:
    return _MDX_OPENERS.sub(lambda m: "&lt;" if m.group() == "<" else "\\" + m.group(), text)


def escape_mdx_text(translation: str, msgid: str) -> str:
    """MDX text: a ``{``, ``}`` or ``<`` the msgid does not have as an expression or a tag is
    escaped (``\\{``, ``\\}``, ``&lt;``), so a translation can neither open a JSX expression nor
    a component (MDX refuses to compile ``a { b`` or ``a < b``); MDX reads both escapes as the
    characters, and ``&lt;`` is text to an HTML tokenizer too.
    """
    allowed = {m.group() for m in _MDX_MARKUP.finditer(msgid)}
    out: list[str] = []
    pos = 0
    for m in _MDX_MARKUP.finditer(translation):
        if m.group() in allowed:
            out.append(_escape_mdx(translation[pos : m.start()]))
            out.append(m.group())
            pos = m.end()
    out.append(_escape_mdx(translation[pos:]))
    return "".join(out)
