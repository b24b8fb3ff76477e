"""Inline markup ⇄ XML that a machine translator can move but cannot damage.

A segment's text (a msgid) carries inline markup as written. Sent as plain text, DeepL garbles
it (unbalanced ``**``, link text pushed out of ``[]``, footnote markers moved or dropped). So
``protect`` rewrites the segment as a small XML document, sent with ``tag_handling="xml"``:

* **paired markup** (emphasis, strong, strikethrough, links, paired inline HTML) becomes an
  element ``<em id="2">…</em>`` that DeepL moves with the words; the source delimiters
  (``*`` or ``_``, ``](https://… "title")``) stay in a table and never leave the machine;
* **atomic pieces** (footnote references, superscript markers ¹ ², inline code, autolinks and
  bare URLs, images, entities, escapes, raw inline HTML, line breaks, shortcut reference
  links, unmatched delimiter characters, shortcodes and ``{{ template output }}``) become
  empty placeholders ``<x id="3"/>`` (what they carry that a reader sees, an image's alt, a
  tag's title, is an entry of its own: ``formats.markdown_inner``);
* text is XML-escaped; leading and trailing whitespace is cut off and restored verbatim.

Invariants:

* ``restore(p, p.text)`` (the identity translation) returns the source byte for byte with no
  problems — for every segment, since every source character is either text or inside a
  piece of the table;
* ``restore`` never invents markup: every delimiter or placeholder in its output comes from
  the table, and a draft that lost, duplicated, unbalanced or moved markup is reported in
  ``Restored.problems`` (the caller keeps such a draft fuzzy with a comment);
* Markdown constructs are found by markdown-it-py's own inline parser in transflow's one
  dialect (``formats.markdown_dialect``: the format's own, so inline math, code and footnote
  references are protected exactly where the format carries them untranslated),
  instrumented to record source positions, so a
  construct is recognised exactly when a renderer would recognise it; the final check
  re-parses the draft and compares the inline token structure with the source's.

Layout: this module is the public API (types, ``protect``, ``restore``, ``structure``); the
scanners that find markup spans live in ``scan_markdown`` (markdown-it, instrumented) and
``scan_html`` (tags and entities, also used for raw HTML inside Markdown).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from transflow.formats import shortcodes
from transflow.mt.placeholders.scan_html import HTML_PIECE_RE, Span, html_spans
from transflow.mt.placeholders.scan_markdown import markdown_spans, markdown_structure

Fmt = Literal["markdown", "html", "text"]

#: What the DeepL request must say for the protected text to be read as intended.
TAG_HANDLING = "xml"
#: Pinned: the default depends on the account's age. v2 is strict XML, which we always emit.
TAG_HANDLING_VERSION = "v2"
#: Placeholders hold no text; paired tags must not split sentences.
IGNORE_TAGS = ("x",)
NON_SPLITTING_TAGS = ("em", "strong", "del", "a", "span", "x")

_FORMAT_ALIASES: dict[str, Fmt] = {
    "markdown": "markdown",
    "md": "markdown",
    "html": "html",
    "htm": "html",
    "text": "text",
    "txt": "text",
    "plain": "text",
}

_SUPERSCRIPT_RE = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿ]+")
_URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>()\[\]]*[^\s<>()\[\].,;:!?'\"]")
_EMAIL_RE = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
_BARE_LINK_RE = re.compile(f"{_URL_RE.pattern}|(?<![\\w.%+-]){_EMAIL_RE}")
_XML_TAG_RE = re.compile(
    r"<(/?)([A-Za-z][\w.-]*)((?:\s+[\w:.-]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>"
)
_ID_ATTR_RE = re.compile(r"""\bid\s*=\s*["']([^"']*)["']""")


@dataclass(frozen=True, slots=True)
class Piece:
    """One entry of the markup table: an atomic placeholder or a paired element.

    ``role`` says what it is (``footnote``, ``code``, ``url``, ``em``, ``link``…); for an
    atom ``open`` is the whole source text; for a pair ``open``/``close`` are the delimiters.
    ``tag`` is the XML element name sent (``x`` for atoms).
    """

    id: int
    tag: str
    role: str
    open: str
    close: str = ""
    at_start: bool = False

    @property
    def atomic(self) -> bool:
        return self.tag == "x"


@dataclass(frozen=True, slots=True)
class Protected:
    """A segment ready to send: ``text`` is the XML; the rest is what ``restore`` needs."""

    source: str
    fmt: Fmt
    text: str
    leading: str
    trailing: str
    pieces: tuple[Piece, ...]

    @property
    def billable_characters(self) -> int:
        """Characters DeepL bills with tag handling on: the text nodes, tags excluded."""
        return billable_characters(self.text)

    @property
    def needs_translation(self) -> bool:
        """False when nothing but markup, digits and punctuation is left (copy the source)."""
        return any(ch.isalpha() for ch in _text_nodes(self.text))


@dataclass(frozen=True, slots=True)
class Restored:
    """A draft back in the source's markup; ``problems`` empty means it is structurally sound."""

    text: str
    problems: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems


