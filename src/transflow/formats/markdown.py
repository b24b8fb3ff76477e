"""Markdown articles: segments extracted here, translations reassembled by ``markdown_render``.

Reassembly (``render``, and the ``Format`` object) lives in ``markdown_render`` so that a
build, which renders stored parses, never imports markdown-it; both are re-exported here.

Extraction principles (after translate-toolkit's ``translate/storage/markdown.py``):

* The parser is transflow's one Markdown dialect (``markdown_dialect``: CommonMark plus GFM
  tables, strikethrough and autolinks, footnotes and dollar math), one shared instance. Only
  its *block* phase runs during extraction; inline markup is never interpreted, only carried
  (``mt.placeholders`` reads it with the same dialect).
* Segments, in document order: ATX and setext headings, paragraphs (also inside list items,
  block quotes and footnote definitions), GFM table cells (header and body) and the configured
  front-matter fields (see ``frontmatter.py``). ``kind`` is ``heading N``, ``paragraph``,
  ``list item``, ``block quote``, ``footnote`` (the innermost container decides),
  ``table cell`` or ``front matter: <key>``.
* Embedded markup is read by its own extractor, each feeding the same spans: a raw HTML block
  (and a paragraph of tags only) by the HTML format's rules (``markdown_html``); shortcodes
  (``{{< >}}``, ``{{% %}}``, ``{% %}``) standing on their own lines by ``shortcodes`` (their
  configured parameters are segments, the Markdown between a pair is a paragraph); in MDX
  (``mdx=True``), JSX components with the configured props and Markdown children.
* Never segments: code (fenced, indented), math blocks, link reference
  definitions, thematic breaks, front-matter keys, a task-list checkbox (``[ ]``/``[x]``), and
  text with nothing to translate: no letter or digit once code spans, HTML tags, link
  destinations and URLs are set aside (so ``|``, ``---``, emoji-only or ```code```-only
  items are skipped).
* ``Segment.text`` is the inline Markdown exactly as written; soft line breaks fold to one
  space and the continuation lines lose their indentation and container prefixes (``> ``,
  list indentation, lazy continuation); a hard break keeps its marker (two trailing spaces or
  a backslash) followed by ``\\n``; no leading/trailing whitespace.
* Offsets come from markdown-it's own line bookkeeping: the block rules that make segments
  are wrapped so that, while they run, the container-stripped start and end of each of their
  lines is recorded. Offsets are computed on markdown-it's normalised text (``\\r\\n`` to
  ``\\n``) and mapped back to the source, so CRLF files, a BOM and a missing final newline
  are reproduced exactly.

Reassembly principles:

* ``render`` replaces only segment spans; every other byte is the source's. A translation
  that is ``None``, empty, or equal to the msgid keeps the original bytes of its span.
* A translation cannot change the block structure (``markdown_escape``): blank lines in it are
  folded, each of its line breaks gets the container's continuation prefix and the file's
  line ending, a line that would open a block gets a backslash, table cells escape ``|``, ATX
  headings stay on one line, front-matter values are re-quoted, HTML-block text stays on one
  line, attribute and shortcode values are escaped for their quotes, and in MDX a ``{``,
  ``}`` or ``<`` the msgid did not have is escaped.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Sequence
from operator import attrgetter

from markdown_it import MarkdownIt
from markdown_it.common.utils import MD_TRIM_CHARS as _MD_TRIM
from markdown_it.rules_block import StateBlock

import transflow.formats.frontmatter_flat  # noqa: F401 (parsing reads front matter)
from transflow.formats import directives, frontmatter, markdown_html, markdown_inner, shortcodes
from transflow.formats.base import (
    Document,
    Markup,
    Segment,
    enclosed,
    line_starts,
    new_segment,
)
from transflow.formats.markdown_dialect import markdown_parser
from transflow.formats.markdown_dispatch import dispatch_block_rules
from transflow.formats.markdown_escape import Span
from transflow.formats.markdown_render import EXTRA_KEY as _EXTRA_KEY
from transflow.formats.markdown_render import FORMAT, MDX_FORMAT, MarkdownFormat, render
from transflow.formats.markdown_render import MARKUP_KEY as _MARKUP_KEY
from transflow.formats.markdown_render import MDX_KEY as _MDX_KEY

__all__ = ["BODY_START", "FORMAT", "MDX_FORMAT", "MarkdownFormat", "new_parser", "parse", "render"]

#: ``Document.extra`` key: offset where the Markdown body starts (after BOM and front matter).
BODY_START = "markdown.body_start"
_NEWLINES_RE = re.compile(r"\r\n?")
_SEGMENT_RULES = ("paragraph", "heading", "lheading", "table")
_CONTAINERS = {
    "blockquote_open": "block quote",
    "list_item_open": "list item",
    "footnote_reference_open": "footnote",
}
_CONTAINER_CLOSES = frozenset(kind[:-5] + "_close" for kind in _CONTAINERS)
#: The token types extraction reads (each has its branch in ``parse``).
_READ_TOKENS = frozenset({
    "inline", "heading_open", "paragraph_open", "code_block", "html_block", "tr_open",
    "th_open", "td_open", *_CONTAINERS, *_CONTAINER_CLOSES,
})
_TASK_RE = re.compile(r"\[[ xX]\][ \t]+")
# What is set aside before asking "is there anything to translate?"
_NOISE_RE = re.compile(
    r"(`+)(?:.|\n)*?(?<!`)\1(?!`)"  # code spans
    r"|\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"  # link/image destinations
    r"|<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\s]*>"  # autolinks
    r"|</?[A-Za-z][^<>]*>|<!--(?:.|\n)*?-->"  # HTML tags and comments
    r"|\bhttps?://\S+"  # bare URLs
)


def _record_lines(rule: Callable[..., bool]) -> Callable[..., bool]:
    """Wrap a block rule so each inline token it makes remembers its lines' content spans.

    While the rule runs, ``bMarks + tShift`` and ``eMarks`` of a line delimit exactly its
    content inside whatever containers enclose it; afterwards that bookkeeping is gone.
    """

    def wrapped(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        before = len(state.tokens)
        ok = rule(state, start_line, end_line, silent)
        if ok and not silent:
            for token in state.tokens[before:]:
                if token.type == "inline" and token.map:
                    first, last = token.map
                    token.meta["tf_lines"] = [
                        (state.bMarks[i] + state.tShift[i], state.eMarks[i])
                        for i in range(first, last)
                    ]
        return ok

    return wrapped


def _record_reference(rule: Callable[..., bool]) -> Callable[..., bool]:
    """Wrap the link reference definition rule so each definition's content span is kept
    (``env["tf_references"]``): its title is a segment, and the rule makes no token."""

    def wrapped(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
        ok = rule(state, start_line, end_line, silent)
        if ok and not silent and isinstance(state.env, dict):
            begin = state.bMarks[start_line] + state.tShift[start_line]
            found = (start_line, begin, state.eMarks[state.line - 1])
            state.env.setdefault("tf_references", []).append(found)
        return ok

    return wrapped


def new_parser(*, block_only: bool = False) -> MarkdownIt:
    """A markdown-it instance configured as transflow reads Markdown.

    ``block_only`` stops after the block phase (what extraction needs); the full parser is
    for callers that compare rendered structure (conformance checks).
    """
    md = markdown_parser()
    if block_only:
        rules = {rule.name: rule.fn for rule in md.block.ruler.__rules__}
        alts = {rule.name: list(rule.alt) for rule in md.block.ruler.__rules__}
        for name in _SEGMENT_RULES:
            md.block.ruler.at(name, _record_lines(rules[name]), {"alt": alts[name]})
        md.block.ruler.at("reference", _record_reference(rules["reference"]))
        md.core.ruler.enableOnly(["normalize", "block"])
        dispatch_block_rules(md)  # the same tokens, a third of the rule calls
        # Block structure as CommonMark defines it: markdown-it's URL filter would make
        # ``[r]: javascript:…`` a paragraph here, while a renderer without that filter
        # reads a link reference definition (so a translation line like it must be escaped).
        md.validateLink = lambda url: True  # type: ignore[method-assign]
    return md


_BLOCK_MD = new_parser(block_only=True)
#: The spans most segments have (immutable, so one object serves every segment).
_BLOCK_SPAN = Span("block")
_ATX_SPAN = Span("atx")
_DEFAULT_MARKUP = Markup()


class _Offsets:
    """Maps offsets in markdown-it's normalised text (``\\r\\n`` as ``\\n``) back to the source."""

    def __init__(self, original: str, base: int) -> None:
        self.base = base
        self.crlf = "\r" in original
        self.orig_starts = [0]
        self.norm_starts = [0]
        if self.crlf:
            norm_pos = prev = 0
            for m in re.finditer(r"\r\n?|\n", original):
                norm_pos += m.start() - prev + 1
                prev = m.end()
                self.orig_starts.append(m.end())
                self.norm_starts.append(norm_pos)

    def __call__(self, pos: int) -> int:
        if not self.crlf:
            return self.base + pos
        k = bisect_right(self.norm_starts, pos) - 1
        return self.base + self.orig_starts[k] + (pos - self.norm_starts[k])


