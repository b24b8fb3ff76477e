"""Write ``.po``/``.pot`` text in GNU gettext's canonical layout, byte for byte as ``msgcat``.

Why: translators and CI run gettext tools on our catalogs; if ``msgcat FILE`` re-wrapped what
transflow wrote, every such run would produce a diff.  So :func:`render_po` reproduces
``write-po.c`` of GNU gettext 0.21 (the default ``msgcat`` options: page width 79, no
indentation, no escaping of non-ASCII) on top of libunistring's line breaking, which
:mod:`transflow.po.linebreak` reproduces (this module decides what is broken, that one where):

* Each string is cut after every ``\\n`` into *portions*; a portion is escaped (``\\\\``,
  ``\\"``, ``\\n``, ``\\t`` …) and then broken at the opportunities of Unicode line breaking
  (UAX #14 as libunistring 1.0 implements it: after spaces, after hyphens and ``/`` before
  letters, before ``(`` or ``\\`` after a space, never inside the escape's second character),
  greedily: a piece that would end past column 77 of the text moves to the next line.  Pieces
  include their trailing spaces, and one unbreakable piece may overflow the line.
* If the first portion does not fit on the keyword's line, or more portions follow, the
  keyword gets ``""`` and the text starts on the next line.
* Comments and flags come in gettext's order; flags are normalised as ``msgcat`` does
  (``fuzzy`` only when the first ``msgstr`` is non-empty, format flags in gettext's language
  order, unknown flags dropped); exact duplicate references are dropped and references wrap at
  79 columns; a comment line ending in a backslash gets a trailing space (gettext would read
  it as a line continuation); obsolete entries with an empty ``msgstr`` are not written;
  duplicate entries are refused.

Limits (not needed by transflow, documented so nobody relies on them): entries flagged with a
``*-format`` flag are wrapped without gettext's "never break inside a format directive" rule;
only UTF-8 (and pure ASCII) catalogs are supported.

Invariant: for any catalog transflow writes, ``msgcat`` leaves the text unchanged, and
``render_po(polib.pofile(render_po(po))) == render_po(po)`` except for what polib cannot parse
back (previous msgids of obsolete entries, ``#~|``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any

from transflow.errors import CatalogError
from transflow.po.linebreak import breaks_at_all as _breaks_at_all
from transflow.po.linebreak import line_breaks as _line_breaks
from transflow.po.model import Entry, POFile

PAGE_WIDTH = 79
"""The default ``--width`` of the gettext tools."""

_NO_WRAP_WIDTH = 2**31 - 1  # INT_MAX: the width gettext uses for a ``no-wrap`` entry

# The escapes of write-po.c; each becomes two characters, the second never preceded by a break.
_ESCAPES = {
    "\\": "\\\\",  # first: see ``_escape``
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    '"': '\\"',
}
_NEEDS_ESCAPE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")


def _escape(text: str) -> str:
    """Apply write-po.c's escapes (a search in C first: most text needs none).

    One ``str.replace`` per character present, the backslash first so that the escapes'
    own backslashes are not doubled: each is a scan in C, where ``str.translate`` with a
    table looks every character up in a dict (40 times slower on a paragraph).
    """
    if not _NEEDS_ESCAPE.search(text):
        return text
    for char, escaped in _ESCAPES.items():
        if char in text:
            text = text.replace(char, escaped)
    return text


# gettext 0.21's format_language[] order: the order msgcat prints format flags in.
_FORMAT_LANGUAGES = (
    "c",
    "objc",
    "python",
    "python-brace",
    "java",
    "java-printf",
    "csharp",
    "javascript",
    "scheme",
    "lisp",
    "elisp",
    "librep",
    "ruby",
    "sh",
    "awk",
    "lua",
    "object-pascal",
    "smalltalk",
    "qt",
    "qt-plural",
    "kde",
    "kde-kuit",
    "boost",
    "tcl",
    "perl",
    "perl-brace",
    "php",
    "gcc-internal",
    "gfc-internal",
    "ycp",
)
_FORMAT_RANK = {lang: rank for rank, lang in enumerate(_FORMAT_LANGUAGES)}






_ESCAPE_SECOND = re.compile(r"\\.", re.DOTALL)


# Format directives of the printf family (c, perl, python, php, …) and of the brace family
# (python-brace, c++, java {0}): write-po.c never breaks inside one.
_PERCENT_DIRECTIVE = re.compile(r"%(?:\([^)]*\))?[-+ #0'*.$\dhlLqjzt]*[A-Za-z%@]")
_BRACE_DIRECTIVE = re.compile(r"\{[^{}\s]*\}")
_BRACE_FORMATS = frozenset({"python-brace", "c++", "java", "csharp", "perl-brace", "kde-kuit"})


def directive_style(flags: Iterable[str]) -> str:
    """"percent", "brace" or "" for an entry's format flags (``no-c-format`` is none)."""
    for flag in flags:
        if flag.endswith("-format") and not flag.startswith("no-"):
            name = flag.removeprefix("possible-").removesuffix("-format")
            return "brace" if name in _BRACE_FORMATS else "percent"
    return ""


