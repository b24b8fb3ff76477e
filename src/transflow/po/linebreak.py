"""Where a line may break: libunistring's ``ulc_width_linebreaks`` as GNU gettext uses it.

``write-po.c`` breaks each escaped string with libunistring's width-aware line breaking (in a
UTF-8 catalog, ``u8_width_linebreaks_v2``), passing an override array that forbids some breaks.
:func:`line_breaks` reproduces that call, so :mod:`transflow.po.layout` wraps exactly as
``msgcat``. Invariants:

* Break opportunities follow UAX #14 as libunistring 1.0 implements it (the pair table and
  the special rules for spaces, combining marks, ZWJ, regional indicators, Hebrew letters
  before hyphens, mandatory breaks), not the current Unicode standard: the point is to agree
  with the gettext a translator has installed. Classes, column widths and the pair table are
  generated from libunistring into :mod:`transflow._unitables`; nothing is derived from
  Python's ``unicodedata``.
* Filling is libunistring's greedy one: a piece (an unbreakable run with its trailing
  spaces) that would end past ``width`` moves to a new line; a piece longer than a line
  overflows it. A mandatory break (U+2028 and the like) starts a new line for counting only;
  it is not among the returned indices, which are libunistring's ``UC_BREAK_POSSIBLE`` ones.
* The fast path (texts of one-column characters in the plain pair-table classes, scanned
  with ``str.translate`` and regular expressions) gives exactly the opportunities of the full
  algorithm; its fill looks for the common ones (after spaces) only where a line ends.
  ``tests/test_po_layout.py`` checks :func:`line_breaks` against the installed
  libunistring's ``u8_width_linebreaks_v2`` on random texts that take either path.

Why not call that libunistring through ctypes when it is installed: measured on the calls a
sync makes (``benchmarks/bench_linebreak.py``), the ctypes call, its buffers and the mapping
of byte offsets back to characters cost about seven times what this code does.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate

from transflow.po import _unitables

__all__ = ["breaks_at_all", "line_breaks"]

# libunistring's line breaking classes (unilbrk/lbrktables.h); the pair table covers 0..32.
_BK, _CR, _LF, _CM, _ZW, _SP, _CB, _AI, _SA, _XX = 33, 34, 35, 36, 37, 38, 39, 40, 41, 42
_BA, _HY, _NU, _AL, _ID1, _HL, _RI, _ZWJ = 3, 5, 16, 20, 23, 28, 29, 30
_HL_BA = 100  # runtime only: a Hebrew letter followed by a hyphen or break-after character

# Break values, as in unilbrk.h.
_PROHIBITED, _POSSIBLE, _MANDATORY = 1, 2, 3

_PAIR = _unitables.PAIR_TABLE


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


#: What ``line_breaks`` fills lines from: for a fast-path text its classes and the
#: opportunities that are not a plain break after spaces (``_rare_opportunities``), found
#: lazily; for any other text its breaks (overrides applied), column widths and whether a
#: break is mandatory.
_Analysis = tuple[str, list[int]] | tuple[list[int], list[int], list[int], bool]


@lru_cache(maxsize=64)
def _analyse(text: str, forbidden: frozenset[int]) -> _Analysis:
    """Where ``text`` may break, whatever the width: cached, because a string that does not
    fit after its keyword is filled twice (after ``msgid`` and then after ``msgid ""``)."""
    classes = _classes(text)
    if _is_simple(classes):
        rare = _rare_opportunities(classes)
        return classes, ([k for k in rare if k not in forbidden] if forbidden else rare)
    infos = [_char_info(ch) for ch in text]
    breaks = _possible_breaks([lb for lb, _ in infos])
    for i in forbidden:
        breaks[i] = _PROHIBITED
    widths = [w if w > 0 else 0 for _, w in infos]
    opportunities = [i for i, brk in enumerate(breaks) if brk == _POSSIBLE]
    return opportunities, breaks, widths, _MANDATORY in breaks


def breaks_at_all(text: str, prohibited: Iterable[int], width: int, start_column: int) -> bool:
    """``bool(line_breaks(...))``: whether the text is broken at all, without filling its
    lines when it takes the fast path (a text longer than the line that has any break
    opportunity is broken; the greedy fill always cuts at one)."""
    forbidden = frozenset(prohibited)
    analysis = _analyse(text, forbidden)
    if len(analysis) == 2:
        classes, rare = analysis
        if len(classes) <= width - start_column:
            return False
        return bool(rare) or _first_after_spaces(classes, 0, forbidden) >= 0
    return bool(line_breaks(text, prohibited, width, start_column))


def line_breaks(text: str, prohibited: Iterable[int], width: int, start_column: int) -> list[int]:
    """Indices before which the text is broken (u8_width_linebreaks_v2 with overrides)."""
    forbidden = frozenset(prohibited)
    analysis = _analyse(text, forbidden)
    if len(analysis) == 2:
        classes, rare = analysis
        return _greedy_simple(classes, rare, forbidden, width, start_column)
    opportunities, breaks, widths, mandatory = analysis
    if not mandatory:
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
        piece_width += widths[i]
    if last_p >= 0 and last_column + piece_width > width:
        result.append(last_p)
    return result


# Fast path.  For text made only of one-column characters whose classes take part in nothing
# but the pair table (no combining marks, joiners, regional indicators, Hebrew, mandatory
# breaks), UAX #14 reduces to: break between adjacent non-spaces x y when the pair is a direct
# break, and after spaces before y when it is direct or indirect.  The text is mapped to one
# letter per class by str.translate and scanned with regular expressions, in C.
_SIMPLE_BASE = 0x41  # class c is written chr(0x41 + c); a space stays a space


def _simple_letter(ch: str) -> str:
    """The fast path's letter for one character, or the character itself when it is not simple
    (every non-simple character is outside the letters, so ``_is_simple`` finds it)."""
    lb, width = _char_info(ch)
    if lb in (_AI, _SA, _XX):
        lb = _AL
    if width == 1 and lb < 33 and lb not in (_HL, _RI, _ZWJ):
        return chr(_SIMPLE_BASE + lb)
    return ch


class _Letters(dict[str, str]):
    """``_simple_letter`` of each character met so far: any script takes the fast path, and
    nothing is computed at import for the characters a workspace never uses."""

    def __missing__(self, ch: str) -> str:
        letter = self[ch] = _simple_letter(ch)
        return letter


_LETTERS = _Letters()
# ASCII as a bytes table: bytes.translate is far faster than a per-character lookup, and
# most of any text is ASCII.
_ASCII_CLASS = bytes(ord(_simple_letter(chr(b))) for b in range(128)) + bytes(range(128, 256))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _classes(text: str) -> str:
    """Each character's fast-path letter (``_simple_letter``), through bytes for the ASCII part."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_CLASS).decode("ascii")
    # "replace" turns each non-ASCII code point into exactly one "?", so positions align.
    base = text.encode("ascii", "replace").translate(_ASCII_CLASS).decode("ascii")
    parts: list[str] = []
    last = 0
    for m in _NON_ASCII.finditer(text):
        i = m.start()
        parts.append(base[last:i])
        parts.append(_LETTERS[text[i]])
        last = i + 1
    parts.append(base[last:])
    return "".join(parts)