def normalize_format(fmt: str) -> Fmt:
    """Accept a format name or file extension (``md``, ``markdown``, ``html``, ``txt``)."""
    try:
        return _FORMAT_ALIASES[fmt.lower().lstrip(".")]
    except KeyError:
        raise ValueError(f"unknown markup format {fmt!r}") from None


def billable_characters(xml_text: str) -> int:
    """Code points of the text nodes of ``xml_text`` after entity decoding."""
    return len(_text_nodes(xml_text))


def _text_nodes(xml_text: str) -> str:
    return html.unescape(_XML_TAG_RE.sub("", xml_text))


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# --------------------------------------------------------------------------- protect
def _text_atoms(text: str, start: int, end: int) -> list[Span]:
    """Atoms inside plain-text stretches: superscript markers."""
    return [
        Span(m.start(), m.end(), "superscript")
        for m in _SUPERSCRIPT_RE.finditer(text, start, end)
    ]


def _bare_links(core: str, spans: list[Span]) -> list[Span]:
    """Bare URLs and e-mail addresses in running text become atoms, markup inside them too.

    The dialect does not autolink them (see ``formats.markdown_dialect``), so a ``_`` or
    ``*`` inside one would otherwise be read as a loose delimiter and split the address.
    Loose delimiters inside it are dropped; any other markup ends it.
    """
    found: list[Span] = []
    for m in _BARE_LINK_RE.finditer(core):
        start, end = m.start(), m.end()
        if found and start < found[-1].end:
            continue
        for sp in spans:
            if sp.role == "delimiter" and start <= sp.start and sp.end <= end:
                continue
            for a, b in ((sp.start, sp.end), (sp.close_start, sp.close_end)):
                if a < 0 or b <= start or a >= end:
                    continue
                if a <= start:
                    start = end  # the address starts inside markup: not running text
                else:
                    end = min(end, a)
        if end > start:
            found.append(Span(start, end, "url"))
    for url in found:
        spans[:] = [
            sp
            for sp in spans
            if not (sp.role == "delimiter" and url.start <= sp.start and sp.end <= url.end)
        ]
    return found


_EXPRESSION = re.compile(r"\{\{(?![<%])[^{}\n]*\}\}")


def _templates(core: str) -> list[tuple[int, int]]:
    """Where ``core`` holds shortcodes and ``{{ expression }}`` template output, in order."""
    found = [(code.start, code.end) for code in shortcodes.scan(core)]
    for m in _EXPRESSION.finditer(core):
        if not any(a < m.end() and m.start() < b for a, b in found):
            found.append((m.start(), m.end()))
    return sorted(found)


