"""Articles and where their catalogs live.

An article ``<articles>/<slug>.<ext>`` has a template ``<locales>/templates/<slug>.pot`` and one
catalog per target language ``<locales>/<lang>/<slug>.po``. The source language is the
front matter's ``lang:`` or the configured default; the targets are the other configured
languages.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import operator
import os
import re
import stat
import time
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

from transflow.atomic import Journal
from transflow.config import Config, validate_language
from transflow.errors import ArticleError, ConfigError, Problem, TransflowError
from transflow.formats import (
    EXTENSIONS,
    Document,
    Format,
    Markup,
    Segment,
    Translate,
    format_for,
)
from transflow.site import layout as site_layout

if TYPE_CHECKING:
    from transflow.workflow.parse_cache import ParseCache

LANG_FIELD = "lang"

#: Derived state (caches, the lock, the commit journal); ignored by git.
CACHE_FOLDER = ".transflow-cache"

#: progress(done, total, label): the CLI passes a progress bar, tests a list.append.
Progress = Callable[[int, int, str], None]
Clock = Callable[[], datetime]


def no_progress(done: int, total: int, label: str) -> None:
    """The default progress callback: silence."""


def utc_now() -> datetime:
    """The real clock (tests inject a fixed one)."""
    return datetime.now(UTC)


#: A segment's start (the order segments are rendered in).
_START = operator.attrgetter("start")


@dataclass(slots=True)
class Article:
    """A parsed article with everything needed to find and build its catalogs."""

    path: Path
    rel: str
    slug: str
    fmt: Format
    doc: Document
    source_language: str
    digest: str
    #: The front matter's ``lang:`` value as a span (never a catalog entry): ``build`` writes
    #: the target language there, so ``dist/nl/x.md`` does not claim ``lang: en``.
    lang_segments: list[Segment] = field(default_factory=list)
    #: What was read leniently (``line N: …``): an unclosed front-matter opener, an unknown
    #: ``lang``, text that does not look like its language. Reported, never fatal.
    warnings: list[str] = field(default_factory=list)
    _lines: dict[str, list[int]] | None = field(default=None, repr=False, compare=False)
    #: The parse, stored, when this read parsed the article in a worker whose parse cache
    #: hands parses back (``parse_cache.ParseCache.keep``): for the parent to store.
    parsed: tuple[str, bytes] | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        """The article source as read (CRLF and BOM kept)."""
        return self.doc.source

    def lines_of(self, msgid: str) -> list[int]:
        """The article lines where the segment ``msgid`` occurs (empty when it does not).

        Computed from the article, never read from a catalog's ``#:`` references: under
        ``references = "file"`` the catalogs carry no line numbers, and stored ones go
        stale as soon as the article is edited.
        """
        table = self._lines
        if table is None:
            table = {}
            for segment in self.doc.segments:
                table.setdefault(segment.text, []).append(segment.line)
            self._lines = table
        return table.get(msgid, [])

    def reference(self, msgid: str) -> str:
        """``path:line`` of the segment's first occurrence (just the path when absent)."""
        lines = self.lines_of(msgid)
        return f"{self.rel}:{lines[0]}" if lines else self.rel

    def render(self, translate: Translate, language: str) -> str:
        """The article with segments translated and its ``lang:`` set to ``language``."""
        if not self.lang_segments:
            return self.fmt.render(self.doc, translate)
        code = language.replace("_", "-")
        langs = {s.start: s.end for s in self.lang_segments}

        def with_lang(segment: Segment) -> str | None:
            return code if langs.get(segment.start) == segment.end else translate(segment)

        segments = sorted([*self.doc.segments, *self.lang_segments], key=_START)
        doc = Document(self.doc.source, segments, self.doc.metadata, self.doc.extra)
        return self.fmt.render(doc, with_lang)


class WorkspaceBusyError(TransflowError):
    """Another transflow command is changing the workspace."""


