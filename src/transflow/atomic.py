"""Writing files so that nothing is ever half-written, lost to a concurrent save, or left behind.

Every file transflow writes goes through a temp file beside it, named
``.<name>.<random>.transflow-tmp`` (``TEMP_PATTERN``, which ``init`` puts in ``.gitignore``),
and is put in place by ``install``:

* **merge at the moment of writing**: ``install`` re-reads the destination right before the
  rename; if it is no longer the version the new text was made from (a translator saved in
  their editor meanwhile), the caller's ``Merge`` folds their save into ours and it tries
  again. The rename itself is an atomic *exchange* (``renameat2(RENAME_EXCHANGE)`` on Linux),
  so a save that lands between the check and the rename is swapped out, not unlinked; it is
  swapped back at once and merged in the next round: no save is ever overwritten unseen,
  nor out of sight for more than microseconds. Where the exchange is not available it falls
  back to check-then-replace (a window of microseconds).
* **all or nothing**: ``Transaction`` stages many files while a command works and installs
  them together at the end; before the first rename it writes a ``Journal`` of what it is
  about to rename, so a kill in the middle is finished by the next command
  (``Journal.recover``), which also removes temp files a killed run left.

Invariants: a destination is only ever replaced by a complete file; a temp file is either
installed, removed, or listed in the journal; text is always written as given (no newline
translation).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from transflow.errors import TransflowError, os_error

#: The suffix of every temp file transflow writes; ``TEMP_PATTERN`` is its gitignore line.
TEMP_SUFFIX = ".transflow-tmp"
TEMP_PATTERN = f".*{TEMP_SUFFIX}"

#: (theirs, base, ours) -> merged: fold a file saved on disk meanwhile (``theirs``, made from
#: ``base``; None when the file did not exist or the base is unknown) into ``ours``.
Merge = Callable[[bytes, bytes | None, bytes], bytes]

#: How many times a destination may change under us before ``install`` gives up.
MAX_ROUNDS = 50


class ConcurrentEditError(TransflowError):
    """A file kept changing while transflow tried to write it."""


@dataclass(frozen=True, slots=True)
class StagedFile:
    """A temp file waiting to be installed; ``merge`` when its destination is a catalog."""

    tmp: str
    #: The destination's content the staged text was made from (None: it did not exist).
    base: bytes | None
    merge: bool
    #: sha256 of the staged content (the journal tells a finished exchange by it).
    digest: str = ""
    #: (size, mtime ns, inode) of the temp file once written: a rename keeps all three, so
    #: the installed file can be told to be still exactly this (``ResultCache.record``).
    written: tuple[int, int, int] | None = None


@dataclass(frozen=True, slots=True)
class Staged:
    """Files staged (destination -> temp file) and removals, as passed between processes."""

    files: dict[Path, StagedFile]
    removals: list[Path]

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # Passed from a worker to its parent once per article: as strings and tuples,
        # which a parent loads several times faster than pickled Paths and frozen
        # dataclasses (~10 us an article, on the parent's one core).
        return (_staged, (
            [(os.fspath(path), f.tmp, f.base, f.merge, f.digest, f.written)
             for path, f in self.files.items()],
            [os.fspath(path) for path in self.removals],
        ))


def _staged(files: list[tuple[str, str, bytes | None, bool, str, tuple[int, int, int] | None]],
            removals: list[str]) -> Staged:
    """A :class:`Staged` back from what its ``__reduce__`` gave."""
    return Staged({Path(path): StagedFile(tmp, base, merge, digest, written)
                   for path, tmp, base, merge, digest, written in files},
                  [Path(path) for path in removals])


def _stage(path: Path, data: bytes | Iterable[str], *, new: bool = False,
           digest: str | None = None) -> tuple[str, str, tuple[int, int, int]]:
    """Write ``data`` (bytes, or text pieces written one by one as UTF-8, so a large
    document never exists as one string) to a temp file beside ``path``; return its name,
    the sha256 of what was written and the file's (size, mtime, inode) once written.

    The temp file takes ``path``'s permissions, or the default ones when there is no
    ``path`` (``new``: the caller just found it missing, so it is not asked again).
    ``digest``: the SHA-256 (hex) of ``data`` (bytes) when the caller has it.
    Any ``OSError`` (disk full, no permission, a file where a folder should be) becomes a
    ``FileSystemError`` naming the path, and no temp file is left behind.
    """
    try:
        mode = 0o644 if new else os.stat(path).st_mode & 0o777
    except OSError:
        mode = 0o644
    try:
        fd, tmp = _create_temp(path, mode)
    except OSError as exc:
        raise os_error(exc, path.parent) from exc
    try:
        # Straight to the descriptor (no buffered file object: a third of the cost of a
        # small file's staging, and every write is on disk before the stat below).
        try:
            if os.fstat(fd).st_mode & 0o777 != mode:  # the umask took bits away
                os.fchmod(fd, mode)
            known = digest is not None and isinstance(data, bytes)
            hashed = hashlib.sha256()
            for chunk in [data] if isinstance(data, bytes) else data:
                raw = chunk if isinstance(chunk, bytes) else chunk.encode("utf-8")
                if not known:
                    hashed.update(raw)
                view = memoryview(raw)
                while view:
                    view = view[os.write(fd, view) :]
            st = os.fstat(fd)  # the last write's mtime, size and inode
        finally:
            os.close(fd)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise os_error(exc, path) from exc
        raise
    sha = digest if known and digest is not None else hashed.hexdigest()
    return tmp, sha, (st.st_size, st.st_mtime_ns, st.st_ino)


_TEMP_FLAGS = (os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
               | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


def _create_temp(path: Path, mode: int) -> tuple[int, str]:
    """A new ``.<name>.<random>.transflow-tmp`` beside ``path``, created with ``mode``
    (as ``tempfile.mkstemp`` would, but with the final permissions at once: no chmod, one
    metadata change less per file); its folder is made when missing."""
    folder, name = os.path.split(os.fspath(path))  # string work: once per file written
    folder = os.path.abspath(folder)
    made = False
    for _ in range(100):
        # (Python's own generator, reseeded in each forked worker: a name that is taken
        # only costs another draw, so it need not be a secret; ``secrets`` asks the kernel.)
        tmp = os.path.join(folder, f".{name}.{random.getrandbits(32):08x}{TEMP_SUFFIX}")
        try:
            return os.open(tmp, _TEMP_FLAGS, mode), tmp
        except FileExistsError:
            continue  # the same random name: draw again
        except OSError:
            if made:
                raise
            path.parent.mkdir(parents=True, exist_ok=True)  # raises what stops the folder
            made = True
    raise FileExistsError(errno.EEXIST, "no unused temp file name", folder)


def read_bytes(path: Path) -> bytes | None:
    """A file's bytes, None when missing; other OS errors name the path."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise os_error(exc, path) from exc


