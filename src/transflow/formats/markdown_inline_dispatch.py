"""The inline phase of markdown-it, trying at each position only the rules that can start there.

markdown-it's inline parser tries its rules in order at every position where the ``text``
rule (first, and the one that takes runs of ordinary characters) stops: at each of about
twenty "terminator" characters (``[``, ``*``, ``-``, ``:``, ``&`` …). Every other rule of
transflow's dialect gives up at once unless the character there is its own marker (``[``
for a link, ``` ` ``` for code, ``<`` for an autolink or HTML …), so at a ``-`` or ``:`` of
prose all thirteen are called for nothing. :func:`dispatch_inline_rules` makes the parser
look the character up and call only the rules that can match, in their order; the check
gate, which parses the inline markup of every translated text (a link-heavy article's
build spends most of its time there), and machine translation's placeholders get the same
tokens sooner.

It also gives the instance a faster ``parseLinkDestination`` (:func:`link_destination`):
markdown-it's reads a destination one character at a time through a Python call each,
and a site's long URLs made it the largest single item of that inline parsing; and a
state (``_State``) that makes each token without ``Token.__init__``, as the block phase's
does (``markdown_dispatch``). Measured on the texts of a link-heavy article's catalogs
(``ropensci__2021-02-03-targets.md`` of the corpus, 1,847 texts, one process, medians of
9): 93 µs a text with markdown-it's own loops, 69 µs with the dispatch and the link
destinations, 66 µs with the state too; on the sample article's, 11.5, 8.6 and 8.3 µs
(``benchmarks/bench_inline.py`` compares the parsers as they are now).

Invariants:

* **the same tokens**: a rule is left out only at a character its own first test refuses
  (``_MARKERS``, read from the rules of markdown-it-py 4 and mdit-py-plugins pinned in
  ``pyproject.toml``); an enabled rule this table does not know (a plugin added later)
  gives the whole chain back, at every position. The one difference is outside the
  tokens: ``footnote_ref`` records an empty footnote table in ``env`` at the first
  terminator it is asked about, and is now asked only at a ``[``. The footnote rules read
  that table the same way whether it is empty or missing.
  ``tests/test_markdown_inline_dispatch.py`` compares every token with the plain parser's
  on the CommonMark and GFM examples, the corpus, the sample articles and random texts.
* **the loops are markdown-it's** (``ParserInline.tokenize`` and ``skipToken`` of
  markdown-it-py 4.x), with only the choice of rules added.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import MethodType, SimpleNamespace
from typing import Literal

from markdown_it import MarkdownIt
from markdown_it import helpers as _helpers
from markdown_it.common.utils import unescapeAll
from markdown_it.helpers.parse_link_destination import _Result
from markdown_it.parser_inline import ParserInline
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType

from transflow.formats.markdown_dispatch import main_chain_table, new_token

__all__ = ["dispatch_inline_rules", "link_destination"]

Rule = Callable[[StateInline, bool], bool]

#: The characters at which each rule after ``text`` can match (its first test refuses any
#: other). ``text`` itself is tried first at every position, as markdown-it does: it takes
#: every character that is not a terminator.
_MARKERS: dict[str, str] = {
    "newline": "\n",
    "math_inline": "$",
    "escape": "\\",
    "backticks": "`",
    "strikethrough": "~",
    "emphasis": "_*",
    "link": "[",
    "image": "!",
    "footnote_inline": "^",
    "footnote_ref": "[",
    "autolink": "<",
    "html_inline": "<",
    "entity": "&",
}


class _Chains:
    """The rules after ``text`` for each character, made from one ``getRules("")`` list;
    ``by_first`` is None when a rule is not in :data:`_MARKERS` (or ``text`` is not first):
    then every position gets the whole chain."""

    def __init__(self, names: list[str], rules: list[Rule]) -> None:
        self.rules = rules
        self.by_first: dict[str, list[Rule]] | None = None
        if names[:1] != ["text"] or any(name not in _MARKERS for name in names[1:]):
            return
        rest = list(zip(names[1:], rules[1:], strict=True))
        markers = {ch for name, _ in rest for ch in _MARKERS[name]}
        self.by_first = {ch: [rule for name, rule in rest if ch in _MARKERS[name]]
                         for ch in markers}


def dispatch_inline_rules(md: MarkdownIt) -> None:
    """Make ``md``'s inline parser call, at each position, only the rules that can start
    there, and read link destinations with :func:`link_destination`."""
    inline = md.inline
    chains = main_chain_table(inline.ruler, _Chains)

    def tokenize(self: ParserInline, state: StateInline) -> None:
        """``ParserInline.tokenize`` with the rules chosen by the position's character."""
        table = chains()
        by_first = table.by_first
        if by_first is None:
            ParserInline.tokenize(self, state)
            return
        text = table.rules[0]
        src = state.src
        end = state.posMax
        maxNesting = state.md.options["maxNesting"]

        while state.pos < end:
            pos = state.pos
            ok = False
            if state.level < maxNesting:
                ok = text(state, False)
                if not ok:
                    for rule in by_first.get(src[pos], ()):
                        ok = rule(state, False)
                        if ok:
                            break
                if ok and state.pos <= pos:
                    raise RuntimeError("inline rule didn't increment state.pos")

            if ok:
                if state.pos >= end:
                    break
                continue

            state.append_pending(src[state.pos])
            state.pos += 1

        if state.pending:
            state.pushPending()

    def skipToken(self: ParserInline, state: StateInline) -> None:
        """``ParserInline.skipToken`` (the rules in validation mode, as link labels are
        read) with the rules chosen by the position's character."""
        table = chains()
        by_first = table.by_first
        if by_first is None:
            ParserInline.skipToken(self, state)
            return
        ok = False
        pos = state.pos
        cache = state.cache
        if pos in cache:
            state.pos = cache[pos]
            return

        if state.level < state.md.options["maxNesting"]:
            # The level goes up around each call, as markdown-it does (it limits recursion).
            state.level += 1
            ok = table.rules[0](state, True)
            state.level -= 1
            if not ok:
                for rule in by_first.get(state.src[pos], ()):
                    state.level += 1
                    ok = rule(state, True)
                    state.level -= 1
                    if ok:
                        break
            if ok and state.pos <= pos:
                raise RuntimeError("inline rule didn't increment state.pos")
        else:
            state.pos = state.posMax  # too much nesting: skip to the end (markdown-it's way)

        if not ok:
            state.pos += 1
        cache[pos] = state.pos

    def parse(
        self: ParserInline, src: str, md: MarkdownIt, env: EnvType, outTokens: list[Token]
    ) -> list[Token]:
        """``ParserInline.parse`` with a state that makes its tokens faster (``_State``)."""
        state = _State(src, md, env, outTokens)
        self.tokenize(state)
        for rule in self.ruler2.getRules(""):
            rule(state)
        return state.tokens

    inline.tokenize = MethodType(tokenize, inline)  # type: ignore[method-assign]
    inline.skipToken = MethodType(skipToken, inline)  # type: ignore[method-assign]
    inline.parse = MethodType(parse, inline)  # type: ignore[method-assign]
    helpers = {name: getattr(_helpers, name) for name in _helpers.__all__}  # all of them
    md.helpers = SimpleNamespace(  # type: ignore[assignment]
        **{**helpers, "parseLinkDestination": link_destination})