_FOLD = re.compile(r"\s*\n\s*")
_JSX_LINE = re.compile(r"[ \t]*</?[A-Z][\w.]*(?:\s[^<>]*)?/?>[ \t]*")


def _lone_jsx_lines(norm: str, lines: Sequence[tuple[int, int]]) -> list[int]:
    """Indexes of the paragraph lines that hold nothing but one JSX tag (``</Callout>``)."""
    return [i for i, (b, e) in enumerate(lines) if _JSX_LINE.fullmatch(norm, b, e)]


def _groups(
    lines: Sequence[tuple[int, int]], skip: Sequence[int]
) -> list[tuple[int, list[tuple[int, int]]]]:
    """Runs of consecutive lines not in ``skip``: (index of the first, the lines)."""
    groups: list[tuple[int, list[tuple[int, int]]]] = []
    for index, span in enumerate(lines):
        if index in skip:
            continue
        if groups and groups[-1][0] + len(groups[-1][1]) == index:
            groups[-1][1].append(span)
        else:
            groups.append((index, [span]))
    return groups


_MDX_NOT_TEXT = re.compile(r"(?:import|export)(?:\s|\{|\*)|\{(?:.|\n)*\}\s*\Z")


_TEMPLATE_OUTPUT = re.compile(r"\{\{(?![<%]).*?\}\}", re.DOTALL)


