"""HTML articles (whole documents and body fragments): extraction and reassembly in one place.

Extraction principles:

* The source is tokenized with the standard library's ``html.parser.HTMLParser``; every token
  keeps its character offset (from ``getpos()`` and a line-offset table), and the tokens cover
  the source without gaps, so spans are exact slices of the source.
* A small tree is built with the common implicit-close rules (unclosed ``<p>``, ``<li>``,
  ``<dt>``/``<dd>``, table rows and cells, ``<option>``); stray end tags are ignored. Tag names
  are case-insensitive; void elements (``<br>``, ``<img>``…) never take children.
* An element is *inline* when its tag is a phrasing tag (``a``, ``em``, ``strong``, ``sup``,
  ``br``, ``img``, ``code``, ``span``…) or unknown, and everything inside it is inline too.
  In every other element (a *container*: ``p``, ``h1``–``h6``, ``li``, ``td``, ``div``,
  ``blockquote``, ``body``, the fragment root…) consecutive inline children and text form a
  *run*; a run is one segment, named after its container (``paragraph``, ``heading 2``,
  ``list item``, ``table cell``, ``title``, ``text in div``). So an ``<li>`` holding a nested
  ``<ul>`` gives the text before the nested list as one ``list item`` segment (and the text
  after it, if any, as another), and loose text in a ``<div>`` between blocks is a segment.
* A run is a segment only if it has translatable text: text outside ``code``/``kbd``/
  ``samp``/``var``, ``svg``/``math`` and ``translate="no"``/``class="notranslate"``
  elements. Its span is trimmed of whitespace and comments at both ends; the msgid is that span
  as written (inline tags, entities and comments inside kept) with whitespace runs folded to
  one space.
* Never segments: ``script``, ``style``, ``pre``, ``template``, ``textarea``, ``iframe``,
  ``object``, ``svg``, ``math``, and anything under ``translate="no"`` or ``class="notranslate"``;
  comments and declarations; whitespace- or markup-only runs.
* Attribute segments: ``alt``, ``title``, ``aria-label``, ``placeholder`` on any element outside
  a content segment (inside one they are part of the msgid), and ``content`` of
  ``<meta name="description">`` (and ``og:``/``twitter:`` title and description). The msgid is
  the value with entities decoded and whitespace folded; kind ``attribute alt of img``.
* A leading byte-order mark is never part of a segment.
* A leading YAML (``---``) or TOML (``+++``) front matter block is read with the Markdown
  format's ``frontmatter`` module: its scalars are metadata, the fields named in
  ``front_matter_fields`` become ``front matter: <key>`` segments, the rest is left alone.

Reassembly splices each translation into the segment's ``[start, end)`` span (a tag copied
from the msgid gets the source's own bytes back, whitespace inside it unfolded); a translation
equal to the msgid (or ``None``) keeps the original bytes, so identity is byte-exact.
Attribute translations are re-escaped for the original quote character (and ``&``, ``<``,
``>`` always, so XHTML stays well-formed); an unquoted value that needs quotes gets double
quotes. Content translations are spliced as written: judging the markup a translation adds
is :mod:`transflow.checks.safety`'s job (``disallowed_markup``).
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from transflow.formats import frontmatter
from transflow.formats.base import Document, Markup, Segment, Translate, splice

__all__ = [
    "FORMAT",
    "HtmlFormat",
    "Region",
    "escape_attribute",
    "extract",
    "fold_whitespace",
    "parse",
    "render",
    "restore_tags",
]


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
# The tolerant attribute syntax of html.parser, over one raw start tag.
_ATTR = re.compile(
    r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?(?:\s|/(?!>))*"
)
_TAG_NAME = re.compile(r"<[a-zA-Z][^\t\n\r\f />\x00]*(?:[\s/]*)")


def fold_whitespace(text: str) -> str:
    """Fold ASCII whitespace runs to one space and trim: re-wrapping the source changes nothing."""
    return _WS.sub(" ", text).strip(" ")


# ---------------------------------------------------------------------------------------------
# Tokens and tree


@dataclass(slots=True)
class _Token:
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
        self._lines = [0] + [m.end() for m in re.finditer("\n", source)]
        self.tokens: list[_Token] = []

    def _at(self) -> int:
        line, col = self.getpos()
        return self._lines[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        self.tokens.append(_Token("start", self._at(), tag, attrs, len(raw)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        self.tokens.append(_Token("startend", self._at(), tag, attrs, len(raw)))

    def handle_endtag(self, tag: str) -> None:
        self.tokens.append(_Token("end", self._at(), tag))

    def handle_data(self, data: str) -> None:
        self.tokens.append(_Token("text", self._at()))

    def handle_entityref(self, name: str) -> None:
        self.tokens.append(_Token("text", self._at()))

    def handle_charref(self, name: str) -> None:
        self.tokens.append(_Token("text", self._at()))

    def handle_comment(self, data: str) -> None:
        self.tokens.append(_Token("comment", self._at()))

    def handle_decl(self, decl: str) -> None:
        self.tokens.append(_Token("decl", self._at()))

    def handle_pi(self, data: str) -> None:
        self.tokens.append(_Token("decl", self._at()))

    def unknown_decl(self, data: str) -> None:
        self.tokens.append(_Token("decl", self._at()))


def _tokenize(source: str, begin: int, end: int | None = None) -> list[_Token]:
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
class _Node:
    tag: str
    attrs: list[tuple[str, str | None]]
    start: int  # start of the start tag (or of the content, for the root)
    tag_len: int  # length of the raw start tag
    children: list[_Node | _Token] = field(default_factory=list)
    end: int = 0
    _inline: bool | None = None


def _build(tokens: Sequence[_Token], begin: int, length: int) -> _Node:
    root = _Node("#root", [], begin, 0)
    stack = [root]

    def close_to(index: int, at: int) -> None:
        for node in stack[index:]:
            node.end = max(node.end, at)
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
            node = _Node(tag, token.attrs, token.start, token.raw_len, end=token.end)
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
        for node in stack:
            node.end = max(node.end, token.end)
    close_to(0, length)
    return root


def _attr(node: _Node, name: str) -> str | None:
    for key, value in node.attrs:
        if key == name:
            return value if value is not None else ""
    return None


def _no_translate(node: _Node) -> bool:
    if (_attr(node, "translate") or "").strip().lower() == "no":
        return True
    return "notranslate" in (_attr(node, "class") or "").split()


def _is_inline(node: _Node) -> bool:
    if node._inline is None:
        node._inline = node.tag not in BLOCK and (
            node.tag in ("svg", "math")
            or all(not isinstance(child, _Node) or _is_inline(child) for child in node.children)
        )
    return node._inline


def _has_text(item: _Node | _Token, source: str) -> bool:
    if isinstance(item, _Token):
        return item.kind == "text" and bool(html.unescape(source[item.start : item.end]).strip())
    if item.tag in UNTRANSLATED_INLINE or _no_translate(item):
        return False
    return any(_has_text(child, source) for child in item.children)


def _textless(item: _Node | _Token, source: str) -> bool:
    """An edge item a run is trimmed of: whitespace, comments, and elements without any text
    (``<img>``, ``<br>``, an icon ``<svg>``), whose attributes are then extracted on their own."""
    if isinstance(item, _Token):
        if item.kind in ("comment", "decl", "end"):  # a stray end tag is markup
            return True
        return item.kind == "text" and not source[item.start : item.end].strip(" \t\n\r\f")
    if item.tag in ("svg", "math"):
        return True
    return all(_textless(child, source) for child in item.children)


# ---------------------------------------------------------------------------------------------
# Extraction


class _Extractor:
    def __init__(self, source: str) -> None:
        self.source = source
        self.lines = [0] + [m.end() for m in re.finditer("\n", source)]
        self.segments: list[Segment] = []
        self.quotes: dict[int, str] = {}
        self.metadata: dict[str, str] = {}
        self.warnings: list[str] = []
        #: Asked for the ``lang`` "front-matter field": ``<html lang>`` is then a segment of
        #: kind ``front matter: lang``, so a build can write the target language there.
        self.lang_field = False
        #: Starts of content segments whose text is Markdown to the page generator: the
        #: content of a ``markdown="1"`` element (kramdown, Jekyll).
        self.markdown_runs: set[int] = set()
        #: The attributes whose values are segments (an MDX workspace configures its props).
        self.attribute_names: tuple[str, ...] = TRANSLATABLE_ATTRIBUTES
        #: JSX: elements named with a capital (``<Quote>``) are components, never inline,
        #: and kinds keep their names as written.
        self.components = False

    def name(self, node: _Node) -> str:
        """The element's name for a kind: as written for a JSX component, else lower case."""
        if self.components:
            raw = _TAG_NAME.match(self.source, node.start)
            if raw and raw.group().lstrip("<").rstrip()[:1].isupper():
                return raw.group()[1:].rstrip(" \t\n\r\f/")
        return node.tag

    def line(self, offset: int) -> int:
        return bisect.bisect_right(self.lines, offset)

    def add(self, start: int, end: int, text: str, kind: str) -> None:
        if text:
            self.segments.append(Segment(text, kind, self.line(start), start, end))

    def container(self, node: _Node) -> None:
        run: list[_Node | _Token] = []
        for child in node.children:
            if isinstance(child, _Token) or (_is_inline(child) and child.tag not in OPAQUE):
                run.append(child)
                continue
            self.run(node, run)
            run = []
            self.block(child)
        self.run(node, run)

    def block(self, node: _Node) -> None:
        if node.tag in OPAQUE or _no_translate(node):
            return
        self.attributes(node)
        self.container(node)

    def run(self, parent: _Node, run: list[_Node | _Token]) -> None:
        if not any(_has_text(item, self.source) for item in run):
            for item in run:
                if isinstance(item, _Node):
                    self.inline_attributes(item)
            return
        first, last = 0, len(run) - 1
        while _textless(run[first], self.source):
            first += 1
        while _textless(run[last], self.source):
            last -= 1
        for item in run[:first] + run[last + 1 :]:
            if isinstance(item, _Node):
                self.inline_attributes(item)
        start, end = run[first].start, run[last].end
        while self.source[start] in " \t\n\r\f":
            start += 1
        while self.source[end - 1] in " \t\n\r\f":
            end -= 1
        kind = KINDS.get(parent.tag)
        if kind is None:
            is_heading = re.fullmatch(r"h[1-6]", parent.tag)
            kind = f"heading {parent.tag[1]}" if is_heading else f"text in {self.name(parent)}"
        self.add(start, end, fold_whitespace(self.source[start:end]), kind)
        if (_attr(parent, "markdown") or "").lower() in _MARKDOWN_ON:
            self.markdown_runs.add(start)

    def inline_attributes(self, node: _Node) -> None:
        if node.tag in OPAQUE or _no_translate(node):
            return
        self.attributes(node)
        for child in node.children:
            if isinstance(child, _Node):
                self.inline_attributes(child)

    def attributes(self, node: _Node) -> None:
        if node.tag == "#root":
            return
        if node.tag == "html" and _attr(node, "lang"):
            self.metadata.setdefault("lang", (_attr(node, "lang") or "").strip())
        names = [name.lower() for name in self.attribute_names]
        if node.tag == "html" and self.lang_field:
            names.append("lang")
        meta_name = (_attr(node, "name") or _attr(node, "property") or "").strip().lower()
        if node.tag == "meta" and meta_name in META_CONTENT_NAMES:
            names.append("content")
            if meta_name == "description":
                self.metadata.setdefault("description", _attr(node, "content") or "")
        raw_tag = self.source[node.start : node.start + node.tag_len]
        match = _TAG_NAME.match(raw_tag)
        pos = match.end() if match else 0
        for m in _ATTR.finditer(raw_tag, pos):
            name = m.group(1).lower()
            if name not in names or m.group(3) is None:
                continue
            raw = m.group(3)
            quote = raw[0] if raw[:1] in ("'", '"') else ""
            value_start = node.start + m.start(3) + len(quote)
            value_end = node.start + m.end(3) - len(quote)
            text = fold_whitespace(html.unescape(self.source[value_start:value_end]))
            kind = (
                "front matter: lang"
                if name == "lang"
                else f"attribute {m.group(1) if self.components else name} of {self.name(node)}"
            )
            if text:
                self.quotes[value_start] = quote
                self.add(value_start, value_end, text, kind)
            names.remove(name)  # the first occurrence wins, as in browsers


