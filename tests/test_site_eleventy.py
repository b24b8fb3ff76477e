"""The same real site build with a second generator: Eleventy 3 and its i18n plugin.

The site is ``tests/sites/eleventy`` (Dutch default; pages under ``content/nl/`` and
``content/en/``, linked by the plugin's ``locale_links``), built with transflow's
``content-folders`` layout from the sample workspace's articles and reviewed catalogs. Both
pages of every article must exist at ``/<lang>/<file name>/`` (Eleventy takes URLs from file
paths, not from ``slug``), link to each other and show their own language only. Eleventy
comes from npm: ``.ci/run`` installs it into ``.ci/eleventy`` (or set ``TRANSFLOW_ELEVENTY``
to an ``eleventy`` executable); the test skips cleanly without it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers import REPO_ROOT, run
from tests.site_pages import assert_pair, catalog_texts
from transflow.site.frontmatter import metadata

SITE = Path(__file__).resolve().parent / "sites" / "eleventy"
INSTALLED = REPO_ROOT / ".ci" / "eleventy" / "node_modules"

CONFIG = """\
articles = "articles"
locales = "locales"
output = "site"
source_language = "en"
languages = ["nl", "en"]
front_matter = ["title", "description", "summary"]
publish = "reviewed"
layout = "content-folders"
manifest = "build/manifest.json"
"""


@pytest.fixture(scope="module")
def eleventy() -> Path:
    given = os.environ.get("TRANSFLOW_ELEVENTY")
    found = Path(given) if given else INSTALLED / ".bin" / "eleventy"
    if not found.exists() or shutil.which("node") is None:
        pytest.skip("Eleventy not installed (.ci/run installs it with npm into .ci/eleventy)")
    return found


def test_eleventy_renders_both_languages_linked(tmp_path: Path, eleventy: Path) -> None:
    root = tmp_path / "ws"
    shutil.copytree(SITE, root / "site")
    # The site's config imports @11ty/eleventy: resolve it from the installed packages.
    modules = eleventy.resolve().parent.parent.parent
    (root / "site" / "node_modules").symlink_to(modules, target_is_directory=True)
    (root / "articles").mkdir()
    for path in sorted((REPO_ROOT / "sample_articles").glob("*.md")):
        shutil.copy(path, root / "articles" / path.name)
    shutil.copytree(REPO_ROOT / "locales", root / "locales")
    (root / "transflow.toml").write_text(CONFIG, encoding="utf-8")
    result = run(root, "build", "--strict")
    assert result.exit_code == 0, result.stderr

    done = subprocess.run([str(eleventy), "--quiet"], cwd=root / "site", capture_output=True,
                          text=True, check=False, timeout=300)
    assert done.returncode == 0, done.stderr + done.stdout
    public = root / "site" / "_site"
    articles = sorted((root / "articles").glob("*.md"))
    assert len(articles) == 4
    for article in articles:
        source = str(metadata(article.read_text(encoding="utf-8"))["lang"])
        target = "en" if source == "nl" else "nl"
        _, body = catalog_texts(root / "locales" / target / f"{article.stem}.po")
        urls = {lang: f"/{lang}/{article.stem}/" for lang in (source, target)}
        assert_pair(public, article.name, urls, source, target, body)