class _State(StateInline):
    """markdown-it's inline state, whose ``push`` and ``pushPending`` make the same tokens
    without a dataclass's ``__init__``: a text of a link-heavy article makes some twenty."""

    def pushPending(self) -> Token:
        """``StateInline.pushPending``: the pending text as a text token."""
        token = new_token("text", "", 0, False)
        # (Where mypy cannot see markdown-it, as in the build's isolated environment where
        # mypyc compiles the modules that import this one, the base is Any and the two
        # fields are only known from this class's own assignments.)
        token.content = self.pending  # type: ignore[has-type,unused-ignore]
        token.level = self.pendingLevel  # type: ignore[has-type,unused-ignore]
        self.tokens.append(token)
        self.pending = ""
        return token

    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        """``StateInline.push``: the same token, the same level and delimiter bookkeeping."""
        if self.pending:
            self.pushPending()
        token = new_token(ttype, tag, nesting, False)
        token_meta = None
        if nesting < 0:  # closing tag
            self.level -= 1
            self.delimiters = self._prev_delimiters.pop()
        token.level = self.level
        if nesting > 0:  # opening tag
            self.level += 1
            self._prev_delimiters.append(self.delimiters)
            self.delimiters = []
            token_meta = {"delimiters": self.delimiters}
        self.pendingLevel = self.level
        self.tokens.append(token)
        self.tokens_meta.append(token_meta)
        return token


#: A run of characters a bare link destination simply goes on over: not a blank, an ASCII
#: control character, a backslash or a parenthesis (each of which the loop looks at).
_PLAIN_RUN = re.compile(r"[^\x00-\x20\x7f\\()]+")


def link_destination(string: str, pos: int, maximum: int) -> _Result:
    """markdown-it's ``parseLinkDestination``: the same result, a run of ordinary
    characters taken with one regular-expression match instead of a call per character.
    A destination in ``<…>`` (rare) is left to markdown-it's own function."""
    if string.startswith("<", pos):
        return _helpers.parseLinkDestination(string, pos, maximum)
    start = pos
    level = 0
    plain = _PLAIN_RUN.match
    while pos < maximum:
        run = plain(string, pos, maximum)
        if run is not None:
            pos = run.end()
            if pos >= maximum:
                break
        char = string[pos]
        if char == "\\":
            if pos + 1 < maximum:
                if string[pos + 1] == " ":
                    break
                pos += 2
            else:
                pos += 1  # a backslash last: an ordinary character
            continue
        if char == "(":
            level += 1
            if level > 32:
                return _Result()
        elif char == ")":
            if level == 0:
                break
            level -= 1
        else:
            break  # a blank or a control character ends it
        pos += 1

    result = _Result()
    if start == pos or level != 0:
        return result
    result.str = unescapeAll(string[start:pos])
    result.pos = pos
    result.ok = True
    return result