@contextmanager
def workspace_lock(
    config: Config, *, timeout: float = 60.0, sleep: Callable[[float], None] = time.sleep,
    write: bool = True,
) -> Iterator[None]:
    """Let one writing command at a time change a workspace (sync, translate, build, …).

    An advisory ``flock`` on ``.transflow-cache/lock``: a second command waits up to
    ``timeout`` seconds, then stops with a clear error instead of interleaving its writes.
    The lock goes with the process, so a crash or kill -9 never leaves it stuck. Editors do
    not take it; ``catalog.save`` merges their edits instead. Whoever takes the lock first
    finishes what a killed run left (``Journal.recover``).
    """
    if fcntl is None:  # pragma: no cover - platforms without flock
        yield
        return
    folder = config.root / CACHE_FOLDER
    try:
        folder.mkdir(exist_ok=True)
        handle = (folder / "lock").open("a+")
    except OSError:  # a read-only checkout: nothing can be written anyway
        yield
        return
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WorkspaceBusyError(
                        "another transflow command is changing this workspace",
                        path=config.relative(folder / "lock"),
                        hint="wait for it to finish, then run this command again",
                    ) from None
                sleep(0.2)
        journal = journal_of(config)
        if journal.pending():  # the last writer was killed: finish its commit, clean up
            from transflow.po.catalog import merge_saved

            journal.recover(merge_saved)
        if write:
            journal.begin([config.locales, config.output])
        try:
            yield
        finally:
            if write:
                journal.end()
    finally:
        handle.close()  # closing releases the lock


def journal_of(config: Config) -> Journal:
    """The workspace's commit journal (in ``.transflow-cache/``)."""
    return Journal(config.root / CACHE_FOLDER, [config.locales, config.output])


def recover(config: Config) -> None:
    """Finish a killed run's commit and remove its temp files, unless a command is running.

    Every command calls this first (the CLI does), so whatever command comes after a
    ``kill -9`` leaves the workspace as a completed run would have, with no temp files.
    """
    if not journal_of(config).pending():
        return
    with contextlib.suppress(WorkspaceBusyError), \
            workspace_lock(config, timeout=0, write=False):
        pass


def discover(config: Config, paths: Sequence[Path] | None = None) -> list[Path]:
    """The article files to work on; the first unusable one raises (see ``discover_each``)."""
    files, problems = discover_each(config, paths)
    if problems:
        first = problems[0]
        raise ArticleError(first.message, path=first.path, line=first.line, hint=first.hint)
    return files


def discover_each(
    config: Config, paths: Sequence[Path] | None = None
) -> tuple[list[Path], list[Problem]]:
    """The article files to work on (the given ones, checked, or all under ``articles``),
    and a problem for each one that cannot be used: the others go on without it.

    Only a missing articles folder stops everything (a configuration error).
    """
    if not config.articles.is_dir():
        raise ConfigError(
            f"articles folder not found: {config.relative(config.articles)}",
            path=config.path,
            hint="create it or set 'articles' in the configuration",
        )
    problems: list[Problem] = []
    if paths:
        found = []
        for raw in paths:
            path = Path(os.path.abspath(raw))
            try:
                if not path.is_file():
                    raise ArticleError("article not found", path=raw)
                if not path.is_relative_to(config.articles):
                    raise ArticleError(
                        f"outside the articles folder {config.relative(config.articles)}",
                        path=raw,
                    )
                if path.suffix.lower() not in EXTENSIONS:
                    format_for(path)  # raises the "unsupported article type" error
            except TransflowError as exc:
                if exc.path is None:
                    exc.path = raw
                problems.append(Problem.of(exc))
                continue
            found.append(path)
    else:
        found = _without_outputs(config, _article_files(config.articles))
    files = _unique_slugs(config, found, problems)
    return files, problems


def _article_files(folder: Path) -> list[Path]:
    """The files under ``folder`` with an article extension, not hidden, sorted as paths.

    What ``sorted(p for p in folder.rglob("*") if p.is_file() and …)`` gives (folders linked
    into it are not entered, files linked into it are), with ``os.scandir``: no ``stat`` for
    a plain file, no ``Path`` for what is not an article, and string sorting; it runs for
    every command, and an unchanged workspace has little else to do.
    """
    found: list[str] = []
    todo = [str(folder)]
    while todo:
        try:
            entries = os.scandir(todo.pop())
        except OSError:  # unreadable: skipped, as rglob does
            continue
        with entries:
            for entry in entries:
                try:
                    if entry.is_dir():
                        if not entry.is_symlink():
                            todo.append(entry.path)
                    elif (not entry.name.startswith(".") and entry.is_file()
                          and os.path.splitext(entry.name)[1].lower() in EXTENSIONS):
                        found.append(entry.path)
                except OSError:
                    continue
    found.sort(key=lambda name: name.split(os.sep))  # Path order: part by part
    return [Path(name) for name in found]


def _without_outputs(config: Config, paths: list[Path]) -> list[Path]:
    """Leave out the pages ``build`` writes into the articles folder (``x.en.md`` beside
    ``x.md`` with Hugo's translation by file name): they are outputs, never articles."""
    out = config.output
    if not (out.is_relative_to(config.articles) or config.articles.is_relative_to(out)):
        return paths
    matcher = site_layout.output_matcher(config.layout, config.languages)
    if matcher is None:
        return paths
    return [
        p for p in paths
        if not (p.is_relative_to(out) and matcher.fullmatch(p.relative_to(out).as_posix()))
    ]


