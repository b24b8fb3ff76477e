"""The parse of each article, kept in ``.transflow-cache/`` so one command's parse serves the next.

``sync`` parses every article it reads; ``build`` and ``check`` (and anything else reading
many articles) need exactly the same parse again. Each article's parse is stored in the
results cache (:class:`~transflow.workflow.cache.ResultCache`, kind ``parse``, one row per
article, replaced when it changes) as :mod:`transflow.formats.stored` data.

Invariants:

* **keyed by everything the parse depends on**: the SHA-256 of the article's bytes as read
  this time, the format (``.md`` and ``.mdx`` differ), the configured front-matter fields and
  language key, ``props`` and ``shortcodes``, the stored-data version, the code's own
  fingerprint (:func:`~transflow.workflow.cache.code_key`) and the versions of Python and of
  the parsers the format uses (``stored.parser_versions``). Anything else stored under the
  article's name is a miss;
* **never wrong, never an error**: a row that is missing, from another key, corrupt or of
  another version is a miss (the article is parsed); loading one never runs code (``marshal``
  data of lists, dicts, strings and ints, every type checked by ``stored.load``);
* **flat memory**: rows are fetched in windows of :data:`BATCH` articles in the order the
  command will read them (:meth:`ParseCache.plan`), never the whole workspace at once;
* **one writer**: only the process that made the cache writes to it. A copy in a worker
  process reads the cache itself and hands what it parsed back (``Article.parsed``) for the
  parent to store (``sync`` does; a ``build`` worker's parses are not kept).
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Sequence
from pathlib import Path

from transflow.config import Config
from transflow.formats import Document, Format, stored
from transflow.workflow.cache import CACHE_DIR, DB_NAME, ResultCache, code_key, make_key

KIND = "parse"

#: Articles whose stored parses are fetched per query (their rows are held until the next),
#: and fresh parses written per transaction.
BATCH = 100

#: A stored parse: (its key, the ``marshal`` bytes).
Record = tuple[str, bytes]

#: How a parse is stored: ``marshal``, the format of Python's own bytecode cache, written and
#: read by this machine's Python only (its version is part of every key, with the format's
#: below). Why not JSON: a stored parse is mostly small lists of ints, which ``marshal``
#: reads in under half the time and writes in a sixth (a cold ``sync`` stores every
#: article's, a ``build`` after it reads every one). Nothing it can hold runs when loaded,
#: and ``stored.load`` accepts only the plain types ``dump`` makes.
_FORMAT = f"marshal {marshal.version}"

#: A worker process's reader of the cache, kept from one chunk of articles to the next
#: (opening the database cost more than a chunk's queries): (its process, its workspace,
#: the open cache). Only a worker's copy keeps one, and only once it opened a database.
_kept: tuple[int, Path, ResultCache] | None = None


class ParseCache:
    """Stored parses of one workspace's articles; ``enabled=False`` never hits nor stores."""

    def __init__(
        self, config: Config, *, enabled: bool = True, readonly: bool = False,
        hand_back: bool = False, base: str | None = None,
    ) -> None:
        self.config = config
        self.enabled = enabled
        self.readonly = readonly
        #: A worker's copy hands its fresh parses back (``Article.parsed``) for the parent.
        self.hand_back = hand_back
        #: What every key shares; computed when first needed (an unchanged sync reads none).
        self._base = base
        #: Only the process that made this cache stores into it (a worker's copy does not).
        self._writer = enabled and not readonly
        self._cache: ResultCache | None = None
        self._plan: Sequence[Path] = ()
        self._next = 0
        self._pending = 0
        self._rows: dict[str, tuple[str, str | bytes]] = {}
        self._fetched: set[str] = set()
        self.hits = 0
        self.misses = 0
        #: No cache file when this command planned its reads: nothing can be found (this
        #: run stores each article's parse once, after reading it), so nothing is asked.
        self.nothing_stored = False
        #: A worker's copy: its reader is kept for the worker's next chunk (``_kept``).
        self.worker = False

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # A worker gets a reader of its own: no connection, no plan, and no writing.
        base = self.base() if self.enabled else ""
        return (_worker_copy,
                (self.config, self.enabled, self.hand_back, base, self.nothing_stored))

    def base(self) -> str:
        """The part of every key that is not the article's: settings, versions, code."""
        if self._base is None:
            config = self.config
            self._base = make_key(
                KIND, stored.VERSION, _FORMAT, code_key(), repr(config.front_matter),
                config.lang_key, repr(config.props), repr(config.shortcodes),
            )
        return self._base

    def _results(self) -> ResultCache:
        if self._cache is None:
            global _kept
            root = self.config.root
            if self.worker and _kept is not None and _kept[:2] == (os.getpid(), root):
                self._cache = _kept[2]  # this worker's, open since an earlier chunk
            else:
                self._cache = ResultCache(root, enabled=self.enabled,
                                          readonly=not self._writer, files=False)
                if self.worker and self._cache.opened():
                    _kept = (os.getpid(), root, self._cache)
        return self._cache

    def plan(self, paths: Sequence[Path]) -> None:
        """The articles about to be read, in this order (some may be skipped): their rows are
        fetched window by window. ``paths`` is kept as given, not copied."""
        self._plan = paths if self.enabled else ()
        self._next = 0
        self._rows, self._fetched = {}, set()
        if self._writer and self._pending == 0:
            # Before this run stores anything (a worker's copy keeps what its parent saw).
            self.nothing_stored = not (self.config.root / CACHE_DIR / DB_NAME).exists()

    def _window(self, rel: str) -> list[str]:
        """``rel`` and the articles planned after it (:data:`BATCH` in all); just ``rel`` when
        it is not ahead in the plan. The plan is walked forward at most once."""
        relative, paths = self.config.relative, self._plan
        for at in range(self._next, len(paths)):
            if relative(paths[at]) == rel:
                window = [relative(p) for p in paths[at : at + BATCH]]
                self._next = at + len(window)
                return window
        self._plan = ()  # read out of order: one query per article from now on, not a rescan
        return [rel]

    def key(self, fmt: Format, digest: str) -> str:
        """The key of a parse of bytes with SHA-256 ``digest`` by ``fmt``."""
        if not self.enabled:
            return ""
        return make_key(self.base(), fmt.name, *fmt.extensions, stored.parser_versions(fmt.name),
                        digest)

    def find(self, rel: str, key: str, source: str) -> Document | None:
        """The stored parse of article ``rel`` when it was made under ``key`` (from the
        bytes ``source`` was decoded from), else None."""
        if not self.enabled:
            return None
        if self.nothing_stored:
            self.misses += 1
            return None
        if rel not in self._fetched:
            window = self._window(rel)
            self._rows = self._results().stored(KIND, window)
            self._fetched = set(window)
        row = self._rows.pop(rel, None)
        if row is not None and row[0] == key and isinstance(row[1], bytes):
            try:
                doc = stored.load(marshal.loads(row[1]), source)
            except (ValueError, EOFError, TypeError, RecursionError):  # corrupt: a miss
                pass
            else:
                self.hits += 1
                return doc
        self.misses += 1
        return None

    def keep(self, rel: str, key: str, doc: Document) -> Record | None:
        """Store a fresh parse: written by this process when it owns the cache, else handed
        back (a worker: the caller carries it to the parent's :meth:`put`). None when there
        is nothing to hand back (stored, disabled, or a document that cannot be stored)."""
        if not self.enabled or not (self._writer or self.hand_back):
            return None
        try:
            record = (key, marshal.dumps(stored.dump(doc), marshal.version))
        except stored.StoredError:
            return None
        if self._writer:
            self.put(rel, record)
            return None
        return record if self.hand_back else None

    def put(self, rel: str, record: Record | None) -> None:
        """Store a parse a worker handed back (see :meth:`keep`)."""
        if record is not None and self._writer:
            results = self._results()
            results.put(KIND, rel, record[0], record[1])
            self._pending += 1
            if self._pending >= BATCH:  # written in small batches: a parse is large
                results.save()
                self._pending = 0

    def save(self) -> None:
        """Write what is pending and close (best effort, like the results cache); a
        worker's reader stays open for its next chunk."""
        if self._cache is not None:
            self._cache.save()
            if _kept is None or _kept[2] is not self._cache:
                self._cache.close()
            self._cache = None


def _worker_copy(config: Config, enabled: bool, hand_back: bool, base: str,
                 nothing_stored: bool) -> ParseCache:
    """A worker's copy of a :class:`ParseCache` (see ``ParseCache.__reduce__``)."""
    cache = ParseCache(config, enabled=enabled, readonly=True, hand_back=hand_back, base=base)
    cache.nothing_stored = nothing_stored
    cache.worker = True
    return cache
