"""Write ``.po``/``.pot`` text in GNU gettext's canonical layout, byte for byte as ``msgcat``.

Why: translators and CI run gettext tools on our catalogs; if ``msgcat FILE`` re-wrapped what
transflow wrote, every such run would produce a diff.  So :func:`render_po` reproduces
``write-po.c`` of GNU gettext 0.21 (the default ``msgcat`` options: page width 79, no
indentation, no escaping of non-ASCII) on top of libunistring's line breaking:

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
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate
from typing import Any

from transflow import _unitables
from transflow.errors import CatalogError

PAGE_WIDTH = 79
"""The default ``--width`` of the gettext tools."""

_NO_WRAP_WIDTH = 2**31 - 1  # INT_MAX: the width gettext uses for a ``no-wrap`` entry

# libunistring's line breaking classes (unilbrk/lbrktables.h); the pair table covers 0..32.
_BK, _CR, _LF, _CM, _ZW, _SP, _CB, _AI, _SA, _XX = 33, 34, 35, 36, 37, 38, 39, 40, 41, 42
_BA, _HY, _NU, _AL, _ID1, _HL, _RI, _ZWJ = 3, 5, 16, 20, 23, 28, 29, 30
_HL_BA = 100  # runtime only: a Hebrew letter followed by a hyphen or break-after character

# Break values, as in unilbrk.h.
_PROHIBITED, _POSSIBLE, _MANDATORY = 1, 2, 3

_PAIR = _unitables.PAIR_TABLE

# The escapes of write-po.c; each becomes two characters, the second never preceded by a break.
_ESCAPES = {
    "\a": "\\a",
    "\b": "\\b",
    "\f": "\\f",
    "\n": "\\n",
    "\r": "\\r",
    "\t": "\\t",
    "\v": "\\v",
    "\\": "\\\\",
    '"': '\\"',
}
_ESCAPE_TABLE = str.maketrans(_ESCAPES)
_NEEDS_ESCAPE = re.compile("[" + re.escape("".join(_ESCAPES)) + "]")


def _escape(text: str) -> str:
    """Apply write-po.c's escapes (a search in C first: most text needs none)."""
    return text.translate(_ESCAPE_TABLE) if _NEEDS_ESCAPE.search(text) else text

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


@lru_cache(maxsize=4096)
def _char_info(ch: str) -> tuple[int, int]:
    """(line break class, column width) of one character, from libunistring's tables."""
    cp = ord(ch)
    lb = _unitables.LB_CLASS[bisect_right(_unitables.LB_START, cp) - 1]
    width = _unitables.WIDTH[bisect_right(_unitables.WIDTH_START, cp) - 1]
    return lb, (-1 if width == 255 else width)


def _possible_breaks(classes: Sequence[int]) -> list[int]:
    """Break opportunities before each character (u8_possible_linebreaks_v2, UTF-8)."""
    breaks = [_PROHIBITED] * len(classes)
    prev_prop = _BK  # class of the previous character
    last_prop = _BK  # class of the last character that is not a space
    seen_space = False  # a space came after the last non-space character
    ri_count = 0
    for i, prop in enumerate(classes):
        if prop in (_BK, _LF, _CR):
            breaks[i] = _MANDATORY
            prev_prop = prop
            last_prop = _BK
            seen_space = False
        else:
            if prop in (_AI, _SA, _XX):
                prop = _AL
            elif prop == _CB:
                prop = _ID1
            if prop == _SP:
                seen_space = True
            elif prop == _ZW:
                last_prop = _ZW
                seen_space = False
            elif prop in (_CM, _ZWJ):
                if last_prop == _BK:
                    last_prop = _AL
                    seen_space = False
                elif last_prop == _ZW or seen_space:
                    breaks[i] = _POSSIBLE
                    last_prop = _AL
                    seen_space = False
            else:
                if last_prop == _BK:
                    pass
                elif last_prop == _ZW:
                    breaks[i] = _POSSIBLE
                elif prev_prop == _ZWJ:
                    pass
                elif last_prop == _RI and prop == _RI:
                    if seen_space or ri_count % 2 == 0:
                        breaks[i] = _POSSIBLE
                elif prev_prop == _HL_BA:
                    pass
                else:
                    kind = _PAIR[last_prop * 33 + prop]
                    if kind == 1 or (kind == 2 and seen_space):
                        breaks[i] = _POSSIBLE
                last_prop = prop
                seen_space = False
            prev_prop = _HL_BA if prev_prop == _HL and (prop in (_HY, _BA)) else prop
        ri_count = ri_count + 1 if prop == _RI else 0
    return breaks


