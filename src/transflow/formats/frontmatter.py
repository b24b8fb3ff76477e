"""Front matter of Markdown articles: YAML (``---``) and TOML (``+++``), read and re-quoted.

Principles (the Markdown and HTML formats rely on them):

* Front matter is recognised only on the very first line of the article (after a BOM):
  ``---`` opens YAML, ``+++`` opens TOML. A ``---`` followed by a blank line is a thematic
  break, not front matter (po4a's ``YamlFrontMatter_fake`` case), so a post may start with a
  horizontal rule. An opener with no closing line is not front matter either (CommonMark
  reads it as text): the article is read as Markdown from its first line, with a warning.
* YAML is read by PyYAML's ``compose`` (positions and quoting style of every scalar; in
  ``frontmatter_yaml``, imported on the first YAML block read), except a block of
  ``key: value`` lines, which ``frontmatter_flat`` reads alike; TOML by ``tomllib`` (values)
  and ``toml_spans`` (positions, checked against ``tomllib``'s values).
  Front matter either refuses is an ``ArticleError`` with the article line of the problem.
* ``metadata`` holds every top-level scalar value as a string (as written for plain values).
* A configured field is a key (``title``), a dotted path into nested tables (``seo.description``)
  or a list of strings (``summary[]``: each item is a segment), combinable (``faq[].question``).
  A key that itself contains dots (``og.title`` at the top level) is matched first. Segments
  are plain, quoted and block (``|``, ``>``) YAML scalars (reached through a path or list:
  strings only; a top-level key also keeps ``title: 1984`` as before) and one-line basic and
  literal TOML strings. Anchors, aliases and tagged values are never segments.
* A segment's span is the value as written (quotes included; for a block scalar, its
  content lines, re-indented like the original on render), so rendering replaces exactly
  that and keys, comments and layout stay byte-identical. ``quote_yaml``/``quote_toml`` keep
  the original quoting style when it can represent the translation and fall back to double
  quotes with escapes when it cannot (a plain scalar inside ``[...]``/``{...}`` also quotes a
  ``,`` or bracket).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain

from transflow.errors import ArticleError


@dataclass(frozen=True, slots=True)
class FieldSpan:
    """A translatable front-matter value: its decoded text and where it is written."""

    #: The configured field it answers (``title``, ``seo.description``, ``summary[]``).
    key: str
    text: str
    start: int
    end: int
    line: int
    #: ``plain``, ``flow`` (plain inside ``[]``/``{}``), ``single``, ``double``,
    #: ``block|<indent>``, ``block><indent>`` (YAML) or ``basic``, ``literal`` (TOML).
    style: str


@dataclass(frozen=True, slots=True)
class FrontMatter:
    """What the front matter holds and where the Markdown body begins."""

    metadata: dict[str, str]
    fields: list[FieldSpan]
    #: Offset (in the string given to ``read``) of the first character after the block.
    body_start: int
    #: Number of lines the block occupies, closing line included.
    lines: int
    #: ``yaml`` or ``toml`` (``""`` when an opener turned out not to be front matter).
    syntax: str = ""
    #: Why something that looked like front matter was read as Markdown instead.
    warnings: list[str] = field(default_factory=list)


def _split_lines(text: str, start: int) -> Iterator[tuple[int, str, int]]:
    """Lines of ``text`` from ``start``: (offset, content without line ending, next offset)."""
    pos = start
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        nxt = n if nl < 0 else nl + 1
        end = n if nl < 0 else nl
        if end > pos and text[end - 1] == "\r":
            end -= 1
        yield pos, text[pos:end], nxt
        pos = nxt


def read(text: str, start: int, fields: Sequence[str]) -> FrontMatter | None:
    """Parse the front matter that opens ``text`` at ``start``; None when there is none."""
    lines = _split_lines(text, start)
    first = next(lines, None)
    if first is None:
        return None
    opener = first[1].rstrip(" \t")
    if opener not in ("---", "+++"):
        return None
    second = next(lines, None)
    if opener == "---" and (second is None or not second[1].strip()):
        return None  # a thematic break followed by a blank line (or nothing)
    closers = ("---", "...") if opener == "---" else ("+++",)
    count = 1
    close: tuple[int, str, int] | None = None
    for line in chain(() if second is None else (second,), lines):
        count += 1
        if line[1].rstrip(" \t") in closers:
            close = line
            break
    if close is None:
        return FrontMatter({}, [], start, 0, "", [
            f"line 1: {opener!r} opens no front matter (no closing {closers[0]!r} line); "
            "the article is read as Markdown from its first line"
        ])  # fmt: skip
    body_begin, body_end = first[2], close[0]
    if opener == "+++":
        metadata, spans = _read_toml(text, body_begin, body_end, fields)
    else:
        # ``key: value`` lines are read without PyYAML (the same answer); PyYAML loads with
        # the first other YAML front matter read, and a command that only renders (``build``
        # from stored parses) never imports either.
        from transflow.formats.frontmatter_flat import read_flat

        flat = read_flat(text, body_begin, body_end, fields)
        if flat is None:
            flat = _yaml_reader()(text, body_begin, body_end, fields)
        metadata, spans = flat
    return FrontMatter(metadata, spans, close[2], count, "toml" if opener == "+++" else "yaml")


def _yaml_reader() -> Callable[[str, int, int, Sequence[str]],
                               tuple[dict[str, str], list[FieldSpan]]]:
    """``frontmatter_yaml.read_yaml``, importing PyYAML the first time; a PyYAML that is not
    installed is this article's error, named, not a traceback."""
    try:
        from transflow.formats.frontmatter_yaml import read_yaml
    except ModuleNotFoundError as exc:
        raise ArticleError(
            f"cannot read this YAML front matter: the Python package {exc.name!r} is missing",
            hint="reinstall transflow with its dependencies (pip install transflow)",
        ) from exc
    return read_yaml