def _without_shortcodes(text: str) -> str:
    """``text`` without the shortcodes and template output (``{{ page.title }}``) in it."""
    codes = shortcodes.scan(text) if "{" in text else []
    for code in reversed(codes):
        text = text[: code.start] + " " + text[code.end :]
    return _TEMPLATE_OUTPUT.sub(" ", text) if "{{" in text else text


_FIRST_SIGNIFICANT = re.compile(r"[`<\[(]|[^\W_]")


def _has_words(text: str) -> bool:
    """True when ``text`` holds a letter or digit outside code, HTML, and URLs."""
    # Fast path (most segments): a letter or digit comes before anything that could open
    # code, HTML or a link, and it does not begin a bare URL; first of all, the text's first
    # character (``[^\W_]`` is what ``isalnum`` says of one character).
    if text[:1].isalnum() and not text.startswith(_URL_STARTS):
        return True
    first = _FIRST_SIGNIFICANT.search(text)
    if first is None:
        return False
    if first.group().isalnum() and not text.startswith(_URL_STARTS, first.start()):
        return True
    return any(ch.isalnum() for ch in _NOISE_RE.sub(" ", text))


_URL_STARTS = ("http", "HTTP", "www", "WWW", "ftp", "FTP", "mailto", "MAILTO")


def _continuation_prefix(first_line_prefix: str) -> str:
    """``> - `` becomes ``>   ``: quote markers stay, list markers turn into indentation."""
    if not first_line_prefix.strip("> \t"):
        return first_line_prefix  # nothing to turn (no prefix, or quote markers only)
    return "".join(ch if ch in "> \t" else " " for ch in first_line_prefix)


