"""The compiled piece the issue proposed, measured: libunistring's line breaking through ctypes
against transflow's own (:mod:`transflow.po.linebreak`), on the calls a sync really makes.

Wrapping ``.po`` fields is the largest single item of a cold ``sync`` after Markdown parsing,
and ``msgcat`` does it with libunistring's ``u8_width_linebreaks_v2``. The question was
whether calling that (when installed) would beat the Python code. This records every
``line_breaks``/``breaks_at_all`` call :mod:`transflow.po.layout` makes while rendering the
catalogs of N generated articles (translated, as after ``fill``), then answers each call both
ways, with the same inputs and outputs (character indices in, character indices out), and
prints the two times and whether every answer agreed::

    python benchmarks/bench_linebreak.py [-n 200]

Skips (and says so) without libunistring. Not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import re
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from itertools import accumulate
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus

from transflow.po import catalog, layout, linebreak

#: (breaks_at_all rather than line_breaks?, text, prohibited, width, start column)
Call = tuple[bool, str, list[int], int, int]
_POSSIBLE = re.compile(b"\x02")  # UC_BREAK_POSSIBLE in libunistring's answer


def record_calls(n: int) -> list[Call]:
    """The layout's line-breaking calls while it renders N translated articles' catalogs."""
    calls: list[Call] = []
    plain_lines, plain_all = layout._line_breaks, layout._breaks_at_all

    def lines(text: str, prohibited: Iterable[int], width: int, start: int) -> list[int]:
        listed = list(prohibited)
        calls.append((False, text, listed, width, start))
        return plain_lines(text, listed, width, start)

    def at_all(text: str, prohibited: Iterable[int], width: int, start: int) -> bool:
        listed = list(prohibited)
        calls.append((True, text, listed, width, start))
        return plain_all(text, listed, width, start)

    with tempfile.TemporaryDirectory(prefix="transflow-linebreak-") as folder:
        root = Path(folder)
        corpus.make_workspace(root, n)
        layout._line_breaks, layout._breaks_at_all = lines, at_all  # type: ignore[assignment]
        try:
            for path in sorted((root / "locales").rglob("*.po*")):
                _clear_caches()
                catalog.render(catalog.load(path))
        finally:
            layout._line_breaks, layout._breaks_at_all = plain_lines, plain_all
    return calls


def _clear_caches() -> None:
    """Each catalog wrapped as a fresh process would (the caches filled by recording go)."""
    layout._wrapped.clear()
    layout._wrapped_old.clear()
    for name in dir(linebreak):
        clear = getattr(getattr(linebreak, name), "cache_clear", None)
        if callable(clear):
            clear()


def libunistring() -> Callable[[str, list[int], int, int], list[int]] | None:
    """``line_breaks`` answered by libunistring's ``u8_width_linebreaks_v2`` (None: absent)."""
    name = ctypes.util.find_library("unistring")
    if name is None:
        return None
    func: Any = ctypes.CDLL(name).u8_width_linebreaks_v2
    func.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int,
                     ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
    func.restype = ctypes.c_int

    def breaks(text: str, prohibited: list[int], width: int, start: int) -> list[int]:
        data = text.encode("utf-8")
        size = len(data)
        overrides = bytearray(size)
        out = ctypes.create_string_buffer(size)
        if size == len(text):  # ASCII: byte offsets are character indices
            for i in prohibited:
                overrides[i] = 1  # UC_BREAK_PROHIBITED
            func(data, size, width, start, 0, bytes(overrides), b"UTF-8", out)
            return [m.start() for m in _POSSIBLE.finditer(out.raw)]
        offsets = list(accumulate((len(ch.encode("utf-8")) for ch in text), initial=0))[:-1]
        for i in prohibited:
            overrides[offsets[i]] = 1
        func(data, size, width, start, 0, bytes(overrides), b"UTF-8", out)
        raw = out.raw
        return [i for i, at in enumerate(offsets) if raw[at] == 2]

    return breaks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", "-n", type=int, default=200)
    args = parser.parse_args()
    compiled = libunistring()
    if compiled is None:
        print("libunistring not installed: nothing to compare")
        return
    calls = record_calls(args.articles)
    chars = sum(len(text) for _, text, _, _, _ in calls)
    _clear_caches()
    started = time.perf_counter()
    ours = [linebreak.breaks_at_all(t, p, w, s) if at_all else linebreak.line_breaks(t, p, w, s)
            for at_all, t, p, w, s in calls]
    python_s = time.perf_counter() - started
    started = time.perf_counter()
    theirs: list[object] = []
    for at_all, t, p, w, s in calls:
        found = compiled(t, p, w, s)
        theirs.append(bool(found) if at_all else found)
    compiled_s = time.perf_counter() - started
    agree = sum(a == b for a, b in zip(ours, theirs, strict=True))
    print(f"{len(calls):,} calls ({chars:,} characters) from {args.articles} articles' catalogs:")
    print(f"  transflow.po.linebreak (Python)    {python_s:.3f} s")
    print(f"  libunistring through ctypes        {compiled_s:.3f} s "
          f"({compiled_s / python_s:.1f}x the Python time)")
    print(f"  same answer: {agree:,} of {len(calls):,}")


if __name__ == "__main__":
    main()
