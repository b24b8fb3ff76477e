"""The repository's sample workspace: canonical catalogs, stable sync, and the edit scenario."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib

from tests.helpers import REPO_ROOT, run, snapshot
from tests.test_cli_run import sample_workspace
from transflow.po import catalog
from transflow.states import State, entry_state

CATALOGS = sorted((REPO_ROOT / "locales").rglob("*.po*"))


def test_every_sample_catalog_is_left_byte_identical_by_msgcat_and_passes_msgfmt(
    gettext_tools: None, tmp_path: Path
) -> None:
    assert len(CATALOGS) >= 10
    for path in CATALOGS:
        out = subprocess.run(["msgcat", str(path)], capture_output=True, check=True)
        assert out.stdout == path.read_bytes(), path
        if path.suffix == ".po":
            subprocess.run(["msgfmt", "-c", "-o", str(tmp_path / "x.mo"), str(path)],
                           check=True, capture_output=True)


def test_sample_catalogs_are_fully_reviewed() -> None:
    for path in CATALOGS:
        if path.suffix != ".po":
            continue
        states = {entry_state(e) for e in catalog.active_entries(catalog.load(path))}
        assert states == {State.REVIEWED}, path


def test_sync_twice_changes_nothing_in_the_sample_workspace(tmp_path: Path) -> None:
    root = sample_workspace(tmp_path)
    before = snapshot(root)
    assert run(root, "sync").exit_code == 0
    assert run(root, "sync").exit_code == 0
    assert snapshot(root) == before


def test_editing_the_sample_article_keeps_every_translation(tmp_path: Path) -> None:
    root = sample_workspace(tmp_path)
    article = root / "sample_articles/magnesium-l-threonate.md"
    po_path = root / "locales/nl/magnesium-l-threonate.po"
    old = {e.msgid: e.msgstr for e in polib.pofile(str(po_path)) if not e.obsolete}
    text = article.read_text(encoding="utf-8")
    blocks = text.split("\n\n")

    def block(start: str) -> str:
        return next(b for b in blocks if b.startswith(start))

    changed, removed, kept = block("Interest in MgT"), block("What sets"), block("Magnesium plays")
    edited = text.replace("Interest in MgT increased", "Interest in MgT grew")
    edited = edited.replace(removed + "\n\n", "")
    edited = edited.replace(kept, kept + "\n\nMagnesium is also found in nuts and seeds.")
    article.write_text(edited, encoding="utf-8")
    assert run(root, "sync").exit_code == 0
    entries = {e.msgid: e for e in polib.pofile(str(po_path))}
    new_changed = changed.replace("MgT increased", "MgT grew").replace("\n", " ")
    assert "fuzzy" in entries[new_changed].flags
    assert entries[new_changed].previous_msgid == changed.replace("\n", " ")
    assert entries[new_changed].msgstr == old[changed.replace("\n", " ")]
    assert entries[removed.replace("\n", " ")].obsolete
    assert entries["Magnesium is also found in nuts and seeds."].msgstr == ""
    for msgid, msgstr in old.items():
        if msgid in entries and msgid not in (new_changed, removed.replace("\n", " ")):
            assert entries[msgid].msgstr == msgstr
            assert "fuzzy" not in entries[msgid].flags
    shutil.rmtree(root / "dist", ignore_errors=True)
