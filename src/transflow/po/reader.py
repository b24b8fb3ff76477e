"""A lean, read-only catalog reader for the commands that only look (build, check, status).

``catalog.load`` parses with polib, whose state machine costs a method lookup, a
``getattr`` and a regular expression per line, and a heavy ``POEntry`` per entry: loading
the catalogs was a tenth of a cold ``build``. :func:`read` runs the *same* state machine
(polib's ``_POFileParser.parse``, line for line: the same tokens, transitions, handlers,
line numbers, header and metadata rules) with cheap per-line work and slotted entries, so
what it returns is what polib returns, attribute for attribute (``obsolete`` as a bool).
A catalog whose every entry has the usual shape (all that transflow, polib and gettext's
tools write: comments in gettext's order, a msgid and a msgstr, no plural) is read an entry
at a time by one regular expression instead (:func:`_canonical`), with the same answers.

Anything polib would refuse, and the few shapes where polib's own bookkeeping decides in
ways not worth copying (more than one header entry, a header that is not the first entry),
is handed to ``catalog.parse``, so errors and odd files come out exactly as before. The
result must never be saved: it has no polib objects to render (``save`` stays with
``catalog.load``). ``tests/test_po_reader.py`` compares the two readers on every catalog of
the test suite, the sample workspace and generated edge cases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from transflow.po.catalog import _VALID_LINE, parse, read_decoded
from transflow.po.model import Catalog, Entry

__all__ = ["read", "read_text"]


class _Fallback(Exception):
    """The lean reader does not judge this file: polib (through ``catalog.parse``) does."""


@dataclass(slots=True, eq=False)
class ReadEntry:
    """One entry as polib's ``POEntry`` holds it (the attributes of ``model.Entry``).

    Made once the entry is read whole (from a :func:`_blank` record the parser fills), so
    this module never writes review state on an entry (that is ``transflow.states``'s).
    Two attributes few readers ask for are worked out when first asked: ``occurrences``
    (from the text of its ``#:`` lines) and ``linenum`` (from where the entry starts in the
    catalog's text): a build reads every entry of every catalog and asks neither, but for
    an entry it reports (its line).
    """

    msgid: str
    msgstr: str
    msgctxt: str | None
    msgid_plural: str
    msgstr_plural: dict[int, str]
    flags: list[str]
    tcomment: str
    comment: str
    #: The references, or the text of the ``#:`` lines they are read from when asked.
    _occurrences: list[tuple[str, str]] | str
    previous_msgid: str | None
    previous_msgctxt: str | None
    previous_msgid_plural: str | None
    obsolete: int  # (a bool here; polib's own parser sets 0 or 1: see ``model.Entry``)
    #: The line, or (catalog text, where the entry starts) to count it from when asked.
    _linenum: int | tuple[str, int] | None

    @property
    def occurrences(self) -> list[tuple[str, str]]:
        found = self._occurrences
        if isinstance(found, str):
            found = self._occurrences = _references(found)
        return found

    @occurrences.setter
    def occurrences(self, value: list[tuple[str, str]]) -> None:
        self._occurrences = value

    @property
    def linenum(self) -> int | None:
        found = self._linenum
        if isinstance(found, tuple):
            text, start = found
            found = self._linenum = text.count("\n", 0, start) + 1
        return found

    @linenum.setter
    def linenum(self, value: int | None) -> None:
        self._linenum = value


#: Positions in the record an entry is read into (ReadEntry's fields, in order).
(_ID, _STR, _CTXT, _PLURAL, _STRS, _FLAGS, _NOTES, _COMMENT, _OCC, _PREV_ID, _PREV_CTXT,
 _PREV_PLURAL, _OBSOLETE, _LINE) = range(14)


def _blank(linenum: int) -> list[Any]:
    """A new entry's record, with polib's ``POEntry`` defaults."""
    return ["", "", None, "", {}, [], "", "", [], None, None, None, False, linenum]


class ReadFile(list[Entry]):
    """The entries (header entry removed, as polib does) plus the header fields."""

    def __init__(self) -> None:
        super().__init__()
        self.header = ""
        self.metadata: dict[str, str] = {}
        self.metadata_is_fuzzy: object = 0


_ESCAPE = re.compile(r'\\(\\|n|t|r|v|b|f|")')
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "v": "\v", "b": "\b", "f": "\f", "\\": "\\"}
_BAD_QUOTE = re.compile(r'([^\\]|^)"')


def _unescape(text: str) -> str:
    """polib's ``unescape``, with the common no-backslash case answered at once."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _ESCAPES.get(m.group(1), m.group(1)), text)


def _plain_string(text: str) -> bool:
    """``"…"`` with no quote or backslash inside: a string ``_VALID_LINE`` accepts."""
    return (len(text) >= 2 and text[0] == '"' and text[-1] == '"'
            and '"' not in text[1:-1] and "\\" not in text)


def _plain_line(line: str) -> bool:
    """A line ``_VALID_LINE`` accepts, told without the regular expression in the common
    case (a string, or a keyword, one space and a string, with nothing to unescape)."""
    if line[0] == '"':
        return _plain_string(line)
    keyword, _, rest = line.partition(" ")
    return keyword in _KEYWORDS and _plain_string(rest)


def _bad_quote(inner: str) -> bool:
    return '"' in inner and _BAD_QUOTE.search(inner) is not None


_KEYWORDS = {"msgctxt": "ct", "msgid": "mi", "msgstr": "ms", "msgid_plural": "mp"}
_PREVIOUS = {"msgid_plural": "pp", "msgid": "pm", "msgctxt": "pc"}
_ALL = ("st", "he", "gc", "oc", "fl", "ct", "pc", "pm", "pp", "tc", "ms", "mp", "mx", "mi")
#: polib's transitions: (symbol, state) -> next state (its ``add`` calls, in order).
_NEXT: dict[tuple[str, str], str] = {}
for _symbol, _states, _next in (
    ("tc", ("st", "he"), "he"),
    ("tc", ("gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mp", "mx", "mi"), "tc"),
    ("gc", _ALL, "gc"), ("oc", _ALL, "oc"), ("fl", _ALL, "fl"), ("pc", _ALL, "pc"),
    ("pm", _ALL, "pm"), ("pp", _ALL, "pp"),
    ("ct", ("st", "he", "gc", "oc", "fl", "tc", "pc", "pm", "pp", "ms", "mx"), "ct"),
    ("mi", ("st", "he", "gc", "oc", "fl", "ct", "tc", "pc", "pm", "pp", "ms", "mx"), "mi"),
    ("mp", ("tc", "gc", "pc", "pm", "pp", "mi"), "mp"),
    ("ms", ("mi", "mp", "tc"), "ms"),
    ("mx", ("mi", "mx", "mp", "tc"), "mx"),
    ("mc", ("ct", "mi", "mp", "ms", "mx", "pm", "pp", "pc"), "mc"),
):
    for _state in _states:
        _NEXT[(_symbol, _state)] = _next
#: States in which a continuation string is simply appended (its run is read in one go).
_RUNS = frozenset({"mi", "ms", "mp", "mx"})
#: Handlers that start a new entry when they follow a msgstr (polib's ``in ['mc', 'ms', 'mx']``).
_STARTERS = frozenset({"tc", "gc", "oc", "fl", "pp", "pm", "pc", "ct", "mi"})


def _entries(text: str) -> ReadFile:
    """polib's ``_POFileParser.parse`` on ``text`` (see the module docstring)."""
    out = ReadFile()
    entry = _blank(0)
    state = "st"
    index = 0
    tokens: list[str] = []
    lines = text.splitlines()
    count_lines = len(lines)
    number = 0
    while number < count_lines:
        raw = lines[number]
        number += 1  # 1-based, as polib counts
        if state in _RUNS and raw[:1] == '"' and raw[-1:] == '"' and len(raw) > 1:
            # The common case, most lines of a catalog: a run of continuation strings with
            # nothing to unescape, read without the general machinery below.
            inner = raw[1:-1]
            if '"' not in inner and "\\" not in inner:
                pieces = [inner]
                while number < count_lines:
                    nxt = lines[number]
                    inner = nxt[1:-1]
                    if (nxt[:1] != '"' or nxt[-1:] != '"' or len(nxt) < 2 or '"' in inner
                            or "\\" in inner):
                        break
                    pieces.append(inner)
                    number += 1
                _continue(entry, state, index, "".join(pieces))
                tokens = [raw]
                continue
        line = raw.strip()
        if not line:
            continue
        if (line[0] != "#" or raw[0] != "#") and not (
            len(raw) == len(line) and _plain_line(line)
        ) and _VALID_LINE.match(raw) is None:
            raise _Fallback  # catalog.parse names the line (as msgfmt would)
        tokens = line.split(None, 2)
        count = len(tokens)
        if tokens[0] == "#~|":
            continue
        obsolete = False
        if tokens[0] == "#~" and count > 1:
            line = line[3:].strip()
            tokens = tokens[1:]
            count -= 1
            obsolete = True
        first = tokens[0]
        if first in _KEYWORDS and count > 1:
            token = line[len(first):].lstrip()
            if _bad_quote(token[1:-1]):
                raise _Fallback
            symbol = _KEYWORDS[first]
        elif first == "#:":
            if count <= 1:
                continue
            token, symbol = line, "oc"
        elif line[:1] == '"':
            if _bad_quote(line[1:-1]):
                raise _Fallback
            token, symbol = line, "mc"
        elif line[:7] == "msgstr[":
            token, symbol = line, "mx"
        elif first == "#,":
            if count <= 1:
                continue
            token, symbol = line, "fl"
        elif first == "#" or first.startswith("##"):
            token, symbol = (line + " " if line == "#" else line), "tc"
        elif first == "#.":
            if count <= 1:
                continue
            token, symbol = line, "gc"
        elif first == "#|":
            if count <= 1:
                raise _Fallback
            token = line[2:].lstrip()
            if tokens[1].startswith('"'):
                symbol = "mc"
            elif count == 2 or tokens[1] not in _PREVIOUS:
                raise _Fallback
            else:
                token = token[len(tokens[1]):].lstrip()
                symbol = _PREVIOUS[tokens[1]]
        else:
            raise _Fallback
        target = _NEXT.get((symbol, state))
        if target is None:
            raise _Fallback  # polib: "Syntax error in po file"
        if symbol == "mc":
            _continue(entry, state, index, _unescape(token[1:-1]))
            continue  # a continuation never changes the state
        if target == "he":
            if out.header != "":
                out.header += "\n"
            out.header += token[2:]
            state = target
            continue
        if symbol in _STARTERS and state in ("ms", "mx"):
            out.append(ReadEntry(*entry))
            entry = _blank(number)
        if symbol == "tc":
            if entry[_NOTES] != "":
                entry[_NOTES] += "\n"
            comment = token.lstrip("#")
            entry[_NOTES] += comment[1:] if comment.startswith(" ") else comment
        elif symbol == "gc":
            if entry[_COMMENT] != "":
                entry[_COMMENT] += "\n"
            entry[_COMMENT] += token[3:]
        elif symbol == "oc":
            entry[_OCC] += _references(token[3:])
        elif symbol == "fl":
            entry[_FLAGS] += [c.strip() for c in token[3:].split(",")]
        elif symbol == "pp":
            entry[_PREV_PLURAL] = _unescape(token[1:-1])
        elif symbol == "pm":
            entry[_PREV_ID] = _unescape(token[1:-1])
        elif symbol == "pc":
            entry[_PREV_CTXT] = _unescape(token[1:-1])
        elif symbol == "ct":
            entry[_CTXT] = _unescape(token[1:-1])
        elif symbol == "mi":
            entry[_OBSOLETE] = obsolete
            entry[_ID] = _unescape(token[1:-1])
        elif symbol == "mp":
            entry[_PLURAL] = _unescape(token[1:-1])
        elif symbol == "ms":
            entry[_STR] = _unescape(token[1:-1])
        elif symbol == "mx":
            if not token[7:8].isdigit():
                raise _Fallback
            index = int(token[7])
            entry[_STRS][index] = _unescape(token[token.find('"') + 1:-1])
        state = target
    if tokens and not tokens[0].startswith("#"):
        out.append(ReadEntry(*entry))
    _header(out)
    return out


def _references(text: str) -> list[tuple[str, str]]:
    """The references of ``#:`` lines (what follows the ``#: ``), as polib splits them:
    ``path:line`` when the part after the last colon is a number, else the whole word."""
    if " " not in text and text.isprintable():  # one reference (most entries), said at once
        where, colon, at = text.rpartition(":")
        return [(where, at) if colon and at.isdigit() else (text, "")] if text else []
    return [(where, at) if colon and at.isdigit() else (word, "")
            for word in text.split() for where, colon, at in (word.rpartition(":"),)]


#: What ``str.splitlines`` (polib's line splitting) ends a line at besides ``\n``: a text
#: holding any of them is left to the general reader (so a line below is a ``\n`` line).
_ODD_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")
#: A string's content as ``_VALID_LINE`` accepts it (no bare quote, whole escapes).
_CONTENT = r'[^"\\\n]*(?:\\.[^"\\\n]*)*'
_VALID_CONTENT = re.compile(_CONTENT)
#: Runs of continuation lines (after their lead: none, ``#~ `` or ``#| ``) checked whole.
_VALID_RUNS = {lead: re.compile(rf'(?:{re.escape(lead)}"{_CONTENT}"\n)*')
               for lead in ("", "#~ ", "#| ")}
#: A comment line's text: not empty, nothing to strip at its end.
_C = r"[^\n]*\S\n"
#: Header comments (``#`` or ``# text`` lines before the first entry) and blank lines.
_HEAD = re.compile(rf"(?:#(?: {_C}|\n)|\n)*")
#: One entry as gettext's tools, polib and transflow write it: comments in gettext's order
#: (translator, extracted, references, flags, previous context and msgid), then msgctxt,
#: msgid and msgstr, each a quoted line and its quoted continuation lines, all live or all
#: ``#~`` (obsolete); then any blank lines. What is between a line's quotes is checked
#: apart (:func:`_string`: most texts hold no quote or backslash, so that is one look).
#: Read with ``findall`` (the whole entry first: the entries must cover the text). The
#: optional lines (previous context and msgid, msgctxt) are captured with their keyword,
#: as ``findall`` gives ``""`` for a line that is not there.
_ENTRIES = re.compile(
    rf"((?P<tc>(?:# {_C})*)(?P<gc>(?:#\. {_C})*)(?P<oc>(?:#: {_C})*)(?P<fl>(?:#, {_C})*)"
    r'(?:(?P<pc>#\| msgctxt "[^\n]*")\n(?P<pcs>(?:#\| "[^\n]*"\n)*))?'
    r'(?:(?P<pm>#\| msgid "[^\n]*")\n(?P<pms>(?:#\| "[^\n]*"\n)*))?'
    r"(?P<ob>(?:#~ )?)"
    r'(?:(?P<ct>msgctxt "[^\n]*")\n(?P<cts>(?:(?P=ob)"[^\n]*"\n)*)(?P=ob))?'
    r'msgid (?P<mi>"[^\n]*"\n(?:(?P=ob)"[^\n]*"\n)*)'
    r'(?P=ob)msgstr (?P<ms>"[^\n]*"\n(?:(?P=ob)"[^\n]*"\n)*)\n*)'
)


class _Unusual(Exception):
    """A string :func:`_canonical` does not read (a bare quote): the general reader does."""


def _string(first: str, run: str, lead: str) -> str:
    """A string line's content and its continuation lines' (each ``lead`` + quoted),
    checked as ``_VALID_LINE`` checks them and unescaped (as one: a line holds whole
    escapes, so no escape spans two lines)."""
    if ('"' in first or "\\" in first) and _VALID_CONTENT.fullmatch(first) is None:
        raise _Unusual
    if run:
        more = run[len(lead) + 1 : -2].replace(f'"\n{lead}"', "")
        if ('"' in more or "\\" in more) and _VALID_RUNS[lead].fullmatch(run) is None:
            raise _Unusual
        first += more
    return _ESCAPE.sub(_escaped, first) if "\\" in first else first


def _lines_string(lines: str, lead: str) -> str:
    """:func:`_string` of a string line (from its quote) and its continuation lines."""
    end = lines.index("\n")
    return _string(lines[1 : end - 1], lines[end + 1 :], lead)


def _escaped(m: re.Match[str]) -> str:
    return _ESCAPES.get(m.group(1), m.group(1))


def _canonical(text: str) -> ReadFile | None:
    """What :func:`_entries` returns for ``text``, when every entry has the usual shape
    (``_ENTRY``), read an entry at a time with one regular expression; None otherwise.

    Most catalogs (every one transflow writes) have that shape: their lines need none of the
    general state machine's choices. An entry's fields are then exactly what the machine
    gathers line by line (its transitions all allowed, a new entry at each block but the
    first, numbered by its first line; a run of comment lines joined as it joins them: no
    line's text is empty). Lines are counted as ``str.splitlines`` counts them: no line of
    a matched entry holds another line break.
    """
    if any(odd in text for odd in _ODD_BREAKS):
        return None
    try:
        return _read_canonical(text)
    except _Unusual:
        return None


def _read_canonical(text: str) -> ReadFile | None:
    """:func:`_canonical` on a text whose lines all end at ``\n``."""
    out = ReadFile()
    head = _HEAD.match(text)
    assert head is not None  # it matches the empty string
    for line in head.group().split("\n")[:-1]:
        if line:
            if out.header != "":
                out.header += "\n"
            out.header += line[2:]
    start = head.end()
    found = _ENTRIES.findall(text, start)
    if sum(len(entry[0]) for entry in found) != len(text) - start:
        return None  # some text between the entries is not an entry of the usual shape
    # The first entry is the one the machine starts with (line 0); the others are numbered
    # by their first line, counted from where they start when asked (ReadEntry.linenum).
    linenum: int | tuple[str, int] = 0
    append = out.append
    for whole, tc, gc, oc, fl, pc, pcs, pm, pms, ob, ct, cts, mi, ms in found:
        # A live msgid and msgstr with no quote or backslash inside (most) need no more
        # than their lines joined; anything else is checked and unescaped by _string.
        msgid = mi[1:-2].replace('"\n"', "")
        if ob or '"' in msgid or "\\" in msgid:
            msgid = _lines_string(mi, ob)
        msgstr = ms[1:-2].replace('"\n"', "")
        if ob or '"' in msgstr or "\\" in msgstr:
            msgstr = _lines_string(ms, ob)
        append(ReadEntry(
            msgid, msgstr, _string(ct[9:-1], cts, ob) if ct else None, "", {},
            [c.strip() for c in fl[3:-1].replace("\n#, ", ",").split(",")] if fl else [],
            tc[2:-1].replace("\n# ", "\n") if tc else "",
            gc[3:-1].replace("\n#. ", "\n") if gc else "",
            oc[3:-1].replace("\n#: ", " ") if oc else [],
            _string(pm[10:-1], pms, "#| ") if pm else None,
            _string(pc[12:-1], pcs, "#| ") if pc else None, None, ob != "", linenum,
        ))
        start += len(whole)
        linenum = (text, start)
    _header(out)
    return out


def _continue(entry: list[Any], state: str, index: int, piece: str) -> None:
    """Append a continuation string to the field ``state`` is reading (polib's ``mc``)."""
    if state == "mi":
        entry[_ID] += piece
    elif state == "ms":
        entry[_STR] += piece
    elif state == "mp":
        entry[_PLURAL] += piece
    elif state == "mx":
        entry[_STRS][index] += piece
    elif state == "ct":
        entry[_CTXT] = _join(entry[_CTXT], piece)
    elif state == "pp":
        entry[_PREV_PLURAL] = _join(entry[_PREV_PLURAL], piece)
    elif state == "pm":
        entry[_PREV_ID] = _join(entry[_PREV_ID], piece)
    elif state == "pc":
        entry[_PREV_CTXT] = _join(entry[_PREV_CTXT], piece)


def _join(value: str | None, piece: str) -> str:
    if value is None:
        raise _Fallback  # polib: None += str, a TypeError it reports as a syntax error
    return value + piece


def _header(out: ReadFile) -> None:
    """polib's ``find('')``, ``remove`` and metadata split, for the one header it expects."""
    if not out or out[0].msgid != "" or out[0].obsolete:  # no header first: is there one?
        if any(e.msgid == "" and not e.obsolete for e in out):
            raise _Fallback  # a header that is not first: left to polib
        return
    if any(e.msgid == "" for e in out[1:]):
        raise _Fallback  # polib's choice and list.remove's equality: left to polib
    found = out.pop(0)
    out.metadata_is_fuzzy = found.flags
    key = None
    for msg in found.msgstr.splitlines():
        try:
            key, val = msg.split(":", 1)
            out.metadata[key] = val.strip()
        except (ValueError, KeyError):
            if key is not None:
                out.metadata[key] += "\n" + msg.strip()


def read_text(text: str, *, path: Path | None = None) -> Catalog:
    """``catalog.parse(text)``'s answer, read the lean way (errors from ``catalog.parse``)."""
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        entries = _canonical(text)
        if entries is None:
            entries = _entries(text)
    except _Fallback:
        return parse(text, path=path)
    if len({(e.obsolete, e.msgctxt, e.msgid) for e in entries}) != len(entries):
        return parse(text, path=path)  # raises the duplicate error, worded as ever
    return Catalog(entries)


def read(path: Path) -> Catalog:
    """Read a catalog for looking only (never for ``save``): ``catalog.load``'s entries,
    header and errors, at a fraction of the cost."""
    return read_text(read_decoded(path), path=path)