def _prohibited(portion: str, escaped: str, directives: str = "") -> list[int]:
    """The indices of ``escaped`` (the portion, escaped) where write-po.c forbids a break."""
    prohibited: list[int] = []
    if directives:
        pattern = _BRACE_DIRECTIVE if directives == "brace" else _PERCENT_DIRECTIVE
        for m in pattern.finditer(escaped):
            prohibited.extend(range(m.start() + 1, m.end()))
    if "\\" not in escaped:
        return prohibited
    prohibited += [m.start() + 1 for m in _ESCAPE_SECOND.finditer(escaped)]
    if portion.endswith("\n"):
        prohibited.append(len(escaped) - 2)  # "Don't break immediately before the \n at the end."
    return prohibited


def _fits(escaped: str, room: int) -> bool:
    """Cheap test that the escaped text needs no line-breaking analysis at all."""
    if len(escaped) <= room and escaped.isascii():
        return True  # ASCII characters are at most one column wide
    return 2 * len(escaped) <= room


def wrap_string(
    keyword: str,
    value: str,
    *,
    prefix: str = "",
    wrap: bool = True,
    page_width: int = PAGE_WIDTH,
    directives: str = "",
) -> list[str]:
    """Lines of one ``keyword "value"`` field, as gettext's ``wrap()`` prints them.

    ``directives`` ("percent" or "brace", see ``directive_style``) forbids breaks inside
    format directives, as gettext does for entries with a format flag.
    """
    return list(_wrap_cached(keyword, value, prefix, wrap, page_width, directives))


#: What the fields wrapped lately may hold, in :func:`_wrap_cost` units (about bytes).
WRAP_BUDGET = 4 * 2**20

_Field = tuple[str, str, str, bool, int, str]

#: Recently wrapped fields, in two generations: ``(keyword, value, prefix, wrap,
#: page_width, directives)`` -> their lines (see :func:`_wrap_cached`); ``_wrapped_cost``
#: is what the young one holds.
_wrapped: dict[_Field, tuple[str, ...]] = {}
_wrapped_old: dict[_Field, tuple[str, ...]] = {}
_wrapped_cost = 0


def _wrap_cost(value: str) -> int:
    """What a wrapped field holds, roughly in bytes for Latin-1 text: the value, its lines
    (about as long again, plus a string's overhead per line) and the entry itself."""
    return 3 * len(value) + 256


