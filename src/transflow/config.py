"""Workspace configuration: ``transflow.toml`` or ``[tool.transflow]`` in ``pyproject.toml``.

The file is looked up from the working directory upwards, the way ruff and mypy find theirs;
the folder that holds it is the workspace root, and every relative path in it is relative to
that root. Validation happens here, once, so the rest of the code can trust a ``Config``:
language codes are checked with Babel (a typo gets a suggestion), the publish threshold is a
``State``. Reading the DeepL key is the CLI's job, never this module's.
"""

from __future__ import annotations

import functools
import importlib.util
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from transflow.errors import ConfigError
from transflow.formats.base import DEFAULT_FRONT_MATTER, DEFAULT_PROPS, DEFAULT_SHORTCODES
from transflow.schema import (
    Context,
    Custom,
    Invalid,
    Key,
    ListOf,
    MapOf,
    Number,
    Table,
    Text,
    WorkspacePath,
    describe,
)
from transflow.site import layout as site_layout
from transflow.states import State

CONFIG_NAMES = ("transflow.toml", "pyproject.toml")


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
class SiteOptions:
    """``[site]``: the per-language front matter ``build`` writes (see ``site.frontmatter``)."""

    #: ``copy``: the source-language file is written through the layout too; ``keep``: the
    #: article itself is the site's source-language page (Hugo by file name, in place).
    source_file: str = "copy"
    #: ``keep`` (copied), ``segment`` (``slug`` is a translated front-matter field, written
    #: slugified) or ``title`` (derived from the translated title).
    slug: str = "keep"
    #: How absolute ``url``/``permalink``/``aliases``/``path`` values change per language
    #: (``{lang}``, ``{url}``); empty: copied as they are.
    urls: str = "/{lang}{url}"
    url_keys: tuple[str, ...] = ("url", "permalink", "aliases", "path", "redirect_from")
    #: A key written with the same value (the article's slug) in every language, e.g.
    #: Hugo's ``translationKey``; empty: none.
    translation_key: str = ""


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
    #: The front-matter key that says an article's language (``language:`` is often the
    #: subject, e.g. learnxinyminutes' ``language: markdown``: never read as one).
    lang_key: str = "lang"
    #: MDX component props and named shortcode parameters whose string values are segments.
    props: tuple[str, ...] = DEFAULT_PROPS
    #: Shortcode name -> 1-based positions of its positional parameters that are segments.
    shortcodes: tuple[tuple[str, tuple[int, ...]], ...] = DEFAULT_SHORTCODES
    deepl: DeepLOptions = field(default_factory=DeepLOptions)
    #: The output layout as a pattern (a preset is resolved here), see ``site.layout``.
    layout: str = "{lang}/{path}"
    #: Where ``build`` writes its manifest (default: ``<output>/manifest.json``).
    manifest: Path | None = None
    site: SiteOptions = field(default_factory=SiteOptions)

    @property
    def manifest_path(self) -> Path:
        """The manifest file (outside the content tree with every layout preset)."""
        return self.manifest if self.manifest is not None else self.output / "manifest.json"

    def relative(self, path: Path) -> str:
        """``path`` relative to the workspace root, POSIX style (for references and reports)."""
        text, root = str(path), f"{self.root}/"
        if root[:1] == "/" and text.startswith(root) and "/.." not in text:
            # The common case (POSIX, absolute, normal) as string work: per article, per file.
            return text[len(root):]
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
            try:
                if not candidate.is_file():
                    continue
            except OSError:  # an unreadable folder on the way up
                continue
            data = _read_toml(candidate)
            table = _transflow_table(data, candidate)
            if table is None:
                continue
            return candidate, table
    return None


