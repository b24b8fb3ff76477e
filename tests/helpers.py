"""Small helpers shared by the CLI tests: a workspace in tmp_path and a snapshot of its files."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from click.testing import CliRunner, Result

from transflow.cli import main

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


def run(root: Path, *args: str, input: str | None = None) -> Result:
    """Invoke the CLI inside ``root`` (click's CliRunner keeps stderr separate)."""
    runner = CliRunner()
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
