"""Inline markup ⇄ XML that a machine translator can move but cannot damage.

A segment's text (a msgid) carries inline markup as written. Sent as plain text, DeepL garbles
it (unbalanced ``**``, link text pushed out of ``[]``, footnote markers moved or dropped). So
``protect`` rewrites the segment as a small XML document, sent with ``tag_handling="xml"``:

* **paired markup** (emphasis, strong, strikethrough, links, paired inline HTML) becomes an
  element ``<em id="2">…</em>`` that DeepL moves with the words; the source delimiters
  (``*`` or ``_``, ``](https://… "title")``) stay in a table and never leave the machine;
* **atomic pieces** (footnote references, superscript markers ¹ ², inline code, autolinks and
  bare URLs, images, entities, escapes, raw inline HTML, line breaks, shortcut reference
  links, unmatched delimiter characters) become empty placeholders ``<x id="3"/>``;
* text is XML-escaped; leading and trailing whitespace is cut off and restored verbatim.

Invariants:

* ``restore(p, p.text)`` (the identity translation) returns the source byte for byte with no
  problems — for every segment, since every source character is either text or inside a
  piece of the table;
* ``restore`` never invents markup: every delimiter or placeholder in its output comes from
  the table, and a draft that lost, duplicated, unbalanced or moved markup is reported in
  ``Restored.problems`` (the caller keeps such a draft fuzzy with a comment);
* Markdown constructs are found by markdown-it-py's own inline parser (commonmark +
  strikethrough + footnotes + GFM autolinks), instrumented to record source positions, so a
  construct is recognised exactly when a renderer would recognise it; the final check
  re-parses the draft and compares the inline token structure with the source's.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

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


# --------------------------------------------------------------------------- spans
@dataclass(slots=True)
class _Span:
    """A markup span of the source: atomic ``[start, end)`` or a pair's two delimiters."""

    start: int
    end: int
    role: str
    tag: str = "x"
    close_start: int = -1  # pairs only: the closing delimiter [close_start, close_end)
    close_end: int = -1


# --------------------------------------------------------------------------- markdown
class _RecordingState(StateInline):
    """StateInline that remembers where each token was pushed and which were pending text."""

    def __init__(self, src: str, md: MarkdownIt, env: Any, out: list[Token]) -> None:
        super().__init__(src, md, env, out)
        self.push_pos: dict[int, int] = {}
        self.flushed: set[int] = set()
        self.calls: list[tuple[str, int, int, int, list[tuple[Token, int]]]] = []

    def pushPending(self) -> Token:
        token = super().pushPending()
        self.flushed.add(id(token))
        return token

    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        token = super().push(ttype, tag, nesting)
        self.push_pos[id(token)] = self.pos
        return token


def _recording_tokenize(md: MarkdownIt) -> Callable[[StateInline], None]:
    """markdown-it's inline tokenize loop, recording each successful rule call's extent."""
    named = [(rule.name, rule.fn) for rule in md.inline.ruler.__rules__ if rule.enabled]

    def tokenize(state: StateInline) -> None:
        end = state.posMax
        max_nesting = state.md.options["maxNesting"]
        recording = isinstance(state, _RecordingState)
        while state.pos < end:
            pos = state.pos
            ok = False
            if state.level < max_nesting:
                for name, rule in named:
                    pending_before = len(state.pending)
                    n0 = len(state.tokens)
                    ok = rule(state, False)
                    if ok:
                        if state.pos <= pos:
                            raise RuntimeError("inline rule didn't increment state.pos")
                        if recording and name != "text":
                            assert isinstance(state, _RecordingState)
                            state.calls.append(
                                (name, pos, state.pos, pending_before,
                                 [(t, len(t.content)) for t in state.tokens[n0:]])
                            )
                        break
            if ok:
                if state.pos >= end:
                    break
                continue
            state.pending += state.src[state.pos]
            state.pos += 1
        if state.pending:
            state.pushPending()

    return tokenize


@cache
def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark").enable("strikethrough")
    md.use(footnote_plugin).use(gfm_autolink_plugin)
    md.inline.tokenize = _recording_tokenize(md)  # type: ignore[method-assign,assignment]
    return md


