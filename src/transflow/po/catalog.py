"""Catalogs: the only module that imports polib.

A pure part (``build_template``, ``merge``, ``render``) and a thin IO part (``load``, ``save``),
the way Babel splits ``catalog.py`` from ``pofile.py``. Invariants:

* ``save`` replaces a file atomically (``atomic.write_atomic``: temp file + ``os.replace``), so a
  crash mid-write leaves the old catalog intact, and it does not touch a file whose content
  would not change, so running a command twice causes no date churn;
* ``merge`` never loses a translation: an entry whose source changed keeps its translation as
  fuzzy with the previous msgid; an entry whose segment vanished becomes obsolete (``#~``);
* files are rendered in GNU gettext's canonical layout (``layout.render_po``), so ``msgcat``
  leaves them byte-identical;
* an entry's review state (flags, previous fields, ``# transflow:`` lines) is changed only
  through :mod:`transflow.states` (``merge`` calls ``states.mark_needs_work``).

Types: :class:`~transflow.po.model.Catalog` wraps polib's file (and remembers the text it was
read from); entries are typed by the :class:`~transflow.po.model.Entry` protocol.
"""

from __future__ import annotations

import codecs
import difflib
import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import polib

from transflow import __version__
from transflow.atomic import Journal as Journal
from transflow.atomic import Staged as Staged
from transflow.atomic import Transaction as Transaction
from transflow.atomic import read_bytes
from transflow.atomic import write_atomic as write_atomic
from transflow.errors import CatalogError
from transflow.po.model import Catalog as Catalog
from transflow.po.model import Entry as Entry
from transflow.po.model import POFile as POFile
from transflow.states import edited_fields, mark_needs_work, take_edits

#: msgmerge's own threshold for fuzzy matching is 0.6; below it a match misleads more than helps.
FUZZY_THRESHOLD = 0.6

DATE_FIELDS = ("POT-Creation-Date", "PO-Revision-Date")

#: How ``#:`` references are written: ``line`` (``path:12``, one per occurrence), ``file``
#: (gettext's ``--add-location=file``: one ``path`` per entry, so editing an article does
#: not churn its catalogs) or ``none``. Article line numbers are computed from the article
#: when they are shown, never read from the catalog.
REFERENCE_MODES = ("line", "file", "none")


@dataclass(frozen=True, slots=True)
class TemplateEntry:
    """One catalog entry as the article dictates it (merged identical segments)."""

    msgid: str
    kinds: tuple[str, ...]
    #: ``(path, line)``; the line is None under ``references = "file"``.
    references: tuple[tuple[str, int | None], ...]


@dataclass(slots=True)
class MergeReport:
    """What ``merge`` did, for the sync summary."""

    kept: int = 0
    new: int = 0
    fuzzy: int = 0
    obsolete: int = 0
    revived: int = 0
    #: Plural entries (``msgid_plural``) found: transflow does not handle them; kept as is.
    plurals: int = 0


def build_template(
    segments: Iterable[tuple[str, str, int]], reference: str, references: str = "line"
) -> list[TemplateEntry]:
    """Merge identical segments ``(text, kind, line)`` into entries, in document order.

    ``references`` is one of ``REFERENCE_MODES``: what the entries' ``#:`` lines will say.
    """
    if references not in REFERENCE_MODES:
        raise ValueError(f"unknown references mode {references!r}")
    order: dict[str, tuple[list[str], list[tuple[str, int | None]]]] = {}
    for text, kind, line in segments:
        kinds, refs = order.setdefault(text, ([], []))
        if kind not in kinds:
            kinds.append(kind)
        if references == "line":
            refs.append((reference, line))
        elif references == "file" and not refs:
            refs.append((reference, None))
    return [TemplateEntry(msgid, tuple(k), tuple(r)) for msgid, (k, r) in order.items()]


def _occurrences(tmpl: TemplateEntry) -> list[tuple[str, str]]:
    return [(path, "" if line is None else str(line)) for path, line in tmpl.references]


def active_entries(catalog: Catalog) -> Iterator[Entry]:
    """Entries that are neither the header nor obsolete."""
    for entry in catalog:
        if not entry.obsolete and entry.msgid != "" and not entry.msgid_plural:
            yield entry


