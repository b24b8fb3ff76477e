"""The ``references`` setting: ``#:`` lines with line numbers, with the file only, or none.

With ``"file"`` (gettext's ``--add-location=file``) an edit that moves segments changes
nothing in the catalogs; GNU msgcat/msgmerge keep the form; ``check`` and ``review`` still
show article line numbers, computed from the article.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.conftest import corpus_path
from tests.helpers import REPO_ROOT, make_workspace, run
from transflow.config import load_config
from transflow.po import catalog

SEGMENTS = [("Title", "heading 1", 1), ("Same.", "paragraph", 3), ("Same.", "paragraph", 5)]


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("line", [[("a.md", 1)], [("a.md", 3), ("a.md", 5)]]),
        ("file", [[("a.md", None)], [("a.md", None)]]),
        ("none", [[], []]),
    ],
)
def test_template_references_follow_the_mode(
    mode: str, expected: list[list[tuple[str, int | None]]]
) -> None:
    template = catalog.build_template(SEGMENTS, "a.md", mode)
    assert [list(t.references) for t in template] == expected


def test_unknown_mode_is_refused() -> None:
    with pytest.raises(ValueError, match="references"):
        catalog.build_template(SEGMENTS, "a.md", "lines")


def _workspace(tmp_path: Path, mode: str | None, articles: dict[str, str] | None = None) -> Path:
    root = make_workspace(tmp_path, articles)
    if mode is not None:
        config = root / "transflow.toml"
        config.write_text(config.read_text() + f'references = "{mode}"\n', encoding="utf-8")
    return root


def _catalogs(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted((root / "locales").rglob("*.po*"))}


@pytest.mark.parametrize(
    ("mode", "reference"),
    [(None, "#: articles/sleep.md:2"), ("line", "#: articles/sleep.md:2"),
     ("file", "#: articles/sleep.md\n"), ("none", None)],
)
def test_sync_writes_the_configured_references(
    tmp_path: Path, mode: str | None, reference: str | None
) -> None:
    root = _workspace(tmp_path, mode)
    assert run(root, "sync").exit_code == 0
    for name, text in _catalogs(root).items():
        if reference is None:
            assert "#:" not in text, name
        else:
            assert reference in text, name
        if mode == "file":
            assert text.count("#: articles/sleep.md") == text.count("msgid ") - 1


def test_switching_modes_rewrites_the_references(tmp_path: Path) -> None:
    root = _workspace(tmp_path, None)
    assert run(root, "sync").exit_code == 0
    assert "#: articles/sleep.md:2" in _catalogs(root)["locales/nl/sleep.po"]
    config = root / "transflow.toml"
    config.write_text(config.read_text() + 'references = "file"\n', encoding="utf-8")
    assert run(root, "sync").exit_code == 0
    po = _catalogs(root)["locales/nl/sleep.po"]
    assert "#: articles/sleep.md\n" in po and "sleep.md:" not in po


def test_bad_mode_is_a_config_error(tmp_path: Path) -> None:
    root = _workspace(tmp_path, "lines")
    result = run(root, "sync")
    assert result.exit_code == 1
    assert ("references: expected one of \"line\", \"file\", \"none\", "
            "got the string 'lines'") in result.stderr


def _seed() -> str:
    found = corpus_path()
    seed = found.parent / "seed" / "magnesium-l-threonate.txt" if found else None
    if seed is None or not seed.is_file():
        pytest.skip("the shop's seed article is not available")
    return seed.read_text(encoding="utf-8")


@pytest.mark.parametrize(("mode", "churn"), [("file", False), ("none", False), ("line", True)])
def test_a_line_inserted_at_the_top_of_the_seed_article(
    tmp_path: Path, mode: str, churn: bool
) -> None:
    """The issue's measure: with "file", 0 changed catalog lines (with "line": every entry)."""
    text = _seed()
    root = _workspace(tmp_path, mode, {"seed.txt": text})
    assert run(root, "sync").exit_code == 0
    before = _catalogs(root)
    (root / "articles" / "seed.txt").write_text("\n" + text, encoding="utf-8")
    assert run(root, "sync").exit_code == 0
    after = _catalogs(root)
    assert after.keys() == before.keys()
    changed = sum(
        len(set(before[name].splitlines()) ^ set(after[name].splitlines())) for name in before
    )
    assert (changed > 100) if churn else (changed == 0)


def test_check_and_review_show_article_lines_without_stored_ones(tmp_path: Path) -> None:
    root = _workspace(tmp_path, "file")
    assert run(root, "sync").exit_code == 0
    po_path = root / "locales" / "nl" / "sleep.po"
    po = catalog.load(po_path)
    for entry in catalog.active_entries(po):
        entry.msgstr = entry.msgid.replace("200 mg", "300 mg")  # a numbers error at line 11
    catalog.save(po, po_path)
    result = run(root, "check", "--json")
    findings = json.loads(result.stdout)["findings"]
    numbers = [f for f in findings if f["check"] == "numbers"]
    assert numbers and numbers[0]["reference"] == "articles/sleep.md:11"
    result = run(root, "review", "articles/sleep.md", "--approve", "11", "--reviewer", "Jane",
                 "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["catalogs"][0]["approved"] == [11]
    assert "#: articles/sleep.md\n" in po_path.read_text(encoding="utf-8")


@pytest.mark.gettext
@pytest.mark.usefixtures("gettext_tools")
@pytest.mark.parametrize("mode", ["file", "none"])
def test_gnu_gettext_keeps_the_form(tmp_path: Path, mode: str) -> None:
    """msgcat leaves the catalog byte-identical; msgmerge with the template changes nothing."""
    root = _workspace(tmp_path, mode)
    assert run(root, "sync").exit_code == 0
    po = root / "locales" / "nl" / "sleep.po"
    pot = root / "locales" / "templates" / "sleep.pot"
    written = po.read_text(encoding="utf-8")
    subprocess.run(["msgcat", "-o", str(po), str(po)], check=True)
    assert po.read_text(encoding="utf-8") == written
    subprocess.run(["msgmerge", "--quiet", "--previous", "-o", str(po), str(po), str(pot)],
                   check=True)
    assert po.read_text(encoding="utf-8") == written


def test_init_writes_file_references_and_the_sample_workspace_keeps_lines(
    tmp_path: Path,
) -> None:
    assert run(tmp_path, "init", "blog").exit_code == 0
    assert load_config(tmp_path / "blog").references == "file"
    assert load_config(REPO_ROOT).references == "line"
    assert "#: sample_articles/magnesium-l-threonate.md:" in (
        REPO_ROOT / "locales" / "nl" / "magnesium-l-threonate.po"
    ).read_text(encoding="utf-8")
