"""Lines of a Markdown paragraph that are block markup of a Markdown extension, not text.

CommonMark reads these lines as paragraph text, but the site's Markdown processor reads them
as structure, so a reader never sees them (and a translation must never touch them):

* container fences: Docusaurus admonitions (``:::note``, ``:::tip[Title]``,
  ``:::warning Title``, ``:::``), VitePress/markdown-it-container (``::: tip Title``) and
  Pandoc fenced divs (``::: {.note}``). The title after the name is text a reader sees: it is
  a segment of its own (kind ``admonition title``), written back on its line (``]`` and ``[``
  escaped in the bracket form); the name, the colons and ``{…}`` attributes stay as written.
* kramdown attribute lists on a line of their own (``{: .notice--info}``, ``{:toc}``,
  ``{::options …}``), which style the block before or after them;
* GitHub's alert marker on the first line of a block quote (``> [!NOTE]``);
* definition lists' ``: definition`` lines (the term before it stays a paragraph line) and
  abbreviation definitions (``*[HTML]: Hyper Text Markup Language``): the text after the
  marker is a segment of its own (``definition``, ``abbreviation``), the marker and the key
  stay as written;
* Python-Markdown's blocks (MkDocs Material): admonitions ``!!! note "Title"``, collapsible
  ``??? tip "Title"`` / ``???+``, content tabs ``=== "Tab"``. The quoted title is a segment
  (a ``"`` in its translation is written ``'``, which ends no title); the body, the lines
  indented by four spaces after the opener, is Markdown: the format reads it as such (CommonMark
  would make it an indented code block) and writes translations back with the indentation.

The Markdown format splits a paragraph around these lines (as it does around shortcodes and
lone JSX tags) and offers the runs of text lines between them as paragraphs; a translation
line that would start a fence is escaped (``markdown_escape``). Trailing heading attributes
(``## Install {#install}``, ``{.class}``, ``{: #id}``) are found by :func:`heading_attributes`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MarkupLine", "heading_attributes", "markup_lines"]

_FENCE = re.compile(
    r"[ \t]*:{3,}[ \t]*"
    r"(?:(?P<name>[A-Za-z][\w-]*)"
    r"(?:\[(?P<bracket>(?:\\.|[^\[\]\n\\])*)\]|[ \t]+(?P<title>[^{\s][^{\n]*?))?"
    r"|\{[^{}\n]*\})?"
    r"[ \t]*(?:\{[^{}\n]*\})?[ \t]*"
)
_IAL = re.compile(r"[ \t]*\{:[^{}\n]*\}[ \t]*")
#: GitHub's alert marker, the first line of a block quote (``> [!NOTE]``).
_ALERT = re.compile(r"[ \t]*\[![A-Za-z]+\][ \t]*")
#: Python-Markdown blocks (MkDocs): ``!!! note "Title"``, ``??? tip``, ``???+ tip "Title"``,
#: content tabs ``=== "Tab"``; their body is the indented lines that follow.
_INDENTED_OPENER = re.compile(
    r"[ \t]*(?:(?:!!!|\?\?\?\+?)[ \t]+[A-Za-z][\w-]*(?:[ \t]+[A-Za-z][\w-]*)*"
    r'(?:[ \t]+"(?P<title>[^"\n]*)")?|===[+!]?[ \t]+"(?P<tab>[^"\n]*)")[ \t]*'
)
#: A definition list's definition (kramdown, PHP Markdown Extra, Pandoc, MkDocs ``def_list``):
#: ``: text`` on the line after its term.
_DEFINITION = re.compile(r"[ \t]{0,3}:[ \t]+(?P<text>\S.*?)[ \t]*")
#: An abbreviation definition (kramdown, PHP Markdown Extra, MkDocs ``abbr``):
#: ``*[HTML]: Hyper Text Markup Language``; the key must stay as written.
_ABBREVIATION = re.compile(r"[ \t]{0,3}\*\[[^\]\n]+\]:[ \t]*(?P<text>\S.*?)[ \t]*")
_HEADING_ATTRIBUTES = re.compile(r"(?:[ \t]+\{[#.][^{}\n]*\}|[ \t]*\{:[^{}\n]*\})[ \t]*$")


@dataclass(frozen=True, slots=True)
class MarkupLine:
    """A paragraph line that is markup; ``title`` is the [start, end) of its visible title."""

    index: int
    title: tuple[int, int] | None = None
    #: ``bracket`` when the title is written ``:::tip[Title]``, ``quoted`` for
    #: ``!!! note "Title"``, else ``line``.
    form: str = "line"
    #: A Python-Markdown opener: the indented lines after it are the block's Markdown body.
    indented: bool = False
    #: The kind of the title's segment.
    kind: str = "admonition title"


def markup_lines(text: str, lines: Sequence[tuple[int, int]]) -> list[MarkupLine]:
    """The lines among ``lines`` (``[start, end)`` spans of ``text``) that are markup."""
    found: list[MarkupLine] = []
    for index, (begin, end) in enumerate(lines):
        if _IAL.fullmatch(text, begin, end) or (index == 0 and _ALERT.fullmatch(text, begin, end)):
            found.append(MarkupLine(index))
            continue
        term = _ABBREVIATION.fullmatch(text, begin, end) or (
            _DEFINITION.fullmatch(text, begin, end) if index > 0 else None
        )
        if term is not None:
            kind = "definition" if term.re is _DEFINITION else "abbreviation"
            found.append(MarkupLine(index, (term.start("text"), term.end("text")), kind=kind))
            continue
        m = _FENCE.fullmatch(text, begin, end)
        if m is None:
            opener = _INDENTED_OPENER.fullmatch(text, begin, end) if index == 0 else None
            if opener is not None:
                group = "title" if opener.group("title") is not None else "tab"
                title = (opener.start(group), opener.end(group)) if opener.group(group) else None
                found.append(MarkupLine(index, title if title and title[0] < title[1] else None,
                                        "quoted", indented=True))
            continue
        for group, form in (("bracket", "bracket"), ("title", "line")):
            if m.group(group) and m.group(group).strip():
                found.append(MarkupLine(index, (m.start(group), m.end(group)), form))
                break
        else:
            found.append(MarkupLine(index))
    return found


def heading_attributes(content: str) -> int:
    """Where a heading's trailing attribute list (``{#id}``, ``{.class}``, ``{: #id}``)
    starts in ``content``, or ``len(content)`` when it has none."""
    m = _HEADING_ATTRIBUTES.search(content)
    return m.start() if m and m.start() > 0 else len(content)