def _greedy(
    opportunities: Iterable[int],
    widths: Sequence[int],
    n: int,
    width: int,
    start_column: int,
) -> list[int]:
    """libunistring's greedy fill: a piece that would pass ``width`` starts a new line."""
    result: list[int] = []
    last_p = -1
    last_column = start_column
    piece_start = 0
    for k in opportunities:
        piece = sum(widths[piece_start:k])
        if last_p >= 0 and last_column + piece > width:
            result.append(last_p)
            last_column = 0
        last_p = k
        last_column += piece
        piece_start = k
    piece = sum(widths[piece_start:n])
    if last_p >= 0 and last_column + piece > width:
        result.append(last_p)
    return result


def _greedy_unit(opportunities: list[int], n: int, width: int, start_column: int) -> list[int]:
    """:func:`_greedy` for one-column characters, by bisection instead of piece by piece.

    A line starting at L (a break, or 0 at ``start_column``) always takes its first piece;
    it ends at the opportunity before the first later opportunity, or the end of the text,
    whose column passes ``width``.
    """
    result: list[int] = []
    count = len(opportunities)
    i = 0  # index of the first opportunity after the line start
    limit = width - start_column  # the last position that still fits on the line
    while i < count:
        j = bisect_right(opportunities, limit, i + 1)
        if j == count and n <= limit:
            break
        cut = opportunities[j - 1]
        result.append(cut)
        i = j
        limit = cut + width
    return result


def _line_breaks(text: str, prohibited: Iterable[int], width: int, start_column: int) -> list[int]:
    """Indices before which the text is broken (u8_width_linebreaks_v2 with overrides)."""
    forbidden = set(prohibited)
    fast = _simple_opportunities(text)
    if fast is not None:
        fast = [k for k in fast if k not in forbidden] if forbidden else fast
        return _greedy_unit(fast, len(text), width, start_column)
    infos = [_char_info(ch) for ch in text]
    breaks = _possible_breaks([lb for lb, _ in infos])
    for i in forbidden:
        breaks[i] = _PROHIBITED
    if _MANDATORY not in breaks:
        widths = [w if w > 0 else 0 for _, w in infos]
        opportunities = [i for i, brk in enumerate(breaks) if brk == _POSSIBLE]
        return _greedy(opportunities, widths, len(text), width, start_column)
    result: list[int] = []
    last_p = -1
    last_column = start_column
    piece_width = 0
    for i, brk in enumerate(breaks):
        if brk != _PROHIBITED:
            if last_p >= 0 and last_column + piece_width > width:
                result.append(last_p)
                last_column = 0
            if brk == _MANDATORY:  # U+2028 and the like: a new line for counting only
                last_p = -1
                last_column = 0
                piece_width = 0
                continue
            last_p = i
            last_column += piece_width
            piece_width = 0
        w = infos[i][1]
        if w > 0:
            piece_width += w
    if last_p >= 0 and last_column + piece_width > width:
        result.append(last_p)
    return result


# Fast path.  For text made only of one-column characters whose classes take part in nothing
# but the pair table (no combining marks, joiners, regional indicators, Hebrew, mandatory
# breaks), UAX #14 reduces to: break between adjacent non-spaces x y when the pair is a direct
# break, and after spaces before y when it is direct or indirect.  The text is mapped to one
# letter per class by str.translate and scanned with regular expressions, in C.
_SIMPLE_BASE = 0x41  # class c is written chr(0x41 + c); a space stays a space


def _simple_class_table() -> dict[int, int]:
    table = {0x20: 0x20}
    excluded = {_HL, _RI, _ZWJ}
    for lo, hi in ((0x21, 0x250), (0x2000, 0x2070), (0x20A0, 0x20C1)):
        for cp in range(lo, hi):
            lb, width = _char_info(chr(cp))
            if lb in (_AI, _SA, _XX):
                lb = _AL
            if width == 1 and lb < 33 and lb not in excluded:
                table[cp] = _SIMPLE_BASE + lb
    return table


