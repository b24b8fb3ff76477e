"""The typed errors that library code raises; the CLI turns them into one-line messages.

Every error carries the file (and line, when known) it is about, so the CLI can print
``Error: locales/en/foo.po:14: unterminated string`` and a hint, never a traceback.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


class TransflowError(Exception):
    """Base class: a problem the user can fix; ``str()`` is the one-line message."""

    exit_code = 1

    def __init__(
        self,
        message: str,
        *,
        path: Path | str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = Path(path) if path is not None else None
        self.line = line
        self.hint = hint
        #: Further problems found in the same pass (a config file with three bad keys):
        #: the CLI prints one line for each.
        self.also: tuple[TransflowError, ...] = ()

    def __reduce__(self) -> tuple[object, ...]:
        # Keep path, line and hint when the error crosses a process boundary (parallel sync).
        return (_rebuild, (type(self), self.args, self.__dict__))

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"


def _rebuild(cls: type[TransflowError], args: tuple[object, ...], state: dict[str, object]) -> (
    TransflowError
):
    error = cls.__new__(cls)
    error.args = args
    error.__dict__.update(state)
    return error


class ConfigError(TransflowError):
    """The configuration is missing, malformed or names something unknown."""


class ArticleError(TransflowError):
    """An article cannot be read or parsed (encoding, front matter, outside the workspace)."""


class CatalogError(TransflowError):
    """A ``.po``/``.pot`` file cannot be read or is inconsistent (syntax, duplicate entry)."""


class EngineError(TransflowError):
    """The machine-translation engine failed in a way the run cannot recover from."""


class QuotaExceededError(EngineError):
    """The translation service refused more characters (DeepL 456)."""


class AuthorizationError(EngineError):
    """The translation service refused the key (DeepL 403)."""


class FileSystemError(TransflowError):
    """Reading or writing a file failed (disk full, no permission, a file in a folder's way)."""


#: What to do about an ``OSError``, by errno name.
_OS_HINTS = {
    "ENOSPC": "the disk is full: free some space and run the command again",
    "EDQUOT": "the disk quota is used up: free some space and run the command again",
    "EACCES": "check the permissions of this path",
    "EPERM": "check the permissions of this path",
    "EROFS": "the file system is read-only",
    "ENOTDIR": "a part of this path is a file where a folder is needed: move it away",
    "EEXIST": "a file is in the way where a folder is needed: move it away",
    "EISDIR": "a folder is in the way where a file is needed: move it away",
    "ENOENT": "a folder on the way does not exist",
    "ENAMETOOLONG": "shorten the file or folder name",
    "ELOOP": "a symlink loop is in the way",
}


def os_error(exc: OSError, path: Path | str | None = None) -> FileSystemError:
    """One typed error for an ``OSError``: the path, what went wrong, what to do."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    where = path if path is not None else (exc.filename or None)
    if isinstance(where, bytes):
        where = where.decode("utf-8", "replace")
    message = exc.strerror or str(exc) or type(exc).__name__
    if where is not None and name in ("ENOTDIR", "EEXIST"):
        blocker = _blocking(Path(where))
        if blocker is not None:
            return FileSystemError("a file is in the way where a folder is needed",
                                   path=blocker, hint="move the file away (or rename it)")
    if exc.filename2:
        message = f"{message} (moving to {exc.filename2})"
    return FileSystemError(message[0].lower() + message[1:], path=where,
                           hint=_OS_HINTS.get(name))


def _blocking(path: Path) -> Path | None:
    """The first existing part of ``path`` (or its parents) that is a file, not a folder."""
    for part in [*reversed(path.parents), path]:
        try:
            if part.exists() and not part.is_dir():
                return part if part != path or path.suffix == "" else None
        except OSError:
            return None
    return None

@dataclass(frozen=True, slots=True)
class Problem:
    """One article or catalog that a command reported and skipped (it went on with the rest).

    Per-article commands (``sync``, ``status``, ``check``, ``build``, ``run``) collect these
    instead of stopping at the first bad file; the CLI lists every one and exits 1 at the end.
    A plain frozen value, so parallel workers can hand it back and ``run`` can list each once.
    """

    path: str | None
    line: int | None
    message: str
    hint: str | None = None

    @classmethod
    def of(cls, error: TransflowError) -> Problem:
        """The problem an error describes (its file, line, message and hint)."""
        path = error.path.as_posix() if error.path is not None else None
        return cls(path, error.line, error.message, error.hint)

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"

    def to_json(self) -> dict[str, object]:
        """One item of a command's ``problems`` list."""
        return {"path": self.path, "line": self.line, "message": self.message,
                "hint": self.hint}
