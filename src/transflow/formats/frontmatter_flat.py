"""YAML front matter of the plainest form read without PyYAML: one ``key: value`` per line.

Most articles open with a few lines such as ``title: "…"``, ``lang: nl``, ``date:
2026-01-12``. Reading them does not need a YAML parser, and importing PyYAML (its scanner
compiles large patterns) was the largest single import of a cold ``sync`` (108 M of the
748 M instructions of its start-up), on top of composing each article's node tree.

Invariants:

* **the same answer or none**: :func:`read_flat` returns exactly what
  ``frontmatter_yaml.read_yaml`` returns for the same block (metadata, spans, styles,
  positions), or None, and then the caller asks PyYAML. ``tests/test_front_matter_flat.py``
  compares the two on real front matter, random mutations of it and generated blocks.
* **only what is certain is taken**: every line is blank (spaces only) or a plain key at the
  start of the line, ``:``, spaces and one value on that line: a double-quoted string
  without escapes, a single-quoted one without quotes inside, or a plain scalar that cannot
  be read any other way (no indicator first, no ``#``, no ``: ``, no ``:`` at its end). Any
  other line (a comment, an indented or continued value, a list item, an empty value, a
  tab, a character outside ``str.isprintable``, a carriage return) leaves the whole block
  to PyYAML, as do its errors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from transflow.formats.frontmatter import FieldSpan

__all__ = ["read_flat"]

#: One line of the block: a plain key, ``:``, and a value in one of the three forms.
_LINE = re.compile(
    r"([A-Za-z_][A-Za-z0-9_.-]{0,127}): +"
    r"(?:\"([^\"\\]*)\"|'([^']*)'|([^-?:,\[\]{}#&*!|>'\"%@`\s][^#]*?)) *"
)


def read_flat(
    text: str, begin: int, end: int, fields: Sequence[str]
) -> tuple[dict[str, str], list[FieldSpan]] | None:
    """The metadata and the configured fields' spans of the YAML between ``begin`` and
    ``end`` of ``text`` when every line of it is ``key: value`` (see the module's
    invariants); None when PyYAML has to read it."""
    source = text[begin:end]
    if "\r" in source:
        return None
    metadata: dict[str, str] = {}
    found: dict[str, tuple[str, int, int, str]] = {}  # key -> (text, start, end, style)
    offset = begin
    for line in source.split("\n"):
        start = offset
        offset += len(line) + 1
        if not line.strip(" "):
            continue
        match = _LINE.fullmatch(line)
        if match is None or not line.isprintable():
            return None
        key, double, single, plain = match.groups()
        if double is not None:
            value, style = double, "double"
            first, last = match.start(2) - 1, match.end(2) + 1
        elif single is not None:
            value, style = single, "single"
            first, last = match.start(3) - 1, match.end(3) + 1
        else:
            value, style = plain, "plain"
            if ": " in value or value.endswith(":"):
                return None
            first, last = match.start(4), match.end(4)
        metadata.setdefault(key, value)
        found.setdefault(key, (value, start + first, start + last, style))
    spans = []
    for wanted in dict.fromkeys(fields):
        hit = found.get(wanted)
        if hit is not None:
            spans.append(FieldSpan(wanted, hit[0], hit[1], hit[2], 0, hit[3]))
    spans.sort(key=lambda s: s.start)
    return metadata, spans
