"""Front matter of Markdown articles: YAML (``---``) and TOML (``+++``), read and re-quoted.

Principles (the Markdown format relies on them):

* Front matter is recognised only on the very first line of the article (after a BOM):
  ``---`` opens YAML, ``+++`` opens TOML. A ``---`` followed by a blank line is a thematic
  break, not front matter (po4a's ``YamlFrontMatter_fake`` case), so a post may start with a
  horizontal rule.
* An opened block that never closes, or TOML that ``tomllib`` refuses, raises ``ArticleError``
  with the line; YAML is not validated beyond its top-level scalars (no YAML library is a
  dependency, and the workflow only needs ``lang:``, ``title:`` and the like).
* ``metadata`` holds every top-level scalar value as a string. Quoted, plain and block
  (``|``, ``>``) scalars of the configured keys become segments; lists, mappings, anchors and
  tags are metadata at most, never segments.
* A segment's span is the value as written (quotes included; for a block scalar, its
  content lines, re-indented like the original on render), so rendering replaces exactly
  that and keys, comments and layout stay byte-identical. ``quote_yaml``/``quote_toml`` keep
  the original quoting style when it can represent the translation and fall back to double
  quotes with escapes when it cannot.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass

from transflow.errors import ArticleError


@dataclass(frozen=True, slots=True)
class FieldSpan:
    """A translatable front-matter value: its decoded text and where it is written."""

    key: str
    text: str
    start: int
    end: int
    line: int
    #: ``plain``, ``single``, ``double``, ``block|<indent>``, ``block><indent>`` (YAML) or
    #: ``basic``, ``literal`` (TOML).
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


_KEY_RE = re.compile(r"""(?P<key>[A-Za-z0-9_][\w.\-]*|"[^"\n]*"|'[^'\n]*')[ \t]*:(?=[ \t]|$)""")
_TOML_LINE_RE = re.compile(
    r"""[ \t]*(?P<key>[A-Za-z0-9_\-]+|"[^"\n]*")[ \t]*=[ \t]*"""
    r"""(?P<val>"(?:[^"\\\n]|\\.)*"|'[^'\n]*')[ \t]*(?:\#.*)?$"""
)
_TOML_ERR_LINE_RE = re.compile(r"at line (\d+)")
_YAML_ESCAPES = {
    "0": "\0", "a": "\a", "b": "\b", "t": "\t", "\t": "\t", "n": "\n", "v": "\v",
    "f": "\f", "r": "\r", "e": "\x1b", " ": " ", '"': '"', "/": "/", "\\": "\\",
    "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029",
}  # fmt: skip
_HEX_LEN = {"x": 2, "u": 4, "U": 8}


def _split_lines(text: str, start: int) -> list[tuple[int, str, int]]:
    """Lines of ``text`` from ``start``: (offset, content without line ending, next offset)."""
    out: list[tuple[int, str, int]] = []
    pos = start
    n = len(text)
    while pos < n:
        nl = text.find("\n", pos)
        nxt = n if nl < 0 else nl + 1
        end = n if nl < 0 else nl
        if end > pos and text[end - 1] == "\r":
            end -= 1
        out.append((pos, text[pos:end], nxt))
        pos = nxt
    return out


def read(text: str, start: int, fields: Sequence[str]) -> FrontMatter | None:
    """Parse the front matter that opens ``text`` at ``start``; None when there is none."""
    lines = _split_lines(text, start)
    if not lines:
        return None
    opener = lines[0][1].rstrip(" \t")
    if opener not in ("---", "+++"):
        return None
    if opener == "---" and (len(lines) < 2 or not lines[1][1].strip()):
        return None  # a thematic break followed by a blank line (or nothing)
    closers = ("---", "...") if opener == "---" else ("+++",)
    close = next((i for i in range(1, len(lines)) if lines[i][1].rstrip(" \t") in closers), None)
    if close is None:
        raise ArticleError(
            f"front matter opened with {opener!r} is never closed", line=1,
            hint=f"add a line {opener!r} after the last field",
        )  # fmt: skip
    body = lines[1:close]
    wanted = set(fields)
    if opener == "+++":
        metadata, spans = _read_toml(text, body, wanted)
    else:
        metadata, spans = _read_yaml(body, wanted)
    return FrontMatter(metadata, spans, lines[close][2], close + 1)


