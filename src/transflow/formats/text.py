"""Plain-text articles (``.txt``): extraction and reassembly in one place.

Extraction principles:

* Blank (whitespace-only) lines separate blocks. Line endings (LF or CRLF), indentation,
  trailing spaces, a leading byte-order mark and a missing final newline are outside every
  segment, so they survive.
* The first non-blank line of the file is the ``title`` when it is followed by a blank line
  and is not a list item (blank lines above it do not change what the title is, so adding
  one does not touch the catalogs).
* A line starting (after optional indentation) with a list marker — ``1.``, ``1)``, ``-``,
  ``*``, ``•`` followed by a space — starts a ``list item``; the marker is not part of the
  segment. Following lines indented deeper than the marker are its continuation lines (a
  wrapped sentence, a URL on its own line); a line that is not indented deeper ends the item
  and starts a ``paragraph``.
* Any other run of lines is one ``paragraph``.
* The msgid is the segment's text with line breaks and indentation folded to one space, so
  re-wrapping the source changes nothing. The span runs from the first to the last
  non-whitespace character of the segment.

Reassembly splices each translation into its span; a translation equal to the msgid (or
``None``) keeps the original bytes, so identity is byte-exact.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass

from transflow.formats.base import Document, Markup, Segment, Translate, splice

__all__ = ["FORMAT", "TextFormat", "parse", "render"]

_MARKER = re.compile(r"([ \t]*)(?:\d{1,3}[.)]|[-*•‣◦▪])[ \t]+(?=\S)")
_WS = re.compile(r"[ \t\n\r\f\v]+")


def _fold(text: str) -> str:
    return _WS.sub(" ", text).strip(" ")


def _indent(content: str) -> int:
    return len(content) - len(content.lstrip(" \t"))


@dataclass(slots=True)
class _Group:
    """A segment being collected: where it starts and (so far) ends."""

    kind: str
    start: int
    end: int
    marker_indent: int = -1


def parse(source: str, *, front_matter_fields: Sequence[str] = ()) -> Document:
    """Split a plain-text article into title, paragraphs and list items.

    ``front_matter_fields`` is accepted for the ``Format`` contract; plain text has none.
    """
    # (start offset of the line's content, content without its line ending)
    lines: list[tuple[int, str]] = []
    pos = 1 if source.startswith("\ufeff") else 0  # a BOM is never part of a segment
    for raw in source[pos:].split("\n"):  # only LF (and CRLF) break lines; not U+2028 or \f
        lines.append((pos, raw.removesuffix("\r")))
        pos += len(raw) + 1
    line_starts = [start for start, _ in lines]

    groups: list[_Group] = []
    current: _Group | None = None
    for number, (start, content) in enumerate(lines):
        if not content.strip():
            current = None
            continue
        marker = _MARKER.match(content)
        text_start = start + (marker.end() if marker else _indent(content))
        text_end = start + len(content.rstrip())
        if marker:
            current = _Group("list item", text_start, text_end, len(marker.group(1)))
            groups.append(current)
        elif current is not None and (
            current.kind != "list item" or _indent(content) > current.marker_indent
        ):
            current.end = text_end
        else:
            following_blank = number + 1 < len(lines) and not lines[number + 1][1].strip()
            kind = "title" if not groups and following_blank else "paragraph"
            current = _Group(kind, text_start, text_end)
            groups.append(current)
            if kind == "title":
                current = None

    segments = [
        Segment(
            _fold(source[g.start : g.end]),
            g.kind,
            bisect.bisect_right(line_starts, g.start),
            g.start,
            g.end,
        )
        for g in groups
    ]
    return Document(source=source, segments=segments)


_NEWLINES = re.compile(r"[ \t]*(?:\r\n|\r|\n)\s*")


def render(doc: Document, translate: Translate, *, keep_identical: bool = True) -> str:
    """Splice translations into the source; ``keep_identical=False`` forces the splice."""

    def encode(segment: Segment, translation: str) -> str:
        # A segment is one folded line of text: a newline in a translation would start a new
        # paragraph or list item (and mix line endings), so it is folded like the msgid.
        return _NEWLINES.sub(" ", translation.strip())

    return splice(doc, translate, encode, force=not keep_identical)


class TextFormat:
    """The ``Format`` for ``.txt`` articles."""

    name = "text"
    extensions = (".txt",)

    def parse(
        self, source: str, *, front_matter_fields: Sequence[str] = (), markup: Markup | None = None
    ) -> Document:
        return parse(source, front_matter_fields=front_matter_fields)

    def render(self, doc: Document, translate: Translate) -> str:
        return render(doc, translate)


FORMAT = TextFormat()
