"""Merge at the moment of writing, and the commit journal (``atomic``, ``catalog.save``).

Deterministic versions of the campaign's races: a save lands right before the rename (the
exchange swaps it out and it is merged), with and without ``RENAME_EXCHANGE``; a commit
killed half-way is finished by ``Journal.recover``; stray temp files are removed.
"""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import polib
import pytest

from transflow import atomic
from transflow.po import catalog

PO = """\
msgid ""
msgstr ""
"Language: nl\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "One."
msgstr ""

msgid "Two."
msgstr ""
"""


def their_save(path: Path, msgid: str, text: str) -> None:
    po = polib.pofile(str(path))
    po.find(msgid).msgstr = text
    tmp = path.with_name(".poedit.po")
    po.save(str(tmp))
    tmp.replace(path)


def translations(path: Path) -> dict[str, str]:
    return {e.msgid: e.msgstr for e in polib.pofile(str(path)) if e.msgid}


@pytest.mark.parametrize("exchange", [True, False], ids=["exchange", "check-then-replace"])
def test_a_save_landing_right_before_the_rename_is_merged_not_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, exchange: bool
) -> None:
    path = tmp_path / "a.po"
    path.write_text(PO, encoding="utf-8")
    ours = catalog.load(path)
    ours.file.find("Two.").msgstr = "Twee."
    real = atomic._exchange
    saves = []

    def racing_exchange(tmp: str, dest: Path) -> bool:
        if not saves:  # the translator saves between our last read and the rename
            their_save(dest, "One.", "Een.")
            saves.append(1)
        return real(tmp, dest) if exchange else False

    monkeypatch.setattr(atomic, "_exchange", racing_exchange)
    assert catalog.save(ours, path)
    assert translations(path) == {"One.": "Een.", "Two.": "Twee."}
    assert [p.name for p in tmp_path.iterdir()] == ["a.po"]


