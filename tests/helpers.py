"""Small helpers shared by the CLI tests: a workspace in tmp_path and a snapshot of its files."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from click.testing import CliRunner, Result

from transflow.cli import main
from transflow.formats.base import Document

REPO_ROOT = Path(__file__).resolve().parent.parent

CONFIG = """\
articles = "articles"
locales = "locales"
output = "dist"
source_language = "en"
languages = ["nl", "en"]
front_matter = ["title", "description", "summary"]
publish = "{publish}"
"""

ARTICLE = """\
---
title: Magnesium and sleep
lang: en
---

# Magnesium and sleep

Magnesium plays a role in **sleep quality**, see [the review](https://example.org/r).¹

- It supports 300 enzymes.
- A typical dose is 200 mg.

Order one of our products now.
"""


def make_workspace(root: Path, articles: dict[str, str] | None = None,
                   publish: str = "translated") -> Path:
    """A workspace with a config and the given articles (default: one English article)."""
    (root / "transflow.toml").write_text(CONFIG.format(publish=publish), encoding="utf-8")
    folder = root / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (articles or {"sleep.md": ARTICLE}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(text.encode("utf-8"))
    return root


def run(root: Path, *args: str, input: str | None = None,
        env: dict[str, str | None] | None = None) -> Result:
    """Invoke the CLI inside ``root`` (click's CliRunner keeps stderr separate); ``env``
    overrides the environment for this call (``None`` values unset a variable)."""
    runner = CliRunner(env=env)
    old = os.getcwd()
    os.chdir(root)
    try:
        return runner.invoke(main, list(args), input=input, catch_exceptions=False)
    finally:
        os.chdir(old)


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (cache excluded) with a digest, to prove nothing changed."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".transflow-cache" not in p.parts
    }


def read_exact(path: Path) -> str:
    """A text file as written (no newline translation), as the formats read articles."""
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def assert_markdown_golden(case: Path, fields: Sequence[str]) -> tuple[str, Document]:
    """``case.md`` against ``case.md.expect.json`` (rewritten with TRANSFLOW_UPDATE_GOLDEN=1),
    and the format's contract: identity byte-exact, also through the replace path, and each
    segment's line right."""
    from transflow.formats.markdown import parse, render

    source = read_exact(case)
    doc = parse(source, front_matter_fields=tuple(fields))
    got = {
        "metadata": dict(doc.metadata),
        "segments": [{"text": s.text, "kind": s.kind, "line": s.line} for s in doc.segments],
    }
    expect_path = case.with_name(case.name + ".expect.json")
    if os.environ.get("TRANSFLOW_UPDATE_GOLDEN") == "1":
        expect_path.write_text(json.dumps(got, indent=2, ensure_ascii=False) + "\n", "utf-8")
    assert got == json.loads(expect_path.read_text("utf-8"))
    assert render(doc, lambda s: s.text) == source
    assert render(doc, lambda s: s.text, force_replace=True) == source or any(
        "\n" in source[s.start : s.end] for s in doc.segments
    )
    for seg in doc.segments:
        assert source.count("\n", 0, seg.start) + 1 == seg.line
    return source, doc