#: The bytes of a fast-path text's letters (and the space), deleted by ``_is_simple``.
_SIMPLE_BYTES = bytes([0x20, *range(_SIMPLE_BASE, _SIMPLE_BASE + 33)])


def _is_simple(classes: str) -> bool:
    """True when every character is a fast-path letter or a space (else the full algorithm).

    Why: deleting the allowed bytes is one table-driven loop in C, several times faster
    than the engine testing a character class at every position of a long paragraph (a
    non-ASCII character is never a letter, and ``isascii`` is a flag the string carries).
    """
    return classes.isascii() and not classes.encode("ascii").translate(None, _SIMPLE_BYTES)


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



def _after_space_classes() -> tuple[list[int], list[int]]:
    """The classes never broken before after spaces (closing and infix punctuation), and the
    classes after which a break after spaces depends on what follows (opening punctuation,
    quotes): for those the pair table decides."""
    simple = [c for c in range(33) if c not in (_HL, _RI, _ZWJ)]
    never = [b for b in simple if all(_PAIR[a * 33 + b] == 3 for a in simple)]
    odd = [a for a in simple if any(_PAIR[a * 33 + b] == 3 for b in simple if b not in never)]
    return never, odd


_NEVER_AFTER_SPACES, _ODD_BEFORE_SPACES = _after_space_classes()
#: Their fast-path letters (what ``_last_after_spaces`` and ``_first_after_spaces`` test).
_NEVER_LETTERS = frozenset(chr(_SIMPLE_BASE + c) for c in _NEVER_AFTER_SPACES)
_ODD_LETTERS = frozenset(chr(_SIMPLE_BASE + c) for c in _ODD_BEFORE_SPACES)


