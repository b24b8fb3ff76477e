"""formats.markdown_dispatch: trying only the block rules a line's first character allows
gives exactly the tokens (and recorded line spans) of markdown-it's full rule chain."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path
from typing import Any, Literal

import pytest
from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_core.normalize import normalize
from markdown_it.token import Token

from transflow.formats import markdown, markdown_dispatch

REPO = Path(__file__).resolve().parent.parent


def _plain() -> MarkdownIt:
    """The extraction parser without the dispatch: markdown-it's own block loop."""
    md = markdown.new_parser(block_only=True)
    del md.block.tokenize  # the instance's dispatching loop; the class's loop remains
    del md.block.ruler.getRules  # and the dispatching chains of the rules that end blocks
    del md.block.parse  # and the state that makes tokens without Token.__init__
    return md


def _tokens(md: MarkdownIt, text: str) -> tuple[list[tuple[Any, ...]], str]:
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    shown = [(t.type, t.tag, t.nesting, t.map, t.content, t.markup, t.info, t.level, t.block,
              t.hidden, sorted(t.meta.items()), t.attrs, t.children) for t in tokens]
    return shown, repr(sorted(env.items()))


def _assert_same(texts: list[str]) -> None:
    plain, dispatched = _plain(), markdown.new_parser(block_only=True)
    assert "tokenize" in vars(dispatched.block)  # the dispatching loop is installed
    assert "getRules" in vars(dispatched.block.ruler)  # and the dispatching chains
    assert "parse" in vars(dispatched.block)  # and the faster state
    for text in texts:
        assert _tokens(dispatched, text) == _tokens(plain, text), text


_STARTS = ["", " ", "  ", "   ", "    ", "\t", "> ", ">", "- ", "* ", "+ ", "1. ", "2) ", "10. ",
           "# ", "## ", "#", "$$", "```", "~~~", "***", "---", "___", "- - -", "[a]: /u",
           "[^1]: ", "[x]", "<div>", "<!-- c -->", "<a href='x'>", "| a | b |", "|---|---|",
           "===", "--", ":::", "$", "`", "~", "_", "*", "-", "+", "1", "[", "<", ">", "#",
           ":--", "-:", "|-|", "-|-", " | --- |", "|:-:|", "- |", "-\t|"]  # delimiter rows
_WORDS = ["text", "word", "a", "*em*", "`code`", "$x$", "[link](/u)", "<b>", "\\", "|"]


def _random_documents(rng: random.Random, count: int) -> list[str]:
    docs = []
    for _ in range(count):
        lines = []
        for _ in range(rng.randint(1, 14)):
            start = "".join(rng.choice(_STARTS) for _ in range(rng.randint(0, 3)))
            rest = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(0, 4)))
            lines.append(start + rest if rng.random() < 0.9 else "")
        docs.append("\n".join(lines) + rng.choice(["", "\n"]))
    return docs


def test_the_same_tokens_on_random_block_starts() -> None:
    _assert_same(_random_documents(random.Random(21), 3000))


def test_the_same_tokens_on_the_sample_articles() -> None:
    _assert_same([p.read_text(encoding="utf-8") for p in sorted(
        (REPO / "sample_articles").rglob("*.md"))])