# --- YAML -----------------------------------------------------------------------------


def _read_yaml(
    body: list[tuple[int, str, int]], wanted: set[str]
) -> tuple[dict[str, str], list[FieldSpan]]:
    metadata: dict[str, str] = {}
    spans: list[FieldSpan] = []
    i = 0
    while i < len(body):
        offset, line, _ = body[i]
        match = _KEY_RE.match(line)
        i += 1
        if not match:
            continue
        key = match.group("key")
        if key[0] in "\"'":
            key = key[1:-1]
        vpos = match.end()
        while vpos < len(line) and line[vpos] in " \t":
            vpos += 1
        rest = line[vpos:]
        if not rest or rest.startswith("#"):
            continue  # a mapping or sequence follows: not a scalar
        first = rest[0]
        if first in "[{&*!%@`":
            continue
        if first in "|>":
            begin = i
            block, i = _yaml_block_scalar(body, i, first)
            metadata[key] = block
            content = [n for n in range(begin, i) if body[n][1].strip()]
            if key in wanted and block and _block_header_ok(rest):
                first_line, last_line = body[content[0]], body[content[-1]]
                indent = first_line[1][: len(first_line[1]) - len(first_line[1].lstrip(" \t"))]
                start = first_line[0] + len(indent)
                end = last_line[0] + len(last_line[1].rstrip(" \t"))
                spans.append(FieldSpan(key, block, start, end, 0, f"block{first}{indent}"))
            continue
        if first in "\"'":
            decoded, end_line, end_col = _yaml_quoted(body, i - 1, vpos, key)
            style = "double" if first == '"' else "single"
            end = body[end_line][0] + end_col
            i = end_line + 1
        else:
            decoded, end_line, end_col = _yaml_plain(body, i - 1, vpos)
            style = "plain"
            end = body[end_line][0] + end_col
            i = end_line + 1
        metadata[key] = decoded
        if key in wanted:
            spans.append(FieldSpan(key, decoded, offset + vpos, end, 0, style))
    return metadata, spans


def _block_header_ok(rest: str) -> bool:
    """``|``, ``>``, ``|-``, ``>+``… with an optional comment: the forms we can re-write."""
    return re.fullmatch(r"[|>][+-]?[ \t]*(?:#.*)?", rest) is not None


def _yaml_block_scalar(body: list[tuple[int, str, int]], i: int, kind: str) -> tuple[str, int]:
    """A ``|``/``>`` scalar's value (metadata only) and the index of the line after it."""
    parts: list[str] = []
    while i < len(body) and (not body[i][1].strip() or body[i][1][:1] in " \t"):
        parts.append(body[i][1].strip())
        i += 1
    while parts and not parts[-1]:
        parts.pop()
    return ("\n" if kind == "|" else " ").join(parts), i


def _fold(pieces: list[str]) -> str:
    """YAML line folding: one break is a space, each extra (blank) line is a newline."""
    out = pieces[0]
    blank = 0
    for piece in pieces[1:]:
        if not piece.strip():
            blank += 1
            continue
        out += ("\n" * blank if blank else " ") + piece.strip(" \t")
        blank = 0
    return out


