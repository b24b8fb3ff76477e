"""The results cache in ``.transflow-cache/``: what a command computed, keyed by its inputs.

``status``, ``check`` and ``build`` reuse a result only when every input it was computed from
is byte-for-byte the same, so their cost follows the change, not the size of the workspace.

Invariants:

* **derived state only**: deleting the folder changes no result, only the time it takes
  (``tests/test_cache.py`` byte-compares outputs with and without it);
* **never wrong**: a file's hash is trusted from its size, mtime, ctime and inode only when
  those times were already older than :data:`RACY_NS` when the hash was taken (git's "racy
  clean" rule, with a wider window on filesystems with coarse timestamps); any other file is
  read and hashed again. ctime cannot be set back, so an edit that keeps the size and
  restores the mtime is still seen. Keys also carry the configuration and the code's own
  fingerprint (:func:`code_key`), so editing a check or the config invalidates its results;
* **best effort**: a missing, locked, corrupt or read-only cache is silently ignored (the
  command computes everything); it is never an error;
* **one writer, flat memory**: results live in SQLite (stdlib), one row per slot (an article,
  a catalog) read on demand, so memory does not grow with the workspace; only the parent
  process reads and writes it (workers compute misses, the parent stores them), in one
  transaction at the end.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import transflow
from transflow import __version__
from transflow.workflow import seen_stats
from transflow.written import Proof, still_as_written
from transflow.written import digest as written_digest

CACHE_DIR = ".transflow-cache"
DB_NAME = "results.sqlite3"
SCHEMA = 2

#: A file whose mtime is this close to the moment it was hashed may change again within the
#: same mtime tick unnoticed, so its size and mtime alone are not trusted (it is re-hashed).
#: Filesystems with whole-second (or two-second) timestamps get :data:`RACY_COARSE_NS`.
RACY_NS = 100_000_000
RACY_COARSE_NS = 2_000_000_000


def _stat_key(st: os.stat_result) -> str:
    """Size, mtime, ctime and inode: a write, a replace or a ``touch`` back changes one.

    ctime cannot be set back by a program (``utime`` updates it), so even an edit that
    keeps the size and restores the mtime is noticed.
    """
    return f"{st.st_size}:{st.st_mtime_ns}:{st.st_ctime_ns}:{st.st_ino}"


#: A files-table entry: (``_stat_key``, SHA-256 hex, when it was hashed in ns).
FileEntry = tuple[str, str, int]


def _trusted(changed: int, hashed: int) -> bool:
    """True when a write after the hash would have given the file a newer mtime and ctime
    (``changed``: the later of the two when it was hashed)."""
    window = RACY_COARSE_NS if changed % 1_000_000_000 == 0 else RACY_NS
    return hashed - changed > window


def _as_recorded(st: os.stat_result, stat_key: str, hashed: int) -> bool:
    """True when ``st`` is the stat recorded as ``stat_key`` and the file was hashed (at
    ``hashed``) well after its last change: ``stat_key == _stat_key(st) and
    _trusted(max(st.st_mtime_ns, st.st_ctime_ns), hashed)``, written out in one call (it
    runs for every input and page of every article of an unchanged workspace)."""
    mtime, ctime = st.st_mtime_ns, st.st_ctime_ns
    changed = mtime if mtime > ctime else ctime
    return stat_key == f"{st.st_size}:{mtime}:{ctime}:{st.st_ino}" and hashed - changed > (
        RACY_COARSE_NS if changed % 1_000_000_000 == 0 else RACY_NS)


def _changed_ns(stat_key: str) -> int:
    """The later of the mtime and ctime a ``_stat_key`` holds."""
    _size, mtime, ctime, _inode = stat_key.split(":")
    return max(int(mtime), int(ctime))


def hash_file(path: str, clock_ns: Callable[[], int] = time.time_ns
              ) -> tuple[bytes, str, FileEntry | None] | None:
    """A file's bytes, their SHA-256 and the files-table entry that records them (None when
    the file changed while read), found without a cache: a worker process hashes what its
    parent did not (and goes on with the same bytes), and the parent learns the entries
    (:meth:`ResultCache.learn`). None: unreadable.

    Read with ``os.read``: no buffered file object (its ``isatty`` and ``lseek`` calls).
    """
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        chunks = [os.read(fd, max(st.st_size, 0) + 1)]
        # Its size whole (asked one more byte): at the end, no read more to tell it
        while chunks[-1] and (len(chunks) > 1 or len(chunks[0]) != st.st_size):
            chunks.append(os.read(fd, 1 << 16))
    except OSError:
        return None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    sha = hashlib.sha256(data).hexdigest()
    return data, sha, ((_stat_key(st), sha, clock_ns()) if st.st_size == len(data) else None)


def _prepare(db: sqlite3.Connection) -> None:
    """Create the tables; a cache written by another schema version is dropped.

    Writes are not synced to disk (``synchronous=OFF``): the cache is derived state, and a
    file a power cut leaves corrupt is ignored like a missing one, while each sync of a
    commit cost a cold build of 500 articles ~90 ``fdatasync`` calls (0.7 s on a busy
    disk). A killed process still leaves a consistent file (SQLite's journal).

    The journal is emptied after each commit, not deleted (``journal_mode=TRUNCATE``): a
    command commits many batches, and creating and deleting a file for each costs an inode
    allocation every time (see ``atomic.Journal``); an empty journal
    means "nothing to roll back" to every SQLite reader.
    """
    db.execute("PRAGMA synchronous=OFF")
    db.execute("PRAGMA journal_mode=TRUNCATE")
    db.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
    row = db.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    if row is None or row[0] != str(SCHEMA):
        for table in ("files", "results", "entries"):
            db.execute(f"DROP TABLE IF EXISTS {table}")
        db.execute("INSERT OR REPLACE INTO meta VALUES ('schema', ?)", (str(SCHEMA),))
    for sql in _SCHEMA_SQL:
        db.execute(sql)

#: Pending results are written in batches of this many (memory stays flat).
FLUSH_EVERY = 500

#: Above this many remembered entry fingerprints the table is emptied (it only saves time).
MAX_ENTRIES = 2_000_000

_SCHEMA_SQL = (
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)",
    "CREATE TABLE IF NOT EXISTS files (path TEXT PRIMARY KEY, stat TEXT, sha TEXT,"
    " hashed INTEGER)",
    "CREATE TABLE IF NOT EXISTS results (kind TEXT, slot TEXT, key TEXT, value TEXT,"
    " PRIMARY KEY (kind, slot))",
    "CREATE TABLE IF NOT EXISTS entries (key TEXT PRIMARY KEY, value TEXT)",
)

_code_key: str | None = None


def code_key() -> str:
    """A fingerprint of the installed transflow code (version, and size + mtime of each module).

    Part of every cache key: a result computed by other code (an edited check, an upgrade) is
    never reused.
    """
    global _code_key
    if _code_key is None:
        parts = [__version__, str(SCHEMA)]
        package = Path(transflow.__file__).parent
        for path in sorted(package.rglob("*.py")):
            with contextlib.suppress(OSError):
                st = path.stat()
                parts.append(f"{path.relative_to(package)}:{st.st_size}:{st.st_mtime_ns}")
        _code_key = hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]
    return _code_key


def make_key(*parts: object) -> str:
    """A stable key from strings, numbers and ``None`` (file digests, config, names)."""
    text = "\x1f".join("\x00" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class ResultCache:
    """The cache of one workspace; ``enabled=False`` gives one that never hits or writes."""

    def __init__(
        self,
        root: Path,
        *,
        enabled: bool = True,
        readonly: bool = False,
        clock_ns: Callable[[], int] = time.time_ns,
        files: bool = True,
    ) -> None:
        self.folder = root / CACHE_DIR
        self.enabled = enabled
        self.readonly = readonly
        self._clock_ns = clock_ns
        #: False: results only, the file digests table is not read (a parse look-up in a
        #: worker process needs no digests, and that table grows with the workspace).
        self._read_files = files
        self._db: sqlite3.Connection | None = None
        self._opened = False
        self._files: dict[str, tuple[str, str, int]] = {}
        self._files_loaded = False
        self._new_files: dict[str, tuple[str, str, int]] = {}
        self._new_results: dict[tuple[str, str], tuple[str, str | bytes]] = {}
        self._loaded: dict[str, dict[str, tuple[str, str | bytes]]] = {}
        self.hits = 0
        self.misses = 0

    # -- opening ----------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection | None:
        if self._opened:
            return self._db
        self._opened = True
        if not self.enabled:
            return None
        path = self.folder / DB_NAME
        try:
            if not path.exists():
                if self.readonly:
                    return None
                self.folder.mkdir(exist_ok=True)
            db = sqlite3.connect(path, timeout=5.0, isolation_level=None)
            _prepare(db)
        except (OSError, sqlite3.Error):
            return None
        self._db = db
        return db

    def opened(self) -> bool:
        """Open the database now; True when there is one to read (and write, unless
        read-only)."""
        return self._open() is not None

    def _known_files(self) -> dict[str, FileEntry]:
        """The files table, read whole when a digest is first asked for (not by opening: a
        cold build's parent asks none, and learning the digests its workers found into it
        would hold the whole table, grown in between its other allocations, to the end)."""
        if not self._files_loaded:
            self._files_loaded = True
            db = self._open()
            if db is not None and self._read_files:
                with contextlib.suppress(sqlite3.Error):
                    self._files = {p: (stat, sha, hashed) for p, stat, sha, hashed in
                                   db.execute("SELECT path, stat, sha, hashed FROM files")}
        return self._files

    def look_up_files(self, paths: Sequence[str]) -> None:
        """Read the files table's rows of ``paths`` only, in place of those read before: the
        digests asked for next are of these (a caller going through the workspace a batch
        of articles at a time). The whole table, read at once, is ~0.3 KB per file for
        the whole run: ~14 MB for the 40,000 inputs of 10,000 articles."""
        self._files_loaded = True
        self._files = {}
        db = self._open()
        if db is None or not self._read_files:
            return
        with contextlib.suppress(sqlite3.Error):
            for start in range(0, len(paths), 500):
                chunk = paths[start : start + 500]
                sql = ("SELECT path, stat, sha, hashed FROM files WHERE path IN"
                       f" ({','.join('?' * len(chunk))})")
                self._files.update((p, (stat, sha, hashed))
                                   for p, stat, sha, hashed in db.execute(sql, chunk))

    # -- file digests -----------------------------------------------------------------

    def digest(self, path: Path | str) -> str | None:
        """The SHA-256 of the file's bytes (``None`` when it does not exist or is unreadable).

        Trusted from size, mtime, ctime and inode when the file was hashed well after its
        last change; otherwise the file is read again.
        """
        return self.digests((path,))[0]

    def digests(self, paths: Iterable[Path | str]) -> list[str | None]:
        """:meth:`digest` of each path, in order.

        One loop with its look-ups bound once: it runs for every input of every article of
        an unchanged workspace (8,000 files of 2,000 articles for ``check``).
        """
        known_files = self._known_files()
        new_files = self._new_files
        stat = seen_stats.stat  # lent to the closing snapshot, if one is taken
        digests: list[str | None] = []
        for path in paths:
            try:
                st = stat(path)
            except OSError:
                digests.append(None)
                continue
            key = path if type(path) is str else str(path)
            known = new_files.get(key) or known_files.get(key)
            if known is not None and _as_recorded(st, known[0], known[2]):
                digests.append(known[1])
                continue
            try:
                with open(path, "rb") as handle:
                    data = handle.read()
            except OSError:
                digests.append(None)
                continue
            digests.append(self.remember(path, data, st))
        return digests

    def remember(self, path: Path | str, data: bytes, st: os.stat_result | None = None) -> str:
        """Record the digest of bytes just read from ``path`` (saves reading them twice)."""
        sha = hashlib.sha256(data).hexdigest()
        if st is None:
            try:
                st = os.stat(path)
            except OSError:
                return sha
        if st.st_size != len(data):
            return sha  # changed between the read and the stat: do not record it
        self.learn(str(path), (_stat_key(st), sha, self._clock_ns()))
        return sha

    def learn(self, path: str, entry: FileEntry) -> None:
        """Take a file's digest found elsewhere (``hash_file`` in a worker process) into the
        files table, unless the table (when it was read) already holds it, trusted."""
        known = self._files.get(path)
        if known is None or known[:2] != entry[:2] or not _trusted(_changed_ns(known[0]),
                                                                   known[2]):
            self._new_files[path] = entry

    def record(self, path: Path | str) -> list[object] | None:
        """A stand-alone record of a file's content, ``[stat, sha, hashed]`` (None when it
        cannot be read), for files a result owns (a build's outputs): kept in the result
        itself rather than in the files table, so memory does not grow with them."""
        try:
            st = os.stat(path)
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError:
            return None
        if st.st_size != len(data):
            return None
        return [_stat_key(st), hashlib.sha256(data).hexdigest(), self._clock_ns()]

    def record_written(self, path: Path | str, proof: Proof) -> list[object] | None:
        """:meth:`record` of a file this process has just installed, knowing what it wrote
        there (``proof``): it is only stat'ed, not read back, when the stat proves it still
        holds that content (``written.still_as_written``)."""
        try:
            st = os.stat(path)
        except OSError:
            return None
        if still_as_written(st, proof):
            return [_stat_key(st), written_digest(proof).hex(), self._clock_ns()]
        return self.record(path)

    def holds(self, path: Path | str, record: Sequence[object]) -> list[object] | None:
        """The file's up-to-date record when it still holds the content ``record`` describes
        (re-hashed when its stat changed or was too recent to trust), else None."""
        try:
            st = seen_stats.stat(path)
        except OSError:
            return None
        stat, sha, hashed = record
        if isinstance(stat, str) and isinstance(hashed, int) and _as_recorded(st, stat, hashed):
            return record if isinstance(record, list) else list(record)
        fresh = self.record(path)
        return fresh if fresh is not None and fresh[1] == sha else None

    # -- results per slot -------------------------------------------------------------

    def preload(self, kind: str) -> None:
        """Read every stored result of ``kind`` at once (cheaper than one query per slot
        when most slots will be asked for; costs memory in proportion to the results)."""
        db = self._open()
        if db is None or kind in self._loaded:
            return
        try:
            rows = db.execute("SELECT slot, key, value FROM results WHERE kind = ?", (kind,))
            self._loaded[kind] = {slot: (key, value) for slot, key, value in rows}
        except sqlite3.Error:
            return

    def get(self, kind: str, slot: str, key: str) -> str | None:
        """The value stored for ``slot`` when it was computed under exactly ``key``."""
        pending = self._new_results.get((kind, slot))
        if pending is not None:
            return pending[1] if pending[0] == key and isinstance(pending[1], str) else None
        loaded = self._loaded.get(kind)
        if loaded is not None:
            row: tuple[str, str | bytes] | None = loaded.get(slot)
        else:
            db = self._open()
            if db is None:
                return None
            try:
                row = db.execute(
                    "SELECT key, value FROM results WHERE kind = ? AND slot = ?", (kind, slot)
                ).fetchone()
            except sqlite3.Error:
                return None
        if row is None or row[0] != key or not isinstance(row[1], str):
            self.misses += 1
            return None
        self.hits += 1
        return row[1]

    def get_many(self, kind: str, wanted: dict[str, str]) -> dict[str, str]:
        """:meth:`get` for many slots (slot -> key) in one query: the values found."""
        found: dict[str, str] = {}
        ask: list[str] = []
        for slot, key in wanted.items():
            if (kind, slot) in self._new_results or kind in self._loaded:
                value = self.get(kind, slot, key)
                if value is not None:
                    found[slot] = value
            else:
                ask.append(slot)
        rows = self.stored(kind, ask) if ask else {}
        for slot in ask:
            row = rows.get(slot)
            if row is None or row[0] != wanted[slot] or not isinstance(row[1], str):
                self.misses += 1
            else:
                self.hits += 1
                found[slot] = row[1]
        return found

    def stored(self, kind: str, slots: Sequence[str]) -> dict[str, tuple[str, str | bytes]]:
        """The ``(key, value)`` stored for each of ``slots`` that has a row, whatever key it
        was computed under (for callers that learn the key only later, from the bytes they
        read): one query per 500 slots; not counted as hits or misses."""
        rows: dict[str, tuple[str, str | bytes]] = {}
        db = self._open()
        if db is None:
            return rows
        try:
            for start in range(0, len(slots), 500):
                chunk = slots[start : start + 500]
                sql = ("SELECT slot, key, value FROM results WHERE kind = ? AND slot IN"
                       f" ({','.join('?' * len(chunk))})")
                rows.update((slot, (key, value))
                            for slot, key, value in db.execute(sql, (kind, *chunk)))
        except sqlite3.Error:
            return {}
        return rows

    def put(self, kind: str, slot: str, key: str, value: str | bytes) -> None:
        """Store ``value`` for ``slot`` (replacing what the slot held), written by :meth:`save`."""
        if self.enabled and not self.readonly:
            self._new_results[(kind, slot)] = (key, value)
            if len(self._new_results) >= FLUSH_EVERY:
                self.save()  # written in batches: memory does not grow with the workspace

    # -- writing ----------------------------------------------------------------------

    def save(self) -> None:
        """Write what was learnt in one transaction (silently skipped when impossible)."""
        if self.readonly or not (self._new_files or self._new_results):
            return
        db = self._open()
        if db is None:
            return
        try:
            db.execute("BEGIN IMMEDIATE")
            db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?)",
                [(p, *v) for p, v in self._new_files.items()],
            )
            db.executemany(
                "INSERT OR REPLACE INTO results VALUES (?, ?, ?, ?)",
                [(kind, slot, k, v) for (kind, slot), (k, v) in self._new_results.items()],
            )
            db.execute("COMMIT")
        except sqlite3.Error:
            with contextlib.suppress(sqlite3.Error):
                db.execute("ROLLBACK")
            return
        if self._files_loaded:
            self._files.update(self._new_files)
        self._new_files.clear()
        self._new_results.clear()

    def close(self) -> None:
        """Close the database (the cache object can be opened again)."""
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None
        self._opened = False

    def __enter__(self) -> ResultCache:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.save()
        self.close()


def config_key(config: object) -> str:
    """Every setting of the workspace, as part of a key (any change invalidates).

    Paths inside the workspace are written relative to its root (``in_root``): a workspace
    moved or copied elsewhere with its cache (a CI runner's other folder, a ``cp -r``) keeps
    its results, which name the workspace's files relative to the root as well. The results
    cache is inside the root, so two workspaces never share one."""
    root = getattr(config, "root", None)
    return make_key(code_key(), in_root(repr(config), root) if root is not None else repr(config))


def in_root(text: str, root: object) -> str:
    """``text`` (a ``repr``) with each quoted path at or under ``root`` made relative to it:
    ``'/w/articles'`` -> ``'<root>/articles'``; a path elsewhere (``'/w2/x'``) is kept."""
    folder = str(root)
    for quote in ("'", '"'):
        text = text.replace(f"{quote}{folder}/", f"{quote}<root>/")
        text = text.replace(f"{quote}{folder}{quote}", f"{quote}<root>{quote}")
    return text


def place_key(path: Path, root: Path) -> str:
    """A folder as part of a key: relative to ``root`` when inside it (see ``config_key``)."""
    return f"<root>/{path.relative_to(root).as_posix()}" if path.is_relative_to(root) \
        else str(path)


class EntryMemo:
    """Values per entry fingerprint (the check findings of one msgid/msgstr pair).

    Looked up in this process first, then in the cache file; picklable, so worker processes
    get their own (each opens the file itself and stores what it learnt with :meth:`flush`;
    SQLite serialises those writes). Memory stays bounded: the in-process table is emptied
    when it passes :data:`MEMO_SIZE` items. A process that finds nothing stored when it
    first looks (a cold run) does not ask the file again: what it learns it keeps in memory,
    and what other workers store meanwhile it can only miss (computing an entry twice).
    """

    def __init__(self, root: Path | None, *, cold: bool | None = None) -> None:
        self.root = root
        self.path = root / CACHE_DIR / DB_NAME if root is not None else None
        self._local: dict[str, str] = {}
        self._new: dict[str, str] = {}
        self._db: sqlite3.Connection | None = None
        self._opened = False
        #: Whether the file held no entry when this run first looked (None: not yet). A
        #: worker is told what its parent found (``cold``): the others' stores do not count.
        self._cold: bool | None = cold

    def __reduce__(self) -> tuple[type[EntryMemo], tuple[Path | None]]:
        return (EntryMemo, (self.root,))  # a worker starts with its own, empty memory

    def _connect(self) -> sqlite3.Connection | None:
        if not self._opened:
            self._opened = True
            if self.path is not None and self.path.exists():
                with contextlib.suppress(sqlite3.Error):
                    self._db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
        return self._db

    def nothing_stored(self) -> bool:
        """True when the cache file holds no entry (a cold run: nothing to look up), asked
        once per run."""
        if self._cold is None:
            self._cold = True
            first = self._connect()
            if first is not None:
                with contextlib.suppress(sqlite3.Error):
                    self._cold = first.execute("SELECT 1 FROM entries LIMIT 1").fetchone() is None
        return self._cold

    def lookup(self, keys: Iterable[str]) -> dict[str, str]:
        """The known values among ``keys``."""
        wanted = list(dict.fromkeys(keys))
        found = {k: self._local[k] for k in wanted if k in self._local}
        rest = [k for k in wanted if k not in found]
        db = self._connect() if rest and not self.nothing_stored() else None
        if db is not None:
            with contextlib.suppress(sqlite3.Error):
                for start in range(0, len(rest), 500):
                    chunk = rest[start : start + 500]
                    marks = ",".join("?" * len(chunk))
                    for key, value in db.execute(
                        f"SELECT key, value FROM entries WHERE key IN ({marks})", chunk
                    ):
                        found[key] = value
                        self._keep(key, value)
        return found

    def store(self, key: str, value: str) -> None:
        """Remember a newly computed value (written by :meth:`flush`)."""
        self._keep(key, value)
        if self.path is not None:
            self._new[key] = value
            if len(self._new) >= MEMO_SIZE // 10:
                self.flush(run_over=False)  # in batches: memory does not grow with the workspace

    def _keep(self, key: str, value: str) -> None:
        if len(self._local) >= MEMO_SIZE:
            self._local.clear()
        self._local[key] = value

    def flush(self, *, run_over: bool = True) -> None:
        """Write the new values to the cache file (best effort), and close it. ``run_over``
        False: the run goes on (what it found when it first looked still holds)."""
        if self._new and self.path is not None:
            try:
                self.path.parent.mkdir(exist_ok=True)
                db = self._db or sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
                self._db = db
                _prepare(db)
                db.execute("BEGIN IMMEDIATE")
                # The largest rowid bounds the row count from above (a replaced row gets
                # a new one) and is found in the index at once: count(*) reads the whole
                # table, at every flush of every worker (quadratic in a workspace's size).
                (last,) = db.execute("SELECT max(rowid) FROM entries").fetchone()
                if (last or 0) + len(self._new) > MAX_ENTRIES:
                    db.execute("DELETE FROM entries")
                db.executemany("INSERT OR REPLACE INTO entries VALUES (?, ?)", self._new.items())
                db.execute("COMMIT")
            except (OSError, sqlite3.Error):
                if self._db is not None:
                    with contextlib.suppress(sqlite3.Error):
                        self._db.execute("ROLLBACK")
        self._new.clear()
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
        self._db = None
        self._opened = False
        if run_over:
            self._cold = None  # the next run (a long-lived memo) looks again


#: Items an :class:`EntryMemo` keeps in memory at most.
MEMO_SIZE = 20_000