def test_the_same_tokens_on_the_corpus(corpus: Path) -> None:
    texts = [example["markdown"] for name in ("spec.json", "gfm-spec.json",
                                              "gfm-extensions.json")
             for example in json.loads((corpus / "commonmark" / name).read_text("utf-8"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(corpus.rglob("*.md"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(corpus.rglob("*.mdx"))]
    assert len(texts) > 1000
    _assert_same(texts)


@pytest.mark.parametrize("text", ["", "\n", "a", "    code\n", "> > - # x\n", "\t- a\n\t\t- b"])
def test_edge_documents(text: str) -> None:
    _assert_same([text])


def test_the_state_marks_lines_as_markdown_it_does() -> None:
    """``_State``'s own line scan leaves every field as ``StateBlock.__init__`` does: blank
    and tab-indented lines, a last line without newline (of blanks only: no marks)."""
    md = markdown.new_parser(block_only=True)
    rng = random.Random(7)
    texts = ["", "a", "\n", "a\n", " ", " \t", "\t", "a\n  ", "a\n  \n", "\t \tx\n  \t y",
             " \t\t  ", "x\n\n\n", *(
                 "".join(rng.choice(" \t\n\nax#") for _ in range(rng.randint(0, 16)))
                 for _ in range(20000))]
    for text in texts:
        ours = markdown_dispatch._State(text, md, {}, [])
        theirs = StateBlock(text, md, {}, [])
        assert vars(ours) == vars(theirs), repr(text)


@pytest.mark.parametrize("nesting", [1, 0, -1])
def test_the_state_pushes_markdown_its_token(nesting: Literal[-1, 0, 1]) -> None:
    """Every field of ``Token`` is set by ``_State.push`` (one markdown-it adds would fail
    here), to what ``StateBlock.push`` gives it; the level bookkeeping is the same."""
    md = markdown.new_parser(block_only=True)
    ours = markdown_dispatch._State("a\n", md, {}, [])
    theirs = StateBlock("a\n", md, {}, [])
    ours.level = theirs.level = 2
    mine, reference = ours.push("x_open", "p", nesting), theirs.push("x_open", "p", nesting)
    assert [f.name for f in dataclasses.fields(Token)] == [
        "type", "tag", "nesting", "attrs", "map", "level", "children", "content", "markup",
        "info", "meta", "block", "hidden"]
    assert mine == reference and ours.level == theirs.level and ours.tokens == [mine]
    assert mine.attrs is not reference.attrs and mine.meta is not reference.meta


@pytest.mark.parametrize(
    "text", ["a\r\nb\r\n\r\n- c\r- d\r", "a\0b\n\n\0\n", "> q\r\n>\0\r\n", "x\n"]
)
def test_normalize_is_markdown_its_where_it_changes_anything(text: str) -> None:
    """The extraction parser's ``normalize`` (skipped when there is no CR and no NUL) gives
    the tokens of markdown-it's own rule."""
    theirs = markdown.new_parser(block_only=True)
    theirs.core.ruler.at("normalize", normalize)
    assert _tokens(markdown.new_parser(block_only=True), text) == _tokens(theirs, text)


class _CountingText(str):
    """A text that counts the characters read from it one at a time (``text[i]``)."""

    reads = 0

    def __getitem__(self, key: Any) -> str:  # type: ignore[override]
        _CountingText.reads += 1
        return str.__getitem__(self, key)


@pytest.mark.parametrize("line", ["# Heading {i}", "{i}. item", "[r{i}]: https://e.com/{i}",
                                  "[^{i}]: note", "> quote {i}", "<div>{i}</div>"])
def test_the_look_for_an_underline_is_short_in_a_run_of_blocks(line: str) -> None:
    """Asked at every line of a run of blocks with no empty line between them, the look for
    a setext underline stops after a bounded number of lines each time: linear in the run,
    not quadratic (it was, up to the run's end from every block)."""
    count = 2000
    text = "".join(line.format(i=i) + "\n" for i in range(count))
    state = StateBlock(text, markdown.new_parser(block_only=True), {}, [])
    state.src = _CountingText(state.src)
    _CountingText.reads = 0
    answers = [markdown_dispatch._underline_ahead(state, n, state.lineMax)
               for n in range(1, count)]
    assert all(answers[:-markdown_dispatch._LOOK_LIMIT])  # too long a run: lheading is tried
    assert _CountingText.reads <= (markdown_dispatch._LOOK_LIMIT + 1) * count


def test_a_run_of_prose_has_no_underline_and_an_underline_is_found() -> None:
    state = StateBlock("a\nb\nc\n\n", markdown.new_parser(block_only=True), {}, [])
    assert not markdown_dispatch._underline_ahead(state, 1, state.lineMax)
    state = StateBlock("a\nb\n---\n", markdown.new_parser(block_only=True), {}, [])
    assert markdown_dispatch._underline_ahead(state, 1, state.lineMax)
