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
* Never segments: ``script``, ``style``, ``pre``, ``template``, ``textarea``, ``iframe``
  content (its ``title``, the frame's accessible name, is an attribute segment),
  ``object``, ``svg``, ``math``, and anything under ``translate="no"`` or ``class="notranslate"``;
  comments and declarations; whitespace- or markup-only runs.
* Attribute segments: ``alt``, ``title``, ``aria-label``, ``placeholder`` on any element, and
  ``content`` of ``<meta name="description">`` (and ``og:``/``twitter:`` title and
  description). The msgid is the value with entities decoded and whitespace folded; kind
  ``attribute alt of img``.
  Inside a content segment the tag stays part of the msgid as written, and its values are
  *inner* segments (``Segment.anchor`` is the raw start tag; kind ``attribute title of abbr
  in paragraph``): ``base.splice`` writes their translations into the tag wherever the
  enclosing translation still carries it unchanged.
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
from dataclasses import dataclass
from functools import lru_cache

import transflow.formats.frontmatter_flat  # noqa: F401 (parsing reads front matter)
from transflow.formats import frontmatter
from transflow.formats.base import Document, Markup, Segment, Translate, line_starts, splice
from transflow.formats.html_tree import (
    KINDS,
    META_CONTENT_NAMES,
    OPAQUE,
    TRANSLATABLE_ATTRIBUTES,
    Node,
    Token,
    attr,
    build_tree,
    fold_whitespace,
    has_text,
    is_inline,
    no_translate,
    textless,
    tokenize,
)

__all__ = [
    "FORMAT",
    "TRANSLATABLE_ATTRIBUTES",
    "HtmlFormat",
    "Region",
    "escape_attribute",
    "extract",
    "fold_whitespace",
    "inline_attributes",
    "parse",
    "render",
    "restore_tags",
]

# The tolerant attribute syntax of html.parser, over one raw start tag.
_ATTR = re.compile(
    r"((?<=['\"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|\"[^\"]*\"|(?!['\"])[^>\s]*))?(?:\s|/(?!>))*"
)
_TAG_NAME = re.compile(r"<[a-zA-Z][^\t\n\r\f />\x00]*(?:[\s/]*)")


# ---------------------------------------------------------------------------------------------
# Extraction


#: ``line_starts`` of the last few sources, made once per source (cached by the text). Why: a
#: Markdown article's every HTML block is extracted with the whole article as its source
#: (offsets stay the article's), and making the table for each block read the whole article
#: again per block: on an article with many HTML blocks, 7% of ``sync``.
_line_starts = lru_cache(maxsize=4)(line_starts)


class _Extractor:
    def __init__(self, source: str) -> None:
        self.source = source
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

    def name(self, node: Node) -> str:
        """The element's name for a kind: as written for a JSX component, else lower case."""
        if self.components:
            raw = _TAG_NAME.match(self.source, node.start)
            if raw and raw.group().lstrip("<").rstrip()[:1].isupper():
                return raw.group()[1:].rstrip(" \t\n\r\f/")
        return node.tag

    def line(self, offset: int) -> int:
        return bisect.bisect_right(_line_starts(self.source), offset)

    def add(
        self, start: int, end: int, text: str, kind: str, anchor: tuple[int, int] | None = None
    ) -> None:
        if text:
            self.segments.append(Segment(text, kind, self.line(start), start, end, anchor))

    def container(self, node: Node) -> None:
        run: list[Node | Token] = []
        for child in node.children:
            if isinstance(child, Token) or (is_inline(child) and child.tag not in OPAQUE):
                run.append(child)
                continue
            self.run(node, run)
            run = []
            self.block(child)
        self.run(node, run)

    def block(self, node: Node) -> None:
        if node.tag in OPAQUE or no_translate(node):
            self.opaque_attributes(node)
            return
        self.attributes(node)
        self.container(node)

    def run(self, parent: Node, run: list[Node | Token]) -> None:
        if not any(has_text(item, self.source) for item in run):
            for item in run:
                if isinstance(item, Node):
                    self.inline_attributes(item)
            return
        first, last = 0, len(run) - 1
        while textless(run[first], self.source):
            first += 1
        while textless(run[last], self.source):
            last -= 1
        for item in run[:first] + run[last + 1 :]:
            if isinstance(item, Node):
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
        if (attr(parent, "markdown") or "").lower() in _MARKDOWN_ON:
            self.markdown_runs.add(start)
        for item in run[first : last + 1]:
            if isinstance(item, Node):
                self.inner_attributes(item, kind)

    def inner_attributes(self, node: Node, where: str) -> None:
        """The values of an inline element inside a content segment (``where``) are inner
        segments: the msgid keeps the tag, the value is offered on its own."""
        if node.tag in OPAQUE or no_translate(node):
            return
        self.attributes(node, where)
        for child in node.children:
            if isinstance(child, Node):
                self.inner_attributes(child, where)

    def inline_attributes(self, node: Node) -> None:
        if node.tag in OPAQUE or no_translate(node):
            self.opaque_attributes(node)
            return
        self.attributes(node)
        for child in node.children:
            if isinstance(child, Node):
                self.inline_attributes(child)

    def opaque_attributes(self, node: Node) -> None:
        """An ``<iframe>``'s content is never shown, but its ``title`` is its accessible name.

        WCAG asks every frame for a title, and screen readers announce it, so the attributes
        of an iframe are offered like any element's (unless it says ``translate="no"``).
        """
        if node.tag in _ATTRIBUTES_ONLY and not no_translate(node):
            self.attributes(node)

    def attributes(self, node: Node, inside: str = "") -> None:
        """Attribute segments of ``node``; ``inside`` names the content segment holding it."""
        if node.tag == "#root":
            return
        if node.tag == "html" and attr(node, "lang"):
            self.metadata.setdefault("lang", (attr(node, "lang") or "").strip())
        names = [name.lower() for name in self.attribute_names]
        if node.tag == "html" and self.lang_field:
            names.append("lang")
        meta_name = (attr(node, "name") or attr(node, "property") or "").strip().lower()
        if node.tag == "meta" and meta_name in META_CONTENT_NAMES:
            names.append("content")
            if meta_name == "description":
                self.metadata.setdefault("description", attr(node, "content") or "")
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
            if text and inside and "\n" not in raw and "\r" not in raw:
                self.quotes[value_start] = quote
                anchor = (node.start, node.start + node.tag_len)
                self.add(value_start, value_end, text, f"{kind} in {inside}", anchor)
            elif text and not inside:
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
#: Opaque elements whose attributes are still offered (:meth:`_Extractor.opaque_attributes`).
_ATTRIBUTES_ONLY = frozenset({"iframe"})


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
    root = build_tree(tokenize(source, begin, end), begin, end)
    if components:
        _mark_components(root, source)
    ex.container(root)
    segments = sorted(ex.segments, key=lambda s: s.start)
    return Region(segments, ex.quotes, frozenset(ex.markdown_runs))


def inline_attributes(
    text: str,
    where: str,
    *,
    attributes: Sequence[str] = TRANSLATABLE_ATTRIBUTES,
    components: bool = False,
) -> Region:
    """The attribute values of the start tags in ``text``, the inline markup of a segment of
    another format (a Markdown paragraph; the caller masks what is not markup, such as code
    spans), as inner segments: each anchored to its raw tag, kind ``… in <where>``.
    Offsets are into ``text``; the same attribute rules as HTML articles (first occurrence,
    ``translate="no"`` skipped)."""
    ex = _Extractor(text)
    ex.attribute_names = tuple(attributes)
    ex.components = components
    for token in tokenize(text, 0):
        if token.kind in ("start", "startend"):
            node = Node(token.tag, token.attrs, token.start, token.raw_len)
            if node.tag not in OPAQUE and not no_translate(node):
                ex.attributes(node, where)
    return Region(ex.segments, ex.quotes, frozenset())


def _mark_components(node: Node, source: str) -> None:
    """A JSX component (``<Quote>``, capitalised) holds blocks, so it is never inline."""
    for child in node.children:
        if isinstance(child, Node):
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
    tokens = tokenize(source, begin)
    root = build_tree(tokens, begin, len(source))
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