def _join_lines(norm: str, lines: Sequence[tuple[int, int]]) -> tuple[str, int, int]:
    """The msgid of a paragraph-like block and its [start, end) in normalised offsets."""
    if len(lines) == 1:  # one line (most paragraphs, headings, cells): nothing to join
        begin, stop = lines[0]
        content = norm[begin:stop]
        text = content.lstrip(" \t")
        begin += len(content) - len(text)
        text = text.rstrip(" \t")
        return (text, begin, begin + len(text)) if text else ("", 0, 0)
    parts: list[str] = []
    start = end = -1
    last = len(lines) - 1
    for i, (begin, stop) in enumerate(lines):
        while begin < stop and norm[begin] in " \t":
            begin += 1
        content = norm[begin:stop]
        stripped = content.rstrip(" \t")
        if start < 0:
            if not stripped:
                continue
            start = begin
        if i == last:
            parts.append(stripped)
            end = begin + len(stripped)
        elif content.endswith("  ") or _ends_with_escape(content):
            parts.append(content + "\n")  # hard break: keep the marker as written
        else:
            parts.append(stripped + " ")
    if start < 0:
        return "", 0, 0
    return "".join(parts).rstrip(" \t"), start, end


def _ends_with_escape(text: str) -> bool:
    run = len(text) - len(text.rstrip("\\"))
    return run % 2 == 1