def _wrap_cached(
    keyword: str, value: str, prefix: str, wrap: bool, page_width: int, directives: str
) -> tuple[str, ...]:
    """``_wrap``, kept for the fields wrapped lately: the catalogs of an article (its
    template and each language's catalog) share their msgids, and the catalogs written
    one after the other share their empty ``msgstr``s and header lines.

    The rule that bounds it: two generations, each costing at most half of
    :data:`WRAP_BUDGET` (see :func:`_wrap_cost`; up to four times that in bytes for text
    beyond Latin-1). A field is kept in the young one; when that is full it becomes the
    old one (the old one goes); a field found in the old one is kept again in the young
    one, so what is in use stays (a field that costs more than half the budget is not
    kept). So a process that writes thousands of catalogs holds a few MiB of them,
    whatever their number or length, while an article's fields are still there for its
    next catalog unless its text alone is megabytes (then they are wrapped again: the
    same lines). Measured over a 2,000-article sync of the benchmark's corpus: an LRU of
    64 fields found every field 16,384 did (73% of the calls), and so does this; emptying
    it all, or its oldest half, when full wrapped again what was in use each time (+0.4%
    of a sync's instructions).
    """
    key = (keyword, value, prefix, wrap, page_width, directives)
    return _wrapped.get(key) or _wrap_kept(key)


def _wrap_kept(key: _Field) -> tuple[str, ...]:
    """``_wrap`` of a field not in the young generation (``key`` as ``_wrapped`` has it),
    kept there.

    Callers look in ``_wrapped`` themselves first (``_wrapped.get(key) or
    _wrap_kept(key)``: a field is never wrapped to no line): a Python call per field
    found cost more instructions than ``lru_cache`` did.
    """
    global _wrapped, _wrapped_old, _wrapped_cost
    cost = 3 * len(key[1]) + 256  # (``_wrap_cost``, inline: once per field wrapped)
    lines = _wrapped_old.get(key)
    if lines is None:
        lines = tuple(_wrap(*key))
        if cost > WRAP_BUDGET // 2:  # more than a generation holds: not kept
            return lines
    if _wrapped_cost + cost > WRAP_BUDGET // 2:
        _wrapped_old, _wrapped, _wrapped_cost = _wrapped, {}, 0
    _wrapped[key] = lines
    _wrapped_cost += cost
    return lines


def _wrap(
    keyword: str, value: str, prefix: str, wrap: bool, page_width: int, directives: str
) -> list[str]:
    portions = value.splitlines(keepends=True) if "\n" in value else [value]
    # str.splitlines also splits on \r, \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029; gettext
    # only cuts after \n, so rejoin anything that was cut elsewhere.
    if len(portions) > 1 and any(not part.endswith("\n") for part in portions[:-1]):
        portions = _split_after_newlines(value)
    width = (page_width if wrap else _NO_WRAP_WIDTH) - 2 - len(prefix)
    # The first portion starts after the keyword; each one after it on a line of its own.
    portion = portions[0]
    escaped = _escape(portion)
    start = len(keyword) + 1
    cuts: list[int] = []
    head = f"{prefix}{keyword} "
    if escaped:
        prohibited: list[int] | None = None
        # The keyword gets a line of its own (``msgid ""``) when more portions follow or
        # the text would be broken after it; only then are the lines cut (from column 0),
        # so a long text is filled once, not once after the keyword and again.
        own_line = len(portions) > 1 or start > width
        if not own_line and not _fits(escaped, width - start):
            prohibited = _prohibited(portion, escaped, directives)
            own_line = _breaks_at_all(escaped, prohibited, width, start)
        if own_line:
            lines = [f'{prefix}{keyword} ""',
                     *_from_column_0(portion, escaped, prohibited, prefix, width, directives)]
            for portion in portions[1:]:
                lines += (_portion_lines(portion, prefix, width, directives)
                          if len(portion) <= PORTION_KEPT else
                          _from_column_0(portion, _escape(portion), None, prefix, width,
                                         directives))
            return lines
    elif not _fits(escaped, width - start):  # (an empty text always fits)
        cuts = _line_breaks(escaped, _prohibited(portion, escaped, directives), width, start)
    lines = []
    begin = 0
    for cut in cuts:
        lines.append(f'{head}"{escaped[begin:cut]}"')
        head = prefix
        begin = cut
    lines.append(f'{head}"{escaped[begin:]}"')
    return lines


