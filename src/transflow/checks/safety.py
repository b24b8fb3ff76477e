"""Markup safety of HTML translations: what a translation may not add to its source.

A content translation is spliced into the article as HTML, as written (see
:mod:`transflow.formats.html`), so whatever markup it carries is published. The one check that
stands between a translator (or a machine translation) and the page is
:func:`disallowed_markup`, which compares the translation's tags with its source's and refuses:

* tags (start or end) the source does not have, or more of them than it has; dangerous tags
  (``script``, ``iframe``, ``object``, ``embed``, ``style``, ``svg``…) are named as forbidden;
* attributes the source did not have that run code or restyle the page: event handlers
  (``on*=``), ``javascript:``/``vbscript:``/``data:`` URLs in URL attributes (entities decoded,
  and control characters dropped as browsers do), ``style=`` and ``srcdoc=``;
* comments and declarations, which can hide or swallow content;
* an unterminated tag or comment (a ``<`` never closed), which would eat the markup after it.

Markup copied from the source (same tag, same attribute and value) is always allowed, so a
translation may keep the source's links and emphasis. Tags are compared as ``html.parser``
reads them (names lower-cased, entities in attribute values decoded), never as raw text.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

__all__ = [
    "DANGEROUS_TAGS",
    "URL_ATTRIBUTES",
    "Signature",
    "disallowed_markup",
    "markup_signature",
]


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


Signature = list[tuple[str, tuple[tuple[str, str | None], ...]]]


class _Signer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: Signature = []
        self.comments = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append((tag, tuple(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append((tag, tuple(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("/" + tag, ()))

    def handle_comment(self, data: str) -> None:
        self.comments += 1

    def handle_decl(self, decl: str) -> None:
        self.comments += 1

    def handle_pi(self, data: str) -> None:
        self.comments += 1

    def unknown_decl(self, data: str) -> None:
        self.comments += 1


_OPENER = re.compile(r"<[A-Za-z/!?]")


def _sign(text: str) -> _Signer:
    signer = _Signer()
    signer.feed(text)
    signer.close()
    return signer


def _unparsed_openers(text: str, signer: _Signer) -> int:
    """``<x`` openers html.parser did not turn into a tag: an unterminated tag, typically."""
    return len(_OPENER.findall(text)) - len(signer.events) - signer.comments


def markup_signature(text: str) -> Signature:
    """The start and end tags of ``text`` in order, with their attributes (values decoded).

    Start tags are named ``tag``, end tags ``/tag``; a self-closing tag is a start tag.
    """
    return _sign(text).events


DANGEROUS_TAGS = _names(
    """script iframe frame frameset object embed applet style link meta base form template svg
    math noscript"""
)
URL_ATTRIBUTES = _names(
    """href src action formaction xlink:href data srcset poster background cite lowsrc dynsrc
    codebase longdesc ping manifest"""
)
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")
_BAD_SCHEME = re.compile(r"^(javascript|vbscript|data|livescript|mocha):", re.I)


def _bad_url(value: str) -> bool:
    # html.parser already decoded entities (``javascript&colon;``); browsers drop tabs,
    # newlines and control characters anywhere in a URL, and leading spaces.
    return any(_BAD_SCHEME.match(_URL_JUNK.sub("", part)) for part in value.split(","))


def disallowed_markup(source: str, translation: str) -> list[str]:
    """Problems that make a translation unsafe to publish: markup it adds to its source.

    Refused: tags (start or end) not in the source, or more of them; event-handler
    attributes and ``javascript:``/``data:`` URLs the source did not have; dangerous tags
    (``script``, ``iframe``, ``object``, ``embed``, ``style``…); ``style``/``srcdoc``
    attributes; comments; and unterminated tags that would swallow the markup after them.
    """
    if "<" not in translation and "<" not in source:
        return []  # no tag, comment or opener on either side: nothing to compare
    src, trans = _sign(source), _sign(translation)
    problems: list[str] = []
    src_tags = Counter(tag for tag, _ in src.events)
    trans_tags = Counter(tag for tag, _ in trans.events)
    for tag, count in trans_tags.items():
        name = tag.lstrip("/")
        if count > src_tags.get(tag, 0):
            what = f"</{name}>" if tag.startswith("/") else f"<{name}>"
            if name in DANGEROUS_TAGS and not tag.startswith("/"):
                problems.append(f"adds forbidden tag {what}")
            else:
                problems.append(f"adds tag {what} not in the source")
    src_attrs = {(tag, attr) for tag, attrs in src.events for attr in attrs}
    for tag, attrs in trans.events:
        for name, value in attrs:
            if (tag, (name, value)) in src_attrs:
                continue
            if name.startswith("on"):
                problems.append(f"adds event-handler attribute {name}= on <{tag}>")
            elif name in URL_ATTRIBUTES and value is not None and _bad_url(value):
                problems.append(f"adds a script or data URL in {name}= on <{tag}>")
            elif name in ("style", "srcdoc"):
                problems.append(f"adds a {name}= attribute on <{tag}>")
    if trans.comments > src.comments:
        problems.append("adds a comment or declaration (<!-- … -->)")
    if _unparsed_openers(translation, trans) > _unparsed_openers(source, src):
        problems.append("has an unterminated tag or comment (a '<' never closed)")
    return problems