# --------------------------------------------------------------------------- atomic exchange
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
_renameat2: Callable[..., int] | None = None
_renameat2_looked_up = False
_exchange_works = True


def _load_renameat2() -> Callable[..., int] | None:
    """The C library's ``renameat2``, looked up once (None where there is none)."""
    global _renameat2, _renameat2_looked_up
    if not _renameat2_looked_up:
        _renameat2_looked_up = True
        import ctypes  # on the first exchange only

        try:
            # The process's own symbols first: they include the C library's wherever it is
            # linked dynamically (glibc, musl), with no ``ctypes.util`` (which imports
            # subprocess and may run ``ldconfig``: tens of milliseconds per command).
            func = ctypes.CDLL(None, use_errno=True).renameat2
        except (OSError, AttributeError):
            import ctypes.util

            try:
                libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
                func = libc.renameat2
            except (OSError, AttributeError):
                return None
        func.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
        func.restype = ctypes.c_int
        _renameat2 = func
    return _renameat2


def _exchange(a: str, b: Path) -> bool:
    """Swap two existing files atomically; False when the platform cannot."""
    global _exchange_works
    func = _load_renameat2() if _exchange_works else None
    if func is None:
        return False
    if func(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    import ctypes

    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        _exchange_works = False
        return False
    raise os_error(OSError(err, os.strerror(err), str(b)), b)


_RENAME_NOREPLACE = 1
_noreplace_works = True


def _rename_new(tmp: str, path: Path) -> bool | None:
    """Rename ``tmp`` to ``path`` unless ``path`` exists (``RENAME_NOREPLACE``, one step where
    ``link`` + ``unlink`` take two): True when done, False when ``path`` exists, None when
    the platform or file system cannot."""
    global _noreplace_works
    func = _load_renameat2() if _noreplace_works else None
    if func is None:
        return None
    if func(_AT_FDCWD, os.fsencode(tmp), _AT_FDCWD, os.fsencode(path), _RENAME_NOREPLACE) == 0:
        return True
    import ctypes

    err = ctypes.get_errno()
    if err == errno.EEXIST:
        return False
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
        _noreplace_works = False
        return None
    raise os_error(OSError(err, os.strerror(err), str(path)), path)


def _put(tmp: str, path: Path, expected: bytes | None,
         ours: bytes | None = None) -> bytes | bool | None:
    """Install ``tmp`` (holding ``ours``) at ``path``; return True if done, False when a save
    landed meanwhile and is still in place (``tmp`` holds ours: merge and try again), or what
    was displaced (``tmp`` is gone: ours is installed, theirs must be merged into it).

    ``expected`` is what ``path`` held when last read.
    A new file is created with a rename that refuses to replace (``link`` where there is
    none): it fails if someone created the file meanwhile; an existing one is exchanged, so
    whatever was there at the instant of the rename is still readable under ``tmp``'s name.
    """
    if expected is None:
        created = _rename_new(tmp, path)
        if created is not None:
            return True if created else read_bytes(path)  # someone created it: merge
        try:
            os.link(tmp, path)
        except FileExistsError:
            return read_bytes(path)  # someone created it: merge with theirs
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV):
                raise os_error(exc, path) from exc
            os.replace(tmp, path)  # no hard links here (some network file systems)
            return True
        os.unlink(tmp)
        return True
    try:
        swapped = _exchange(tmp, path)
    except TransflowError:
        if path.exists():
            raise
        swapped = False
    if not swapped:
        current = read_bytes(path)
        if current != expected:
            return current
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise os_error(exc, path) from exc
        return True
    # ``tmp`` now holds what ``path`` held an instant ago. If that is not what we read (a
    # save landed since), it goes back at once: until then ``path`` shows ours without their
    # save, and an editor reading it meanwhile would save that back over its own edit. (By
    # content, not by inode and mtime: some file systems do not keep those stable, and one
    # read keeps the window to microseconds.)
    displaced = Path(tmp).read_bytes()
    if displaced != expected:
        return _swap_back(tmp, path, ours)
    os.unlink(tmp)
    return True


