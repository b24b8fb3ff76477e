"""A build writes a page only when it must: what already holds exactly the page is left
alone (same inode, same mtime), anything else (another size, the same size but other
bytes, an unreadable file) is replaced, and a new page gets the default permissions."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.helpers import ARTICLE, make_workspace, run
from transflow.config import load_config
from transflow.po import catalog
from transflow.states import set_translation
from transflow.workflow.build import _holds, build
from transflow.written import digest, still_as_written


@pytest.mark.parametrize(
    ("on_disk", "data", "expected"),
    [
        (None, b"page", None),            # missing: written, as a new file
        (b"page", b"page", True),          # exactly it: not written
        (b"pagE", b"page", False),         # same size, other bytes
        (b"page!", b"page", False),        # longer
        (b"pag", b"page", False),          # shorter
        (b"", b"", True),                  # empty, both
        (b"x" * 70_000, b"x" * 70_000, True),  # more than one read's worth
        (b"x" * 70_000, b"x" * 69_999 + b"y", False),
    ],
)
def test_holds_tells_an_exact_copy_from_anything_else(
    tmp_path: Path, on_disk: bytes | None, data: bytes, expected: bool | None
) -> None:
    path = tmp_path / "page.md"
    if on_disk is not None:
        path.write_bytes(on_disk)
    assert _holds(path, data) is expected


def test_holds_says_false_for_what_cannot_be_read(tmp_path: Path) -> None:
    (tmp_path / "folder.md").mkdir()
    assert _holds(tmp_path / "folder.md", b"page") is False  # a folder: not a copy


def translated(root: Path) -> Path:
    if not (root / "transflow.toml").exists():
        make_workspace(root)
    assert run(root, "sync").exit_code == 0
    path = root / "locales" / "nl" / "sleep.po"
    cat = catalog.load(path)
    for entry in catalog.active_entries(cat):
        set_translation(entry, entry.msgid + " (nl)")
    catalog.save(cat, path)
    return root


def test_a_page_already_right_is_not_rewritten_and_a_tampered_one_is(tmp_path: Path) -> None:
    root = translated(tmp_path)
    assert run(root, "build").exit_code == 0
    nl, en = root / "dist" / "nl" / "sleep.md", root / "dist" / "en" / "sleep.md"
    assert (nl.stat().st_mode & 0o777, en.stat().st_mode & 0o777) == (0o644, 0o644)
    right = nl.read_bytes()
    before = en.stat()
    # The same size, one byte changed: it must be written again.
    nl.write_bytes(right[:-2] + (b"X" if right[-2:-1] != b"X" else b"Y") + right[-1:])
    assert run(root, "build").exit_code == 0  # the cache sees the change: rebuilt
    assert nl.read_bytes() == right
    after = en.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_each_page_written_is_claimed_with_the_digest_of_its_bytes(tmp_path: Path) -> None:
    """The source-language page is the article's bytes as read (BOM and CRLF kept), and
    every page a build wrote is claimed with the SHA-256 of what its file holds (and the
    state of the file once written, by which it is trusted without being read back)."""
    root = tmp_path
    article = ("\ufeff" + ARTICLE.replace("\n", "\r\n")).encode("utf-8")
    make_workspace(root)
    (root / "articles" / "sleep.md").write_bytes(article)
    translated(root)
    config = load_config(root)
    report = build(config, workers=1)
    claimed = report.claimed_files("dist/manifest.json")
    assert (root / "dist" / "en" / "sleep.md").read_bytes() == article
    pages = {name: sha for name, sha in claimed.items() if name.endswith("sleep.md")}
    assert sorted(pages) == ["dist/en/sleep.md", "dist/nl/sleep.md"]
    for name, proof in pages.items():
        assert proof is not None
        assert digest(proof) == hashlib.sha256((root / name).read_bytes()).digest()
        assert still_as_written((root / name).stat(), proof)  # and its state once written
