"""How a translation is written into a Markdown span without changing the block structure.

The Markdown format (``markdown.py``) finds spans; this module owns what goes into one: blank
lines folded, each new line given the container's prefix and the file's line ending, a line
that would open a block (``# ``, ``- ``, ``1. ``, ``> ``, ``===``, a fence, a table delimiter
row, an HTML block, a reference definition) backslash-escaped, table cells with ``|`` escaped,
ATX headings kept on one line, front-matter values re-quoted, and the embedded kinds (HTML
block text and attributes, shortcode parameters) written by their own modules' encoders.
Whether a line opens a block is asked of markdown-it itself (the shared dialect), never
guessed from a list of markers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from markdown_it import MarkdownIt

__all__ = ["MDX_TEXT_MODES", "SOURCE_MODES", "Span", "encode", "escape_line"]

_NEWLINES_RE = re.compile(r"\r\n?")
_BLANK_LINES_RE = re.compile(r"\n[ \t]*(?:\n[ \t]*)+")
# First characters after which a line might open a block (then a real parse decides).
_SUSPECT_RE = re.compile(r"[ \t]*(?:[#>+*=_~`<|\[$\-]|\d)")
_CONTAINER_FENCE = re.compile(r"[ \t]*:::")


@cache
def _block_parser() -> MarkdownIt:
    """The block phase of transflow's Markdown dialect, made when a line looks like it may
    open a block: most translations never need it, and a build that renders stored parses
    then never imports markdown-it."""
    from transflow.formats.markdown_dialect import markdown_parser

    md = markdown_parser()
    md.core.ruler.enableOnly(["normalize", "block"])
    return md


@dataclass(frozen=True, slots=True)
class Span:
    """How to write a translation back into one segment's span."""

    #: ``block`` (paragraph, setext heading), ``atx`` (also an admonition title), ``bracket``
    #: (a ``:::tip[title]``), ``quoted`` (``!!! note "title"``), ``cell``, ``yaml``, ``toml``.
    mode: str
    #: Continuation prefix for new lines (``> ``, list indentation); ``style`` for quoting.
    prefix: str = ""
    style: str = ""


#: Span modes whose text MDX reads as Markdown with JSX and ``{…}`` expressions.
MDX_TEXT_MODES = frozenset(
    {"alt", "block", "atx", "bracket", "quoted", "cell", "html", "html-md"}
)


#: Span modes whose encoder reads the span as the source wrote it (``original_span``): the
#: others are given ``""`` by a caller that spares cutting it out.
SOURCE_MODES = frozenset({"attr", "html", "html-md"})


def encode(text: str, span: Span, newline: str, original: str, original_span: str) -> str:
    if span.mode == "block" and span.prefix != "|":
        return _block(text, span, newline, original)  # a paragraph's text (most spans)
    if span.prefix == "|":  # a value inside a table cell's markup: ``|`` would split the row
        written = encode(text, Span(span.mode, "", span.style), newline, original, original_span)
        return re.sub(r"(?<!\\)\|", r"\\|", written)
    # The encoders of embedded markup are imported by the spans that need them (see
    # ``_block_parser``): markdown-it, the HTML reader and PyYAML only load when used.
    if span.mode == "title":
        from transflow.formats import markdown_inner

        return markdown_inner.encode_title(text, span.style)
    if span.mode == "alt":
        from transflow.formats import markdown_inner

        return markdown_inner.encode_alt(text)
    if span.mode == "attr":
        from transflow.formats import markdown_html

        return markdown_html.encode_attribute(text, span.style, original_span)
    if span.mode == "shortcode":
        from transflow.formats import shortcodes

        return shortcodes.encode(text, span.style[:1], span.style[1:])
    if span.mode in ("html", "html-md"):
        from transflow.formats import markdown_html

        written = markdown_html.encode_content(text, original_span)
        if span.mode == "html":
            return written
        return escape_line(_final_backslash(written, original), None)
    if "\r" in text:
        text = _NEWLINES_RE.sub("\n", text)
    text = text.strip()
    if span.mode == "yaml":
        from transflow.formats import frontmatter

        return frontmatter.quote_yaml(text, span.style, original)
    if span.mode == "toml":
        from transflow.formats import frontmatter

        return frontmatter.quote_toml(text, span.style)
    if span.mode == "quoted":  # a Python-Markdown title: one line, no ``"`` to end it
        return re.sub(r"\s+", " ", text).replace('"', "'")
    if span.mode in ("atx", "cell", "bracket"):
        if "\n" in text:
            text = re.sub(r"[ \t]*(?:\n[ \t]*)+", " ", text)
        if span.mode == "bracket":  # an admonition title in ``:::tip[…]``
            return _final_backslash(re.sub(r"(?<!\\)([\[\]])", r"\\\1", text), original)
        if span.mode == "cell":
            text = re.sub(r"(?<!\\)\|", r"\\|", text)
            return escape_line(text, None) if span.prefix == "^" else text
        closing = re.search(r"(?:^|[ \t])(#+)$", text) if text.endswith("#") else None
        if closing:
            text = text[: closing.start(1)] + "\\" + text[closing.start(1) :]
        return text
    return _block(text, span, newline, original)