def test_a_displaced_save_is_back_on_disk_before_it_is_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The exchange swaps their save out; it must be put back at once, not only once merged:
    an editor reading the file meanwhile would otherwise see ours without their save and
    write that back over its own edit (the campaign lost 1 edit in 15 runs that way)."""
    path = tmp_path / "a.po"
    path.write_text(PO, encoding="utf-8")
    ours = catalog.load(path)
    ours.file.find("Two.").msgstr = "Twee."
    real, merge = atomic._exchange, catalog.merge_saved
    on_disk_while_merging: list[dict[str, str]] = []

    def racing_exchange(tmp: str, dest: Path) -> bool:
        if not on_disk_while_merging and "Een." not in dest.read_text(encoding="utf-8"):
            their_save(dest, "One.", "Een.")
        return real(tmp, dest)

    def watched_merge(theirs: bytes, base: bytes | None, mine: bytes) -> bytes:
        on_disk_while_merging.append(translations(path))
        return merge(theirs, base, mine)

    monkeypatch.setattr(atomic, "_exchange", racing_exchange)
    monkeypatch.setattr(catalog, "merge_saved", watched_merge)
    assert catalog.save(ours, path)
    assert on_disk_while_merging and all(t["One."] == "Een." for t in on_disk_while_merging)
    assert translations(path) == {"One.": "Een.", "Two.": "Twee."}
    assert [p.name for p in tmp_path.iterdir()] == ["a.po"]


def test_a_second_save_while_the_first_is_put_back_is_merged_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "a.po"
    path.write_text(PO + 'msgid "Three."\nmsgstr ""\n', encoding="utf-8")
    ours = catalog.load(path)
    ours.file.find("Two.").msgstr = "Twee."
    real = atomic._exchange
    calls = []

    def racing_exchange(tmp: str, dest: Path) -> bool:
        calls.append(1)
        if len(calls) == 1:  # a save before our rename
            their_save(dest, "One.", "Een.")
        elif len(calls) == 2:  # another, made from what the file showed in between (ours)
            their_save(dest, "Three.", "Drie.")
        return real(tmp, dest)

    monkeypatch.setattr(atomic, "_exchange", racing_exchange)
    assert catalog.save(ours, path)
    assert translations(path) == {"One.": "Een.", "Two.": "Twee.", "Three.": "Drie."}
    assert [p.name for p in tmp_path.iterdir()] == ["a.po"]


def test_a_save_after_staging_is_merged_at_commit(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    path.write_text(PO, encoding="utf-8")
    ours = catalog.load(path)
    ours.file.find("Two.").msgstr = "Twee."
    with catalog.transaction() as transaction:
        catalog.save(ours, path, transaction=transaction)
        their_save(path, "One.", "Een.")  # saved while the run goes on
    assert translations(path) == {"One.": "Een.", "Two.": "Twee."}


def test_their_added_plural_entry_is_kept_by_a_save(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    path.write_text(PO, encoding="utf-8")
    ours = catalog.load(path)
    ours.file.find("Two.").msgstr = "Twee."
    po = polib.pofile(str(path))
    po.append(polib.POEntry(msgid="one item", msgid_plural="%d items",
                            msgstr_plural={0: "een ding", 1: "%d dingen"}))
    po.save(str(path))
    catalog.save(ours, path)
    text = path.read_text(encoding="utf-8")
    assert 'msgid_plural "%d items"' in text and 'msgstr[1] "%d dingen"' in text
    assert translations(path)["Two."] == "Twee."


def test_an_unreadable_save_meanwhile_is_left_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    path.write_text(PO, encoding="utf-8")
    ours = catalog.load(path)
    ours.file.find("Two.").msgstr = "Twee."
    path.write_text(PO + 'msgid "broken\n', encoding="utf-8")
    with pytest.raises(catalog.CatalogError, match="left as it is"):
        catalog.save(ours, path)
    assert path.read_text(encoding="utf-8").endswith('msgid "broken\n')


def test_a_commit_killed_half_way_is_finished_by_recover(tmp_path: Path) -> None:
    cache = tmp_path / ".transflow-cache"
    journal = atomic.Journal(cache)
    journal.begin([tmp_path / "out"])
    transaction = atomic.Transaction(journal=journal)
    for n in range(3):
        transaction.write(tmp_path / "out" / f"f{n}.txt", f"new {n}\n")
    stray = tmp_path / "out" / f".x.abc{atomic.TEMP_SUFFIX}"
    stray.write_text("half", encoding="utf-8")
    staged = transaction.detach()
    journal.write(staged.files, staged.removals)
    first = next(iter(staged.files.items()))
    atomic.install(first[0], first[1].tmp, None, None)  # one rename, then the "kill"
    assert journal.pending()
    installed, removed = journal.recover(catalog.merge_saved)
    assert (installed, removed) == (2, 1)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["f0.txt", "f1.txt",
                                                                     "f2.txt"]
    assert not journal.pending()


def test_staged_work_crosses_processes_whole(tmp_path: Path) -> None:
    """What a worker hands its parent (pickled) is what it staged, and commits as such."""
    transaction = atomic.Transaction()
    transaction.write(tmp_path / "out" / "a.txt", "a\n")
    transaction.write(tmp_path / "out" / "b.po", "b\n", base=b"old", merge=True)
    transaction.unlink(tmp_path / "gone.txt")
    (tmp_path / "gone.txt").write_text("x", encoding="utf-8")
    staged = transaction.detach()
    back = pickle.loads(pickle.dumps(staged))
    assert back == staged
    assert all(type(p) is type(tmp_path) for p in [*back.files, *back.removals])
    parent = atomic.Transaction()
    parent.adopt(back)
    parent.commit()
    assert (tmp_path / "out" / "a.txt").read_text(encoding="utf-8") == "a\n"
    assert (tmp_path / "out" / "b.po").read_text(encoding="utf-8") == "b\n"
    assert not (tmp_path / "gone.txt").exists()


def test_a_run_killed_before_its_commit_leaves_nothing_behind(tmp_path: Path) -> None:
    journal = atomic.Journal(tmp_path / ".transflow-cache")
    journal.begin([tmp_path / "out"])
    atomic.Transaction().write(tmp_path / "out" / "f.txt", "staged, never committed\n")
    assert journal.recover(None) == (0, 1)
    assert list((tmp_path / "out").iterdir()) == []


@pytest.mark.parametrize("noreplace", [True, False], ids=["rename-noreplace", "link"])
def test_a_file_created_after_staging_is_merged_not_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, noreplace: bool
) -> None:
    """A new file is put in place only if nobody created it meanwhile; if somebody did, their
    content is merged with ours (with RENAME_NOREPLACE, and with link where there is none)."""
    if not noreplace:
        monkeypatch.setattr(atomic, "_noreplace_works", False)
    merges: list[tuple[bytes, bytes | None, bytes]] = []

    def merge(theirs: bytes, base: bytes | None, ours: bytes) -> bytes:
        merges.append((theirs, base, ours))
        return theirs + ours

    path = tmp_path / "new.po"
    transaction = atomic.Transaction(merge=merge)
    transaction.write(path, "ours\n", merge=True)
    path.write_text("theirs\n", encoding="utf-8")  # created between staging and the commit
    transaction.commit()
    assert path.read_text(encoding="utf-8") == "theirs\nours\n"
    assert merges == [(b"theirs\n", None, b"ours\n")]
    assert [p.name for p in tmp_path.iterdir()] == ["new.po"]  # no temp file left


def test_written_files_keep_their_mode_and_new_ones_are_0644(tmp_path: Path) -> None:
    old = tmp_path / "old.txt"
    old.write_text("a", encoding="utf-8")
    old.chmod(0o640)
    atomic.write_atomic(old, "b")
    new = tmp_path / "sub" / "new.txt"  # its folder is made too
    atomic.write_atomic(new, "c")
    assert (old.stat().st_mode & 0o777, old.read_text(encoding="utf-8")) == (0o640, "b")
    assert (new.stat().st_mode & 0o777, new.read_text(encoding="utf-8")) == (0o644, "c")
    tmp, _, _ = atomic._stage(tmp_path / "x.txt", b"x")
    name = Path(tmp).name
    assert name.startswith(".x.txt.") and name.endswith(atomic.TEMP_SUFFIX), name
    assert Path(tmp).is_absolute()


def test_commits_reuse_one_journal_file_that_appears_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each commit's journal is one spare file renamed in and out (no file made per commit),
    complete whenever ``journal.json`` is there, and gone from that name after the commit."""
    cache = tmp_path / ".transflow-cache"
    journal = atomic.Journal(cache)
    seen: list[tuple[int, list[str]]] = []
    install = atomic.install

    def watched(path: Path, tmp: str, base: bytes | None, merge: atomic.Merge | None) -> None:
        data = json.loads(journal.commits.read_text(encoding="utf-8"))
        seen.append((journal.commits.stat().st_ino, [f["path"] for f in data["files"]]))
        install(path, tmp, base, merge)

    monkeypatch.setattr(atomic, "install", watched)
    for n in range(3):
        transaction = atomic.Transaction(journal=journal)
        transaction.write(tmp_path / "out" / f"f{n}.txt", f"new {n}\n")
        transaction.commit()
        assert not journal.pending()
    assert [paths for _, paths in seen] == [[str(tmp_path / "out" / f"f{n}.txt")]
                                            for n in range(3)]
    assert len({inode for inode, _ in seen}) == 1
    assert sorted(p.name for p in cache.iterdir()) == ["journal.idle"]
    assert [(tmp_path / "out" / f"f{n}.txt").read_text(encoding="utf-8") for n in range(3)] \
        == [f"new {n}\n" for n in range(3)]
