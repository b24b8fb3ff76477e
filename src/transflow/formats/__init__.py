"""Article formats, chosen by file extension."""

from __future__ import annotations

import importlib
from pathlib import Path

from transflow.errors import ArticleError
from transflow.formats.base import Document, Format, Markup, Segment, Translate

__all__ = ["EXTENSIONS", "Document", "Format", "Markup", "Segment", "Translate", "format_for"]

#: extension -> module that defines ``FORMAT`` (or ``module:NAME`` for another name);
#: imported lazily so a Markdown-only run never pays for the HTML parser.
EXTENSIONS: dict[str, str] = {
    ".md": "transflow.formats.markdown_render",
    ".markdown": "transflow.formats.markdown_render",
    ".mdx": "transflow.formats.markdown_render:MDX_FORMAT",
    ".html": "transflow.formats.html",
    ".htm": "transflow.formats.html",
    ".txt": "transflow.formats.text",
}


#: The formats found so far, by lower-case extension (asked once per article read).
_FOUND: dict[str, Format] = {}


def format_for(path: Path | str) -> Format:
    """Return the format for an article path, or raise ``ArticleError`` naming the file."""
    suffix = (path if isinstance(path, Path) else Path(path)).suffix.lower()
    found = _FOUND.get(suffix)
    if found is not None:
        return found
    module_name, _, attribute = (EXTENSIONS.get(suffix) or "").partition(":")
    if not module_name:
        known = ", ".join(sorted(EXTENSIONS))
        raise ArticleError(f"unsupported article type {suffix!r} (known: {known})", path=path)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:  # a dependency is missing: say which, not "no reader"
            raise ArticleError(
                f"cannot read {suffix!r} articles: the Python package {exc.name!r} is missing",
                path=path,
                hint="reinstall transflow with its dependencies (pip install transflow)",
            ) from exc
        raise ArticleError(f"no reader for {suffix!r} articles yet", path=path) from exc
    fmt: Format = getattr(module, attribute or "FORMAT")
    _FOUND[suffix] = fmt
    return fmt
