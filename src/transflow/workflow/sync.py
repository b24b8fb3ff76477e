"""``sync``: bring the templates and catalogs in line with the articles.

Invariants: no translation is ever lost (changed segments go fuzzy with the previous msgid,
vanished ones obsolete; a renamed article's catalog seeds the new one); running sync twice
writes nothing the second time; an article whose bytes, configuration and catalogs are
unchanged since the last sync is skipped without being parsed (``SyncCache``), so the cost of a
sync follows the edits, not the size of the workspace. Articles are independent: each one's
files are written together (atomically per article), and an article or catalog that cannot
be read is reported in ``SyncReport.problems`` and skipped, never blocking the others.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from transflow import language_guess
from transflow.atomic import Journal, discard
from transflow.config import Config
from transflow.errors import Problem, TransflowError
from transflow.formats import format_for
from transflow.po import catalog
from transflow.spool import Spool
from transflow.workflow import parallel
from transflow.workflow.parse_cache import ParseCache
from transflow.workflow.sync_cache import SyncCache
from transflow.workflow.workspace import (
    Article,
    Clock,
    Progress,
    catalog_path,
    discover_each,
    journal_of,
    no_progress,
    problem_of,
    read_article,
    slug_of,
    template_path,
    utc_now,
)

#: Share of msgids two articles must have in common to count as "the same article, renamed".
RENAME_OVERLAP = 0.5


@dataclass(slots=True)
class ArticleSync:
    """What sync did to one article's files."""

    article: str
    source_language: str
    segments: int
    written: list[str] = field(default_factory=list)
    merges: dict[str, catalog.MergeReport] = field(default_factory=dict)
    renamed_from: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(slots=True)
class SyncReport:
    """The result of one sync run."""

    #: In the order of the articles; spooled to a temporary file past a thousand, so a
    #: sync's memory does not grow with the number of articles it reports on.
    articles: Spool[ArticleSync] = field(default_factory=Spool)
    #: Articles skipped because nothing changed since the last sync (see ``SyncCache``).
    unchanged_articles: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    dry_run: bool = False
    #: Articles and catalogs that could not be synced (reported and skipped).
    problems: list[Problem] = field(default_factory=list)

    @property
    def unchanged(self) -> int:
        """How many articles were skipped as unchanged."""
        return len(self.unchanged_articles)

    @property
    def written(self) -> list[str]:
        """Every file written (or that would be, under ``--dry-run``)."""
        return [p for a in self.articles for p in a.written]


def sync(
    config: Config,
    paths: Sequence[Path] | None = None,
    *,
    dry_run: bool = False,
    clock: Clock = utc_now,
    progress: Progress = no_progress,
    use_cache: bool = True,
    workers: int = 1,
) -> SyncReport:
    """Sync the given articles (all when ``paths`` is empty); see the module docstring.

    Each article is on its own: its template and catalogs are staged and made visible
    together once the article went through, and an article or catalog that cannot be read
    is listed in ``report.problems`` and skipped (its files untouched) while the others go on.
    """
    report = SyncReport(dry_run=dry_run)
    files, report.problems = discover_each(config, paths)
    cache = SyncCache(config) if use_cache and not dry_run else None
    now = clock()
    orphans = _orphans(config, files, report.problems) if not paths else []
    todo: list[Path] = []
    fresh = cache.fresh_among(files, config.relative) if cache is not None else None
    for n, path in enumerate(files):
        if fresh is not None and fresh[n]:
            report.unchanged_articles.append(config.relative(path))
        else:
            todo.append(path)
    # Each parse is stored for build and check (and a stored one reused: catalogs a
    # translator saved make sync read an unchanged article again).
    parses = ParseCache(config, enabled=use_cache and not dry_run, hand_back=True)
    parses.plan(todo)

    def take(outcome: _Done | Problem) -> None:
        # Each article's outcome is folded into the report and the caches as it comes,
        # and then dropped: the run holds per article only what the report lists.
        if isinstance(outcome, Problem):
            report.problems.append(outcome)
            return
        result, rel, name, digest, outputs, record = outcome
        parses.put(rel, record)
        report.articles.append(result)
        if cache is not None:
            cache.remember(rel, name, digest, outputs)

    if parallel.worth_it(todo, workers) and not orphans:
        _sync_parallel(config, todo, now, dry_run, workers, progress, take, parses)
    elif not orphans:
        _sync_batched(config, todo, now, dry_run, progress, take, parses)
    else:  # (a new article may take over an orphan's catalogs: one at a time)
        journal = journal_of(config)
        for n, path in enumerate(todo, 1):
            progress(n, len(todo), config.relative(path))
            take(_sync_one(config, path, now, dry_run, orphans, commit=True, parses=parses,
                           journal=journal)[0])
    parses.save()
    # An orphan is a template without an article; a broken article still has one.
    report.orphans = [config.relative(template_path(config, s)) for s in orphans]
    if cache is not None:
        cache.save()
    return report


