"""HTML and plain-text articles through the CLI: sync, status, build, edit, check.

The same workflow as Markdown (tests/test_pipeline.py), on a shop-style HTML fragment (CRLF,
uppercase tags, unclosed ``<p>``/``<li>``, unquoted attributes), a whole HTML document (title,
meta description, ``lang``, script/style/pre left alone) and a ``.txt`` article (title,
paragraphs, a numbered list with URL continuation lines, bullets).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import polib
import pytest

from tests.helpers import make_workspace, run, snapshot
from transflow import states
from transflow.checks.safety import markup_signature
from transflow.formats import format_for
from transflow.formats.html import parse
from transflow.po import catalog

REPO = Path(__file__).resolve().parent.parent

FRAGMENT = (
    "<H1>Magnesium and sleep</H1>\r\n"
    "<P>Magnesium plays a role in <STRONG>sleep quality</STRONG>, see\r\n"
    "<A HREF=https://example.org/r>the review</A>.¹\r\n"
    "<P>A typical dose is 200&nbsp;mg.<BR>Take it with food.\r\n"
    "<UL CLASS=facts>\r\n"
    "<LI>It supports 300 enzymes.\r\n"
    "<LI>Found in nuts & seeds.\r\n"
    "</UL>\r\n"
    "<IMG SRC=nuts.jpg ALT=Nuts>\r\n"
    "<p title='Say \"hi\"'>Order one of our products now.</p>\r\n"
)

DOCUMENT = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Magnesium and sleep</title>
<meta name="description" content="Why magnesium matters for sleep &amp; rest.">
<style>p { color: red }</style>
</head>
<body>
<h1>Magnesium and sleep</h1>
<p>Magnesium plays a role in <em>sleep quality</em>.</p>
<img src="a.jpg" alt='The "best" nuts &amp; seeds'>
<script>var x = "<p>not text</p>";</script>
<pre>code stays</pre>
<p class="notranslate">Brand name</p>
</body>
</html>
"""

TEXT = """\
Magnesium and sleep

Magnesium plays a role in sleep quality.
It supports 300 enzymes.

Sources

  1. Slutsky I, et al. Neuron. 2010.
     https://pubmed.ncbi.nlm.nih.gov/20152124/
  2. Another source. https://example.org/x

- Highest purity
- Lab tested
"""

ARTICLES = {"frag.html": FRAGMENT, "doc.html": DOCUMENT, "notes.txt": TEXT}

#: (extracted comment, msgid, references) per catalog entry, in catalog order.
EXPECTED = {
    "frag.html": [
        ("heading 1", "Magnesium and sleep", [1]),
        (
            "paragraph",
            "Magnesium plays a role in <STRONG>sleep quality</STRONG>, see "
            "<A HREF=https://example.org/r>the review</A>.¹",
            [2],
        ),
        ("paragraph", "A typical dose is 200&nbsp;mg.<BR>Take it with food.", [4]),
        ("list item", "It supports 300 enzymes.", [6]),
        ("list item", "Found in nuts & seeds.", [7]),
        ("attribute alt of img", "Nuts", [9]),
        ("attribute title of p", 'Say "hi"', [10]),
        ("paragraph", "Order one of our products now.", [10]),
    ],
    "doc.html": [
        ("title; heading 1", "Magnesium and sleep", [5, 10]),
        ("attribute content of meta", "Why magnesium matters for sleep & rest.", [6]),
        ("paragraph", "Magnesium plays a role in <em>sleep quality</em>.", [11]),
        ("attribute alt of img", 'The "best" nuts & seeds', [12]),
    ],
    "notes.txt": [
        ("title", "Magnesium and sleep", [1]),
        ("paragraph", "Magnesium plays a role in sleep quality. It supports 300 enzymes.", [3]),
        ("paragraph", "Sources", [6]),
        (
            "list item",
            "Slutsky I, et al. Neuron. 2010. https://pubmed.ncbi.nlm.nih.gov/20152124/",
            [8],
        ),
        ("list item", "Another source. https://example.org/x", [10]),
        ("list item", "Highest purity", [12]),
        ("list item", "Lab tested", [13]),
    ],
}

_PROTECTED = re.compile(r"<[^>]*>|&#?\w+;|https?://\S+")


def pseudo(text: str) -> str:
    """A pseudo-translation: letters swapped in case; tags, entities and URLs kept."""
    out, pos = [], 0
    for m in _PROTECTED.finditer(text):
        out += [text[pos : m.start()].swapcase(), m.group(0)]
        pos = m.end()
    return "".join([*out, text[pos:].swapcase()])


