"""Extension markup inside Markdown paragraphs (``formats/directives.py``) and the constructs
the fresh residue material showed (MDX props over blank lines, prose positional shortcode
values, template output): hostile translations and the workflow's gates.

Extraction is covered by the golden cases ``tests/golden/markdown/directives.md``,
``tests/golden/markdown/shortcodes-prose.md`` and ``tests/golden/mdx/props-blank-lines.mdx``.
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from tests.helpers import make_workspace, run
from transflow.formats import directives, shortcodes
from transflow.formats.markdown import FORMAT, MDX_FORMAT, MarkdownFormat, new_parser

PARSER = new_parser()

ADMONITIONS = """\
:::tip[Faster installs]
Use a lock file.
:::

:::warning Breaking change
Await it.
:::
"""


def _translate(source: str, table: dict[str, str], *, mdx: bool = False) -> str:
    fmt = MDX_FORMAT if mdx else FORMAT
    doc = fmt.parse(source)
    return fmt.render(doc, lambda s: table.get(s.text))


def test_an_admonition_title_stays_on_its_fence_line() -> None:
    out = _translate(ADMONITIONS, {
        "Faster installs": "Sneller [installeren]\n:::danger",
        "Breaking change": "Brekende\n\n:::\nwijziging",
    })
    assert out.splitlines()[0] == r":::tip[Sneller \[installeren\] :::danger]"
    assert out.splitlines()[4] == ":::warning Brekende ::: wijziging"
    # the fences are where they were: same number of lines, the body untouched
    assert out.count("\n") == ADMONITIONS.count("\n")
    assert [m.index for m in directives.markup_lines(out, _lines(out))] == [0, 2, 4, 6]


def test_a_body_translation_cannot_close_the_admonition() -> None:
    out = _translate(ADMONITIONS, {"Use a lock file.": "Gebruik\n:::\n::: danger Boem"})
    lines = out.splitlines()
    assert lines[1:4] == ["Gebruik", "\\:::", "\\::: danger Boem"]
    assert [m.index for m in directives.markup_lines(out, _lines(out))] == [0, 4, 6, 8]


def test_fences_and_attribute_lists_are_never_sent() -> None:
    source = ":::note\n\nBody.\n\n:::\n\nText.\n{: .notice}\n\n{:toc}\n\n## Title {#anchor}\n"
    doc = FORMAT.parse(source)
    assert [s.text for s in doc.segments] == ["Body.", "Text.", "Title"]
    out = FORMAT.render(doc, lambda s: s.text.upper())
    assert out == source.replace("Body.", "BODY.").replace("Text.", "TEXT.").replace(
        "Title {", "TITLE {")


def test_template_output_alone_is_not_a_segment() -> None:
    source = '{{ content }}\n\n<div class="n">{{ text | markdownify }}</div>\n\nHi {{ name }}.\n'
    assert [s.text for s in FORMAT.parse(source).segments] == ["Hi {{ name }}."]


def test_props_over_blank_lines_stay_props() -> None:
    source = '<Image\n  src="/a.png"\n  alt="A photo"\n\n  width={1200}\n/>\n\nAfter.\n'
    out = _translate(source, {"A photo": 'Een "foto" {x} <b>', "After.": "Daarna."}, mdx=True)
    assert out == source.replace('"A photo"', '"Een &quot;foto&quot; {x} &lt;b&gt;"').replace(
        "After.", "Daarna.")


def test_a_prose_parameter_is_escaped_for_its_quotes() -> None:
    source = '{{< details "Why not on the server?" >}}\nBody.\n{{< /details >}}\n'
    out = _translate(source, {"Why not on the server?": 'Waarom "niet" >}} {{< x >}}'})
    code = shortcodes.scan(out)[0]
    assert code.name == "details" and code.params[0].value == 'Waarom "niet" >}} {{< x >}}'
    assert [c.name for c in shortcodes.scan(out)] == ["details", "details"]
    liquid = '{% callout "info", "Let op op feestdagen" %}\nTekst.\n{% endcallout %}\n'
    out = _translate(liquid, {"Let op op feestdagen": "Mind the %} \"holidays' now"})
    assert shortcodes.scan(out)[0].params[1].value == "Mind the %&#125; &quot;holidays' now"


def _lines(text: str) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


ARTICLE = """\
---
title: Installing
---

:::tip[Faster installs]

Use a lock file.

:::