def _orphans(config: Config, files: list[Path], problems: list[Problem]) -> list[str]:
    """The slugs of the templates no article has (the set of the articles' slugs is let go
    at once: a sync's memory does not grow with its articles)."""
    existing_templates = _templates(config)
    if not existing_templates:
        return []
    known_slugs = {slug_of(config, p) for p in files}
    known_slugs |= {slug_of(config, config.root / p.path) for p in problems
                    if p.path is not None and _inside(config, config.root / p.path)}
    return [s for s in existing_templates if s not in known_slugs]


def _inside(config: Config, path: Path) -> bool:
    return path.resolve().is_relative_to(config.articles)


#: (result, article rel, article path, digest, catalog files, the parse a worker handed back
#: or None): what the caches need. Names, not ``Path`` objects: a worker's results are
#: pickled to the parent, and a path is five times dearer to unpickle than its name.
_Done = tuple[ArticleSync, str, str, str, list[str], "tuple[str, bytes] | None"]
#: Articles' outcomes, each with its files as staged (None: a problem, nothing staged).
_Staged = list[tuple[_Done | Problem, "catalog.Staged | None"]]


def _sync_one(
    config: Config,
    path: Path,
    now: datetime,
    dry_run: bool,
    orphans: list[str],
    *,
    commit: bool,
    parses: ParseCache | None = None,
    journal: Journal | None = None,
) -> tuple[_Done | Problem, catalog.Staged | None]:
    """Sync one article in its own transaction: all of its files, or (on a problem) none.

    ``commit`` makes them visible at once; otherwise (a worker process) the staged files
    are handed back for the parent to commit. ``journal``: the workspace's (``journal_of``),
    made once by a caller that syncs many articles.
    """
    # Each catalog is merged with what is on disk right before its rename (a translator's
    # save meanwhile wins); the journal lets the next command finish a killed commit.
    transaction = catalog.transaction(journal if journal is not None else journal_of(config))
    try:
        article = read_article(config, path, parses=parses)
        result, outputs = _sync_article(config, article, now, dry_run, orphans, transaction)
    except TransflowError as exc:
        transaction.abort()
        return problem_of(config, exc, path), None
    except BaseException:
        transaction.abort()
        raise
    done = (result, article.rel, str(article.path), article.digest, [str(p) for p in outputs],
            article.parsed)
    if commit:
        transaction.commit()
        return done, None
    return done, transaction.detach()


def _sync_chunk(
    paths: list[Path], config: Config, now: datetime, dry_run: bool, parses: ParseCache
) -> _Staged:
    """Worker: sync a chunk of articles, staging each one's files for the parent to commit."""
    out: _Staged = []
    parses.plan(paths)
    journal = journal_of(config)  # (each article's staged files name it; the parent commits)
    try:
        for p in paths:
            out.append(_sync_one(config, p, now, dry_run, [], commit=False, parses=parses,
                                 journal=journal))
        parses.save()
    except BaseException:
        _drop(out)
        raise
    return out


def _committer(journal: Journal, take: Callable[[_Done | Problem], None]
               ) -> Callable[[_Staged], None]:
    """What commits a batch of articles (each staged whole by ``_sync_one``): one
    transaction, so one journal write and its two renames for all of them, then each
    outcome to ``take``, in order."""

    def adopt(items: _Staged) -> None:
        transaction = catalog.transaction(journal)
        transaction.adopt_all(staged for _, staged in items)
        transaction.commit()
        for outcome, _ in items:
            take(outcome)

    return adopt