class _AnyReference(dict[str, Any]):
    """Reference table that resolves every label: a segment does not see the article's
    link reference definitions, and ``[text][label]`` must still be recognised as a link."""

    def get(self, key: str, default: Any = None) -> Any:
        if key.startswith("^"):
            return default
        return {"href": f"ref:{key}", "title": ""}

    def __contains__(self, key: object) -> bool:
        return not (isinstance(key, str) and key.startswith("^"))


def _env(text: str) -> dict[str, Any]:
    refs = {":" + m.group(1): -1 for m in re.finditer(r"\[\^([^\]\s]+)\]", text)}
    return {"references": _AnyReference(), "footnotes": {"refs": refs, "list": {}}}


def _parse_markdown(text: str) -> tuple[_RecordingState, list[Token]]:
    md = _markdown()
    tokens: list[Token] = []
    state = _RecordingState(text, md, _env(text), tokens)
    md.inline.tokenize(state)
    for rule in md.inline.ruler2.getRules(""):
        rule(state)
    return state, state.tokens


_ATOMIC_RULES = {
    "newline": "break",
    "escape": "escape",
    "backticks": "code",
    "image": "image",
    "footnote_inline": "footnote",
    "footnote_ref": "footnote",
    "autolink": "url",
    "html_inline": "html",
    "entity": "entity",
    "gfm_autolink_www": "url",
    "gfm_autolink_protocol": "url",
    "gfm_autolink_email": "url",
}
_PAIR_TAGS = {"em_open": "em", "strong_open": "strong", "s_open": "del"}


def _markdown_spans(text: str) -> list[_Span]:
    state, tokens = _parse_markdown(text)
    spans: list[_Span] = []
    delim_pos: dict[int, tuple[int, int]] = {}
    for name, s, e, pending_before, pushed_len in state.calls:
        pushed = [t for t, _ in pushed_len]
        if pushed and id(pushed[0]) in state.flushed and pending_before:
            trim = pending_before - pushed_len[0][1]
        elif pushed and pending_before:
            trim = pending_before
        else:
            trim = 0
        start = s - trim
        if name in ("emphasis", "strikethrough"):
            at = s
            for tok, width in pushed_len:
                if id(tok) in state.flushed:
                    continue
                delim_pos[id(tok)] = (at, at + width)
                at += width
        elif name == "link":
            opens = [t for t in pushed if t.type == "link_open" and id(t) in state.push_pos]
            close = pushed[-1] if pushed else None
            if not opens or close is None or close.type != "link_close":
                spans.append(_Span(start, e, "html"))
                continue
            label_start = state.push_pos[id(opens[0])]
            label_end = state.push_pos[id(close)]
            tail = text[label_end:e]
            if tail in ("]", "][]"):  # shortcut/collapsed reference: the label is the key
                spans.append(_Span(start, e, "link-ref"))
            else:
                spans.append(_Span(start, label_start, "link", "a", label_end, e))
        elif name in _ATOMIC_RULES:
            spans.append(_Span(start, e, _ATOMIC_RULES[name]))
        else:
            spans.append(_Span(start, e, name))
    # Resolve emphasis/strikethrough: matched delimiters become pairs, the rest atoms.
    flat = tokens
    open_stack: list[tuple[str, int, int]] = []
    for tok in flat:
        if tok.type in _PAIR_TAGS:
            p = delim_pos.get(id(tok))
            if p is None:
                continue
            width = len(tok.markup)
            open_stack.append((tok.type, p[1] - width, p[1]))
        elif tok.type in ("em_close", "strong_close", "s_close"):
            p = delim_pos.get(id(tok))
            if p is None or not open_stack:
                continue
            otype, os_, oe = open_stack.pop()
            width = len(tok.markup)
            spans.append(_Span(os_, oe, _PAIR_TAGS[otype], _PAIR_TAGS[otype], p[0], p[0] + width))
    # Delimiter characters no pair claimed stay literal: protect them as atoms.
    claimed: set[int] = set()
    for sp in spans:
        if sp.role in ("em", "strong", "del"):
            claimed.update(range(sp.start, sp.end))
            claimed.update(range(sp.close_start, sp.close_end))
    loose = sorted(
        {at for a, b in delim_pos.values() for at in range(a, b)} - claimed
    )
    for at in loose:
        if spans and spans[-1].role == "delimiter" and spans[-1].end == at:
            spans[-1].end = at + 1
        else:
            spans.append(_Span(at, at + 1, "delimiter"))
    return _merge_html_atoms(text, spans)


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


