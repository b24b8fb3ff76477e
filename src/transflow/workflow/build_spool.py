"""A build's per-article results, kept in temporary files while the build runs.

Why: a build of 10,000 articles held every article's outcome (its manifest text, its cache
record, its lists of reasons and states, the digests of its pages: ~2.8 KB each) until the
end, where the manifest and the report were written: ~40 MiB more at 10,000 articles than at
2,000. Here each outcome is written to disk as it arrives (in whatever order the workers
finish), and only a fixed-size summary stays in memory per article: its name (the manifest's
sort key), a few flags and where its pieces are. The manifest, the list of written files and
the report's articles are read back from those files, in article order, when they are
needed; the manifest is copied in runs of consecutive pieces (results arrive a chunk of
articles at a time), not piece by piece.

Each slot is one article, at its position in the build's list (or, appended, an entry of the
previous manifest the build carries over). What a slot keeps, each in its own file:

* the three manifest pieces (entry, pair, left-out item), each written as ``",\\n" + piece``
  so that a run of them is the manifest's text as it stands (the first of a list starts
  with ``"[\\n"`` instead);
* the record: the article's ``ArticleBuild.to_cache`` JSON (for an article answered from
  the results cache, as the cache's row holds it) and the digests of what it wrote;
* the files it wrote, one per line (``BuildReport.written``);
* the files it publishes with what was written there (``BuildReport.claimed_files``).

The first :data:`SPILL_AT` bytes are held in memory: a build of a few hundred articles
(about 3 KB each) creates no file at all, nor imports ``tempfile`` (with ``shutil`` and the
compression modules it loads, 3 ms of a command's start); past that the spool moves to its
files and stays there, so a large build holds no more than that.
"""

from __future__ import annotations

import json
import os
import weakref
from array import array
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, BinaryIO, overload

if TYPE_CHECKING:
    from transflow.workflow.build import ArticleBuild

#: Flags of a slot.
PRESENT = 1  # an article of the report (not a problem, not carried)
BUILT = 2
FINISHED = 4
BLOCKED = 8
REBUILT = 16  # it wrote one of its pages (it has digests)
CACHED = 32  # answered from the results cache
CARRIED = 64  # an entry of the previous manifest, kept as it was

#: The files of a spool, by what they hold.
PAIR, ENTRY, LEFT_OUT, RECORD, WRITTEN, CLAIMS = range(6)
#: The manifest's lists, in the order it writes them, by the index of ``manifest_pieces``.
LISTS = ((1, "pairs", PAIR), (0, "articles", ENTRY), (2, "left_out", LEFT_OUT))
_SPOOL_OF_PIECE = (ENTRY, PAIR, LEFT_OUT)

#: Largest run read at once (a run of consecutive pieces is read in one system call).
READ_MAX = 1 << 20
#: Bytes the six spools hold in memory together before they move to temporary files.
SPILL_AT = 2 << 20