{{< details "Why not build on the server?" >}}
Because the server stays small.
{{< /details >}}
"""


@pytest.mark.parametrize(
    ("msgid", "hostile"),
    [
        ("Faster installs", "Sneller <img src=x onerror=alert(1)>"),
        ("Why not build on the server?", "Waarom [klik](javascript:alert(1))"),
    ],
)
def test_check_and_build_refuse_markup_injected_in_the_new_segments(
    tmp_path: Path, msgid: str, hostile: str
) -> None:
    root = make_workspace(tmp_path, {"a.md": ARTICLE})
    assert run(root, "sync").exit_code == 0
    path = root / "locales/nl/a.po"
    po = polib.pofile(str(path))
    assert msgid in [e.msgid for e in po]
    for entry in po:
        entry.msgstr = hostile if entry.msgid == msgid else entry.msgid + " nl"
    po.save()
    checked = run(root, "check")
    assert checked.exit_code == 3 and "unsafe-markup" in checked.output + checked.stderr
    assert run(root, "build").exit_code == 3
    assert not (root / "dist/nl/a.md").exists()


MKDOCS = """\
!!! note "Large sites"

    Sites with many pages
    should enable it.

After.
"""


def test_a_python_markdown_block_keeps_its_title_quotes_and_body_indentation() -> None:
    out = _translate(MKDOCS, {
        "Large sites": 'Grote "sites"\nmet veel',
        "Sites with many pages should enable it.":
            "Grote sites\n\n!!! danger\nmoeten het aanzetten.",
    })
    assert out == (
        "!!! note \"Grote 'sites' met veel\"\n\n"
        "    Grote sites\n    !!! danger\n    moeten het aanzetten.\n\nAfter.\n"
    )
    doc = FORMAT.parse(out)  # read back: the same block, the same three segments
    assert [s.kind for s in doc.segments] == ["admonition title", "paragraph", "paragraph"]


def test_a_github_alert_marker_is_never_sent() -> None:
    source = "> [!WARNING]\n> Run `migrate` once.\n"
    doc = FORMAT.parse(source)
    assert [s.text for s in doc.segments] == ["Run `migrate` once."]
    assert FORMAT.render(doc, lambda s: "Voer `migrate` één keer uit.") == (
        "> [!WARNING]\n> Voer `migrate` één keer uit.\n")


def test_definitions_and_abbreviations_keep_their_markers() -> None:
    source = "Term\n: A definition.\n\n*[HTML]: Hyper Text Markup Language\n"
    out = _translate(source, {
        "A definition.": "Een\n\ndefinitie.",
        "Hyper Text Markup Language": "*[X]: Hypertekst\nopmaaktaal",
    })
    assert out == "Term\n: Een definitie.\n\n*[HTML]: *[X]: Hypertekst opmaaktaal\n"


TRAILING_BACKSLASH = [
    (FORMAT, ":::tip[Faster installs]\nUse a lock file.\n:::\n", "Faster installs"),
    (FORMAT, "{{% notice info %}}\nBe careful.\n{{% /notice %}}\n", "Be careful."),
    (FORMAT, ":::note\nRead this first.\n:::\n", "Read this first."),
    (MDX_FORMAT, "<Note>Nog in **bèta**.</Note>\n", "Nog in **bèta**."),
]


@pytest.mark.parametrize(("fmt", "source", "victim"), TRAILING_BACKSLASH)
def test_a_final_backslash_in_a_translation_ends_nothing(
    fmt: MarkdownFormat, source: str, victim: str
) -> None:
    """A translation ending in ``\\`` (found by fuzzing the blind material) would escape the
    ``]`` that ends an admonition title, turn the shortcode or fence line after a paragraph
    into a hard line break, or escape the ``<`` of a component's closing tag: it is doubled,
    which reads as the one backslash."""
    doc = fmt.parse(source)
    assert victim in [s.text for s in doc.segments]
    out = fmt.render(doc, lambda s: "Vertaald \\" if s.text == victim else None)
    assert "Vertaald \\\\" in out
    assert [(t.type, t.tag) for t in PARSER.parse(out)] == [
        (t.type, t.tag) for t in PARSER.parse(source)
    ]
    inline = [c.type for t in PARSER.parse(out) if t.children for c in t.children]
    assert "hardbreak" not in inline
    again = fmt.parse(out)
    assert [s.kind for s in again.segments] == [s.kind for s in doc.segments]


def test_markup_hint_prefilter_answers_as_the_pattern() -> None:
    """``markdown._may_hold_markup`` (substring tests) says what ``_MARKUP_HINT`` says."""
    import random

    from transflow.formats import markdown

    rng = random.Random(7)
    pieces = [":", "::", ":::", "{", "{:", "[", "[!", "!", "!!!", "?", "???", "=", "===", "*",
              "*[", " ", "\t", "\n", "a", "b ", ": ", ":\t", "\n ", "\n\t", "é", "\r"]
    for _ in range(30000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        expected = markdown._MARKUP_HINT.search(text) is not None
        assert markdown._may_hold_markup(text) is expected, repr(text)
