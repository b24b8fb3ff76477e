"""``transflow report``: the review pages as static, read-only HTML (a CI artifact).

The same templates and the same page data as ``transflow serve``, without the forms: an
index and one page per article and target language, plus the stylesheet and script, all
linked relatively so the folder opens from disk or any static host. Needs Jinja2 only
(part of the ``serve`` extra), not the web framework.

The report is written as one ``Transaction``: every page written appears together, or none.

Cost follows the change, as for ``build``: each page is kept in the results cache
(:data:`KIND`) under a key of everything it shows (its article's files, its index row, the
configuration and glossary, the code, templates and the libraries that render it) with a
record of the file written. A page whose key and file are both unchanged is not rendered or
written again; the others are rendered on every core (:mod:`transflow.workflow.parallel`),
each worker staging its pages for the one transaction. Deleting the cache changes no page.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from transflow.atomic import Staged, Transaction
from transflow.config import Config
from transflow.errors import TransflowError
from transflow.web.model import ArticleRow, Workspace
from transflow.web.pages import HERE as HERE_STATES
from transflow.web.pages import Links, index_context, page_context
from transflow.workflow import parallel
from transflow.workflow.cache import (
    RACY_NS,
    ResultCache,
    config_key,
    make_key,
    place_key,
)
from transflow.workflow.parse_cache import ParseCache
from transflow.workflow.workspace import input_files
from transflow.written import Proof, proof

HERE = Path(__file__).parent
ASSETS = ("app.css", "app.js")

#: The results-cache kind of a report page (slot: its file under the report folder).
KIND = "report"

#: Pages whose keys are made (and stored records fetched) per query.
LOOKUP_BATCH = 500

#: A page to render: (its file under the report folder, the article's slug and path, the
#: target language, the page's folder depth, the article's index row, its cache key).
Job = tuple[str, str, str, str, int, ArticleRow, str]
#: What rendering pages gave: their staged files, (file, key, proof of what was written)
#: of each page, and the problems of the pages that could not be made.
Rendered = tuple[Staged, list[tuple[str, str, Proof]], list[str]]


class StaticLinks(Links):
    """Relative links between report files, from a page ``depth`` folders below the root."""

    def __init__(self, depth: int) -> None:
        self.prefix = "../" * depth

    def index(self) -> str:
        return f"{self.prefix}index.html"

    def article(self, slug: str, language: str) -> str:
        return f"{self.prefix}{quote(page_path(slug, language))}"

    def asset(self, name: str) -> str:
        return f"{self.prefix}static/{name}"

    def action(self, slug: str, language: str, key: str, action: str) -> str:
        return ""  # the report has no forms


def page_path(slug: str, language: str) -> str:
    """The report file of one article and target language, relative to the report root."""
    return f"a/{language}/{slug}.html"


@dataclass(slots=True)
class ReportResult:
    """What ``write_report`` wrote."""

    out: Path
    pages: int = 0
    articles: int = 0
    problems: list[str] = field(default_factory=list)
    #: Pages found as they would be written again (not rendered, not written).
    unchanged: int = 0
    #: Pages of articles the workspace no longer has, removed.
    removed: int = 0


@lru_cache(maxsize=1)
def environment() -> Environment:
    """The Jinja2 environment of the report (every value escaped, as in the server); one per
    process, so a worker compiles each template once for all its pages."""
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                      autoescape=select_autoescape(["html"]), trim_blocks=False)
    env.globals["get_flashed_messages"] = lambda **_: []
    return env


def assets_key() -> str:
    """What a page depends on beside transflow's modules (``code_key`` fingerprints only
    those): the templates and static files, and the versions of the libraries that render
    it (an upgrade of one may change the HTML)."""
    parts: list[str] = []
    for folder in ("templates", "static"):
        for path in sorted((HERE / folder).iterdir()):
            if path.is_file():
                parts.append(f"{folder}/{path.name}:"
                             f"{hashlib.sha256(path.read_bytes()).hexdigest()}")
    for package in ("jinja2", "markupsafe", "markdown-it-py", "mdit-py-plugins"):
        try:
            parts.append(f"{package} {metadata.version(package)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{package} -")
    return make_key(*parts)


def write_report(config: Config, out: Path, *, workspace: Workspace | None = None,
                 progress: Callable[[int, int, str], None] | None = None, workers: int = 1,
                 use_cache: bool = True) -> ReportResult:
    """Write the report into ``out`` (see the module docstring); ``workers``: processes that
    render the pages that changed."""
    ws = workspace or Workspace(config)
    env = environment()
    result = ReportResult(out)
    shared: dict[str, Any] = {"static": True, "workspace_name": config.root.name,
                              "csrf": "", "reviewer": ""}
    paths = ws.articles()
    written: list[tuple[str, str, Proof]] = []
    with ResultCache(config.root, enabled=use_cache) as cache:
        with Transaction() as transaction:
            top = StaticLinks(0)
            row_template = env.get_template("row.html")
            context = index_context(ws, top, lambda row: row_template.render(
                row=row, links=top, here=HERE_STATES), once=True)
            transaction.write(out / "index.html",  # streamed: one row per article
                              env.get_template("index.html").generate(**context, **shared))
            result.pages += 1
            rows: list[ArticleRow] = context["rows"]
            del context  # the index's HTML (8 MB at 10,000 articles) is written: not kept
            jobs, expected = _plan(config, cache, out, rows, paths, result)
            parses = ParseCache(config, readonly=True)  # the parses sync stored; none written

            handled = [0]  # pages rendered, or found impossible to make

            def take(rendered: Rendered) -> None:
                staged, done, problems = rendered
                transaction.adopt(staged)
                written.extend(done)
                result.pages += len(done)
                result.problems += problems
                handled[0] += len(done) + len(problems)
                if progress is not None:
                    progress(handled[0], len(jobs), done[-1][0] if done else "")

            if parallel.worth_it(jobs, workers):
                parallel.each_chunk(_render_chunk, jobs, workers=workers,
                                    args=(config, out, shared, parses), on_result=take)
            else:
                take(_render(ws, jobs, out, shared, parses))
            for name in ASSETS:
                transaction.write(out / "static" / name,
                                  (HERE / "static" / name).read_text(encoding="utf-8"))
            for stale in _stale_pages(out, expected):
                transaction.unlink(stale)
                result.removed += 1
        _remember(cache, out, written, committed=time.time_ns())
    return result


def _stale_pages(out: Path, expected: set[str]) -> list[Path]:
    """The article pages under ``out/a`` this report does not have (an article deleted or
    renamed, a language dropped): a report shows the workspace as it is now."""
    folder = out / "a"
    if not folder.is_dir():
        return []
    return [page for page in sorted(folder.rglob("*.html"))
            if page.is_file() and page.relative_to(out).as_posix() not in expected]


def _plan(config: Config, cache: ResultCache, out: Path, rows: Sequence[ArticleRow],
          paths: dict[str, Path], result: ReportResult) -> tuple[list[Job], set[str]]:
    """The pages to render (the others, key and file unchanged, are counted as kept), and
    every article page this report has, rendered, kept or failed (what may stay in ``out``)."""
    glossary = config.deepl.glossary
    base = make_key(KIND, config_key(config), assets_key(),
                    place_key(out, config.root),
                    cache.digest(glossary) if glossary is not None else None)
    wanted: list[tuple[str, str, str, str, int, ArticleRow]] = []
    expected: set[str] = set()
    for row in rows:
        if row.error:
            result.problems.append(row.error)
            # The article is there but cannot be read now: its last pages stay.
            expected.update(page_path(row.slug, lang) for lang in config.languages)
            continue
        result.articles += 1
        article = str(paths[row.slug])
        for target in row.languages:
            wanted.append((page_path(row.slug, target.language), row.slug, article,
                           target.language, 2 + row.slug.count("/"), row))
            expected.add(wanted[-1][0])
    jobs: list[Job] = []
    for start in range(0, len(wanted), LOOKUP_BATCH):
        batch = wanted[start : start + LOOKUP_BATCH]
        stored = cache.stored(KIND, [slot for slot, *_ in batch]) if cache.enabled else {}
        inputs = {path: input_files(config, Path(path))[1] for _, _, path, *_ in batch}
        cache.look_up_files([name for names in inputs.values() for name in names])
        for slot, slug, path, lang, depth, row in batch:
            # The row is what the page shows of status, check and build: its repr holds it.
            key = make_key(base, slot, repr(row), *cache.digests(inputs[path]))
            found = stored.get(slot)
            if found is not None and found[0] == key:
                record = json.loads(found[1])
                fresh = cache.holds(os.path.join(out, slot), record)
                if fresh is not None:
                    if fresh != record:  # re-hashed (too recent before): trusted from now on
                        cache.put(KIND, slot, key, json.dumps(fresh))
                    result.pages += 1
                    result.unchanged += 1
                    continue
            jobs.append((slot, slug, path, lang, depth, row, key))
    return jobs, expected


def _render(ws: Workspace, jobs: Sequence[Job], out: Path, shared: dict[str, Any],
            parses: ParseCache) -> Rendered:
    """Render ``jobs``' pages and stage their files (for the caller to commit)."""
    template = environment().get_template("article.html")
    parses.plan([Path(path) for _, _, path, *_ in jobs])
    transaction = Transaction()
    done: list[tuple[str, str, Proof]] = []
    problems: list[str] = []
    try:
        for slot, slug, path, lang, depth, row, key in jobs:
            try:
                page = page_context(ws, StaticLinks(depth), slug, Path(path), lang,
                                    parses=parses, row=row)
            except TransflowError as exc:
                problems.append(str(exc))
                continue
            target = out / slot
            transaction.write(target, template.render(**page, **shared))
            staged = transaction.staged(target)
            assert staged is not None
            done.append((slot, key, proof(staged.digest, staged.written)))
        parses.save()
    except BaseException:
        transaction.abort()
        raise
    return transaction.detach(), done, problems