def _yaml_quoted(
    body: list[tuple[int, str, int]], li: int, col: int, key: str
) -> tuple[str, int, int]:
    """Decode a quoted scalar from ``body[li][col]``: value, last line index, end column."""
    quote = body[li][1][col]
    first_line = li
    pieces: list[str] = []
    current: list[str] = []
    pos = col + 1
    line = body[li][1]
    while True:
        if pos >= len(line):
            # line break inside the scalar: fold (an escaped break joins without space)
            if current and current[-1] == "\\\n":
                current.pop()
                joined = "".join(current)
                li += 1
                if li >= len(body):
                    break
                line = body[li][1]
                pos = len(line) - len(line.lstrip(" \t"))
                current = [joined]
                continue
            pieces.append("".join(current).rstrip(" \t") if pieces or current else "")
            current = []
            li += 1
            if li >= len(body):
                break
            line = body[li][1]
            pos = len(line) - len(line.lstrip(" \t"))
            continue
        ch = line[pos]
        if quote == "'":
            if ch == "'":
                if line[pos + 1 : pos + 2] == "'":
                    current.append("'")
                    pos += 2
                    continue
                pieces.append("".join(current))
                return _fold(pieces), li, pos + 1
            current.append(ch)
            pos += 1
            continue
        if ch == '"':
            pieces.append("".join(current))
            return _fold(pieces), li, pos + 1
        if ch == "\\":
            nxt = line[pos + 1 : pos + 2]
            if not nxt:
                current.append("\\\n")
                pos += 1
                continue
            if nxt in _HEX_LEN:
                digits = line[pos + 2 : pos + 2 + _HEX_LEN[nxt]]
                try:
                    current.append(chr(int(digits, 16)))
                except ValueError:
                    current.append(line[pos : pos + 2])
                pos += 2 + _HEX_LEN[nxt]
                continue
            current.append(_YAML_ESCAPES.get(nxt, "\\" + nxt))
            pos += 2
            continue
        current.append(ch)
        pos += 1
    raise ArticleError(f"front matter value of {key!r} has no closing quote", line=first_line + 2)


def _yaml_plain(body: list[tuple[int, str, int]], li: int, col: int) -> tuple[str, int, int]:
    """A plain scalar (continued on indented lines): value, last line index, end column."""

    def content(text: str, start: int) -> str:
        cut = re.search(r"[ \t]#", text[start:])
        value = text[start : start + cut.start()] if cut else text[start:]
        return value.rstrip(" \t")

    pieces = [content(body[li][1], col)]
    end_line, end_col = li, col + len(pieces[0])
    nxt = li + 1
    while nxt < len(body):
        text = body[nxt][1]
        stripped = text.lstrip(" \t")
        if not stripped or text[:1] not in " \t" or stripped.startswith("#"):
            break
        if _KEY_RE.match(stripped) or stripped.startswith("- "):
            break
        lead = len(text) - len(stripped)
        piece = content(text, lead)
        pieces.append(piece)
        end_line, end_col = nxt, lead + len(piece)
        nxt += 1
    return _fold(pieces), end_line, end_col


_PLAIN_UNSAFE_START = set("-?:,[]{}#&*!|>'\"%@`")


def quote_yaml(text: str, style: str, original: str | None = None) -> str:
    """Write ``text`` as a YAML scalar, in ``style`` when that style can represent it.

    A plain value that YAML would not read as a string (``yes``, ``12``) is quoted, unless it
    is the ``original`` value unchanged (then it means what it meant before).
    """
    if style.startswith("block"):
        # A ``|`` or ``>`` block: every line indented like the original block's lines.
        kind, indent = style[5], style[6:]
        lines = text.split("\n") if kind == "|" else [" ".join(text.split())]
        return ("\n" + indent).join(line.rstrip() for line in lines)
    text = " ".join(text.split("\n"))
    if style == "plain" and (_plain_ok(text) or (text == original and text.isprintable())):
        return text
    if style == "single" and text.isprintable():
        return "'" + text.replace("'", "''") + "'"
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
    text: str, body: list[tuple[int, str, int]], wanted: set[str]
) -> tuple[dict[str, str], list[FieldSpan]]:
    source = "".join(line + "\n" for _, line, _ in body)
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        found = _TOML_ERR_LINE_RE.search(str(exc))
        line = int(found.group(1)) + 1 if found else len(body) + 2
        raise ArticleError(f"front matter is not valid TOML: {exc}", line=line) from exc
    metadata: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, bool):
            metadata[key] = "true" if value else "false"
        elif isinstance(value, str | int | float) or hasattr(value, "isoformat"):
            metadata[key] = str(value)
    spans: list[FieldSpan] = []
    for offset, text_line, _ in body:
        if text_line.lstrip().startswith("["):
            break  # a table header: what follows is not top level
        match = _TOML_LINE_RE.match(text_line)
        if not match:
            continue
        key = match.group("key").strip('"')
        value = data.get(key)
        if key not in wanted or not isinstance(value, str):
            continue
        style = "basic" if match.group("val")[0] == '"' else "literal"
        spans.append(
            FieldSpan(key, value, offset + match.start("val"), offset + match.end("val"), 0, style)
        )
    return metadata, spans


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