def fill(po_path: Path, translate: Callable[[str], str]) -> dict[str, str]:
    """Translate every active entry with polib, as a translator's editor would."""
    po = polib.pofile(str(po_path))
    for entry in po:
        if not entry.obsolete:
            entry.msgstr = translate(entry.msgid)
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
    po.save()
    return {e.msgid: e.msgstr for e in po if not e.obsolete}


Signature = list[tuple[str, tuple[tuple[str, str | None], ...]]]
_WORDS = {"alt", "title", "content", "aria-label", "placeholder"}


def tree(source: str) -> Signature:
    """Tags and attributes in order; translatable attribute values compared caselessly."""
    return [
        (tag, tuple((k, v.casefold() if v and k in _WORDS else v) for k, v in attrs))
        for tag, attrs in markup_signature(source)
    ]


def shape(source: str) -> Signature:
    """Tags and attributes in order, translatable attribute values left out."""
    return [
        (tag, tuple((k, None if k in _WORDS else v) for k, v in attrs))
        for tag, attrs in markup_signature(source)
    ]


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    make_workspace(tmp_path, ARTICLES)
    result = run(tmp_path, "sync")
    assert result.exit_code == 0, result.stderr
    return tmp_path


# --- sync and status ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_sync_extracts_kinds_msgids_and_references(workspace: Path, name: str) -> None:
    slug = name.rsplit(".", 1)[0]
    assert (workspace / f"locales/templates/{slug}.pot").is_file()
    po = polib.pofile(str(workspace / f"locales/nl/{slug}.po"))
    assert po.metadata["Language"] == "nl"
    got = [
        (e.comment, e.msgid, [int(line) for path, line in e.occurrences]) for e in po
    ]
    assert got == EXPECTED[name]
    assert all(path == f"articles/{name}" for e in po for path, _ in e.occurrences)
    assert all(e.msgstr == "" for e in po)


def test_html_lang_attribute_picks_the_source_language(tmp_path: Path) -> None:
    dutch = DOCUMENT.replace('lang="en"', 'lang="nl"')
    make_workspace(tmp_path, {"doc.html": dutch})
    assert run(tmp_path, "sync").exit_code == 0
    assert (tmp_path / "locales/en/doc.po").is_file()
    assert not (tmp_path / "locales/nl/doc.po").exists()


def test_sync_twice_writes_nothing(workspace: Path) -> None:
    before = snapshot(workspace)
    again = run(workspace, "sync")
    assert again.exit_code == 0 and again.stdout == ""
    assert snapshot(workspace) == before


def test_status_counts_segments_per_article(workspace: Path) -> None:
    doc = json.loads(run(workspace, "status", "--json").stdout)
    counts = {item["article"]: item["segments"] for item in doc["articles"]}
    assert counts == {f"articles/{n}": len(EXPECTED[n]) for n in ARTICLES}
    assert all(item["states"]["untranslated"] == item["segments"] for item in doc["articles"])
    fill(workspace / "locales/nl/notes.po", pseudo)
    doc = json.loads(run(workspace, "status", "--json").stdout)
    by_name = {item["article"]: item for item in doc["articles"]}
    assert by_name["articles/notes.txt"]["states"]["translated"] == len(EXPECTED["notes.txt"])
    assert by_name["articles/frag.html"]["states"]["translated"] == 0


# --- build ----------------------------------------------------------------------------------------


def as_dutch(source: str) -> str:
    """The source as the Dutch build writes it: ``<html lang>`` says nl."""
    return re.sub(r"(<html\b[^>]*?\blang=[\"']?)en\b", r"\1nl", source, flags=re.I)


def test_identity_translations_build_byte_identical_articles(workspace: Path) -> None:
    for name in ARTICLES:
        fill(workspace / f"locales/nl/{name.rsplit('.', 1)[0]}.po", lambda s: s)
    result = run(workspace, "build", "--strict")
    assert result.exit_code == 0, result.stderr
    for name, source in ARTICLES.items():
        assert (workspace / f"dist/nl/{name}").read_bytes() == as_dutch(source).encode("utf-8")
        assert (workspace / f"dist/en/{name}").read_bytes() == source.encode("utf-8")