def _from_column_0(
    portion: str, escaped: str, prohibited: list[int] | None, prefix: str, width: int,
    directives: str,
) -> tuple[str, ...]:
    """The lines of a portion that starts on a line of its own (after ``msgid ""``, or a
    portion after the first), given it escaped (and where breaks are prohibited, when
    known): they depend on nothing else."""
    if _fits(escaped, width):
        return (f'{prefix}"{escaped}"',)
    if prohibited is None:
        prohibited = _prohibited(portion, escaped, directives)
    cuts = _line_breaks(escaped, prohibited, width, 0)
    lines: list[str] = []
    begin = 0
    for cut in cuts:
        lines.append(f'{prefix}"{escaped[begin:cut]}"')
        begin = cut
    lines.append(f'{prefix}"{escaped[begin:]}"')
    return tuple(lines)


#: Longest portion ``_portion_lines`` keeps: with its 4,096 entries, a few MiB at most (a
#: header line is far shorter; a long portion of a text is kept with the whole text by
#: ``_wrap_cached``, for the article's next catalog).
PORTION_KEPT = 200


@lru_cache(maxsize=4096)
def _portion_lines(portion: str, prefix: str, width: int, directives: str) -> tuple[str, ...]:
    """``_from_column_0`` of a portion after the first, cached: every catalog a command
    writes has a header of a dozen such portions (``Language: nl\\n`` …), nearly all the same.
    Only portions of up to :data:`PORTION_KEPT` characters come here."""
    return _from_column_0(portion, _escape(portion), None, prefix, width, directives)


def _split_after_newlines(value: str) -> list[str]:
    parts = value.split("\n")
    portions = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        portions.append(parts[-1])
    return portions


def _comment_lines(marker: str, text: str) -> list[str]:
    """``#`` or ``#.`` lines: the marker, a space unless the line is empty, the line.

    gettext's reader joins a line ending in a backslash with the next one, even in a comment,
    so such a line gets a trailing space; polib strips it again when reading.
    """
    if "\n" not in text and not text.endswith("\\"):  # one plain line (most comments)
        return [f"{marker} {text}" if text else marker]
    return [
        (f"{marker} {line} " if line.endswith("\\") else f"{marker} {line}") if line else marker
        for line in text.split("\n")
    ]


def _reference_lines(occurrences: Sequence[tuple[str, Any]], page_width: int) -> list[str]:
    """``#:`` lines: references in order, duplicates dropped, wrapped at the page width."""
    if len(occurrences) == 1:  # the usual case, in short: one reference is one line
        path, lineno = occurrences[0]
        if lineno.__class__ is str and lineno.isascii() and lineno.isdigit() \
                and lineno[0] != "0":
            number = lineno  # as transflow writes them: already what int() would give
        else:
            number = "" if lineno in (None, "") else str(lineno).strip()
            if number.lstrip("-").isdigit():
                number = str(int(number))
        while path.startswith("./"):
            path = path[2:]
        return [f"#: {path}:{number}" if number else f"#: {path}"]
    lines: list[str] = []
    current = "#:"
    column = 2
    seen: set[tuple[str, str]] = set()
    for path, lineno in occurrences:
        number = "" if lineno in (None, "") else str(lineno).strip()
        if number.lstrip("-").isdigit():
            number = str(int(number))
        key = (path, number)  # gettext compares the stored name, before "./" is dropped
        if key in seen:
            continue
        seen.add(key)
        while path.startswith("./"):
            path = path[2:]
        text = f"{path}:{number}" if number else path
        length = len(text.encode("utf-8")) + 1
        if column > 2 and column + length > page_width:
            lines.append(current)
            current = "#:"
            column = 2
        current += " " + text
        column += length
    lines.append(current)
    return lines


