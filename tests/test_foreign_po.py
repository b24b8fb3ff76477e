"""Catalogs written by other tools (msgmerge, Weblate, Django, Babel, sphinx-intl, po4a,
Transifex) are read, classified and re-written by transflow without losing anything."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from transflow.po import catalog
from transflow.states import State, entry_state


def corpus_catalogs(corpus: Path) -> list[Path]:
    return sorted((corpus / "po").glob("*.po"))


def fields(cat: catalog.Catalog) -> list[tuple[object, ...]]:
    return [
        (e.msgctxt, e.msgid, e.msgid_plural, e.msgstr, tuple(sorted(e.msgstr_plural.items())),
         "fuzzy" in e.flags, e.previous_msgid, e.obsolete, e.tcomment.strip(), e.comment)
        for e in cat
        if e.msgstr or e.msgstr_plural or not e.obsolete  # untranslated obsolete ones vanish
    ]


@pytest.mark.corpus
def test_foreign_catalogs_round_trip_without_loss(corpus: Path, tmp_path: Path) -> None:
    paths = corpus_catalogs(corpus)
    assert len(paths) >= 8
    for path in paths:
        cat = catalog.load(path)
        states = {entry_state(e) for e in catalog.active_entries(cat)}
        assert State.TRANSLATED in states, path.name
        copy = tmp_path / path.name
        assert catalog.save(cat, copy)
        again = catalog.load(copy)
        assert fields(again) == fields(cat), path.name
        # Saving what we wrote changes nothing (no churn), and so does msgcat.
        assert not catalog.save(again, copy)
        if shutil.which("msgcat"):
            out = subprocess.run(["msgcat", str(copy)], capture_output=True, check=True)
            assert out.stdout == copy.read_bytes(), path.name