def test_pseudo_translation_keeps_the_html_tree_and_re_extracts(workspace: Path) -> None:
    tables = {
        name: fill(workspace / f"locales/nl/{name.rsplit('.', 1)[0]}.po", pseudo)
        for name in ARTICLES
    }
    result = run(workspace, "build", "--strict")
    assert result.exit_code == 0, result.stderr
    for name, source in ARTICLES.items():
        built = (workspace / f"dist/nl/{name}").read_bytes().decode("utf-8")
        assert built != source
        if name.endswith(".html"):
            assert tree(built) == tree(as_dutch(source))
        if "\r\n" in source:
            # line endings outside segments stay CRLF; a soft break inside one is folded
            assert "\n" not in built.replace("\r\n", "")
        # Extracting the built article again yields exactly the translations, in order.
        fmt = format_for(name)
        again = [s.text for s in fmt.parse(built).segments]
        assert again == [tables[name][s.text] for s in fmt.parse(source).segments]
    text = (workspace / "dist/nl/notes.txt").read_text(encoding="utf-8")
    assert "\n  1. sLUTSKY i, ET AL. nEURON. 2010. https://pubmed.ncbi.nlm.nih.gov/20152124/\n" in (
        text
    )
    assert "\n- hIGHEST PURITY\n- lAB TESTED\n" in text
    frag = (workspace / "dist/nl/frag.html").read_text(encoding="utf-8")
    assert "<A HREF=https://example.org/r>THE REVIEW</A>" in frag
    assert "<IMG SRC=nuts.jpg ALT=nUTS>" in frag


@pytest.mark.parametrize(
    ("translation", "written"),
    [
        ('De "beste" noten & zaden', "alt='De \"beste\" noten &amp; zaden'"),
        ("Noten 'n zaden", "alt='Noten &#39;n zaden'"),
        ("R&D < noten > zaden", "alt='R&amp;D &lt; noten &gt; zaden'"),
    ],
)
def test_attribute_translation_is_escaped_for_single_quotes(
    workspace: Path, translation: str, written: str
) -> None:
    table = fill(
        workspace / "locales/nl/doc.po",
        lambda s: translation if s == 'The "best" nuts & seeds' else s,
    )
    assert table['The "best" nuts & seeds'] == translation
    assert run(workspace, "build", "--strict", "articles/doc.html").exit_code == 0
    built = (workspace / "dist/nl/doc.html").read_text(encoding="utf-8")
    assert written in built
    alts = [s.text for s in parse(built).segments if s.kind == "attribute alt of img"]
    assert alts == [translation]


def test_attribute_translations_in_double_quoted_and_unquoted_values(workspace: Path) -> None:
    fill(
        workspace / "locales/nl/doc.po",
        lambda s: 'Waarom magnesium telt voor "slaap" & rust.' if s.startswith("Why") else s,
    )
    table = {"Nuts": "Noten & zaden", 'Say "hi"': "Zeg 'hoi' & \"dag\""}
    fill(workspace / "locales/nl/frag.po", lambda s: table.get(s, s))
    result = run(workspace, "build", "--strict", "articles/doc.html", "articles/frag.html")
    assert result.exit_code == 0, result.stderr
    doc = (workspace / "dist/nl/doc.html").read_text(encoding="utf-8")
    assert 'content="Waarom magnesium telt voor &quot;slaap&quot; &amp; rust."' in doc
    frag = (workspace / "dist/nl/frag.html").read_text(encoding="utf-8")
    assert '<IMG SRC=nuts.jpg ALT="Noten &amp; zaden">' in frag
    assert "<p title='Zeg &#39;hoi&#39; &amp; \"dag\"'>" in frag
    decoded = {s.kind: s.text for s in parse(frag).segments if s.kind.startswith("attribute")}
    assert decoded == {
        "attribute alt of img": "Noten & zaden",
        "attribute title of p": "Zeg 'hoi' & \"dag\"",
    }
    assert shape(frag) == shape(FRAGMENT)
    assert shape(doc) == shape(as_dutch(DOCUMENT))