def parse(
    source: str,
    *,
    front_matter_fields: Sequence[str] = (),
    front_matter: bool = True,
    markup: Markup | None = None,
    mdx: bool = False,
) -> Document:
    """Split ``source`` into segments; ``front_matter=False`` reads it as plain CommonMark.

    ``mdx`` reads the article as MDX: HTML is JSX (components hold blocks, the configured
    ``props`` are the attributes offered, ``{…}`` expressions in tags are never read), and
    top-level ``import``/``export`` statements and ``{…}`` expression blocks are not text.
    """
    markup = markup or _DEFAULT_MARKUP
    props = markup.props if mdx else None
    base = 1 if source.startswith("\ufeff") else 0
    segments: list[Segment] = []
    spans: dict[tuple[int, int], Span] = {}
    metadata: dict[str, str] = {}
    warnings: list[str] = []
    fm_lines = 0
    if front_matter:
        found = frontmatter.read(source, base, front_matter_fields)
        if found is not None:
            metadata = found.metadata
            fm_lines = found.lines
            warnings += found.warnings
            mode = found.syntax
            for field in found.fields:
                if not field.text.strip():
                    continue
                line = source.count("\n", 0, field.start) + 1
                segments.append(
                    Segment(field.text, f"front matter: {field.key}", line, field.start, field.end)
                )
                spans[(field.start, field.end)] = Span(mode, style=field.style)
            base = found.body_start
    body = source[base:]
    norm = _NEWLINES_RE.sub("\n", body).replace("\0", "\ufffd")
    offsets = _Offsets(body, base)
    crlf, body_base = offsets.crlf, offsets.base
    env: dict[str, object] = {}
    tokens = _BLOCK_MD.parse(norm, env)
    norm_starts: list[int] | None = None

    def line_start(line: int) -> int:
        nonlocal norm_starts
        if norm_starts is None:
            norm_starts = line_starts(norm)
        return norm_starts[line]

    def add(text: str, kind: str, line: int, start: int, end: int, span: Span) -> None:
        if not text or not _has_words(text):
            return
        if "{{" in text and not _has_words(_TEMPLATE_OUTPUT.sub(" ", text)):
            return  # only template output ({{ content }}): the generator's, not text
        if crlf:
            o_start, o_end = offsets(start), offsets(end)
        else:  # (what ``offsets`` does then)
            o_start, o_end = body_base + start, body_base + end
        segments.append(new_segment(text, kind, fm_lines + line + 1, o_start, o_end, None))
        spans[(o_start, o_end)] = span

    source_lines: list[int] | None = None

    def add_pieces(
        start: int,
        end: int,
        *,
        attributes_only: bool = False,
        markdown: bool = False,
        quoted: bool = False,
    ) -> None:
        """Segments of embedded HTML (normalised offsets in, source offsets out)."""
        nonlocal source_lines
        if source_lines is None:
            source_lines = line_starts(source)
        for piece in markdown_html.region(
            source,
            offsets(start),
            offsets(end),
            attributes_only=attributes_only,
            props=props,
            markdown=markdown,
            quoted=quoted,
        ):
            if piece.mode != "attr" and not _has_words(_without_shortcodes(piece.text)):
                for code in shortcodes.scan(source, piece.start, piece.end):
                    add_params(code, source_lines)
                continue
            line = bisect_right(source_lines, piece.start)
            if piece.mode == "html-md" and (
                nested := _markdown_blocks(source, piece.start, piece.end, markup, mdx)
            ):
                # Markdown the page generator reads as blocks (``markdown="1"`` content with
                # a heading or a list right after the tag): one segment per block, markers kept.
                inner_spans = nested.extra[_EXTRA_KEY]
                assert isinstance(inner_spans, dict)
                for seg in nested.segments:
                    segments.append(Segment(seg.text, seg.kind, line + seg.line - 1,
                                            piece.start + seg.start, piece.start + seg.end))
                    spans[(piece.start + seg.start, piece.start + seg.end)] = inner_spans[
                        (seg.start, seg.end)]
                continue
            segments.append(
                Segment(piece.text, piece.kind, line, piece.start, piece.end, piece.anchor)
            )
            spans[(piece.start, piece.end)] = Span(piece.mode, style=piece.style)

    def add_params(code: shortcodes.Shortcode, lines_at: list[int] | None) -> None:
        """Segments of a shortcode's parameters (source offsets when ``lines_at`` is given)."""
        for param, kind in shortcodes.segments(code, markup):
            text = _FOLD.sub(" ", param.value.strip())
            if not _has_words(text):
                continue
            start, end = param.start, param.end
            if lines_at is None:
                start, end = offsets(start), offsets(end)
            line = bisect_right(lines_at, start) if lines_at else source.count("\n", 0, start) + 1
            segments.append(Segment(text, kind, line, start, end))
            spans[(start, end)] = Span("shortcode", style=param.quote + code.syntax)

    containers: list[str] = []
    block = ""  # what the next inline token belongs to
    level = 0
    cell = -1
    previous = ""
    first_in_item = False
    jsx_until = -1  # MDX: end of a component tag whose props run over blank lines
    indented_body = False  # after ``!!! note``: an indented code block is its Markdown body
    for token in tokens:
        kind = token.type
        if indented_body and kind not in ("inline", "paragraph_close", "code_block"):
            indented_body = False
        if kind not in _READ_TOKENS:  # (most closing tokens, lists, rules: nothing to do)
            previous = kind
            continue
        if kind == "inline":
            lines: list[tuple[int, int]] | None = token.meta.get("tf_lines")
            if lines and lines[0][0] < jsx_until:  # inside a tag already read as JSX
                lines = [span for span in lines if span[0] >= jsx_until] or None
            if lines and token.map is not None:
                line = token.map[0]
                if block == "atx":
                    _atx(norm, lines[0], token.content, level, line, add)
                elif block == "cell":
                    _cell(norm, lines[0], cell, line, add)
                else:
                    where = (
                        f"heading {level}"
                        if block == "setext"
                        else (containers[-1] if containers else "paragraph")
                    )
                    split = (
                        shortcodes.split_lines(norm, lines)
                        if "{%" in token.content or "{{" in token.content
                        else None
                    )

                    marks = (
                        directives.markup_lines(norm, lines)
                        if _may_hold_markup(token.content)
                        else None
                    )

                    if mdx and not containers and _MDX_NOT_TEXT.match(token.content):
                        pass  # ESM or a {…} expression block: code, not text
                    elif marks:
                        # Admonition fences and attribute lists are markup; a title is text.
                        for mark in marks:
                            if mark.title is not None:
                                b, e = mark.title
                                add(norm[b:e], mark.kind, line + mark.index, b, e,
                                    Span(_TITLE_MODES[mark.form]))
                        indented_body = any(m.indented for m in marks)
                        _paragraphs(_groups(lines, [m.index for m in marks]), norm, where,
                                    block == "paragraph" and first_in_item, line, line_start, add)
                    elif mdx and token.content.startswith("<") and block == "paragraph":
                        # JSX written as a paragraph: its props and its Markdown children;
                        # a tag whose props run over blank lines is read to its ``>``.
                        end = max(lines[-1][1], markdown_html.jsx_tag_end(norm, lines[0][0]))
                        if end > lines[-1][1]:
                            jsx_until = end
                        add_pieces(lines[0][0], end, markdown=True)
                    elif mdx and (lone := _lone_jsx_lines(norm, lines)) and len(lone) < len(lines):
                        # A closing tag after text (no blank line) is JSX, not paragraph text.
                        _paragraphs(_groups(lines, lone), norm, where,
                                    block == "paragraph" and first_in_item, line, line_start, add)
                        for index in lone:
                            add_pieces(lines[index][0], lines[index][1], attributes_only=True)
                    elif split is not None:
                        for code in split.standalone:
                            add_params(code, None)
                        text_groups = []
                        for group in split.groups:  # tags only between a pair: their alt/title
                            b, e = group[1][0][0], group[1][-1][1]
                            if "<" in norm[b:e] and not _has_words(norm[b:e]):
                                add_pieces(b, e, attributes_only=True)
                            else:
                                text_groups.append(group)
                        _paragraphs(text_groups, norm, where,
                                    block == "paragraph" and first_in_item, line, line_start, add)
                    elif "<" in token.content and not _has_words(token.content):
                        add_pieces(lines[0][0], lines[-1][1], attributes_only=True)
                    else:
                        _paragraph(
                            norm,
                            lines,
                            where,
                            block == "paragraph" and first_in_item,
                            line,
                            line_start(line),
                            add,
                        )
            block = ""
        elif kind in _CONTAINERS:
            containers.append(_CONTAINERS[kind])
        elif kind in _CONTAINER_CLOSES:
            containers.pop()
        elif kind == "heading_open":
            block = "atx" if token.markup.startswith("#") else "setext"
            level = int(token.tag[1:])
        elif kind == "paragraph_open":
            block = "paragraph"
            first_in_item = previous == "list_item_open"
        elif kind == "code_block" and token.map and indented_body and not containers:
            indented_body = False
            first, last = token.map
            line_start(0)
            assert norm_starts is not None
            stop = norm_starts[last] if last < len(norm_starts) else len(norm)
            inner = _indented(norm, line_start(first), stop, markup=markup, mdx=mdx)
            for seg, span in inner:
                o_start, o_end = offsets(seg.start), offsets(seg.end)
                segments.append(Segment(seg.text, seg.kind, fm_lines + first + seg.line,
                                        o_start, o_end))
                spans[(o_start, o_end)] = span
        elif kind == "html_block" and token.map:
            first, last = token.map
            line_start(0)
            assert norm_starts is not None
            end = norm_starts[last] if last < len(norm_starts) else len(norm)
            # The block starts at its content, after a list marker on the same line.
            opener = token.content.split("\n", 1)[0].strip()
            begin = norm.find(opener, line_start(first), end) if opener else -1
            add_pieces(
                begin if begin >= 0 else line_start(first), end, quoted="block quote" in containers
            )
        elif kind == "tr_open":
            cell = -1
        elif kind in ("th_open", "td_open"):
            block = "cell"
            cell += 1
        previous = kind
    _references(norm, env, line_start, add)
    _inner(source, segments, spans, markup, mdx)
    hidden = [(offsets(a), offsets(b)) for a, b in shortcodes.opaque(norm)]
    if hidden:  # code a shortcode pair protects ({% raw %}, highlight) is never text
        segments = [s for s in segments if not any(a <= s.start < b for a, b in hidden)]
    segments = enclosed(sorted(segments, key=_START))
    extra: dict[str, object] = {
        _EXTRA_KEY: spans, BODY_START: base, _MARKUP_KEY: markup, _MDX_KEY: mdx
    }
    return Document(source, segments, metadata, extra, warnings)


