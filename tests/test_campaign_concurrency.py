"""Campaign: a translator saves with polib (temp file + rename) while a command runs.

Every command that writes catalogs merges with what is on disk right before each rename
(``atomic.install``), so the count of lost edits must be 0 for every command, however the
saves and the renames interleave. Seeded and bounded (a few hundred edits per command);
nothing here asserts a duration. Run against an older checkout with ``CAMPAIGN_SRC=…/src``
to see edits lost there.
"""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from tests.campaign import (
    Translator,
    edit_articles,
    make_articles,
    polib_save,
    temp_files,
    transflow,
)

ARTICLES, PARAGRAPHS = 30, 15


def unchanged(msgid: str) -> bool:
    """Entries sync keeps as they are (the edited first paragraph gets a new msgid)."""
    return not msgid.endswith("Changed.") and not msgid.startswith("Paragraph 0:")


def catalogs(root: Path) -> list[Path]:
    return sorted((root / "locales" / "nl").glob("*.po"))


@pytest.mark.parametrize("commands", [("sync",), ("sync", "sync"), ("sync", "build")],
                         ids=["sync", "sync-twice", "sync-then-build"])
def test_no_edit_is_lost_while_sync_and_build_run(tmp_path: Path,
                                                  commands: tuple[str, ...]) -> None:
    make_articles(tmp_path, seed=1, count=ARTICLES, paragraphs=PARAGRAPHS)
    transflow(tmp_path, "sync")
    edit_articles(tmp_path, seed=2)
    with Translator(catalogs(tmp_path), seed=3, keep=unchanged) as translator:
        for command in commands:
            # build may skip unfinished articles (exit 1 or 3); what counts here is the edits
            transflow(tmp_path, command, check=command == "sync")
            edit_articles(tmp_path, seed=4 + len(command))  # the second sync has work too
    print(f"{' + '.join(commands)}: {translator.made} edits made, "
          f"{len(translator.lost())} lost")
    assert translator.made > 0
    assert translator.lost() == []
    assert temp_files(tmp_path) == []


def test_no_edit_is_lost_while_translate_drafts_from_memory(tmp_path: Path) -> None:
    make_articles(tmp_path, seed=5, count=ARTICLES, paragraphs=PARAGRAPHS, twins=True)
    transflow(tmp_path, "sync")
    # A person translated the first half; memory drafts the second half from it.
    for path in catalogs(tmp_path)[: ARTICLES // 2]:
        po = polib.pofile(str(path))
        for entry in po:
            if entry.msgid:
                entry.msgstr = "NL: " + entry.msgid
        polib_save(po, path)
    second_half = catalogs(tmp_path)[ARTICLES // 2:]
    with Translator(second_half, seed=6) as translator:
        result = transflow(tmp_path, "translate", "--engine", "memory")
    drafted = sum(1 for p in second_half for e in polib.pofile(str(p))
                  if e.msgstr.startswith("NL: "))
    print(f"translate --engine memory: {translator.made} edits made, "
          f"{len(translator.lost())} lost, {drafted} drafts")
    assert result.returncode == 0
    assert translator.made > 0 and drafted > 0
    assert translator.lost() == []
    assert temp_files(tmp_path) == []