def _front_matter(source: str, fields: Sequence[str], ex: _Extractor) -> int:
    """Read a leading YAML/TOML block (shared with Markdown); return where the HTML begins.

    A byte-order mark is skipped, so it stays outside every segment and survives rendering.
    """
    base = 1 if source.startswith("\ufeff") else 0
    block = frontmatter.read(source, base, fields)
    if block is None:
        return base
    ex.metadata.update(block.metadata)
    ex.warnings += block.warnings
    for span in block.fields:
        ex.quotes[span.start] = f"{block.syntax}:{span.style}"
        ex.add(span.start, span.end, fold_whitespace(span.text), f"front matter: {span.key}")
    return block.body_start


_MARKDOWN_ON = ("1", "block", "span")


@dataclass(frozen=True, slots=True)
class Region:
    """The segments of one stretch of HTML inside another format (a Markdown HTML block)."""

    segments: list[Segment]
    #: Attribute segment start -> the quote character its value is written with.
    quotes: dict[int, str]
    #: Starts of content segments whose text the page generator reads as Markdown.
    markdown: frozenset[int]


def extract(
    source: str,
    begin: int,
    end: int,
    *,
    attributes: Sequence[str] = TRANSLATABLE_ATTRIBUTES,
    components: bool = False,
) -> Region:
    """Segment ``source[begin:end]`` by this format's rules (offsets are into ``source``).

    Other formats call this for the HTML they embed, so an HTML block in a Markdown article
    offers exactly what the same markup in an ``.html`` article would, and nothing more.
    MDX passes its configured props as ``attributes`` and ``components=True`` (JSX).
    """
    ex = _Extractor(source)
    ex.attribute_names = tuple(attributes)
    ex.components = components
    root = _build(_tokenize(source, begin, end), begin, end)
    if components:
        _mark_components(root, source)
    ex.container(root)
    segments = sorted(ex.segments, key=lambda s: s.start)
    return Region(segments, ex.quotes, frozenset(ex.markdown_runs))