def _shortcode_atoms(codes: list[tuple[int, int]], spans: list[Span]) -> list[Span]:
    """A shortcode written inside a sentence (``{{< ref "x" >}}``, or template output such as
    ``{{ "/a" | url }}``) is one atom: the page generator replaces it, its parameters are
    entries of their own (``formats.markdown_inner``), and DeepL must neither translate its
    name nor move its quotes. One already inside markup (a link destination) is left to that
    markup; markup inside one is dropped."""
    atoms: list[Span] = []
    for a, b in codes:
        parts = [(sp.start, sp.end) for sp in spans]
        parts += [(sp.close_start, sp.close_end) for sp in spans if sp.close_start >= 0]
        if any(x <= a and b <= y for x, y in parts):
            continue
        spans = [
            sp for sp in spans
            if not (sp.start < b and a < sp.end)
            and not (sp.close_start >= 0 and sp.close_start < b and a < sp.close_end)
        ]
        atoms.append(Span(a, b, "shortcode"))
    return spans + atoms


def _spans(core: str, fmt: Fmt) -> list[Span]:
    codes = _templates(core) if fmt == "markdown" and ("{{" in core or "{%" in core) else []
    if fmt == "markdown":
        # The page generator replaces shortcodes before Markdown is read, so one used as a
        # link destination (``[text]({{< ref "a.md" >}})``) is read as one word: the link
        # is still a link whose text DeepL translates.
        masked = core
        for a, b in reversed(codes):
            masked = masked[:a] + "x" * (b - a) + masked[b:]
        spans = markdown_spans(masked)
    elif fmt == "html":
        spans = html_spans(core)
    else:
        spans = []
    # Drop anything nested inside an atom (e.g. emphasis inside a shortcut reference link).
    atoms = sorted((sp for sp in spans if sp.tag == "x"), key=lambda sp: sp.start)
    def inside_atom(sp: Span) -> bool:
        return any(a.start <= sp.start and sp.end <= a.end and a is not sp for a in atoms)
    spans = [sp for sp in spans if not inside_atom(sp)]
    if codes:
        spans = _shortcode_atoms(codes, spans)
    spans += _bare_links(core, spans)
    # Text stretches: the complement of every delimiter/atom extent.
    marks: list[tuple[int, int]] = []
    for sp in spans:
        marks.append((sp.start, sp.end))
        if sp.close_start >= 0:
            marks.append((sp.close_start, sp.close_end))
    marks.sort()
    pos = 0
    extra: list[Span] = []
    for s, e in [*marks, (len(core), len(core))]:
        if s > pos:
            extra += _text_atoms(core, pos, s)
        pos = max(pos, e)
    return spans + extra


def protect(text: str, fmt: str = "markdown") -> Protected:
    """Rewrite ``text`` as XML for DeepL; see the module docstring for the mapping."""
    kind = normalize_format(fmt)
    core = text.strip()
    leading = text[: len(text) - len(text.lstrip())]
    trailing = text[len(text.rstrip()) :] if core else ""
    if not core:
        leading = text
    spans = _spans(core, kind)
    # Events at source positions: (position, order, ...) — closes before opens at one spot.
    events: list[tuple[int, int, int, str, Span]] = []
    for sp in spans:
        if sp.close_start >= 0:
            events.append((sp.start, 1, -sp.close_end, "open", sp))
            events.append((sp.close_start, 0, -sp.start, "close", sp))
        else:
            events.append((sp.start, 1, 0, "atom", sp))
    events.sort(key=lambda ev: (ev[0], ev[1], ev[2]))
    out: list[str] = []
    pieces: list[Piece] = []
    ids: dict[int, int] = {}
    pos = 0
    for at, _, _, what, sp in events:
        if at > pos:
            out.append(_escape(core[pos:at]))
        if what == "atom":
            pid = len(pieces) + 1
            pieces.append(Piece(pid, "x", sp.role, core[sp.start : sp.end], at_start=sp.start == 0))
            out.append(f'<x id="{pid}"/>')
            pos = max(pos, sp.end)
        elif what == "open":
            pid = len(pieces) + 1
            ids[id(sp)] = pid
            pieces.append(
                Piece(pid, sp.tag, sp.role, core[sp.start : sp.end],
                      core[sp.close_start : sp.close_end], at_start=sp.start == 0)
            )
            out.append(f'<{sp.tag} id="{pid}">')
            pos = max(pos, sp.end)
        else:
            out.append(f"</{sp.tag}>")
            pos = max(pos, sp.close_end)
    if pos < len(core):
        out.append(_escape(core[pos:]))
    return Protected(text, kind, "".join(out), leading, trailing, tuple(pieces))