def _transflow_table(data: dict[str, Any], path: Path) -> dict[str, Any] | None:
    """``[tool.transflow]`` (pyproject.toml) or the whole file (transflow.toml), checked."""
    tool = data.get("tool")
    if tool is not None and not isinstance(tool, dict):
        if path.name == "pyproject.toml":
            return None  # someone else's 'tool' key; not ours to judge
        raise ConfigError(f"tool: expected a table such as [tool.transflow], got "
                          f"{describe(tool)}", path=path,
                          hint="in transflow.toml the keys go at the top level")
    table = tool.get("transflow") if isinstance(tool, dict) else None
    if table is None:
        return None if path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"tool.transflow: expected a table, got {describe(table)}", path=path,
                          hint="write the keys under a [tool.transflow] header")
    return table


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror}", path=path) from exc
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError("not valid UTF-8", path=path, line=line,
                          hint="save the file as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"invalid TOML: {exc}", path=path) from None


def load_config(start: Path | None = None, *, explicit: Path | None = None) -> Config:
    """Find and validate the configuration; ``explicit`` names a file directly."""
    start = (start or Path.cwd()).resolve()
    if explicit is not None:
        explicit = explicit.resolve()
        data = _read_toml(explicit)
        table = _transflow_table(data, explicit)
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
    try:
        return _language(code)
    except Invalid as exc:
        message = exc.message or f"{key}: expected {exc.expected}, got {describe(code)}"
        raise ConfigError(message, path=path, hint=exc.hint) from None


def _language(code: object, ctx: Context | None = None) -> str:
    if not isinstance(code, str) or not code.strip():
        raise Invalid("a language code such as \"nl\" or \"en-GB\"")
    text = code.strip().replace("-", "_")
    name = _locale_name(text)
    if name is None:  # (an error: its suggestion's modules are loaded only now)
        import difflib

        from babel.localedata import locale_identifiers

        known = sorted(locale_identifiers())
        close = difflib.get_close_matches(text, known, n=1, cutoff=0.5)
        hint = f"did you mean '{close[0]}'?" if close else "use a code such as 'nl' or 'en'"
        raise Invalid("a language code", hint, message=f"unknown language '{code}'") from None
    return name


@functools.lru_cache(maxsize=256)
def _locale_name(text: str) -> str | None:
    """``str(Locale.parse(text))`` (None: Babel does not know the code), asked once per code
    (every article's ``lang:`` comes here, and Babel's answer for a code never changes).

    A bare language code with its own file in Babel's locale data (``nl``, ``en``, ``de``:
    what nearly every workspace uses) is answered from that file's presence, which is what
    ``Locale.parse`` checks for it first: importing Babel (its core, plural rules, locale
    data and pickle) was 4-5 ms of every command's start. Any other code asks Babel.
    """
    if 2 <= len(text) <= 3 and text.isascii() and text.isalpha() and text.islower():
        folder = _locale_data()
        if folder is not None and os.path.isfile(os.path.join(folder, f"{text}.dat")):
            return text
    from babel import Locale, UnknownLocaleError

    try:
        return str(Locale.parse(text))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


@functools.cache
def _locale_data() -> str | None:
    """The folder of Babel's locale data (``babel/locale-data``), found without importing
    Babel; None when Babel is not where the import system would find it."""
    spec = importlib.util.find_spec("babel")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = os.path.join(next(iter(spec.submodule_search_locations)), "locale-data")
    return folder if os.path.isdir(folder) else None


def _publish(value: object, ctx: Context) -> State:
    expected = 'one of "reviewed", "translated"'
    if not isinstance(value, str):
        raise Invalid(expected)
    try:
        state = State.parse(value)
    except ValueError as exc:
        raise Invalid(expected, message=f"{exc}; use \"reviewed\" or \"translated\"") from None
    if state not in (State.TRANSLATED, State.REVIEWED):
        raise Invalid(expected, message='use "reviewed" or "translated"')
    return state


def _variants(value: object, ctx: Context) -> dict[str, str]:
    checked = _VARIANT_MAP.check(value, ctx)
    return {"en": "EN-GB", "pt": "PT-PT", **checked}


def _position(value: object, ctx: Context) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise Invalid("a parameter position (1 = first)")
    return value


_SHORTCODE_MAP = MapOf(ListOf(Custom("a parameter position (1 = first)", _position), min_items=0,
                              expected="a list of parameter positions (1 = first)"),
                       example="{ image = [2] }")


def _shortcodes(value: object, ctx: Context) -> tuple[tuple[str, tuple[int, ...]], ...]:
    """``[shortcodes]``: name = [positions], kept as sorted tuples (hashable, stable)."""
    checked = _SHORTCODE_MAP.check(value, ctx)
    return tuple((name, tuple(sorted(set(p)))) for name, p in checked.items())


def _layout(value: object, ctx: Context) -> str:
    expected = "a layout preset or pattern"
    if not isinstance(value, str):
        raise Invalid(expected)
    try:
        return site_layout.resolve(value)
    except ValueError as exc:
        raise Invalid(expected, f"use a preset ({', '.join(site_layout.PRESETS)}) or a pattern "
                      'such as "content/{lang}/{path}"', message=str(exc)) from None


def _url_rule(value: object, ctx: Context) -> str:
    expected = 'a rule with {url} and {lang} such as "/{lang}{url}" (or "" to copy URLs)'
    if not isinstance(value, str) or (value and "{url}" not in value):
        raise Invalid(expected)
    try:
        value.format(lang="en", url="/x/")
    except (KeyError, IndexError, ValueError):
        raise Invalid(expected, message="only {lang} and {url} may be used") from None
    return value


def _key_name(value: object, ctx: Context) -> str:
    if not isinstance(value, str):
        raise Invalid('a front-matter key such as "translationKey" (or "" for none)')
    return value


_VARIANT_MAP = MapOf(Text(pattern=r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,4})?",
                          expected='a DeepL language code such as "EN-GB"'),
                     example='{ en = "EN-GB" }')

