"""Segments and whole articles as a reader sees them, made safe to put in a review page.

Markdown goes through the project's one markdown-it configuration (``formats.markdown
.new_parser``), HTML segments are already markup, plain text is text; everything that comes
out is passed through :func:`transflow.web.sanitize.sanitize`, so catalog text can never run
in the reviewer's browser. Front-matter fields and attribute values (``alt``, ``title``) are
shown as plain text: that is how they reach a reader.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache
from typing import Any

from transflow.web.sanitize import sanitize

_HEADING = re.compile(r"^heading (\d)$")
_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?(---|\+\+\+)[ \t]*\r?\n.*?\r?\n\1[ \t]*(?:\r?\n|\Z)",
                           re.DOTALL)
_BODY = re.compile(r"<body[^>]*>(.*)</body>", re.DOTALL | re.IGNORECASE)


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from transflow.formats.markdown import new_parser

    return new_parser()


def _plain(text: str) -> str:
    return html.escape(text).replace("\n", "<br>")


def segment_html(text: str, kind: str, fmt: str) -> str:
    """One segment's text rendered (inline) and sanitized, as the page shows it."""
    if not text:
        return ""
    first_kind = kind.split(";")[0].strip()
    if first_kind.startswith(("front matter", "attribute")) or fmt == "text":
        return _plain(text)
    if fmt == "markdown":
        return sanitize(_markdown().renderInline(text))
    return sanitize(text)


def block_tag(kind: str) -> str:
    """The element a segment of this kind sits in on the page (``h2`` for ``heading 2``)."""
    m = _HEADING.match(kind.split(";")[-1].strip())
    return f"h{min(int(m.group(1)) + 1, 6)}" if m else "div"


def article_html(text: str, fmt: str) -> str:
    """A whole article (the built translation) rendered and sanitized for the preview."""
    if fmt == "markdown":
        body = _FRONT_MATTER.sub("", text, count=1)
        return sanitize(_markdown().render(body))
    if fmt == "html":
        m = _BODY.search(text)
        return sanitize(m.group(1) if m else text)
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(f"<p>{_plain(p.strip())}</p>" for p in paragraphs)
