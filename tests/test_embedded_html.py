"""HTML blocks inside Markdown: hostile translations are escaped, or refused by check and build.

The extraction itself is covered by the golden cases ``tests/golden/markdown/html-blocks*.md``.
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from tests.helpers import make_workspace, run
from transflow.formats.markdown import FORMAT, new_parser

PARSER = new_parser()

PULL_QUOTE = """\
# Leadership

<aside markdown="1" class="pquote">
  <img src="https://example.org/a.png" class="pquote-avatar" alt="avatar">
  I fumbled it, and I said so.
  <p markdown="1" class="pquote-credit">
— @lord, ["Tips for maintainers"](https://lord.io/blog/)
  </p>
</aside>
Right after the aside.

<figure><img src="c.png" alt="A chart"><figcaption>The caption</figcaption></figure>

The end.
"""


def blocks(text: str) -> list[tuple[str, str]]:
    return [(t.type, t.tag) for t in PARSER.parse(text) if t.type != "inline"]


HOSTILE = [
    "regel\n\n\nnieuwe alinea",
    "# kop\n- lijst\n\n> quote",
    "<!-- open",
    "tekst\n\n<div>",
    "```\ncode",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_no_translation_of_html_block_text_changes_the_markdown_blocks(hostile: str) -> None:
    doc = FORMAT.parse(PULL_QUOTE)
    embedded = [s for s in doc.segments if s.line in range(3, 13)]
    assert len(embedded) >= 5
    for victim in embedded:
        out = FORMAT.render(doc, lambda s, v=victim: hostile if s is v else None)
        assert blocks(out) == blocks(PULL_QUOTE), (victim.text, out)
        again = FORMAT.parse(out)
        assert [s.text for s in again.segments if s.line > 13] == ["The end."]


def test_quotes_in_an_attribute_translation_are_escaped() -> None:
    doc = FORMAT.parse(PULL_QUOTE)
    hostile = 'Een "grafiek" > <script>alert(1)</script>'
    out = FORMAT.render(doc, lambda s: hostile if s.text == "A chart" else None)
    assert 'alt="Een &quot;grafiek&quot; &gt; &lt;script&gt;alert(1)&lt;/script&gt;"' in out
    again = FORMAT.parse(out)
    assert hostile in [s.text for s in again.segments]
    assert len(again.segments) == len(doc.segments)


def test_a_translation_keeps_a_block_opening_lone_tag_on_its_line() -> None:
    source = "<Warning>\n*bar* text\n</Warning>\n\nAfter.\n"
    doc = FORMAT.parse(source)
    out = FORMAT.render(doc, lambda s: s.text.swapcase())
    assert out.startswith("<wARNING>\n")
    assert blocks(out) == blocks(source)


def test_identity_and_translation_of_a_pull_quote() -> None:
    doc = FORMAT.parse(PULL_QUOTE)
    assert FORMAT.render(doc, lambda s: s.text) == PULL_QUOTE
    table = {
        "I fumbled it, and I said so.": "Ik heb het verknoeid, en dat zei ik ook.",
        "Right after the aside.": "Direct na de aside.",
        "The caption": "Het <em>onderschrift</em>",
    }
    out = FORMAT.render(doc, lambda s: table.get(s.text))
    assert "  Ik heb het verknoeid, en dat zei ik ook.\n  <p markdown" in out
    assert "</aside>\nDirect na de aside.\n" in out
    assert "<figcaption>Het <em>onderschrift</em></figcaption>" in out


@pytest.mark.parametrize(
    ("hostile", "check"),
    [
        ("Ik heb het verknoeid.</aside><p>Nep</p>", "html-tags"),
        ("Ik heb het verknoeid.<script>alert(1)</script>", "unsafe-markup"),
        ('Ik heb het <img src=x onerror="alert(1)"> verknoeid.', "unsafe-markup"),
    ],
)
def test_markup_injected_in_a_pull_quote_is_refused_by_check_and_build(
    tmp_path: Path, hostile: str, check: str
) -> None:
    root = make_workspace(tmp_path, {"lead.md": PULL_QUOTE})
    assert run(root, "sync").exit_code == 0
    path = root / "locales/nl/lead.po"
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = hostile if entry.msgid == "I fumbled it, and I said so." else entry.msgid
    po.save()
    line = next(e.linenum for e in polib.pofile(str(path)) if e.msgstr == hostile)
    checked = run(root, "check", "--errors-only")
    assert checked.exit_code == 3
    assert f"locales/nl/lead.po:{line}: error [{check}]" in checked.stdout
    built = run(root, "build", "--allow-incomplete")
    assert not (root / "dist/nl/lead.md").exists(), built.output


QUOTED = """\
> Intro.
>
> <div class="note">
> <p>Quoted HTML
> text.</p>
> <img src="a.png" alt="Quoted alt">
> </div>
>
> After.

End.
"""


@pytest.mark.parametrize("hostile", HOSTILE)
def test_html_in_a_block_quote_is_offered_and_keeps_its_blocks(hostile: str) -> None:
    doc = FORMAT.parse(QUOTED)
    assert [s.text for s in doc.segments] == [
        "Intro.", "Quoted HTML text.", "Quoted alt", "After.", "End."
    ]
    assert FORMAT.render(doc, lambda s: s.text) == QUOTED
    for victim in doc.segments[1:3]:
        out = FORMAT.render(doc, lambda s, v=victim: hostile if s is v else None)
        assert blocks(out) == blocks(QUOTED), out
        assert [s.text for s in FORMAT.parse(out).segments][-2:] == ["After.", "End."]


MARKDOWN_LINES = """\
<div class="steps" markdown="1">
### 1. Meld je retour aan
- Log in op je account
- Kies *Retourneren* bij de bestelling
</div>
Breng het pakket naar een afleverpunt.
"""


def _inside(text: str) -> str:
    """The lines between the ``markdown="1"`` tag and ``</div>``: what kramdown reads as blocks."""
    return text.split("\n", 1)[1].split("</div>")[0]


@pytest.mark.parametrize("hostile", [*HOSTILE, "1. genummerd", "### kop", "- punt", "tekst #"])
def test_markdown_lines_after_a_markdown_1_tag_keep_their_blocks(hostile: str) -> None:
    """A heading and list items written right after ``<div markdown="1">`` are one segment
    per block with their markers outside the msgid (kramdown reads them as blocks), and no
    translation turns them into other blocks or ends the HTML block."""
    doc = FORMAT.parse(MARKDOWN_LINES)
    assert [(s.kind, s.text) for s in doc.segments] == [
        ("heading 3", "1. Meld je retour aan"),
        ("list item", "Log in op je account"),
        ("list item", "Kies *Retourneren* bij de bestelling"),
        ("paragraph", "Breng het pakket naar een afleverpunt."),
    ]
    assert FORMAT.render(doc, lambda s: s.text.swapcase()) == MARKDOWN_LINES.replace(
        "1. Meld je retour aan", "1. mELD JE RETOUR AAN"
    ).replace("Log in op je account", "lOG IN OP JE ACCOUNT").replace(
        "Kies *Retourneren* bij de bestelling", "kIES *rETOURNEREN* BIJ DE BESTELLING"
    ).replace("Breng het pakket naar een afleverpunt.", "bRENG HET PAKKET NAAR EEN AFLEVERPUNT.")
    for victim in doc.segments[:3]:
        out = FORMAT.render(doc, lambda s, v=victim: hostile if s is v else None)
        assert blocks(out) == blocks(MARKDOWN_LINES), (victim.text, out)
        assert blocks(_inside(out)) == blocks(_inside(MARKDOWN_LINES)), (victim.text, out)


def test_html_block_segments_have_their_own_lines_article_after_article() -> None:
    """Each HTML block's segments carry the line they are on, however many blocks an article
    has and whichever article was read before (the line table is kept per article text)."""
    def article(shift: int, blocks: int) -> str:
        parts = ["intro\n" * shift]
        parts += [f"<div>\n<p>Block {n} text</p>\n</div>\n\nPara {n}.\n\n" for n in range(blocks)]
        return "".join(parts)

    def lines(text: str) -> dict[str, int]:
        found = {s.text: s.line for s in FORMAT.parse(text).segments if s.text.startswith("Block")}
        want = {line.strip()[3:-4]: n for n, line in enumerate(text.split("\n"), 1)
                if line.startswith("<p>Block")}
        assert found == want
        return found

    first, second = article(0, 12), article(7, 3)
    assert lines(first)["Block 11 text"] == 2 + 6 * 11
    assert lines(second)["Block 2 text"] == 9 + 6 * 2
    assert lines(first) == lines(article(0, 12))
