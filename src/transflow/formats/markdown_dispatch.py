"""The block phase of markdown-it, trying at each line only the rules that can start there.

markdown-it's block parser tries every block rule in order at the start of each block (13 in
transflow's dialect), and each rule is a Python call that mostly looks at the line's first
character and gives up. Every rule but three gives up at once unless that character is its
own marker (``#`` for a heading, ``>`` for a block quote, a digit or ``*-+`` for a list …),
so :func:`dispatch_block_rules` makes the parser look the character up first and call only
the rules that can match, in their order: a third of the rule calls, the same tokens. The
table rule, tried at every line, gives up at once unless the *next* line starts as a
delimiter row (``|``, ``-`` or ``:``): it is left out where that line does not; where no
line before the next empty one starts with ``-`` or ``=``, ``lheading`` (a setext heading's
underline) is replaced by the one thing it does there (it would ask every line of the run
whether a block ends it, as the paragraph rule asks again right after). The chains rules
consult to end a block (``getRules("paragraph")`` …) are dispatched the same way. The
block state (``_State``) finds its line marks a line at a time and makes each token
without ``Token.__init__``: the same fields, set directly.

Invariants:

* **the same tokens**: a rule is left out only where its own first tests return False
  (``_MARKERS``, ``_TABLE_DELIMITER``); a line indented as code (four columns past the block
  indent) and a rule this table does not know keep markdown-it's full order.
  ``tests/test_markdown_dispatch.py`` compares every token (and the recorded line spans)
  with the plain parser on the CommonMark examples, the corpus and random block starts.
* **the loop is markdown-it's** (``ParserBlock.tokenize`` of markdown-it-py 4.x, the pinned
  version), with only the choice of rules added; nested blocks (quotes, list items) go
  through it too, since rules call ``state.md.block.tokenize``.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import accumulate, repeat
from operator import add, sub
from types import MethodType
from typing import Any, Literal, TypeVar

from markdown_it import MarkdownIt
from markdown_it.parser_block import ParserBlock
from markdown_it.ruler import Ruler
from markdown_it.rules_block import StateBlock
from markdown_it.token import Token
from markdown_it.utils import EnvType

__all__ = ["dispatch_block_rules", "main_chain_table", "new_token"]

Rule = Callable[[StateBlock, int, int, bool], bool]

#: The first characters at which each rule can match (its first test refuses any other).
#: Rules not listed (``table``, ``lheading``, ``paragraph``: they read further lines) are
#: tried at every line; ``code`` only matches indented lines, which take the full chain.
_MARKERS: dict[str, str] = {
    "code": "",
    "math_block": "$",
    "fence": "`~",
    "blockquote": ">",
    "hr": "*-_",
    "list": "*-+0123456789",
    "footnote_def": "[",
    "reference": "[",
    "html_block": "<",
    "heading": "#",
}


#: The first characters (after the indent) of the line after a table's header row: a GFM
#: table needs its delimiter row there, and its rule gives up at once without one.
_TABLE_DELIMITER = "|-:"


class _Chains:
    """The rule chain for each first character, made from one ``getRules("")`` list (and
    the same chains without the table rule, for a line whose next line cannot be a table's
    delimiter row)."""

    def __init__(self, names: list[str], rules: list[Rule]) -> None:
        self.rules = rules
        markers = {ch for name in names for ch in _MARKERS.get(name, "")}
        self.default = [r for n, r in zip(names, rules, strict=True) if n not in _MARKERS]
        self.by_first = {
            ch: [r for n, r in zip(names, rules, strict=True)
                 if n not in _MARKERS or ch in _MARKERS[n]]
            for ch in markers
        }
        plain = [(n, r) for n, r in zip(names, rules, strict=True) if n != "table"]
        self.default_no_table = [r for n, r in plain if n not in _MARKERS]
        self.by_first_no_table = {
            ch: [r for n, r in plain if n not in _MARKERS or ch in _MARKERS[n]]
            for ch in markers
        }
        # Before an empty line (or the end): no table, and no setext underline to find.
        alone = [(n, _no_underline if n == "lheading" else r) for n, r in plain]
        self.default_alone = [r for n, r in alone if n not in _MARKERS]
        self.by_first_alone = {
            ch: [r for n, r in alone if n not in _MARKERS or ch in _MARKERS[n]]
            for ch in markers
        }
        # No line of the run before the next empty one starts with "-" or "=": no setext
        # underline to find either (with the table rule, or without it).
        self.underlines = "lheading" in names
        lone = [(n, _no_underline if n == "lheading" else r)
                for n, r in zip(names, rules, strict=True)]
        self.default_no_underline = [r for n, r in lone if n not in _MARKERS]
        self.by_first_no_underline = {
            ch: [r for n, r in lone if n not in _MARKERS or ch in _MARKERS[n]]
            for ch in markers
        }

    def at(self, state: StateBlock, line: int, end_line: int) -> list[Rule]:
        """The rules that can start a block at ``line`` (their order kept): all of them
        for a line indented as code, else those its first character allows, without the
        table rule when the next line does not start as a delimiter row (the rule's own
        first tests: it needs a next line before ``end_line``, starting with ``|-:``)."""
        src = state.src
        pos = state.bMarks[line] + state.tShift[line]
        if state.sCount[line] - state.blkIndent >= 4 or pos >= len(src):
            return self.rules
        after = line + 1
        if after < end_line:
            start = state.bMarks[after] + state.tShift[after]
            if start < state.eMarks[after]:
                if self.underlines and not _underline_ahead(state, after, end_line):
                    if src[start] in _TABLE_DELIMITER:
                        return self.by_first_no_underline.get(src[pos], self.default_no_underline)
                    return self.by_first_alone.get(src[pos], self.default_alone)
                if src[start] in _TABLE_DELIMITER:
                    return self.by_first.get(src[pos], self.default)
                return self.by_first_no_table.get(src[pos], self.default_no_table)
        return self.by_first_alone.get(src[pos], self.default_alone)


#: How many lines :func:`_underline_ahead` looks at before it answers yes (``lheading`` is
#: then tried, as markdown-it would). A run of blocks with no empty line between them (a
#: thousand headings, list items or link definitions) was looked at to its end from every
#: block: quadratic in the run. Any bound gives the same tokens; this one is longer than the
#: runs of an article's lists and paragraphs, whose look it keeps whole.
_LOOK_LIMIT = 32


def _underline_ahead(state: StateBlock, line: int, end_line: int) -> bool:
    """Whether ``lheading`` could find a setext underline in the run that starts at ``line``
    (up to an empty line or ``end_line``, as far as it looks): False only when no line of
    the run starts with ``-`` or ``=``. Past :data:`_LOOK_LIMIT` lines the answer is yes,
    without looking further: only the rule's own call is then not spared."""
    src, b_marks, t_shift, e_marks = state.src, state.bMarks, state.tShift, state.eMarks
    last = min(end_line, line + _LOOK_LIMIT)
    while line < last:
        start = b_marks[line] + t_shift[line]
        if start >= e_marks[line]:
            return False
        if src[start] in "-=":
            return True
        line += 1
    return line < end_line  # the run goes on past the limit: maybe