def _drop(items: _Staged) -> None:
    """Remove the temp files of staged articles that will not be committed."""
    discard(staged for _, staged in items)


def _sync_batched(
    config: Config,
    paths: list[Path],
    now: datetime,
    dry_run: bool,
    progress: Progress,
    take: Callable[[_Done | Problem], None],
    parses: ParseCache,
) -> None:
    """Sync in this process, committing ``parallel.COMMIT_BATCH`` articles at a time, as
    a parallel sync commits a chunk. Why: a commit per article cost a journal write and its
    two renames each time, 15% of a cold single-process sync's system calls (a machine busy
    with other work gives a pool one worker, so this path too)."""
    journal = journal_of(config)

    def one(numbered: tuple[int, Path]) -> tuple[_Done | Problem, catalog.Staged | None]:
        n, path = numbered
        progress(n, len(paths), config.relative(path))
        return _sync_one(config, path, now, dry_run, [], commit=False, parses=parses,
                         journal=journal)

    parallel.each_batch(enumerate(paths, 1), one, on_batch=_committer(journal, take),
                        drop=_drop)


def _sync_parallel(
    config: Config,
    paths: list[Path],
    now: datetime,
    dry_run: bool,
    workers: int,
    progress: Progress,
    take: Callable[[_Done | Problem], None],
    parses: ParseCache,
) -> None:
    """Parse and render on every core; the parent commits each chunk's articles as they
    arrive, in order, and hands each outcome to ``take`` (nothing is kept here)."""
    finished = [0]
    commit = _committer(journal_of(config), take)

    def adopt(items: _Staged) -> None:
        # One commit for the chunk's articles, each of which went through whole.
        commit(items)
        finished[0] += len(items)
        last = items[-1][0] if items else None
        progress(finished[0], len(paths), last[1] if isinstance(last, tuple) else "")

    # The article formats' parsers are imported once, here, before the workers fork (each
    # worker would import its own copy: ~50 ms of CPU each for Markdown). A format loads its
    # parser on the first parse (a build that renders stored parses needs none): an empty
    # text is parsed to load it.
    for path in {p.suffix.lower(): p for p in paths}.values():
        with contextlib.suppress(TransflowError):
            format_for(path).parse("")
    # Likewise each language's Plural-Forms (Babel's message modules: ~5 ms per worker),
    # which every new catalog's header asks for, and the catalog writer (``render`` imports
    # it on first use: ~2 ms per worker).
    for lang in config.languages:
        with contextlib.suppress(Exception):  # (an unknown one fails where it is used)
            catalog.plural_forms(lang)
    importlib.import_module("transflow.po.layout")
    parallel.each_chunk(
        _sync_chunk, paths, workers=workers, args=(config, now, dry_run, parses),
        on_result=adopt,
    )


def _templates(config: Config) -> list[str]:
    folder = config.locales / "templates"
    if not folder.is_dir():
        return []
    return sorted(p.relative_to(folder).with_suffix("").as_posix() for p in folder.rglob("*.pot"))


def segments_text(article: Article) -> list[str]:
    """The article's segment texts (what a reader reads; code and markup keys left out)."""
    return [s.text for s in article.doc.segments]