def _flag_line(flags: Iterable[str], fuzzy_allowed: bool) -> tuple[str | None, bool]:
    """The ``#,`` line msgcat prints for these flags, and whether the entry may be wrapped."""
    fuzzy = False
    formats: dict[str, str] = {}
    range_flag: str | None = None
    wrap = True
    for raw in flags:
        flag = raw.strip()
        if flag == "fuzzy":
            fuzzy = True
        elif flag == "no-wrap":
            wrap = False
        elif flag == "wrap":
            wrap = True
        elif flag.startswith("range:"):
            bounds = flag[len("range:") :].strip().split("..")
            if len(bounds) == 2 and all(b.isdigit() for b in bounds):
                low, high = int(bounds[0]), int(bounds[1])
                if low < high:
                    range_flag = f"range: {low}..{high}"
        elif flag.endswith("-format"):
            name = flag[: -len("-format")]
            for qualifier, shown in (("no-", "no-"), ("possible-", ""), ("impossible-", None)):
                if name.startswith(qualifier) and name[len(qualifier) :] in _FORMAT_RANK:
                    lang = name[len(qualifier) :]
                    if shown is None:
                        formats.pop(lang, None)
                    else:
                        formats[lang] = f"{shown}{lang}-format"
                    break
            else:
                if name in _FORMAT_RANK:
                    formats[name] = f"{name}-format"
    shown_flags: list[str] = []
    if fuzzy and fuzzy_allowed:
        shown_flags.append("fuzzy")
    shown_flags += [formats[lang] for lang in sorted(formats, key=_FORMAT_RANK.__getitem__)]
    if range_flag:
        shown_flags.append(range_flag)
    if not wrap:
        shown_flags.append("no-wrap")
    return ("#, " + ", ".join(shown_flags) if shown_flags else None), wrap


def _msgstrs(entry: Entry) -> list[str]:
    """The msgstr values in order: one for a singular entry, each plural form otherwise."""
    if entry.msgid_plural:
        plural: dict[Any, str] = dict(entry.msgstr_plural or {})
        forms = [plural[key] for key in sorted(plural, key=int)]
        return forms or [""]
    return [entry.msgstr or ""]


def render_entry(entry: Entry, *, page_width: int = PAGE_WIDTH) -> list[str]:
    """The lines of one polib entry (without the blank separator line); [] if msgcat drops it.

    (Written for the common entry, the one a sync makes by the thousand: one extracted
    comment line, one reference, no flags, no previous msgid, a singular msgstr.)
    """
    obsolete = bool(getattr(entry, "obsolete", False))
    plural = entry.msgid_plural
    msgstrs = _msgstrs(entry) if plural else None
    msgstr = msgstrs[0] if msgstrs else (entry.msgstr or "")
    if obsolete and not msgstr:
        return []  # gettext does not print an untranslated obsolete entry
    lines: list[str] = []
    if entry.tcomment:
        lines += _comment_lines("#", entry.tcomment)
    comment = entry.comment
    if comment:
        if "\n" not in comment and not comment.endswith("\\"):
            lines.append(f"#. {comment}")  # (what _comment_lines gives for one plain line)
        else:
            lines += _comment_lines("#.", comment)
    if entry.occurrences:
        lines += _reference_lines(entry.occurrences, page_width)
    wrap, directives = True, ""  # no flags: what _flag_line would say
    if entry.flags:
        flag_line, wrap = _flag_line(entry.flags, fuzzy_allowed=bool(msgstr))
        directives = directive_style(entry.flags)
        if flag_line:
            lines.append(flag_line)
    if entry.previous_msgctxt is not None or entry.previous_msgid is not None \
            or entry.previous_msgid_plural is not None:
        prev_prefix = "#~| " if obsolete else "#| "
        for keyword, value in (
            ("msgctxt", entry.previous_msgctxt),
            ("msgid", entry.previous_msgid),
            ("msgid_plural", entry.previous_msgid_plural),
        ):
            if value is not None:
                lines += wrap_string(
                    keyword, value, prefix=prev_prefix, wrap=wrap, page_width=page_width,
                    directives=directives,
                )
    prefix = "#~ " if obsolete else ""
    if entry.msgctxt is not None:
        key: _Field = ("msgctxt", entry.msgctxt, prefix, wrap, page_width, directives)
        lines += _wrapped.get(key) or _wrap_kept(key)
    key = ("msgid", entry.msgid, prefix, wrap, page_width, directives)
    lines += _wrapped.get(key) or _wrap_kept(key)
    if msgstrs:
        lines += _wrap_cached("msgid_plural", plural, prefix, wrap, page_width, directives)
        for n, text in enumerate(msgstrs):
            lines += _wrap_cached(f"msgstr[{n}]", text, prefix, wrap, page_width, directives)
    elif not msgstr and page_width - len(prefix) >= 9:
        # What ``_wrap`` makes of it (an empty text fits after the keyword), without the
        # look-up: half the fields of the catalogs sync writes are empty msgstrs.
        lines.append(f'{prefix}msgstr ""')
    else:
        key = ("msgstr", msgstr, prefix, wrap, page_width, directives)
        lines += _wrapped.get(key) or _wrap_kept(key)
    return lines