#: Every key of the configuration, its type and default. To add a key: one ``Key`` here and
#: a field of the same name on ``Config`` (or ``DeepLOptions`` for ``[deepl]``).
SCHEMA = Table("transflow", [
    Key("articles", WorkspacePath("folder"), "articles"),
    Key("locales", WorkspacePath("folder"), "locales"),
    Key("output", WorkspacePath("folder"), "dist"),
    Key("source_language", Custom("a language code", _language), "en"),
    Key("languages", ListOf(Custom("a language code", _language), min_items=2,
                            expected="a list of at least two languages",
                            example='["nl", "en"]'), ["nl", "en"]),
    Key("front_matter", ListOf(Text(expected="a field name")), list(DEFAULT_FRONT_MATTER)),
    Key("publish", Custom('one of "reviewed", "translated"', _publish), "reviewed"),
    Key("memory_threshold", Number(0.5, 1.0), 0.85,
        hint="the share of similarity a memory match needs, e.g. 0.85"),
    # Workspaces made before this key existed keep line numbers; `init` writes "file".
    Key("references", Text(REFERENCE_MODES), "line",
        hint='use "file" (no line numbers: no churn when articles change), "line" or "none"'),
    # The front-matter key that says an article's language.
    Key("lang_key", Text(pattern=r"[A-Za-z_][\w\-]*", expected="a front-matter key such as "
                         '"lang"'), "lang"),
    # MDX component props and named shortcode parameters whose quoted values are segments.
    Key("props", ListOf(Text(pattern=r"[A-Za-z_:][\w.:\-]*", expected="a prop name")),
        list(DEFAULT_PROPS)),
    # Shortcode name -> positions (1 = first) of the positional parameters that are segments.
    Key("shortcodes", Custom(_SHORTCODE_MAP.expected, _shortcodes),
        {name: list(p) for name, p in DEFAULT_SHORTCODES}),


    Key("layout", Custom("a layout preset or pattern", _layout), "lang-folders"),
    Key("manifest", WorkspacePath("file")),
    Table("site", [
        Key("source_file", Text(["copy", "keep"]), "copy"),
        Key("slug", Text(["keep", "segment", "title"]), "keep"),
        Key("urls", Custom("a URL rule", _url_rule), "/{lang}{url}"),
        Key("url_keys", ListOf(Text(expected="a front-matter key")),
            ["url", "permalink", "aliases", "path", "redirect_from"]),
        Key("translation_key", Custom("a front-matter key", _key_name), ""),
    ], into=SiteOptions),
    Table("deepl", [
        Key("formality", Text(["default", "more", "less", "prefer_more", "prefer_less"])),
        Key("glossary", WorkspacePath("file")),
        Key("model_type", Text(["quality_optimized", "prefer_quality_optimized",
                                "latency_optimized"])),
        Key("variants", Custom(_VARIANT_MAP.expected, _variants), {}),
        Key("timeout", Number(1, 600), 60.0, hint="seconds one DeepL request may take"),
    ], into=DeepLOptions),
])