def _mark_components(node: _Node, source: str) -> None:
    """A JSX component (``<Quote>``, capitalised) holds blocks, so it is never inline."""
    for child in node.children:
        if isinstance(child, _Node):
            if source[child.start + 1 : child.start + 2].isupper():
                child._inline = False
            _mark_components(child, source)


def escape_attribute(text: str, quote: str) -> str:
    """``text`` written as an attribute value in ``quote`` (``"``, ``'`` or none)."""
    return _escape_attribute(text, quote, text)


def restore_tags(span: str, translation: str) -> str:
    """``translation`` with every tag copied from the msgid of ``span`` given its own bytes."""
    return _restore_tags(span, translation)


def parse(source: str, *, front_matter_fields: Sequence[str] = ()) -> Document:
    """Split an HTML document or fragment into segments (see the module docstring)."""
    ex = _Extractor(source)
    ex.lang_field = "lang" in front_matter_fields
    begin = _front_matter(source, front_matter_fields, ex)
    tokens = _tokenize(source, begin)
    root = _build(tokens, begin, len(source))
    ex.container(root)
    segments = sorted(ex.segments, key=lambda s: s.start)
    return Document(
        source=source,
        segments=segments,
        metadata=ex.metadata,
        extra={"attribute_quotes": ex.quotes},
        warnings=ex.warnings,
    )


