"""YAML front matter read with PyYAML: the values, and where each configured field is written.

Apart from ``frontmatter`` (which finds the block, reads TOML and re-quotes values) so that
PyYAML, whose import compiles large patterns (a tenth of a ``build``'s start-up), is loaded
only by a command that reads YAML front matter: parsing an article does, rendering one from
its stored parse (``build``, ``check``) does not. See ``frontmatter`` for the principles.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import yaml

from transflow.errors import ArticleError
from transflow.formats.frontmatter import FieldSpan, _line_of, _split_lines, _steps

_YAML_STR = "tag:yaml.org,2002:str"


def read_yaml(
    text: str, begin: int, end: int, fields: Sequence[str]
) -> tuple[dict[str, str], list[FieldSpan]]:
    """The metadata and the configured fields' spans of the YAML between ``begin`` and
    ``end`` of ``text`` (the block's lines, without its ``---`` lines)."""
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


#: ``|``, ``>``, ``|-``, ``>+``… with an optional comment: the block headers we can re-write.
_BLOCK_HEADER = re.compile(r"[|>][+-]?[ \t]*(?:#.*)?")


def _block_header_ok(header: str) -> bool:
    return _BLOCK_HEADER.fullmatch(header) is not None