def _no_underline(state: StateBlock, line: int, end_line: int, silent: bool) -> bool:
    """markdown-it's ``lheading`` at a line followed by an empty line or the end, where it
    finds no underline: it only leaves ``parentType`` set to "paragraph" (as it does) and
    says no, without the rule's call, its logging and its look for terminators."""
    state.parentType = "paragraph"
    return False


T = TypeVar("T")


def main_chain_table(
    ruler: Ruler[Any], make: Callable[[list[str], list[Any]], T]
) -> Callable[[], T]:
    """A function giving ``make(names, rules)`` of ``ruler``'s main chain (its enabled
    rules' names, and ``getRules("")``), made again whenever markdown-it rebuilds that chain
    (a rule added, enabled, disabled or replaced after the parser was made). Shared by the
    block and inline dispatch (``markdown_inline_dispatch``)."""
    cache: list[tuple[list[Any], T]] = []

    def table() -> T:
        rules = ruler.getRules("")
        if not cache or cache[0][0] is not rules:
            names = [r.name for r in ruler.__rules__ if r.enabled]
            cache[:] = [(rules, make(names, rules))]
        return cache[0][1]

    return table


def dispatch_block_rules(md: MarkdownIt) -> None:
    """Make ``md``'s block parser call, at each line, only the rules that can start there."""
    block = md.block
    chains = main_chain_table(block.ruler, _Chains)

    def tokenize(self: ParserBlock, state: StateBlock, startLine: int, endLine: int) -> None:
        """``ParserBlock.tokenize`` with the rules chosen by the line's first character."""
        table = chains()
        line = startLine
        maxNesting = state.md.options.maxNesting
        hasEmptyLines = False

        while line < endLine:
            state.line = line = state.skipEmptyLines(line)
            if line >= endLine:
                break
            if state.sCount[line] < state.blkIndent:
                # Termination condition for nested calls.
                break
            if state.level >= maxNesting:
                # If nesting level exceeded - skip tail to the end.
                state.line = endLine
                break

            ok = False
            for rule in table.at(state, line, endLine):
                ok = rule(state, line, endLine, False)
                if ok:
                    if state.line <= line:
                        raise RuntimeError("block rule didn't increment state.line")
                    break

            if not ok:
                raise RuntimeError("none of the block rules matched")

            # set state.tight if we had an empty line before current tag
            state.tight = not hasEmptyLines

            line = state.line

            # paragraph might "eat" one newline after it in nested lists
            if (line - 1) < endLine and state.isEmpty(line - 1):
                hasEmptyLines = True

            if line < endLine and state.isEmpty(line):
                hasEmptyLines = True
                line += 1
                state.line = line

    block.tokenize = MethodType(tokenize, block)  # type: ignore[method-assign]

    def parse(
        self: ParserBlock, src: str, md: MarkdownIt, env: EnvType, outTokens: list[Token]
    ) -> list[Token] | None:
        """``ParserBlock.parse`` with a state that makes its tokens faster (``_State``)."""
        if not src:
            return None
        state = _State(src, md, env, outTokens)
        self.tokenize(state, state.line, state.lineMax)
        return state.tokens

    block.parse = MethodType(parse, block)  # type: ignore[method-assign]
    _dispatch_terminators(md)