def _sync_article(
    config: Config,
    article: Article,
    now: datetime,
    dry_run: bool,
    orphans: list[str],
    transaction: catalog.Transaction,
) -> tuple[ArticleSync, list[Path]]:
    segments = [(s.text, s.kind, s.line) for s in article.doc.segments]
    template = catalog.build_template(segments, article.rel, config.references)
    # Counted like status counts them: entries (identical segments share one).
    result = ArticleSync(article.rel, article.source_language, len(template))
    result.warnings += article.warnings
    looks = language_guess.article_mismatch(segments_text(article), article.source_language)
    if looks is not None:
        said = (f"its {config.lang_key}:" if article.doc.metadata.get(config.lang_key)
                else "the workspace default")
        result.warnings.append(
            f"the text looks like '{looks.language}' ({looks.hits} of {looks.total} function "
            f"words), but {said} says '{article.source_language}'; if it is "
            f"'{looks.language}', write '{config.lang_key}: {looks.language}' in its front matter"
        )
    project = article.slug
    outputs: list[Path] = []

    pot_path = template_path(config, article.slug)
    is_new = not pot_path.exists()
    pot = catalog.load(pot_path) if not is_new else catalog.new_catalog(None, project, now)
    catalog.merge(pot, template, template_only=True)
    _write(config, pot, pot_path, now, dry_run, result, transaction, missing=is_new)
    outputs.append(pot_path)

    seed_slug = _renamed_from(config, template, orphans) if is_new else None
    if seed_slug is not None:
        orphans.remove(seed_slug)
        result.renamed_from = config.relative(template_path(config, seed_slug))

    stale = catalog_path(config, article.source_language, article.slug)
    if stale.exists():
        result.warnings.append(
            f"{config.relative(stale)} is a catalog into {article.source_language}, the "
            "article's own language now (did its lang: change?); it is kept, not used"
        )
    for lang in config.targets_for(article.source_language):
        po_path = catalog_path(config, lang, article.slug)
        fresh = is_new and seed_slug is None and pot.loaded is not None \
            and len(pot) == len(template)  # (not a template someone wrote meanwhile)
        if fresh and not po_path.exists():
            # A first sync: the catalog holds the new template's entries, untranslated, and
            # its text is the template's under its own header (rendered once).
            po = catalog.new_catalog(lang, project, now)
            result.merges[lang] = catalog.take_entries(po, pot)
            _write(config, po, po_path, now, dry_run, result, transaction, like=pot,
                   missing=True)
            outputs.append(po_path)
            continue
        if po_path.exists():
            po = catalog.load(po_path)
        elif seed_slug is not None and catalog_path(config, lang, seed_slug).exists():
            po = catalog.load(catalog_path(config, lang, seed_slug))
            po.metadata["Project-Id-Version"] = project
        else:
            po = catalog.new_catalog(lang, project, now)
        charset = catalog.converted_from(po)
        if charset is not None:
            result.warnings.append(f"{config.relative(po_path)} declares charset {charset}: "
                                   "read as such, written back as UTF-8")
        fix_header(po, lang, project, now)
        merged = result.merges[lang] = catalog.merge(po, template)
        if merged.plurals:
            result.warnings.append(
                f"{config.relative(po_path)}: {merged.plurals} plural entr"
                f"{'y' if merged.plurals == 1 else 'ies'} (msgid_plural) kept as they are; "
                "transflow does not translate, check or publish plural entries")
        _write(config, po, po_path, now, dry_run, result, transaction)
        outputs.append(po_path)
    return result, outputs


def fix_header(po: catalog.Catalog, lang: str, project: str, now: datetime) -> None:
    """Keep a translator tool's header fields, but make the ones transflow relies on right."""
    wanted = catalog.header(lang, project, now)
    for key in ("Language", "MIME-Version", "Content-Type", "Content-Transfer-Encoding",
                "Plural-Forms"):
        po.metadata[key] = wanted[key]
    for key, value in wanted.items():
        po.metadata.setdefault(key, value)


def _write(
    config: Config,
    cat: catalog.Catalog,
    path: Path,
    now: datetime,
    dry_run: bool,
    result: ArticleSync,
    transaction: catalog.Transaction,
    like: catalog.Catalog | None = None,
    missing: bool = False,
) -> None:
    if dry_run:
        if not path.exists() or catalog.render(cat) != path.read_text(encoding="utf-8"):
            result.written.append(config.relative(path))
        return
    if catalog.save(cat, path, now=now, transaction=transaction, like=like, missing=missing):
        result.written.append(config.relative(path))


def _renamed_from(
    config: Config, template: Sequence[catalog.TemplateEntry], orphans: list[str]
) -> str | None:
    """The orphaned template whose msgids overlap this new article's the most, if enough."""
    if not orphans or not template:
        return None
    ids = {t.msgid for t in template}
    best, best_overlap = None, RENAME_OVERLAP
    for slug in orphans:
        try:
            old = catalog.load(template_path(config, slug))
        except Exception:  # an unreadable orphan is simply not a rename candidate
            continue
        old_ids = {e.msgid for e in catalog.active_entries(old)}
        if not old_ids:
            continue
        overlap = len(ids & old_ids) / max(len(ids), len(old_ids))
        if overlap >= best_overlap:
            best, best_overlap = slug, overlap
    return best