# --- editing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "edit", "changed", "removed", "added"),
    [
        (
            "frag.html",
            lambda s: s.replace("300 enzymes", "350 enzymes")
            .replace("<LI>Found in nuts & seeds.\r\n", "")
            .replace("<UL", "<P>Magnesium is found in <EM>nuts</EM>.\r\n<UL"),
            ("It supports 300 enzymes.", "It supports 350 enzymes."),
            "Found in nuts & seeds.",
            "Magnesium is found in <EM>nuts</EM>.",
        ),
        (
            "doc.html",
            lambda s: s.replace("sleep &amp; rest", "sleep &amp; mood").replace(
                "<p>Magnesium plays", "<p>Magnesium is found in nuts.</p>\n<p>Magnesium plays"
            ).replace("alt='The \"best\" nuts &amp; seeds'", ""),
            ("Why magnesium matters for sleep & rest.", "Why magnesium matters for sleep & mood."),
            'The "best" nuts & seeds',
            "Magnesium is found in nuts.",
        ),
        (
            "notes.txt",
            lambda s: s.replace("- Lab tested\n", "")
            .replace("2. Another source.", "2. Another good source.")
            .replace("Sources\n", "Magnesium is found in nuts.\n\nSources\n"),
            ("Another source. https://example.org/x", "Another good source. https://example.org/x"),
            "Lab tested",
            "Magnesium is found in nuts.",
        ),
    ],
    ids=["fragment", "document", "text"],
)
def test_edit_then_sync_gives_fuzzy_obsolete_and_new(
    workspace: Path,
    name: str,
    edit: Callable[[str], str],
    changed: tuple[str, str],
    removed: str,
    added: str,
) -> None:
    slug = name.rsplit(".", 1)[0]
    po_path = workspace / f"locales/nl/{slug}.po"
    fill(po_path, pseudo)
    article = workspace / "articles" / name
    source = article.read_bytes().decode("utf-8")
    edited = edit(source)
    assert edited != source
    article.write_bytes(edited.encode("utf-8"))
    result = run(workspace, "sync")
    assert result.exit_code == 0, result.stderr
    assert "1 new, 1 changed (fuzzy), 1 removed (obsolete)" in result.stderr
    by_id = {e.msgid: e for e in polib.pofile(str(po_path))}
    old, new = changed
    assert "fuzzy" in by_id[new].flags
    assert by_id[new].previous_msgid == old
    assert by_id[new].msgstr == pseudo(old)
    assert by_id[removed].obsolete
    assert by_id[added].msgstr == "" and not by_id[added].obsolete
    untouched = EXPECTED[name][0][1]
    assert by_id[untouched].msgstr == pseudo(untouched)
    assert "fuzzy" not in by_id[untouched].flags
    # The changed segment is not published until a person looks at it again.
    assert run(workspace, "build", "--strict", f"articles/{name}").exit_code == 3


# --- check ---------------------------------------------------------------------------------------


def test_check_runs_on_html_and_text_and_names_injected_markup(workspace: Path) -> None:
    for name in ARTICLES:
        fill(workspace / f"locales/nl/{name.rsplit('.', 1)[0]}.po", pseudo)
    result = run(workspace, "check", "--json")
    assert result.exit_code == 0, result.stdout + result.stderr
    doc = json.loads(result.stdout)
    assert not [f for f in doc["findings"] if f["severity"] == "error"]
    po_path = workspace / "locales/nl/frag.po"
    po = polib.pofile(str(po_path))
    [entry] = [e for e in po if e.msgid.startswith("Magnesium plays")]
    entry.msgstr = pseudo(entry.msgid) + '<img src=x onerror="alert(1)">'
    po.save()
    line = next(
        n for n, text in enumerate(po_path.read_text().splitlines(), 1) if "onerror" in text
    )
    result = run(workspace, "check", "articles/frag.html")
    assert result.exit_code == 3
    [finding] = [ln for ln in result.stdout.splitlines() if "onerror" in ln]
    assert finding.startswith("locales/nl/frag.po:")
    assert int(finding.split(":")[1]) <= line
    assert "error" in finding and "(articles/frag.html:2)" in finding


# --- the sample workspace ------------------------------------------------------------------------


SAMPLES = sorted((REPO / "sample_articles").glob("*.html"))


@pytest.mark.parametrize("path", SAMPLES, ids=[p.name for p in SAMPLES])
def test_sample_html_article_round_trips_and_its_catalog_is_reviewed(path: Path) -> None:
    source = path.read_bytes().decode("utf-8")
    fmt = format_for(path)
    doc = fmt.parse(source, front_matter_fields=["title", "description", "summary"])
    assert fmt.render(doc, lambda s: s.text) == source
    assert tree(fmt.render(doc, lambda s: pseudo(s.text))) == tree(source)
    slug = path.stem
    cat = catalog.load(REPO / "locales" / "nl" / f"{slug}.po")
    entries = {e.msgid: e for e in catalog.active_entries(cat)}
    assert {s.text for s in doc.segments} == set(entries)
    assert all(states.entry_state(e).key == "reviewed" for e in entries.values())
    assert all(states.refusal(e) is None for e in entries.values())
    dutch = fmt.render(doc, lambda s: entries[s.text].msgstr)
    assert shape(dutch) == shape(source)
    assert dutch.count("\n") <= source.count("\n")


