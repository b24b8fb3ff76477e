"""``site.frontmatter._block`` reads lines only up to the closing one; it must find what
splitting the whole page into lines found (the plain definition kept here)."""

from __future__ import annotations

import random
import re

from transflow.site import frontmatter

_SPLIT = re.compile(r"(?<=\n)")


def by_splitting(text: str) -> tuple[str, tuple[str, list[str], int, int], str] | None:
    """The front matter block as found by splitting all of ``text`` into lines."""
    prefix = "\ufeff" if text.startswith("\ufeff") else ""
    lines = _SPLIT.split(text[len(prefix):])
    if not lines or lines[0].rstrip() not in ("---", "+++"):
        return None
    opener = lines[0].rstrip()
    if opener == "---" and (len(lines) < 2 or not lines[1].strip()):
        return None
    closers = ("---", "...") if opener == "---" else ("+++",)
    for index in range(1, len(lines)):
        if lines[index].rstrip() in closers:
            kind = "yaml" if opener == "---" else "toml"
            return prefix, (kind, lines[: index + 1], 1, index), "".join(lines[index + 1 :])
    return None


def test_the_block_is_what_splitting_every_line_finds() -> None:
    rng = random.Random(3)
    lines = ["---", "+++", "...", "--- ", "+++\t", "", " ", "a: 1", "title = 'x'", "body"]
    ends = ["\n", "\r\n", "\n", ""]
    found = 0
    for _ in range(20000):
        text = rng.choice(["", "\ufeff", ""]) + "".join(
            rng.choice(lines) + rng.choice(ends) for _ in range(rng.randint(0, 8)))
        block = frontmatter._block(text)
        got = None if block is None else (
            block[0], (block[1].kind, block[1].lines, block[1].first, block[1].close), block[2])
        assert got == by_splitting(text), repr(text)
        found += got is not None
    assert found > 1000  # the generator reaches blocks, not only refusals