_Add = Callable[[str, str, int, int, int, Span], None]
_START = attrgetter("start")


def _markdown_blocks(
    source: str, start: int, end: int, markup: Markup, mdx: bool
) -> Document | None:
    """The Markdown blocks of the text ``[start, end)`` of an HTML block, parsed on their own,
    when the text is more than one paragraph (a heading, a list) and every letter of it falls
    in a block segment; else None (the text stays one segment).

    Only the Markdown the page generator reads (``markdown="1"`` content, loose text) asks.
    The text starts on its line (only blanks before it), so a marker is at a line start.
    """
    text = source[start:end]
    if "\n" not in text and not _BLOCK_START.match(text):
        return None
    line_begin = source.rfind("\n", 0, start) + 1
    if source[line_begin:start].strip(" \t"):
        return None
    tokens = _BLOCK_MD.parse(_NEWLINES_RE.sub("\n", text), {})
    if [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]:
        return None
    nested = parse(text, front_matter=False, markup=markup, mdx=mdx)
    letters = sum(ch.isalpha() for s in nested.segments if s.anchor is None for ch in s.text)
    if not nested.segments or letters != sum(ch.isalpha() for ch in _FOLD.sub(" ", text)):
        return None
    nested.segments = [s for s in nested.segments if s.anchor is None]
    return nested


