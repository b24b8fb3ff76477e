"""Writing files so that nothing is ever half-written, alone or many at once.

``write_atomic`` replaces one file through a temp file beside it and ``os.replace``: a crash or
a kill at any point leaves either the old or the new file. ``Transaction`` stages many files
the same way and makes them visible together at the end (or drops them all), so a command
that fails half-way leaves the disk as it was; its staged work can be handed between
processes (``detach``/``adopt``) for parallel runs.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from transflow.errors import os_error


@dataclass(frozen=True, slots=True)
class Staged:
    """Files staged (destination -> temp file) and removals, as passed between processes."""

    files: dict[Path, str]
    removals: list[Path]


def _stage(path: Path, text: str | Iterable[str]) -> str:
    """Write ``text`` (a string, or pieces written one by one) to a temp file beside
    ``path`` and return the temp file's name.

    Any ``OSError`` (disk full, no permission, a file where a folder should be) becomes a
    ``FileSystemError`` naming the path, and no temp file is left behind.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise os_error(exc, path.parent) from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            if isinstance(text, str):
                fh.write(text)
            else:
                fh.writelines(text)  # a large document never exists as one string
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        os.chmod(tmp, mode)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise os_error(exc, path) from exc
        raise
    return tmp


class Transaction:
    """Stage many file writes and make them visible together, or not at all.

    Commands that write many files (sync, build) stage each one as a temp file beside its
    destination while they work, so memory stays flat however many articles there are, and
    rename them into place only when every article went through: a bad article, an error or
    Ctrl-C half-way leaves the disk exactly as it was. Each rename is atomic on its own.
    """

    def __init__(self) -> None:
        self._staged: dict[Path, str] = {}
        self._removals: list[Path] = []

    def write(self, path: Path, text: str | Iterable[str]) -> None:
        """Stage ``text`` for ``path`` (a later write to the same path wins)."""
        old = self._staged.pop(path, None)
        if old is not None:
            with contextlib.suppress(OSError):
                os.unlink(old)
        self._staged[path] = _stage(path, text)

    def detach(self) -> Staged:
        """Hand the staged work over (to another process's transaction); forget it here."""
        staged = Staged(self._staged, self._removals)
        self._staged, self._removals = {}, []
        return staged

    def adopt(self, staged: Staged) -> None:
        """Take over work staged by ``detach`` elsewhere; commit or abort it with ours."""
        self._removals.extend(staged.removals)
        for path, tmp in staged.files.items():
            old = self._staged.pop(path, None)
            if old is not None:
                with contextlib.suppress(OSError):
                    os.unlink(old)
            self._staged[path] = tmp

    def unlink(self, path: Path) -> None:
        """Remove ``path`` at commit time."""
        self._removals.append(path)

    def commit(self) -> None:
        """Move every staged file into place and perform the removals."""
        for path, tmp in self._staged.items():
            os.replace(tmp, path)
        self._staged.clear()
        for path in self._removals:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self._removals.clear()

    def abort(self) -> None:
        """Drop every staged file; the destinations are untouched."""
        for tmp in self._staged.values():
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        self._staged.clear()
        self._removals.clear()

    def __enter__(self) -> Transaction:
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()


def write_atomic(path: Path, text: str) -> None:
    """Write UTF-8 text to ``path`` via a temp file and ``os.replace`` (no partial files).

    A crash or kill of transflow at any point leaves either the old or the new file. There
    is no fsync: surviving a power cut is left to the filesystem's journal, since an fsync
    per catalog would make a 2,000-article sync ten times slower.
    """
    os.replace(_stage(path, text), path)
