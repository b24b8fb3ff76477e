"""The HTML inline scanner of ``mt.placeholders``, and the span type both scanners produce.

An HTML segment's markup is its tags, comments and entities (``HTML_PIECE_RE``); the same
merging (``merge_html_atoms``) also serves raw inline HTML inside Markdown, which is why the
Markdown scanner builds on this module and not the other way round.

Invariants: a ``Span`` covers source characters only (``[start, end)``, plus a pair's
closing delimiter ``[close_start, close_end)``), never text of its own; whole elements
(``<sup>1</sup>``, ``<code>…</code>``) become one atom, pairable elements (``<a>``, ``<em>``,
``<b>``…) become one pair only when their closing tag is found at the same nesting depth,
and anything else stays an atom, so ``protect`` can always restore the source verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(slots=True)
class Span:
    """A markup span of the source: atomic ``[start, end)`` or a pair's two delimiters."""

    start: int
    end: int
    role: str
    tag: str = "x"
    close_start: int = -1  # pairs only: the closing delimiter [close_start, close_end)
    close_end: int = -1


_WHOLE_ELEMENTS = ("sup", "sub", "code", "kbd", "samp", "var", "script", "style", "math")
_PAIRABLE_HTML = {
    "a": "a",
    "em": "em",
    "i": "em",
    "strong": "strong",
    "b": "strong",
    "s": "del",
    "del": "del",
    "strike": "del",
}
_HTML_TAG_NAME = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")


def merge_html_atoms(text: str, spans: list[Span]) -> list[Span]:
    """Turn ``<sup>1</sup>`` into one atom and ``<a href>…</a>`` into a pair."""
    spans.sort(key=lambda sp: sp.start)
    result: list[Span] = []
    consumed: set[int] = set()
    skip_until = -1
    for i, sp in enumerate(spans):
        if i in consumed or sp.start < skip_until:
            continue
        m = _HTML_TAG_NAME.match(text, sp.start) if sp.role == "html" else None
        if m and not m.group(1) and not text[sp.start : sp.end - 1].endswith("/"):
            name = m.group(2).lower()
            j = _matching_close(text, spans, i, name)
            if j is not None and name in _WHOLE_ELEMENTS:
                result.append(Span(sp.start, spans[j].end, "html"))
                skip_until = spans[j].end
                continue
            if j is not None and name in _PAIRABLE_HTML:
                close = spans[j]
                result.append(
                    Span(sp.start, sp.end, "html-" + name, _PAIRABLE_HTML[name],
                         close.start, close.end)
                )
                consumed.add(j)
                continue
        result.append(sp)
    return result


def _matching_close(text: str, spans: list[Span], i: int, name: str) -> int | None:
    depth = 0
    for j in range(i + 1, len(spans)):
        if spans[j].role != "html":
            continue
        m = _HTML_TAG_NAME.match(text, spans[j].start)
        if not m or m.group(2).lower() != name:
            continue
        if not m.group(1):
            depth += 1
        elif depth:
            depth -= 1
        else:
            return j
    return None


HTML_PIECE_RE = re.compile(
    r"<!--.*?-->|<[A-Za-z/!][^<>]*>|&(?:#\d+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);", re.S
)


def html_spans(text: str) -> list[Span]:
    raw = [Span(m.start(), m.end(), "html") for m in HTML_PIECE_RE.finditer(text)]
    for sp in raw:
        if text.startswith("&", sp.start):
            sp.role = "entity"
    return merge_html_atoms(text, raw)

