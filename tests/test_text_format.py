"""Plain-text format: title, paragraphs, list items, byte-exact reassembly."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.conftest import corpus_path
from transflow.formats import format_for
from transflow.formats.text import FORMAT, parse, render

GOLDEN = Path(__file__).resolve().parent / "golden" / "text"


def kinds_and_texts(source: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in parse(source).segments]


def test_registry_maps_txt() -> None:
    assert format_for("articles/x.txt") is FORMAT


def test_title_paragraphs_and_soft_breaks() -> None:
    source = "Title\n\nOne para\nwrapped.\n\n\nTwo.\n"
    assert kinds_and_texts(source) == [
        ("title", "Title"),
        ("paragraph", "One para wrapped."),
        ("paragraph", "Two."),
    ]


def test_first_line_is_no_title_without_a_blank_line_after_it() -> None:
    assert kinds_and_texts("Line one\nline two\n") == [("paragraph", "Line one line two")]
    assert kinds_and_texts("Only line") == [("paragraph", "Only line")]
    assert kinds_and_texts("- item\n\npara") == [("list item", "item"), ("paragraph", "para")]


@pytest.mark.parametrize("marker", ["1.", "12)", "-", "*", "•"])
def test_list_markers_and_continuation_lines(marker: str) -> None:
    source = f"  {marker} First item\n    https://example.org/x\n  {marker} Second\nAfter\n"
    doc = parse(source)
    assert [(s.kind, s.text, s.line) for s in doc.segments] == [
        ("list item", "First item https://example.org/x", 1),
        ("list item", "Second", 3),
        ("paragraph", "After", 4),
    ]
    assert source[doc.segments[0].start :].startswith("First item")


def test_not_list_markers() -> None:
    assert kinds_and_texts("-5 degrees\n2024. A year\n*emphasis*\n") == [
        ("paragraph", "-5 degrees 2024. A year *emphasis*")
    ]


@pytest.mark.parametrize(
    "source",
    [
        "Title\r\n\r\nPara\r\nwrapped\r\n",
        "No final newline",
        "",
        "\n\n   \n",
        "  1. item  \n     cont   \n\nx",
        "a\u2028b\x0cc\n\nd\r",
    ],
)
def test_identity_is_byte_exact(source: str) -> None:
    doc = parse(source)
    assert render(doc, lambda s: s.text) == source
    assert render(doc, lambda s: None) == source
    for segment in doc.segments:
        span = source[segment.start : segment.end]
        assert span == span.strip(" \t\r\n")
        assert re.sub(r"[ \t\r\n\f\v]+", " ", span) == segment.text


def test_translation_keeps_crlf_indentation_and_trailing_spaces() -> None:
    source = "Titel\r\n\r\n  - Eerste punt\r\n    vervolg  \r\nEinde"
    doc = parse(source)
    nl_en = {"Titel": "Title", "Eerste punt vervolg": "First point", "Einde": "End"}
    assert render(doc, lambda s: nl_en[s.text]) == "Title\r\n\r\n  - First point  \r\nEnd"
    forced = render(doc, lambda s: s.text, keep_identical=False)
    assert forced == "Titel\r\n\r\n  - Eerste punt vervolg  \r\nEinde"
    assert parse(forced).segments == [s for s in parse(forced).segments if s.text in nl_en]


@pytest.mark.parametrize("case", sorted(GOLDEN.glob("*.txt")), ids=lambda p: p.name)
def test_golden(case: Path) -> None:
    """``case.txt`` next to ``case.txt.expect.json`` ([line, kind, msgid] per segment)."""
    source = case.read_bytes().decode("utf-8")
    doc = parse(source)
    assert render(doc, lambda s: s.text) == source
    expect = json.loads(case.with_name(case.name + ".expect.json").read_text(encoding="utf-8"))
    assert [[s.line, s.kind, s.text] for s in doc.segments] == expect


def test_seed_article() -> None:
    found = corpus_path()  # the seed lies beside the corpus, wherever that was found
    path = found.parent / "seed" / "magnesium-l-threonate.txt" if found else None
    if path is None or not path.is_file():
        pytest.skip("seed article not present")
    source = path.read_bytes().decode("utf-8")
    doc = parse(source)
    assert render(doc, lambda s: s.text) == source
    segments = doc.segments
    assert segments[0].kind == "title" and segments[0].text.startswith("Magnesium L-threonaat")
    items = [s for s in segments if s.kind == "list item"]
    sources = [s for s in items if s.text[:1] != s.text[:1].lower() and "et al." in s.text]
    assert len(sources) == 4  # Slutsky, Sun, Zhang, Lopresti
    first = next(s for s in items if s.text.startswith("Information about"))
    assert first.text.endswith(
        "Wikipedia: Magnesium L-threonate. https://en.wikipedia.org/wiki/Magnesium_L-threonate"
    )
    assert len([s for s in items if s.line in range(25, 35)]) == 7
    bullets = [s.text for s in items if s.line > 35]
    assert bullets[0] == "Highest purity & maximum biological uptake"
    assert len(bullets) == 6
    # "Back to blog" right after the last numbered item is not a continuation of it
    assert any(s.text == "Back to blog" and s.kind == "paragraph" for s in segments)
    assert segments[-1].text == "1 of 3" and not source.endswith("\n")
    assert all("\n" not in s.text and "  " not in s.text for s in segments)


def test_byte_order_mark_stays_outside_the_segments() -> None:
    source = "\ufeffTitel\r\n\r\n1. Punt\r\n"
    doc = parse(source)
    assert [(s.kind, s.text, s.line) for s in doc.segments] == [
        ("title", "Titel", 1),
        ("list item", "Punt", 3),
    ]
    assert render(doc, lambda s: s.text) == source
    table = {"Titel": "Title", "Punt": "Point"}
    assert render(doc, lambda s: table[s.text]) == "\ufeffTitle\r\n\r\n1. Point\r\n"


def test_a_translation_with_newlines_stays_one_segment_and_keeps_crlf() -> None:
    source = "Title\r\n\r\nFirst para\r\nwraps here.\r\n\r\n1. Item\r\n"
    doc = FORMAT.parse(source)
    table = {"First para wraps here.": "Eerste alinea\nloopt door.\n\nNog meer."}
    out = FORMAT.render(doc, lambda s: table.get(s.text))
    assert out == "Title\r\n\r\nEerste alinea loopt door. Nog meer.\r\n\r\n1. Item\r\n"
    assert [s.kind for s in FORMAT.parse(out).segments] == [s.kind for s in doc.segments]
