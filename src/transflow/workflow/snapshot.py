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
  back). A snapshot is only taken when every entry was changed before the command started
  (by more than a clock tick: the command read exactly what the snapshot describes) and
  longer than the racy window before the snapshot (no later change can keep its stat; a
  more recent one is hashed, a folder's names kept, and checked again when replayed), except
  the files the command wrote itself, in an output folder apart from its sources: each must
  hold exactly what was written (compared by SHA-256), every file the answer claims must be
  there, and one written within the racy window before the snapshot is hashed again (a
  folder: listed again) when it is checked;
* **best effort**: anything unusual (a symlinked folder, an unreadable entry, a run that was
  killed half-way) means no snapshot, and the command simply runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import sqlite3
import stat
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from typing import IO, TYPE_CHECKING

from transflow.written import digest as written_digest
from transflow.written import still_as_written

if TYPE_CHECKING:  # the answer of an unchanged command is printed without loading pathlib
    from pathlib import Path

#: Bumped whenever the encoding below changes (old snapshots are then never matched).
VERSION = 6

CACHE_DIR = ".transflow-cache"
DB_NAME = "results.sqlite3"
#: Names in ``.transflow-cache/`` that mean a writing command was killed or is running (the
#: journal of ``atomic.Journal``); ``tests/test_replay.py`` keeps them equal to its names.
JOURNAL_FILES = ("dirty.json", "journal.json")
TEMP_SUFFIX = ".transflow-tmp"

#: See ``cache.RACY_NS``: an entry changed this recently may change again unnoticed.
RACY_NS = 100_000_000
RACY_COARSE_NS = 2_000_000_000
#: File times come from a clock that lags the real one by at most a scheduler tick (1-10 ms
#: on Linux): an entry changed after the command started has a time after start - TICK_NS.
TICK_NS = 20_000_000

#: Answers kept per workspace (the most recently stored).
MAX_ANSWERS = 16

#: A snapshot of more entries than this is not taken (a site root full of other files).
MAX_ENTRIES = 400_000

Stat = tuple[int, int, int, int]
#: (folder, its stat, its files' names joined by NULs, their stats packed as
#: :data:`STATS`, every name in it sorted and joined by NULs when it changed just before
#: the snapshot (else None), the names left out). Packed, not as a tuple per file: a build
#: of 10,000 articles snapshots 50,000 files, ~300 bytes each as Python objects, 50 packed.
Folder = tuple[str, Stat, str, bytes, "str | None", tuple[str, ...]]
#: A file's size, mtime and ctime (ns) and inode, packed.
STATS = struct.Struct("<qqqQ")
#: (file, its stat or None when it must not exist).
File = tuple[str, "Stat | None"]
#: (file, its stat, the SHA-256 of its content): written just before the snapshot, so its
#: content is hashed again when the snapshot is checked.
Hashed = tuple[str, Stat, bytes]


def _stat(st: os.stat_result) -> Stat:
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


def _digest(path: str) -> bytes | None:
    """The raw SHA-256 of a file's bytes (None when it cannot be read), read a block at a
    time (a 10,000-article manifest is 8 MB)."""
    try:
        with open(path, "rb") as handle:
            sha = hashlib.sha256()
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
            return sha.digest()
    except OSError:
        return None


class Snapshot:
    """A snapshot being taken at the end of a command that started at ``started_ns``.

    Call :meth:`folder` and :meth:`file` for everything the answer depends on. An entry must
    have been older than the racy window when the command started (the command read what the
    snapshot describes), unless the command wrote it: ``written`` maps each file the answer
    claims (absolute path) to what the command wrote there (a ``written.Proof``: its
    SHA-256, with the file's state once written when known), or to None for a file it left
    as it was, and only folders taken with ``written_into=True`` may hold such files. A
    written file must hold exactly that now (told by its stat when the proof has the state,
    else by reading it); a claimed file must be there. An entry
    changed within the racy window before the snapshot is checked again by content (a file)
    or by its names (a folder) when the snapshot is checked. :attr:`usable` turns False at
    the first entry that cannot be trusted, and :meth:`encode` then gives None.
    """

    def __init__(
        self, started_ns: int, written: dict[str, bytes | None] | None = None, *,
        clock_ns: Callable[[], int] = time.time_ns,
        seen: dict[str, bytes] | None = None,
    ) -> None:
        self.started = started_ns
        self.now = clock_ns()
        self.written = written if written is not None else {}  # consumed, not copied
        #: Stats the command took of regular files, by absolute name, packed as
        #: :data:`STATS` (``seen_stats``): a folder's file found here, changed before the
        #: command started, is not stat'ed again (a file it wrote always is). Consumed.
        self.seen = seen if seen is not None else {}
        self.usable = True
        #: Each :data:`Folder` marshalled as soon as it is listed: as tuples of names and
        #: stats, the 30,000 files of 10,000 articles took ~8 MiB at the end of a command;
        #: packed (names joined, stats as bytes) and marshalled, ~50 bytes a file.
        self.folders: list[bytes] = []
        self.files: list[File] = []
        self.hashed: list[Hashed] = []
        self._seen: set[str] = set()
        #: Folders walked, with the names they left out (a file in one is recorded).
        self._walked: dict[str, frozenset[str]] = {}
        self._entries = 0

    def _trusted(self, path: str, st: os.stat_result, written_into: bool) -> bool:
        """True when ``path`` may be recorded with this stat (see the class docstring)."""
        changed = max(st.st_mtime_ns, st.st_ctime_ns)
        coarse = changed % 1_000_000_000 == 0
        window = RACY_COARSE_NS if coarse else RACY_NS
        if self.started - changed > (RACY_COARSE_NS if coarse else TICK_NS):
            # Changed before the command started: it read this. Changed just before now, a
            # later change could carry the same times: checked by content (a folder: by
            # its names, see folder()) when the snapshot is checked.
            if self.now - changed <= window and not stat.S_ISDIR(st.st_mode):
                sha = _digest(path)
                if sha is None:
                    return False
                self.hashed.append((path, _stat(st), sha))
            return True
        if not written_into:
            return False  # changed during the command (or just before): it may have read less
        if stat.S_ISDIR(st.st_mode):
            return True  # its entries are each checked; recent: its names are kept too
        proof = self.written.get(path)
        if proof is None:
            return False  # not written by the command
        expected = written_digest(proof)
        if not still_as_written(st, proof) and _digest(path) != expected:
            return False  # not as the command wrote it
        if self.now - changed <= window:
            self.hashed.append((path, _stat(st), expected))
        return True

    def _recent(self, st: os.stat_result) -> bool:
        changed = max(st.st_mtime_ns, st.st_ctime_ns)
        window = RACY_COARSE_NS if changed % 1_000_000_000 == 0 else RACY_NS
        return self.now - changed <= window

    def folder(
        self, path: Path | str, *, skip: tuple[str, ...] = (), written_into: bool = False
    ) -> None:
        """Every entry under ``path``, recursively, leaving out ``.transflow-cache`` and the
        folders named in ``skip`` (``__pycache__`` under the code); a missing folder is
        recorded as such. ``written_into``: the command wrote some files under ``path``."""
        left_out = frozenset({CACHE_DIR, *skip})
        todo = [os.path.abspath(path)]
        while todo and self.usable:
            current = todo.pop()
            if current in self._seen:
                continue
            self._seen.add(current)
            self._walked[current] = left_out
            try:
                st = os.stat(current)
            except FileNotFoundError:
                self.files.append((current, None))
                continue
            except OSError:
                self.usable = False
                return
            if not self._trusted(current, st, written_into):
                self.usable = False  # entries came or went lately
                return
            names: list[str] = []
            stats = bytearray()
            pack, unpack = STATS.pack, STATS.unpack
            listing: list[str] = []
            old = self.started - RACY_COARSE_NS  # older than this: trusted whatever the window
            seen = self.seen.pop
            written = self.written if written_into else {}
            try:
                with os.scandir(current) as entries:
                    for entry in entries:
                        name = entry.name
                        if name in left_out:
                            continue
                        listing.append(name)
                        if entry.is_dir(follow_symlinks=False):
                            todo.append(entry.path)
                            continue
                        # As the command found it (see seen_stats), when that was long
                        # before it started; a file it wrote: as it is now.
                        packed = seen(entry.path, None)
                        if packed is not None and entry.path not in written:
                            _, mtime, ctime, _ = unpack(packed)
                            if mtime < old and ctime < old:
                                names.append(name)
                                stats += packed
                                continue
                        est = entry.stat()  # through a link, as the commands read it
                        if stat.S_ISDIR(est.st_mode):
                            self.usable = False  # a linked folder: not followed, not trusted
                            return
                        mtime, ctime = est.st_mtime_ns, est.st_ctime_ns
                        if (mtime >= old or ctime >= old) and \
                                not self._trusted(entry.path, est, written_into):
                            self.usable = False
                            return
                        if written_into:
                            self.written.pop(entry.path, "")
                        names.append(name)
                        stats += pack(est.st_size, mtime, ctime, est.st_ino)
            except OSError:
                self.usable = False
                return
            self._entries += len(names) + 1
            if self._entries > MAX_ENTRIES:
                self.usable = False
                return
            # A folder changed just now may change again within the same timestamp tick:
            # its names are kept and listed again when the snapshot is checked.
            recent = "\0".join(sorted(listing)) if self._recent(st) else None
            listed: Folder = (current, _stat(st), "\0".join(names), bytes(stats), recent,
                              tuple(sorted(left_out)))
            self.folders.append(marshal.dumps(listed))

    def file(self, path: Path | str, *, written_into: bool = False) -> None:
        """One file (the configuration, the glossary, the manifest), or the fact that it does
        not exist."""
        name = os.path.abspath(path)
        folder, base = os.path.split(name)
        walked = self._walked.get(folder)
        if name in self._seen or (walked is not None and base not in walked):
            return  # recorded already (a folder() that walked it records it as it was)
        self._seen.add(name)
        try:
            st = os.stat(name)
        except FileNotFoundError:
            self.files.append((name, None))
            return
        except OSError:
            self.usable = False
            return
        if not self._trusted(name, st, written_into):
            self.usable = False
            return
        self.written.pop(name, "")
        self.files.append((name, _stat(st)))

    def encode(self) -> bytes | None:
        """The snapshot as stored (None when it cannot be trusted, or a file the answer
        claims was not found)."""
        if not self.usable or self.written:
            return None
        return marshal.dumps((VERSION, self.folders, self.files, self.hashed))


def unchanged(blob: bytes) -> bool:
    """True when every folder and file of the snapshot is exactly as it was taken.

    The cheap checks come first, so a change is found after a handful of ``stat`` calls
    when it can be: each folder's own ``stat`` (a file created, renamed or deleted in it
    changes it: every save through a temp file does, transflow's own included), then the
    single files, and only then each file of each folder (an edit in place changes the
    file alone). After one article was edited and synced, a 2,000-article ``build``
    looked at about 6,000 files before it found the change; now at the folders.
    """
    try:
        version, folders, files, hashed = marshal.loads(blob)
    except (ValueError, EOFError, TypeError):
        return False
    if version != VERSION:
        return False
    stat_of = os.stat
    flags = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)
    try:
        listed: list[Folder] = [marshal.loads(packed) for packed in folders]
        for path, st, *_ in listed:
            if _stat(stat_of(path)) != st:
                return False
        for path, st in files:
            try:
                now = _stat(stat_of(path))
            except FileNotFoundError:
                if st is not None:
                    return False
                continue
            if now != st:
                return False
        for path, _, joined, stats, recent, left_out in listed:
            fd = os.open(path, flags)
            try:
                if recent is not None and recent != "\0".join(
                    sorted(n for n in os.listdir(fd) if n not in left_out)
                ):
                    return False
                names = joined.split("\0") if joined else []
                if len(names) * STATS.size != len(stats):
                    return False
                for name, expected in zip(names, STATS.iter_unpack(stats), strict=True):
                    s = stat_of(name, dir_fd=fd)
                    if (s.st_size, s.st_mtime_ns, s.st_ctime_ns, s.st_ino) != expected:
                        return False
            finally:
                os.close(fd)
    except (OSError, ValueError, TypeError, EOFError):
        return False
    return all(_digest(path) == sha for path, _, sha in hashed)


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

