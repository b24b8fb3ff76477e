"""po.linebreak: the fast path gives the full algorithm's break opportunities in every script.

The fast path (``_simple_opportunities``) takes any text of one-column characters in the plain
pair-table classes, whatever their script; these tests hold it to the full UAX #14 algorithm
(``_possible_breaks``) on random texts drawn from the whole code space, and both to the
installed libunistring's ``u8_width_linebreaks_v2`` (what ``msgcat`` wraps with) when present.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import random
from itertools import accumulate
from typing import Any

import pytest

from transflow.po import linebreak


def _simple_characters() -> list[str]:
    """A spread of characters that take the fast path, from every plane in use."""
    found = []
    for cp in [*range(0xA0, 0x3400, 3), *range(0xA000, 0xFFFE, 5), *range(0x10000, 0x1FB00, 11)]:
        ch = chr(cp)
        if 0xD800 <= cp < 0xE000:
            continue
        if linebreak._LETTERS[ch] != ch:
            found.append(ch)
    return found


SIMPLE = _simple_characters()
ASCII = list("abcXYZ0129 -/\\\"'()[]{}<>.,;:!?%$#@&*+=_|~^`")


def _texts(rng: random.Random, count: int, pool: list[str]) -> list[str]:
    texts = []
    for _ in range(count):
        parts = []
        for _ in range(rng.randint(1, 50)):
            roll = rng.random()
            if roll < 0.25:
                parts.append(" " * rng.randint(1, 2))
            elif roll < 0.5:
                parts.append(rng.choice(ASCII))
            else:
                parts.append(rng.choice(pool))
        texts.append("".join(parts))
    return texts


def _full(text: str) -> list[int]:
    classes = [linebreak._char_info(ch)[0] for ch in text]
    breaks = linebreak._possible_breaks(classes)
    return [i for i, brk in enumerate(breaks) if brk == linebreak._POSSIBLE]


def test_many_scripts_take_the_fast_path() -> None:
    """Superscripts, Greek, Cyrillic, CJK punctuation … are fast-path characters now."""
    assert len(SIMPLE) > 5000
    for ch in "\u2074\u2075\u00b9\u03b1\u0436\u2014\u2019\u00a0\u20ac":
        assert linebreak._LETTERS[ch] != ch, hex(ord(ch))
    for ch in "\u0301\u200d\u05d0\U0001f1f3\u2028\u4e00\t\n":  # special rules or not 1 column
        assert linebreak._LETTERS[ch] == ch, hex(ord(ch))
        assert linebreak._simple_opportunities(f"a {ch} b") is None


def test_fast_path_equals_the_full_algorithm() -> None:
    rng = random.Random(13)
    checked = 0
    for text in _texts(rng, 4000, SIMPLE):
        fast = linebreak._simple_opportunities(text)
        assert fast is not None, text
        assert fast == _full(text), text
        checked += 1
    assert checked == 4000


def _libunistring() -> Any:
    name = ctypes.util.find_library("unistring")
    if name is None:
        pytest.skip("libunistring not installed")
    lib = ctypes.CDLL(name)
    if not hasattr(lib, "u8_width_linebreaks_v2"):
        pytest.skip("this libunistring predates u8_width_linebreaks_v2")
    return lib


def test_wide_alphabet_matches_libunistring() -> None:
    """The line breaks of random many-script texts are libunistring's own."""
    lib = _libunistring()
    func = lib.u8_width_linebreaks_v2
    func.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int]
    func.argtypes += [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
    rng = random.Random(14)
    pool = [*SIMPLE, "\u0301", "\u200d", "\u05d0", "\u4e00", "\U0001f600", "\u2028"]
    for text in _texts(rng, 1500, pool):
        data = text.encode("utf-8")
        offsets = list(accumulate((len(ch.encode("utf-8")) for ch in text), initial=0))[:-1]
        width, start = rng.randint(5, 60), rng.randint(0, 20)
        out = ctypes.create_string_buffer(len(data))
        func(data, len(data), width, start, 0, None, b"UTF-8", out)
        expected = [i for i, off in enumerate(offsets) if out.raw[off] == 2]  # UC_BREAK_POSSIBLE
        assert linebreak.line_breaks(text, (), width, start) == expected, (text, width, start)


def test_lazy_fill_equals_the_fill_of_every_opportunity() -> None:
    """``line_breaks`` looks for breaks after spaces only where a line ends; it cuts exactly
    where the greedy fill over the whole list of opportunities (overrides applied) cuts, and
    ``breaks_at_all`` says whether it cuts at all."""
    rng = random.Random(15)
    pool = [*ASCII, *ASCII, "«", "»", "“", "”", "‘", "’", "—", "–", "¿", "¡", "€", "%", "…"]
    for text in _texts(rng, 3000, pool + SIMPLE[:200]):
        opportunities = linebreak._simple_opportunities(text)
        assert opportunities is not None, text
        prohibited = {i for i in range(len(text)) if rng.random() < 0.1}
        allowed = [k for k in opportunities if k not in prohibited]
        for width, start in ((rng.randint(1, 40), rng.randint(0, 45)), (76, 7), (76, 0)):
            expected = linebreak._greedy(allowed, [1] * len(text), len(text), width, start)
            found = linebreak.line_breaks(text, prohibited, width, start)
            assert found == expected, (text, sorted(prohibited), width, start)
            assert linebreak.breaks_at_all(text, prohibited, width, start) == bool(expected)
