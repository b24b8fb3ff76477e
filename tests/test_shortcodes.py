"""Shortcodes in Markdown: parameters as segments, hostile translations escaped, rest kept.

Extraction is covered by the golden cases ``tests/golden/markdown/shortcodes-*.md``.
"""

from __future__ import annotations

import random
from pathlib import Path

import polib
import pytest

from tests.helpers import make_workspace, run
from transflow.formats import shortcodes
from transflow.formats.base import Markup
from transflow.formats.markdown import FORMAT

SOURCE = """\
Intro.

{{< figure src="a.png" alt="A chart" caption="The caption" class="center" >}}

{{% notice info %}}
Be careful.
{{% /notice %}}

{% image "assets/a.svg" "Chart of answers" %}

{% include figure.html caption='A caption' %}

The end.
"""

HOSTILE = [
    'Een "grafiek"',
    "Een 'grafiek'",
    "Beide \" en ' aanhalingstekens",
    "Sluit >}} en %}} en %} af",
    "Regel een\n\nregel twee",
    "Backslash aan het eind \\",
    "`backtick` en {{< figure >}}",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_parameter_translation_stays_one_parameter(hostile: str) -> None:
    doc = FORMAT.parse(SOURCE)
    params = [s for s in doc.segments if "shortcode" in s.kind]
    assert len(params) == 4
    before = [(c.syntax, c.name, [p.name for p in c.params]) for c in shortcodes.scan(SOURCE)]
    for victim in params:
        out = FORMAT.render(doc, lambda s, v=victim: hostile if s is v else None)
        codes = shortcodes.scan(out)
        assert [(c.syntax, c.name, [p.name for p in c.params]) for c in codes] == before, out
        again = FORMAT.parse(out)
        assert [s.kind for s in again.segments] == [s.kind for s in doc.segments], out
        changed = [a.text for a, b in zip(again.segments, doc.segments, strict=True)
                   if a.text != b.text]
        assert len(changed) == 1
        # What the generator reads back: the text, with only the unavoidable entities.
        expected = " ".join(hostile.split()) if "\n" in hostile else hostile
        got = changed[0].replace("&quot;", '"').replace("&#39;", "'").replace("&#125;", "}")
        assert got.rstrip("\\ ") == expected.rstrip("\\ ").replace("`", "'") or got == expected


def test_everything_but_the_translated_values_is_kept_byte_for_byte() -> None:
    doc = FORMAT.parse(SOURCE)
    assert FORMAT.render(doc, lambda s: s.text) == SOURCE
    table = {"A chart": "Een grafiek", "The caption": "Het onderschrift",
             "Chart of answers": "Grafiek van antwoorden", "A caption": "Een 'onderschrift'",
             "Be careful.": "Pas op."}
    out = FORMAT.render(doc, lambda s: table.get(s.text))
    assert out == SOURCE.replace('alt="A chart" caption="The caption"',
                                 'alt="Een grafiek" caption="Het onderschrift"').replace(
        '"Chart of answers"', '"Grafiek van antwoorden"').replace(
        "caption='A caption'", "caption=\"Een 'onderschrift'\"").replace(
        "Be careful.", "Pas op.")


def test_positional_parameters_are_segments_where_configured_or_prose() -> None:
    """An unconfigured shortcode offers the quoted positional values that read as prose;
    configuring its name replaces the guess (``[]``: none)."""
    source = '{% gallery "one.png" "A gallery caption" "btn btn-primary" %}\n'
    guessed = FORMAT.parse(source)
    assert [(s.kind, s.text) for s in guessed.segments] == [
        ("attribute 2 of shortcode gallery", "A gallery caption")
    ]
    doc = FORMAT.parse(source, markup=Markup(shortcodes=(("gallery", (3,)),)))
    assert [s.text for s in doc.segments] == ["btn btn-primary"]  # configured: offered
    assert FORMAT.parse(source, markup=Markup(shortcodes=(("gallery", ()),))).segments == []


@pytest.mark.parametrize(
    ("value", "prose"),
    [
        ("Why not build on the server?", True),
        ("Talk: images on the web in 2025", True),
        ("Route in tekst", True),
        ("Debian", False),
        ("btn btn-primary", False),
        ("(min-width: 40em) 50vw, 100vw", False),
        ("%B %d, %Y", False),
        ("/img/a photo.jpg", False),
        ("https://example.org/a b", False),
        ("{{ page.title }} and more", False),
        ("linenos=table hl_lines", False),
    ],
)
def test_what_reads_as_prose(value: str, prose: bool) -> None:
    assert shortcodes.reads_as_prose(value) is prose


def test_control_tags_and_references_never_offer_positional_values() -> None:
    source = (
        '{% if page.kind == "Open source project" %}\n\nText.\n\n{% endif %}\n\n'
        '{{< relref "Getting started page" >}}\n'
    )
    assert [s.text for s in FORMAT.parse(source).segments] == ["Text."]


def test_props_are_configurable() -> None:
    source = '{{< figure src="a.png" alt="Alt" caption="Caption" >}}\n'
    doc = FORMAT.parse(source, markup=Markup(props=("caption",)))
    assert [s.text for s in doc.segments] == ["Caption"]


def test_workspace_configuration_reaches_the_catalog(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, {"a.md": SOURCE})
    with (root / "transflow.toml").open("a", encoding="utf-8") as fh:
        fh.write('props = ["caption"]\n\n[shortcodes]\nimage = [1, 2]\n')
    assert run(root, "sync").exit_code == 0
    msgids = [e.msgid for e in polib.pofile(str(root / "locales/nl/a.po"))]
    assert "The caption" in msgids and "A caption" in msgids
    assert "A chart" not in msgids  # alt is not in the configured props
    assert "Chart of answers" in msgids and "assets/a.svg" in msgids


def test_markup_injected_in_a_caption_is_escaped_in_the_build(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, {"a.md": SOURCE})
    assert run(root, "sync").exit_code == 0
    path = root / "locales/nl/a.po"
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = ('Kop" onload="alert()' if entry.msgid == "The caption"
                        else entry.msgid + " nl")
    po.save()
    built = run(root, "build")
    assert built.exit_code == 0, built.output
    out = (root / "dist/nl/a.md").read_text(encoding="utf-8")
    assert 'caption="Kop\\" onload=\\"alert()"' in out
    assert shortcodes.scan(out)[0].params[2].value == 'Kop" onload="alert()'


NUNJUCKS = """\
{% image "./img/" + foto, "Het formulier met een foutmelding" %}

{% image "./img/" + foto | url, "Hetzelfde formulier, nu met een icoon", "(min-width: 30em) 50vw" %}
"""


def test_nunjucks_arguments_are_counted_by_comma() -> None:
    """Eleventy's ``{% image "./img/" + name, "Alt" %}``: the alt is argument 2 (the image
    default ``[2]``), although it is the fourth value; the expression's values are parts of
    argument 1 and never segments."""
    [first, second] = shortcodes.scan(NUNJUCKS)
    assert [(p.position, p.whole) for p in first.params] == [(1, False), (1, False), (1, False),
                                                             (2, True)]
    doc = FORMAT.parse(NUNJUCKS)
    assert [(s.kind, s.text) for s in doc.segments] == [
        ("attribute 2 of shortcode image", "Het formulier met een foutmelding"),
        ("attribute 2 of shortcode image", "Hetzelfde formulier, nu met een icoon"),
    ]
    assert second.params[-1].position == 3
    # Without commas (Jekyll, Liquid) every value is its own position, as before.
    [plain] = shortcodes.scan('{% image "a.svg" "Chart of answers" %}')
    assert [(p.position, p.whole) for p in plain.params] == [(1, True), (2, True)]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_translation_of_a_nunjucks_argument_keeps_the_arguments(hostile: str) -> None:
    doc = FORMAT.parse(NUNJUCKS)
    before = [[(p.position, p.whole) for p in c.params] for c in shortcodes.scan(NUNJUCKS)]
    for victim in doc.segments:
        out = FORMAT.render(doc, lambda s, v=victim: hostile if s is v else None)
        after = [[(p.position, p.whole) for p in c.params] for c in shortcodes.scan(out)]
        assert after == before, out  # the quote may change (the other one, as in Liquid)
        assert "./img/" in out and "foto" in out


def _split_by_positions(text: str, lines: list[tuple[int, int]]) -> shortcodes.Split | None:
    """``split_lines`` by its definition, the reference: a line is covered when each of its
    characters but blanks lies inside a shortcode; a shortcode stands alone when every line
    it covers part of is covered; the other lines are grouped in runs."""
    codes = shortcodes.scan(text, lines[0][0], lines[-1][1])
    if not codes:
        return None
    inside = {p for c in codes for p in range(c.start, c.end)}
    covered = [all(p in inside for p in range(b, e) if text[p] not in " \t") for b, e in lines]
    groups: list[tuple[int, list[tuple[int, int]]]] = []
    for index, line in enumerate(lines):
        if covered[index]:
            continue
        if groups and groups[-1][0] + len(groups[-1][1]) == index:
            groups[-1][1].append(line)
        else:
            groups.append((index, [line]))
    touched = [[n for n, (b, e) in enumerate(lines) if c.start < max(e, b + 1) and b < c.end]
               for c in codes]
    return shortcodes.Split(groups, [c for c, ns in zip(codes, touched, strict=True)
                                     if all(covered[n] for n in ns)])


def test_split_lines_is_its_definition() -> None:
    rng = random.Random(13)
    pieces = ["{{< note >}}", "{{< /note >}}", "{{% tip %}}", "{{< figure src=\"a.png\" >}}",
              "{{< a\nb=1 >}}", "text", "more words", " ", "\t", "{{< x >}} and text", ""]
    for _ in range(3000):
        rows = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 3)))
                for _ in range(rng.randint(1, 8))]
        text = "\n".join(rows)
        lines, pos = [], 0
        for row in rows:
            lines.append((pos, pos + len(row)))
            pos += len(row) + 1
        assert shortcodes.split_lines(text, lines) == _split_by_positions(text, lines), text