_new = object.__new__
_PLUS_ONE = (1).__add__


class _State(StateBlock):
    """markdown-it's block state, whose ``push`` makes the same token without a dataclass's
    ``__init__`` (keyword defaults, two default factories, ``__post_init__``): every block
    token of every article is made here, ~90 an article of the benchmark corpus."""

    def __init__(self, src: str, md: MarkdownIt, env: EnvType, tokens: list[Token]) -> None:
        """``StateBlock(src, …)``: its line marks computed for all lines at once (split,
        ``lstrip`` and running sums in C), the columns of an indent counted one character at
        a time only where it holds a tab, rather than a loop over every line's blanks; every
        other field as markdown-it's own ``__init__`` sets it (it runs, on an empty text)."""
        super().__init__("", md, env, tokens)
        self.src = src
        lines = src.split("\n")
        if src.endswith("\n"):
            lines.pop()  # (after a final "\n": no line)
        lengths = list(map(len, lines))
        t_shift = list(map(sub, lengths, map(len, map(str.lstrip, lines, repeat(" \t")))))
        b_marks = [0, *accumulate(map(_PLUS_ONE, lengths[:-1]))] if lines else []
        e_marks = list(map(add, b_marks, lengths))
        if lines and not src.endswith("\n") and t_shift[-1] == lengths[-1]:
            # a last line of blanks only, without "\n", gets no marks
            del lines[-1], b_marks[-1], e_marks[-1], t_shift[-1]
        s_count = t_shift.copy()
        if "\t" in src:
            for index, (line, indent) in enumerate(zip(lines, t_shift, strict=True)):
                if indent and "\t" in line[:indent]:
                    offset = 0
                    for character in line[:indent]:
                        offset += 4 - offset % 4 if character == "\t" else 1
                    s_count[index] = offset
        # the fake entry markdown-it adds to simplify bounds checks
        length = len(src)
        b_marks.append(length)
        e_marks.append(length)
        t_shift.append(0)
        s_count.append(0)
        self.bMarks, self.eMarks, self.tShift, self.sCount = b_marks, e_marks, t_shift, s_count
        self.bsCount = [0] * len(b_marks)
        self.lineMax = len(b_marks) - 1

    def push(self, ttype: str, tag: str, nesting: Literal[-1, 0, 1]) -> Token:
        """``StateBlock.push``: the same token (every field as ``Token(ttype, tag,
        nesting)`` sets it, then ``block`` and ``level``), the same level bookkeeping."""
        token = new_token(ttype, tag, nesting, True)
        if nesting < 0:
            self.level -= 1  # closing tag
        token.level = self.level
        if nesting > 0:
            self.level += 1  # opening tag
        self.tokens.append(token)
        return token


