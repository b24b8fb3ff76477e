"""formats.markdown_dispatch: trying only the block rules a line's first character allows
gives exactly the tokens (and recorded line spans) of markdown-it's full rule chain."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt

from transflow.formats import markdown

REPO = Path(__file__).resolve().parent.parent


def _plain() -> MarkdownIt:
    """The extraction parser without the dispatch: markdown-it's own block loop."""
    md = markdown.new_parser(block_only=True)
    del md.block.tokenize  # the instance's dispatching loop; the class's loop remains
    del md.block.ruler.getRules  # and the dispatching chains of the rules that end blocks
    return md


def _tokens(md: MarkdownIt, text: str) -> tuple[list[tuple[Any, ...]], str]:
    env: dict[str, Any] = {}
    tokens = md.parse(text, env)
    shown = [(t.type, t.tag, t.nesting, t.map, t.content, t.markup, t.info, t.level, t.block,
              t.hidden, sorted(t.meta.items())) for t in tokens]
    return shown, repr(sorted(env.items()))


def _assert_same(texts: list[str]) -> None:
    plain, dispatched = _plain(), markdown.new_parser(block_only=True)
    assert "tokenize" in vars(dispatched.block)  # the dispatching loop is installed
    assert "getRules" in vars(dispatched.block.ruler)  # and the dispatching chains
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
