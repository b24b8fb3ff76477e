"""Output layouts: where ``build`` writes each language's version of an article.

A layout is a pattern relative to the output root, or the name of a preset:

=================  ====================================  ===========================================
preset             pattern                               for
=================  ====================================  ===========================================
``lang-folders``   ``{lang}/{path}``                     a plain folder per language (the default)
``hugo-filename``  ``content/{dir}/{stem}.{lang}{ext}``  Hugo's translation by file name
``filename``       ``{dir}/{stem}.{lang}{ext}``          the same in place: output = the articles
                                                         folder, ``[site] source_file = "keep"``
``content-folders`` ``content/{lang}/{path}``            Hugo (``contentDir`` per language),
                                                         Eleventy and Jekyll folders per language
=================  ====================================  ===========================================

Placeholders: ``{lang}`` (the language of the file, ``pt-BR`` style), ``{source}`` (the
article's source language), ``{path}`` (the article's path under the articles folder),
``{dir}`` (its folder, empty at the top; the ``/`` after an empty one is dropped),
``{stem}`` (file name without extension), ``{ext}`` (``.md``) and ``{slug}`` (``{path}``
without the extension). Invariants: a pattern names ``{lang}`` (or the languages would
overwrite each other) and never leaves the output root (no ``..``, no absolute path).
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from pathlib import PurePosixPath

PRESETS: dict[str, str] = {
    "lang-folders": "{lang}/{path}",
    "hugo-filename": "content/{dir}/{stem}.{lang}{ext}",
    "filename": "{dir}/{stem}.{lang}{ext}",
    "content-folders": "content/{lang}/{path}",
}
DEFAULT = "lang-folders"

FIELDS = ("lang", "source", "path", "dir", "stem", "ext", "slug")


def resolve(value: str) -> str:
    """A preset's pattern, or ``value`` itself once checked; ``ValueError`` says what is wrong."""
    pattern = PRESETS.get(value, value)
    if "{" not in pattern and "/" not in pattern:
        raise ValueError(f"unknown layout preset {value!r} (presets: {', '.join(PRESETS)})")
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(pattern) if name is not None]
    except ValueError as exc:
        raise ValueError(f"layout {value!r}: {exc}") from None
    unknown = [n for n in names if n not in FIELDS]
    if unknown:
        raise ValueError(
            f"layout {value!r}: unknown placeholder {{{unknown[0]}}} "
            f"(known: {', '.join('{' + f + '}' for f in FIELDS)})"
        )
    if "lang" not in names:
        raise ValueError(f"layout {value!r}: name {{lang}}, or every language writes one file")
    if pattern.startswith("/") or ".." in pattern.split("/"):
        raise ValueError(f"layout {value!r}: must stay inside the output folder")
    return pattern


def language_code(lang: str) -> str:
    """``pt_BR`` -> ``pt-BR``: how site generators and ``lang:`` write a language."""
    return lang.replace("_", "-")


def destination(pattern: str, slug: str, suffix: str, lang: str, source: str) -> str:
    """The file of ``lang`` for the article ``<slug><suffix>``, relative to the output root."""
    text = slug + suffix
    parts = text.split("/")
    if "" in parts or "." in parts:  # not as pathlib writes it: let pathlib normalise it
        path = PurePosixPath(text)
        folder, text, name = path.parent.as_posix(), path.as_posix(), path.name
        folder = "" if folder == "." else folder
    else:  # the common case (a relative, normal name) as string work, pathlib's answers
        folder, name = "/".join(parts[:-1]), parts[-1]
    values = {
        "lang": language_code(lang),
        "source": language_code(source),
        "path": text,
        "dir": folder,
        "stem": name[: len(name) - len(suffix)] if suffix else name,
        "ext": suffix,
        "slug": slug,
    }
    parts = [p for p in pattern.format(**values).split("/") if p and p != "."]
    return "/".join(parts)


def output_matcher(pattern: str, languages: Iterable[str]) -> re.Pattern[str] | None:
    """A regex matching the files the layout writes *by file name* (``x.en.md``), else None.

    With a file-name layout the output may be the articles folder itself (Hugo's content
    folder): the translations written there must never be read back as articles.
    """
    name = pattern.rsplit("/", 1)[-1]
    if "{lang}" not in name:
        return None
    codes = "|".join(re.escape(language_code(c)) for c in sorted(languages, key=len, reverse=True))
    regex = ""
    for literal, field, _, _ in string.Formatter().parse(pattern):
        regex += re.escape(literal)
        if field in ("lang", "source"):
            regex += f"(?:{codes})"
        elif field == "dir":
            regex += "(?:.+)?"
        elif field in ("path", "slug"):
            regex += ".+"
        elif field == "stem":
            regex += "[^/]+"
        elif field == "ext":
            regex += r"\.[^./]+"
    regex = regex.replace("(?:.+)?/", "(?:.+/)?")
    return re.compile(regex)
