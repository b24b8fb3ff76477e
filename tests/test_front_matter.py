"""Nested front matter (dotted paths, list items) in YAML and TOML: golden files and hostile text.

``case.md`` beside ``case.md.expect.json``; ``TRANSFLOW_UPDATE_GOLDEN=1`` rewrites the
expectations so a change shows up as a reviewed diff.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.helpers import assert_markdown_golden
from transflow.errors import ArticleError
from transflow.formats import frontmatter
from transflow.formats.markdown import parse, render

GOLDEN = Path(__file__).parent / "golden" / "front_matter"
CASES = sorted(GOLDEN.glob("*.md"))
FIELDS = ("title", "og.title", "seo.description", "hero.title", "summary[]", "faq[].question")


def read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(case: Path) -> None:
    assert_markdown_golden(case, FIELDS)


def _front_matter(text: str) -> dict[str, Any]:
    opener = text[:3]
    body = text[4 : text.index("\n" + opener + "\n", 4)]
    data = tomllib.loads(body) if opener == "+++" else yaml.safe_load(body)
    assert isinstance(data, dict)
    return data


def _plain(data: Any) -> Any:
    """JSON-like data (TOML dates as text), block scalars without their final newline."""
    if isinstance(data, dict):
        return {k: _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    return data.rstrip("\n") if isinstance(data, str) else json.loads(json.dumps(data, default=str))


def _translated(data: Any, text: str) -> Any:
    """``data`` with every configured field's string value replaced by ``text``.

    The alias ``*cta`` in the YAML case is the anchored node again: never a segment.
    """
    data = _plain(data)
    data["title"] = text
    if "og.title" in data:
        data["og.title"] = text
    data["seo"]["description"] = text
    data["hero"]["title"] = text
    data["summary"] = [
        text if isinstance(v, str) and v != "Read more" else v for v in data["summary"]
    ]
    for item in data["faq"]:
        item["question"] = text
    return data


HOSTILE = [
    "a: b # c",
    'say "hi" and \\ back',
    "it's [x, y] {k: v}, then",
    "- item",
    "yes",
    "12",
    "*alias &anchor !tag",
    "# not a comment",
    "---",
    "+++",
    "'''",
    '"""',
    "tab\there",
    "line one\nline two",
    "ends with colon:",
    "@handle % 100",
]


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_translations_stay_values(case: Path, hostile: str) -> None:
    """Whatever a translator writes, each field reads back as that text and nothing moves."""
    source = read(case)
    doc = parse(source, front_matter_fields=FIELDS)
    out = render(doc, lambda s: hostile if s.kind.startswith("front matter") else None)
    expected_text = hostile.replace("\n", " ")
    before = _front_matter(source)
    after = _front_matter(out)
    assert _plain(after) == _translated(before, expected_text)
    again = parse(out, front_matter_fields=FIELDS)
    assert list(again.metadata) == list(doc.metadata)
    assert [s.kind for s in again.segments] == [s.kind for s in doc.segments]
    assert out.endswith("# Body\n\nText.\n")


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("---\ntitle: ok\nseo:\n  description: a: b\n---\n", 4),
        ("---\ntitle: ok\n  bad indent: x\n---\n", 3),
        ("---\nsummary: [one, two\n---\n", 2),
        ("+++\nseo = { description = 'x' \n+++\n", 2),
    ],
)
def test_invalid_front_matter_is_refused_with_its_line(source: str, line: int) -> None:
    with pytest.raises(ArticleError) as err:
        parse(source, front_matter_fields=FIELDS)
    assert err.value.line == line


def test_a_plain_field_name_does_not_reach_into_lists_or_tables() -> None:
    """``summary`` names a string; a list of them is ``summary[]`` (no surprise segments)."""
    source = "---\nsummary:\n  - one\nseo:\n  title: x\n---\n"
    assert parse(source, front_matter_fields=("summary", "title")).segments == []


