"""Output layouts and per-language front matter (``transflow.site``), table-driven."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import make_workspace, run
from transflow.config import parse_config
from transflow.errors import ConfigError
from transflow.po import catalog
from transflow.site import frontmatter, layout


@pytest.mark.parametrize(
    ("value", "slug", "lang", "expected"),
    [
        ("lang-folders", "x", "en", "en/x.md"),
        ("lang-folders", "news/x", "pt_BR", "pt-BR/news/x.md"),
        ("hugo-filename", "x", "en", "content/x.en.md"),
        ("hugo-filename", "posts/2024/x", "nl", "content/posts/2024/x.nl.md"),
        ("filename", "x", "en", "x.en.md"),
        ("content-folders", "posts/x", "en", "content/en/posts/x.md"),
        ("site/{lang}/{dir}/{stem}/index{ext}", "x", "en", "site/en/x/index.md"),
        ("{source}-to-{lang}/{slug}{ext}", "a/x", "en", "nl-to-en/a/x.md"),
    ],
)
def test_destinations(value: str, slug: str, lang: str, expected: str) -> None:
    pattern = layout.resolve(value)
    assert layout.destination(pattern, slug, ".md", lang, "nl") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("hugo", "unknown layout preset 'hugo'"),
        ("{path}", "name {lang}"),
        ("{lang}/{name}", "unknown placeholder {name}"),
        ("../{lang}/{path}", "inside the output folder"),
        ("/srv/{lang}/{path}", "inside the output folder"),
        ("{lang/{path}", "layout"),
    ],
)
def test_bad_layouts(value: str, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("{", r"\{").replace("}", r"\}")
                       .replace("(", r"\(").replace(")", r"\)")):
        layout.resolve(value)


def test_file_name_outputs_are_recognised() -> None:
    matcher = layout.output_matcher(layout.PRESETS["hugo-filename"], ["nl", "en"])
    assert matcher is not None
    assert matcher.fullmatch("content/x.en.md")
    assert matcher.fullmatch("content/a/b/x.nl.md")
    assert not matcher.fullmatch("content/x.md")
    assert not matcher.fullmatch("content/x.de.md")
    assert layout.output_matcher(layout.PRESETS["content-folders"], ["nl", "en"]) is None


YAML = """\
---
title: "Magnesium en slaap"
slug: magnesium-en-slaap
url: /blog/magnesium-en-slaap/
aliases:
  - /oud/magnesium-en-slaap/
  - relatief/pad
tags: [a, b]   # kept as written
permalink: '/nl/al-gelokaliseerd/'
lang: nl
---
Body with url: /not/front/matter/
"""

YAML_EN = """\
---
title: "Magnesium en slaap"
slug: magnesium-and-sleep
url: /en/blog/magnesium-and-sleep/
aliases:
  - "/en/oud/magnesium-and-sleep/"
  - "relatief/pad"
