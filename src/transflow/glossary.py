"""The workspace glossary: agreed term pairs, read from a CSV or TSV file.

One file serves both the quality checks (``glossary`` check: a source term asks for its
agreed translation) and the DeepL engine (a DeepL glossary in each direction). Format::

    nl,en                       <- optional header naming the two columns' languages
    magnesiumcitraat,magnesium citrate
    "vitamine D3, cholecalciferol",vitamin D3
    # a comment line

Invariants:

* parsing is pure (:func:`parse_glossary` takes text, never a file name); :func:`load_glossary`
  is the thin IO wrapper;
* a UTF-8 byte-order mark (as Excel writes it) is tolerated; the delimiter is a tab (``.tsv``
  or a tab on the first line), a semicolon (Excel in Dutch locales) or a comma;
* every problem is a ``ConfigError`` naming the file and line, never a bare ``ValueError``;
* without a header the caller says which column is which (``languages``), usually the
  project's default source language first, as the starter configuration documents.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

from babel import Locale, UnknownLocaleError

from transflow.errors import ConfigError

_LANG_CELL = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z]{2,4})?$")


@dataclass(frozen=True, slots=True)
class Term:
    """One row: the term in the first and in the second language, and where it was written."""

    first: str
    second: str
    line: int


@dataclass(frozen=True, slots=True)
class Glossary:
    """Term pairs between two languages (codes as Babel normalises them: ``nl``, ``en_GB``)."""

    languages: tuple[str, str]
    terms: tuple[Term, ...] = ()

    def pairs_for(self, source_lang: str, target_lang: str) -> tuple[tuple[str, str], ...]:
        """(source term, target term) pairs for one direction; empty for other languages.

        Languages are compared by their base code, so an ``en_GB`` column serves ``en``.
        """
        first, second = (_base(code) for code in self.languages)
        src, tgt = _base(source_lang), _base(target_lang)
        if (src, tgt) == (first, second):
            return tuple((t.first, t.second) for t in self.terms)
        if (src, tgt) == (second, first):
            return tuple((t.second, t.first) for t in self.terms)
        return ()

    def as_dictionaries(self) -> dict[tuple[str, str], dict[str, str]]:
        """Both directions as ``{(source, target): {term: translation}}``, first row wins.

        The shape DeepL glossaries take (one dictionary per direction, unique source terms),
        keyed by base language codes.
        """
        first, second = (_base(code) for code in self.languages)
        forward: dict[str, str] = {}
        backward: dict[str, str] = {}
        for term in self.terms:
            forward.setdefault(term.first, term.second)
            backward.setdefault(term.second, term.first)
        return {(first, second): forward, (second, first): backward}


def _base(code: str) -> str:
    return re.split(r"[-_]", code.strip())[0].lower()


def _language(cell: str) -> str | None:
    """The normalised language code a header cell names, or None when it is a term."""
    cell = cell.strip()
    if not _LANG_CELL.match(cell):
        return None
    try:
        return str(Locale.parse(cell.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        return None


def _delimiter(first_line: str, path: Path | None) -> str:
    if (path is not None and path.suffix.lower() == ".tsv") or "\t" in first_line:
        return "\t"
    if ";" in first_line and "," not in first_line:
        return ";"
    return ","


#: Header words people write instead of language codes; refused with a hint, never terms.
_COLUMN_LABELS = {"source", "target", "term", "translation", "from", "to", "src", "tgt"}


def parse_glossary(
    text: str, *, path: Path | None = None, languages: tuple[str, str] | None = None
) -> Glossary:
    """Parse glossary text; ``languages`` names the columns when the text has no header."""
    text = text.removeprefix("\ufeff")
    lines = text.splitlines()
    first_line = next((ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")), "")
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(first_line, path), strict=True)
    header: tuple[str, str] | None = None
    terms: list[Term] = []
    seen: dict[str, Term] = {}
    end = 0
    try:
        for row in reader:
            start, end = end + 1, reader.line_num
            cells = [cell.strip() for cell in row]
            if any("\n" in cell or "\r" in cell for cell in cells):
                raise ConfigError("a term runs over several lines (a double quote not closed?)",
                                  path=path, line=start)
            if not any(cells) or cells[0].startswith("#"):
                continue
            while cells and not cells[-1]:
                cells.pop()
            if header is None and not terms:
                codes = [_language(c) for c in cells]
                if len(cells) == 2 and None not in codes:
                    a, b = str(codes[0]), str(codes[1])
                    if _base(a) == _base(b):
                        raise ConfigError(f"glossary header names {a} twice", path=path,
                                          line=start)
                    header = (a, b)
                    continue
                if {c.lower() for c in cells} & _COLUMN_LABELS:
                    raise ConfigError(
                        f"the first row names columns ({', '.join(cells)}), not languages",
                        path=path,
                        line=start,
                        hint="start the glossary with the two language codes, e.g. 'nl,en'",
                    )
            if len(cells) != 2 or not cells[0] or not cells[1]:
                raise ConfigError(
                    f"expected two terms separated by a comma or tab, found {len(cells)} "
                    f"field(s)",
                    path=path,
                    line=start,
                    hint='put a term that contains a comma in double quotes: "a, b",c',
                )
            term = Term(cells[0], cells[1], start)
            earlier = seen.get(term.first)
            if earlier is not None and earlier.second != term.second:
                raise ConfigError(
                    f"'{term.first}' is already translated as '{earlier.second}' on line "
                    f"{earlier.line}",
                    path=path,
                    line=start,
                    hint="keep one translation per term",
                )
            if earlier is None:
                seen[term.first] = term
                terms.append(term)
    except csv.Error as exc:
        raise ConfigError(f"glossary: {exc} (a double quote not closed?)", path=path,
                          line=end + 1) from None
    if header is None:
        if languages is None:
            raise ConfigError(
                "glossary has no header line naming its languages",
                path=path,
                line=1,
                hint="start the file with a line such as 'nl,en'",
            )
        header = languages
    return Glossary(header, tuple(terms))


def load_glossary(path: Path, *, languages: tuple[str, str] | None = None) -> Glossary:
    """Read and parse a glossary file (UTF-8, BOM tolerated)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError("glossary file not found", path=path,
                          hint="create it or remove 'glossary' from the configuration") from None
    except OSError as exc:
        raise ConfigError(f"cannot read glossary: {exc.strerror}", path=path) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError("glossary is not valid UTF-8", path=path, line=line,
                          hint="save it as UTF-8 (CSV UTF-8 in Excel)") from None
    return parse_glossary(text, path=path, languages=languages)