# --- translate (memory) and review ---------------------------------------------------------------


def test_memory_drafts_and_review_on_html_and_text(tmp_path: Path) -> None:
    markdown = "# Magnesium and sleep\n\nIt supports 300 enzymes.\n"
    make_workspace(tmp_path, {"frag.html": FRAGMENT, "notes.txt": TEXT, "sleep.md": markdown})
    assert run(tmp_path, "sync").exit_code == 0
    fill(
        tmp_path / "locales/nl/sleep.po",
        {"Magnesium and sleep": "Magnesium en slaap", "It supports 300 enzymes.":
         "Het ondersteunt 300 enzymen."}.__getitem__,
    )
    result = run(tmp_path, "translate", "--engine", "memory")
    assert result.exit_code == 0, result.stderr
    frag = {e.msgid: e for e in polib.pofile(str(tmp_path / "locales/nl/frag.po"))}
    assert frag["Magnesium and sleep"].msgstr == "Magnesium en slaap"
    assert frag["It supports 300 enzymes."].msgstr == "Het ondersteunt 300 enzymen."
    assert "fuzzy" in frag["It supports 300 enzymes."].flags  # a draft until a person reads it
    notes = {e.msgid: e for e in polib.pofile(str(tmp_path / "locales/nl/notes.po"))}
    assert notes["Magnesium and sleep"].msgstr == "Magnesium en slaap"
    result = run(
        tmp_path, "review", "articles/frag.html", "--approve", "6",
        "--include-drafts", "--reviewer", "Jane Doe",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    result = run(
        tmp_path, "review", "articles/notes.txt", "--approve-all",
        "--include-drafts", "--reviewer", "Jane Doe",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    doc = json.loads(run(tmp_path, "status", "--json").stdout)
    states = {item["article"]: item["states"] for item in doc["articles"]}
    assert states["articles/frag.html"]["reviewed"] == 1
    assert states["articles/frag.html"]["machine_draft"] == 1
    assert states["articles/notes.txt"]["reviewed"] == 1
    reviewed = {e.msgid: e for e in polib.pofile(str(tmp_path / "locales/nl/frag.po"))}
    entry = reviewed["It supports 300 enzymes."]
    assert "fuzzy" not in entry.flags and "Jane Doe" in entry.tcomment


def test_build_writes_the_target_language_into_html_lang(tmp_path: Path) -> None:
    doc = ('<!DOCTYPE html>\n<html lang="en">\n<head><title>Sleep</title></head>\n'
           "<body><p>Magnesium helps.</p></body>\n</html>\n")
    make_workspace(tmp_path, {"sleep.html": doc})
    assert run(tmp_path, "sync").exit_code == 0
    po_path = tmp_path / "locales/nl/sleep.po"
    po = polib.pofile(str(po_path))
    assert sorted(e.msgid for e in po) == ["Magnesium helps.", "Sleep"]  # lang is no entry
    for entry in po:
        entry.msgstr = {"Sleep": "Slaap", "Magnesium helps.": "Magnesium helpt."}[entry.msgid]
    po.save()
    assert run(tmp_path, "build", "--strict").exit_code == 0
    built = (tmp_path / "dist/nl/sleep.html").read_text(encoding="utf-8")
    assert built == doc.replace('lang="en"', 'lang="nl"').replace(">Sleep<", ">Slaap<").replace(
        "Magnesium helps.", "Magnesium helpt.")


def test_tag_like_text_in_an_alt_translation_is_escaped_text_not_markup(tmp_path: Path) -> None:
    make_workspace(tmp_path, {"nuts.html": '<p><img src="n.jpg" alt="Nuts and seeds"> Text.</p>\n'})
    assert run(tmp_path, "sync").exit_code == 0
    po_path = tmp_path / "locales/nl/nuts.po"
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = "Noten <en> zaden" if entry.msgid == "Nuts and seeds" else "Tekst."
    po.save()
    assert run(tmp_path, "check").exit_code == 0
    assert run(tmp_path, "build", "--strict").exit_code == 0
    assert 'alt="Noten &lt;en&gt; zaden"' in (tmp_path / "dist/nl/nuts.html").read_text()
