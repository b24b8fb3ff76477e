"""A parsed ``Document`` as plain data (lists, dicts, strings, ints), and back: so a parse can
be kept and reused.

``sync`` parses every article anyway; ``build`` and ``check`` need the same parse again. A
stored parse (``.transflow-cache/``, written with ``marshal`` by ``workflow.parse_cache``)
spares them markdown-it. What is stored here must be safe to load whatever wrote it (the
cache folder may be restored by CI from another branch): only those plain types go in, and
:func:`load` builds nothing but ``Segment``, ``Span``, ``Markup`` and plain containers from
them, checking every type (dict keys included), so it never runs code and a wrong, corrupt
or older-version record raises :class:`StoredError` (its callers treat that as a miss and
parse). (A cache someone else wrote can still say what an article's segments are, under
the right key: a cache from an untrusted branch is as trusted as its articles would be.)

Invariant (tested for every format over the corpus): ``load(dump(doc), doc.source) == doc``,
and rendering the loaded document gives the same bytes as rendering the parsed one.

``Document.extra`` is carried by the *type* of each value, not by its key, so the formats
keep their keys private: a bool, int, str or ``None`` as itself, a ``Markup``, a dict of
``(start, end) -> Span`` (Markdown's render spans) and a dict of ``int -> str`` (HTML's
attribute quotes). Any other value makes :func:`dump` raise ``StoredError``: such a parse
is simply not stored.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import importlib.machinery
import importlib.util
import os
import re
import sys
from typing import TYPE_CHECKING, Any

from transflow.formats.base import Document, Markup, Segment, new_segment

if TYPE_CHECKING:
    from transflow.formats.markdown_escape import Span

__all__ = ["VERSION", "StoredError", "dump", "load", "parser_versions"]

#: Bumped whenever what :func:`dump` writes changes meaning; part of every stored record
#: (and of the parse cache's key), so an old record is never read as a new one.
VERSION = 1

_SPANS = "spans"
_QUOTES = "quotes"
_MARKUP = "markup"


#: The third-party parsers each format's ``parse`` goes through: their versions (and
#: Python's, for ``html.parser`` and ``tomllib``) are part of what a parse depends on.
_PARSERS = {"markdown": ("markdown_it", "mdit_py_plugins", "yaml"), "html": ("yaml",),
            "text": ()}
_VERSION_LINE = re.compile(r"""^__version__\s*=\s*["']([^"']+)["']""", re.MULTILINE)


@functools.cache
def parser_versions(format_name: str) -> str:
    """The versions of the parsers behind format ``format_name`` (for a stored parse's key)."""
    parts = [sys.version.split()[0]]
    parts += (_installed(name) for name in _PARSERS.get(format_name, _PARSERS["markdown"]))
    return ", ".join(parts)


def _installed(name: str) -> str:
    """``name version`` of an installed parser package, plus `` C`` when it carries its C
    extension (PyYAML with libyaml), read from its files without importing it.

    Why not import it: the point of a stored parse is that a build never needs the parser,
    and importing markdown-it and PyYAML only to ask their versions cost a build a third of
    its start-up. The version is the ``__version__ = "…"`` line of the package's
    ``__init__.py``; a package written another way is imported and asked (same answer).
    """
    spec = importlib.util.find_spec(name)
    version = None
    if spec is not None and spec.origin and spec.submodule_search_locations is not None:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            with open(spec.origin, encoding="utf-8") as handle:
                found = _VERSION_LINE.search(handle.read())
            version = found.group(1) if found else None
    if version is None:
        version = str(getattr(importlib.import_module(name), "__version__", "?"))
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    extension = any(
        os.path.exists(os.path.join(folder, f"_{name}{suffix}"))
        for folder in folders
        for suffix in importlib.machinery.EXTENSION_SUFFIXES
    )
    return f"{name} {version}{' C' if extension else ''}"


class StoredError(ValueError):
    """A document that cannot be stored, or a record that is not a stored document."""


def dump(doc: Document) -> dict[str, Any]:
    """``doc`` without its source, as lists, dicts, strings, ints, bools and None (``load``
    with the same source gives it back). Raises ``StoredError`` for an ``extra`` value of a
    type it does not carry."""
    segments: list[list[object]] = []
    source = doc.source
    for s in doc.segments:
        # a text that is its span as written (most one-line ones) is not stored twice
        text = None if source[s.start : s.end] == s.text else s.text
        row: list[object] = [text, s.kind, s.line, s.start, s.end]
        if s.anchor is not None:
            row += [s.anchor[0], s.anchor[1]]
        segments.append(row)
    return {
        "v": VERSION,
        "segments": segments,
        "metadata": dict(doc.metadata),
        "warnings": list(doc.warnings),
        "extra": {key: _dump_value(value) for key, value in doc.extra.items()},
    }


def _dump_value(value: object) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Markup):
        return [_MARKUP, list(value.props), [[n, list(p)] for n, p in value.shortcodes]]
    if isinstance(value, dict):
        if all(type(k) is int and type(v) is str for k, v in value.items()):
            return [_QUOTES, [[k, v] for k, v in value.items()]]
        from transflow.formats.markdown_escape import Span

        rows: list[list[object]] = []
        for k, v in value.items():
            if not (isinstance(k, tuple) and len(k) == 2 and type(v) is Span):
                raise StoredError(f"cannot store a dict of {type(k).__name__}: "
                                  f"{type(v).__name__}")
            rows.append([k[0], k[1], v.mode, v.prefix, v.style])
        return [_SPANS, rows]
    raise StoredError(f"cannot store a {type(value).__name__}")


