"""Kept answers (``cli/replay.py``): an unchanged command prints what running it would print.

Each test records an answer through the command line, then checks that the kept answer is
byte-identical to running the command again (stdout, stderr, exit code), and that any change
to what the command reads (an edit behind its back with the same size and mtime, a new
article, a deleted output, the configuration) means the command runs instead.
"""

from __future__ import annotations

import hashlib
import io
import marshal
import os
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.helpers import ARTICLE, make_workspace
from tests.test_cache import SECOND, translate_all
from transflow import atomic
from transflow.cli import main, replay
from transflow.workflow import snapshot
from transflow.workflow.cache import CACHE_DIR, DB_NAME
from transflow.written import proof

#: The recording clock one second ahead: every file of the freshly made workspace counts as
#: older than the racy window (a real run needs them 0.1 s old; tests do not sleep).
AHEAD = 1_000_000_000


def record(root: Path, *args: str, started: int | None = None) -> tuple[int, str, str]:
    """Run the command through the CLI (which keeps its answer when it may)."""
    runner = CliRunner()
    old = os.getcwd()
    os.chdir(root)
    try:
        obj = {"started": started if started is not None else time.time_ns() + AHEAD}
        result = runner.invoke(main, list(args), obj=obj, catch_exceptions=False)
    finally:
        os.chdir(old)
    return result.exit_code, result.stdout, result.stderr


def replayed(root: Path, *args: str) -> tuple[int, str, str] | None:
    """The kept answer, printed (None when the command would have to run)."""
    out, err = io.StringIO(), io.StringIO()
    old = os.getcwd()
    os.chdir(root)
    try:
        code = replay.replay(list(args), stdout=out, stderr=err)
    finally:
        os.chdir(old)
    return None if code is None else (code, out.getvalue(), err.getvalue())


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = make_workspace(tmp_path, {"sleep.md": ARTICLE, "zinc.md": SECOND})
    assert record(root, "sync")[0] == 0
    translate_all(root, wrong="Zinc is needed by 300 enzymes.² A typical dose is 15 mg.")
    return root


COMMANDS = [
    ("status",),
    ("status", "--json", "--lang", "nl"),
    ("status", "--fail-under=100"),
    ("check",),
    ("check", "--json", "--errors-only"),
    ("build",),
    ("build", "--json", "--allow-incomplete"),
]


@pytest.mark.parametrize("args", COMMANDS, ids=[" ".join(a) for a in COMMANDS])
def test_an_unchanged_command_prints_what_running_it_prints(
    workspace: Path, args: tuple[str, ...]
) -> None:
    first = record(workspace, *args)  # a build writes the pages: it keeps its rerun's answer
    kept_first = replayed(workspace, *args)
    ran = record(workspace, *args)  # nothing changed: kept
    kept = replayed(workspace, *args)
    assert kept == kept_first == ran
    assert kept[0] in (0, 3)
    if args == ("build",):
        assert first[1] and not ran[1]  # the first printed the pages it wrote
    assert replayed(workspace, *args, "--debug") is None  # another command line: runs


