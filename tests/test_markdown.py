"""The Markdown format: golden extraction cases by folder, and targeted reassembly tests.

Golden cases: ``tests/golden/markdown/<case>.md`` next to ``<case>.md.expect.json`` (segments'
text, kind and line, and the metadata). ``TRANSFLOW_UPDATE_GOLDEN=1 pytest tests/test_markdown.py``
rewrites the expectations, so a change in extraction shows up as a reviewed diff.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import assert_markdown_golden
from transflow.errors import ArticleError
from transflow.formats.base import Document, Format, Segment
from transflow.formats.markdown import FORMAT, new_parser, parse, render

GOLDEN = Path(__file__).parent / "golden" / "markdown"
CASES = sorted(GOLDEN.glob("*.md"))
FIELDS = ("title", "description", "summary")
PARSER = new_parser()


def read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def structure(text: str) -> list[tuple[str, str, int]]:
    """Block and inline token types, without text (soft breaks fold by design)."""
    out: list[tuple[str, str, int]] = []
    for token in PARSER.parse(text):
        out.append((token.type, token.tag, token.nesting))
        for child in token.children or []:
            if child.type not in ("text", "softbreak"):
                out.append((child.type, child.tag, child.nesting))
    return out


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(case: Path) -> None:
    source, doc = assert_markdown_golden(case, FIELDS)
    for seg in doc.segments:  # each segment alone through the replace path, too
        if "\n" not in source[seg.start : seg.end]:
            one = render(doc, lambda s, seg=seg: s.text if s is seg else None, force_replace=True)
            assert one == source, seg
    # swapping case keeps the structure
    assert structure(render(doc, lambda s: s.text.swapcase())) == structure(source)


def test_format_object() -> None:
    fmt: Format = FORMAT
    assert fmt.name == "markdown"
    assert fmt.extensions == (".md", ".markdown")
    doc = fmt.parse("# Hi\n", front_matter_fields=())
    assert fmt.render(doc, lambda s: "Hallo") == "# Hallo\n"


def translate_map(mapping: dict[str, str]) -> Callable[[Segment], str | None]:
    return lambda s: mapping.get(s.text)


def rebuild(source: str, mapping: dict[str, str]) -> str:
    doc = parse(source, front_matter_fields=FIELDS)
    return render(doc, lambda s: mapping.get(s.text))


def test_none_and_empty_keep_source() -> None:
    source = "One.\n\nTwo.\n"
    doc = parse(source)
    assert render(doc, lambda s: None) == source
    assert render(doc, lambda s: "  ") == source
    assert render(doc, lambda s: "Een." if s.text == "One." else None) == "Een.\n\nTwo.\n"


def test_multiline_translation_gets_container_prefix() -> None:
    source = "> - item  \n>   two\n"
    out = rebuild(source, {"item  \ntwo": "eerste  \ntweede\nderde"})
    assert out == "> - eerste  \n>   tweede\n>   derde\n"
    assert structure(out) == structure(source)


def test_translation_cannot_add_blocks() -> None:
    source = "- Some text.\n"
    out = rebuild(source, {"Some text.": "Tekst.\n\n# kop\n1. lijst\n> quote\n===\n```"})
    assert out == "- Tekst.\n  \\# kop\n  1\\. lijst\n  \\> quote\n  \\===\n  \\```\n"
    assert structure(out) == structure(source)
    assert rebuild("Text.\n", {"Text.": "- not a list"}) == "\\- not a list\n"
    assert rebuild("Text.\n", {"Text.": "2019. A year"}) == "2019\\. A year\n"
    assert rebuild("Text.\n", {"Text.": "[a]: /url"}) == "\\[a]: /url\n"
    # harmless look-alikes are left alone
    assert rebuild("Text.\n", {"Text.": "#hashtag and 3.5 kg"}) == "#hashtag and 3.5 kg\n"
    assert rebuild("A\nB\n", {"A B": "een\n2. twee"}) == "een\n2. twee\n"


def test_table_cell_escapes_pipe_and_newline() -> None:
    source = "| a | b |\n|---|---|\n| x | y |\n"
    out = rebuild(source, {"x": "links | rechts\nmeer", "y": "al \\| ontsnapt"})
    assert out == "| a | b |\n|---|---|\n| links \\| rechts meer | al \\| ontsnapt |\n"
    assert structure(out) == structure(source)


def test_atx_heading_one_line_and_closing_hash() -> None:
    source = "## Title ##\n"
    assert rebuild(source, {"Title": "Titel\nmet C #"}) == "## Titel met C \\# ##\n"
    assert rebuild("# T\n", {"T": "C#"}) == "# C#\n"


def test_crlf_translation_uses_crlf() -> None:
    source = "> a  \r\n> b\r\n\r\nEnd\r\n"
    out = rebuild(source, {"a  \nb": "x  \ny", "End": "Eind"})
    assert out == "> x  \r\n> y\r\n\r\nEind\r\n"


def test_front_matter_quoting() -> None:
    source = "---\ntitle: Plain\ndescription: 'single'\nsummary: \"double\"\n---\nBody.\n"
    out = rebuild(source, {"Plain": "Gewoon", "single": "enkel's", "double": 'dub"bel'})
    assert out == (
        "---\ntitle: Gewoon\ndescription: 'enkel''s'\nsummary: \"dub\\\"bel\"\n---\nBody.\n"
    )
    assert rebuild(source, {"Plain": "Kop: met dubbele punt"}).startswith(
        '---\ntitle: "Kop: met dubbele punt"\n'
    )
    out = rebuild(source, {"Plain": "a: b # c", "double": "x\\y"})
    again = parse(out, front_matter_fields=FIELDS)
    assert again.metadata["title"] == "a: b # c"
    assert again.metadata["summary"] == "x\\y"


def test_toml_quoting() -> None:
    source = "+++\ntitle = 'lit'\nsummary = \"basic\"\n+++\n"
    out = rebuild(source, {"lit": "it's", "basic": 'say "hi"'})
    assert out == '+++\ntitle = "it\'s"\nsummary = "say \\"hi\\""\n+++\n'
    assert parse(out).metadata == {"title": "it's", "summary": 'say "hi"'}


def test_front_matter_errors_carry_the_line() -> None:
    with pytest.raises(ArticleError) as toml:
        parse("+++\ntitle = 'ok'\nbroken = \n+++\n")
    assert toml.value.line == 3
    with pytest.raises(ArticleError) as quote:
        parse('---\ntitle: "never closed\n---\n')
    assert quote.value.line == 2
    with pytest.raises(ArticleError) as yaml:
        parse("---\ntitle: ok\ntags: [a, b\nlang: nl\n---\nBody.\n")
    assert yaml.value.line == 4
    assert "not valid YAML" in yaml.value.message
    with pytest.raises(ArticleError) as colon:
        parse("\ufeff---\r\ntitle: ok\r\ndescription: a: b\r\n---\r\n")
    assert colon.value.line == 3


@pytest.mark.parametrize(
    ("opener", "first", "line"), [("---", "title: x", 2), ("+++", "+++ title: x", 1)]
)
def test_an_opener_that_never_closes_is_markdown_with_a_warning(
    opener: str, first: str, line: int
) -> None:
    """CommonMark reads it as a thematic break or as text: so do we, and say so."""
    source = f"{opener}\ntitle: x\n\nBody text.\n"
    doc = parse(source, front_matter_fields=FIELDS)
    assert doc.metadata == {}
    assert [s.text for s in doc.segments] == [first, "Body text."]
    assert [s.line for s in doc.segments] == [line, 4]
    assert len(doc.warnings) == 1 and "line 1" in doc.warnings[0]
    assert render(doc, lambda s: s.text) == source
    out = render(doc, lambda s: s.text.upper())
    assert [s.text for s in parse(out).segments] == [first.upper(), "BODY TEXT."]


def test_thematic_break_first_is_not_front_matter() -> None:
    doc = parse("---\n\nText.\n\n---\n\nMore.\n")
    assert [s.text for s in doc.segments] == ["Text.", "More."]
    assert doc.metadata == {}


def test_render_reparses_when_extra_is_missing() -> None:
    doc = parse("# Kop\n\nTekst.\n")
    bare = Document(doc.source, doc.segments, doc.metadata)
    assert render(bare, lambda s: s.text.upper()) == "# KOP\n\nTEKST.\n"


def test_segments_are_in_document_order_with_offsets() -> None:
    source = "Intro.[^1]\n\n[^1]: Note.\n\nOutro.\n"
    doc = parse(source)
    assert [s.text for s in doc.segments] == ["Intro.[^1]", "Note.", "Outro."]
    for seg in doc.segments:
        assert source[seg.start : seg.end] == seg.text


HOSTILE = [
    "# kop\n- lijst\n1. een\n> quote\n===\n---\n```\n    code\n<div>\n[a]: /b\n| a |\n|---|\n$$",
    "a | b",
    "tekst  \n# kop",
    "  leading\n\n\ntrailing  ",
    "ends with #",
    "<!-- open",
    "- a",
    "1) x",
    "***",
]


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_hostile_translations_keep_block_structure(case: Path) -> None:
    source = read(case)
    doc = parse(source, front_matter_fields=FIELDS)
    start = doc.extra["markdown.body_start"]
    assert isinstance(start, int)

    def blocks(text: str) -> list[tuple[str, str]]:
        return [(t.type, t.tag) for t in PARSER.parse(text) if t.type != "inline"]

    for hostile in HOSTILE:
        out = render(doc, lambda s, h=hostile: h + "".join(re.findall(r"\[\^\w+\]", s.text)))
        again = parse(out, front_matter_fields=FIELDS)
        assert list(again.metadata) == list(doc.metadata)
        after = again.extra["markdown.body_start"]
        assert isinstance(after, int)
        assert blocks(out[after:]) == blocks(source[start:]), hostile


@pytest.mark.parametrize("value", ["yes", "No", "null", "~", "12", "1.5", "2026-01-01"])
def test_a_translated_title_yaml_would_read_as_non_string_is_quoted(value: str) -> None:
    from transflow.formats.frontmatter import quote_yaml

    assert quote_yaml(value, "plain") == f'"{value}"'
    assert quote_yaml("Slaap goed", "plain") == "Slaap goed"


def test_yaml_block_scalars_in_front_matter_are_segments_and_re_indent() -> None:
    src = ("---\ndescription: >\n  A long description\n  that folds.\nsummary: |\n"
           "  Line one\n  Line two\n---\n\nBody.\n")
    fields = ["description", "summary"]
    doc = FORMAT.parse(src, front_matter_fields=fields)
    assert [(s.kind, s.text) for s in doc.segments[:2]] == [
        ("front matter: description", "A long description that folds."),
        ("front matter: summary", "Line one\nLine two"),
    ]
    table = {"A long description that folds.": "Een lange beschrijving.",
             "Line one\nLine two": "Regel een\nRegel twee"}
    out = FORMAT.render(doc, lambda s: table.get(s.text))
    assert out == ("---\ndescription: >\n  Een lange beschrijving.\nsummary: |\n"
                   "  Regel een\n  Regel twee\n---\n\nBody.\n")


HOSTILE = ["```python", "~~~", "$$ x", "<!-- note", "<script>", "<pre>", "[a]:\nhttps://x.org",
           "# kop", "- punt", "1. een", "> citaat", "---", "===", "| a | b |\n|---|---|",
           "    code?", "<div>", "regel\n\n\nnieuwe alinea", "tekst\n=====", "*"]
STRUCTURES = [
    "First para.\n\nSecond para.\n\nThird para.\n",
    "- one\n- two\n\n  more two\n- three\n\nAfter.\n",
    "> quoted one\n>\n> quoted two\n\nAfter.\n",
    "Heading\n=======\n\nBody.\n\n## Two\n\nEnd.\n",
]


@pytest.mark.parametrize("source", STRUCTURES)
@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_translation_can_change_the_block_structure(source: str, hostile: str) -> None:
    """Whatever a translator types, every other segment survives, as written."""
    doc = FORMAT.parse(source)
    translation = hostile + " tekst"  # markup alone would not be a segment at all
    for victim in doc.segments:
        out = FORMAT.render(doc, lambda s, v=victim: translation if s is v else None)
        again = FORMAT.parse(out)
        assert len(again.segments) == len(doc.segments), (victim.text, out)
        others = [(s.kind, s.text) for s in doc.segments if s is not victim]
        kept = [(s.kind, s.text) for s, o in zip(again.segments, doc.segments, strict=True)
                if o is not victim]
        assert kept == others, out