def _swap_back(tmp: str, path: Path, ours: bytes | None) -> bytes | bool:
    """Undo an exchange that displaced a save: theirs goes back to ``path`` and ``tmp`` holds
    ours again (False: the next round merges theirs). Should yet another save have landed in
    the microseconds between, it stays in place and the one displaced is returned instead, to
    be merged into ours (``install``)."""
    try:
        _exchange(tmp, path)
    except TransflowError:  # ``path`` went away meanwhile: merge what was displaced
        pass
    else:
        back = Path(tmp).read_bytes()
        if back == ours:
            return False
        _exchange(tmp, path)  # a newer save: back in place; ``tmp`` holds the one before
    displaced = Path(tmp).read_bytes()
    os.unlink(tmp)
    return displaced


def install(path: Path, tmp: str, base: bytes | None, merge: Merge | None) -> None:
    """Put the staged ``tmp`` at ``path``, folding in any save made since ``base``.

    With ``merge`` None (derived files such as build outputs) the new content simply wins.
    """
    if merge is None:
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise os_error(exc, path) from exc
        return
    expected = base
    # Our text is read back from ``tmp`` only when a merge needs it, or before an exchange
    # (which swaps it out of ``tmp``): a new file that nobody else created is not read.
    ours: bytes | None = None
    for attempt in range(MAX_ROUNDS):
        # A file that was missing is not read first: the rename that creates it refuses to
        # replace one made meanwhile, which is then read and merged in the next round.
        current = read_bytes(path) if expected is not None or attempt else None
        if current != expected:
            if current is not None:
                ours = merge(current, expected, Path(tmp).read_bytes() if ours is None else ours)
                tmp = _replace_tmp(tmp, path, ours)
            expected = current
        if ours is None and expected is not None:
            ours = Path(tmp).read_bytes()
        result = _put(tmp, path, expected, ours)
        if result is True:
            return
        displaced = result if isinstance(result, bytes) else None
        if displaced is None:
            continue
        # A save landed between our read and the rename: it is not lost; ours is on disk
        # now (or theirs, when it was a creation race), so merge theirs into ours again.
        if Path(tmp).exists():  # not installed: path holds theirs, the next round merges
            continue
        assert ours is not None  # read before the exchange that displaced theirs
        previous_ours = ours
        ours = merge(displaced, expected, ours)
        expected = previous_ours
        tmp = _replace_tmp(tmp, path, ours)
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    raise ConcurrentEditError(f"changed {MAX_ROUNDS} times while transflow was writing it",
                              path=path, hint="run the command again when the edits stop")