def new_token(ttype: str, tag: str, nesting: Literal[-1, 0, 1], block: bool) -> Token:
    """``Token(ttype, tag, nesting)`` with ``block`` set: every field as the dataclass's
    ``__init__`` (keyword defaults, two default factories, ``__post_init__``) sets it, set
    directly. The block and the inline states (``markdown_inline_dispatch``) make every
    token of a parse here."""
    token = _new(Token)
    token.type = ttype
    token.tag = tag
    token.nesting = nesting
    token.attrs = {}
    token.map = None
    token.level = 0
    token.children = None
    token.content = ""
    token.markup = ""
    token.info = ""
    token.meta = {}
    token.block = block
    token.hidden = False
    return token


def _dispatch_terminators(md: MarkdownIt) -> None:
    """Make the chains rules consult (``getRules("paragraph")``: what may end a paragraph,
    a list, a quote …) try only the rules a line's first character allows, like the loop.

    A rule asks each rule of the chain in turn whether the next line starts a block of its
    own (``silent``), stopping at the first yes: that question goes to one function that asks
    the rules the line's first character allows, in the chain's order. Same answers (a rule
    left out would have said no at its first test), a third of the calls for a list's or a
    multi-line paragraph's every line.
    """
    ruler = md.block.ruler
    plain = ruler.getRules  # the class's method, bound: markdown-it's own chains
    cache: dict[str, tuple[list[Rule], list[Rule]]] = {}

    def get_rules(chainName: str = "") -> list[Rule]:
        rules = plain(chainName)
        if not chainName or not rules:
            return rules  # the main chain: the dispatching loop chooses per line itself
        kept = cache.get(chainName)
        if kept is None or kept[0] is not rules:  # (re)built after a rule changed
            names = [r.name for r in ruler.__rules__ if r.enabled and chainName in r.alt]
            kept = cache[chainName] = (rules, [_terminates(_Chains(names, rules))])
        return kept[1]

    ruler.getRules = get_rules  # type: ignore[method-assign]


def _terminates(table: _Chains) -> Rule:
    """One rule standing for a whole chain of silent rules (see ``_dispatch_terminators``)."""
    at = table.at

    def terminates(state: StateBlock, line: int, end_line: int, silent: bool) -> bool:
        for rule in at(state, line, end_line):  # noqa: SIM110 (a loop: no generator per call)
            if rule(state, line, end_line, silent):
                return True
        return False

    return terminates
