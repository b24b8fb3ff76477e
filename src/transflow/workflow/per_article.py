"""What ``check`` and ``status`` share to answer each article from the results cache or compute
it, possibly in worker processes, and take the outcomes in article order with flat memory.

* :func:`look_up` reads the stored results in batches (never the whole table) and makes the
  keys of the articles that have one in the parent; an article never computed has no row,
  so its key is made where it is computed (:func:`read_inputs`), from the bytes read there:
  a cold run makes no key in the parent and never loads the digests of every file;
* :class:`InOrder` hands the outcomes over in article order, whatever order they come in
  (a cached article waits for the computed ones before it), and keeps none once taken;
* :func:`collector` offers a worker's chunk of outcomes and says the progress once per chunk;
* :func:`taker` is what both do with an article's outcome when its turn comes;
* articles are named by strings (:func:`names`): a ``Path`` costs ~450 bytes (its parts are
  strings of their own), and a run holds every article's name to its end.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Generic, TypeVar

from transflow.config import Config
from transflow.errors import Problem
from transflow.workflow.cache import FileEntry, ResultCache, hash_file, make_key
from transflow.workflow.workspace import input_files

T = TypeVar("T")

#: Articles whose stored results are fetched per query.
LOOKUP_BATCH = 500

#: An article to compute: its place in the run, its file, its key when the parent made it.
Todo = tuple[int, str, "str | None"]


def names(files: Sequence[Path]) -> list[str]:
    """The articles' file names (the caller drops the ``Path`` objects)."""
    return [str(path) for path in files]


class InOrder(Generic[T]):
    """Hands items to ``take`` in the order of their numbers (0, 1, …), whatever order they
    come in: an item waits only until those before it have come."""

    def __init__(self, take: Callable[[T], None]) -> None:
        self._take = take
        self._next = 0
        self._waiting: dict[int, T] = {}

    def offer(self, number: int, item: T) -> None:
        """Take ``item`` now if it is next, else when those before it came."""
        self._waiting[number] = item
        while self._next in self._waiting:
            self._take(self._waiting.pop(self._next))
            self._next += 1

    def finish(self, count: int) -> None:
        """Every one of ``count`` items must have come (none may be left waiting)."""
        if self._next != count or self._waiting:
            raise RuntimeError(f"{count - self._next} article(s) never answered")


def look_up(
    config: Config, cache: ResultCache, kind: str, base: str, files: Sequence[str],
    hit: Callable[[int, str], None],
) -> list[Todo]:
    """Call ``hit(number, value)`` for every article whose ``kind`` result the cache holds
    under its current key (``make_key(base, rel, *digests of its inputs)``), in order; the
    others, to compute."""
    if not cache.enabled:
        return [(n, path, None) for n, path in enumerate(files)]
    todo: list[Todo] = []
    for start in range(0, len(files), LOOKUP_BATCH):
        batch = files[start : start + LOOKUP_BATCH]
        # (name, inputs): the name as config.relative gives it, one Path per article
        named = [input_files(config, Path(path)) for path in batch]
        rows = cache.stored(kind, [rel for rel, _ in named])
        for n, (path, (rel, inputs)) in enumerate(zip(batch, named, strict=True), start):
            row = rows.get(rel) if rows else None
            if row is None:
                cache.misses += 1
                todo.append((n, path, None))
                continue
            key = make_key(base, rel, *cache.digests(inputs))
            value = row[1]
            if row[0] != key or not isinstance(value, str):
                cache.misses += 1
                todo.append((n, path, key))
                continue
            cache.hits += 1
            hit(n, value)
    return todo


#: The inputs of an article as read to make its key: the key, each readable input's bytes
#: by name, the SHA-256 of the article's, and the files-table entries found on the way.
Inputs = tuple["str | None", dict[str, bytes], "str | None", list[tuple[str, FileEntry]]]


def read_inputs(config: Config, path: Path, key: str | None, key_base: str | None, *,
                template: bool = True) -> Inputs:
    """The article's key, made from its inputs' bytes when the caller has none (and keys are
    made: ``key_base``), with those bytes, for the computation to use: a change meanwhile
    gives a key the next run does not find, never a result under a wrong key. ``template``:
    whether the article's template is one of its inputs (see ``input_files``)."""
    read: dict[str, bytes] = {}
    learned: list[tuple[str, FileEntry]] = []
    if key is not None or key_base is None:
        return key, read, None, learned
    rel, inputs = input_files(config, path, template=template)
    digests: list[str | None] = []
    for name in inputs:
        found = hash_file(name)
        digests.append(None if found is None else found[1])
        if found is not None:
            read[name] = found[0]
            if found[2] is not None:
                learned.append((name, found[2]))
    return make_key(key_base, rel, *digests), read, digests[0], learned  # inputs[0]: article


#: (article number, its outcome or the problem that stopped it, its key and the value to
#: store under it (None: nothing to store), the file digests learned while reading it).
Outcome = tuple[int, "T | Problem", "str | None", "str | None", "list[tuple[str, FileEntry]]"]


def taker(config: Config, cache: ResultCache, kind: str, files: Sequence[str],
          problems: list[Problem], add: Callable[[T], None]) -> Callable[[Outcome[T]], None]:
    """The ``take`` of an :class:`InOrder` for ``kind`` (check, status): the digests learned
    go to the cache, a problem to ``problems``, a computed result is stored under its key,
    and the outcome goes to ``add`` (the report)."""

    def take(item: Outcome[T]) -> None:
        number, outcome, key, value, learned = item
        for name, entry in learned:
            cache.learn(name, entry)
        if isinstance(outcome, Problem):
            problems.append(outcome)
            return
        if key is not None and value is not None:
            cache.put(kind, config.relative(Path(files[number])), key, value)
        add(outcome)

    return take


def collector(config: Config, order: InOrder[Outcome[T]], files: Sequence[str],
              done: list[int], progress: Callable[[int, int, str], None],
              ) -> Callable[[list[Outcome[T]]], None]:
    """The ``on_result`` of ``parallel.each_chunk``: each outcome of a chunk is offered in
    order, and the progress is said once per chunk (``done[0]``: articles answered)."""

    def collect(chunk: list[Outcome[T]]) -> None:
        for item in chunk:
            order.offer(item[0], item)
        done[0] += len(chunk)
        progress(done[0], len(files), config.relative(Path(files[chunk[-1][0]])))

    return collect
