"""A word-level diff of two texts: what changed in a needs-work entry's source.

One tokenizer and one matcher for every view (the terminal review marks changes as
``[-old-]{+new+}``, the review pages as ``<del>``/``<ins>``), so both always agree.
"""

from __future__ import annotations

import difflib
import re
from typing import Literal

Op = Literal["equal", "delete", "insert"]

_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def word_chunks(old: str, new: str) -> list[tuple[Op, str]]:
    """``old`` → ``new`` as chunks of unchanged, removed and added text, in reading order."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    out: list[tuple[Op, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(("equal", "".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(("delete", "".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("insert", "".join(b[j1:j2])))
    return out