_SIMPLE_CLASS = _simple_class_table()
# The same mapping for ASCII as a bytes table: bytes.translate is far faster than a
# dict-driven str.translate, and most of any text is ASCII.
_ASCII_CLASS = bytes(_SIMPLE_CLASS.get(b, b) for b in range(128)) + bytes(range(128, 256))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _classes(text: str) -> str:
    """``text.translate(_SIMPLE_CLASS)``, computed through bytes for the ASCII part."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_CLASS).decode("ascii")
    # "replace" turns each non-ASCII code point into exactly one "?", so positions align.
    base = text.encode("ascii", "replace").translate(_ASCII_CLASS).decode("ascii")
    parts: list[str] = []
    last = 0
    for m in _NON_ASCII.finditer(text):
        i = m.start()
        parts.append(base[last:i])
        code = ord(text[i])
        parts.append(chr(_SIMPLE_CLASS.get(code, code)))
        last = i + 1
    parts.append(base[last:])
    return "".join(parts)

_NOT_SIMPLE = re.compile(f"[^ {re.escape(chr(_SIMPLE_BASE))}-{re.escape(chr(_SIMPLE_BASE + 32))}]")


def _letter(cls: int) -> str:
    return re.escape(chr(_SIMPLE_BASE + cls))


def _direct_pair_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Candidates for a direct break between two adjacent non-spaces, found in C.

    Letters and digits (AL, NU) are most of the text but directly break only before a few
    rare classes: for them the pattern starts at that rare second character.  For the other
    classes every following non-space is a candidate, checked against the pair table.
    """
    common = (_AL, _NU)
    rare = []
    for a in common:
        after = "".join(_letter(b) for b in range(33) if _PAIR[a * 33 + b] == 1)
        if after:
            rare.append(f"[{after}](?<={_letter(a)}.)")
    others = "".join(
        _letter(a)
        for a in range(33)
        if a not in common and any(_PAIR[a * 33 + b] == 1 for b in range(33))
    )
    return re.compile("|".join(rare)), re.compile(f"[{others}](?=[^ ])")


_COMMON_DIRECT, _OTHER_DIRECT = _direct_pair_patterns()


def _after_space_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Breaks after spaces: certain ones, and candidates to check against the pair table.

    After spaces the pair table breaks unless it says "prohibited": always before the classes
    of closing and infix punctuation (never matched here), and for a few preceding classes
    (opening punctuation, quotes) only before some: those go through the table.
    """
    simple = [c for c in range(33) if c not in (_HL, _RI, _ZWJ)]
    never = [b for b in simple if all(_PAIR[a * 33 + b] == 3 for a in simple)]
    odd = [a for a in simple if any(_PAIR[a * 33 + b] == 3 for b in simple if b not in never)]
    never_set = "".join(_letter(b) for b in never)
    odd_set = "".join(_letter(a) for a in odd)
    # Patterns start with a literal space so that the regex engine can skip to it quickly.
    certain = re.compile(f"( (?<=[^ {odd_set}] ) *)(?=[^ {never_set}])")
    check = re.compile(f" (?<=[{odd_set}] ) *(?=[^ ])")
    return certain, check


_CERTAIN_AFTER_SPACES, _CHECK_AFTER_SPACES = _after_space_patterns()


def _simple_opportunities(text: str) -> list[int] | None:
    """Break opportunities of a simple text, or None when the full algorithm is needed."""
    classes = _classes(text)
    if _NOT_SIMPLE.search(classes):
        return None
    pair = _PAIR
    base = _SIMPLE_BASE * 34  # ord(a) * 33 + ord(b) - base == (a - B) * 33 + (b - B)
    # re.split keeps the captured spaces: the running length after each of them is a break.
    found = list(accumulate(map(len, _CERTAIN_AFTER_SPACES.split(classes))))[1::2]
    sort = False
    for m in _CHECK_AFTER_SPACES.finditer(classes):
        k = m.end()
        if pair[ord(classes[m.start() - 1]) * 33 + ord(classes[k]) - base] != 3:
            found.append(k)
            sort = True
    for m in _COMMON_DIRECT.finditer(classes):
        found.append(m.start())
        sort = True
    for m in _OTHER_DIRECT.finditer(classes):
        k = m.end()
        if pair[ord(classes[k - 1]) * 33 + ord(classes[k]) - base] == 1:
            found.append(k)
            sort = True
    if sort:
        found.sort()
    return found


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


def _escape_with_overrides(portion: str, directives: str = "") -> tuple[str, list[int]]:
    """The escaped portion and the indices where write-po.c forbids a break."""
    escaped = _escape(portion)
    prohibited: list[int] = []
    if directives:
        pattern = _BRACE_DIRECTIVE if directives == "brace" else _PERCENT_DIRECTIVE
        for m in pattern.finditer(escaped):
            prohibited.extend(range(m.start() + 1, m.end()))
    if "\\" not in escaped:
        return escaped, prohibited
    prohibited += [m.start() + 1 for m in _ESCAPE_SECOND.finditer(escaped)]
    if portion.endswith("\n"):
        prohibited.append(len(escaped) - 2)  # "Don't break immediately before the \n at the end."
    return escaped, prohibited


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


@lru_cache(maxsize=16384)
def _wrap_cached(
    keyword: str, value: str, prefix: str, wrap: bool, page_width: int, directives: str
) -> tuple[str, ...]:
    """Cached: the catalogs of an article in each language share their msgids."""
    return tuple(_wrap(keyword, value, prefix, wrap, page_width, directives))


def _wrap(
    keyword: str, value: str, prefix: str, wrap: bool, page_width: int, directives: str
) -> list[str]:
    portions = value.splitlines(keepends=True) if "\n" in value else [value]
    # str.splitlines also splits on \r, \v, \f, \x1c-\x1e, \x85, \u2028 and \u2029; gettext
    # only cuts after \n, so rejoin anything that was cut elsewhere.
    if len(portions) > 1 and any(not part.endswith("\n") for part in portions[:-1]):
        portions = _split_after_newlines(value)
    after_break = len(prefix) + 1
    width = (page_width if wrap else _NO_WRAP_WIDTH) - 1 - after_break
    lines: list[str] = []
    first_line = True
    for index, portion in enumerate(portions):
        more = index + 1 < len(portions)
        escaped = _escape(portion)
        start = len(prefix) + (len(keyword) + 1 if first_line else 0) + 1 - after_break
        cuts: list[int] = []
        if not _fits(escaped, width - start):
            escaped, prohibited = _escape_with_overrides(portion, directives)
            cuts = _line_breaks(escaped, prohibited, width, start)
        if first_line and escaped and (more or start > width or cuts):
            lines.append(f'{prefix}{keyword} ""')
            first_line = False
            start = 0
            if cuts or not _fits(escaped, width):
                escaped, prohibited = _escape_with_overrides(portion, directives)
                cuts = _line_breaks(escaped, prohibited, width, start)
        head = f"{prefix}{keyword} " if first_line else prefix
        first_line = False
        begin = 0
        for cut in cuts:
            lines.append(f'{head}"{escaped[begin:cut]}"')
            head = prefix
            begin = cut
        lines.append(f'{head}"{escaped[begin:]}"')
    return lines


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
    return [
        (f"{marker} {line} " if line.endswith("\\") else f"{marker} {line}") if line else marker
        for line in text.split("\n")
    ]


def _reference_lines(occurrences: Iterable[tuple[str, Any]], page_width: int) -> list[str]:
    """``#:`` lines: references in order, duplicates dropped, wrapped at the page width."""
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