def test_flow_plain_values_are_quoted_when_they_would_end_the_flow() -> None:
    assert frontmatter.quote_yaml("een, twee", "flow") == '"een, twee"'
    assert frontmatter.quote_yaml("een twee", "flow") == "een twee"
    assert frontmatter.quote_yaml("een, twee", "plain") == "een, twee"


THEME_KEYS = {
    "yaml": (
        "---\ntitle: Eerste plugin\nog:\n  title: Deel deze les\n  description: Een korte les\n"
        "sidebar:\n  label: Eerste les\n  order: 2\nhero:\n  actions:\n    - text: Begin de les\n"
        "      link: '#start'\n    - text: Lees de API\n      link: /api/\n"
        "eleventyNavigation:\n  key: les\n  title: Les een\n---\n\n# Body\n\nText.\n"
    ),
    "yaml-list-sidebar": (
        "---\ntitle: Verslag\nsidebar:\n  - title: Sprekers\n    image: a.png\n"
        "    text: Priya en Daan\n  - nav: docs\n---\n\n# Body\n\nText.\n"
    ),
    "toml": (
        '+++\ntitle = "Eerste plugin"\n[og]\ntitle = "Deel deze les"\n[sidebar]\nlabel = "Les"\n'
        '[[hero.actions]]\ntext = "Begin de les"\nlink = "#start"\n+++\n\n# Body\n\nText.\n'
    ),
}


@pytest.mark.parametrize("name", sorted(THEME_KEYS))
@pytest.mark.parametrize("hostile", ["", *HOSTILE])
def test_the_default_fields_reach_the_theme_keys_site_generators_show(
    name: str, hostile: str
) -> None:
    """Open Graph's card, Starlight's sidebar label and hero buttons, Minimal Mistakes'
    sidebar and Eleventy's navigation label are offered without configuration; a hostile
    translation reads back as that text, and the other keys (``link``, ``key``) stay."""
    from transflow.formats.base import DEFAULT_FRONT_MATTER

    source = THEME_KEYS[name]
    doc = parse(source, front_matter_fields=DEFAULT_FRONT_MATTER)
    fields = [s for s in doc.segments if s.kind.startswith("front matter")]
    assert len(fields) == {"yaml": 7, "yaml-list-sidebar": 3, "toml": 4}[name]
    text = hostile.replace("\n", " ") if hostile else "X"
    out = render(doc, lambda s: text if s.kind.startswith("front matter") else None)
    before, after = _plain(_front_matter(source)), _plain(_front_matter(out))

    def swap(data: Any, path: list[str]) -> None:
        head, *rest = path
        if head.endswith("[]"):
            for item in data.get(head[:-2], []):
                if rest and isinstance(item, dict) and isinstance(item.get(rest[0]), str):
                    swap(item, rest)
        elif not rest:
            if isinstance(data.get(head), str):
                data[head] = text
        elif isinstance(data.get(head), dict):
            swap(data[head], rest)

    for field in {s.kind.removeprefix("front matter: ") for s in fields}:
        swap(before, field.split("."))
    assert after == before
    assert out.endswith("# Body\n\nText.\n")


@pytest.mark.parametrize(
    "text",
    ["plain words", 'a "quote"', "back\\slash", "tab\there", "nbsp\xa0here", "bell\x07",
     "zero\u200bwidth", "café", "", "line\u2028sep", "ja: nee", "12"],
)
@pytest.mark.parametrize("style", ["double", "plain", "flow", "single"])
def test_double_quoting_escapes_exactly_what_needs_it(text: str, style: str) -> None:
    """The nothing-to-escape shortcut writes what the character loop writes."""
    written = frontmatter.quote_yaml(text, style)
    if written.startswith('"'):
        body = "".join(
            "\\" + ch if ch in '"\\' else
            (f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
            if not ch.isprintable() and ch != "\xa0" else ch
            for ch in " ".join(text.split("\n")))
        assert written == f'"{body}"'
    assert yaml.safe_load(f"k: {written}")["k"] in (text, None, 12)