# --------------------------------------------------------------------------- restore
@dataclass(slots=True)
class _Item:
    kind: Literal["text", "open", "close", "atom"]
    value: str = ""
    piece: Piece | None = None


@dataclass(slots=True)
class _Parsed:
    items: list[_Item] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _parse_translation(protected: Protected, translated: str) -> _Parsed:
    table = {p.id: p for p in protected.pieces}
    parsed = _Parsed()
    seen: Counter[int] = Counter()
    stack: list[Piece] = []
    pos = 0
    for m in _XML_TAG_RE.finditer(translated):
        if m.start() > pos:
            parsed.items.append(_Item("text", html.unescape(translated[pos : m.start()])))
        pos = m.end()
        closing, name, attrs, selfclose = m.group(1), m.group(2), m.group(3), m.group(4)
        idm = _ID_ATTR_RE.search(attrs or "")
        piece = table.get(int(idm.group(1))) if idm and idm.group(1).isdigit() else None
        if closing:
            if stack and stack[-1].tag == name:
                parsed.items.append(_Item("close", piece=stack.pop()))
            else:
                parsed.problems.append(f"unbalanced closing tag </{name}>")
            continue
        if piece is None or piece.tag != name:
            parsed.problems.append(f"unknown tag {m.group(0)} in the translation")
            continue
        seen[piece.id] += 1
        if seen[piece.id] > 1:
            parsed.problems.append(f"markup {_describe(piece)} appears more than once")
            if not piece.atomic and not selfclose:
                stack.append(piece)  # swallow its close; its content stays as text
                parsed.items.append(_Item("text", ""))
            continue
        if piece.atomic:
            parsed.items.append(_Item("atom", piece=piece))
        elif selfclose:
            parsed.problems.append(f"markup {_describe(piece)} lost its text")
            parsed.items.append(_Item("open", piece=piece))
            parsed.items.append(_Item("close", piece=piece))
        else:
            parsed.items.append(_Item("open", piece=piece))
            stack.append(piece)
    if pos < len(translated):
        parsed.items.append(_Item("text", html.unescape(translated[pos:])))
    for piece in reversed(stack):
        parsed.problems.append(f"markup {_describe(piece)} is not closed")
        parsed.items.append(_Item("close", piece=piece))
    for piece in protected.pieces:
        if seen[piece.id] == 0:
            parsed.problems.append(f"markup {_describe(piece)} is missing")
            if piece.atomic:  # keep footnote markers etc. rather than lose them silently
                parsed.items.append(_Item("text", " "))
                parsed.items.append(_Item("atom", piece=piece))
    # Drop duplicate closes of swallowed duplicates (closes without a matching open).
    return parsed


def _describe(piece: Piece) -> str:
    return repr(piece.open) if piece.atomic else repr(piece.open + "…" + piece.close)