# ---------------------------------------------------------------------------------------------
# Reassembly


def _escape_attribute(text: str, quote: str, original: str) -> str:
    if quote.startswith("yaml:"):
        return frontmatter.quote_yaml(text, quote[5:], original)
    if quote.startswith("toml:"):
        return frontmatter.quote_toml(text, quote[5:])
    # Every ``&``, ``<`` and ``>`` is escaped, not only the ambiguous ones: a bare ``& `` or
    # ``<`` is tolerated by HTML but is a well-formedness error in an XHTML article.
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if not quote and (not text or re.search(r"[\s\"'=`]", text)):
        quote = '"'
        return '"' + text.replace('"', "&quot;") + '"'
    if quote == '"':
        return text.replace('"', "&quot;")
    if quote == "'":
        return text.replace("'", "&#39;")
    return text


_RAW_TAG = re.compile(r"</?[A-Za-z][^<>]*>")


def _restore_tags(span: str, translation: str) -> str:
    """Put back the source's own bytes for every tag the translation copied from the msgid.

    The msgid folds whitespace inside tags too, so a tag whose attribute value holds a line
    break (``title="a\nb"``) would otherwise come back with a changed value.
    """
    folded: dict[str, str] = {}
    for m in _RAW_TAG.finditer(span):
        tag = m.group(0)
        if fold_whitespace(tag) != tag:
            folded.setdefault(fold_whitespace(tag), tag)
    if not folded:
        return translation
    return _RAW_TAG.sub(lambda m: folded.get(m.group(0), m.group(0)), translation)


def render(doc: Document, translate: Translate, *, keep_identical: bool = True) -> str:
    """Splice translations into the source.

    ``keep_identical=False`` forces the replace path even when a translation equals its msgid
    (conformance tests use it to show what the splice itself does to the bytes).
    """
    quotes = doc.extra.get("attribute_quotes", {})
    assert isinstance(quotes, dict)

    def encode(segment: Segment, translation: str) -> str:
        if segment.start in quotes:
            return _escape_attribute(translation, str(quotes[segment.start]), segment.text)
        return _restore_tags(doc.source[segment.start : segment.end], translation)

    return splice(doc, translate, encode, force=not keep_identical)


class HtmlFormat:
    """The ``Format`` for ``.html``/``.htm`` articles."""

    name = "html"
    extensions = (".html", ".htm")

    def parse(
        self, source: str, *, front_matter_fields: Sequence[str] = (), markup: Markup | None = None
    ) -> Document:
        return parse(source, front_matter_fields=front_matter_fields)

    def render(self, doc: Document, translate: Translate) -> str:
        return render(doc, translate)


FORMAT = HtmlFormat()