_BLOCK_START = re.compile(r"#{1,6}[ \t]|[-+*][ \t]|\d{1,9}[.)][ \t]|>")
#: Cheap test before ``directives.markup_lines``: text that may hold extension markup lines.
_MARKUP_HINT = re.compile(r":::|\{:|\[!|^[ \t]*(?:!!!|\?\?\?|===|:[ \t]|\*\[)", re.MULTILINE)


def _may_hold_markup(text: str) -> bool:
    """``_MARKUP_HINT.search(text) is not None``, answered with tests in C.

    Why: the pattern has no literal start, so the engine tries each of its branches at each
    position of a long paragraph. Every match holds one of ``:[!?=``, most paragraphs none
    (a memchr each); the rest is three substring tests and, per line, the blanks stripped
    and the line-start markers compared (``[ \t]*`` cannot end before a marker character).
    """
    if ":" not in text and "[" not in text and "!" not in text and "?" not in text \
            and "=" not in text:
        return False
    if ":::" in text or "{:" in text or "[!" in text:
        return True
    return any(line.lstrip(" \t").startswith(_LINE_MARKUP) for line in text.split("\n"))


#: The line-start branches of ``_MARKUP_HINT`` (after optional blanks).
_LINE_MARKUP = ("!!!", "???", "===", ": ", ":\t", "*[")


_TITLE_MODES = {"bracket": "bracket", "quoted": "quoted", "line": "atx"}
_INDENT = re.compile(r"(?: {1,4}|\t| {0,3}\t)")


def _indented(
    norm: str, start: int, end: int, *, markup: Markup, mdx: bool
) -> list[tuple[Segment, Span]]:
    """Segments of a Python-Markdown block's body, ``norm[start:end]`` indented by four
    columns: read as Markdown once dedented, offsets mapped back into ``norm``, and each
    span's continuation prefix given the indentation back."""
    dedented: list[str] = []
    starts: list[int] = []  # where each dedented line starts, in the dedented text
    origins: list[int] = []  # and in ``norm``
    pos, at = start, 0
    for raw in norm[start:end].split("\n"):
        cut = _INDENT.match(raw)
        skip = cut.end() if cut and raw.strip() else 0
        starts.append(at)
        origins.append(pos + skip)
        dedented.append(raw[skip:])
        at += len(raw) - skip + 1
        pos += len(raw) + 1
    inner = parse("\n".join(dedented), front_matter=False, markup=markup, mdx=mdx)
    inner_spans = inner.extra[_EXTRA_KEY]
    assert isinstance(inner_spans, dict)

    def where(offset: int) -> int:
        k = bisect_right(starts, offset) - 1
        return origins[k] + offset - starts[k]

    out: list[tuple[Segment, Span]] = []
    for seg in inner.segments:
        span: Span = inner_spans[(seg.start, seg.end)]
        if span.mode == "block":
            span = Span(span.mode, "    " + span.prefix, span.style)
        out.append((Segment(seg.text, seg.kind, seg.line, where(seg.start), where(seg.end)), span))
    return out


def _references(norm: str, env: dict[str, object], line_start: Callable[[int], int],
                add: _Add) -> None:
    """The title of each link reference definition (``[r]: url "Title"``) is a segment."""
    found = env.get("tf_references")
    refs = env.get("references")
    if not isinstance(found, list) or not isinstance(refs, dict):
        return
    titles = {str(r.get("title", "")) for r in refs.values() if isinstance(r, dict)}
    for line, begin, stop in found:
        for text, start, end, delimiter in markdown_inner.reference_title(norm, begin, stop):
            if not any(markdown_inner.fold(t) == markdown_inner.decode_title(text) for t in titles):
                continue  # not the title markdown-it read (a destination in parentheses)
            at = line + norm.count("\n", begin, start)
            add(text, "link title", at, start, end, Span("title", style=delimiter))