tags: [a, b]   # kept as written
permalink: "/en/nl/al-gelokaliseerd/"
lang: nl
translationKey: blog/magnesium
---
Body with url: /not/front/matter/
"""

TOML = """\
+++\r
title = "X"\r
aliases = ["/a/", "/b/"]\r
url = '/en/x/'\r
[params]\r
url = "/in/a/table/"\r
+++\r
"""

TOML_EN = """\
+++\r
title = "X"\r
aliases = ["/en/a/", "/en/b/"]\r
url = '/en/x/'\r
translationKey = "blog/magnesium"\r
[params]\r
url = "/in/a/table/"\r
+++\r
"""


def _changes(new_slug: str | None) -> frontmatter.Changes:
    return frontmatter.Changes(
        values={"slug": new_slug} if new_slug else {},
        url=frontmatter.url_rule("/{lang}{url}", "en", "magnesium-en-slaap", new_slug),
        defaults={"translationKey": "blog/magnesium"},
    )


@pytest.mark.parametrize(
    ("text", "new_slug", "expected"),
    [
        (YAML, "magnesium-and-sleep", YAML_EN),
        (TOML, None, TOML_EN),
        ("No front matter.\n", "x", "No front matter.\n"),
        ("---\n\nA thematic break, not front matter.\n", "x",
         "---\n\nA thematic break, not front matter.\n"),
        ("\ufeff---\nurl: /x/\n---\n", None,
         "\ufeff---\nurl: /en/x/\ntranslationKey: blog/magnesium\n---\n"),
    ],
    ids=["yaml", "toml-crlf", "none", "thematic-break", "bom"],
)
def test_rewrite(text: str, new_slug: str | None, expected: str) -> None:
    assert frontmatter.rewrite(text, _changes(new_slug)) == expected


def test_rewrite_is_idempotent_and_keeps_an_existing_translation_key() -> None:
    once = frontmatter.rewrite(YAML, _changes("magnesium-and-sleep"))
    assert frontmatter.rewrite(once, _changes("magnesium-and-sleep")) == once
    own = YAML.replace("lang: nl\n", "lang: nl\ntranslationKey: mine\n")
    assert "translationKey: mine\n" in frontmatter.rewrite(own, _changes(None))


def test_metadata_reads_scalars_and_lists() -> None:
    meta = frontmatter.metadata(YAML)
    assert meta["aliases"] == ["/oud/magnesium-en-slaap/", "relatief/pad"]
    assert meta["tags"] == ["a", "b"]
    assert meta["permalink"] == "/nl/al-gelokaliseerd/"
    assert frontmatter.metadata(TOML)["url"] == "/en/x/"


@pytest.mark.parametrize(
    ("title", "slug"),
    [("Magnesium & Sleep: Why?", "magnesium-sleep-why"),
     ("Betaïne/TMG  en vet", "betaine-tmg-en-vet")],
)
def test_slugify(title: str, slug: str) -> None:
    assert frontmatter.slugify(title) == slug


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"layout": "hugo"}, "unknown layout preset 'hugo'"),
        ({"layout": "{path}"}, "name {lang}"),
        ({"site": {"slug": "auto"}}, "site.slug: expected one of"),
        ({"site": {"source_file": "move"}}, "site.source_file"),
        ({"site": {"urls": "/{lang}/"}}, "site.urls"),
        ({"site": {"urls": "/{language}{url}"}}, "site.urls: only {lang} and {url}"),
        ({"site": {"translationKey": "x"}}, "unknown option 'site.translationKey'"),
        ({"manifest": 3}, "manifest"),
        ({"manifest": "../manifest.json"}, "manifest: expected a file path inside"),
    ],
)
def test_config_errors(tmp_path: Path, table: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("{", r"\{")):
        parse_config(table, root=tmp_path)


ARTICLE = """\
---
title: Magnesium en slaap
lang: nl
slug: magnesium-en-slaap
url: /blog/magnesium-en-slaap/
---

Magnesium speelt een rol bij de slaap.
"""


@pytest.mark.parametrize(
    ("settings", "dest", "front"),
    [
        ("", "dist/en/blog/m.md", "slug: magnesium-en-slaap\nurl: /en/blog/magnesium-en-slaap/\n"),
        ('layout = "hugo-filename"\n[site]\nslug = "title"\ntranslation_key = "translationKey"\n',
         "dist/content/blog/m.en.md",
         "slug: magnesium-and-sleep\nurl: /en/blog/magnesium-and-sleep/\n"
         "translationKey: blog/m\n"),
        ('layout = "content-folders"\n[site]\nurls = ""\n', "dist/content/en/blog/m.md",
         "slug: magnesium-en-slaap\nurl: /blog/magnesium-en-slaap/\n"),
        ('front_matter = ["title", "slug"]\nlayout = "content/{lang}/{stem}.md"\n'
         '[site]\nslug = "segment"\n', "dist/content/en/m.md",
         "slug: sleep-and-magnesium\nurl: /en/blog/sleep-and-magnesium/\n"),
    ],
    ids=["default", "hugo-filename", "folders-no-url-rule", "slug-segment"],
)
def test_build_places_and_rewrites(tmp_path: Path, settings: str, dest: str, front: str) -> None:
    root = make_workspace(tmp_path, {"blog/m.md": ARTICLE})
    config = root / "transflow.toml"
    text = config.read_text()
    if settings.startswith("front_matter"):
        text = "\n".join(line for line in text.splitlines() if not line.startswith("front_matter"))
    config.write_text(text + "\n" + settings, encoding="utf-8")
    assert run(root, "sync").exit_code == 0
    po_path = root / "locales" / "en" / "blog" / "m.po"
    po = catalog.load(po_path)
    for entry in catalog.active_entries(po):
        entry.msgstr = {"Magnesium en slaap": "Magnesium and sleep",
                        "magnesium-en-slaap": "Sleep and Magnesium"}.get(
            entry.msgid, "Magnesium plays a role in sleep.")
    catalog.save(po, po_path)
    result = run(root, "build", "--strict")
    assert result.exit_code == 0, result.stderr
    text = (root / dest).read_text(encoding="utf-8")
    assert front in text and "lang: en\n" in text
    manifest = json.loads((root / "dist" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["pairs"][0]["files"]["en"] == dest


@pytest.mark.parametrize(
    "slug", ["x", "news/x", "a/b/c", "./x", "a//b", "/abs/x", "a/./b", "a/../b", "..", "", "a/"]
)
@pytest.mark.parametrize("suffix", [".md", ""])
def test_destination_names_a_file_as_pathlib_would(slug: str, suffix: str) -> None:
    """The string fast path gives pathlib's folder, name and stem; odd names go to pathlib."""
    from pathlib import PurePosixPath

    path = PurePosixPath(slug + suffix)
    folder = path.parent.as_posix()
    pattern = "{lang}|{source}|{path}|{dir}|{stem}|{ext}|{slug}"
    stem = path.name[: len(path.name) - len(suffix)] if suffix else path.name
    expected = "/".join(p for p in f"en|nl|{path.as_posix()}|{'' if folder == '.' else folder}|"
                        f"{stem}|{suffix}|{slug}".split("/") if p and p != ".")
    assert layout.destination(pattern, slug, suffix, "en", "nl") == expected


