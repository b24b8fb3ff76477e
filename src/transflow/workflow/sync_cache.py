"""``.transflow-cache/sync.json``: what sync last saw of each article, to skip the unchanged.

Invariants:

* **never wrong, safe to delete**: derivable state, ignored by git. An entry is trusted only
  when the configuration key, the article's size and mtime and those of every catalog it
  made still match; a missing, unreadable, foreign or corrupt file only costs a full sync;
* **the same file as ever**: ``json.dumps({"articles": {article: entry}, "key": key},
  sort_keys=True)``, each entry ``{"digest": sha256, "outputs": {catalog: [size, mtime]},
  "stat": [size, mtime]}`` (catalogs named relative to the workspace root, or absolute
  outside it, and the key with the locales folder the same way: a workspace moved or copied
  with its cache, to a CI runner's other folder, still skips what is unchanged). When a run
  remembers its articles in another order than sorted by name (``a/x.md`` before
  ``a-b.md``: paths sort part by part), the entries are the same, in another order;
* **flat memory**: the file is never held as objects. Reading streams its entries one at a
  time and keeps only each asked article's answer; what a run remembers is spooled
  (:class:`~transflow.spool.Spool`) as each entry's text; writing merges the entries read
  (their text as it was, read again) with the remembered ones, piece by piece.
"""

from __future__ import annotations

import contextlib
import hashlib
import heapq
import itertools
import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from transflow import __version__
from transflow.atomic import write_atomic
from transflow.config import Config
from transflow.spool import Spool
from transflow.workflow.cache import place_key

#: Entries written per piece of the file.
PIECE = 512

#: A value's JSON text, as ``json.dumps(..., sort_keys=True)`` of the whole file has it.
_ENTRY = json.JSONEncoder(sort_keys=True).encode
_DECODER = json.JSONDecoder()
_HEAD = '{"articles": {'


class SyncCache:
    """The articles sync may skip, and what it remembers of the ones it synced."""

    def __init__(self, config: Config) -> None:
        self.path = config.root / ".transflow-cache" / "sync.json"
        self.key = _config_key(config)
        #: The root with its separator: what a catalog's name loses in the file.
        self._root = os.path.join(str(config.root), "")
        #: (article, its entry's JSON text) remembered by this run, in the order given.
        self._new: Spool[tuple[str, str]] = Spool()
        self._in_order = True  # ``_new`` sorted by name (each article once)
        self._last = ""
        self.dirty = False

    def fresh_among(self, paths: Sequence[Path], relative: Callable[[Path], str]) -> bytearray:
        """Per path (an article, named ``relative(path)`` in the file): 1 when it and its
        catalogs are exactly as the last sync left them, else 0."""
        flags = bytearray(len(paths))
        wanted = {relative(path): n for n, path in enumerate(paths)}
        for rel, item, _, _, _ in self._entries():
            n = wanted.get(rel)
            if n is not None:  # (a name given twice: the last wins)
                flags[n] = _fresh(item, paths[n], self._root)
        return flags

    def remember(self, rel: str, path: str, digest: str, outputs: Sequence[str]) -> None:
        """Record the state sync just produced (``path`` and ``outputs`` as absolute names)."""
        st = os.stat(path)
        if self._new and self._last >= rel:
            self._in_order = False
        self._last = rel
        root = self._root
        self._new.append((rel, _ENTRY({
            "digest": digest,
            "outputs": {p[len(root):] if p.startswith(root) else p: _stat(p) for p in outputs},
            "stat": [st.st_size, st.st_mtime_ns],
        })))
        self.dirty = True

    def save(self) -> None:
        """Write the cache (best effort: a read-only checkout just syncs fully next time)."""
        if not self.dirty:
            return
        with contextlib.suppress(OSError):
            write_atomic(self.path, self._pieces())

    def _entries(self) -> Iterator[tuple[str, object, str, int, int]]:
        """(article, its entry, the file's text, where the entry's text starts, ends) for each entry
        of the file as it is now, in its order: none when it is missing, of another
        configuration or not as this module writes it; those before the damage when it
        is damaged (each entry is checked on its own)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except (OSError, ValueError):
            return
        tail = f'}}, "key": {_ENTRY(self.key)}}}'
        if not (text.startswith(_HEAD) and text.endswith(tail)):
            return
        stop = len(text) - len(tail)
        pos = len(_HEAD)
        with contextlib.suppress(ValueError):
            while pos < stop:
                rel, pos = _DECODER.raw_decode(text, pos)
                if not (isinstance(rel, str) and text.startswith(": ", pos)):
                    return
                start = pos + 2
                item, end = _DECODER.raw_decode(text, start)
                yield rel, item, text, start, end
                pos = end + 2 if text.startswith(", ", end) else end

    def _pieces(self) -> Iterator[str]:
        """The file's text in pieces of :data:`PIECE` entries (one write each)."""
        entries: Iterator[tuple[str, str]]
        if self._in_order:  # sorted by name, as the file read is (unless written unsorted)
            entries = heapq.merge(self._new, self._kept())
        else:
            entries = itertools.chain(self._kept(), self._new)
        yield _HEAD
        before = ""
        while piece := list(itertools.islice(entries, PIECE)):
            yield before + ", ".join(f"{_ENTRY(rel)}: {text}" for rel, text in piece)
            before = ", "
        yield f'}}, "key": {_ENTRY(self.key)}}}'

    def _kept(self) -> Iterator[tuple[str, str]]:
        """The entries of the file (their text as it is) that this run did not remember
        again."""
        renewed: set[str] | None = None  # (made only when there is a file to read)
        for rel, _, text, start, end in self._entries():
            if renewed is None:
                renewed = {name for name, _ in self._new}
            if rel not in renewed:
                yield rel, text[start:end]


def _fresh(item: object, path: Path, root: str) -> bool:
    if not isinstance(item, dict):
        return False
    try:
        st = path.stat()
    except OSError:
        return False
    if [st.st_size, st.st_mtime_ns] != item.get("stat"):
        return False
    outputs = item.get("outputs")
    if not isinstance(outputs, dict):
        return False
    # (``join`` keeps an absolute name as it is: a catalog outside the root)
    return all(_stat(os.path.join(root, p)) == v for p, v in outputs.items())


def _stat(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def _config_key(config: Config) -> str:
    parts = [
        __version__,
        "names relative to the root",  # (a file of absolute names, from before, is not read)
        place_key(config.locales, config.root),
        config.source_language,
        ",".join(config.languages),
        ",".join(config.front_matter),
        config.references,
        ",".join(config.props),
        repr(config.shortcodes),
    ]
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:16]
