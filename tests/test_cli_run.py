"""``transflow run``: the pipeline command stops at the first failing step with its exit code."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib

from tests.helpers import ARTICLE, REPO_ROOT, make_workspace, run


def sample_workspace(tmp_path: Path) -> Path:
    """A copy of the repository's sample workspace with its reviewed catalogs."""
    shutil.copytree(REPO_ROOT / "sample_articles", tmp_path / "sample_articles")
    shutil.copytree(REPO_ROOT / "locales", tmp_path / "locales")
    (tmp_path / "transflow.toml").write_text(
        'articles = "sample_articles"\nsource_language = "en"\nlanguages = ["nl", "en"]\n'
        'publish = "reviewed"\n', encoding="utf-8")
    return tmp_path


def test_run_builds_every_sample_pair_without_a_key(tmp_path: Path) -> None:
    root = sample_workspace(tmp_path)
    result = run(root, "run", "--strict", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["version"] == 1 and doc["stopped_at"] is None
    assert [s["step"] for s in doc["steps"]] == ["sync", "translate", "check", "build"]
    articles = sorted(p.name for p in (root / "sample_articles").iterdir())
    for lang in ("nl", "en"):
        assert sorted(p.name for p in (root / "dist" / lang).iterdir()) == articles
    manifest = json.loads((root / "dist/manifest.json").read_text())
    assert len(manifest["pairs"]) == len(articles)
    # The sample catalogs are already in sync: a run writes no catalog.
    assert doc["steps"][0]["summary"]["written"] == []


def test_run_builds_what_passes_and_exits_3_for_check_errors(tmp_path: Path) -> None:
    make_workspace(tmp_path, {"sleep.md": ARTICLE, "other.md": "# Other\n\nPlain text.\n"})
    assert run(tmp_path, "sync").exit_code == 0
    for name in ("sleep", "other"):
        po_path = tmp_path / f"locales/nl/{name}.po"
        po = polib.pofile(str(po_path))
        for entry in po:
            entry.msgstr = entry.msgid.replace("200 mg", "2000 mg")
        po.save()
    result = run(tmp_path, "run", "--json")
    assert result.exit_code == 3
    doc = json.loads(result.stdout)
    assert doc["stopped_at"] is None
    assert [s["step"] for s in doc["steps"]] == ["sync", "translate", "check", "build"]
    assert [s["exit_code"] for s in doc["steps"]] == [0, 0, 3, 3]
    assert doc["steps"][3]["summary"]["built"] == ["articles/other.md"]
    assert doc["steps"][3]["summary"]["refused"] == ["articles/sleep.md"]
    assert (tmp_path / "dist/nl/other.md").exists()
    assert not (tmp_path / "dist/nl/sleep.md").exists()


def test_run_reports_a_bad_article_with_exit_1_and_goes_on(tmp_path: Path) -> None:
    # lang: de is a language, but not one of the workspace's (lang: nk would only warn)
    make_workspace(tmp_path, {"bad.md": "---\ntitle: x\nlang: de\n---\n\nText.\n",
                              "good.md": "Plain text.\n"})
    result = run(tmp_path, "run")
    assert result.exit_code == 1
    assert "run: sync      failed (exit 1): 1 article(s) or catalog(s) skipped" in result.stderr
    # Every step meets the bad article; it is listed once.
    assert result.stderr.count("Error: articles/bad.md:3: lang 'de' is not one of the") == 1
    assert (tmp_path / "locales/nl/good.po").exists()


def test_run_dry_run_writes_nothing(tmp_path: Path) -> None:
    from tests.helpers import snapshot

    make_workspace(tmp_path)
    before = snapshot(tmp_path)
    result = run(tmp_path, "run", "--dry-run", "--json")
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["stopped_at"] is None
    assert snapshot(tmp_path) == before
    assert not (tmp_path / ".transflow-cache").exists()  # not even the lock file
