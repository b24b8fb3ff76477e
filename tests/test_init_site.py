"""A new user's first steps: ``init`` options and layouts, Poedit's ``.mo`` files, shell
completion, and a package that installs without setuptools warnings."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers import ARTICLE, REPO_ROOT, run
from transflow.cli import main
from transflow.config import load_config
from transflow.po import catalog

#: What init's .gitignore always holds (the cache, Poedit's .mo files, a killed run's temps).
IGNORED = [".transflow-cache/", "*.mo", ".*.transflow-tmp"]


@pytest.mark.parametrize(
    ("args", "articles", "output", "layout", "site", "ignored"),
    [
        ([], "articles", "dist", "{lang}/{path}", {}, [*IGNORED, "dist/"]),
        (["--articles", "posts", "--output", "public"], "posts", "public", "{lang}/{path}", {},
         [*IGNORED, "public/"]),
        (["--articles", "posts", "--output", "site", "--layout", "hugo-filename"],
         "posts", "site", "content/{dir}/{stem}.{lang}{ext}",
         {"translation_key": "translationKey"}, [*IGNORED]),
        (["--articles", "content", "--layout", "filename"], "content", "content",
         "{dir}/{stem}.{lang}{ext}", {"source_file": "keep"}, [*IGNORED]),
        (["--layout", "content-folders", "--output", "site"], "articles", "site",
         "content/{lang}/{path}", {"translation_key": "translationKey"},
         [*IGNORED]),
    ],
    ids=["default", "folders", "hugo-filename", "filename-in-place", "content-folders"],
)
def test_init_options(tmp_path: Path, args: list[str], articles: str, output: str, layout: str,
                      site: dict[str, str], ignored: list[str]) -> None:
    result = run(tmp_path, "init", "blog", *args)
    assert result.exit_code == 0, result.stderr
    root = tmp_path / "blog"
    config = load_config(root)
    assert config.relative(config.articles) == articles and config.articles.is_dir()
    assert config.relative(config.output) == output
    assert config.layout == layout and config.references == "file"
    for key, value in site.items():
        assert getattr(config.site, key) == value
    assert (root / ".gitignore").read_text(encoding="utf-8").splitlines() == ignored
    assert not config.manifest_path.is_relative_to(config.root / "site" / "content")
    assert not config.manifest_path.is_relative_to(config.articles)
    table = tomllib.loads((root / "transflow.toml").read_text(encoding="utf-8"))
    assert table["layout"] in ("lang-folders", "hugo-filename", "filename", "content-folders")


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--layout", "jekyll"], 2, "'jekyll' is not one of"),
        (["--articles", "../elsewhere"], 1, "articles: expected a folder path inside"),
        (["--articles", "site/content/posts", "--output", "site", "--layout", "hugo-filename"],
         1, "inside the site's content folder site/content: Hugo would publish every article"),
    ],
)
def test_init_refuses(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    result = run(tmp_path, "init", "blog", *args)
    assert result.exit_code == code
    assert message in result.stderr
    assert not (tmp_path / "blog" / "transflow.toml").exists()


def test_poedit_mo_files_are_ignored(tmp_path: Path) -> None:
    """Poedit saves x.mo beside x.po: sync, status and build neither read nor complain."""
    assert run(tmp_path, "init", "blog").exit_code == 0
    root = tmp_path / "blog"
    (root / "articles" / "sleep.md").write_text(ARTICLE, encoding="utf-8")
    assert run(root, "sync").exit_code == 0
    mo = root / "locales" / "nl" / "sleep.mo"
    mo.write_bytes(b"\xde\x12\x04\x95" + bytes(64))  # a binary .mo header
    synced = run(root, "sync", "--json")
    assert synced.exit_code == 0, synced.stderr
    assert all(not a["written"] for a in json.loads(synced.stdout)["articles"])
    status = run(root, "status", "--json")
    assert status.exit_code == 0, status.stderr
    assert "sleep.mo" not in status.stdout
    assert run(root, "build").exit_code == 0
    assert mo.read_bytes().startswith(b"\xde\x12\x04\x95")


def test_shell_completion_offers_commands_and_layouts() -> None:
    runner = CliRunner()
    env = {"_TRANSFLOW_COMPLETE": "bash_complete", "COMP_WORDS": "transflow bu",
           "COMP_CWORD": "1"}
    result = runner.invoke(main, [], env=env, prog_name="transflow")
    assert "plain,build" in result.stdout.splitlines()
    env = {"_TRANSFLOW_COMPLETE": "bash_complete",
           "COMP_WORDS": "transflow init --layout hu", "COMP_CWORD": "3"}
    result = runner.invoke(main, [], env=env, prog_name="transflow")
    assert result.stdout.splitlines() == ["plain,hugo-filename"]


def test_package_metadata_has_no_deprecated_license_table() -> None:
    """setuptools warns (twice) about ``project.license`` as a table: an SPDX string it is."""
    data = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert data["project"]["license"] == "MIT"
    requires = data["build-system"]["requires"]
    assert any(r.replace(" ", "").startswith("setuptools>=77") for r in requires)


def test_init_adds_its_lines_to_an_existing_gitignore(tmp_path: Path) -> None:
    """A folder that already has a .gitignore keeps it and gains only the missing lines."""
    root = tmp_path / "blog"
    root.mkdir()
    (root / ".gitignore").write_text("node_modules/\n*.mo", encoding="utf-8")
    assert run(tmp_path, "init", "blog").exit_code == 0
    lines = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert lines == ["node_modules/", "*.mo", ".transflow-cache/", ".*.transflow-tmp", "dist/"]


DUTCH = """\
---
title: Magnesium en slaap
lang: nl
---

Magnesium speelt een rol bij de slaap.
"""


def test_a_layout_that_lands_on_the_article_never_rewrites_it(tmp_path: Path) -> None:
    """Articles in Hugo's Dutch content folder with ``content-folders``: the Dutch page *is*
    the article, so build leaves it byte for byte and writes only the English page (without
    a translation key the untouched article lacks: Hugo links the two by path)."""
    args = ["--articles", "site/content/nl", "--output", "site", "--layout",
            "content-folders", "--source-language", "nl"]
    assert run(tmp_path, "init", "blog", *args).exit_code == 0
    root = tmp_path / "blog"
    config = root / "transflow.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'publish = "reviewed"', 'publish = "translated"'), encoding="utf-8")
    article = root / "site" / "content" / "nl" / "slaap.md"
    article.write_text(DUTCH, encoding="utf-8")
    assert run(root, "sync").exit_code == 0
    po_path = root / "locales" / "en" / "slaap.po"
    po = catalog.load(po_path)
    for entry in catalog.active_entries(po):
        entry.msgstr = {"Magnesium en slaap": "Magnesium and sleep"}.get(
            entry.msgid, "Magnesium plays a role in sleep.")
    catalog.save(po, po_path)
    result = run(root, "build", "--strict", "--json")
    assert result.exit_code == 0, result.stderr
    assert article.read_text(encoding="utf-8") == DUTCH
    english = (root / "site" / "content" / "en" / "slaap.md").read_text(encoding="utf-8")
    assert "Magnesium plays a role in sleep." in english and "translationKey" not in english
    files = json.loads(result.stdout)["articles"][0]["files"]
    assert files == {"nl": "site/content/nl/slaap.md", "en": "site/content/en/slaap.md"}
