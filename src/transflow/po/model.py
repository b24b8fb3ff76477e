"""The typed shape of a catalog: what transflow reads and writes on polib's objects.

polib ships no type information, so every ``POEntry``/``POFile`` would be ``Any`` to mypy.
Instead, the rest of transflow sees them through these types:

* :class:`Entry` is a ``Protocol`` naming exactly the attributes of ``polib.POEntry`` that
  transflow uses (polib's objects satisfy it as they are, so tests may keep building entries
  with polib); mypy checks every attribute access against it;
* :class:`POFile` is the same for ``polib.POFile`` (a list of entries plus a header);
* :class:`Catalog` is a small wrapper around a ``POFile`` that carries what transflow knows
  about the file besides its entries: the text it was read from (``loaded``), which
  ``po.catalog.save`` uses as the base of its three-way merge. Nothing rides on polib's
  objects as a hidden attribute.

Who may change what: an entry's review state (the ``fuzzy`` flag, the previous fields
``previous_msgid``/``previous_msgctxt``/``previous_msgid_plural`` and the ``# transflow:``
translator-comment lines) is changed only by :mod:`transflow.states`; ``po.catalog`` builds
entries and sets their source side (msgid, references, extracted comments).
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from dataclasses import dataclass
from typing import Protocol


class Entry(Protocol):
    """One catalog entry, as ``polib.POEntry`` holds it (the attributes transflow uses)."""

    msgid: str
    msgstr: str
    msgctxt: str | None
    msgid_plural: str
    #: Plural translations by form index (polib keys them by int, or str when parsed).
    msgstr_plural: dict[int, str]
    #: ``#,`` flags in file order (``fuzzy``, ``python-format`` ...).
    flags: list[str]
    #: ``#`` translator comment lines, joined with newlines (``# transflow: ...`` live here).
    tcomment: str
    #: ``#.`` extracted comment (the segment kind, for the translator).
    comment: str
    #: ``#:`` references as (path, line) with the line as text (``""`` when none).
    occurrences: list[tuple[str, str]]
    previous_msgid: str | None
    previous_msgctxt: str | None
    previous_msgid_plural: str | None
    #: polib's reader sets 0 or 1 here, its constructor a bool: read it as a truth value.
    obsolete: int
    #: Line of the entry in the file it was read from (None for a new entry).
    linenum: int | None


class POFile(Protocol):
    """A whole catalog file as ``polib.POFile`` holds it: a list of entries and a header."""

    header: str
    metadata: dict[str, str]
    #: polib keeps the header's fuzzy flag apart (0/1 or a truthy value).
    metadata_is_fuzzy: object

    def __iter__(self) -> Iterator[Entry]: ...

    def __len__(self) -> int: ...

    def __getitem__(self, index: int) -> Entry: ...

    def __setitem__(self, index: slice, value: list[Entry]) -> None: ...

    def append(self, entry: Entry) -> None: ...


@dataclass(eq=False, slots=True)
class Catalog:
    """A catalog as transflow holds it: polib's file and the text it was read from.

    Iterating a ``Catalog`` yields its entries (header and obsolete ones included, as polib
    does); :func:`transflow.po.catalog.active_entries` gives the live ones.
    """

    file: POFile
    #: The exact text this catalog was read from or last written as; None for a catalog made
    #: in memory. ``save`` compares it with the file on disk to notice a person's save in
    #: between (their edits then win, see ``po.catalog.keep_their_edits``).
    loaded: str | None = None

    def __iter__(self) -> Iterator[Entry]:
        return iter(self.file)

    def __len__(self) -> int:
        return len(self.file)

    def __getitem__(self, index: int) -> Entry:
        return self.file[index]

    @property
    def metadata(self) -> MutableMapping[str, str]:
        """The header fields (``Language``, ``Plural-Forms`` ...), editable in place."""
        return self.file.metadata