URL_RULE = frontmatter.Changes(url=frontmatter.url_rule("/{lang}{url}", "en", None, None))


@pytest.mark.parametrize(
    ("text", "changes", "expected"),
    [
        ("---\ntitle: Slapen\nslug: slapen\n---\n\nTekst.\n", frontmatter.Changes(), None),
        ("---\ntitle: Slapen\nslug: slapen\n---\n\nTekst.\n", URL_RULE, None),
        ("---\ntitle: Pad\ndescription: het path en de url\n---\n", URL_RULE, None),
        ("Geen front matter, url: /x/\n", URL_RULE, None),
        ("---\ntitle: Slapen\nurl: /slapen/\naliases:\n  - /oud/\n---\n\nTekst.\n", URL_RULE,
         '---\ntitle: Slapen\nurl: /en/slapen/\naliases:\n  - "/en/oud/"\n---\n\nTekst.\n'),
        ('---\n"url": /quoted/\n---\n', URL_RULE, "---\nurl: /en/quoted/\n---\n"),
        ('+++\ntitle = "Slapen"\npermalink = "/slapen/"\n+++\n', URL_RULE,
         '+++\ntitle = "Slapen"\npermalink = "/en/slapen/"\n+++\n'),
        ("---\ntitle: Slapen\n---\n", frontmatter.Changes(defaults={"translationKey": "x"}),
         "---\ntitle: Slapen\ntranslationKey: x\n---\n"),
    ],
)
def test_rewrite_changes_every_url_key_and_nothing_without_one(
    text: str, changes: frontmatter.Changes, expected: str | None
) -> None:
    """Nothing asked, or no URL key in the block (words in values do not count): the page
    as it is; a URL key, quoted or not, YAML or TOML: rewritten."""
    assert frontmatter.rewrite(text, changes) == (text if expected is None else expected)


@pytest.mark.parametrize(
    "text",
    ["---\ntitle: Slapen\nslug: slapen\n---\n", "---\nslug: [a, b]\n---\n",
     "---\nslug:\n  - a\n---\n", '+++\nslug = "s"\n+++\n', "---\nslug: {a: b}\n---\n",
     "---\ntitle: x\n---\n", "geen\n"],
)
def test_one_value_is_what_metadata_holds(text: str) -> None:
    for key in ("slug", "title", "url"):
        assert frontmatter.value(text, key) == frontmatter.metadata(text).get(key)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("---\ntitle: x\nurl: /x/\n---\n", True),
        ('---\n"permalink": /x/\n---\n', True),
        ('+++\naliases = ["/x/"]\n+++\n', True),
        ("---\ntitle: x\n---\n\nA url and a path in the body.\n", False),
        ("No front matter, url: /x/\n", False),
        ("---\ntitle: the path\n---\n", True),  # a value may name one: then it is read
    ],
)
def test_has_key_rules_out_only_front_matter_without_the_keys(text: str, expected: bool) -> None:
    assert frontmatter.has_key(text, frontmatter.URL_KEYS) is expected
    if not expected:
        rule = frontmatter.Changes(url=frontmatter.url_rule("/{lang}{url}", "en", None, None))
        assert frontmatter.rewrite(text, rule) == text