def header(language: str | None, project: str, now: datetime) -> dict[str, str]:
    """A complete gettext header; Plural-Forms comes from Babel's CLDR data."""
    stamp = date_stamp(now)
    meta = {
        "Project-Id-Version": project,
        "Report-Msgid-Bugs-To": "",
        "POT-Creation-Date": stamp,
        "PO-Revision-Date": stamp if language else "YEAR-MO-DA HO:MI+ZONE",
        "Last-Translator": "",
        "Language-Team": "",
        "Language": language or "",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    if language:
        meta["Plural-Forms"] = plural_forms(language)
    meta["X-Generator"] = f"transflow {__version__}"
    return meta


def date_stamp(now: datetime) -> str:
    """``now`` as a header date (``2026-11-26 12:00+0000``): a command stamps every catalog
    it writes with the same moment, formatted once (``%z`` makes strftime slow)."""
    return _stamp(now, now.utcoffset())


@functools.lru_cache(maxsize=8)
def _stamp(now: datetime, offset: object) -> str:
    # Keyed by the offset too: equal instants in other zones are equal datetimes.
    return now.strftime("%Y-%m-%d %H:%M%z")


@functools.lru_cache(maxsize=64)
def plural_forms(language: str) -> str:
    """The ``Plural-Forms`` value for ``language`` from Babel's CLDR data (looked up once per
    language: every catalog's header asks, a few times per article in a sync).

    Babel's message modules load here, when a header is made: reading catalogs (build,
    check, status) never needs them, and they pull in its dates and time zones."""
    from babel.messages.plurals import get_plural

    plural = get_plural(language)
    return f"nplurals={plural.num_plurals}; plural={plural.plural_expr};"


def new_catalog(language: str | None, project: str, now: datetime) -> Catalog:
    """An empty catalog with a complete header."""
    po = polib.POFile(wrapwidth=79)
    po.metadata = header(language, project, now)
    return Catalog(po)


#: The attributes ``polib.POEntry()`` starts with (its ``__init__`` only sets these).
_BLANK_ENTRY = dict(vars(polib.POEntry()))


def _entry_from_template(tmpl: TemplateEntry) -> Entry:
    """``polib.POEntry(msgid=…, msgstr="", comment=…, occurrences=…)``, its attributes set at
    once: a cold sync makes one per segment per catalog, and polib's keyword look-ups were
    half the cost of merging a new catalog. The mutable ones are new for each entry."""
    entry: Entry = polib.POEntry.__new__(polib.POEntry)
    vars(entry).update(
        _BLANK_ENTRY, msgid=tmpl.msgid, msgstr_plural={}, comment="; ".join(tmpl.kinds),
        occurrences=_occurrences(tmpl), flags=[],
    )
    return entry


def _update_from_template(entry: Entry, tmpl: TemplateEntry) -> None:
    entry.comment = "; ".join(tmpl.kinds)
    entry.occurrences = _occurrences(tmpl)
    entry.obsolete = False


_WORD = re.compile(r"\w+")


def similarity(a: str, b: str) -> float:
    """Word-level similarity in [0, 1], cheap prefilters first (used for fuzzy matching)."""
    if a == b:
        return 1.0
    la, lb = len(a), len(b)
    if not la or not lb or min(la, lb) / max(la, lb) < FUZZY_THRESHOLD:
        return 0.0
    wa, wb = _WORD.findall(a.lower()), _WORD.findall(b.lower())
    matcher = difflib.SequenceMatcher(None, wa, wb, autojunk=False)
    if matcher.real_quick_ratio() < FUZZY_THRESHOLD or matcher.quick_ratio() < FUZZY_THRESHOLD:
        return 0.0
    return matcher.ratio()


def merge(
    catalog: Catalog, template: Sequence[TemplateEntry], *, template_only: bool = False
) -> MergeReport:
    """Bring ``catalog`` in line with ``template``, msgmerge-style, in place.

    Exact msgid matches keep everything (translation, flags, comments); an obsolete entry whose
    msgid returns is revived; a new msgid close to a vanished one (``similarity`` ≥ 0.6) takes
    its translation as fuzzy with ``#| msgid``; other vanished translated entries become
    obsolete; vanished untranslated ones are dropped (msgmerge does the same). Plural entries
    (added by hand or by another tool) are never dropped: kept as they are, and counted.
    """
    report = MergeReport()
    old: dict[tuple[str | None, str], Entry] = {}
    obsolete: dict[tuple[str | None, str], Entry] = {}
    plurals: list[Entry] = []
    for existing in catalog:
        if existing.msgid == "" and not existing.obsolete:
            continue
        if existing.msgid_plural and not existing.obsolete:
            plurals.append(existing)  # not ours to judge: kept as it is, where it is
            continue
        key = (existing.msgctxt, existing.msgid)
        (obsolete if existing.obsolete else old)[key] = existing
    if not old and not obsolete:
        # Nothing to keep, revive or match (a new catalog: every sync's first write of an
        # article): every entry is new, made from the template, in its order.
        report.new = len(template)
        header_entry = [e for e in catalog if e.msgid == "" and not e.obsolete]
        report.plurals = len(plurals)
        catalog.file[:] = header_entry + [_entry_from_template(t) for t in template] + plurals
        return report
    result: list[Entry | None] = []
    unmatched: list[tuple[int, TemplateEntry]] = []
    for tmpl in template:
        key = (None, tmpl.msgid)
        kept = old.pop(key, None)
        if kept is not None:
            _update_from_template(kept, tmpl)
            report.kept += 1
        elif key in obsolete:
            kept = obsolete.pop(key)
            _update_from_template(kept, tmpl)
            report.revived += 1
        else:
            unmatched.append((len(result), tmpl))
        result.append(kept)
    candidates = {k: e for k, e in old.items() if e.msgstr}
    for index, tmpl in unmatched:
        entry = _entry_from_template(tmpl)
        best_key, best_score = None, FUZZY_THRESHOLD
        if not template_only:
            for key, cand in candidates.items():
                score = similarity(tmpl.msgid, cand.msgid)
                if score >= best_score:
                    best_key, best_score = key, score
        if best_key is not None:
            cand = candidates.pop(best_key)
            old.pop(best_key)
            mark_needs_work(entry, cand)
            report.fuzzy += 1
        else:
            report.new += 1
        result[index] = entry
    for key, entry in old.items():
        if entry.msgstr and not template_only:
            entry.obsolete = True
            entry.occurrences = []
            obsolete[key] = entry
            report.obsolete += 1
    header_entry = [e for e in catalog if e.msgid == "" and not e.obsolete]
    report.plurals = len(plurals)
    catalog.file[:] = (header_entry + [e for e in result if e is not None] + plurals
                       + list(obsolete.values()))
    return report


def render(catalog: Catalog, *, like: Catalog | None = None) -> str:
    """The catalog as text, in GNU gettext's canonical layout.

    ``like``: a catalog with exactly the same entries, already rendered (its ``loaded``
    text, see :func:`take_entries`): only this one's header is rendered.
    """
    from transflow.po.layout import render_po, render_po_like

    if like is not None and like.loaded is not None:
        return render_po_like(catalog.file, like.loaded)
    return render_po(catalog.file)


def take_entries(catalog: Catalog, template: Catalog) -> MergeReport:
    """``merge(catalog, entries)`` for a new, empty ``catalog`` and the entries a new template
    was just given by ``merge(new_catalog(...), entries, template_only=True)``: the catalog
    holds the template's entries (the same objects: neither is changed after), untranslated,
    as that merge would make them. Save it with ``like=template`` (rendered once).
    """
    if len(catalog):
        raise ValueError("take_entries fills a new, empty catalog")
    entries = [e for e in template if e.msgid != ""]
    catalog.file[:] = entries
    return MergeReport(new=len(entries))


_LINE = re.compile(r"\(line (\d+)\)|line (\d+)")


def read_decoded(path: Path) -> str:
    """A catalog file's text (decoded as its header says); a missing or unreadable file is a
    ``CatalogError`` naming it. Shared by :func:`load` and the lean reader."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CatalogError("catalog not found", path=path) from None
    except OSError as exc:
        raise CatalogError(f"cannot read: {exc.strerror}", path=path) from exc
    return decode(data, path)


def load(path: Path) -> Catalog:
    """Read a ``.po``/``.pot`` file; syntax errors and duplicates become ``CatalogError``."""
    text = read_decoded(path)
    catalog = parse(text, path=path)
    catalog.loaded = text  # the base of save's three-way merge
    return catalog


_CHARSET = re.compile(rb"charset=([A-Za-z0-9_.:-]+)")
_CHARSET_TEXT = re.compile(r"charset=([A-Za-z0-9_.:-]+)")


def declared_charset(data: bytes) -> str | None:
    """The charset the header declares (``Content-Type: …; charset=ISO-8859-1``), if any."""
    head = data[: data.find(b"\n\n")] if b"\n\n" in data else data[:4096]
    m = _CHARSET.search(head)
    if m is None:
        return None
    name = m.group(1).decode("ascii")
    return None if name.upper() == "CHARSET" else name  # a template's placeholder


def decode(data: bytes, path: Path | None) -> str:
    """A catalog's text: UTF-8, or the charset its header declares (gettext does the same).

    A catalog in another charset (``ISO-8859-1`` from an older tool) is read as such;
    ``save`` writes it back as UTF-8 (and says so in the header).
    """
    charset = declared_charset(data)
    if charset is not None:
        try:
            codec = codecs.lookup(charset).name
        except LookupError:
            raise CatalogError(f"unknown charset '{charset}' in the header", path=path,
                               hint="declare charset=UTF-8 and save the file as UTF-8") from None
        if codec not in ("utf-8", "ascii"):
            try:
                return data.decode(codec)
            except UnicodeDecodeError as exc:
                line = data[: exc.start].count(b"\n") + 1
                raise CatalogError(f"not valid {charset}, the charset its header declares",
                                   path=path, line=line) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CatalogError("not valid UTF-8", path=path, line=line,
                           hint="save it as UTF-8, or declare its charset in the header") from None


def converted_from(catalog: Catalog) -> str | None:
    """The charset a catalog declares when it is not UTF-8 (``save`` converts it)."""
    content = catalog.metadata.get("Content-Type", "")
    m = _CHARSET_TEXT.search(content)
    if m is None or m.group(1).upper() == "CHARSET":
        return None
    try:
        codec = codecs.lookup(m.group(1)).name
    except LookupError:
        return None
    return None if codec in ("utf-8", "ascii") else m.group(1)


def encode(text: str, path: Path | None) -> bytes:
    """The bytes of a catalog's text: always UTF-8 (``render`` declares it)."""
    return text.encode("utf-8")


def parse(text: str, *, path: Path | None = None) -> Catalog:
    """Parse catalog text (never a file name: polib's guessing is avoided on purpose)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    _check_syntax(text, path)
    try:
        po: POFile = polib.pofile(text, wrapwidth=79)
    except (OSError, ValueError) as exc:
        message = str(exc)
        m = _LINE.search(message)
        line = int(m.group(1) or m.group(2)) if m else None
        message = re.sub(r"\s*\(line \d+\)", "", message)
        message = message.replace("Syntax error in po file", "syntax error").strip()
        raise CatalogError(message or "syntax error", path=path, line=line) from None
    seen: dict[tuple[bool, str | None, str], int] = {}
    for entry in po:
        key = (bool(entry.obsolete), entry.msgctxt, entry.msgid)
        if key in seen:
            shown = entry.msgid if len(entry.msgid) <= 40 else entry.msgid[:37] + "..."
            raise CatalogError(
                f'duplicate entry "{shown}" (first at line {seen[key]})',
                path=path,
                line=entry.linenum,
                hint="merge the two entries into one (msguniq finds them)",
            )
        seen[key] = entry.linenum or 0
    return Catalog(po)


_STRING = r'"(?:[^"\\]|\\.)*"'
_VALID_LINE = re.compile(
    rf"^\s*(?:$|#|(?:msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+{_STRING}\s*$|{_STRING}\s*$)"
)


def _check_syntax(text: str, path: Path | None) -> None:
    """Refuse what msgfmt refuses line by line (polib silently accepts some of it)."""
    for number, line in enumerate(text.splitlines(), 1):
        if not _VALID_LINE.match(line):
            problem = "unterminated string" if line.count('"') % 2 else "syntax error"
            raise CatalogError(problem, path=path, line=number,
                               hint="fix the line in a text editor or re-save it in Poedit")


def save(
    catalog: Catalog,
    path: Path,
    *,
    now: datetime | None = None,
    transaction: Transaction | None = None,
    like: Catalog | None = None,
    missing: bool = False,
) -> bool:
    """Write atomically; return False (and touch nothing) when the content is unchanged.

    The one way every command writes a catalog. A save made on disk since the catalog was
    read (a translator's editor, another tool) is merged in now, and again right before the
    rename (``atomic.install`` with ``merge_saved``), so it is never overwritten; with a
    ``transaction`` the rename (and that last merge) happens when it commits. Date fields
    are refreshed only when something else changed, so a command run twice in a row writes
    nothing the second time. ``like`` (see :func:`render`) only serves a new file.
    ``missing``: the caller just found ``path`` missing, so it is not read again (a file
    created since is found, and merged, when the new one is put in place).
    """
    previous_bytes = None if missing else read_bytes(path)
    if previous_bytes is None:
        if converted_from(catalog) is not None:
            catalog.metadata["Content-Type"] = "text/plain; charset=UTF-8"
        text = render(catalog, like=like)
        _write(path, text, None, transaction)
        catalog.loaded = text
        return True
    previous = decode(previous_bytes, path)
    base = catalog.loaded
    if base != previous:  # read from elsewhere, or the file changed since it was read
        try:
            old = parse(previous, path=path)
        except CatalogError as exc:
            if base is None:
                old = None  # never ours to judge: replaced as before
            else:
                raise CatalogError(
                    f"changed on disk since transflow read it and cannot be read now "
                    f"({exc.message}); left as it is", path=path, line=exc.line,
                    hint="fix or re-save it in the editor, then run the command again",
                ) from None
        if old is not None:
            for key in DATE_FIELDS:
                if key in old.metadata and key in catalog.metadata:
                    catalog.metadata[key] = old.metadata[key]
            if base is not None:
                # Someone (a translator's editor, another tool) saved the file meanwhile.
                keep_their_edits(parse(base, path=path), catalog, old, add_theirs=True)
    if converted_from(catalog) is not None:  # written back as UTF-8, and said so
        catalog.metadata["Content-Type"] = "text/plain; charset=UTF-8"
    text = render(catalog)
    if text == previous:
        catalog.loaded = previous
        return False
    if now is not None:
        field = "PO-Revision-Date" if catalog.metadata.get("Language") else "POT-Creation-Date"
        if field in catalog.metadata:
            old_line = f'"{field}: {catalog.metadata[field]}\\n"\n'
            catalog.metadata[field] = date_stamp(now)
            new_line = f'"{field}: {catalog.metadata[field]}\\n"\n'
            text = text.replace(old_line, new_line, 1) if old_line in text else render(catalog)
    _write(path, text, previous_bytes, transaction)
    catalog.loaded = text
    return True


def _write(path: Path, text: str, base: bytes | None, transaction: Transaction | None) -> None:
    data = encode(text, path)
    if transaction is not None:
        transaction.write(path, data, base=base, merge=True, new=base is None)
    else:
        write_atomic(path, data, base=base, merge=merge_saved)


def transaction(journal: Journal | None = None) -> Transaction:
    """A transaction whose catalogs are merged with saves made meanwhile at commit."""
    return Transaction(journal=journal, merge=merge_saved)




def merge_saved(theirs: bytes, base: bytes | None, ours: bytes) -> bytes:
    """``atomic.Merge`` for catalogs: fold a save made on disk meanwhile into ours.

    ``theirs`` was made from ``base`` (None: unknown, then every field that differs is
    theirs). Edited fields of an entry take their value; entries they added (a plural
    entry, an entry of their own) are kept. A save that cannot be read is not overwritten.
    """
    try:
        their_text = decode(theirs, None)
        their_cat = parse(their_text)
    except CatalogError as exc:
        raise CatalogError(
            f"changed on disk while transflow was writing it and cannot be read "
            f"({exc.message}); left as it is",
            hint="fix or re-save it in the editor, then run the command again",
        ) from None
    ours_cat = parse(decode(ours, None))
    base_cat = parse(decode(base, None)) if base is not None else Catalog(polib.POFile())
    keep_their_edits(base_cat, ours_cat, their_cat, add_theirs=True)
    return encode(render(ours_cat), None)


def keep_their_edits(base: Catalog, ours: Catalog, theirs: Catalog, *,
                     add_theirs: bool = False) -> int:
    """Three-way merge, in place into ``ours``: an entry edited on disk since ``base`` keeps
    the edit from disk (a person's work wins over what a command did meanwhile).

    Entries are matched by (msgctxt, msgid); the merge covers translations, flags and
    comments, which is what editors change. Returns how many entries took the disk version.
    """
    def key(e: Entry) -> tuple[str | None, str, bool]:
        return (e.msgctxt, e.msgid, bool(e.obsolete))

    before = {key(e): edited_fields(e) for e in base}
    on_disk = {key(e): e for e in theirs}
    taken = 0
    mine = set()
    for entry in ours:
        k = key(entry)
        mine.add(k)
        disk = on_disk.get(k)
        if disk is None or edited_fields(disk) == before.get(k, _NOT_THERE):
            continue
        if k not in before and edited_fields(disk) == edited_fields(entry):
            continue
        take_edits(entry, disk)
        taken += 1
    for field, value in theirs.metadata.items():  # Poedit's Last-Translator and the like
        if base.metadata.get(field) != value and field not in DATE_FIELDS:
            ours.metadata[field] = value
    if add_theirs:
        for k, disk in on_disk.items():
            if k not in mine and k not in before and disk.msgid != "":
                ours.file.append(disk)  # added on disk meanwhile (by hand, another tool)
                taken += 1
    return taken


_NOT_THERE = object()