def _unique_slugs(config: Config, paths: list[Path], problems: list[Problem]) -> list[Path]:
    """Refuse two articles that would share one set of catalogs (``x.md`` and ``x.html``):
    neither can be told to own them, so both are reported and skipped."""
    by_slug: dict[str, list[Path]] = {}
    for path in dict.fromkeys(paths):  # the same file given twice is one article
        by_slug.setdefault(slug_of(config, path), []).append(path)
    kept: list[Path] = []
    for slug, same in by_slug.items():
        if len(same) == 1:
            kept.append(same[0])
            continue
        for path in same:
            others = ", ".join(config.relative(o) for o in same if o != path)
            problems.append(Problem(
                config.relative(path), None,
                f"would share the catalogs of '{slug}' with {others}",
                "rename one of them: an article's catalogs are named after its file name",
            ))
    return kept


def problem_of(config: Config, error: TransflowError, path: Path) -> Problem:
    """The problem ``error`` reports about article ``path``, its file shown from the root."""
    where = error.path if error.path is not None else path
    shown = config.relative(where) if where.is_absolute() else where.as_posix()
    return Problem(shown, error.line, error.message, error.hint)


def slug_of(config: Config, path: Path) -> str:
    """``<articles>/news/x.md`` -> ``news/x``."""
    text, base = str(path), f"{config.articles}{os.sep}"
    if os.sep == "/" and text.startswith(base) and "/." not in text[len(base) - 1 :]:
        # The common case as string work (it runs for every article of every command).
        stem, suffix = text[len(base) :], path.suffix
        return stem[: len(stem) - len(suffix)] if suffix else stem
    if not path.is_absolute() or ".." in path.parts:
        # Lexically (no resolve()): a symlink inside the articles folder is named after the
        # link; discover() already gives absolute, normal paths, so this costs no syscall.
        path = Path(os.path.abspath(path))
    return path.relative_to(config.articles).with_suffix("").as_posix()


def decode(data: bytes, path: Path | str) -> str:
    """UTF-8 strictly (a BOM is kept as a character so identity stays byte-exact).

    A NUL byte means a binary file (an image saved as ``.md``) or UTF-16: not an article.
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        raise ArticleError(
            "not a text file (it contains a NUL byte: binary, or UTF-16)",
            path=path, line=data[:nul].count(b"\n") + 1,
            hint="save the article as UTF-8 text, or move it out of the articles folder",
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ArticleError(
            "not valid UTF-8", path=path, line=line, hint="save the article as UTF-8"
        ) from None


def markup_of(config: Config) -> Markup:
    """The workspace's ``props`` and ``shortcodes``, as the formats take them."""
    return Markup(config.props, config.shortcodes)


def shown(text: str) -> str:
    """A name safe to print on one line: control characters as escapes (``a\\nb.md``)."""
    return "".join(
        c.encode("unicode_escape").decode("ascii") if _is_control(c) else c for c in text
    )


def _is_control(char: str) -> bool:
    # Cc (\x00-\x1f, \x7f-\x9f) and the line/paragraph separators str.splitlines() obeys.
    return unicodedata.category(char) in ("Cc", "Zl", "Zp")


def check_name(config: Config, path: Path) -> Path:
    """The article's path, refused when its name would break a catalog or leave the workspace.

    A control character in a name (a newline, a tab) would go into the ``#:`` reference of
    every entry and make a catalog gettext cannot read; a symlink to a file outside the
    workspace would be read and published from wherever it points.
    """
    text, root = str(path), f"{config.root}/"
    if root[:1] == "/" and text.startswith(root) and "/.." not in text:
        # The common case (an absolute, normal path inside the workspace, POSIX) as string
        # work: this runs for every article every command reads.
        return _checked(config, path, text, text[len(root):], root)
    if not path.is_absolute() or ".." in path.parts:
        path = Path(os.path.abspath(path))
    rel = path.relative_to(config.root).as_posix() if path.is_relative_to(config.root) \
        else path.as_posix()
    if any(_is_control(c) for c in rel):
        raise ArticleError(
            "the file name has a control character, which gettext cannot reference",
            path=shown(rel), hint="rename the file (letters, digits, '-', '_', '.')",
        )
    try:
        resolved = path.resolve()
    except (OSError, RuntimeError):
        raise ArticleError("a symlink loop", path=rel, hint="remove the link") from None
    if resolved != path and not resolved.is_relative_to(config.root):
        raise ArticleError(
            f"a symlink to {resolved}, outside the workspace",
            path=rel, hint="copy the article into the articles folder instead of linking it",
        )
    return path


