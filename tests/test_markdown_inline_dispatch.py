"""formats.markdown_inline_dispatch: trying only the inline rules a position's character
allows, and reading link destinations a run at a time, gives exactly the tokens of
markdown-it's full rule chain."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path
from typing import Any, Literal

import pytest
from markdown_it import MarkdownIt
from markdown_it import helpers as markdown_it_helpers
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

from tests.conftest import corpus_path
from transflow.formats import markdown_inline_dispatch
from transflow.formats.markdown_dialect import markdown_parser
from transflow.formats.markdown_inline_dispatch import link_destination

REPO = Path(__file__).resolve().parent.parent


def _plain() -> MarkdownIt:
    """The dialect's parser without the dispatch: markdown-it's own inline loops."""
    md = markdown_parser()
    del md.inline.tokenize  # the instance's dispatching loop; the class's loop remains
    del md.inline.skipToken  # and its dispatching validation (link labels)
    del md.inline.parse  # and the state that makes tokens without Token.__init__
    md.helpers = markdown_it_helpers  # and markdown-it's own link destination reader
    return md


def _shown(tokens: list[Token]) -> list[Any]:
    return [(t.type, t.tag, t.nesting, t.map, t.content, t.markup, t.info, t.level, t.block,
             t.hidden, t.attrs, sorted(t.meta.items(), key=repr),
             _shown(t.children) if t.children else t.children) for t in tokens]


def _assert_same(texts: list[str], *, blocks: bool = False) -> None:
    plain, dispatched = _plain(), markdown_parser()
    assert "tokenize" in vars(dispatched.inline)  # the dispatching loop is installed
    assert "parse" in vars(dispatched.inline)  # and the faster state
    assert dispatched.helpers.parseLinkDestination is link_destination  # and its reader
    for text in texts:
        if blocks:
            ours, theirs = dispatched.parse(text, {}), plain.parse(text, {})
        else:
            ours, theirs = dispatched.parseInline(text, {}), plain.parseInline(text, {})
        assert _shown(ours) == _shown(theirs), repr(text)


_PIECES = ["word", " ", "  ", "\n", "[", "]", "(", ")", "![", "](", "<", ">", "`", "``", "*",
           "**", "_", "__", "~~", "~", "$", "$$", "^[", "[^1]", "&amp;", "&#1;", "&", "\\",
           "\\ ", "http://e.com/a_b", "<http://e.com>", "<b>", "</b>", "<!-- c -->", ":", "-",
           "'", '"', "{", "}", "#", "@", "=", "+", "%", "!", "é", "\t", "x)", "(y", "\x7f"]


def _random_texts(rng: random.Random, count: int) -> list[str]:
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 24)))
            for _ in range(count)]


def test_the_same_tokens_on_random_inline_markup() -> None:
    _assert_same(_random_texts(random.Random(5), 20000))


def test_the_same_tokens_on_the_sample_articles() -> None:
    _assert_same([p.read_text(encoding="utf-8") for p in sorted(
        (REPO / "sample_articles").rglob("*.md"))], blocks=True)


def test_the_same_tokens_on_the_corpus(corpus: Path) -> None:
    texts = [example["markdown"] for name in ("spec.json", "gfm-spec.json",
                                              "gfm-extensions.json")
             for example in json.loads((corpus / "commonmark" / name).read_text("utf-8"))]
    texts += [p.read_text(encoding="utf-8") for p in sorted(corpus.rglob("*.md"))]
    assert len(texts) > 1000
    _assert_same(texts, blocks=True)
    _assert_same(texts)  # each as one inline text too (the checks' and placeholders' way)


@pytest.mark.parametrize("text", [
    "", "[a](<b c>)", "[a](b(c)d)", "[a](" + "(" * 33 + ")" * 33 + ")", "[a](b\\ c)",
    "[a](b\\)", "[a](\\", "![i](/x.png 'title')", "[x]: /u", "[^1] and ^[note]", "$x$ + $$y$$",
    "a  \nb", "<a href='x'>y</a>", "&copy; &#169; &#xA9; &nope;", "~~s~~ *e* __s__",
    "[" * 30 + "x" + "]" * 30, "[a](http://e.com/a\x01b)",
])
def test_edge_texts(text: str) -> None:
    _assert_same([text])


def test_a_rule_the_table_does_not_know_gets_the_whole_chain() -> None:
    """A rule added after the parser was made (a plugin) is asked at every position, as
    markdown-it would ask it: the table falls back to the full chain."""
    md = markdown_parser()
    asked: list[str] = []

    def at_sign(state: Any, silent: bool) -> bool:
        asked.append(state.src[state.pos])
        if state.src[state.pos] != "@":
            return False
        if not silent:
            state.push("mention", "", 0).content = "@"
        state.pos += 1
        return True

    md.inline.ruler.push("mention", at_sign)
    tokens = md.parseInline("a - b @ c [d](e)", {})[0].children or []
    assert [t.type for t in tokens].count("mention") == 1
    assert {"-", "@"} <= set(asked)  # asked where no known rule matched (so not at "[")
    assert "[" not in asked


def _destination(result: Any) -> tuple[bool, int, str]:
    return result.ok, result.pos, result.str


def test_link_destinations_are_read_as_markdown_it_reads_them() -> None:
    rng = random.Random(9)
    alphabet = "ab (\\)<> \n\t\x7f\x01&é%2"
    cases = ["", "a", "/u", "a b", "a(b)c", "a)b", "(a", "a\\ b", "a\\", "<a b>", "<a", "a<b",
             "&amp;", "a&#32;b", "(" * 33 + ")" * 33, "(" * 32 + ")" * 32]
    cases += ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 14)))
              for _ in range(50000)]
    for case in cases:
        for pos in range(len(case) + 1):
            for maximum in {pos, len(case), max(pos, len(case) - 1)}:
                assert _destination(link_destination(case, pos, maximum)) == _destination(
                    markdown_it_helpers.parseLinkDestination(case, pos, maximum)), (
                    case, pos, maximum)


def test_every_rule_of_the_dialect_is_in_the_table() -> None:
    """A new rule in the dialect (or a renamed one after an upgrade) must be added to the
    table with its first characters; until then the parser would quietly take the slow
    path everywhere."""
    md = markdown_parser()
    names = [rule.name for rule in md.inline.ruler.__rules__ if rule.enabled]
    assert names[0] == "text"
    assert set(names[1:]) <= set(markdown_inline_dispatch._MARKERS)
    table = markdown_inline_dispatch._Chains(names, md.inline.ruler.getRules(""))
    assert table.by_first is not None


@pytest.mark.parametrize("nesting", [1, 0, -1])
def test_the_state_pushes_markdown_its_token(nesting: Literal[-1, 0, 1]) -> None:
    """Every field of ``Token`` is set by ``_State.push`` and ``pushPending`` (one
    markdown-it adds would fail here), to what ``StateInline``'s give it; the level,
    pending and delimiter bookkeeping is the same."""
    assert [f.name for f in dataclasses.fields(Token)] == [
        "type", "tag", "nesting", "attrs", "map", "level", "children", "content", "markup",
        "info", "meta", "block", "hidden"]
    md = markdown_parser()
    ours = markdown_inline_dispatch._State("a *b*", md, {}, [])
    theirs = StateInline("a *b*", md, {}, [])
    for state in (ours, theirs):
        state.push("em_open", "em", 1)  # so that a closing tag has delimiters to restore
        state.append_pending("text before")
    mine, reference = ours.push("x", "p", nesting), theirs.push("x", "p", nesting)
    assert mine == reference and mine.attrs is not reference.attrs
    assert ours.tokens == theirs.tokens and ours.tokens_meta == theirs.tokens_meta
    assert (ours.level, ours.pendingLevel, ours.delimiters, ours._prev_delimiters) == (
        theirs.level, theirs.pendingLevel, theirs.delimiters, theirs._prev_delimiters)
    ours.append_pending("after")
    theirs.append_pending("after")
    assert ours.pushPending() == theirs.pushPending() and ours.pending == theirs.pending == ""


def test_the_checks_parser_reads_the_same_inline_markup() -> None:
    """The checks' parser leaves out ``text_join`` (text tokens only): the links, targets,
    images, code spans and emphasis it reads are those of the whole dialect's parser (on
    random texts and the sample articles' paragraphs always; on the CommonMark and GFM
    examples too where the corpus is)."""
    from transflow.checks import links

    texts = _random_texts(random.Random(11), 5000)
    texts += [paragraph for p in sorted((REPO / "sample_articles").rglob("*.md"))
              for paragraph in p.read_text(encoding="utf-8").split("\n\n")]
    corpus = corpus_path()
    if corpus is not None:
        texts += [example["markdown"] for name in ("spec.json", "gfm-spec.json") for example
                  in json.loads((corpus / "commonmark" / name).read_text("utf-8"))]
    links._inline.cache_clear()
    ours = [links._inline(text) for text in texts]
    links._inline.cache_clear()
    full = markdown_parser()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(links, "_md", lambda: full)
        theirs = [links._inline(text) for text in texts]
    links._inline.cache_clear()
    assert "text_join" not in links._md().core.ruler.get_active_rules()
    assert ours == theirs