def _move_whitespace_out(items: list[_Item]) -> None:
    """``<em> word</em>`` → `` <em>word</em>``: Markdown needs delimiters to hug the words."""
    for i, item in enumerate(items):
        nxt = items[i + 1] if i + 1 < len(items) else None
        if item.kind == "open" and _hugs(item) and nxt is not None and nxt.kind == "text":
            stripped = nxt.value.lstrip()
            if stripped != nxt.value:
                ws = nxt.value[: len(nxt.value) - len(stripped)]
                nxt.value = stripped
                items.insert(i, _Item("text", ws))
    i = len(items) - 1
    while i > 0:
        item = items[i]
        if item.kind == "close" and _hugs(item) and items[i - 1].kind == "text":
            prev = items[i - 1]
            stripped = prev.value.rstrip()
            if stripped != prev.value:
                ws = prev.value[len(stripped) :]
                prev.value = stripped
                items.insert(i + 1, _Item("text", ws))
        i -= 1


def _hugs(item: _Item) -> bool:
    return item.piece is not None and item.piece.role in ("em", "strong", "del")


def restore(protected: Protected, translated: str) -> Restored:
    """Put the source markup back into ``translated`` and say what, if anything, is wrong."""
    parsed = _parse_translation(protected, translated.strip())
    items = parsed.items
    problems = parsed.problems
    _move_whitespace_out(items)
    out: list[str] = []
    for i, item in enumerate(items):
        if item.kind == "text":
            out.append(item.value)
        elif item.piece is None:
            continue
        elif item.kind in ("atom", "open"):
            out.append(item.piece.open)
            if item.kind == "open" and not any(
                it.kind in ("text", "atom") and (it.kind == "atom" or it.value.strip())
                for it in _until_close(items, i)
            ):
                problems.append(f"markup {_describe(item.piece)} lost its text")
        else:
            out.append(item.piece.close)
    body = "".join(out).strip()
    first = next((it for it in items if it.kind != "text" or it.value.strip()), None)
    if (
        first is not None
        and first.kind == "atom"
        and first.piece is not None
        and not first.piece.at_start
        and first.piece.role in ("footnote", "superscript")
    ):
        problems.append(f"marker {first.piece.open!r} moved to the start of the sentence")
    if not problems and protected.fmt != "text":
        before, after = structure(protected.source, protected.fmt), structure(body, protected.fmt)
        if before != after:
            problems.append(
                "markup differs from the source: " + _first_difference(before, after)
            )
    if not body:
        problems.append("the translation is empty")
    text = protected.leading + body + protected.trailing
    return Restored(text, tuple(dict.fromkeys(problems)))


def _until_close(items: list[_Item], i: int) -> list[_Item]:
    opener = items[i].piece
    out: list[_Item] = []
    for item in items[i + 1 :]:
        if item.kind == "close" and item.piece is opener:
            break
        out.append(item)
    return out


def _first_difference(before: Sequence[tuple[str, ...]], after: Sequence[tuple[str, ...]]) -> str:
    for a, b in zip(before, after, strict=False):
        if a != b:
            return f"expected {' '.join(a)!r}, found {' '.join(b)!r}"
    if len(before) > len(after):
        return f"{' '.join(before[len(after)])!r} missing"
    return f"unexpected {' '.join(after[len(before)])!r}"


# --------------------------------------------------------------------------- structure
def structure(text: str, fmt: str = "markdown") -> list[tuple[str, ...]]:
    """The inline markup of ``text`` as a comparable sequence (text content left out).

    Markdown: markdown-it's inline tokens (type, markup, attributes, code/HTML content);
    HTML: the tags and entities in order; plain text: URLs and superscript markers.
    """
    kind = normalize_format(fmt)
    sig: list[tuple[str, ...]] = []
    if kind == "markdown":
        sig = markdown_structure(text.strip())
    elif kind == "html":
        sig = [("html", m.group(0)) for m in HTML_PIECE_RE.finditer(text)]
    core = text.strip()
    sig += [("superscript", m.group(0)) for m in _SUPERSCRIPT_RE.finditer(core)]
    if kind != "html":
        sig += [("url", m.group(0)) for m in _BARE_LINK_RE.finditer(core)]
    return sig