def _block(text: str, span: Span, newline: str, original: str) -> str:
    """:func:`encode` of text written as a paragraph's lines (``block``, and any mode not
    named there)."""
    if "\r" in text:
        text = _NEWLINES_RE.sub("\n", text)
    text = text.strip()
    # After a shortcode line of the same paragraph, a first line of ``===`` would underline it.
    before = "x" if span.style == "continues" else None
    if "\n" not in text:  # one line (most translations): what the loop below makes of it
        return _final_backslash(escape_line(text, before), original)
    text = _BLANK_LINES_RE.sub("\n", text)  # no new paragraphs
    lines: list[str] = []
    for raw in text.split("\n"):
        lines.append(
            escape_line(raw.lstrip(" \t") if lines else raw, lines[-1] if lines else before)
        )
    # A first line can depend on the lines after it (``[a]:`` with its destination on the
    # next line is a link reference definition): the whole text must stay one paragraph.
    if (
        len(lines) > 1
        and lines[0][:1] in _ASCII_PUNCTUATION
        and not _stays_inline(lines[-1], "\n".join(lines[:-1]))
    ):
        lines[0] = "\\" + lines[0]
    lines[-1] = _final_backslash(lines[-1], original)
    return (newline + span.prefix).join(lines)


def _final_backslash(text: str, original: str) -> str:
    """``text`` with a final odd ``\\`` the source text lacks doubled: before the line that
    follows in the same paragraph (a shortcode line, an admonition's ``:::``) it would be a
    hard line break, and before ``]`` it would escape the bracket that ends a title. At the
    end of a paragraph ``\\\\`` reads as the one backslash it was."""
    if text[-1:] == "\\" and _odd_final_backslashes(text) and not _odd_final_backslashes(
        original
    ):
        return text + "\\"
    return text


def _odd_final_backslashes(text: str) -> bool:
    return (len(text) - len(text.rstrip("\\"))) % 2 == 1


_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def escape_line(line: str, previous: str | None) -> str:
    """Backslash-escape a line that would open a block where it is written.

    ``previous`` is the line before it in the same paragraph (None for the first line): a
    table needs both its header and its delimiter row, a setext heading its text line.
    """
    if _CONTAINER_FENCE.match(line):  # ``:::`` would open or close an admonition
        lead = len(line) - len(line.lstrip(" \t"))
        return line[:lead] + "\\" + line[lead:]
    for _ in range(3):
        if not _SUSPECT_RE.match(line):
            return line
        # Openers whose block runs until a closing line elsewhere (a fence, math, a raw HTML
        # block of types 1-5) would swallow what follows, even if alone they look harmless.
        if _stays_inline(line, previous) and _opens_nothing(line, previous):
            return line
        lead = len(line) - len(line.lstrip(" \t"))
        if lead:
            line = line[lead:]
            continue
        if line[0].isdigit():
            digits = len(line) - len(line.lstrip("0123456789"))
            line = line[:digits] + "\\" + line[digits:]
        else:
            line = "\\" + line
    return line


#: Lines that would close any block a line could open and leave open (fences, math, raw HTML
#: of types 1-5), after a blank line so that nothing else can continue. A line that opens
#: nothing parses with them exactly like a plain word does.
_CLOSERS = "\n\n$$\n```\n~~~\n-->\n?>\n]]>\n</script>\n</pre>\n</style>\n</textarea>\n"


def _shape(text: str) -> list[tuple[str, str, tuple[int, ...]]]:
    return [(t.type, t.tag, tuple(t.map or ())) for t in _block_parser().parse(text, {})]


def _opens_nothing(line: str, previous: str | None) -> bool:
    """True when ``line`` leaves no block open that later lines would fall into."""
    before = "" if previous is None else previous + "\n"
    return _shape(before + line + _CLOSERS) == _shape(before + "x" + _CLOSERS)


def _stays_inline(line: str, previous: str | None) -> bool:
    probe = line if previous is None else previous + "\n" + line
    tokens = _block_parser().parse(probe, {})
    return (
        len(tokens) == 3
        and tokens[0].type == "paragraph_open"
        and tokens[1].map == [0, probe.count("\n") + 1]
    )