_make_segment = new_segment  # every article a build reads


def load(data: object, source: str) -> Document:
    """The document ``dump`` stored, on ``source`` (the bytes it was parsed from, decoded).

    Everything is type-checked and every span must lie within ``source``; anything else
    raises ``StoredError``.
    """
    if not isinstance(data, dict) or data.get("v") != VERSION:
        raise StoredError("not a stored document of this version")
    try:
        size = len(source)
        segments: list[Segment] = []
        append, make = segments.append, _make_segment  # every article a build reads
        for row in data["segments"]:
            if len(row) == 5:
                text, kind, line, start, end = row
                anchor = None
            else:
                text, kind, line, start, end, a_start, a_end = row
                if not (type(a_start) is int and type(a_end) is int
                        and 0 <= a_start <= a_end <= size):
                    raise StoredError("a malformed anchor")
                anchor = (a_start, a_end)
            if not (type(kind) is str and type(line) is int and type(start) is int
                    and type(end) is int and 0 <= start <= end <= size):
                raise StoredError("a malformed segment")
            if text is None:
                text = source[start:end]
            elif type(text) is not str:
                raise StoredError("a malformed segment text")
            append(make(text, kind, line, start, end, anchor))
        metadata = data["metadata"]
        warnings = data["warnings"]
        if not (isinstance(metadata, dict)
                and all(type(k) is str and type(v) is str for k, v in metadata.items())
                and isinstance(warnings, list) and all(type(w) is str for w in warnings)):
            raise StoredError("malformed metadata or warnings")
        stored_extra = data["extra"]
        if not (isinstance(stored_extra, dict) and all(type(k) is str for k in stored_extra)):
            raise StoredError("malformed extra")
        extra = {key: _load_value(value, size) for key, value in stored_extra.items()}
    except (KeyError, TypeError, ValueError) as exc:  # ValueError: unpacking a wrong row
        if isinstance(exc, StoredError):
            raise
        raise StoredError(f"a malformed record ({exc})") from None
    return Document(source, segments, metadata, extra, warnings)


def _load_value(value: object, size: int) -> object:
    if value is None or isinstance(value, bool | int | str):
        return value
    if not isinstance(value, list) or not value:
        raise StoredError("a malformed extra value")
    tag = value[0]
    if tag == _QUOTES:
        _, rows = value
        quotes = {k: v for k, v in rows}
        if not all(type(k) is int and type(v) is str for k, v in quotes.items()):
            raise StoredError("malformed quotes")
        return quotes
    if tag == _SPANS:
        from transflow.formats.markdown_escape import Span

        _, rows = value
        spans: dict[tuple[int, int], Span] = {}
        made: dict[tuple[str, str, str], Span] = {}  # equal spans shared (most are alike)
        for start, end, mode, prefix, style in rows:
            if not (type(start) is int and type(end) is int and 0 <= start <= end <= size
                    and type(mode) is str and type(prefix) is str and type(style) is str):
                raise StoredError("a malformed span")
            span = made.get((mode, prefix, style))
            if span is None:
                span = made[(mode, prefix, style)] = Span(mode, prefix, style)
            spans[(start, end)] = span
        return spans
    if tag == _MARKUP:
        _, props, codes = value
        if not (isinstance(props, list) and all(type(p) is str for p in props)):
            raise StoredError("malformed props")
        shortcodes: list[tuple[str, tuple[int, ...]]] = []
        for name, positions in codes:
            if not (type(name) is str and isinstance(positions, list)
                    and all(type(p) is int for p in positions)):
                raise StoredError("malformed shortcodes")
            shortcodes.append((name, tuple(positions)))
        return Markup(tuple(props), tuple(shortcodes))
    raise StoredError(f"an unknown extra value {tag!r}")