def _checked(config: Config, path: Path, text: str, rel: str, root: str) -> Path:
    """:func:`check_name` for ``path`` (``text``), which lies in the workspace (``root``,
    with its ``/``) as ``rel``: the same checks in the same order, on strings."""
    if not rel.isprintable() and any(_is_control(c) for c in rel):
        raise ArticleError(
            "the file name has a control character, which gettext cannot reference",
            path=shown(rel), hint="rename the file (letters, digits, '-', '_', '.')",
        )
    if _no_link_below(root, rel):
        return path  # the path is its own real path: no loop, nothing outside
    try:  # what Path.resolve() does: realpath, then a stat that tells a symlink loop
        resolved = os.path.realpath(text)
        try:
            os.stat(resolved)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise
    except OSError:
        raise ArticleError("a symlink loop", path=rel, hint="remove the link") from None
    if resolved != text and not resolved.startswith(root) and resolved != root[:-1]:
        raise ArticleError(
            f"a symlink to {resolved}, outside the workspace",
            path=rel, hint="copy the article into the articles folder instead of linking it",
        )
    return path


@functools.lru_cache(maxsize=64)
def _is_real(folder: str) -> bool:
    """Whether ``folder`` (absolute) is its own real path (no symlink on the way); asked once
    per process, as a workspace folder does not move under a running command."""
    return os.path.realpath(folder) == folder


def _no_link_below(root: str, rel: str) -> bool:
    """True when ``root`` (with its ``/``) is a real path and every part of ``rel`` exists and
    is not a symlink: then ``root + rel`` is its own real path. False when that cannot be
    told this way (a symlink, a missing part, ``.``, an error): ask ``os.path.realpath``.

    Why: ``realpath`` looks at every part of the path from ``/`` (six ``lstat`` calls and
    their string work for ``/home/me/site/articles/a.md``), for every article every command
    reads; the workspace folder was resolved when the configuration was loaded, so only
    the parts below it are looked at (two for ``articles/a.md``).
    """
    if not _is_real(root[:-1] or "/"):
        return False
    at = root[:-1]
    for part in rel.split("/"):
        if part in ("", ".", ".."):
            return False
        at = f"{at}/{part}"
        try:
            if stat.S_ISLNK(os.lstat(at).st_mode):
                return False
        except OSError:
            return False
    return True


def read_article(
    config: Config, path: Path, data: bytes | None = None, *, parses: ParseCache | None = None,
    digest: str | None = None,
) -> Article:
    """Read, decode and parse one article (``data``: its bytes, when the caller read them,
    and ``digest`` their SHA-256 when it has it); errors name the file and line.

    With ``parses``, a parse stored for exactly these bytes and settings is used instead of
    parsing, and a fresh parse is stored (see ``parse_cache``).
    """
    path = check_name(config, path)
    rel = config.relative(path)
    if data is None:
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ArticleError(f"cannot read: {exc.strerror}", path=rel) from None
    text = decode(data, rel)  # the name as errors show it (made a Path only for one)
    fmt = format_for(path)
    key = config.lang_key
    if digest is None:
        digest = hashlib.sha256(data).hexdigest()
    fields = config.front_matter
    parse_key = parses.key(fmt, digest) if parses is not None else ""
    doc = parses.find(rel, parse_key, text) if parses is not None else None
    parsed = None
    if doc is None:
        try:
            doc = fmt.parse(text, front_matter_fields=(*fields, key, LANG_FIELD),
                            markup=markup_of(config))
        except TransflowError as exc:
            if exc.path is None:
                exc.path = Path(rel)
            raise
        if parses is not None:  # before the lang segments are taken out below
            parsed = parses.keep(rel, parse_key, doc)
    lang_segments: list[Segment] = []
    if key not in fields:
        kinds = _lang_kinds(key, fields)
        lang_segments = [s for s in doc.segments if s.kind in kinds]
        if lang_segments:
            doc.segments = [s for s in doc.segments if s.kind not in kinds]
    warnings = list(doc.warnings)
    source = config.source_language
    lang = doc.metadata.get(key) or (doc.metadata.get(LANG_FIELD) if fmt.name == "html" else None)
    if lang:
        line = _key_line(text, key)
        try:
            declared = validate_language(lang, key=key)
        except ConfigError as exc:
            # Not a language at all: one warning, and the workspace default applies.
            where = f"line {line}: " if line else ""
            warnings.append(f"{where}{exc.message} in {key}: (ignored; the article is read as "
                            f"{source}, the workspace default)")
        else:
            base = declared.split("_")[0]
            if declared not in config.languages and base in config.languages:
                declared = base  # lang: nl-NL in a workspace of nl and en is Dutch
            if declared not in config.languages:
                raise ArticleError(
                    f"{key} '{lang}' is not one of the configured languages "
                    f"{list(config.languages)}",
                    path=rel, line=line,
                    hint=f"set {key}: to one of them, or add the language to the configuration",
                )
            source = declared
    return Article(
        path=path,
        rel=rel,
        slug=slug_of(config, path),
        fmt=fmt,
        doc=doc,
        source_language=source,
        digest=digest,
        lang_segments=lang_segments,
        warnings=warnings,
        parsed=parsed,
    )


