"""The publish gate: injected markup, check errors and stale approvals keep articles out of dist/.

Every case runs the real CLI in a workspace under tmp_path and reads dist/manifest.json.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import polib
import pytest

from tests.helpers import ARTICLE, make_workspace, run
from transflow.states import approve

REPO = Path(__file__).resolve().parent.parent

HTML = """\
<h1>Magnesium and sleep</h1>
<p>Magnesium plays a role in <strong>sleep quality</strong>, see
<a href="https://example.org/r">the review</a>.</p>
<p>A typical dose is 200 mg.</p>
"""

DUTCH = {
    "Magnesium and sleep": "Magnesium en slaap",
    "Magnesium plays a role in **sleep quality**, see [the review](https://example.org/r).¹":
        "Magnesium speelt een rol bij **slaapkwaliteit**, zie [de review](https://example.org/r).¹",
    "It supports 300 enzymes.": "Het ondersteunt 300 enzymen.",
    "A typical dose is 200 mg.": "Een gebruikelijke dosis is 200 mg.",
    "Order one of our products now.": "Bestel nu een van onze producten.",
    'Magnesium plays a role in <strong>sleep quality</strong>, see <a '
    'href="https://example.org/r">the review</a>.':
        'Magnesium speelt een rol bij <strong>slaapkwaliteit</strong>, zie <a '
        'href="https://example.org/r">de review</a>.',
}
MD_PARA = next(k for k in DUTCH if k.endswith(".¹"))
HTML_PARA = next(k for k in DUTCH if "<strong>" in k)

#: (case, hostile Markdown translation, hostile HTML translation) of the paragraph.
HOSTILE = [
    ("script",
     DUTCH[MD_PARA] + "<script>alert(1)</script>",
     DUTCH[HTML_PARA] + "<script>alert(1)</script>"),
    ("onerror",
     DUTCH[MD_PARA] + ' <img src=x onerror="alert(1)">',
     DUTCH[HTML_PARA] + ' <img src=x onerror="alert(1)">'),
    ("javascript link",
     DUTCH[MD_PARA].replace("https://example.org/r", "javascript:alert(1)"),
     DUTCH[HTML_PARA].replace("https://example.org/r", "javascript:alert(1)")),
]


def fill(root: Path, slug: str, changes: dict[str, str] | None = None,
         reviewer: str | None = None) -> Path:
    """Translate a catalog like a translator (and approve it when ``reviewer`` is given)."""
    path = root / "locales/nl" / f"{slug}.po"
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = {**DUTCH, **(changes or {})}[entry.msgid]
        if reviewer:
            approve(entry, reviewer, date(2026, 11, 26))
    po.save()
    return path


def line_of(path: Path, msgid: str) -> int:
    return next(e.linenum for e in polib.pofile(str(path)) if e.msgid == msgid)


def manifest(root: Path) -> dict[str, dict[str, object]]:
    doc = json.loads((root / "dist/manifest.json").read_text(encoding="utf-8"))
    return {a["article"]: a for a in doc["articles"]}


@pytest.fixture
def pair(tmp_path: Path) -> Path:
    """A Markdown and an HTML article, synced, publish = translated."""
    make_workspace(tmp_path, {"sleep.md": ARTICLE, "page.html": HTML})
    assert run(tmp_path, "sync").exit_code == 0
    return tmp_path


@pytest.mark.parametrize("fmt", ["markdown", "html"])
@pytest.mark.parametrize(("case", "md", "html"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_injected_markup_is_refused_by_check_and_build(
    pair: Path, fmt: str, case: str, md: str, html: str
) -> None:
    hostile_slug, clean_slug = ("sleep", "page") if fmt == "markdown" else ("page", "sleep")
    para, bad = (MD_PARA, md) if fmt == "markdown" else (HTML_PARA, html)
    po = fill(pair, hostile_slug, {para: bad})
    fill(pair, clean_slug)
    line = line_of(po, para)
    name = f"locales/nl/{hostile_slug}.po"

    checked = run(pair, "check", "--errors-only")
    assert checked.exit_code == 3
    assert f"{name}:{line}: error [unsafe-markup]" in checked.stdout

    for flags in ([], ["--allow-incomplete"]):
        built = run(pair, "build", *flags)
        assert built.exit_code == 3, built.output  # a gate refused an article
        articles = manifest(pair)
        hostile = articles[f"articles/{hostile_slug}.{'md' if fmt == 'markdown' else 'html'}"]
        assert hostile["built"] is False
        reasons = " ".join(map(str, hostile["reasons"]))
        assert f"nl: {name}:{line}: unsafe markup:" in reasons
        assert not (pair / "dist/nl" / f"{hostile_slug}.{'md' if fmt == 'markdown' else 'html'}"
                    ).exists()
        clean = articles[f"articles/{clean_slug}.{'html' if fmt == 'markdown' else 'md'}"]
        assert clean["built"] is True
        assert clean["finished"] is True
    # No script-capable text anywhere in what was published.
    published = "".join(p.read_text(encoding="utf-8") for p in (pair / "dist").rglob("*.*")
                        if p.suffix in (".md", ".html"))
    assert "alert(1)" not in published


def test_markup_gate_runs_without_check_even_for_a_plain_tag_in_html(pair: Path) -> None:
    """In an HTML page any tag the source lacks is live markup: build refuses it."""
    fill(pair, "sleep")
    po = fill(pair, "page", {HTML_PARA: DUTCH[HTML_PARA] + " <marquee>koop</marquee>"})
    result = run(pair, "build", "--allow-incomplete", "--strict")
    assert result.exit_code == 3
    reasons = manifest(pair)["articles/page.html"]["reasons"]
    assert reasons[0] == (
        f"nl: locales/nl/page.po:{line_of(po, HTML_PARA)}: unsafe markup: adds tag <marquee> "
        "not in the source; adds tag </marquee> not in the source"
    )


def test_unpublished_hostile_text_does_not_block_allow_incomplete(tmp_path: Path) -> None:
    """publish = reviewed: a translated (unreviewed) entry is replaced by source text."""
    make_workspace(tmp_path, publish="reviewed")
    run(tmp_path, "sync")
    path = fill(tmp_path, "sleep", reviewer="Jane")
    po = polib.pofile(str(path))
    for entry in po:
        if entry.msgid == MD_PARA:
            entry.msgstr = HOSTILE[0][1]  # a hand edit: stale approval, so translated
    po.save()
    result = run(tmp_path, "build", "--allow-incomplete")
    assert result.exit_code == 0
    article = manifest(tmp_path)["articles/sleep.md"]
    assert article["built"] is True
    assert article["finished"] is False
    text = (tmp_path / "dist/nl/sleep.md").read_text(encoding="utf-8")
    assert "<script>" not in text
    assert MD_PARA in text  # the source text stands in for the unreviewed paragraph


def test_check_errors_block_build_even_with_allow_incomplete(pair: Path) -> None:
    fill(pair, "page")
    po = fill(pair, "sleep", {"A typical dose is 200 mg.": "Een gebruikelijke dosis is 20 mg."})
    line = line_of(po, "A typical dose is 200 mg.")
    assert run(pair, "check").exit_code == 3
    for flags in ([], ["--allow-incomplete"]):
        result = run(pair, "build", *flags)
        assert result.exit_code == 3  # the other article is built; the gate failure shows
        assert manifest(pair)["articles/page.html"]["built"] is True
        article = manifest(pair)["articles/sleep.md"]
        assert article["built"] is False
        assert article["reasons"] == [
            "nl: 2 check error(s): run 'transflow check' "
            f"(first: locales/nl/sleep.po:{line} [numbers])"
        ]
        assert "skipped articles/sleep.md: nl: 2 check error(s)" in result.stderr
    assert run(pair, "build", "--strict").exit_code == 3


def test_hand_edit_after_review_is_changed_after_review_and_not_published(
    tmp_path: Path,
) -> None:
    make_workspace(tmp_path, publish="reviewed")
    run(tmp_path, "sync")
    path = fill(tmp_path, "sleep", reviewer="Jane Doe")
    assert run(tmp_path, "status", "--fail-under", "reviewed=100").exit_code == 0
    assert run(tmp_path, "build").exit_code == 0
    assert manifest(tmp_path)["articles/sleep.md"]["built"] is True
    assert (tmp_path / "dist/nl/sleep.md").exists()

    # A translator edits an approved translation in a text editor.
    text = path.read_text(encoding="utf-8")
    edited = text.replace('msgstr "Het ondersteunt 300 enzymen."',
                          'msgstr "Het ondersteunt ongeveer 300 enzymen."')
    assert edited != text
    path.write_text(edited, encoding="utf-8")

    status = run(tmp_path, "status", "--json")
    [item] = json.loads(status.stdout)["articles"]
    assert item["changed_after_review"] == 1
    assert item["states"]["translated"] == 1
    assert item["states"]["reviewed"] == 4
    assert "locales/nl/sleep.po: 1 changed after review" in run(tmp_path, "status").stderr
    gated = run(tmp_path, "status", "--fail-under", "reviewed=100")
    assert gated.exit_code == 3
    assert "locales/nl/sleep.po: 80.0% reviewed, below 100%" in gated.stderr

    built = run(tmp_path, "build")
    assert built.exit_code == 0
    article = manifest(tmp_path)["articles/sleep.md"]
    assert article["built"] is False
    assert article["reasons"] == [
        "nl: 1 segment(s) not reviewed",
        "nl: 1 segment(s) changed after review (re-approve with "
        "'transflow review articles/sleep.md')",
    ]
    assert not (tmp_path / "dist/nl/sleep.md").exists()  # the old published copy is gone
    assert run(tmp_path, "build", "--strict").exit_code == 3


def test_sample_workspace_checks_clean_and_builds_every_pair(tmp_path: Path) -> None:
    for folder in ("sample_articles", "locales"):
        shutil.copytree(REPO / folder, tmp_path / folder)
    (tmp_path / "transflow.toml").write_text(
        'articles = "sample_articles"\nlocales = "locales"\noutput = "dist"\n'
        'source_language = "en"\nlanguages = ["nl", "en"]\n'
        'front_matter = ["title", "description", "summary"]\npublish = "reviewed"\n',
        encoding="utf-8",
    )
    checked = run(tmp_path, "check", "--json")
    assert checked.exit_code == 0, checked.stdout
    doc = json.loads(checked.stdout)
    assert doc["counts"]["error"] == 0
    assert doc["drafts"]["error"] == 0
    assert doc["entries"] > 0
    built = run(tmp_path, "build", "--strict")
    assert built.exit_code == 0, built.stderr
    articles = manifest(tmp_path)
    assert len(articles) == len(list((tmp_path / "sample_articles").iterdir()))
    for name, article in articles.items():
        assert article["built"] and article["finished"], (name, article["reasons"])
        assert len(article["files"]) == 2  # type: ignore[arg-type]