_TOML_ERR_LINE_RE = re.compile(r"at line (\d+)")


def _steps(path: str) -> list[tuple[str, bool]]:
    """``faq[].question`` -> [("faq", True), ("question", False)] (True: each list item)."""
    out: list[tuple[str, bool]] = []
    for part in path.split("."):
        many = part.endswith("[]")
        out.append((part[:-2] if many else part, many))
    return out


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


_FLOW_INDICATORS = re.compile(r"[,\[\]{}]")
_PLAIN_UNSAFE_START = set("-?:,[]{}#&*!|>'\"%@`")


def quote_yaml(text: str, style: str, original: str | None = None) -> str:
    """Write ``text`` as a YAML scalar, in ``style`` when that style can represent it.

    A plain value that YAML would not read as a string (``yes``, ``12``) is quoted, unless it
    is the ``original`` value unchanged (then it means what it meant before).
    """
    if style.startswith("block"):
        # A ``|`` or ``>`` block: every line indented like the original block's lines.
        kind, indent = style[5], style[6:]
        lines = text.split("\n") if kind == "|" else [re.sub(r"\s*\n\s*", " ", text.strip())]
        return ("\n" + indent).join(line.rstrip() for line in lines)
    text = " ".join(text.split("\n"))
    if style == "plain" and (_plain_ok(text) or (text == original and text.isprintable())):
        return text
    if style == "flow" and (
        (_plain_ok(text) and not _FLOW_INDICATORS.search(text))
        or (text == original and text.isprintable())
    ):
        return text
    if style == "single" and text.isprintable():
        return "'" + text.replace("'", "''") + "'"
    if text.isprintable() and '"' not in text and "\\" not in text:
        return '"' + text + '"'  # nothing to escape (the loop below, told at once)
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif not ch.isprintable() and ch != "\xa0":
            out.append(f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


#: Plain scalars YAML reads as something other than a string (YAML 1.1 and 1.2 alike).
_NOT_A_STRING = re.compile(
    r"(?i:y|n|yes|no|true|false|on|off|null|~|[-+]?\.inf|\.nan)"
    r"|[-+]?(?:\d[\d_]*)?\.?\d+(?:[eE][-+]?\d+)?|0x[0-9a-fA-F_]+|0o?[0-7_]+"
    r"|\d{4}-\d\d-\d\d(?:[Tt ].*)?"
)


def _plain_ok(text: str) -> bool:
    return bool(
        text
        and not _NOT_A_STRING.fullmatch(text)
        and text == text.strip()
        and text[0] not in _PLAIN_UNSAFE_START
        and ": " not in text
        and " #" not in text
        and not text.endswith(":")
        and "\t" not in text
        and text.isprintable()
    )


# --- TOML ------------------------------------------------------------------------------


def _read_toml(
    text: str, begin: int, end: int, fields: Sequence[str]
) -> tuple[dict[str, str], list[FieldSpan]]:
    source = text[begin:end]
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_ERR_LINE_RE.search(str(exc))
        line = _line_of(text, begin) + (int(found.group(1)) - 1 if found else 0)
        raise ArticleError(f"front matter is not valid TOML: {exc}", line=line) from exc
    metadata: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, bool):
            metadata[key] = "true" if value else "false"
        elif isinstance(value, str | int | float) or hasattr(value, "isoformat"):
            metadata[key] = str(value)
    from transflow.formats import toml_spans  # (TOML front matter only: most is YAML)

    patterns = [(wanted, _toml_pattern(wanted, data)) for wanted in dict.fromkeys(fields)]
    spans: list[FieldSpan] = []
    for found_string in toml_spans.strings(source):
        for wanted, pattern in patterns:
            if not _matches(found_string.path, pattern):
                continue
            if toml_spans.value_at(data, found_string.path) != found_string.value:
                break  # the scanner and tomllib disagree: leave the value alone
            spans.append(
                FieldSpan(
                    wanted, found_string.value, begin + found_string.start,
                    begin + found_string.end, 0, found_string.style,
                )
            )  # fmt: skip
            break
    return metadata, spans


def _toml_pattern(wanted: str, data: dict[str, object]) -> list[str | None]:
    """The path a configured field names (``None`` = any list index)."""
    if "." in wanted and wanted in data:
        return [wanted]
    out: list[str | None] = []
    for key, many in _steps(wanted):
        out.append(key)
        if many:
            out.append(None)
    return out


def _matches(path: Sequence[str | int], pattern: Sequence[str | None]) -> bool:
    if len(path) != len(pattern):
        return False
    return all(
        isinstance(p, int) if want is None else p == want
        for p, want in zip(path, pattern, strict=True)
    )


def quote_toml(text: str, style: str) -> str:
    """Write ``text`` as a TOML string, literal when asked and possible, else basic."""
    text = " ".join(text.split("\n"))
    if style == "literal" and "'" not in text and text.isprintable():
        return "'" + text + "'"
    out = []
    for ch in text:
        if ch in '"\\':
            out.append("\\" + ch)
        elif not ch.isprintable() and ch != "\xa0":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'