class ResultSpool:
    """The results of one build, by slot (see the module docstring)."""

    def __init__(self, size: int) -> None:
        self._files: list[BinaryIO] = []  # opened once SPILL_AT bytes were written
        self._closer = weakref.finalize(self, _close, self._files)
        #: What each spool holds until it moves to its file (then emptied and unused).
        self._held: list[bytearray] = [bytearray() for _ in range(6)]
        self._ends = [0] * 6
        self._dirty = False
        self.rels: list[str] = [""] * size
        self.marks = bytearray(size)
        # (offset, length) of each slot in each file; length 0: nothing there.
        self._offsets = [array("q", bytes(8 * size)) for _ in range(6)]
        self._lengths = [array("q", bytes(8 * size)) for _ in range(6)]
        self._present: array[int] | None = None

    # -- writing --------------------------------------------------------------------------

    def _append(self, spool: int, slot: int, data: bytes) -> None:
        if not data:
            return
        if self._files:
            self._files[spool].write(data)
            self._dirty = True
        else:
            self._held[spool] += data
        self._offsets[spool][slot] = self._ends[spool]
        self._lengths[spool][slot] = len(data)
        self._ends[spool] += len(data)
        if not self._files and sum(self._ends) > SPILL_AT:  # (all held: the ends are sizes)
            self._spill()

    def _spill(self) -> None:
        """Move what the spools hold in memory to their temporary files (for good)."""
        import tempfile

        self._files.extend(
            tempfile.TemporaryFile(prefix="transflow-build-")  # noqa: SIM115 (_close)
            for _ in range(6)
        )
        for handle, held in zip(self._files, self._held, strict=True):
            handle.write(held)
        self._held = [bytearray() for _ in range(6)]
        self._dirty = True

    def put(self, slot: int, result: ArticleBuild, written: Sequence[str]) -> None:
        """The outcome of the article at ``slot`` (built now, or answered from the cache
        when its ``cached`` is the results cache's value)."""
        self._present = None
        flags = PRESENT
        if result.built:
            flags |= BUILT
        if result.finished:
            flags |= FINISHED
        if result.blocked:
            flags |= BLOCKED
        if result.digests:
            flags |= REBUILT
        self.rels[slot] = result.article
        for index, piece in enumerate(result.manifest_pieces()):
            if piece is not None:
                self._append(_SPOOL_OF_PIECE[index], slot, (",\n" + piece).encode("utf-8"))
        record = result.cached
        if record is None:
            record = json.dumps(result.to_cache(), ensure_ascii=False)
        digests = ",".join("" if d is None else d.hex() for d in result.digests)
        self._append(RECORD, slot, f"{record}\n{digests}".encode())
        if written:
            self._append(WRITTEN, slot, "".join(f"{w}\n" for w in written).encode("utf-8"))
        if result.files:
            proofs = result.digests or (None,) * len(result.files)
            self._append(CLAIMS, slot, "".join(
                f"{name}\t{'' if proof is None else proof.hex()}\n"
                for name, proof in zip(result.files.values(), proofs, strict=True)
            ).encode("utf-8"))
        self.marks[slot] = flags

    def put_cached(self, slot: int, flags: int, article: str, files: Sequence[str],
                   pieces: Sequence[str | None], record: str) -> None:
        """An article answered from the results cache, as its row holds it (see
        ``build._row``): its :data:`BUILT`, :data:`FINISHED` and :data:`BLOCKED` flags, its
        name, the files it publishes, its manifest pieces and its record (kept as stored:
        no JSON parsed or made again)."""
        self._present = None
        self.rels[slot] = article
        for index, piece in enumerate(pieces):
            if piece is not None:
                self._append(_SPOOL_OF_PIECE[index], slot, (",\n" + piece).encode("utf-8"))
        self._append(RECORD, slot, f"{record}\n".encode())
        if files:
            self._append(CLAIMS, slot, "".join(f"{name}\t\n" for name in files).encode("utf-8"))
        self.marks[slot] = (flags & (BUILT | FINISHED | BLOCKED)) | PRESENT | CACHED

    def carry(self, pieces: Sequence[str | None], rel: str) -> None:
        """An entry of the previous manifest kept as it was (a slot of its own)."""
        slot = len(self.marks)
        self.rels.append(rel)
        self.marks.append(CARRIED)
        for store in (*self._offsets, *self._lengths):
            store.append(0)
        for index, piece in enumerate(pieces):
            if piece is not None:
                self._append(_SPOOL_OF_PIECE[index], slot, (",\n" + piece).encode("utf-8"))

    def uncarry(self) -> None:
        """Drop the carried entries (a build that turned out to carry none keeps none)."""
        while self.marks and self.marks[-1] & CARRIED:
            self.marks.pop()
            self.rels.pop()
            for store in (*self._offsets, *self._lengths):
                store.pop()

    # -- reading --------------------------------------------------------------------------

    def _read(self, spool: int, offset: int, length: int) -> bytes:
        if not self._files:
            return bytes(memoryview(self._held[spool])[offset : offset + length])
        if self._dirty:
            for handle in self._files:
                handle.flush()
            self._dirty = False
        return os.pread(self._files[spool].fileno(), length, offset)

    def _runs(self, spool: int, slots: Sequence[int]) -> Iterator[bytes]:
        """What ``slots`` hold in ``spool``, in their order, read in runs of consecutive
        bytes (empty slots skipped)."""
        offsets, lengths = self._offsets[spool], self._lengths[spool]
        start = end = 0
        for slot in slots:
            length = lengths[slot]
            if not length:
                continue
            offset = offsets[slot]
            if offset == end and end - start + length <= READ_MAX:
                end += length
                continue
            if end > start:
                yield self._read(spool, start, end - start)
            start, end = offset, offset + length
        if end > start:
            yield self._read(spool, start, end - start)

    def present(self) -> array[int]:
        """The slots of the report's articles, in order."""
        if self._present is None:
            self._present = array("q", (i for i, f in enumerate(self.marks) if f & PRESENT))
        return self._present

    def count(self, flag: int) -> int:
        """How many articles have ``flag``."""
        return sum(1 for f in self.marks if f & PRESENT and f & flag == flag)

    def slots(self, flag: int, *, without: int = 0) -> list[int]:
        """The articles' slots with every bit of ``flag`` and none of ``without``."""
        return [i for i, f in enumerate(self.marks)
                if f & PRESENT and f & flag == flag and not f & without]

    def article(self, slot: int) -> ArticleBuild:
        """The outcome of the article at ``slot``, read back."""
        from transflow.workflow.build import ArticleBuild

        text = self._read(RECORD, self._offsets[RECORD][slot], self._lengths[RECORD][slot])
        record, _, digests = text.decode("utf-8").rpartition("\n")
        result = ArticleBuild.from_cache(json.loads(record))
        if digests:
            result.digests = tuple(bytes.fromhex(d) if d else None
                                   for d in digests.split(","))
        return result

    def written(self) -> list[str]:
        """Every file the articles wrote, in article order."""
        text = b"".join(self._runs(WRITTEN, range(len(self.marks)))).decode("utf-8")
        return text.split("\n")[:-1]

    def claims(self) -> Iterator[tuple[str, bytes | None]]:
        """Every file the articles publish, with what was written there (None: it was
        already as it had to be), in article order."""
        for block in self._runs(CLAIMS, range(len(self.marks))):
            for line in block.decode("utf-8").split("\n")[:-1]:
                name, _, proof = line.partition("\t")
                yield name, bytes.fromhex(proof) if proof else None

    def manifest_lists(self) -> Iterator[tuple[str, Iterator[str]]]:
        """Each list of the manifest (its name, and its text in runs: ``"[\\n" …``, or
        nothing when it is empty), the articles and carried entries sorted by name."""
        rels = self.rels
        order = sorted((i for i, f in enumerate(self.marks) if f & (PRESENT | CARRIED)),
                       key=rels.__getitem__)
        for _, name, spool in LISTS:
            yield name, self._list(spool, order)

    def _list(self, spool: int, order: Sequence[int]) -> Iterator[str]:
        first = True
        for block in self._runs(spool, order):
            text = block.decode("utf-8")
            if first:
                text = "[\n" + text[2:]
                first = False
            yield text

    def carried_entries(self) -> Iterator[str]:
        """The manifest entries carried over, as written there."""
        for slot, f in enumerate(self.marks):
            if f & CARRIED and self._lengths[ENTRY][slot]:
                text = self._read(ENTRY, self._offsets[ENTRY][slot], self._lengths[ENTRY][slot])
                yield text.decode("utf-8")[2:]

    def close(self) -> None:
        """Remove the files (also done when the spool is garbage-collected)."""
        self._closer()


def _close(files: list[BinaryIO]) -> None:
    for handle in files:
        handle.close()
    files.clear()


class SpooledArticles(Sequence["ArticleBuild"]):
    """``BuildReport.articles`` of a spooled build: each read back when asked for."""

    def __init__(self, spool: ResultSpool) -> None:
        self._spool = spool

    def __len__(self) -> int:
        return len(self._spool.present())

    @overload
    def __getitem__(self, index: int) -> ArticleBuild: ...

    @overload
    def __getitem__(self, index: slice) -> list[ArticleBuild]: ...

    def __getitem__(self, index: int | slice) -> ArticleBuild | list[ArticleBuild]:
        present = self._spool.present()
        if isinstance(index, slice):
            return [self._spool.article(s) for s in present[index]]
        return self._spool.article(present[index])

    def __iter__(self) -> Iterator[ArticleBuild]:
        for slot in self._spool.present():
            yield self._spool.article(slot)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Sequence):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"SpooledArticles({list(self)!r})"
