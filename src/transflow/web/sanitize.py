"""An allow-list HTML sanitizer for what the review pages show as rendered text.

Catalogs and articles are untrusted input: a ``msgstr`` of ``<img src=x onerror=alert(1)>``
must show as something harmless and run nothing. Rendered Markdown and HTML segments are
therefore re-serialized from a parse (``html.parser``), never passed through:

* only the tags in ``ALLOWED`` survive, with only the attributes listed for them; every
  other tag is dropped (its text kept, escaped), and the contents of ``DROPPED`` tags
  (``script``, ``style``, ``iframe``, …) go entirely;
* a link keeps its ``href`` only for ``http``, ``https``, ``mailto``, fragments and relative
  paths: ``javascript:``/``data:`` targets (also spelled with entities or control
  characters) are removed;
* images become a visible placeholder with their alt text (the review pages load nothing
  from elsewhere), so the page never fetches an address taken from a catalog;
* every text and attribute value is escaped on the way out.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

#: Tag -> the attributes it may keep.
ALLOWED: dict[str, frozenset[str]] = {
    **{tag: frozenset() for tag in (
        "p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "li", "em", "strong", "b", "i",
        "u", "code", "pre", "blockquote", "sup", "sub", "br", "hr", "table", "thead", "tbody",
        "tfoot", "tr", "caption", "figure", "figcaption", "dl", "dt", "dd", "span", "div",
        "del", "s", "ins", "small", "mark", "cite", "q", "kbd", "section", "article",
        "header", "footer", "aside", "details", "summary", "abbr",
    )},
    "a": frozenset({"href", "title"}),
    "th": frozenset({"colspan", "rowspan"}),
    "td": frozenset({"colspan", "rowspan"}),
    "ol": frozenset({"start"}),
}

#: Tags whose whole content is dropped (code or foreign content, never reader text here).
DROPPED = frozenset({
    "script", "style", "template", "iframe", "object", "embed", "svg", "math", "noscript",
    "title", "head", "textarea", "select", "button", "form", "frame", "frameset", "video",
    "audio", "canvas", "applet", "base", "link", "meta",
})

VOID = frozenset({"br", "hr", "img", "wbr", "input", "area", "col", "source", "track"})

_SAFE_SCHEME = re.compile(r"^(?:https?|mailto):", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def safe_href(value: str) -> str | None:
    """The link target when it is harmless to follow, else None."""
    compact = _CONTROL.sub("", html.unescape(value))
    if _SCHEME.match(compact) and not _SAFE_SCHEME.match(compact):
        return None
    return value.strip()


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, closed=True)

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], *, closed: bool) -> None:
        if tag in DROPPED:
            if not closed and tag not in VOID:
                self.dropping += 1
            return
        if self.dropping:
            return
        if tag == "img":
            alt = next((v for k, v in attrs if k == "alt" and v), "")
            self.out.append(
                f'<span class="img-ph" title="image">[image{": " if alt else ""}'
                f"{html.escape(alt)}]</span>"
            )
            return
        allowed = ALLOWED.get(tag)
        if allowed is None:
            return
        kept: list[str] = []
        for name, value in attrs:
            if name not in allowed or value is None:
                continue
            if name == "href":
                href = safe_href(value)
                if href is None:
                    continue
                value = href
            kept.append(f' {name}="{html.escape(value, quote=True)}"')
        if tag == "a":
            kept.append(' rel="noopener noreferrer nofollow"')
        self.out.append(f"<{tag}{''.join(kept)}>")
        if tag not in VOID and not closed:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED:
            if self.dropping:
                self.dropping -= 1
            return
        if self.dropping or tag not in self.open:
            return
        while self.open:
            top = self.open.pop()
            self.out.append(f"</{top}>")
            if top == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.out.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.out) + "".join(f"</{t}>" for t in reversed(self.open))


def sanitize(markup: str) -> str:
    """``markup`` with everything outside the allow-list removed (see the module docstring)."""
    parser = _Sanitizer()
    parser.feed(markup)
    return parser.result()
