"""Workspace configuration: ``transflow.toml`` or ``[tool.transflow]`` in ``pyproject.toml``.

The file is looked up from the working directory upwards, the way ruff and mypy find theirs;
the folder that holds it is the workspace root, and every relative path in it is relative to
that root. Validation happens here, once, so the rest of the code can trust a ``Config``:
language codes are checked with Babel (a typo gets a suggestion), the publish threshold is a
``State``. Reading the DeepL key is the CLI's job, never this module's.
"""

from __future__ import annotations

import difflib
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.localedata import locale_identifiers

from transflow.errors import ConfigError
from transflow.states import State

CONFIG_NAMES = ("transflow.toml", "pyproject.toml")

DEFAULTS: dict[str, Any] = {
    "articles": "articles",
    "locales": "locales",
    "output": "dist",
    "source_language": "en",
    "languages": ["nl", "en"],
    "front_matter": ["title", "description", "summary"],
    "publish": "reviewed",
    "memory_threshold": 0.85,
    # Workspaces made before this key existed keep line numbers; `init` writes "file".
    "references": "line",
}

#: See ``po.catalog.REFERENCE_MODES`` (kept here too so config does not import polib).
REFERENCE_MODES = ("line", "file", "none")


@dataclass(frozen=True, slots=True)
class DeepLOptions:
    """``[tool.transflow.deepl]``: options passed to the DeepL engine."""

    formality: str | None = None
    glossary: Path | None = None
    model_type: str | None = None
    #: DeepL needs a regional variant for some targets (``en`` -> ``EN-GB``).
    variants: dict[str, str] = field(default_factory=lambda: {"en": "EN-GB", "pt": "PT-PT"})
    #: Seconds one request may take before it is retried (a 50-paragraph batch on the
    #: quality model needs far more than the client's default of 10).
    timeout: float = 60.0


@dataclass(frozen=True, slots=True)
class Config:
    """A validated workspace configuration; paths are absolute."""

    root: Path
    path: Path | None
    articles: Path
    locales: Path
    output: Path
    source_language: str
    languages: tuple[str, ...]
    front_matter: tuple[str, ...]
    publish: State
    memory_threshold: float = 0.85
    #: ``#:`` references in catalogs: "line", "file" or "none" (``REFERENCE_MODES``).
    references: str = "line"
    deepl: DeepLOptions = field(default_factory=DeepLOptions)

    def relative(self, path: Path) -> str:
        """``path`` relative to the workspace root, POSIX style (for references and reports)."""
        if path.is_absolute() and ".." not in path.parts and path.is_relative_to(self.root):
            return path.relative_to(self.root).as_posix()  # no resolve(): a hot path
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    def targets_for(self, source_language: str) -> list[str]:
        """The languages an article written in ``source_language`` is translated into."""
        return [lang for lang in self.languages if lang != source_language]


def find_config(start: Path) -> tuple[Path, dict[str, Any]] | None:
    """The nearest config file at or above ``start`` and its transflow table, if any."""
    for folder in [start, *start.parents]:
        for name in CONFIG_NAMES:
            candidate = folder / name
            if not candidate.is_file():
                continue
            data = _read_toml(candidate)
            if name == "pyproject.toml":
                table = data.get("tool", {}).get("transflow")
                if table is None:
                    continue
                return candidate, table
            return candidate, data.get("tool", {}).get("transflow", data)
    return None


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=path) from exc
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=path) from exc


def load_config(start: Path | None = None, *, explicit: Path | None = None) -> Config:
    """Find and validate the configuration; ``explicit`` names a file directly."""
    start = (start or Path.cwd()).resolve()
    if explicit is not None:
        explicit = explicit.resolve()
        data = _read_toml(explicit)
        fallback = None if explicit.name == "pyproject.toml" else data
        table = data.get("tool", {}).get("transflow", fallback)
        if table is None:
            raise ConfigError("no [tool.transflow] table", path=explicit)
        return parse_config(table, root=explicit.parent, path=explicit)
    found = find_config(start)
    if found is None:
        raise ConfigError(
            f"no transflow.toml or [tool.transflow] in pyproject.toml at or above {start}",
            hint="run 'transflow init' to create a workspace here",
        )
    path, table = found
    return parse_config(table, root=path.parent, path=path)