def _replace_tmp(tmp: str, path: Path, data: bytes) -> str:
    """Put ``data`` under the temp name ``tmp`` atomically (the journal knows that name)."""
    new, _, _ = _stage(path, data)
    try:
        os.replace(new, tmp)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(new)
        raise os_error(exc, path) from exc
    return tmp


def write_atomic(path: Path, text: str | bytes | Iterable[str], *, base: bytes | None = None,
                 merge: Merge | None = None) -> None:
    """Write ``text`` to ``path`` via a temp file (UTF-8 for ``str``, or for each of an
    iterable's pieces in turn, so a large document need not exist as one string; no
    partial files).

    With ``merge``, a save made since ``base`` is folded in first (see ``install``). There
    is no fsync: surviving a power cut is left to the filesystem's journal, since an fsync
    per catalog would make a 2,000-article sync ten times slower.
    """
    data = text.encode("utf-8") if isinstance(text, str) else text
    tmp, _, _ = _stage(path, data)
    try:
        install(path, tmp, base, merge)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


# --------------------------------------------------------------------------- the journal
_SPARE_FLAGS = (os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0)
                | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))


class Journal:
    """What a run is about to rename, and where it may have left temp files.

    Lives in the workspace's ``.transflow-cache/``: ``dirty.json`` lists the folders a
    writing run puts temp files in (removed when it ends normally), ``journal.json`` the
    renames of a commit in progress (removed when the commit is done). If either is there
    when no command holds the workspace lock, a run was killed: ``recover`` finishes the
    commit and removes temp files of transflow's naming from those folders.

    A commit's journal is written into a spare file (``journal.idle``) and renamed to
    ``journal.json`` once complete; when the commit is done it is renamed back. Why: a run
    commits once per chunk of articles, and a file created and deleted each time costs an
    inode allocation per commit where two renames allocate none (on ext4 without a journal an
    allocation steps over every inode freed in the last minutes: 0.1-0.3 ms per new file
    after a large delete); and ``journal.json`` still only ever appears whole.
    """

    def __init__(self, folder: Path, folders: Iterable[Path] = ()) -> None:
        self.folder = folder
        self.dirty = folder / "dirty.json"
        self.commits = folder / "journal.json"
        self.spare = folder / "journal.idle"
        #: Where a writing run may leave temp files whatever ``dirty.json`` says.
        self.folders = [str(f) for f in folders]

    def begin(self, folders: Iterable[Path]) -> None:
        """Note that temp files may appear in ``folders`` until ``end``."""
        wanted = sorted({str(f) for f in folders} | set(self._folders()))
        # Written in place, not through a temp file: even a half-written marker says
        # "a run was here" (``recover`` then cleans the default folders).
        with contextlib.suppress(OSError):
            self.folder.mkdir(parents=True, exist_ok=True)
            self.dirty.write_text(json.dumps(wanted), encoding="utf-8")

    def end(self) -> None:
        """The run ended normally: nothing of it is left to clean up."""
        if self.commits.exists():
            return  # a commit failed half-way: the next command finishes it
        with contextlib.suppress(OSError):
            self.dirty.unlink()

    def _folders(self) -> list[str]:
        try:
            data = json.loads(self.dirty.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        return [str(f) for f in data] if isinstance(data, list) else []

    def write(self, staged: dict[Path, StagedFile], removals: list[Path]) -> None:
        """Record the renames about to happen (before the first one)."""
        entries = [
            {"path": str(p), "tmp": f.tmp, "merge": f.merge, "ours": f.digest,
             "base": _digest(f.base) if f.base is not None else None}
            for p, f in staged.items()
        ]
        text = json.dumps({"version": 1, "files": entries,
                           "removals": [str(p) for p in removals]})
        self.folder.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.spare, _SPARE_FLAGS, 0o644)
            try:
                data = text.encode("utf-8")
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                # Cut to size after writing, never truncated to empty first: ext4 flushes a
                # file emptied and rewritten when it is closed, and the next truncation then
                # waits for that write to the disk (milliseconds per commit).
                os.ftruncate(fd, len(data))
            finally:
                os.close(fd)
            os.replace(self.spare, self.commits)
        except OSError:  # (a spare that cannot be written or renamed: the plain way)
            write_atomic(self.commits, text)

    def done(self) -> None:
        """The commit finished: its journal becomes the spare for the next one."""
        try:
            os.replace(self.commits, self.spare)
        except FileNotFoundError:
            pass
        except OSError:
            with contextlib.suppress(FileNotFoundError):
                self.commits.unlink()

    def pending(self) -> bool:
        """True when a run was interrupted (a commit or temp files may be left)."""
        if self.commits.exists() or self.dirty.exists():
            return True
        try:
            return any(n.endswith(TEMP_SUFFIX) for n in os.listdir(self.folder))
        except OSError:
            return False

    def recover(self, merge: Merge | None) -> tuple[int, int]:
        """Finish an interrupted commit, remove stray temp files; (installed, removed)."""
        installed = 0
        try:
            data = json.loads(self.commits.read_text(encoding="utf-8"))
        except FileNotFoundError:
            data = None
        except (OSError, ValueError):
            data = None  # a journal cut short: its commit had not started
        folders = [*self._folders(), *self.folders, str(self.folder)]  # the journal's, too
        if isinstance(data, dict):
            for item in data.get("files", []):
                path, tmp = Path(item["path"]), str(item["tmp"])
                folders.append(str(path.parent))
                if not os.path.exists(tmp):
                    continue  # installed before the kill
                current = read_bytes(path)
                if current is not None and _digest(current) == item.get("ours"):
                    # Killed right after an exchange: ``tmp`` holds what was displaced.
                    displaced = Path(tmp).read_bytes()
                    os.unlink(tmp)
                    if merge is not None and item.get("merge") and \
                            _digest(displaced) != item.get("base"):
                        write_atomic(path, merge(displaced, None, current), base=current,
                                     merge=merge)  # a save swapped out: theirs win
                    installed += 1
                    continue
                known = current is not None and _digest(current) == item.get("base")
                base = current if known or (current is None and item["base"] is None) else None
                use = merge if item.get("merge") else None
                if use is not None and current is not None and base is None:
                    # Changed since the run read it, base unknown: their fields win.
                    install(path, tmp, None, use)
                else:
                    install(path, tmp, base, use)
                installed += 1
            for raw in data.get("removals", []):
                with contextlib.suppress(FileNotFoundError, IsADirectoryError):
                    Path(raw).unlink()
            self.done()
        removed = 0
        for folder in sorted(set(folders)):
            removed += remove_temp_files(Path(folder))
        with contextlib.suppress(OSError):
            self.dirty.unlink()
        return installed, removed


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def remove_temp_files(folder: Path) -> int:
    """Delete ``.*.transflow-tmp`` files under ``folder`` (a killed run's leftovers)."""
    removed = 0
    for dirpath, _dirs, files in os.walk(folder):
        for name in files:
            if name.startswith(".") and name.endswith(TEMP_SUFFIX):
                with contextlib.suppress(OSError):
                    os.unlink(os.path.join(dirpath, name))
                    removed += 1
    return removed