def _header_lines(po: POFile, page_width: int) -> list[str]:
    """The header entry: polib keeps its comment, metadata and fuzzy flag apart."""
    metadata: dict[str, str] = po.metadata
    msgstr = "".join(f"{key}: {value}\n" for key, value in metadata.items())
    lines: list[str] = []
    if po.header:
        lines += _comment_lines("#", po.header)
    if po.metadata_is_fuzzy and msgstr:
        lines.append("#, fuzzy")
    lines += wrap_string("msgid", "", page_width=page_width)
    lines += wrap_string("msgstr", msgstr, page_width=page_width)
    return lines


def render_po_like(po: POFile, text: str, *, page_width: int = PAGE_WIDTH) -> str:
    """``render_po(po)`` when ``po`` holds exactly the entries of the catalog ``text`` is the
    ``render_po`` of, and both have a header: only ``po``'s header is rendered, the entries'
    text is taken as it is.

    Why: a first sync writes an article's template and a catalog per language, all holding
    the same new entries (untranslated); rendering those once is a good part of its cost.
    """
    if not (po.header or po.metadata or po.metadata_is_fuzzy):
        return render_po(po, page_width=page_width)
    head = "\n".join(_header_lines(po, page_width))
    _, cut, entries = text.partition("\n\n")  # a header block has no blank line
    return f"{head}\n\n{entries}" if cut else f"{head}\n"


def render_po(po: POFile, *, page_width: int = PAGE_WIDTH) -> str:
    """The whole catalog (a ``polib.POFile``) as ``msgcat`` would write it.

    The header comes from ``po.header``/``po.metadata``/``po.metadata_is_fuzzy`` (left out
    when all three are empty, as gettext writes a catalog without header); live entries follow
    in their order, obsolete ones after them, as gettext sorts them.  Raises
    :class:`CatalogError` on two live entries with the same msgctxt and msgid (including a
    second header), which gettext refuses to read.
    """
    blocks: list[list[str]] = []
    seen: set[tuple[str | None, str]] = set()
    if po.header or po.metadata or po.metadata_is_fuzzy:
        blocks.append(_header_lines(po, page_width))
        seen.add((None, ""))
    for entry in po:
        if entry.obsolete:
            continue
        key = (entry.msgctxt, entry.msgid)
        if key in seen:
            raise CatalogError(
                f"duplicate entry for msgid {entry.msgid[:60]!r}", path=getattr(po, "fpath", None)
            )
        seen.add(key)
        blocks.append(render_entry(entry, page_width=page_width))
    for entry in po:
        if entry.obsolete:
            block = render_entry(entry, page_width=page_width)
            if block:
                blocks.append(block)
    if not blocks:
        return ""
    return "\n\n".join("\n".join(block) for block in blocks) + "\n"