def validate_language(code: object, *, path: Path | None = None, key: str = "language") -> str:
    """Return a normalised code (``nl``, ``en``, ``pt_BR``) or raise with a suggestion."""
    if not isinstance(code, str) or not code.strip():
        raise ConfigError(f"{key}: expected a language code, got {code!r}", path=path)
    text = code.strip().replace("-", "_")
    try:
        locale = Locale.parse(text)
    except (UnknownLocaleError, ValueError):
        known = sorted(locale_identifiers())
        close = difflib.get_close_matches(text, known, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else "use a code such as 'nl' or 'en'"
        raise ConfigError(f"unknown language '{code}'", path=path, hint=hint) from None
    return str(locale)


def parse_config(table: dict[str, Any], *, root: Path, path: Path | None = None) -> Config:
    """Validate a raw table (unknown keys are refused so typos do not pass silently)."""
    known = {*DEFAULTS, "deepl"}
    unknown = sorted(set(table) - known)
    if unknown:
        close = difflib.get_close_matches(unknown[0], sorted(known), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known keys: {', '.join(sorted(known))}"
        raise ConfigError(f"unknown configuration key '{unknown[0]}'", path=path, hint=hint)
    merged = {**DEFAULTS, **table}
    languages = merged["languages"]
    if not isinstance(languages, list) or len(languages) < 2:
        raise ConfigError('languages: list at least two languages, e.g. ["nl", "en"]', path=path)
    langs = tuple(validate_language(c, path=path, key="languages") for c in languages)
    if len(set(langs)) != len(langs):
        raise ConfigError("languages: a language is listed twice", path=path)
    source = validate_language(merged["source_language"], path=path, key="source_language")
    if source not in langs:
        raise ConfigError(
            f"source_language '{source}' is not one of languages {list(langs)}", path=path
        )
    fields = merged["front_matter"]
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise ConfigError("front_matter: expected a list of field names", path=path)
    try:
        publish = State.parse(str(merged["publish"]))
    except ValueError as exc:
        raise ConfigError(f"publish: {exc}", path=path) from None
    if publish not in (State.TRANSLATED, State.REVIEWED):
        raise ConfigError("publish: use \"reviewed\" or \"translated\"", path=path)
    threshold = merged["memory_threshold"]
    if not isinstance(threshold, int | float) or not 0.5 <= float(threshold) <= 1.0:
        raise ConfigError("memory_threshold: a number between 0.5 and 1.0", path=path)
    references = merged["references"]
    if references not in REFERENCE_MODES:
        raise ConfigError(
            f"references: unknown value {references!r}", path=path,
            hint='use "file" (no line numbers: no churn when articles change), "line" or "none"',
        )
    for key in ("articles", "locales", "output"):
        if not isinstance(merged[key], str) or not merged[key]:
            raise ConfigError(f"{key}: expected a folder name", path=path)
    return Config(
        root=root.resolve(),
        path=path,
        articles=(root / merged["articles"]).resolve(),
        locales=(root / merged["locales"]).resolve(),
        output=(root / merged["output"]).resolve(),
        source_language=source,
        languages=langs,
        front_matter=tuple(fields),
        publish=publish,
        memory_threshold=float(threshold),
        references=references,
        deepl=_parse_deepl(merged.get("deepl", {}), root=root, path=path),
    )


def _parse_deepl(table: Any, *, root: Path, path: Path | None) -> DeepLOptions:
    if not isinstance(table, dict):
        raise ConfigError("deepl: expected a table", path=path)
    allowed = {"formality", "glossary", "model_type", "variants", "timeout"}
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise ConfigError(
            f"unknown deepl option '{unknown[0]}' (known: {', '.join(sorted(allowed))})", path=path
        )
    formality = table.get("formality")
    if formality is not None and formality not in {
        "default", "more", "less", "prefer_more", "prefer_less"
    }:
        raise ConfigError(f"deepl.formality: unknown value {formality!r}", path=path)
    glossary = table.get("glossary")
    timeout = table.get("timeout", 60.0)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or not 1 <= timeout <= 600:
        raise ConfigError("deepl.timeout: seconds between 1 and 600", path=path)
    variants = {"en": "EN-GB", "pt": "PT-PT", **dict(table.get("variants", {}))}
    return DeepLOptions(
        formality=formality,
        glossary=(root / glossary).resolve() if glossary else None,
        model_type=table.get("model_type"),
        variants=variants,
        timeout=float(timeout),
    )


STARTER = """\
# transflow workspace configuration (see 'transflow --help').
articles = "articles"          # where the source articles live (.md, .html, .txt)
locales = "locales"            # catalogs: locales/<lang>/<slug>.po, templates/<slug>.pot
output = "dist"                # finished pairs: dist/<lang>/<slug>.md + manifest.json
source_language = "{source}"   # default when an article's front matter has no `lang:`
languages = [{languages}]
front_matter = ["title", "description", "summary"]
publish = "reviewed"           # or "translated": the state every segment needs to publish
references = "file"            # '#:' lines name the article only ("line": with line numbers)

[deepl]
# formality = "prefer_less"    # for Dutch targets: je/jij rather than u
# glossary = "glossary.csv"    # first row: language codes (nl,en); then one term pair a row
"""