# --------------------------------------------------------------------------- transactions
class Transaction:
    """Stage many file writes and make them visible together, or not at all.

    Commands that write many files (sync, build) stage each one as a temp file beside its
    destination while they work, so memory stays flat however many articles there are, and
    install them only when every article went through: a bad article, an error or Ctrl-C
    half-way leaves the disk exactly as it was. With a ``journal``, the renames are written
    down first, so a kill during them is finished by the next command; with a ``merge``,
    each catalog is merged with what is on disk right before its rename (``install``).
    """

    def __init__(self, *, journal: Journal | None = None, merge: Merge | None = None) -> None:
        self._staged: dict[Path, StagedFile] = {}
        self._removals: list[Path] = []
        self.journal = journal
        self.merge = merge

    def write(self, path: Path, text: str | bytes | Iterable[str], *,
              base: bytes | None = None, merge: bool = False, new: bool = False,
              digest: str | None = None) -> str:
        """Stage ``text`` for ``path`` (a later write to the same path wins); the SHA-256
        (hex) of the bytes staged.

        ``merge=True`` marks a file people edit too (a catalog): at commit it is merged with
        any save made since ``base`` (the content ``text`` was made from). ``new=True``:
        the caller just found ``path`` missing (its permissions are not asked for);
        ``digest``: the SHA-256 (hex) of ``text`` (bytes) when the caller has it.
        """
        data = text.encode("utf-8") if isinstance(text, str) else text
        old = self._staged.pop(path, None)
        if old is not None:
            with contextlib.suppress(OSError):
                os.unlink(old.tmp)
        tmp, sha, written = _stage(path, data, new=new, digest=digest)
        self._staged[path] = StagedFile(tmp, base, merge, sha, written)
        return sha

    def staged(self, path: Path) -> StagedFile | None:
        """What is staged for ``path`` (its digest, and what the file is once written)."""
        return self._staged.get(path)

    def detach(self) -> Staged:
        """Hand the staged work over (to another process's transaction); forget it here."""
        staged = Staged(self._staged, self._removals)
        self._staged, self._removals = {}, []
        return staged

    def adopt(self, staged: Staged) -> None:
        """Take over work staged by ``detach`` elsewhere; commit or abort it with ours."""
        self._removals.extend(staged.removals)
        for path, item in staged.files.items():
            old = self._staged.pop(path, None)
            if old is not None:
                with contextlib.suppress(OSError):
                    os.unlink(old.tmp)
            self._staged[path] = item

    def adopt_all(self, staged: Iterable[Staged | None]) -> None:
        """:meth:`adopt` each of several articles' staged work (None: nothing was staged,
        a problem article's): a batch committed or dropped together."""
        for item in staged:
            if item is not None:
                self.adopt(item)

    def unlink(self, path: Path) -> None:
        """Remove ``path`` at commit time."""
        self._removals.append(path)

    def commit(self) -> None:
        """Install every staged file (merged with saves made meanwhile), then the removals."""
        if not self._staged and not self._removals:
            return
        if self.journal is not None:
            self.journal.write(self._staged, self._removals)
        problems: list[TransflowError] = []
        for path, item in list(self._staged.items()):
            try:
                install(path, item.tmp, item.base, self.merge if item.merge else None)
            except TransflowError as exc:  # e.g. a save meanwhile that cannot be read:
                problems.append(exc)       # it is left as it is; the others go on
                with contextlib.suppress(OSError):
                    os.unlink(item.tmp)
            del self._staged[path]
        for path in self._removals:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self._removals.clear()
        if self.journal is not None:
            self.journal.done()
        if problems:
            problems[0].also = tuple(problems[1:])
            raise problems[0]

    def abort(self) -> None:
        """Drop every staged file; the destinations are untouched."""
        for item in self._staged.values():
            with contextlib.suppress(OSError):
                os.unlink(item.tmp)
        self._staged.clear()
        self._removals.clear()

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def discard(staged: Iterable[Staged | None]) -> None:
    """Remove the temp files of work staged and detached (``Transaction.detach``) that will
    not be committed (None: nothing was staged)."""
    dropped = Transaction()
    dropped.adopt_all(staged)
    dropped.abort()
