"""Markup protection: identity round trip, validation of damaged drafts, corpus coverage."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from transflow.mt.engine import fake_translate
from transflow.mt.placeholders import (
    TAG_HANDLING_VERSION,
    billable_characters,
    protect,
    restore,
    structure,
)

CASES = [
    "Plain sentence with & and < signs.",
    "Some **bold**, *em*, _em_, __strong__, ***both*** and ~~gone~~ text.",
    'A [link](https://example.com/a_b "Title") and [ref link][label] and [shortcut].',
    "Magnesium helps.¹ ² Footnote[^1] and [^note-2].",
    "Inline `code *not em*` and <https://auto.link/x> and https://bare.example.org/path.",
    "An image ![alt text](img/a.png) and &amp; &nbsp; entities, escape \\* star.",
    "Raw <sup>3</sup> and <b>bold html</b> and <a href=\"/x\">html link</a> <br/> end.",
    "snake_case_name and 2 * 3 and a lone ** pair.",
    "Hard break  \nnext line",
    "  leading and trailing whitespace kept  ",
]


@pytest.mark.parametrize("text", CASES)
def test_identity_round_trip_is_exact(text: str) -> None:
    protected = protect(text)
    restored = restore(protected, protected.text)
    assert restored.problems == ()
    assert restored.text == text


@pytest.mark.parametrize("text", CASES)
def test_fake_translation_keeps_structure(text: str) -> None:
    protected = protect(text)
    restored = restore(protected, fake_translate(protected.text))
    assert restored.ok, restored.problems
    assert structure(restored.text) == structure(text)
    if any(ch.isalpha() for ch in re.sub(r"<[^>]+>", "", protected.text)):
        assert restored.text != text


def test_urls_and_link_targets_are_never_sent() -> None:
    protected = protect('See [the docs](https://example.com/secret "T") now.')
    assert "example.com" not in protected.text
    assert protected.text == 'See <a id="1">the docs</a> now.'
    assert protect("x ¹").text == 'x <x id="1"/>'


def test_text_is_xml_escaped_and_billing_counts_text_nodes() -> None:
    protected = protect("a < b & c")
    assert protected.text == "a &lt; b &amp; c"
    assert billable_characters('<em id="1">ab</em> &amp;') == 4
    assert TAG_HANDLING_VERSION == "v2"


def test_dropped_placeholder_is_reported_and_marker_kept() -> None:
    protected = protect("Magnesium helps.[^1] Really.")
    damaged = protected.text.replace('<x id="1"/>', "")
    restored = restore(protected, damaged)
    assert any("missing" in p for p in restored.problems)
    assert "[^1]" in restored.text


def test_moved_footnote_marker_is_reported() -> None:
    protected = protect("Magnesium helps sleep.¹")
    moved = '<x id="1"/> ' + protected.text.replace('<x id="1"/>', "")
    restored = restore(protected, moved)
    assert any("moved to the start" in p for p in restored.problems)


def test_duplicate_and_unbalanced_tags_are_reported() -> None:
    protected = protect("A **bold** word.")
    assert restore(protected, 'A <strong id="1">b</strong><strong id="1">c</strong>').problems
    assert restore(protected, 'A <strong id="1">bold word.').problems
    assert restore(protected, "A </em>bold word.").problems


def test_whitespace_pushed_inside_emphasis_is_moved_out() -> None:
    protected = protect("Een **vet** woord.")
    restored = restore(protected, 'A<strong id="1"> bold </strong>word.')
    assert restored.text == "A **bold** word."
    assert restored.ok


def test_empty_link_text_is_reported() -> None:
    protected = protect("Read [the guide](https://x.org) today.")
    restored = restore(protected, 'Lees vandaag<a id="1"></a> de gids.')
    assert any("lost its text" in p for p in restored.problems)


def test_html_format_pairs_and_atoms() -> None:
    text = 'Zie <a href="https://x.nl">de <em>gids</em></a>&nbsp;nu<sup>2</sup>.'
    protected = protect(text, "html")
    assert "https://x.nl" not in protected.text
    assert restore(protected, protected.text).text == text
    restored = restore(protected, fake_translate(protected.text))
    assert restored.ok, restored.problems


def _crude_paragraphs(path: Path) -> list[str]:
    out = []
    for para in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        para = para.strip()
        if para and not para.startswith(("```", "---", "|", "    ", "+++")):
            out.append(" ".join(line.strip() for line in para.splitlines()))
    return out


@pytest.mark.corpus
def test_corpus_paragraphs_keep_their_markup(corpus: Path) -> None:
    paragraphs = [
        para
        for path in sorted((corpus / "articles").glob("*/*.md"))
        for para in _crude_paragraphs(path)
    ]
    assert len(paragraphs) > 500
    kept = 0
    for para in paragraphs:
        protected = protect(para)
        assert restore(protected, protected.text).text == para
        restored = restore(protected, fake_translate(protected.text))
        kept += restored.ok and structure(restored.text) == structure(para)
    assert kept == len(paragraphs)
