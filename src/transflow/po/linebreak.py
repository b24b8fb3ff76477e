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
  algorithm. ``tests/test_po_layout.py`` checks :func:`line_breaks` against the installed
  libunistring's ``u8_width_linebreaks_v2`` on random texts that take either path.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import accumulate

from transflow.po import _unitables

__all__ = ["line_breaks"]

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


#: What ``line_breaks`` fills lines from: the opportunities of a fast-path text, or for any
#: other text its breaks (overrides applied), column widths and whether a break is mandatory.
_Analysis = tuple[list[int], None, None, bool] | tuple[list[int], list[int], list[int], bool]


@lru_cache(maxsize=64)
def _analyse(text: str, forbidden: frozenset[int]) -> _Analysis:
    """Where ``text`` may break, whatever the width: cached, because a string that does not
    fit after its keyword is filled twice (after ``msgid`` and then after ``msgid ""``)."""
    fast = _simple_opportunities(text)
    if fast is not None:
        return ([k for k in fast if k not in forbidden] if forbidden else fast), None, None, False
    infos = [_char_info(ch) for ch in text]
    breaks = _possible_breaks([lb for lb, _ in infos])
    for i in forbidden:
        breaks[i] = _PROHIBITED
    widths = [w if w > 0 else 0 for _, w in infos]
    opportunities = [i for i, brk in enumerate(breaks) if brk == _POSSIBLE]
    return opportunities, breaks, widths, _MANDATORY in breaks


def line_breaks(text: str, prohibited: Iterable[int], width: int, start_column: int) -> list[int]:
    """Indices before which the text is broken (u8_width_linebreaks_v2 with overrides)."""
    opportunities, breaks, widths, mandatory = _analyse(text, frozenset(prohibited))
    if breaks is None or widths is None:
        return _greedy_unit(opportunities, len(text), width, start_column)
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
    (every non-simple character is outside the letters, so ``_NOT_SIMPLE`` finds it)."""
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
