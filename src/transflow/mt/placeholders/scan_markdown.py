"""The Markdown inline scanner of ``mt.placeholders``: spans from markdown-it-py's own parser.

markdown-it's inline tokenizer is replaced by an identical loop that records where each
successful rule call started and ended (``_RecordingState``, ``_recording_tokenize``), so a
construct is protected exactly when a renderer would recognise it. ``markdown_structure``
gives the comparable token sequence ``restore`` checks a draft against.

Invariants: the recording loop tokenizes exactly as markdown-it's own (same rules, same
order, same pending-text handling), so the parse is markdown-it's; spans cover source
characters only; delimiter characters that no emphasis/strikethrough pair claims become
``delimiter`` atoms, so they cannot be moved or duplicated; a segment is parsed without the
article's reference definitions, so every ``[text][label]`` resolves to a link.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import cache
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.rules_inline.state_inline import StateInline
from markdown_it.token import Token

from transflow.formats.markdown_dialect import markdown_parser
from transflow.mt.placeholders.scan_html import Span, merge_html_atoms


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
    md = markdown_parser()
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
    "math_inline": "math",
    "gfm_autolink_www": "url",
    "gfm_autolink_protocol": "url",
    "gfm_autolink_email": "url",
}
_PAIR_TAGS = {"em_open": "em", "strong_open": "strong", "s_open": "del"}


def markdown_spans(text: str) -> list[Span]:
    state, tokens = _parse_markdown(text)
    spans: list[Span] = []
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
                spans.append(Span(start, e, "html"))
                continue
            label_start = state.push_pos[id(opens[0])]
            label_end = state.push_pos[id(close)]
            tail = text[label_end:e]
            if tail in ("]", "][]"):  # shortcut/collapsed reference: the label is the key
                spans.append(Span(start, e, "link-ref"))
            else:
                spans.append(Span(start, label_start, "link", "a", label_end, e))
        elif name in _ATOMIC_RULES:
            spans.append(Span(start, e, _ATOMIC_RULES[name]))
        else:
            spans.append(Span(start, e, name))
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
            spans.append(Span(os_, oe, _PAIR_TAGS[otype], _PAIR_TAGS[otype], p[0], p[0] + width))
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
            spans.append(Span(at, at + 1, "delimiter"))
    return merge_html_atoms(text, spans)


def markdown_structure(text: str) -> list[tuple[str, ...]]:
    """markdown-it's inline tokens of ``text`` (text content left out), in order."""
    _, tokens = _parse_markdown(text)
    sig: list[tuple[str, ...]] = []
    _flatten(tokens, sig)
    return sig


_VERBATIM = frozenset({"code_inline", "html_inline", "image", "math_inline", "math_inline_double"})


def _flatten(tokens: Sequence[Token], sig: list[tuple[str, ...]]) -> None:
    for tok in tokens:
        if tok.type == "text":
            continue
        attrs = " ".join(f"{k}={v}" for k, v in sorted(tok.attrs.items()))
        content = tok.content if tok.type in _VERBATIM else ""
        label = str(tok.meta.get("label", "")) if tok.meta else ""
        sig.append((tok.type, tok.markup, attrs, content, label))
        if tok.children and tok.type != "image":
            _flatten(tok.children, sig)