#: Bytes of printed output a :class:`Printed` keeps in memory before it moves them to a
#: temporary file.
SPILL = 1 << 20


class Printed:
    """What a command printed, as it is stored: each ``(stream, text)`` chunk marshalled in
    turn, in memory up to :data:`SPILL` bytes and then in a temporary file.

    Why: a command's answer is kept as it prints it, and ``build --json`` of 10,000
    articles prints an 8 MB document; held as chunks, then marshalled whole to be stored,
    it took three times that at the end of the command."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._file: IO[bytes] | None = None
        self.size = 0

    def append(self, chunk: tuple[int, str]) -> None:
        """One more chunk (stream 0 stdout or 1 stderr, text)."""
        data = marshal.dumps(chunk)
        self.size += len(data)
        if self._file is not None:
            self._file.write(data)
            return
        self._buffer += data
        if len(self._buffer) > SPILL:
            import tempfile
            import weakref

            self._file = tempfile.TemporaryFile(prefix="transflow-")  # noqa: SIM115
            weakref.finalize(self, self._file.close)
            self._file.write(self._buffer)
            self._buffer = bytearray()

    def pieces(self) -> Iterator[bytes]:
        """The chunks as stored, a block at a time."""
        file = self._file
        if file is None:
            if self._buffer:
                yield bytes(self._buffer)
            return
        file.flush()
        file.seek(0)
        while block := file.read(BLOB_PIECE):
            yield block


def read_printed(data: bytes) -> Output:
    """The chunks of a stored :class:`Printed` (ValueError, EOFError or TypeError when it
    is not one)."""
    import io

    stream = io.BytesIO(data)
    chunks: Output = []
    while stream.tell() < len(data):
        index, text = marshal.load(stream)
        if index not in (0, 1) or not isinstance(text, str):
            raise TypeError("not an output chunk")
        chunks.append((index, text))
    return chunks



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
        output = read_printed(row[1])
    except (ValueError, EOFError, TypeError):
        return None
    return output, int(row[2])


def store_answer(
    root: Path | str, key: str, snapshot: bytes, output: Printed | Output, code: int
) -> None:
    """Keep an answer (best effort: a missing or read-only cache keeps nothing)."""
    path = os.path.join(root, CACHE_DIR, DB_NAME)
    if not os.path.isfile(path):
        return  # the commands create the cache; an answer alone never does
    with contextlib.suppress(sqlite3.Error):
        db = sqlite3.connect(path, timeout=5.0, isolation_level=None)
        try:
            db.execute("PRAGMA synchronous=OFF")  # derived state: no fsync (see cache._prepare)
            db.execute("PRAGMA journal_mode=TRUNCATE")  # no file made per statement (idem)
            db.execute(_TABLE)
            if not isinstance(output, Printed):
                chunks, output = output, Printed()
                for chunk in chunks:
                    output.append(chunk)
            db.execute("BEGIN IMMEDIATE")
            try:
                # The blobs are written into place piece by piece: bound as values, SQLite
                # copies each (and builds the row from the copies), ~2.5 times their size
                # more memory at the end of the command (8 MiB at 10,000 articles).
                row = db.execute("INSERT OR REPLACE INTO answers VALUES"
                                 " (?, zeroblob(?), zeroblob(?), ?)",
                                 (key, len(snapshot), output.size, code)).lastrowid
                _write_blob(db, "snapshot", row, [snapshot])
                _write_blob(db, "output", row, output.pieces())
                # The most recently stored answers only (a replaced row gets a new rowid):
                # each command line run in a folder has its own, and a snapshot takes
                # ~0.5 KB per file.
                db.execute("DELETE FROM answers WHERE rowid NOT IN"
                           " (SELECT rowid FROM answers ORDER BY rowid DESC LIMIT ?)",
                           (MAX_ANSWERS,))
                db.execute("COMMIT")
            except BaseException:
                with contextlib.suppress(sqlite3.Error):
                    db.execute("ROLLBACK")
                raise
        finally:
            db.close()


#: Bytes of a stored answer written per call (see :func:`_write_blob`).
BLOB_PIECE = 1 << 18


def _write_blob(
    db: sqlite3.Connection, column: str, row: int | None, parts: Iterable[bytes]
) -> None:
    """Write ``parts``, one after the other, into the (zero-filled, as long) blob of
    ``column`` in ``row``."""
    if row is None:
        raise sqlite3.Error("no row to write the answer into")  # (rolled back: none kept)
    blob = None
    try:
        for data in parts:
            if not data:
                continue
            if blob is None:
                blob = db.blobopen("answers", column, row)
            view = memoryview(data)
            for start in range(0, len(data), BLOB_PIECE):
                blob.write(view[start : start + BLOB_PIECE])
    finally:
        if blob is not None:
            blob.close()


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