#: A worker's workspace (its glossary loaded once), kept for its next chunk.
_worker_workspace: tuple[int, Config, Workspace] | None = None


def _render_chunk(jobs: list[Job], config: Config, out: Path, shared: dict[str, Any],
                  parses: ParseCache) -> Rendered:
    """Worker: :func:`_render` with a workspace of this process's own."""
    global _worker_workspace
    kept = _worker_workspace
    if kept is None or kept[0] != os.getpid() or kept[1] != config:
        kept = _worker_workspace = (os.getpid(), config, Workspace(config))
    return _render(kept[2], jobs, out, shared, parses)


def _remember(cache: ResultCache, out: Path, written: list[tuple[str, str, Proof]], *,
              committed: int) -> None:
    """Record each page written (the transaction ``committed`` then, in ns), once the files
    are older than the racy window: a record taken sooner is not trusted, and the next
    report would read every page back (a tenth of a second here against seconds there)."""
    if not written or not cache.enabled or cache.readonly:
        return
    wait = committed + RACY_NS + 1_000_000 - time.time_ns()
    if wait > 0:
        time.sleep(wait / 1e9)
    for slot, key, made in written:
        record = cache.record_written(os.path.join(out, slot), made)
        if record is not None:
            cache.put(KIND, slot, key, json.dumps(record))
