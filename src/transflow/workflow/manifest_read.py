"""Reading an earlier build's manifest back, a piece at a time.

A full build needs the entries of the previous manifest for articles it did not see (gone
articles, whose published files go too; or, in a partial build, entries carried over). At
10,000 articles that manifest is several MB: read as one string and decoded whole, it alone
pushed a one-article rebuild over the 100 MB memory aim. A manifest as ``build`` writes it
(``BuildReport.manifest_chunks``) is therefore read block by block and decoded entry by
entry; only the entries asked for are kept. Anything else (a hand-edited or foreign
manifest) falls back to decoding the whole document, and an unreadable one counts as none.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Set
from pathlib import Path
from typing import IO, Any

#: Where the per-article list starts in a manifest as ``build`` writes it.
ARTICLES_LIST = '\n  "articles": ['

#: Characters read per block (the buffer holds about one block plus one entry).
BLOCK = 1 << 16

_SPACE = " \t\r\n"


class _TakeFailed(Exception):
    """What ``take`` raised (see :func:`each_previous_entry`), kept apart from reading
    errors."""


class _NotStreamable(ValueError):
    """The manifest is not laid out as ``build`` writes it: decode it whole instead."""


def previous_entries(path: Path, seen: Set[str]) -> list[dict[str, Any]]:
    """The entries of the manifest at ``path`` for articles not in ``seen`` (none when it
    is missing or unreadable)."""
    try:
        with path.open(encoding="utf-8") as handle:
            return _stream(handle, seen)
    except _NotStreamable:
        pass
    except (OSError, ValueError):  # unreadable, not UTF-8, or cut short: no manifest
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, ValueError):
        return []
    return whole_entries(text, seen)


def each_previous_entry(
    path: Path, seen: Set[str], take: Callable[[dict[str, Any]], None],
    undo: Callable[[], None],
) -> None:
    """:func:`previous_entries` handed to ``take`` one at a time as they are decoded, none
    kept here (a partial build of one article in 10,000 carries 9,999 entries). When the
    manifest turns out not to be laid out as ``build`` writes it, or cut short, after some
    were taken, ``undo`` is called and the whole document is decoded instead (or none
    taken: no manifest)."""

    def taking(item: dict[str, Any]) -> None:
        try:
            take(item)
        except BaseException as exc:  # the caller's failure, not the manifest's: raised
            raise _TakeFailed from exc

    try:
        with path.open(encoding="utf-8") as handle:
            _stream(handle, seen, taking)
            return
    except _TakeFailed as failed:
        assert failed.__cause__ is not None
        raise failed.__cause__ from None
    except _NotStreamable:
        undo()
    except (OSError, ValueError):  # unreadable, not UTF-8, or cut short: no manifest
        undo()
        return
    for item in previous_entries(path, seen):
        take(item)


def whole_entries(text: str, seen: Set[str]) -> list[dict[str, Any]]:
    """The slow way: the whole document at once."""
    try:
        data = json.loads(text)
    except ValueError:
        return []
    items = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return []
    return [i for i in items if isinstance(i, dict) and isinstance(i.get("article"), str)
            and i["article"] not in seen]


class _Reader:
    """A text buffer over ``handle`` that is refilled on demand and trimmed as it is read."""

    def __init__(self, handle: IO[str]) -> None:
        self.handle = handle
        self.buf = ""
        self.pos = 0
        self.eof = False

    def more(self) -> bool:
        """Append one block (dropping what was consumed); False at the end of the file."""
        if self.eof:
            return False
        chunk = self.handle.read(BLOCK)
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[self.pos :] + chunk
        self.pos = 0
        return True

    def skip_space(self) -> str:
        """Skip whitespace; the next character, or "" at the end of the file."""
        while True:
            buf, pos = self.buf, self.pos
            while pos < len(buf) and buf[pos] in _SPACE:
                pos += 1
            self.pos = pos
            if pos < len(buf):
                return buf[pos]
            if not self.more():
                return ""

    def find(self, marker: str) -> bool:
        """Move past the first ``marker``; False when the file has none."""
        while True:
            at = self.buf.find(marker, self.pos)
            if at >= 0:
                self.pos = at + len(marker)
                return True
            # keep a tail that may hold the start of the marker
            self.pos = max(self.pos, len(self.buf) - len(marker) + 1)
            if not self.more():
                return False


def _stream(
    handle: IO[str], seen: Set[str],
    take: Callable[[dict[str, Any]], None] | None = None,
) -> list[dict[str, Any]]:
    reader = _Reader(handle)
    if reader.skip_space() != "{":
        raise _NotStreamable
    if not reader.find(ARTICLES_LIST):
        raise _NotStreamable
    decoder = json.JSONDecoder()
    found: list[dict[str, Any]] = []
    while True:
        following = reader.skip_space()
        if following == "]":
            break
        if following != "{":
            raise _NotStreamable
        while True:
            try:
                item, end = decoder.raw_decode(reader.buf, reader.pos)
                break
            except ValueError:  # the entry goes on in the next block (or is cut short)
                if not reader.more():
                    raise _NotStreamable from None
        reader.pos = end
        article = item.get("article") if isinstance(item, dict) else None
        if not isinstance(article, str):
            raise _NotStreamable
        if article not in seen:
            if take is not None:
                take(item)
            else:
                found.append(item)
        if reader.skip_space() == ",":
            reader.pos += 1
    # The rest must be valid to the end (a manifest cut short is no manifest): it is the
    # short "left_out" list and the closing brace.
    rest = reader.buf[reader.pos + 1 :] + handle.read()
    tail = json.loads("{" + rest.lstrip(", \t\r\n"))
    if not isinstance(tail, dict):
        raise _NotStreamable
    return found
