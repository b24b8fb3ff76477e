"""sync → status → build through the CLI, on a workspace in tmp_path."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest

from tests.helpers import ARTICLE, make_workspace, run, snapshot
from transflow.config import load_config
from transflow.workflow.build import build
from transflow.workflow.gates import default_gates
from transflow.workflow.status import status
from transflow.workflow.sync import sync

_URL = re.compile(r"(\(https?://[^)]*\))")


def pseudo(text: str) -> str:
    """A pseudo-translation: letter case swapped, link targets kept (as a translator would)."""
    return "".join(p if _URL.fullmatch(p) else p.swapcase() for p in _URL.split(text))


def fill(po_path: Path, translate: dict[str, str] | None = None) -> None:
    """Translate every entry (pseudo unless given) as a translator would, with polib."""
    po = polib.pofile(str(po_path))
    for entry in po:
        if not entry.obsolete:
            entry.msgstr = (translate or {}).get(entry.msgid, pseudo(entry.msgid))
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
    po.save()


def test_sync_creates_template_and_catalog_and_is_idempotent(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    result = run(tmp_path, "sync")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ["locales/templates/sleep.pot", "locales/nl/sleep.po"]
    po = polib.pofile(str(tmp_path / "locales/nl/sleep.po"))
    assert po.metadata["Language"] == "nl"
    ids = [e.msgid for e in po]
    assert ids[0] == "Magnesium and sleep"  # front matter title + heading merged
    assert po[0].occurrences == [("articles/sleep.md", "2"), ("articles/sleep.md", "6")]
    assert "It supports 300 enzymes." in ids
    before = snapshot(tmp_path)
    again = run(tmp_path, "sync")
    assert again.exit_code == 0
    assert again.stdout == ""
    assert snapshot(tmp_path) == before
    # Without the cache, a full re-sync still writes nothing.
    for f in (tmp_path / ".transflow-cache").iterdir():
        f.unlink()
    assert run(tmp_path, "sync").stdout == ""
    assert snapshot(tmp_path) == before


def test_edit_sync_keeps_translations_fuzzy_obsolete_and_new(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    run(tmp_path, "sync")
    po_path = tmp_path / "locales/nl/sleep.po"
    fill(po_path)
    edited = ARTICLE.replace("A typical dose is 200 mg.", "A typical dose is 250 mg.")
    edited = edited.replace("- It supports 300 enzymes.\n", "")
    edited = edited.replace("Order one", "Magnesium is found in nuts.\n\nOrder one")
    (tmp_path / "articles/sleep.md").write_text(edited, encoding="utf-8")
    result = run(tmp_path, "sync")
    assert result.exit_code == 0, result.stderr
    po = polib.pofile(str(po_path))
    by_id = {e.msgid: e for e in po}
    changed = by_id["A typical dose is 250 mg."]
    assert "fuzzy" in changed.flags
    assert changed.previous_msgid == "A typical dose is 200 mg."
    assert changed.msgstr == "a TYPICAL DOSE IS 200 MG."
    assert by_id["It supports 300 enzymes."].obsolete
    assert by_id["Magnesium is found in nuts."].msgstr == ""
    assert by_id["Order one of our products now."].msgstr == "oRDER ONE OF OUR PRODUCTS NOW."
    assert "fuzzy" not in by_id["Order one of our products now."].flags


def test_status_json_contract_and_fail_under(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    run(tmp_path, "sync")
    result = run(tmp_path, "status", "--json")
    doc = json.loads(result.stdout)
    assert doc["version"] == 1
    [item] = doc["articles"]
    assert item["article"] == "articles/sleep.md"
    assert item["source_language"] == "en"
    assert item["language"] == "nl"
    assert item["catalog"] == "locales/nl/sleep.po"
    assert item["segments"] == item["states"]["untranslated"] > 0
    assert set(item["states"]) >= {"untranslated", "needs_work", "translated",
                                   "machine_draft", "reviewed"}
    assert run(tmp_path, "status", "--fail-under", "50").exit_code == 3
    gated = run(tmp_path, "status", "--fail-under", "50", "--json")
    assert gated.exit_code == 3
    gate = json.loads(gated.stdout)["fail_under"]
    assert gate["passed"] is False and gate["state"] == "translated"
    assert gate["below"] == [{"catalog": "locales/nl/sleep.po", "article": "articles/sleep.md",
                              "percent": 0.0}]
    fill(tmp_path / "locales/nl/sleep.po")
    assert run(tmp_path, "status", "--fail-under", "100").exit_code == 0
    assert run(tmp_path, "status", "--fail-under", "reviewed=100").exit_code == 3
    assert run(tmp_path, "status", "--fail-under", "bogus=1").exit_code == 2


def test_build_skips_unfinished_then_builds_the_pair(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    run(tmp_path, "sync")
    result = run(tmp_path, "build", "--strict")
    assert result.exit_code == 3
    assert "skipped articles/sleep.md" in result.stderr
    manifest = json.loads((tmp_path / "dist/manifest.json").read_text())
    assert manifest["left_out"][0]["article"] == "articles/sleep.md"
    assert not (tmp_path / "dist/nl/sleep.md").exists()
    # --allow-incomplete builds with the source text, never fuzzy text.
    result = run(tmp_path, "build", "--allow-incomplete")
    assert result.exit_code == 0
    # Source text everywhere, but the Dutch file says it is Dutch.
    assert (tmp_path / "dist/nl/sleep.md").read_text() == ARTICLE.replace("lang: en", "lang: nl")
    fill(tmp_path / "locales/nl/sleep.po")
    result = run(tmp_path, "build", "--strict")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "dist/en/sleep.md").read_bytes() == ARTICLE.encode()
    nl = (tmp_path / "dist/nl/sleep.md").read_text()
    assert "- iT SUPPORTS 300 ENZYMES." in nl
    assert "title: mAGNESIUM AND SLEEP" in nl
    assert "lang: nl\n" in nl  # the language is the translation's; other keys are kept
    manifest = json.loads((tmp_path / "dist/manifest.json").read_text())
    assert manifest["pairs"] == [{"article": "articles/sleep.md", "finished": True,
                                  "files": {"en": "dist/en/sleep.md", "nl": "dist/nl/sleep.md"}}]
    before = snapshot(tmp_path)
    assert run(tmp_path, "build").stdout == ""
    assert snapshot(tmp_path) == before


def test_fuzzy_translation_is_never_published(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    run(tmp_path, "sync")
    po_path = tmp_path / "locales/nl/sleep.po"
    fill(po_path)
    po = polib.pofile(str(po_path))
    po[1].flags.append("fuzzy")
    po.save()
    assert run(tmp_path, "build", "--strict").exit_code == 3
    run(tmp_path, "build", "--allow-incomplete")
    assert po[1].msgstr not in (tmp_path / "dist/nl/sleep.md").read_text()


def test_dutch_source_article_gets_an_english_catalog(tmp_path: Path) -> None:
    make_workspace(tmp_path, {"slaap.md": "---\nlang: nl\ntitle: Slaap\n---\n\nGoed slapen.\n"})
    run(tmp_path, "sync")
    assert (tmp_path / "locales/en/slaap.po").exists()
    assert not (tmp_path / "locales/nl/slaap.po").exists()


def test_deleted_article_is_reported_and_renamed_article_keeps_translations(
    tmp_path: Path,
) -> None:
    make_workspace(tmp_path)
    run(tmp_path, "sync")
    fill(tmp_path / "locales/nl/sleep.po")
    (tmp_path / "articles/sleep.md").rename(tmp_path / "articles/magnesium-sleep.md")
    result = run(tmp_path, "sync")
    assert result.exit_code == 0
    assert "looks renamed from locales/templates/sleep.pot" in result.stderr
    po = polib.pofile(str(tmp_path / "locales/nl/magnesium-sleep.po"))
    assert all(e.msgstr for e in po if not e.obsolete)
    (tmp_path / "articles/magnesium-sleep.md").unlink()
    (tmp_path / "articles/other.md").write_text("Something else entirely.\n")
    result = run(tmp_path, "sync")
    assert "locales/templates/magnesium-sleep.pot has no article" in result.stderr


def test_init_creates_a_working_workspace(tmp_path: Path) -> None:
    result = run(tmp_path, "init", "blog", "--source-language", "nl")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "blog/transflow.toml").exists()
    assert ".transflow-cache/" in (tmp_path / "blog/.gitignore").read_text()
    (tmp_path / "blog/articles/a.md").write_text("Hallo wereld.\n")
    assert run(tmp_path / "blog", "sync").exit_code == 0
    assert (tmp_path / "blog/locales/en/a.po").exists()
    again = run(tmp_path, "init", "blog")
    assert again.exit_code == 1 and "already a transflow workspace" in again.stderr


BAD_PO = 'msgid ""\nmsgstr ""\n"Language: nl\\n"\n\nmsgid "x"\nmsgstr "unterminated\n'
DUP_PO = 'msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n'


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        (lambda r: (r / "locales/nl/sleep.po").write_text(BAD_PO), ["sync"],
         "locales/nl/sleep.po:6: unterminated string"),
        (lambda r: (r / "locales/nl/sleep.po").write_text(DUP_PO), ["status"],
         "locales/nl/sleep.po:4: duplicate entry"),
        (lambda r: (r / "articles/latin.md").write_bytes(b"Caf\xe9 au lait\n"), ["sync"],
         "articles/latin.md:1: not valid UTF-8"),
        (lambda r: (r / "articles/fm.md").write_text("---\ntitle: a: b\n---\n\nText.\n"),
         ["sync"], "articles/fm.md:2: front matter is not valid YAML"),
        (lambda r: (r / "articles/de.md").write_text("---\nlang: de\n---\n\nHallo.\n"), ["sync"],
         "articles/de.md:2: lang 'de' is not one of the configured languages"),
        (lambda r: (r / "transflow.toml").write_text('articles = "nope"\n'), ["sync"],
         "articles folder not found: nope"),
        (lambda r: (r / "elsewhere.md").write_text("Hi.\n"), ["sync", "elsewhere.md"],
         "elsewhere.md: outside the articles folder"),
        (lambda r: (r / "transflow.toml").write_text('languages = ["nl", "nk"]\n'), ["status"],
         "unknown language 'nk'"),
        (lambda r: None, ["status", "nope.md"], "nope.md: article not found"),
        (lambda r: (r / "articles/sleep.html").write_text("<p>Slapen.</p>\n"), ["sync"],
         "articles/sleep.md: would share the catalogs of 'sleep' with articles/sleep.html"),
    ],
    ids=["po-syntax", "po-duplicate", "non-utf8", "front-matter", "article-lang",
         "no-articles", "outside", "config-lang", "missing", "same-slug"],
)
def test_bad_input_is_one_clear_line_and_changes_nothing(
    tmp_path: Path, setup: object, args: list[str], message: str
) -> None:
    make_workspace(tmp_path)
    run(tmp_path, "sync")
    assert callable(setup)
    setup(tmp_path)
    before = snapshot(tmp_path)
    result = run(tmp_path, *args)
    assert result.exit_code == 1, result.stderr
    assert message in result.stderr
    assert result.stderr.startswith("Error: ")
    assert "Traceback" not in result.stderr
    assert snapshot(tmp_path) == before


def test_a_bad_article_among_good_ones_is_skipped_and_the_rest_synced(tmp_path: Path) -> None:
    make_workspace(tmp_path, {"a.md": "Alpha text.\n", "b.md": "Beta text.\n",
                              "c.md": "---\nlang: fr\n---\n\nGamma.\n"})
    result = run(tmp_path, "sync")
    assert result.exit_code == 1
    assert "Error: articles/c.md" in result.stderr
    written = sorted(p.relative_to(tmp_path).as_posix()
                     for p in (tmp_path / "locales").rglob("*") if p.is_file())
    assert written == ["locales/nl/a.po", "locales/nl/b.po",
                       "locales/templates/a.pot", "locales/templates/b.pot"]


def test_regional_lang_in_front_matter_maps_to_the_configured_language(tmp_path: Path) -> None:
    make_workspace(tmp_path, {"a.md": "---\nlang: nl-NL\n---\n\nHallo wereld.\n"})
    assert run(tmp_path, "sync").exit_code == 0
    assert (tmp_path / "locales/en/a.po").exists()


def test_parallel_sync_matches_sequential_and_aborts_cleanly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transflow.workflow import parallel

    monkeypatch.setattr(parallel, "PARALLEL_MIN", 2)
    articles = {f"a{i}.md": f"# Title {i}\n\nParagraph number {i}.\n\nShared promo.\n"
                for i in range(20)}
    seq, par = tmp_path / "seq", tmp_path / "par"
    for root in (seq, par):
        root.mkdir()
        make_workspace(root, articles)
    # One fixed clock for both runs: the headers' creation date would differ across a minute.
    def clock() -> datetime:
        return datetime(2026, 11, 26, 12, 0, tzinfo=UTC)

    assert not sync(load_config(seq), clock=clock, workers=1).problems
    assert not sync(load_config(par), clock=clock, workers=2).problems
    files = sorted(p.relative_to(seq).as_posix() for p in (seq / "locales").rglob("*.po*"))
    assert len(files) == 40
    for name in files:
        assert (seq / name).read_bytes() == (par / name).read_bytes()
    # status in worker processes reports exactly what a sequential run does
    config = load_config(par)
    assert status(config, workers=2).to_json() == status(config, workers=1).to_json()
    # build too, gates included: the same files and the same manifest
    for po_path in sorted((par / "locales/nl").glob("*.po"))[:15]:
        fill(po_path)
    gates = default_gates(config)
    one = build(config, output=tmp_path / "out1", gates=gates, workers=1)
    two = build(config, output=tmp_path / "out2", gates=gates, workers=2)
    assert json.dumps(one.to_json()).replace("out1", "out") == json.dumps(
        two.to_json()).replace("out2", "out")
    assert len([a for a in two.articles if a.built]) == 15
    out1 = sorted(p.relative_to(tmp_path / "out1") for p in (tmp_path / "out1").rglob("*.md"))
    out2 = sorted(p.relative_to(tmp_path / "out2") for p in (tmp_path / "out2").rglob("*.md"))
    assert out1 == out2 and len(out1) == 30
    for rel in out1:
        assert (tmp_path / "out1" / rel).read_bytes() == (tmp_path / "out2" / rel).read_bytes()
    # A bad article in a parallel run: exit 1, the others synced as in a clean run, nothing
    # written for the bad one, no temp file left behind.
    bad = tmp_path / "bad"
    bad.mkdir()
    make_workspace(bad, articles)
    (bad / "articles/z.md").write_bytes(b"caf\xe9\n")
    result = run(bad, "sync", "--jobs", "2")
    assert result.exit_code == 1
    assert "articles/z.md:1: not valid UTF-8" in result.stderr
    written = sorted(p.relative_to(bad).as_posix() for p in (bad / "locales").rglob("*")
                     if p.is_file())
    assert written == files
    for name in files:  # the same catalogs; only the run's clock may differ in the header
        assert _undated((seq / name).read_bytes()) == _undated((bad / name).read_bytes())


def _undated(po: bytes) -> bytes:
    return re.sub(rb'"(POT-Creation|PO-Revision)-Date: [^"]*"', b"", po)


def test_a_second_writing_command_waits_for_the_workspace_lock(tmp_path: Path) -> None:
    from transflow.workflow.workspace import WorkspaceBusyError, workspace_lock

    make_workspace(tmp_path)
    config = load_config(tmp_path)
    waits: list[float] = []
    with (
        workspace_lock(config),
        pytest.raises(WorkspaceBusyError, match="another transflow command"),
        workspace_lock(config, timeout=0.5, sleep=waits.append),
    ):
        pass  # pragma: no cover - never reached
    assert waits  # it waited before giving up
    with workspace_lock(config, timeout=0.5):  # released: free again
        pass
    assert run(tmp_path, "sync").exit_code == 0


def test_build_forgets_gone_articles_and_partial_builds_keep_the_manifest(tmp_path: Path) -> None:
    make_workspace(tmp_path, {"a.md": "Alpha text.\n", "b.md": "Beta text.\n"})
    run(tmp_path, "sync")
    for name in ("a", "b"):
        fill(tmp_path / f"locales/nl/{name}.po")
    assert run(tmp_path, "build", "--strict").exit_code == 0
    # A partial build updates its article and keeps the others in the manifest.
    assert run(tmp_path, "build", "articles/b.md").exit_code == 0
    manifest = json.loads((tmp_path / "dist/manifest.json").read_text())
    assert [p["article"] for p in manifest["pairs"]] == ["articles/a.md", "articles/b.md"]
    # A moved article: the full build removes what was published under the old name.
    (tmp_path / "articles/news").mkdir()
    (tmp_path / "articles/a.md").rename(tmp_path / "articles/news/a.md")
    run(tmp_path, "sync")
    result = run(tmp_path, "build")
    assert "removed dist/nl/a.md: its article is gone" in result.stderr
    assert not (tmp_path / "dist/nl/a.md").exists() and not (tmp_path / "dist/en/a.md").exists()
    assert (tmp_path / "dist/nl/news/a.md").exists()
    manifest = json.loads((tmp_path / "dist/manifest.json").read_text())
    assert [p["article"] for p in manifest["pairs"]] == ["articles/b.md", "articles/news/a.md"]


def test_init_refuses_a_workspace_the_other_commands_would_refuse(tmp_path: Path) -> None:
    result = run(tmp_path, "init", "w", "--languages", "nl", "--source-language", "nl")
    assert result.exit_code == 1
    assert "at least two languages" in result.stderr
    assert not (tmp_path / "w").exists()


def test_a_changed_lang_warns_about_the_catalog_left_behind(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    run(tmp_path, "sync")
    article = tmp_path / "articles/sleep.md"
    article.write_text(ARTICLE.replace("lang: en", "lang: nl"), encoding="utf-8")
    result = run(tmp_path, "sync")
    assert result.exit_code == 0
    assert "locales/nl/sleep.po is a catalog into nl, the article's own language now" in (
        result.stderr)
    assert (tmp_path / "locales/nl/sleep.po").exists()
    assert (tmp_path / "locales/en/sleep.po").exists()


def test_an_error_under_json_is_a_json_document_too(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    (tmp_path / "transflow.toml").write_text('articles = "nope"\n')
    result = run(tmp_path, "status", "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc == {"version": 1, "exit_code": 1, "error": {
        "message": "articles folder not found: nope", "path": "transflow.toml", "line": None,
        "hint": "create it or set 'articles' in the configuration"}}
    assert "Error: transflow.toml: articles folder not found: nope" in result.stderr


def test_a_skipped_article_under_json_is_listed_in_the_document(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    result = run(tmp_path, "status", "nope.md", "articles/sleep.md", "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["problems"] == [
        {"path": "nope.md", "line": None, "message": "article not found", "hint": None}]
    assert [a["article"] for a in doc["articles"]] == ["articles/sleep.md"]
    assert "Error: nope.md: article not found" in result.stderr


def test_a_missing_dependency_is_named_not_taken_for_a_missing_format(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import transflow.formats as formats
    from transflow.errors import ArticleError

    def missing(name: str) -> None:
        raise ModuleNotFoundError("No module named 'yaml'", name="yaml")

    monkeypatch.setattr(formats.importlib, "import_module", missing)
    monkeypatch.setattr(formats, "_FOUND", {})  # as in a process that has read no article
    with pytest.raises(ArticleError, match="Python package 'yaml' is missing"):
        formats.format_for("a.md")
