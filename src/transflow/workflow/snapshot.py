"""Workspace snapshots: the stat of every folder and file a command's answer depends on.

Why: with nothing changed, ``status``, ``check`` and ``build`` still start the whole command
line, look up one cached result per article and render thousands of lines; at 2,000 articles
that is most of a second. The CLI (``cli/replay.py``) instead keeps each such command's answer
(what it printed and its exit code) with a snapshot of the folders it read (articles,
catalogs, output, configuration, transflow's own code). When every folder and file of the
snapshot is still the same, the answer is printed again, importing little more than this
module: a few thousand ``stat`` calls and one SQLite read.

Invariants (the results cache's, see ``cache.py``):

* **never wrong**: a snapshot lists every entry of every folder it covers, each with size,
  mtime, ctime and inode. A folder gains or loses an entry only by changing its own mtime
  and ctime, and a file's content only by changing its ctime (which no program can set
  back). A snapshot is only taken when every entry was already older than the racy window
  when the command *started*: the command read exactly what the snapshot describes, and no
  later change can keep an entry's stat. A command that wrote anything takes none (its
  next run, with nothing changed, does);
* **best effort**: anything unusual (a symlinked folder, an unreadable entry, a run that was
  killed half-way) means no snapshot, and the command simply runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sqlite3
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the answer of an unchanged command is printed without loading pathlib
    from pathlib import Path

#: Bumped whenever the encoding below changes (old snapshots are then never matched).
VERSION = 1

CACHE_DIR = ".transflow-cache"
DB_NAME = "results.sqlite3"
#: Names in ``.transflow-cache/`` that mean a writing command was killed or is running (the
#: journal of ``atomic.Journal``); ``tests/test_replay.py`` keeps them equal to its names.
JOURNAL_FILES = ("dirty.json", "journal.json")
TEMP_SUFFIX = ".transflow-tmp"

#: See ``cache.RACY_NS``: an entry changed this recently may change again unnoticed.
RACY_NS = 100_000_000
RACY_COARSE_NS = 2_000_000_000

#: A snapshot of more entries than this is not taken (a site root full of other files).
MAX_ENTRIES = 400_000

Stat = tuple[int, int, int, int]
#: (folder, its stat, entry names, their stats).
Folder = tuple[str, Stat, tuple[str, ...], tuple[Stat, ...]]
#: (file, its stat or None when it must not exist).
File = tuple[str, "Stat | None"]


def _stat(st: os.stat_result) -> Stat:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


class Snapshot:
    """A snapshot being taken at the end of a command that started at ``started_ns``.

    Call :meth:`folder` and :meth:`file` for everything the answer depends on. Every entry
    must have been older than the racy window when the command started (so the command read
    what the snapshot describes, and a later change cannot keep its stat); :attr:`usable`
    turns False at the first entry that is not, and :meth:`encode` then gives None.
    """

    def __init__(self, started_ns: int) -> None:
        self.started = started_ns
        self.usable = True
        self.folders: list[Folder] = []
        self.files: list[File] = []
        self._seen: set[str] = set()
        self._entries = 0

    def _old(self, st: os.stat_result) -> bool:
        changed = max(st.st_mtime_ns, st.st_ctime_ns)
        window = RACY_COARSE_NS if changed % 1_000_000_000 == 0 else RACY_NS
        return self.started - changed > window

    def folder(self, path: Path | str, *, skip: tuple[str, ...] = ()) -> None:
        """Every entry under ``path``, recursively, leaving out ``.transflow-cache`` and the
        folders named in ``skip`` (``__pycache__`` under the code); a missing folder is
        recorded as such."""
        left_out = {CACHE_DIR, *skip}
        todo = [os.path.abspath(path)]
        while todo and self.usable:
            current = todo.pop()
            if current in self._seen:
                continue
            self._seen.add(current)
            try:
                st = os.stat(current)
            except FileNotFoundError:
                self.files.append((current, None))
                continue
            except OSError:
                self.usable = False
                return
            if not self._old(st):
                self.usable = False  # entries came or went lately
                return
            names: list[str] = []
            stats: list[Stat] = []
            try:
                with os.scandir(current) as entries:
                    for entry in entries:
                        if entry.name in left_out:
                            continue
                        if entry.is_dir(follow_symlinks=False):
                            todo.append(entry.path)
                            continue
                        if entry.is_symlink() and entry.is_dir():
                            self.usable = False  # a linked folder: not followed, not trusted
                            return
                        est = entry.stat()
                        if not self._old(est):
                            self.usable = False
                            return
                        names.append(entry.name)
                        stats.append(_stat(est))
            except OSError:
                self.usable = False
                return
            self._entries += len(names) + 1
            if self._entries > MAX_ENTRIES:
                self.usable = False
                return
            self.folders.append((current, _stat(st), tuple(names), tuple(stats)))

    def file(self, path: Path | str) -> None:
        """One file (the configuration, the glossary), or the fact that it does not exist."""
        name = os.path.abspath(path)
        if name in self._seen:
            return
        self._seen.add(name)
        try:
            st = os.stat(name)
        except FileNotFoundError:
            self.files.append((name, None))
            return
        except OSError:
            self.usable = False
            return
        if not self._old(st):
            self.usable = False
            return
        self.files.append((name, _stat(st)))

    def encode(self) -> bytes | None:
        """The snapshot as stored (None when it cannot be trusted)."""
        if not self.usable:
            return None
        return marshal.dumps((VERSION, self.folders, self.files))


def unchanged(blob: bytes) -> bool:
    """True when every folder and file of the snapshot is exactly as it was taken."""
    try:
        version, folders, files = marshal.loads(blob)
    except (ValueError, EOFError, TypeError):
        return False
    if version != VERSION:
        return False
    stat = os.stat
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        for path, st, names, stats in folders:
            if _stat(stat(path)) != st:
                return False
            fd = os.open(path, flags)
            try:
                for name, expected in zip(names, stats, strict=True):
                    s = stat(name, dir_fd=fd)
                    if (s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino) != expected:
                        return False
            finally:
                os.close(fd)
        for path, st in files:
            try:
                now = _stat(stat(path))
            except FileNotFoundError:
                if st is not None:
                    return False
                continue
            if now != st:
                return False
    except (OSError, ValueError, TypeError):
        return False
    return True


def journal_pending(root: Path | str) -> bool:
    """True when a writing command runs now or was killed (its journal or temp files are in
    ``.transflow-cache/``): the next command must run to finish or clean up after it."""
    folder = os.path.join(root, CACHE_DIR)
    try:
        names = os.listdir(folder)
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return any(n in JOURNAL_FILES or n.endswith(TEMP_SUFFIX) for n in names)


# -- the stored answers ----------------------------------------------------------------

_TABLE = ("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, snapshot BLOB,"
          " output BLOB, code INTEGER)")

#: Output chunks as printed: (0 for stdout or 1 for stderr, text).
Output = list[tuple[int, str]]


def answer_key(*parts: object) -> str:
    """The key of a command's answer (its arguments, folder, interpreter, version)."""
    text = "\x1f".join(repr(p) for p in (VERSION, *parts))
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def load_answer(root: Path | str, key: str) -> tuple[Output, int] | None:
    """The stored answer for ``key`` when its snapshot still holds (None otherwise)."""
    path = os.path.join(root, CACHE_DIR, DB_NAME)
    if not os.path.isfile(path) or journal_pending(root):
        return None
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=1.0)
        try:
            row = db.execute(
                "SELECT snapshot, output, code FROM answers WHERE key = ?", (key,)
            ).fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return None
    if row is None or not unchanged(row[0]):
        return None
    try:
        output = marshal.loads(row[1])
    except (ValueError, EOFError, TypeError):
        return None
    return output, int(row[2])


def store_answer(root: Path | str, key: str, snapshot: bytes, output: Output, code: int) -> None:
    """Keep an answer (best effort: a missing or read-only cache keeps nothing)."""
    path = os.path.join(root, CACHE_DIR, DB_NAME)
    if not os.path.isfile(path):
        return  # the commands create the cache; an answer alone never does
    with contextlib.suppress(sqlite3.Error):
        db = sqlite3.connect(path, timeout=5.0, isolation_level=None)
        try:
            db.execute(_TABLE)
            db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?, ?, ?)",
                       (key, snapshot, marshal.dumps(output), code))
        finally:
            db.close()


def forget_answers(root: Path | str, keys: Iterable[str] | None = None) -> None:
    """Drop stored answers (all of them by default)."""
    path = os.path.join(root, CACHE_DIR, DB_NAME)
    if not os.path.isfile(path):
        return
    with contextlib.suppress(sqlite3.Error):
        db = sqlite3.connect(path, timeout=5.0, isolation_level=None)
        try:
            db.execute(_TABLE)
            if keys is None:
                db.execute("DELETE FROM answers")
            else:
                db.executemany("DELETE FROM answers WHERE key = ?", [(k,) for k in keys])
        finally:
            db.close()