def _after_space_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Breaks after spaces: certain ones, and candidates to check against the pair table.

    After spaces the pair table breaks unless it says "prohibited": always before the classes
    of closing and infix punctuation (never matched here), and for a few preceding classes
    (opening punctuation, quotes) only before some: those go through the table.
    """
    never_set = "".join(_letter(b) for b in _NEVER_AFTER_SPACES)
    odd_set = "".join(_letter(a) for a in _ODD_BEFORE_SPACES)
    # Patterns start with a literal space so that the regex engine can skip to it quickly.
    certain = re.compile(f"( (?<=[^ {odd_set}] ) *)(?=[^ {never_set}])")
    check = re.compile(f" (?<=[{odd_set}] ) *(?=[^ ])")
    return certain, check


_CERTAIN_AFTER_SPACES, _CHECK_AFTER_SPACES = _after_space_patterns()


def _all_but(classes: Iterable[int]) -> bytes:
    """The bytes to delete from a fast-path text (as ASCII) to keep only the letters of
    ``classes``: what is left says at once whether any of them is there."""
    keep = {_SIMPLE_BASE + c for c in classes}
    return bytes(b for b in range(256) if b not in keep)


#: Per pass of ``_rare_opportunities``, the letters every match needs (the one before the
#: spaces; the rare second letter after AL or NU; the first letter), as ``_all_but`` tables.
_CHECK_NEEDS = _all_but(_ODD_BEFORE_SPACES)
_COMMON_NEEDS = _all_but(
    b for b in range(33) if any(_PAIR[a * 33 + b] == 1 for a in (_AL, _NU))
)
_OTHER_NEEDS = _all_but(
    a for a in range(33)
    if a not in (_AL, _NU) and any(_PAIR[a * 33 + b] == 1 for b in range(33))
)


def _simple_opportunities(text: str) -> list[int] | None:
    """Every break opportunity of a simple text, or None when the full algorithm is needed
    (``line_breaks`` finds the certain ones after spaces lazily; this is the whole list)."""
    classes = _classes(text)
    if not _is_simple(classes):
        return None
    # re.split keeps the captured spaces: the running length after each of them is a break.
    found = list(accumulate(map(len, _CERTAIN_AFTER_SPACES.split(classes))))[1::2]
    found += _rare_opportunities(classes)
    found.sort()
    return found


def _rare_opportunities(classes: str) -> list[int]:
    """The break opportunities of a fast-path text (its ``_classes``) other than the certain
    ones after spaces: after spaces that follow opening punctuation or a quote, and direct
    breaks between two non-spaces (after a hyphen, before an ideograph …); sorted."""
    pair = _PAIR
    base = _SIMPLE_BASE * 34
    found: list[int] = []
    # A pass runs only when a letter each of its matches needs is there (most paragraphs
    # have no opening punctuation or quote, and no rare class after a letter): a byte
    # table in C answers that several times faster than the pattern's scan.
    data = classes.encode("ascii")
    if data.translate(None, _CHECK_NEEDS):
        for m in _CHECK_AFTER_SPACES.finditer(classes):
            k = m.end()
            if pair[ord(classes[m.start() - 1]) * 33 + ord(classes[k]) - base] != 3:
                found.append(k)
    if data.translate(None, _COMMON_NEEDS):
        for m in _COMMON_DIRECT.finditer(classes):
            found.append(m.start())
    if data.translate(None, _OTHER_NEEDS):
        for m in _OTHER_DIRECT.finditer(classes):
            k = m.end()
            if pair[ord(classes[k - 1]) * 33 + ord(classes[k]) - base] == 1:
                found.append(k)
    found.sort()
    return found


def _certain_after_spaces(classes: str, run: int, k: int, forbidden: frozenset[int]) -> bool:
    """True when the spaces ``classes[run:k]`` (a whole run) are followed by a certain break
    at ``k`` (what ``_CERTAIN_AFTER_SPACES`` matches) that is not overridden."""
    return (
        run > 0
        and k < len(classes)
        and classes[k] != " "
        and classes[k] not in _NEVER_LETTERS
        and classes[run - 1] not in _ODD_LETTERS
        and k not in forbidden
    )


def _last_after_spaces(classes: str, low: int, high: int, forbidden: frozenset[int]) -> int:
    """The last certain break after spaces in ``(low, high]``, or -1 (searched backwards
    from ``high``: only the end of a line is looked at, not every space of the text)."""
    while high > low:  # (a negative ``high`` would count from the end in ``rfind``)
        space = classes.rfind(" ", low, high)
        if space < 0:
            return -1
        run = space
        while run and classes[run - 1] == " ":
            run -= 1
        if _certain_after_spaces(classes, run, space + 1, forbidden):
            return space + 1
        high = run
    return -1


def _first_after_spaces(classes: str, low: int, forbidden: frozenset[int]) -> int:
    """The first certain break after spaces after ``low``, or -1."""
    n = len(classes)
    space = classes.find(" ", low)
    while space >= 0:
        run = space
        while run and classes[run - 1] == " ":
            run -= 1
        end = space
        while end < n and classes[end] == " ":
            end += 1
        if _certain_after_spaces(classes, run, end, forbidden):
            return end
        space = classes.find(" ", end)
    return -1


def _greedy_simple(
    classes: str, rare: list[int], forbidden: frozenset[int], width: int, start_column: int
) -> list[int]:
    """:func:`_greedy_unit` over the opportunities of a fast-path text, without listing them.

    A line starting at L (a break, or 0 at ``start_column``) ends at the last opportunity
    whose column fits, or when none fits at the first one after L (the piece overflows); the
    certain breaks after spaces (most of them) are looked for only there, backwards.
    """
    n = len(classes)
    result: list[int] = []
    line = 0
    limit = width - start_column  # the last position that still fits on the line
    while n > limit:
        cut = _last_after_spaces(classes, line, limit, forbidden)
        j = bisect_right(rare, limit) - 1
        if j >= 0 and rare[j] > line and rare[j] > cut:
            cut = rare[j]
        if cut < 0:  # nothing fits: the first piece overflows the line
            first = _first_after_spaces(classes, line, forbidden)
            j = bisect_right(rare, line)
            if j < len(rare) and (first < 0 or rare[j] < first):
                first = rare[j]
            if first < 0:
                break
            cut = first
        result.append(cut)
        line = cut
        limit = cut + width
    return result

