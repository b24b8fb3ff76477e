"""``transflow check`` through the CLI, and the glossary loader it reads."""

from __future__ import annotations

import json
from pathlib import Path

import polib
import pytest

from tests.helpers import make_workspace, run
from transflow.errors import ConfigError
from transflow.glossary import load_glossary, parse_glossary

CLEAN = {
    "Magnesium and sleep": "Magnesium en slaap",
    "Magnesium plays a role in **sleep quality**, see [the review](https://example.org/r).¹":
        "Magnesium speelt een rol bij **slaapkwaliteit**, zie [de review](https://example.org/r).¹",
    "It supports 300 enzymes.": "Het ondersteunt 300 enzymen.",
    "A typical dose is 200 mg.": "Een gebruikelijke dosis is 200 mg.",
    "Order one of our products now.": "Bestel nu een van onze producten.",
}
DOSE = "A typical dose is 200 mg."
PO = "locales/nl/sleep.po"


def translate(root: Path, changes: dict[str, str] | None = None,
              drafts: tuple[str, ...] = ()) -> None:
    """Fill the Dutch catalog with CLEAN (plus ``changes``); ``drafts`` become machine drafts."""
    po_path = root / PO
    po = polib.pofile(str(po_path))
    table = {**CLEAN, **(changes or {})}
    for entry in po:
        entry.msgstr = table[entry.msgid]
        if entry.msgid in drafts:
            entry.flags.append("fuzzy")
            entry.tcomment = "transflow: draft deepl 2026-11-20"
    po.save()


def entry_line(root: Path, msgid: str) -> int:
    return next(e.linenum for e in polib.pofile(str(root / PO)) if e.msgid == msgid)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    make_workspace(tmp_path)
    assert run(tmp_path, "sync").exit_code == 0
    return tmp_path


def test_clean_catalog_passes(workspace: Path) -> None:
    translate(workspace)
    result = run(workspace, "check")
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "check: 0 error(s), 0 warning(s) in 5 entries of 1 catalog(s)" in result.stderr


def test_changed_dose_is_an_error_with_file_line_and_reference(workspace: Path) -> None:
    translate(workspace, {DOSE: "Een gebruikelijke dosis is 2000 mg."})
    line = entry_line(workspace, DOSE)
    result = run(workspace, "check")
    assert result.exit_code == 3
    assert result.stdout.splitlines() == [
        f"{PO}:{line}: error [numbers]: missing from the translation: 200 mg "
        "(articles/sleep.md:11)",
        f"{PO}:{line}: error [numbers]: not in the source: 2000 mg (articles/sleep.md:11)",
    ]
    assert "2 error(s)" in result.stderr


def test_json_document(workspace: Path) -> None:
    translate(workspace, {DOSE: "Een gebruikelijke dosis is 2000 mg",  # also drops the '.'
                          "It supports 300 enzymes.": "Het ondersteunt 300 enzymen"})
    result = run(workspace, "check", "--json")
    assert result.exit_code == 3
    doc = json.loads(result.stdout)
    assert doc["version"] == 1
    assert doc["counts"] == {"error": 2, "warning": 2}
    assert doc["drafts"] == {"error": 0, "warning": 0}
    first = doc["findings"][0]
    assert first == {
        "catalog": PO,
        "line": entry_line(workspace, "It supports 300 enzymes."),
        "severity": "warning",
        "check": "punctuation",
        "message": "ends with '.' in the source, 'none' here",
        "article": "articles/sleep.md",
        "reference": "articles/sleep.md:10",
        "language": "nl",
        "state": "translated",
        "draft": False,
    }
    only = json.loads(run(workspace, "check", "--json", "--errors-only").stdout)
    assert {f["severity"] for f in only["findings"]} == {"error"}
    assert only["counts"] == doc["counts"]  # counts stay complete


def test_warnings_only_exit_zero_and_errors_only_hides_them(workspace: Path) -> None:
    translate(workspace, {"It supports 300 enzymes.": "Het ondersteunt 300 enzymen"})
    result = run(workspace, "check")
    assert result.exit_code == 0
    assert "warning [punctuation]" in result.stdout
    hidden = run(workspace, "check", "--errors-only")
    assert hidden.exit_code == 0
    assert hidden.stdout == ""
    assert "1 warning(s)" in hidden.stderr


def test_drafts_are_checked_but_do_not_gate(workspace: Path) -> None:
    translate(workspace, {DOSE: "Een gebruikelijke dosis is 20 mg."}, drafts=(DOSE,))
    result = run(workspace, "check")
    assert result.exit_code == 0, result.output
    assert "error [numbers] (machine draft, not published): missing" in result.stdout
    assert "2 finding(s) in drafts, not published" in result.stderr
    doc = json.loads(run(workspace, "check", "--json").stdout)
    assert doc["counts"]["error"] == 0
    assert doc["drafts"]["error"] == 2
    assert all(f["draft"] and f["state"] == "machine_draft" for f in doc["findings"])


def test_untranslated_entries_are_not_checked(workspace: Path) -> None:
    result = run(workspace, "check", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout)["entries"] == 0


