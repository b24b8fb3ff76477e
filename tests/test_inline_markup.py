"""Text inside the inline markup of a sentence is offered on its own (issue 11).

The enclosing msgid keeps the markup as written; the value (an inline tag's ``title``/``alt``/
``aria-label``, an image alt, a link title, a shortcode parameter written inside a sentence) is
an *inner* entry, written into the markup by ``base.splice`` wherever the enclosing translation
still carries it unchanged. Link reference definition titles are ordinary segments. Golden
extraction: ``tests/golden/markdown/inline-markup.md`` and ``tests/golden/html/*.html``.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import polib
import pytest
from markdown_it import MarkdownIt

from tests.helpers import make_workspace, run
from tests.test_injection import live
from transflow.formats import shortcodes
from transflow.formats.base import Segment
from transflow.formats.html import parse as parse_html
from transflow.formats.html import render as render_html
from transflow.formats.markdown import MDX_FORMAT, parse, render
from transflow.mt.placeholders import protect, restore

_PAGE = MarkdownIt("commonmark", {"html": True}).enable("table")


def _translate(table: dict[str, str]) -> object:
    return lambda s: table.get(s.text)


def _inner(source: str) -> list[tuple[str, str]]:
    return [(s.kind, s.text) for s in parse(source).segments if s.anchor is not None]


# --------------------------------------------------------------------------- extraction
@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('Zie <abbr title="Wereldgezondheidsorganisatie">WHO</abbr> hier.\n',
         [("attribute title of abbr in paragraph", "Wereldgezondheidsorganisatie")]),
        ('Een <img src="a.png" alt="Een kopje"> erbij.\n',
         [("attribute alt of img in paragraph", "Een kopje")]),
        ('Een <span aria-label="vijf smaken">5</span> erbij.\n',
         [("attribute aria-label of span in paragraph", "vijf smaken")]),
        ('Lees [meer](https://x.nl "Meer over magnesium") nu.\n',
         [("link title in paragraph", "Meer over magnesium")]),
        ("Zie ![Twee pillen](p.jpg (Op tafel)) nu.\n",
         [("image alt in paragraph", "Twee pillen"), ("image title in paragraph", "Op tafel")]),
        ('Zie {{< tooltip title="Uitleg bij het woord" >}} nu.\n',
         [("attribute title of shortcode tooltip in paragraph", "Uitleg bij het woord")]),
        ('Zie {% image "a.png", "Kaart van de route" %} nu.\n',
         [("attribute 2 of shortcode image in paragraph", "Kaart van de route")]),
        ('## Kop met <abbr title="uitleg in de kop">AK</abbr>\n',
         [("attribute title of abbr in heading 2", "uitleg in de kop")]),
        # markup spread over lines, also inside a block quote
        ('> Een <a href="/x"\n> title="twee regels">y</a> en ![een\n> lange alt](a.png).\n',
         [("attribute title of a in block quote", "twee regels"),
          ("image alt in block quote", "een lange alt")]),
        # template syntax as a destination is one word to the generator: still an image/link
        ('Zie ![Een kaart]({{< ref "a.png" >}} "De kaart") en [b]({{ "/b" | url }} "Titel").\n',
         [("image alt in paragraph", "Een kaart"), ("image title in paragraph", "De kaart"),
          ("link title in paragraph", "Titel")]),
        # the text of an HTML block, and of an MDX component (the HTML rules read the tags)
        ('<div class="x">\n![Een grafiek](g.svg) en {{< tip title="Uitleg" >}}\n</div>\n',
         [("image alt in text in div", "Een grafiek"),
          ("attribute title of shortcode tip in text in div", "Uitleg")]),
        # never: code spans, translate="no", values without letters
        ('Niet `<abbr title="code">` en <b translate="no" title="Merk">X</b>.\n', []),
        ('Niet <abbr title="42">x</abbr> en <a href="/x">y</a>.\n', []),
        ('Niet [a](https://x.nl "  ") en {{< ref "over-ons.md" >}}.\n', []),
    ],
)
def test_inner_segments_of_a_paragraph(source: str, expected: list[tuple[str, str]]) -> None:
    doc = parse(source)
    assert _inner(source) == expected
    assert render(doc, lambda s: s.text) == source
    if "\n" not in source.strip():  # a paragraph over lines is written back on one
        assert render(doc, lambda s: s.text, force_replace=True) == source


def test_reference_definition_titles_are_segments() -> None:
    source = (
        'Zie [a] en [b].\n\n[a]: https://x.nl "Titel met \\"quotes\\""\n'
        "[b]:\n  https://y.nl\n  'Op de volgende regel'\n[c]: (geen-titel)\n"
    )
    doc = parse(source)
    titles = [(s.text, s.line) for s in doc.segments if s.kind == "link title"]
    assert titles == [('Titel met \\"quotes\\"', 3), ("Op de volgende regel", 6)]
    assert render(doc, lambda s: s.text, force_replace=True) == source
    table = {'Titel met \\"quotes\\"': 'Title with "quotes" \\* end \\'}
    out = render(doc, _translate(table))  # type: ignore[arg-type]
    assert '[a]: https://x.nl "Title with \\"quotes\\" \\* end \\\\"\n' in out
    html = _PAGE.render(out)
    assert 'title="Title with &quot;quotes&quot; * end \\"' in html


def test_html_articles_and_html_blocks_offer_inline_attributes_too() -> None:
    source = '<p>Thee van <abbr title="biologisch geteeld">bio</abbr> kwekers.</p>\n'
    doc = parse_html(source)
    assert [(s.kind, s.text) for s in doc.segments][1:] == [
        ("attribute title of abbr in paragraph", "biologisch geteeld")
    ]
    assert render_html(doc, _translate({"biologisch geteeld": 'organic "grown"'})) == (  # type: ignore[arg-type]
        '<p>Thee van <abbr title="organic &quot;grown&quot;">bio</abbr> kwekers.</p>\n'
    )
    block = '<div class="x">\n<p>Zie <abbr title="uitleg">U</abbr>.</p>\n</div>\n\nTekst.\n'
    assert _inner(block) == [("attribute title of abbr in paragraph", "uitleg")]


def test_mdx_reads_configured_props_of_inline_components() -> None:
    source = 'Een <Tooltip title="Sluit het venster" onClose={close}>kruisje</Tooltip> hier.\n'
    doc = MDX_FORMAT.parse(source)
    assert [(s.kind, s.text) for s in doc.segments if s.anchor] == [
        ("attribute title of Tooltip in paragraph", "Sluit het venster")
    ]
    out = MDX_FORMAT.render(doc, _translate({"Sluit het venster": "Close {the} window"}))  # type: ignore[arg-type]
    assert 'title="Close {the} window"' in out


# --------------------------------------------------------------------------- the splice
SOURCE = 'Volgens de <abbr title="Wereldgezondheidsorganisatie">WHO</abbr> is dat zo.\n'
PARA = SOURCE.strip()


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        # the paragraph untranslated: the inner translation still goes into the tag
        (None, 'Volgens de <abbr title="World Health Organization">WHO</abbr> is dat zo.\n'),
        # translated, the tag kept as written (as DeepL's placeholders keep it)
        ('According to the <abbr title="Wereldgezondheidsorganisatie">WHO</abbr> it is.',
         'According to the <abbr title="World Health Organization">WHO</abbr> it is.\n'),
        # a translator who changed the value in the paragraph wins
        ('According to the <abbr title="W.H.O.">WHO</abbr> it is.',
         'According to the <abbr title="W.H.O.">WHO</abbr> it is.\n'),
    ],
)
def test_the_inner_translation_goes_where_the_tag_is_unchanged(
    paragraph: str | None, expected: str
) -> None:
    doc = parse(SOURCE)
    table = {"Wereldgezondheidsorganisatie": "World Health Organization"}
    if paragraph is not None:
        table[PARA] = paragraph
    assert render(doc, _translate(table)) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("translated", [False, True])
def test_markup_over_lines_is_found_as_written_and_as_folded(translated: bool) -> None:
    source = '> Een <a href="/x"\n> title="twee regels">y</a> hier.\n'
    doc = parse(source)
    para = doc.segments[0].text
    table = {"twee regels": "two lines"}
    if translated:  # the msgid (and DeepL's placeholder) carry the tag on one line
        table[para] = para.replace("Een", "A").replace("hier", "here")
    out = render(doc, _translate(table))  # type: ignore[arg-type]
    assert 'title="two lines"' in out and "twee" not in out


def test_two_values_of_one_tag_and_a_repeated_tag() -> None:
    tag = '<img src="x.png" alt="Kat" title="Een kat">'
    source = f"A {tag} en {tag}.\n"
    doc = parse(source)
    out = render(doc, _translate({"Kat": "Cat", "Een kat": "A cat"}))  # type: ignore[arg-type]
    assert out.count('alt="Cat" title="A cat"') == 2


def test_an_inner_segment_outside_any_enclosing_one_is_never_written() -> None:
    from transflow.formats.base import Document, enclosed, splice

    doc = Document("abc", [Segment("b", "x", 1, 1, 2, (0, 3))])
    assert enclosed(doc.segments) == []
    assert splice(doc, lambda s: "B", lambda s, t: t) == "abc"


# --------------------------------------------------------------------------- hostile values
HOSTILE = [
    # (source, msgid of the inner entry, hostile translation)
    ('Zie <abbr title="Uitleg">U</abbr>.\n', "Uitleg", '"><script>alert(1)</script>'),
    ('Zie <abbr title="Uitleg">U</abbr>.\n', "Uitleg", '" onmouseover="alert(1)'),
    ("Zie <abbr title='Uitleg'>U</abbr>.\n", "Uitleg", "' onmouseover='alert(1)"),
    ('Lees [x](https://x.nl "Uitleg") nu.\n', "Uitleg", '") [y](javascript:alert(1) "'),
    ('Lees [x](https://x.nl "Uitleg") nu.\n', "Uitleg", "eind \\"),
    ("Zie ![Een kat](k.png) nu.\n", "Een kat",
     "] (javascript:alert(1)) [<img src=x onerror=alert(1)>"),
    ('Zie {{< tip title="Uitleg" >}} nu.\n', "Uitleg", '" >}}<script>alert(1)</script>{{< x "'),
    ('Zie {% image "a.png", "Een kaart" %} nu.\n', "Een kaart", '" %}<script>alert(1)</script>'),
    ('| a | b <abbr title="Uitleg">U</abbr> |\n|---|---|\n| c | d |\n', "Uitleg", "x | y | z"),
    ('Zie [r].\n\n[r]: https://x.nl "Uitleg"\n', "Uitleg",
     '"\n\n<script>alert(1)</script>\n[r]: javascript:alert(1)'),
]


@pytest.mark.parametrize(("source", "msgid", "hostile"), HOSTILE)
def test_hostile_inner_translations_are_escaped(source: str, msgid: str, hostile: str) -> None:
    doc = parse(source)
    out = render(doc, _translate({msgid: hostile}))  # type: ignore[arg-type]
    codes = shortcodes.scan(out)
    assert len(codes) == len(shortcodes.scan(source))  # a shortcode is still one shortcode
    if codes:  # the generator replaces it; what is left is the page's own Markdown
        assert "alert(1)" in [p.value for c in codes for p in c.params][-1]  # inside it
        source, out = _without(source), _without(out)
    assert live(out) == []
    before, after = _PAGE.parse(source), _PAGE.parse(out)
    assert [t.type for t in after] == [t.type for t in before]  # the blocks stay the blocks
    shape = [(t.type, t.tag) for t in before for t in (t.children or [])]
    assert [(t.type, t.tag) for t in after for t in (t.children or [])] == shape


def _without(text: str) -> str:
    for code in reversed(shortcodes.scan(text)):
        text = text[: code.start] + "SC" + text[code.end :]
    return text


@pytest.mark.parametrize(
    ("article", "msgid", "kind"),
    [
        ('Zie de <abbr title="Wereldgezondheidsorganisatie">WHO</abbr> hier.\n',
         "Wereldgezondheidsorganisatie", "attribute title of abbr in paragraph"),
        ('Zie {% include tip.html title="Uitleg bij de tip" %} hier.\n',
         "Uitleg bij de tip", "attribute title of shortcode include in paragraph"),
        ('Zie [de site](https://x.nl "Meer over de site") hier.\n',
         "Meer over de site", "link title in paragraph"),
    ],
)
def test_check_and_build_handle_markup_injected_through_an_inner_entry(
    tmp_path: Path, article: str, msgid: str, kind: str
) -> None:
    """An attribute is written escaped (harmless text); a shortcode parameter may be written
    raw by its template and a title is refused too: ``check`` reports, ``build`` refuses."""
    make_workspace(tmp_path, {"a.md": article})
    assert run(tmp_path, "sync").exit_code == 0
    po_path = tmp_path / "locales/nl/a.po"
    po = polib.pofile(str(po_path))
    assert kind in {e.msgid: e.comment for e in po}[msgid]
    for entry in po:
        entry.msgstr = entry.msgid
        if entry.msgid == msgid:
            entry.msgstr = '"><script>alert(1)</script>'
    po.save()
    result = run(tmp_path, "check", "--errors-only", "--json")
    page = tmp_path / "dist/nl/a.md"
    if kind.startswith("attribute title of abbr"):  # escaped where it is written
        assert result.exit_code == 0
        assert run(tmp_path, "build").exit_code == 0
        assert "<script>" not in page.read_text("utf-8") and live(page.read_text("utf-8")) == []
        return
    assert result.exit_code == 3
    assert any(f["check"] == "unsafe-markup" for f in json.loads(result.stdout)["findings"])
    assert run(tmp_path, "build", "--allow-incomplete").exit_code == 3
    assert not page.exists()


def test_sync_keeps_inner_entries_states(tmp_path: Path) -> None:
    article = 'Zie de <abbr title="Wereldgezondheidsorganisatie">WHO</abbr> hier.\n'
    make_workspace(tmp_path, {"a.md": article})
    assert run(tmp_path, "sync").exit_code == 0
    po_path = tmp_path / "locales/nl/a.po"
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = entry.msgid.replace("Wereldgezondheidsorganisatie", "World Health Org.")
    po.save()
    assert run(tmp_path, "build").exit_code == 0
    page = (tmp_path / "dist/nl/a.md").read_text("utf-8")
    assert '<abbr title="World Health Org.">' in page
    (tmp_path / "articles/a.md").write_text(
        article.replace("Wereldgezondheidsorganisatie", "Wereldgezondheidsorganisatie (WHO)"),
        "utf-8",
    )
    assert run(tmp_path, "sync").exit_code == 0
    po = polib.pofile(str(po_path))
    changed = po.find("Wereldgezondheidsorganisatie (WHO)")
    assert changed is not None and "fuzzy" in changed.flags
    assert changed.previous_msgid == "Wereldgezondheidsorganisatie"
    (tmp_path / "articles/a.md").write_text("Zie de WHO hier.\n", "utf-8")  # the tag is gone
    assert run(tmp_path, "sync").exit_code == 0
    po = polib.pofile(str(po_path))
    gone = [e for e in po if e.msgid.startswith("Wereldgezondheidsorganisatie")]
    assert gone and all(e.obsolete for e in gone)


# --------------------------------------------------------------------------- DeepL's view
@pytest.mark.parametrize(
    ("text", "sent"),
    [
        ('Zie {{< tip title="Uitleg" >}} en *dit*.', 'Zie <x id="1"/> en <em id="2">dit</em>.'),
        ('Lees [deze pagina]({{< ref "a.md" >}}) nu.', 'Lees <a id="1">deze pagina</a> nu.'),
        ('Een {% image "a.png", "Een kaart" %} hier.', 'Een <x id="1"/> hier.'),
        ('Zie <abbr title="Uitleg">U</abbr>.', 'Zie <x id="1"/>U<x id="2"/>.'),
        ('Een [woordenlijst]({{ "/a/" | url }}) hier.', 'Een <a id="1">woordenlijst</a> hier.'),
    ],
)
def test_deepl_receives_the_markup_of_a_sentence_whole(text: str, sent: str) -> None:
    protected = protect(text, "markdown")
    assert protected.text == sent
    assert restore(protected, protected.text).text == text


# --------------------------------------------------------------------------- residue
def _residue_script() -> object:
    script = Path(__file__).resolve().parent.parent / "scripts" / "residue.py"
    spec = importlib.util.spec_from_file_location("transflow_residue_inline", script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_pseudo_translation_as_deepl_sees_it_keeps_placeholders() -> None:
    residue = _residue_script()
    msgid = 'Lees [meer](https://x.nl "Meer info") en ![Een kat](k.png) bij <b title="T">U</b>'
    assert residue.pseudo_placeholders(msgid) == (  # type: ignore[attr-defined]
        'lEES [MEER](https://x.nl "Meer info") EN ![Een kat](k.png) BIJ <b title="T">u</b>'
    )


def test_no_residue_on_the_inline_fixtures() -> None:
    """The realistic fixtures of ``tests/data/inline`` (both pseudo-translations)."""
    residue = _residue_script()
    fixtures = Path(__file__).parent / "data" / "inline"
    for as_engine in (False, True):
        results = residue.measure(fixtures, as_engine)  # type: ignore[attr-defined]
        assert len(results) == 4
        assert [(r.name, r.words) for r in results if r.residue] == []


def test_align_pairs_inner_entries_of_aligned_paragraphs(tmp_path: Path) -> None:
    source = (
        "# Magnesium\n\nThe <abbr title=\"World Health Organization\">WHO</abbr> advises "
        "350 mg a day, see [the table](https://x.org/t \"Daily amounts by age\").\n"
    )
    translation = (
        "# Magnesium\n\nDe <abbr title=\"Wereldgezondheidsorganisatie\">WHO</abbr> adviseert "
        "350 mg per dag, zie [de tabel](https://x.org/t "
        "\"Dagelijkse hoeveelheden per leeftijd\").\n"
    )
    make_workspace(tmp_path, {"mg.md": source})
    (tmp_path / "old").mkdir()
    (tmp_path / "old/mg.md").write_text(translation, "utf-8")
    assert run(tmp_path, "align", "articles/mg.md", "old/mg.md").exit_code == 0
    po = polib.pofile(str(tmp_path / "locales/nl/mg.po"))
    got = {e.msgid: e.msgstr for e in po}
    assert got["World Health Organization"] == "Wereldgezondheidsorganisatie"
    assert got["Daily amounts by age"] == "Dagelijkse hoeveelheden per leeftijd"
    assert run(tmp_path, "build").exit_code == 0
    assert (tmp_path / "dist/nl/mg.md").read_text("utf-8").endswith(translation[12:])