def test_an_edit_with_the_same_size_and_mtime_runs_the_command(workspace: Path) -> None:
    record(workspace, "check", "--json")
    assert replayed(workspace, "check", "--json") is not None
    po = workspace / "locales" / "nl" / "zinc.po"
    st = po.stat()
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace("50 mg", "15 mg"), encoding="utf-8")  # fixed, same size
    os.utime(po, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the same mtime
    assert replayed(workspace, "check", "--json") is None
    code, out, _ = record(workspace, "check", "--json")
    assert code == 0 and '"error": 0' in out


@pytest.mark.parametrize("change", ["new article", "deleted output", "config", "edited output",
                                    "killed run", "glossary"])
def test_any_change_runs_the_command(workspace: Path, change: str) -> None:
    config = workspace / "transflow.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[deepl]\nglossary = "g.csv"\n')
    (workspace / "g.csv").write_text("en,nl\nshop,winkel\n", encoding="utf-8")
    record(workspace, "build", "--allow-incomplete")
    ran = record(workspace, "build", "--allow-incomplete")
    assert replayed(workspace, "build", "--allow-incomplete") == ran
    published = workspace / "dist" / "nl" / "sleep.md"
    if change == "new article":
        (workspace / "articles" / "news").mkdir()
        (workspace / "articles" / "news" / "x.md").write_text("# New\n", encoding="utf-8")
    elif change == "deleted output":
        published.unlink()
    elif change == "edited output":
        published.write_text(published.read_text(encoding="utf-8") + "x", encoding="utf-8")
    elif change == "config":
        config.write_text(config.read_text(encoding="utf-8").replace('"translated"',
                                                                     '"reviewed"'))
    elif change == "killed run":
        (workspace / CACHE_DIR / "dirty.json").write_text("[]", encoding="utf-8")
    elif change == "glossary":
        (workspace / "g.csv").write_text("en,nl\nshop,winkels\n", encoding="utf-8")
    assert replayed(workspace, "build", "--allow-incomplete") is None
    after = record(workspace, "build", "--allow-incomplete")
    if change in ("deleted output", "edited output"):
        assert after[1].splitlines() == ["dist/nl/sleep.md"]  # written again
        assert published.read_text(encoding="utf-8").endswith("now.\n")


def test_a_recent_file_or_a_write_keeps_no_answer(workspace: Path) -> None:
    now = time.time_ns()
    assert record(workspace, "build", started=now)[1]  # the sources are new: nothing kept
    assert replayed(workspace, "build") is None
    assert record(workspace, "status", started=now)[0] == 0  # files changed just now
    assert replayed(workspace, "status") is None
    time.sleep(0.15)
    ran = record(workspace, "status", started=time.time_ns())
    assert replayed(workspace, "status") == ran


def test_commands_that_change_files_or_debug_are_never_kept(workspace: Path) -> None:
    assert not replay.replayable(["check", "--accept", "locales/nl/zinc.po:1", "numbers"])
    assert not replay.replayable(["build", "--dry-run"])
    assert not replay.replayable(["--debug", "status"])
    assert not replay.replayable(["sync"])
    assert not replay.replayable(["status", "--lang"])  # the value is missing
    assert replay.replayable(["status", "articles/zinc.md", "--lang", "nl", "--json"])
    record(workspace, "build", "--dry-run")
    assert replayed(workspace, "build", "--dry-run") is None


def test_deleting_the_cache_forgets_the_answers(workspace: Path) -> None:
    record(workspace, "status")
    ran = record(workspace, "status")
    assert replayed(workspace, "status") == ran
    snapshot.forget_answers(workspace)
    assert replayed(workspace, "status") is None
    (workspace / CACHE_DIR / DB_NAME).write_bytes(b"not a database" * 100)
    assert replayed(workspace, "status") is None
    assert record(workspace, "status") == ran


def test_a_snapshot_sees_every_kind_of_change(tmp_path: Path) -> None:
    folder = tmp_path / "tree"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.txt").write_text("one", encoding="utf-8")
    (folder / "sub" / "b.txt").write_text("two", encoding="utf-8")
    (folder / CACHE_DIR).mkdir()

    def taken() -> bytes:
        shot = snapshot.Snapshot(time.time_ns() + AHEAD)
        shot.folder(folder)
        shot.file(tmp_path / "absent.toml")
        blob = shot.encode()
        assert blob is not None
        return blob

    blob = taken()
    assert snapshot.unchanged(blob)
    (folder / CACHE_DIR / "x").write_text("the cache itself is left out", encoding="utf-8")
    assert snapshot.unchanged(blob)
    for change in (
        lambda: (folder / "sub" / "c.txt").write_text("new", encoding="utf-8"),
        lambda: (folder / "sub" / "b.txt").unlink(),
        lambda: os.utime(folder / "a.txt", ns=(0, (folder / "a.txt").stat().st_mtime_ns)),
        lambda: (tmp_path / "absent.toml").write_text("", encoding="utf-8"),
    ):
        change()
        assert not snapshot.unchanged(blob)
        blob = taken()
    assert not snapshot.unchanged(b"garbage")
    recent = snapshot.Snapshot(time.time_ns())  # everything was written just now
    recent.folder(folder)
    assert recent.encode() is None


def test_a_file_saved_through_a_rename_is_found_at_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A save through a temp file changes its folder: the check stops there, before the
    files of the other folders are looked at (an edit in place is still found, file by
    file)."""
    many, saved = tmp_path / "articles", tmp_path / "locales"
    many.mkdir()
    saved.mkdir()
    for i in range(50):
        (many / f"a{i}.md").write_text(f"article {i}", encoding="utf-8")
    (saved / "a0.po").write_text("catalog", encoding="utf-8")
    shot = snapshot.Snapshot(time.time_ns() + AHEAD)
    shot.folder(many)
    shot.folder(saved)
    blob = shot.encode()
    assert blob is not None and snapshot.unchanged(blob)
    calls = [0]
    real = os.stat

    def counted(*args: object, **kwargs: object) -> os.stat_result:
        calls[0] += 1
        return real(*args, **kwargs)  # type: ignore[arg-type]

    temp = saved / ".a0.po.tmp"
    temp.write_text("catalog, translated", encoding="utf-8")
    os.replace(temp, saved / "a0.po")
    monkeypatch.setattr(os, "stat", counted)
    assert not snapshot.unchanged(blob)
    assert calls[0] <= 2  # the folders' own stat, not the articles'
    monkeypatch.setattr(os, "stat", real)
    again = snapshot.Snapshot(time.time_ns() + AHEAD)  # a new one, for an edit in place
    again.folder(many)
    again.folder(saved)
    blob = again.encode()
    assert blob is not None and snapshot.unchanged(blob)
    with open(many / "a49.md", "a", encoding="utf-8") as edited:  # in place: same folder
        edited.write(" and more")
    assert not snapshot.unchanged(blob)


def test_the_journal_names_are_the_atomic_modules() -> None:
    journal = atomic.Journal(Path("/x"))
    assert (journal.dirty.name, journal.commits.name) == snapshot.JOURNAL_FILES
    assert snapshot.TEMP_SUFFIX == atomic.TEMP_SUFFIX
    assert snapshot.CACHE_DIR == CACHE_DIR and snapshot.DB_NAME == DB_NAME


def test_a_build_that_wrote_keeps_the_answer_of_its_next_run(workspace: Path) -> None:
    time.sleep(0.15)  # the sources are older than the racy window; the outputs are new
    wrote = record(workspace, "build", "--allow-incomplete", started=time.time_ns())
    assert "dist/nl/sleep.md" in wrote[1].splitlines()
    kept = replayed(workspace, "build", "--allow-incomplete")
    assert kept is not None and "dist/nl/sleep.md" not in kept[1]
    assert kept == record(workspace, "build", "--allow-incomplete")  # what running it prints
    (workspace / "dist" / "nl" / "sleep.md").unlink()
    assert replayed(workspace, "build", "--allow-incomplete") is None


def test_written_files_must_hold_what_was_written(tmp_path: Path) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    old = out / "old.md"
    old.write_text("there before", encoding="utf-8")
    time.sleep(0.15)
    started = time.time_ns()  # the command starts, then writes a.md
    page = out / "a.md"
    page.write_text("written", encoding="utf-8")
    sha = hashlib.sha256(b"written").digest()

    def taken(written: dict[str, bytes | None], *, into: bool = True) -> bytes | None:
        shot = snapshot.Snapshot(started, written)
        shot.folder(out, written_into=into)
        return shot.encode()

    assert taken({str(page): sha}, into=False) is None  # a source folder: nothing may change
    assert taken({str(page): b"0" * 32}) is None  # not what the command wrote
    assert taken({}) is None  # written by someone else during the command
    assert taken({str(page): sha, str(out / "gone.md"): None}) is None  # a claimed file is gone
    blob = taken({str(page): sha, str(old): None})
    assert blob is not None and snapshot.unchanged(blob)  # a.md is re-hashed: still the same
    (out / "new.md").write_text("x", encoding="utf-8")
    assert not snapshot.unchanged(blob)


def test_a_page_installed_by_the_command_is_trusted_by_its_proof(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A page the command installed is trusted by its stat (``written.Proof``), not read
    back; one changed after it was installed is read, and refused."""
    out = tmp_path / "dist"
    out.mkdir()
    time.sleep(0.15)
    started = time.time_ns()
    page = out / "a.md"
    transaction = atomic.Transaction()
    transaction.write(page, b"written")
    item = transaction.staged(page)
    assert item is not None
    time.sleep(0.03)  # the rename in a later tick than the write
    transaction.commit()
    written = {str(page): proof(item.digest, item.written)}
    read: list[str] = []
    real = snapshot._digest
    monkeypatch.setattr(snapshot, "_digest", lambda path: read.append(path) or real(path))

    def taken() -> bytes | None:
        shot = snapshot.Snapshot(started, dict(written))
        shot.folder(out, written_into=True)
        return shot.encode()

    blob = taken()
    assert blob is not None and read == []  # trusted by its stat alone
    assert snapshot.unchanged(blob)  # and checked by content next time (recent)
    read.clear()
    with page.open("r+b") as handle:  # same size, in place, after the install
        handle.write(b"W")
    assert taken() is None and read == [str(page)]


def test_a_build_after_one_edited_article_keeps_the_answer_of_the_next(
    workspace: Path
) -> None:
    """One article edited, synced and built: the build after it is answered from the
    snapshot, not by looking up every article in the results cache again."""
    first = record(workspace, "build")
    assert first[1]  # wrote the pages
    article = next((workspace / "articles").glob("*.md"))
    article.write_text(article.read_text(encoding="utf-8") + "\nOne more paragraph.\n",
                       encoding="utf-8")
    record(workspace, "sync")
    edited = record(workspace, "build")
    assert edited[1]  # wrote the manifest (the article is now unfinished)
    again = replayed(workspace, "build")
    assert again is not None and again == record(workspace, "build")


def test_a_source_changed_just_before_the_command_is_trusted(tmp_path: Path) -> None:
    folder = tmp_path / "locales"
    folder.mkdir()
    (folder / "a.po").write_text("x", encoding="utf-8")
    changed = max(max(p.stat().st_mtime_ns, p.stat().st_ctime_ns)
                  for p in (folder, folder / "a.po"))
    ms = 1_000_000

    def taken(started: int, now: int) -> bytes | None:
        shot = snapshot.Snapshot(started, clock_ns=lambda: now)
        shot.folder(folder)
        return shot.encode()

    assert taken(changed + 50 * ms, changed + 1000 * ms) is not None  # 50 ms before the start
    assert taken(changed + 5 * ms, changed + 1000 * ms) is None  # maybe during the command
    recent = taken(changed + 50 * ms, changed + 60 * ms)  # a later change could look the same
    assert recent is not None and snapshot.unchanged(recent)
    assert [h[0] for h in marshal.loads(recent)[3]] == [str(folder / "a.po")]  # by content


def test_only_the_latest_answers_are_kept(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(snapshot, "MAX_ANSWERS", 2)
    for args in (("status",), ("status", "--json"), ("check",)):
        record(workspace, *args)
    assert replayed(workspace, "status") is None  # the oldest was dropped
    assert replayed(workspace, "status", "--json") is not None
    assert replayed(workspace, "check") is not None


def packed(st: os.stat_result) -> bytes:
    return snapshot.STATS.pack(st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def test_seen_stats_are_remembered_only_while_started(tmp_path: Path) -> None:
    from transflow.workflow import seen_stats

    path = tmp_path / "a.txt"
    path.write_text("a", encoding="utf-8")
    seen_stats.stat(path)
    assert seen_stats.stop() == {}  # not started: nothing kept
    seen_stats.start()
    st = seen_stats.stat(path)
    seen_stats.stat(tmp_path)  # a folder: the snapshot stats it itself
    assert seen_stats.stop() == {str(path): packed(st)}
    assert seen_stats.stop() == {}  # stopped: forgotten, and no longer kept
    seen_stats.stat(path)
    assert seen_stats.stop() == {}


def test_a_snapshot_takes_the_stats_the_command_took(tmp_path: Path) -> None:
    """A file's stat the command took is recorded as it is (not stat'ed again); taken before
    a change, it makes a snapshot that never matches, so the command runs; a file the
    command wrote is always stat'ed again."""
    folder = tmp_path / "locales"
    folder.mkdir()
    for name in ("a.po", "b.po"):
        (folder / name).write_text(name, encoding="utf-8")
    a, b = str(folder / "a.po"), str(folder / "b.po")

    def taken(seen: dict[str, bytes], written: dict[str, bytes | None] | None = None
              ) -> bytes:
        # As if the files were 3 s old (a command's stats are used for files that changed
        # over 2 s before it started; a newer one is stat'ed again)
        shot = snapshot.Snapshot(time.time_ns() + 3 * AHEAD, written, seen=seen)
        shot.folder(folder, written_into=written is not None)
        blob = shot.encode()
        assert blob is not None
        return blob

    assert snapshot.unchanged(taken({a: packed(os.stat(a)), b: packed(os.stat(b))}))
    # a.po stat'ed by the command, then changed before the snapshot: the stat it read with
    # is recorded, and the next run sees the change.
    seen = {a: packed(os.stat(a))}
    (folder / "a.po").write_text("changed", encoding="utf-8")
    blob = taken(seen)
    assert seen == {}  # consumed
    assert not snapshot.unchanged(blob)
    assert snapshot.unchanged(taken({}))
    # A stat the command took of a file it then wrote is not used: the file is stat'ed now.
    stale = packed(os.stat(b))
    digest = hashlib.sha256(b"b.po").digest()
    assert snapshot.unchanged(taken({b: stale}, {b: digest}))
    os.utime(b, ns=(0, 0))  # a stat the file no longer has
    assert not snapshot.unchanged(taken({b: stale}))  # not written: as the command saw it
    fresh = taken({b: stale}, {b: digest})
    assert snapshot.unchanged(fresh)


def test_a_file_changed_after_the_command_read_it_is_seen_by_the_next_run(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot closing a command uses the stats the command took (``seen_stats``): a
    catalog saved by a translator while ``check`` runs, after it was read, is not hidden by
    the kept answer."""
    catalog = next(p for p in (workspace / "locales" / "nl").glob("*.po")
                   if "50 mg" in p.read_text(encoding="utf-8"))
    record(workspace, "check")
    original = snapshot.Snapshot.__init__
    hits: list[bool] = []

    def saved_before_the_snapshot(self: snapshot.Snapshot, *args: object,
                                  **kwargs: object) -> None:
        original(self, *args, **kwargs)  # type: ignore[arg-type]
        hits.append(str(catalog) in self.seen)
        text = catalog.read_text(encoding="utf-8")
        # the wrong translation corrected (msgstr only: it follows its msgid)
        catalog.write_text(text.replace('A typical dose is 50 mg."', 'A typical dose is 15 mg."'),
                           encoding="utf-8")

    os.utime(catalog)  # check runs (reading every catalog) instead of answering again
    # The command's stats are used for files older than the coarse racy window before it
    # started: 50 ms here, so the test need not wait 2 s.
    monkeypatch.setattr(snapshot, "RACY_COARSE_NS", 50_000_000)
    time.sleep(0.15)
    monkeypatch.setattr(snapshot.Snapshot, "__init__", saved_before_the_snapshot)
    first = record(workspace, "check", started=time.time_ns())
    monkeypatch.setattr(snapshot.Snapshot, "__init__", original)
    assert hits == [True]  # the command's own stat of the catalog was lent to the snapshot
    assert replayed(workspace, "check") is None
    again = record(workspace, "check")
    assert first[0] == 3 and "50 mg" in first[1]
    assert again[0] == 0 and "50 mg" not in again[1]  # the correction is seen