def test_article_and_lang_selection(workspace: Path) -> None:
    translate(workspace, {DOSE: "Een gebruikelijke dosis is 2000 mg."})
    assert run(workspace, "check", "articles/sleep.md", "--lang", "nl").exit_code == 3
    bad = run(workspace, "check", "--lang", "de")
    assert bad.exit_code == 2  # a usage mistake
    assert "Invalid value for --lang: 'de' is not one of the workspace's languages" in bad.stderr


def test_missing_catalog_is_reported_not_fatal(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    result = run(tmp_path, "check")
    assert result.exit_code == 0
    assert f"{PO}: missing (run 'transflow sync')" in result.stderr


def test_glossary_from_configuration(workspace: Path) -> None:
    config = workspace / "transflow.toml"
    config.write_text(config.read_text() + '\n[deepl]\nglossary = "glossary.csv"\n')
    (workspace / "glossary.csv").write_text("\ufeffnl,en\nbestellen,order\n", encoding="utf-8")
    translate(workspace, {"Order one of our products now.": "Koop nu een van onze producten."})
    result = run(workspace, "check")
    assert result.exit_code == 0
    assert "warning [glossary]: 'order' should be translated as 'bestellen'" in result.stdout
    (workspace / "glossary.csv").write_text("nl,en\nbestellen\n", encoding="utf-8")
    broken = run(workspace, "check")
    assert broken.exit_code == 1
    assert "glossary.csv:2: expected two terms" in broken.stderr


def test_help_lists_checks_and_example() -> None:
    result = run(Path.cwd(), "check", "--help")
    assert "transflow check --errors-only" in result.stdout
    assert "unsafe-markup" in result.stdout


# ---------------------------------------------------------------------------- glossary


def test_glossary_header_directions_and_lines(tmp_path: Path) -> None:
    text = ('\ufeff# shop terms\nnl,en-GB\n\nmagnesiumcitraat,magnesium citrate\n'
            '"vitamine D3, cholecalciferol",vitamin D3\n')
    path = tmp_path / "g.csv"
    path.write_text(text, encoding="utf-8")
    glossary = load_glossary(path)
    assert glossary.languages == ("nl", "en_GB")
    assert glossary.pairs_for("en", "nl") == (
        ("magnesium citrate", "magnesiumcitraat"),
        ("vitamin D3", "vitamine D3, cholecalciferol"),
    )
    assert glossary.pairs_for("nl", "en")[0] == ("magnesiumcitraat", "magnesium citrate")
    assert glossary.pairs_for("de", "en") == ()
    assert [t.line for t in glossary.terms] == [4, 5]
    assert glossary.as_dictionaries()[("en", "nl")]["vitamin D3"] == (
        "vitamine D3, cholecalciferol"
    )


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        ("a\tb\nc\td\n", "g.txt", (("a", "b"), ("c", "d"))),
        ("x\ty\n", "g.tsv", (("x", "y"),)),
        ("kaas;cheese\n", "g.csv", (("kaas", "cheese"),)),
        ("kaas,cheese\r\nmelk,milk\r\n", "g.csv", (("kaas", "cheese"), ("melk", "milk"))),
        ("kaas,cheese\nkaas,cheese\n", "g.csv", (("kaas", "cheese"),)),
    ],
    ids=["tab", "tsv", "semicolon", "crlf", "repeated row"],
)
def test_glossary_without_header_uses_given_languages(
    text: str, name: str, expected: tuple[tuple[str, str], ...]
) -> None:
    glossary = parse_glossary(text, path=Path(name), languages=("nl", "en"))
    assert glossary.pairs_for("nl", "en") == expected


@pytest.mark.parametrize(
    ("text", "languages", "where", "message"),
    [
        ("nl,en\nkaas\n", None, 2, "expected two terms"),
        ("nl,en\nkaas,cheese,extra\n", None, 2, "found 3 field(s)"),
        ("nl,en\nkaas,cheese\n\nkaas,curd\n", None, 4, "already translated as 'cheese'"),
        ("kaas,cheese\n", None, 1, "no header line"),
        ("nl,nl\nkaas,cheese\n", None, 1, "names nl twice"),
        ('nl,en\n"kaas,cheese\n', None, 2, "double quote not closed"),
    ],
    ids=["one term", "three terms", "conflict", "no header", "same language", "open quote"],
)
def test_glossary_errors_name_file_and_line(
    text: str, languages: tuple[str, str] | None, where: int | None, message: str
) -> None:
    with pytest.raises(ConfigError) as info:
        parse_glossary(text, path=Path("g.csv"), languages=languages)
    assert message in str(info.value)
    if where is not None:
        assert str(info.value).startswith(f"g.csv:{where}: ")


def test_a_glossary_with_column_labels_instead_of_languages_is_refused(tmp_path: Path) -> None:
    from transflow.errors import ConfigError
    from transflow.glossary import parse_glossary

    with pytest.raises(ConfigError, match="names columns") as info:
        parse_glossary("source,target\nbrain,hersenen\n")
    assert "nl,en" in (info.value.hint or "")
    assert parse_glossary("nl,en\nhersenen,brain\n").terms[0].first == "hersenen"