def _merge_html_atoms(text: str, spans: list[_Span]) -> list[_Span]:
    """Turn ``<sup>1</sup>`` into one atom and ``<a href>…</a>`` into a pair."""
    spans.sort(key=lambda sp: sp.start)
    result: list[_Span] = []
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
                result.append(_Span(sp.start, spans[j].end, "html"))
                skip_until = spans[j].end
                continue
            if j is not None and name in _PAIRABLE_HTML:
                close = spans[j]
                result.append(
                    _Span(sp.start, sp.end, "html-" + name, _PAIRABLE_HTML[name],
                          close.start, close.end)
                )
                consumed.add(j)
                continue
        result.append(sp)
    return result


def _matching_close(text: str, spans: list[_Span], i: int, name: str) -> int | None:
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


# --------------------------------------------------------------------------- html format
_HTML_PIECE_RE = re.compile(
    r"<!--.*?-->|<[A-Za-z/!][^<>]*>|&(?:#\d+|#[xX][0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);", re.S
)


def _html_spans(text: str) -> list[_Span]:
    raw = [_Span(m.start(), m.end(), "html") for m in _HTML_PIECE_RE.finditer(text)]
    for sp in raw:
        if text.startswith("&", sp.start):
            sp.role = "entity"
    return _merge_html_atoms(text, raw)


# --------------------------------------------------------------------------- protect
def _text_atoms(text: str, start: int, end: int, fmt: Fmt) -> list[_Span]:
    """Atoms inside plain-text stretches: superscript markers and bare URLs."""
    found = [
        _Span(m.start(), m.end(), "superscript")
        for m in _SUPERSCRIPT_RE.finditer(text, start, end)
    ]
    found += [_Span(m.start(), m.end(), "url") for m in _URL_RE.finditer(text, start, end)]
    found.sort(key=lambda sp: sp.start)
    kept: list[_Span] = []
    for sp in found:
        if kept and sp.start < kept[-1].end:
            continue
        kept.append(sp)
    del fmt
    return kept


def _spans(core: str, fmt: Fmt) -> list[_Span]:
    if fmt == "markdown":
        spans = _markdown_spans(core)
    elif fmt == "html":
        spans = _html_spans(core)
    else:
        spans = []
    # Drop anything nested inside an atom (e.g. emphasis inside a shortcut reference link).
    atoms = sorted((sp for sp in spans if sp.tag == "x"), key=lambda sp: sp.start)
    def inside_atom(sp: _Span) -> bool:
        return any(a.start <= sp.start and sp.end <= a.end and a is not sp for a in atoms)
    spans = [sp for sp in spans if not inside_atom(sp)]
    # Text stretches: the complement of every delimiter/atom extent.
    marks: list[tuple[int, int]] = []
    for sp in spans:
        marks.append((sp.start, sp.end))
        if sp.close_start >= 0:
            marks.append((sp.close_start, sp.close_end))
    marks.sort()
    pos = 0
    extra: list[_Span] = []
    for s, e in [*marks, (len(core), len(core))]:
        if s > pos:
            extra += _text_atoms(core, pos, s, fmt)
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
    events: list[tuple[int, int, int, str, _Span]] = []
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
        _, tokens = _parse_markdown(text.strip())
        _flatten(tokens, sig)
    elif kind == "html":
        sig = [("html", m.group(0)) for m in _HTML_PIECE_RE.finditer(text)]
    core = text.strip()
    sig += [("superscript", m.group(0)) for m in _SUPERSCRIPT_RE.finditer(core)]
    if kind == "text":
        sig += [("url", m.group(0)) for m in _URL_RE.finditer(core)]
    return sig


def _flatten(tokens: Sequence[Token], sig: list[tuple[str, ...]]) -> None:
    for tok in tokens:
        if tok.type == "text":
            continue
        attrs = " ".join(f"{k}={v}" for k, v in sorted(tok.attrs.items()))
        content = tok.content if tok.type in ("code_inline", "html_inline", "image") else ""
        label = str(tok.meta.get("label", "")) if tok.meta else ""
        sig.append((tok.type, tok.markup, attrs, content, label))
        if tok.children and tok.type != "image":
            _flatten(tok.children, sig)
