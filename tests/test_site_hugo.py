"""A real site build: transflow publishes into a bilingual Hugo site and ``hugo`` renders it.

The site is ``tests/sites/hugo`` (Dutch default, both languages under ``/nl/`` and
``/en/``), copied into ``tmp_path``; the articles and reviewed catalogs are the sample
workspace's (Dutch-first and English-first articles side by side). For every layout Hugo
supports, the rendered site must have each article at the expected URL in both languages
(the translation under its translated slug), each page linking to its translation, and
the English page showing the English text, never the Dutch (and the other way round).
Skipped cleanly where ``hugo`` is not installed (``.ci/run`` installs it).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT, run
from tests.site_pages import assert_pair, catalog_texts
from transflow.site.frontmatter import metadata, slugify

SITE = Path(__file__).resolve().parent / "sites" / "hugo"
ARTICLES = sorted((REPO_ROOT / "sample_articles").glob("*.md"))

CONFIG = """\
articles = "{articles}"
locales = "locales"
output = "{output}"
source_language = "en"
languages = ["nl", "en"]
front_matter = ["title", "description", "summary"]
publish = "reviewed"
references = "file"
layout = "{layout}"
manifest = "build/manifest.json"

[site]
slug = "title"
translation_key = "translationKey"
source_file = "{source_file}"
"""

@pytest.fixture(scope="module")
def hugo() -> str:
    found = shutil.which("hugo")
    if found is None:
        pytest.skip("hugo is not installed (Debian package 'hugo'; .ci/run installs it)")
    return found


@dataclass(frozen=True)
class Case:
    layout: str
    source_file: str
    output: str
    #: Where the articles live, relative to the workspace (in place: the content folder).
    articles: str
    #: Only articles in the site's default language can be their own page (x.md is Dutch).
    source_languages: tuple[str, ...]


CASES = [
    Case("hugo-filename", "copy", "site", "articles", ("nl", "en")),
    Case("filename", "keep", "site/content/blog", "site/content/blog", ("nl",)),
    Case("content-folders", "copy", "site", "articles", ("nl", "en")),
]


def _workspace(tmp_path: Path, case: Case) -> Path:
    root = tmp_path / "ws"
    shutil.copytree(SITE, root / "site")
    if case.layout == "content-folders":
        config = root / "site" / "hugo.toml"
        text = config.read_text(encoding="utf-8")
        for lang in ("nl", "en"):
            text = text.replace(f"[languages.{lang}]\n",
                                f'[languages.{lang}]\ncontentDir = "content/{lang}"\n')
        config.write_text(text, encoding="utf-8")
    articles = root / case.articles
    articles.mkdir(parents=True, exist_ok=True)
    for path in ARTICLES:
        if metadata(path.read_text(encoding="utf-8")).get("lang") in case.source_languages:
            shutil.copy(path, articles / path.name)
    shutil.copytree(REPO_ROOT / "locales", root / "locales")
    (root / "transflow.toml").write_text(
        CONFIG.format(articles=case.articles, layout=case.layout, source_file=case.source_file,
                      output=case.output),
        encoding="utf-8",
    )
    return root


@pytest.mark.parametrize("case", CASES, ids=[f"{c.layout}-{c.source_file}" for c in CASES])
def test_hugo_renders_both_languages_linked(tmp_path: Path, hugo: str, case: Case) -> None:
    root = _workspace(tmp_path, case)
    result = run(root, "build", "--strict")
    assert result.exit_code == 0, result.stderr
    assert (root / "build" / "manifest.json").is_file()  # outside the site's content tree
    assert not (root / "site" / "content" / "manifest.json").exists()

    public = tmp_path / "public"
    done = subprocess.run(
        [hugo, "--source", str(root / "site"), "--destination", str(public), "--quiet",
         "--noBuildLock", "--cacheDir", str(tmp_path / "hugo-cache")],
        capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr

    articles = sorted((root / case.articles).glob("*.md"))
    articles = [a for a in articles if not re.search(r"\.(nl|en)\.md$", a.name)]
    assert articles
    for article in articles:
        source_text = article.read_text(encoding="utf-8")
        meta = metadata(source_text)
        source = str(meta["lang"])
        target = "en" if source == "nl" else "nl"
        entries, body = catalog_texts(root / "locales" / target / f"{article.stem}.po")
        section = "blog/" if case.articles.startswith("site/content/blog") else ""
        urls = {
            source: f"/{source}/{section}{meta['slug']}/",
            target: f"/{target}/{section}{slugify(entries[str(meta['title'])])}/",
        }
        assert_pair(public, article.name, urls, source, target, body)


def test_in_place_translations_are_not_read_back_as_articles(tmp_path: Path, hugo: str) -> None:
    """Hugo by file name, in place: x.en.md beside x.md is an output, never a new article."""
    case = CASES[1]
    root = _workspace(tmp_path, case)
    assert run(root, "build", "--strict").exit_code == 0
    content = root / case.articles
    assert sorted(p.name for p in content.glob("*.en.md"))
    result = run(root, "sync", "--json")
    assert result.exit_code == 0, result.stderr
    assert not any(".en." in p.name for p in (root / "locales").rglob("*.po*"))
    second = run(root, "build", "--strict")
    assert second.exit_code == 0
    assert second.stdout == ""  # nothing changed, nothing rewritten