def _msgstrs(entry: Any) -> list[str]:
    """The msgstr values in order: one for a singular entry, each plural form otherwise."""
    if entry.msgid_plural:
        plural: dict[Any, str] = entry.msgstr_plural or {}
        forms = [plural[key] for key in sorted(plural, key=int)]
        return forms or [""]
    return [entry.msgstr or ""]


def render_entry(entry: Any, *, page_width: int = PAGE_WIDTH) -> list[str]:
    """The lines of one polib entry (without the blank separator line); [] if msgcat drops it."""
    obsolete = bool(getattr(entry, "obsolete", False))
    msgstrs = _msgstrs(entry)
    if obsolete and not msgstrs[0]:
        return []  # gettext does not print an untranslated obsolete entry
    lines: list[str] = []
    if entry.tcomment:
        lines += _comment_lines("#", entry.tcomment)
    if entry.comment:
        lines += _comment_lines("#.", entry.comment)
    if entry.occurrences:
        lines += _reference_lines(entry.occurrences, page_width)
    flag_line, wrap = _flag_line(entry.flags, fuzzy_allowed=bool(msgstrs[0]))
    if flag_line:
        lines.append(flag_line)
    directives = directive_style(entry.flags)
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
    fields: list[tuple[str, str]] = []
    if entry.msgctxt is not None:
        fields.append(("msgctxt", entry.msgctxt))
    fields.append(("msgid", entry.msgid))
    if entry.msgid_plural:
        fields.append(("msgid_plural", entry.msgid_plural))
        fields += [(f"msgstr[{n}]", text) for n, text in enumerate(msgstrs)]
    else:
        fields.append(("msgstr", msgstrs[0]))
    for keyword, value in fields:
        lines += wrap_string(keyword, value, prefix=prefix, wrap=wrap, page_width=page_width,
                             directives=directives)
    return lines


def _header_lines(po: Any, page_width: int) -> list[str]:
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


def render_po(po: Any, *, page_width: int = PAGE_WIDTH) -> str:
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
