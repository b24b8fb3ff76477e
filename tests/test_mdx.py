"""MDX articles: component props and Markdown children are segments; JS never is.

Golden cases: ``tests/golden/mdx/<case>.mdx`` next to ``<case>.mdx.expect.json``;
``TRANSFLOW_UPDATE_GOLDEN=1`` rewrites the expectations.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from transflow.formats import format_for
from transflow.formats.base import Markup
from transflow.formats.markdown import MDX_FORMAT

GOLDEN = Path(__file__).parent / "golden" / "mdx"
CASES = sorted(GOLDEN.glob("*.mdx"))
FIELDS = ("title", "description")


def read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


@pytest.mark.parametrize("case", CASES, ids=[c.stem for c in CASES])
def test_golden(case: Path) -> None:
    source = read(case)
    doc = MDX_FORMAT.parse(source, front_matter_fields=FIELDS)
    got = [{"text": s.text, "kind": s.kind, "line": s.line} for s in doc.segments]
    expect_path = case.with_name(case.name + ".expect.json")
    if os.environ.get("TRANSFLOW_UPDATE_GOLDEN") == "1":
        expect_path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", "utf-8")
    assert got == json.loads(expect_path.read_text("utf-8"))
    assert MDX_FORMAT.render(doc, lambda s: s.text) == source


def test_mdx_files_get_the_mdx_format() -> None:
    assert format_for("a/b.mdx") is MDX_FORMAT
    assert format_for("a/b.md") is not MDX_FORMAT


def test_props_are_configurable() -> None:
    source = '<Hero title="A title" tagline="A tagline" />\n'
    assert [s.text for s in MDX_FORMAT.parse(source).segments] == ["A title"]
    doc = MDX_FORMAT.parse(source, markup=Markup(props=("tagline",)))
    assert [(s.kind, s.text) for s in doc.segments] == [
        ("attribute tagline of Hero", "A tagline")
    ]


SOURCE = read(GOLDEN / "components.mdx") if (GOLDEN / "components.mdx").exists() else ""
HOSTILE = [
    'Een "titel" met \' en >',
    "Accolades { open } en } dicht",
    "Kleiner < dan en <Evil /> component",
    "{process.exit()}",
    "Regel\n\n# kop\n\nimport x from 'y'",
    "</Quote> tekst <Quote>",
]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_a_hostile_translation_cannot_add_jsx_or_break_a_prop(hostile: str) -> None:
    doc = MDX_FORMAT.parse(SOURCE, front_matter_fields=FIELDS)
    for victim in doc.segments:
        out = MDX_FORMAT.render(doc, lambda s, v=victim: hostile if s is v else None)
        again = MDX_FORMAT.parse(out, front_matter_fields=FIELDS)
        assert [s.kind for s in again.segments] == [s.kind for s in doc.segments], (victim, out)
        others = [(s.kind, s.text) for s in doc.segments if s is not victim]
        kept = [(a.kind, a.text) for a, b in zip(again.segments, doc.segments, strict=True)
                if b is not victim]
        assert kept == others, out
        # Outside the victim's span, the bytes are the source's.
        assert out.startswith(SOURCE[: victim.start])
        assert out.endswith(SOURCE[victim.end :])
        written = out[victim.start : len(out) - (len(SOURCE) - victim.end)]
        if not victim.kind.startswith(("attribute", "front matter")):
            assert "{process" not in written.replace("\\{process", "")
            assert "<Evil" not in written
            assert "</Quote>" not in written


def test_markup_injected_in_mdx_is_refused_by_check_and_escaped_in_the_build(
    tmp_path: Path,
) -> None:
    import polib

    from tests.helpers import make_workspace, run

    root = make_workspace(tmp_path, {"a.mdx": read(GOLDEN / "components.mdx")})
    assert run(root, "sync").exit_code == 0
    path = root / "locales/nl/a.po"
    po = polib.pofile(str(path))
    child = "The quoted *Markdown* children."
    for entry in po:
        entry.msgstr = "Kind <Evil /> {process.exit()}" if entry.msgid == child else entry.msgid
    po.save()
    line = next(e.linenum for e in polib.pofile(str(path)) if e.msgid == child)
    checked = run(root, "check", "--errors-only")
    assert checked.exit_code == 3
    assert f"locales/nl/a.po:{line}: error [html-tags]" in checked.stdout
    run(root, "build", "--allow-incomplete")
    out = root / "dist/nl/a.mdx"
    assert not out.exists() or "&lt;Evil /> \\{process.exit()\\}" in out.read_text("utf-8")
