"""The HTML format's tokenizer and tree: every token with its exact source offset.

``html.parser.HTMLParser`` tokenizes (no hand-written HTML lexer); each event keeps its character
offset, and the tokens cover the source without gaps. The tree applies the common implicit-close
rules (unclosed ``<p>``, ``<li>``, table rows and cells…), so extraction (``html.py``) and every
format that embeds HTML (Markdown's HTML blocks, MDX) read markup the same way.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from transflow.formats.base import line_starts

__all__ = [
    "BLOCK", "CLOSES_P", "IMPLIED", "KINDS", "META_CONTENT_NAMES", "OPAQUE", "SCOPE",
    "TRANSLATABLE_ATTRIBUTES", "UNTRANSLATED_INLINE", "VOID", "Node", "Token", "attr",
    "build_tree", "fold_whitespace", "has_text", "is_inline", "no_translate", "textless",
    "tokenize",
]  # fmt: skip


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


VOID = _names("area base br col embed hr img input keygen link meta param source track wbr")
BLOCK = _names(
    """address article aside audio blockquote body canvas caption center col colgroup dd
    details dialog dir div dl dt fieldset figcaption figure footer form frameset h1 h2 h3 h4
    h5 h6 head header hgroup hr html iframe legend li link main menu meta nav noscript
    object ol optgroup option p pre script section style summary table tbody td template
    textarea tfoot th thead title tr ul video base"""
)
#: Elements whose content is never extracted (nor their attributes).
OPAQUE = _names("script style pre template textarea iframe object svg math noembed")
#: Inline elements whose text does not count as translatable text of a run.
UNTRANSLATED_INLINE = _names("code kbd samp var svg math script style")
TRANSLATABLE_ATTRIBUTES = ("alt", "title", "aria-label", "placeholder")
META_CONTENT_NAMES = _names("description og:title og:description twitter:title twitter:description")
KINDS = {
    "p": "paragraph",
    "li": "list item",
    "td": "table cell",
    "th": "table cell",
    "dt": "definition term",
    "dd": "definition",
    "caption": "table caption",
    "figcaption": "figure caption",
    "blockquote": "block quote",
    "summary": "summary",
    "title": "title",
    "legend": "legend",
    "option": "option",
    "#root": "text",
}
#: Start tags that close an open ``<p>`` (HTML's "close a p element").
CLOSES_P = _names(
    """address article aside blockquote center details dialog dir div dl dd dt fieldset
    figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li main menu nav ol p
    pre section table ul"""
)
#: Elements that stop the search for an element to close implicitly.
SCOPE = _names("html body table td th caption template object ul ol dl tr tbody thead tfoot select")
IMPLIED = {
    "li": ({"li"}, {"ul", "ol", "menu"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "tr": ({"tr", "td", "th"}, {"table", "tbody", "thead", "tfoot"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "tbody": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
    "thead": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
    "tfoot": ({"tbody", "thead", "tfoot", "tr", "td", "th"}, {"table"}),
    "option": ({"option"}, {"select", "datalist", "optgroup"}),
    "optgroup": ({"optgroup", "option"}, {"select"}),
}

_WS = re.compile(r"[ \t\n\r\f]+")


def fold_whitespace(text: str) -> str:
    """Fold ASCII whitespace runs to one space and trim: re-wrapping the source changes nothing."""
    return _WS.sub(" ", text).strip(" ")


# ---------------------------------------------------------------------------------------------
# Tokens and tree


@dataclass(slots=True)
class Token:
    kind: str  # start, startend, end, text, comment, decl
    start: int
    tag: str = ""
    attrs: list[tuple[str, str | None]] = field(default_factory=list)
    raw_len: int = 0
    end: int = 0


class _Tokenizer(HTMLParser):
    """Records every HTMLParser event with its source offset."""

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=False)
        self._lines = line_starts(source)
        self.tokens: list[Token] = []

    def _at(self) -> int:
        line, col = self.getpos()
        return self._lines[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        self.tokens.append(Token("start", self._at(), tag, attrs, len(raw)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        self.tokens.append(Token("startend", self._at(), tag, attrs, len(raw)))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(Token("end", self._at(), tag))

    def handle_data(self, data: str) -> None:
        self.tokens.append(Token("text", self._at()))

    def handle_entityref(self, name: str) -> None:
        self.tokens.append(Token("text", self._at()))

    def handle_charref(self, name: str) -> None:
        self.tokens.append(Token("text", self._at()))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(Token("comment", self._at()))

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(Token("decl", self._at()))

    def handle_pi(self, data: str) -> None:
        self.tokens.append(Token("decl", self._at()))

    def unknown_decl(self, data: str) -> None:
        self.tokens.append(Token("decl", self._at()))


def tokenize(source: str, begin: int, end: int | None = None) -> list[Token]:
    """Tokens of ``source[begin:end]`` with absolute offsets; each ends where the next starts."""
    stop = len(source) if end is None else end
    tokenizer = _Tokenizer(source[begin:stop])
    tokenizer.feed(source[begin:stop])
    tokenizer.close()
    tokens = sorted(tokenizer.tokens, key=lambda t: t.start)
    for token in tokens:
        token.start += begin
    for i, token in enumerate(tokens):
        token.end = tokens[i + 1].start if i + 1 < len(tokens) else stop
    return tokens


@dataclass(slots=True, eq=False)
class Node:
    tag: str
    attrs: list[tuple[str, str | None]]
    start: int  # start of the start tag (or of the content, for the root)
    tag_len: int  # length of the raw start tag
    children: list[Node | Token] = field(default_factory=list)
    end: int = 0
    _inline: bool | None = None


def build_tree(tokens: Sequence[Token], begin: int, length: int) -> Node:
    """The element tree of ``tokens`` (as :func:`tokenize` gives them: in order, each ending
    where the next starts), with implied end tags closed as HTML closes them.

    A node ends where the last token while it was open ends, or where what closed it says.
    Why that is set when the node is closed, not after every token: ends only grow, so the
    last token's end is the largest, and updating every open node at every token was a
    sixth of extracting a large HTML table.
    """
    root = Node("#root", [], begin, 0)
    stack = [root]
    last = begin  # where the last token handled ends

    def close_to(index: int, at: int) -> None:
        for node in stack[index:]:
            node.end = max(node.end, last, at)
        del stack[index:]

    def find(names: set[str] | frozenset[str], stop: set[str] | frozenset[str]) -> int:
        for index in range(len(stack) - 1, 0, -1):
            tag = stack[index].tag
            if tag in names:
                return index
            if tag in stop or tag in SCOPE:
                return -1
        return -1

    for token in tokens:
        if token.kind in ("start", "startend"):
            tag = token.tag
            if tag in CLOSES_P:
                index = find({"p"}, set())
                if index > 0:
                    close_to(index, token.start)
            if tag in IMPLIED:
                names, stop = IMPLIED[tag]
                index = find(names, stop)
                if index > 0:
                    close_to(index, token.start)
            node = Node(tag, token.attrs, token.start, token.raw_len, end=token.end)
            stack[-1].children.append(node)
            if token.kind == "start" and tag not in VOID:
                stack.append(node)
        elif token.kind == "end":
            for index in range(len(stack) - 1, 0, -1):
                if stack[index].tag == token.tag:
                    close_to(index, token.end)
                    break
            # a stray end tag stays with its parent as markup
            else:
                stack[-1].children.append(token)
        else:
            stack[-1].children.append(token)
        last = token.end
    close_to(0, length)
    return root


def attr(node: Node, name: str) -> str | None:
    for key, value in node.attrs:
        if key == name:
            return value if value is not None else ""
    return None


def no_translate(node: Node) -> bool:
    if (attr(node, "translate") or "").strip().lower() == "no":
        return True
    return "notranslate" in (attr(node, "class") or "").split()


def is_inline(node: Node) -> bool:
    if node._inline is None:
        node._inline = node.tag not in BLOCK and (
            node.tag in ("svg", "math")
            or all(not isinstance(child, Node) or is_inline(child) for child in node.children)
        )
    return node._inline


def has_text(item: Node | Token, source: str) -> bool:
    if isinstance(item, Token):
        return item.kind == "text" and bool(html.unescape(source[item.start : item.end]).strip())
    if item.tag in UNTRANSLATED_INLINE or no_translate(item):
        return False
    return any(has_text(child, source) for child in item.children)


def textless(item: Node | Token, source: str) -> bool:
    """An edge item a run is trimmed of: whitespace, comments, and elements without any text
    (``<img>``, ``<br>``, an icon ``<svg>``), whose attributes are then extracted on their own."""
    if isinstance(item, Token):
        if item.kind in ("comment", "decl", "end"):  # a stray end tag is markup
            return True
        return item.kind == "text" and not source[item.start : item.end].strip(" \t\n\r\f")
    if item.tag in ("svg", "math"):
        return True
    return all(textless(child, source) for child in item.children)