#: The defaults, by key (kept for callers that show or compare them).
DEFAULTS: dict[str, Any] = {
    k.name: k.default for k in SCHEMA.keys if isinstance(k, Key) and k.default is not None
}


def parse_config(table: dict[str, Any], *, root: Path, path: Path | None = None) -> Config:
    """Validate a raw table: every key typed, unknown keys refused so typos do not pass."""
    values = SCHEMA.validate(table, Context(root=root, path=path))
    langs: tuple[str, ...] = values["languages"]
    if len(set(langs)) != len(langs):
        raise ConfigError("languages: a language is listed twice", path=path)
    source = values["source_language"]
    if source not in langs:
        raise ConfigError(
            f"source_language '{source}' is not one of languages {list(langs)}", path=path
        )
    return Config(root=root.resolve(), path=path, **values)


STARTER = """\
# transflow workspace configuration (see 'transflow --help').
articles = "{articles}"{pad_a}# where the source articles live (.md, .html, .txt)
locales = "locales"            # catalogs: locales/<lang>/<slug>.po, templates/<slug>.pot
output = "{output}"{pad_o}# {output_note}
layout = "{layout}"{pad_l}# where each language goes: {pattern}
{manifest}source_language = "{source}"   # default when an article's front matter has no `lang:`
languages = [{languages}]
front_matter = [               # the front-matter fields that are translated
{front_matter}
]
publish = "reviewed"           # or "translated": the state every segment needs to publish
references = "file"            # '#:' lines name the article only ("line": with line numbers)

[site]                         # the front matter each language's page gets
{site}
[deepl]
# formality = "prefer_less"    # for Dutch targets: je/jij rather than u
# glossary = "glossary.csv"    # first row: language codes (nl,en); then one term pair a row
"""

#: ``[site]`` lines of the starter, per layout preset (see README "Use it on your own site").
_STARTER_SITE = {
    "lang-folders": '# translation_key = "translationKey"  # the same value in every language\n',
    "hugo-filename": 'translation_key = "translationKey"   # Hugo links the two pages by it\n',
    "content-folders": 'translation_key = "translationKey"   # Hugo links the two pages by it\n',
    "filename": 'source_file = "keep"           # the article is its own page; x.en.md beside it\n',
}


def starter(source: str, languages: Sequence[str], *, articles: str = "articles",
            output: str | None = None, layout: str = "lang-folders") -> str:
    """The ``transflow.toml`` that ``init`` writes (validated by the caller like any other).

    With the in-place ``filename`` layout the output is the articles folder itself.
    """
    if output is None:
        output = articles if layout == "filename" else "dist"
    pattern = site_layout.resolve(layout)
    notes = {
        "lang-folders": "finished pairs: <lang>/<slug>.md + manifest.json",
        "filename": "translations beside the articles (x.en.md next to x.md)",
    }

    def pad(value: str, width: int) -> str:
        return " " * max(1, width - len(value))

    import textwrap  # (only init writes a starter file)

    fields = textwrap.fill(", ".join(f'"{f}"' for f in DEFAULT_FRONT_MATTER), 90,
                           initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False,
                           break_long_words=False)
    return STARTER.format(
        front_matter=fields + ",",
        articles=articles, pad_a=pad(articles, 18), output=output, pad_o=pad(output, 20),
        output_note=notes.get(layout, "the site's root folder; manifest.json goes there"),
        layout=layout, pad_l=pad(layout, 20), pattern=pattern, source=source,
        languages=", ".join(f'"{c}"' for c in languages),
        site=_STARTER_SITE.get(layout, ""),
        # In place, <output>/manifest.json would sit in the site's content folder.
        manifest=('manifest = "transflow-manifest.json"  # outside the content folder\n'
                  if layout == "filename" else ""),
    )
