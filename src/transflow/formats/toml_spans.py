"""Where each string value of a TOML document is written: ``tomllib`` gives values, not offsets.

A small scanner over text that ``tomllib`` has already accepted (so it may be lenient: it
never decides validity). It walks tables (``[a.b]``), arrays of tables (``[[a]]``), dotted and
quoted keys, arrays and inline tables, and reports every one-line basic (``"…"``) or literal
(``'…'``) string with its key path, list indices included (``("summary", 0)``,
``("faq", 1, "question")``). Multi-line strings (``\"\"\"``/``'''``) are skipped, never reported.
The caller compares each reported value with ``tomllib``'s value at the same path and leaves a
string alone when they differ, so a scanner slip can skip a field but never corrupt one.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

Path = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_BASIC = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_LITERAL = re.compile(r"'[^'\n]*'")
_SPACE = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")
_INLINE_SPACE = re.compile(r"[ \t]*")
_SCALAR_END = re.compile(r"[,\]}\s#]")


@dataclass(frozen=True, slots=True)
class TomlString:
    """One string value: its key path, decoded value, ``[start, end)`` (quotes included)."""

    path: Path
    value: str
    start: int
    end: int
    #: ``basic`` or ``literal``.
    style: str


def value_at(data: object, path: Sequence[str | int]) -> object:
    """The value at ``path`` in ``tomllib``'s result, or None."""
    for step in path:
        if isinstance(step, int) and isinstance(data, list) and step < len(data):
            data = data[step]
        elif isinstance(step, str) and isinstance(data, dict):
            data = data.get(step)
        else:
            return None
    return data


def strings(source: str) -> Iterator[TomlString]:
    """Every one-line string value of ``source`` (valid TOML) in document order."""
    scanner = _Scanner(source)
    yield from scanner.document()


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.table: Path = ()
        self.array_tables: dict[Path, int] = {}

    def skip(self, pattern: re.Pattern[str] = _SPACE) -> None:
        m = pattern.match(self.text, self.pos)
        if m:
            self.pos = m.end()

    def document(self) -> Iterator[TomlString]:
        while True:
            self.skip()
            if self.pos >= len(self.text):
                return
            if self.text.startswith("[[", self.pos):
                self.pos += 2
                key = self.key()
                self.table = self.array_table((*self._resolve(key[:-1]), key[-1]))
                self.pos = self.text.index("]]", self.pos) + 2
            elif self.text.startswith("[", self.pos):
                self.pos += 1
                self.table = self._resolve(self.key())
                self.pos = self.text.index("]", self.pos) + 1
            else:
                key = self.key()
                self.skip(_INLINE_SPACE)
                self.pos += 1  # "="
                yield from self.value((*self.table, *key))

    def array_table(self, key: Path) -> Path:
        """``[[faq]]`` opens item n of the list ``faq``: its path is ``("faq", n)``."""
        index = self.array_tables.get(key, -1) + 1
        self.array_tables[key] = index
        # a deeper array of tables restarts under a new parent item
        for other in [k for k in self.array_tables if len(k) > len(key) and k[: len(key)] == key]:
            del self.array_tables[other]
        return (*key, index)

    def key(self) -> Path:
        parts: list[str | int] = []
        while True:
            self.skip(_INLINE_SPACE)
            for pattern in (_BASIC, _LITERAL, _BARE_KEY):
                m = pattern.match(self.text, self.pos)
                if m:
                    break
            else:
                raise ValueError(f"no key at {self.pos}")
            raw = m.group()
            parts.append(_decode(raw) if raw[0] in "\"'" else raw)
            self.pos = m.end()
            self.skip(_INLINE_SPACE)
            if not self.text.startswith(".", self.pos):
                return tuple(parts)
            self.pos += 1

    def _resolve(self, path: Path) -> Path:
        """A table header under an array of tables continues its latest item."""
        out: list[str | int] = []
        for step in path:
            out.append(step)
            index = self.array_tables.get(tuple(out))
            if index is not None and out[-1] != index:
                out.append(index)
        return tuple(out)

    def value(self, path: Path) -> Iterator[TomlString]:
        self.skip(_INLINE_SPACE)
        text, pos = self.text, self.pos
        if text.startswith(('"""', "'''"), pos):
            quote = text[pos : pos + 3]
            end = text.index(quote, pos + 3)
            while text.startswith(quote[0], end + 3):  # up to two quotes may end the content
                end += 1
            self.pos = end + 3
        elif text.startswith(('"', "'"), pos):
            m = (_BASIC if text[pos] == '"' else _LITERAL).match(text, pos)
            if m is None:
                raise ValueError(f"unterminated string at {pos}")
            self.pos = m.end()
            style = "basic" if text[pos] == '"' else "literal"
            yield TomlString(path, _decode(m.group()), pos, m.end(), style)
        elif text.startswith("[", pos):
            self.pos += 1
            index = 0
            while True:
                self.skip()
                if self.text.startswith("]", self.pos):
                    self.pos += 1
                    return
                yield from self.value((*path, index))
                index += 1
                self.skip()
                if self.text.startswith(",", self.pos):
                    self.pos += 1
        elif text.startswith("{", pos):
            self.pos += 1
            while True:
                self.skip(_INLINE_SPACE)
                if self.text.startswith("}", self.pos):
                    self.pos += 1
                    return
                key = self.key()
                self.skip(_INLINE_SPACE)
                self.pos += 1  # "="
                yield from self.value((*path, *key))
                self.skip(_INLINE_SPACE)
                if self.text.startswith(",", self.pos):
                    self.pos += 1
        else:
            m = _SCALAR_END.search(text, pos)
            self.pos = m.start() if m else len(text)


def _decode(quoted: str) -> str:
    """A one-line TOML string's value, decoded by ``tomllib`` itself."""
    value = tomllib.loads(f"v = {quoted}")["v"]
    assert isinstance(value, str)
    return value
