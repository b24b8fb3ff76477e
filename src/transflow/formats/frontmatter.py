"""Front matter of Markdown articles: YAML (``---``) and TOML (``+++``), read and re-quoted.

Principles (the Markdown and HTML formats rely on them):

* Front matter is recognised only on the very first line of the article (after a BOM):
  ``---`` opens YAML, ``+++`` opens TOML. A ``---`` followed by a blank line is a thematic
  break, not front matter (po4a's ``YamlFrontMatter_fake`` case), so a post may start with a
  horizontal rule. An opener with no closing line is not front matter either (CommonMark
  reads it as text): the article is read as Markdown from its first line, with a warning.
* YAML is read by PyYAML's ``compose`` (positions and quoting style of every scalar), TOML by
  ``tomllib`` (values) and ``toml_spans`` (positions, checked against ``tomllib``'s values).
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
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain

import yaml

from transflow.errors import ArticleError
from transflow.formats import toml_spans


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
        metadata, spans = _read_yaml(text, body_begin, body_end, fields)
    return FrontMatter(metadata, spans, close[2], count, "toml" if opener == "+++" else "yaml")


_YAML_STR = "tag:yaml.org,2002:str"
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


# --- YAML -----------------------------------------------------------------------------


def _read_yaml(
    text: str, begin: int, end: int, fields: Sequence[str]
) -> tuple[dict[str, str], list[FieldSpan]]:
    source = text[begin:end]
    try:
        root = _compose(source)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark and (mark is None or mark.index >= len(source.rstrip())):
            mark = exc.context_mark  # "unexpected end": where the unclosed thing began
        line = _line_of(text, begin) + (mark.line if mark else 0)
        raise ArticleError(
            f"front matter is not valid YAML: {exc.problem or exc.context}", line=line,
            hint="fix the YAML (quote a value that contains ': ' or starts with a symbol)",
        ) from None  # fmt: skip
    except yaml.YAMLError as exc:  # a character YAML does not allow (ReaderError)
        position = getattr(exc, "position", 0)
        raise ArticleError(
            f"front matter is not valid YAML: {exc}", line=_line_of(text, begin + position)
        ) from None
    if not isinstance(root, yaml.MappingNode):
        return {}, []
    metadata: dict[str, str] = {}
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and isinstance(value, yaml.ScalarNode):
            if value.value == "" and not value.style:  # plain: None, or "" from libyaml
                continue  # ``key:`` with nothing after it: a null, not a text
            metadata.setdefault(str(key.value), _metadata_value(value))
    spans: list[FieldSpan] = []
    seen: set[int] = set()
    # ``_yaml_child(root, key)`` for every configured field (some forty by default) in one
    # pass over the mapping: its first value of each scalar key.
    top: dict[str, yaml.Node] = {}
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode):
            top.setdefault(key.value, value)
    for wanted in dict.fromkeys(fields):
        literal = top.get(wanted)
        if literal is not None:
            nodes = [(literal, False)]
        elif wanted.split(".", 1)[0].removesuffix("[]") in top:
            nodes = list(_yaml_find(root, _steps(wanted)))
        else:
            continue  # (the path's first key is not there: ``_yaml_find`` finds nothing)
        for node, in_flow in nodes:
            if not isinstance(node, yaml.ScalarNode) or id(node) in seen:
                continue
            if literal is None and node.tag != _YAML_STR:
                continue  # in a path or list, only strings (a top-level key keeps ``title: 1984``)
            seen.add(id(node))  # an alias is the anchored node again: one span only
            span = _yaml_span(text, begin, node, wanted, in_flow)
            if span is not None:
                spans.append(span)
    spans.sort(key=lambda s: s.start)
    return metadata, spans


#: libyaml's composer (PyYAML built with it), ten times faster than the pure-Python one.
_C_LOADER: type[yaml.CSafeLoader] | None = getattr(yaml, "CSafeLoader", None)
#: Where libyaml and the pure-Python reader disagree (tabs inside plain values, ``?`` in a
#: flow collection or as a key, byte order marks, a comment right after a block header such
#: as ``>#``, unusual tags): such sources keep the pure-Python reader.
_PURE_ONLY = re.compile("[\t?\ufeff]|[|>][-+0-9]*#|(?<![^\\s\\[\\]{},])!")


def _pure_only(source: str) -> bool:
    """``_PURE_ONLY.search(source)``, told at once when none of the characters every match
    holds is there (a tab, ``?``, a BOM, ``#``, ``!``): the pattern's look-behind branch
    makes the engine try it at every position of the front matter."""
    if "#" not in source and "!" not in source and "?" not in source and "\t" not in source \
            and "\ufeff" not in source:
        return False
    return _PURE_ONLY.search(source) is not None


def _compose(source: str) -> yaml.Node | None:
    """``yaml.compose`` with the safe loader: through libyaml when present and the source has
    none of ``_PURE_ONLY``, with the same tree (positions, tags, styles, a plain style
    being ``""`` there, not None); any problem is reported by the pure-Python reader, so
    errors read the same with or without libyaml."""
    if _C_LOADER is not None and not _pure_only(source):
        try:
            return yaml.compose(source, Loader=_C_LOADER)
        except yaml.YAMLError:
            pass
    return yaml.compose(source, Loader=yaml.SafeLoader)


def _metadata_value(node: yaml.ScalarNode) -> str:
    value = str(node.value)
    return value.rstrip("\n") if node.style in ("|", ">") else value


def _yaml_child(node: yaml.Node, key: str) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode) and k.value == key:
                return v  # type: ignore[no-any-return]
    return None


def _yaml_find(
    node: yaml.Node, steps: list[tuple[str, bool]], in_flow: bool = False
) -> Iterator[tuple[yaml.Node, bool]]:
    if not steps:
        yield node, in_flow
        return
    (key, many), rest = steps[0], steps[1:]
    child = _yaml_child(node, key)
    if child is None:
        return
    flow = in_flow or bool(getattr(child, "flow_style", False))
    if not many:
        yield from _yaml_find(child, rest, flow)
    elif isinstance(child, yaml.SequenceNode):
        for item in child.value:
            yield from _yaml_find(item, rest, flow)


def _yaml_span(
    text: str, begin: int, node: yaml.ScalarNode, key: str, in_flow: bool
) -> FieldSpan | None:
    start, end = begin + node.start_mark.index, begin + node.end_mark.index
    if text[start : start + 1] in ("&", "!", "*"):
        return None  # anchors, aliases and tags stay as written
    value = str(node.value)
    if node.style in ("|", ">"):
        header_end = text.find("\n", start, end)
        if header_end < 0 or not _block_header_ok(text[start:header_end].rstrip("\r")):
            return None
        content = [
            (offset, line)
            for offset, line, _ in _split_lines(text[:end], header_end + 1)
            if line.strip()
        ]
        if not content:
            return None
        first_offset, first_line = content[0]
        indent = first_line[: len(first_line) - len(first_line.lstrip(" \t"))]
        last_offset, last_line = content[-1]
        return FieldSpan(
            key, value.rstrip("\n"), first_offset + len(indent),
            last_offset + len(last_line.rstrip(" \t")), 0, f"block{node.style}{indent}",
        )  # fmt: skip
    style = {"'": "single", '"': "double"}.get(node.style or "", "flow" if in_flow else "plain")
    return FieldSpan(key, value, start, end, 0, style)


def _block_header_ok(header: str) -> bool:
    """``|``, ``>``, ``|-``, ``>+``… with an optional comment: the forms we can re-write."""
    return re.fullmatch(r"[|>][+-]?[ \t]*(?:#.*)?", header) is not None


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