_INNER_MODES = frozenset({"block", "atx", "cell", "html", "html-md"})


def _inner(
    source: str, segments: list[Segment], spans: dict[tuple[int, int], Span], markup: Markup,
    mdx: bool,
) -> None:
    """Inner segments (``markdown_inner``) of every paragraph, heading and table cell, and
    of the text of HTML blocks (whose tags the HTML rules already read)."""
    for segment in list(segments):
        # (markdown_inner's own first test, asked here: most segments have no markup)
        at = source[segment.start:segment.end]
        if "<" not in at and "[" not in at and "{" not in at:
            continue
        span = spans.get((segment.start, segment.end))
        if span is None or span.mode not in _INNER_MODES:
            continue
        for found in markdown_inner.inner(
            source, segment.start, segment.end, segment.kind, markup, mdx=mdx,
            tags=span.mode not in ("html", "html-md"),
        ):
            line = segment.line + source.count("\n", segment.start, found.start)
            segments.append(
                new_segment(found.text, found.kind, line, found.start, found.end, found.anchor)
            )
            cell = "|" if span.mode == "cell" else ""
            spans[(found.start, found.end)] = Span(found.mode, cell, found.style)


def _atx(norm: str, span: tuple[int, int], content: str, level: int, line: int, add: _Add) -> None:
    begin, stop = span
    while begin < stop and norm[begin] == "#":
        begin += 1
    start = norm.find(content, begin, stop) if content else -1
    if start >= 0:
        content = content[: directives.heading_attributes(content)]  # ``{#id}`` is markup
        add(content, f"heading {level}", line, start, start + len(content), _ATX_SPAN)


def _paragraphs(
    groups: Sequence[tuple[int, Sequence[tuple[int, int]]]],
    norm: str,
    where: str,
    first_in_item: bool,
    line: int,
    line_start: Callable[[int], int],
    add: _Add,
) -> None:
    """Each run of text lines a paragraph of its own (lone JSX tags or shortcodes apart)."""
    for index, group in groups:
        _paragraph(
            norm,
            group,
            where,
            first_in_item and index == 0,
            line + index,
            line_start(line + index),
            add,
            continues=index > 0,
        )


def _paragraph(
    norm: str,
    lines: Sequence[tuple[int, int]],
    kind: str,
    first_in_item: bool,
    line: int,
    line_begin: int,
    add: _Add,
    *,
    continues: bool = False,
) -> None:
    """A paragraph-like segment; ``continues`` when paragraph lines (a shortcode) precede it."""
    text, start, end = _join_lines(norm, lines)
    if not text:
        return
    if first_in_item:
        task = _TASK_RE.match(text)
        if task:
            text, start = text[task.end() :], start + task.end()
    prefix = _continuation_prefix(norm[line_begin:start])
    span = (Span("block", prefix, "continues" if continues else "")
            if prefix or continues else _BLOCK_SPAN)  # (a frozen Span: shared)
    add(text, kind, line, start, end, span)


def _cell(norm: str, span: tuple[int, int], index: int, line: int, add: _Add) -> None:
    """Cut cell ``index`` out of a table row exactly as markdown-it's ``escapedSplit`` does."""
    begin, stop = span
    while begin < stop and norm[begin] in _MD_TRIM:
        begin += 1
    while stop > begin and norm[stop - 1] in _MD_TRIM:
        stop -= 1
    cells: list[tuple[int, int]] = []
    last = begin
    escaped = False
    for pos in range(begin, stop):
        ch = norm[pos]
        if ch == "|" and not escaped:
            cells.append((last, pos))
            last = pos + 1
        escaped = ch == "\\"
    cells.append((last, stop))
    if cells and cells[0][0] == cells[0][1]:
        cells.pop(0)
    if cells and cells[-1][0] == cells[-1][1]:
        cells.pop()
    if index >= len(cells):
        return
    start, end = cells[index]
    while start < end and norm[start] in _MD_TRIM:
        start += 1
    while end > start and norm[end - 1] in _MD_TRIM:
        end -= 1
    # a cell that opens its row (no leading pipe) must not look like a block marker either
    add(
        norm[start:end], "table cell", line, start, end, Span("cell", "" if start > begin else "^")
    )
