"""The typed errors that library code raises; the CLI turns them into one-line messages.

Every error carries the file (and line, when known) it is about, so the CLI can print
``Error: locales/en/foo.po:14: unterminated string`` and a hint, never a traceback.
"""

from __future__ import annotations

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