@functools.cache
def _lang_kinds(key: str, fields: tuple[str, ...]) -> frozenset[str]:
    """The segment kinds of the language key's value when it is not a translated field
    (asked per article, the same answer for a workspace)."""
    # ``<html lang>`` is the ``lang`` field of an HTML article, whatever the key is.
    return frozenset({f"front matter: {key}", f"front matter: {LANG_FIELD}"}
                     - {f"front matter: {f}" for f in fields})


@functools.cache
def _key_pattern(key: str) -> re.Pattern[str]:
    return re.compile(rf"^\s*[\"']?{re.escape(key)}[\"']?\s*[:=]", re.MULTILINE)


def _key_line(text: str, key: str) -> int | None:
    """The line of the front matter's language key, for messages."""
    m = _key_pattern(key).search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def input_files(config: Config, path: Path, *, template: bool = True) -> tuple[str, list[str]]:
    """An article's workspace-relative name, and its file, template and one catalog per
    configured language as strings: what the results cache keys an article's results on.
    Without ``template``: a build's inputs (it never reads the template, so an edit to it
    must not rebuild anything, and a cold build need not read and hash it).

    String work, because on a workspace where nothing changed this runs for every article
    and pathlib would cost more than the ``stat`` calls it feeds. Same names as
    :func:`slug_of`, :func:`template_path` and :func:`catalog_path` give.
    """
    text = str(path)
    root = f"{config.root}{os.sep}"
    slug = slug_of(config, path)
    if os.sep != "/" or not text.startswith(root):
        files = [text, str(template_path(config, slug))] if template else [text]
        files += [str(catalog_path(config, lang, slug)) for lang in config.languages]
        return config.relative(path), files
    locales = str(config.locales)
    files = [text, f"{locales}/templates/{slug}.pot"] if template else [text]
    files += [f"{locales}/{lang}/{slug}.po" for lang in config.languages]
    return text[len(root):], files


def template_path(config: Config, slug: str) -> Path:
    """``locales/templates/<slug>.pot``."""
    return config.locales / "templates" / f"{slug}.pot"


def catalog_path(config: Config, lang: str, slug: str) -> Path:
    """``locales/<lang>/<slug>.po``."""
    return config.locales / lang / f"{slug}.po"


def find_article(config: Config, given: Path) -> tuple[Path, str | None]:
    """The article meant by an article path, a slug or a catalog path, and the catalog's
    language when a ``.po`` file was named (so ``review`` works from any of the three).

    ``sample_articles/x.md``, ``x`` (as in ``locales/nl/x.po``) and ``locales/nl/x.po`` all
    name the article ``x``; anything else is an ``ArticleError`` with a hint.
    """
    hint = "give an article path, its slug (the name of its .po files) or one of its .po files"
    if given.suffix.lower() in (".po", ".pot"):
        path = given.resolve()
        try:
            rel = path.relative_to(config.locales.resolve())
        except ValueError:
            raise ArticleError(f"not a catalog under {config.relative(config.locales)}",
                               path=given, hint=hint) from None
        if len(rel.parts) < 2 or (rel.parts[0] not in config.languages
                                  and rel.parts[0] != "templates"):
            raise ArticleError("not a catalog of a configured language", path=given, hint=hint)
        slug = Path(*rel.parts[1:]).with_suffix("").as_posix()
        language = rel.parts[0] if rel.parts[0] in config.languages else None
    elif given.is_file() or given.suffix.lower() in EXTENSIONS:
        return given, None
    else:
        slug, language = given.as_posix().strip("/"), None
    for path in discover(config):
        if slug_of(config, path) == slug:
            return path, language
    raise ArticleError(f"no article '{slug}' in {config.relative(config.articles)}",
                       path=given, hint=hint)
