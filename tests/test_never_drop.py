"""Never drop what transflow does not understand; every catalog it writes passes ``msgfmt -c``.

A plural entry added by hand survives ``sync`` (and is reported as not handled); a catalog
whose header declares another charset (ISO-8859-1) is read as gettext reads it and written
back as UTF-8 with a note; odd but legal article names give catalogs gettext reads.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from tests.helpers import make_workspace, run

PLURAL = """
msgid "one item"
msgid_plural "%d items"
msgstr[0] "een ding"
msgstr[1] "%d dingen"
"""


def test_a_hand_added_plural_entry_is_kept_by_sync_and_reported(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    assert run(tmp_path, "sync").exit_code == 0
    po = tmp_path / "locales/nl/sleep.po"
    po.write_text(po.read_text(encoding="utf-8") + PLURAL, encoding="utf-8")
    (tmp_path / "articles/sleep.md").write_text("# Changed\n\nAll new text.\n")
    result = run(tmp_path, "sync")
    assert result.exit_code == 0, result.stderr
    assert "1 plural entry (msgid_plural) kept as they are" in result.stderr
    entry = polib.pofile(str(po)).find("one item")
    assert entry is not None and not entry.obsolete
    assert entry.msgstr_plural == {0: "een ding", 1: "%d dingen"}
    status = run(tmp_path, "status", "--json")
    assert status.exit_code == 0  # not counted as an untranslated segment
    assert run(tmp_path, "sync").stdout == ""  # and the second sync changes nothing


def test_a_latin1_catalog_is_read_and_written_back_as_utf8(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    assert run(tmp_path, "sync").exit_code == 0
    po_path = tmp_path / "locales/nl/sleep.po"
    po = polib.pofile(str(po_path))
    po.metadata["Content-Type"] = "text/plain; charset=ISO-8859-1"
    po.find("Magnesium and sleep").msgstr = "Magnesium en slaap, café"
    text = po.__unicode__()
    po_path.write_bytes(text.encode("latin-1"))
    assert run(tmp_path, "status").exit_code == 0
    result = run(tmp_path, "sync")
    assert result.exit_code == 0, result.stderr
    assert "declares charset ISO-8859-1: read as such, written back as UTF-8" in result.stderr
    data = po_path.read_bytes()
    assert "café".encode() in data and b"charset=UTF-8" in data
    assert polib.pofile(str(po_path)).find("Magnesium and sleep").msgstr.endswith("café")


def test_a_catalog_in_an_unknown_charset_is_one_line(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    assert run(tmp_path, "sync").exit_code == 0
    po_path = tmp_path / "locales/nl/sleep.po"
    po_path.write_text(po_path.read_text(encoding="utf-8").replace("charset=UTF-8",
                                                                   "charset=KLINGON"))
    result = run(tmp_path, "status")
    assert result.exit_code == 1
    assert "locales/nl/sleep.po: unknown charset 'KLINGON' in the header" in result.stderr


NAMES = {
    "plain.md": "# Plain\n\nText.\n",
    "with space.md": "# Space\n\nA name with a space.\n",
    "accentué.md": "# Accent\n\nÉté.\n",
    "sub/deeper/x.md": "# Deep\n\nIn a folder.\n",
    "quote'and\"double.md": "# Quotes\n\nQuotes in the name.\n",
    "hash#colon:.md": "# Marks\n\nMarks in the name.\n",
}


@pytest.mark.gettext
@pytest.mark.parametrize("references", ["line", "file"])
def test_msgfmt_c_passes_on_every_catalog_transflow_writes(tmp_path: Path,
                                                            references: str) -> None:
    if shutil.which("msgfmt") is None:
        pytest.skip("GNU gettext (msgfmt) is not installed")
    make_workspace(tmp_path, NAMES)
    config = tmp_path / "transflow.toml"
    config.write_text(config.read_text() + f'references = "{references}"\n')
    result = run(tmp_path, "sync")
    assert result.exit_code == 0, result.stderr
    written = sorted((tmp_path / "locales").rglob("*.po*"))
    assert len(written) == 2 * len(NAMES)
    for path in written:
        check = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)],
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, f"{path}: {check.stderr}"
