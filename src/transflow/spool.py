"""A list of per-item results whose memory does not grow with the number of items.

Why: a command over 10,000 articles reports on each of them at the end (the sync summary,
its ``--json`` document), yet its memory must stay flat in the number of articles. A
:class:`Spool` keeps the last :data:`BATCH` items it was given in memory and writes the
ones before, pickled a batch at a time, to an anonymous temporary file (deleted by the
system when closed, even if the process is killed); iterating reads them back a batch at a
time, in order. Items must be picklable; reading back only ever sees what this process wrote.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterator
from typing import IO, Generic, TypeVar

T = TypeVar("T")

#: Items held in memory before they are written out (and read back per iteration step):
#: a few hundred KiB of results, and a run of fewer articles never makes a file (nor
#: imports ``tempfile``, whose ``shutil`` loads the compression modules: ~2 ms, or
#: ``pickle``: ~1.5 ms).
BATCH = 1024


class Spool(Generic[T]):
    """Append-only and iterable any number of times, like a list that is never indexed."""

    def __init__(self, batch: int | None = None) -> None:
        self._batch = BATCH if batch is None else batch
        self._tail: list[T] = []
        self._file: IO[bytes] | None = None
        self._spilled = 0  # batches in the file
        self._count = 0

    def append(self, item: T) -> None:
        """Add ``item`` at the end."""
        self._tail.append(item)
        self._count += 1
        if len(self._tail) >= self._batch:
            import pickle

            if self._file is None:
                import tempfile

                # Closed (and so deleted) when the spool goes: it lives as long as the
                # report that holds it.
                self._file = tempfile.TemporaryFile(prefix="transflow-")  # noqa: SIM115
                weakref.finalize(self, self._file.close)
            self._file.seek(0, 2)
            pickle.dump(self._tail, self._file, protocol=pickle.HIGHEST_PROTOCOL)
            self._spilled += 1
            self._tail = []

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[T]:
        if self._file is not None:
            import pickle

            position = 0
            for _ in range(self._spilled):
                self._file.seek(position)
                batch: list[T] = pickle.load(self._file)
                position = self._file.tell()
                yield from batch
                del batch
        yield from list(self._tail)
