"""What the review pages show, as plain data: one row per article, one row per segment.

Both ``transflow serve`` and ``transflow report`` render these objects; neither computes a
state, a finding or a build verdict itself:

* states come from ``states.entry_state`` (the one function that decides them), with
  *changed after review* split off *translated* as ``status`` counts it;
* findings come from ``workflow.check.check_catalog`` (the same checks, scope and skips as
  ``transflow check``), joined to their entries by catalog line;
* the index rows are the reports of ``status``, ``check`` and a dry-run ``build`` (default
  gates) of the articles, so the index says exactly what those commands say, and shares
  their results cache (``.transflow-cache``) and worker processes.

A ``Workspace`` also remembers each article's row in memory until the article, its
template or one of its catalogs changes on disk (by size and modification time), so a page
load of a large workspace recomputes only what changed since the last one.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from transflow.checks import run_checks
from transflow.config import Config
from transflow.errors import TransflowError
from transflow.formats import Segment, format_for
from transflow.glossary import Glossary
from transflow.po import catalog, reader
from transflow.states import (
    NEVER_ACCEPTED,
    State,
    approval,
    approval_is_stale,
    display_notes,
    entry_state,
    view,
)
from transflow.web.render import article_html, block_tag, segment_html
from transflow.worddiff import word_chunks
from transflow.workflow.build import plans
from transflow.workflow.check import (
    MARKUP_CHECKS,
    CheckFinding,
    check_catalog,
    context_for,
    is_attribute_only,
    workspace_glossary,
)
from transflow.workflow.check_run import check
from transflow.workflow.gates import default_gates
from transflow.workflow.parse_cache import ParseCache
from transflow.workflow.status import status
from transflow.workflow.workspace import (
    Progress,
    catalog_path,
    discover,
    no_progress,
    read_article,
    slug_of,
    template_path,
)

#: The buckets of the state bar, in order (``changed_after_review`` is split off translated).
BUCKETS = ("untranslated", "machine_draft", "needs_work", "translated", "changed_after_review",
           "reviewed")
LABELS = {
    "untranslated": "untranslated",
    "machine_draft": "machine draft",
    "needs_work": "needs work",
    "translated": "translated",
    "changed_after_review": "changed after review",
    "reviewed": "reviewed",
}


def entry_key(msgctxt: str | None, msgid: str) -> str:
    """A stable name for an entry in URLs and forms (no catalog text in a URL)."""
    return hashlib.sha256(f"{msgctxt or ''}\x04{msgid}".encode()).hexdigest()[:16]


def bucket_of(entry: catalog.Entry) -> str:
    """The state-bar bucket of one entry."""
    state = entry_state(entry)
    if state is State.TRANSLATED and approval_is_stale(view(entry)):
        return "changed_after_review"
    return state.key


@dataclass(slots=True)
class LanguageRow:
    """One target language of one article on the index."""

    language: str
    catalog: str
    missing: bool = False
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(BUCKETS, 0))
    errors: int = 0
    warnings: int = 0
    draft_findings: int = 0

    @property
    def segments(self) -> int:
        """Entries counted (as ``status`` counts segments)."""
        return sum(self.counts.values())

    def percent(self, bucket: str) -> float:
        """Share of the bar one bucket takes."""
        return 100.0 * self.counts[bucket] / self.segments if self.segments else 0.0


@dataclass(slots=True)
class ArticleRow:
    """One article on the index: languages, states, findings and what ``build`` would do."""

    article: str
    slug: str
    fmt: str = ""
    source_language: str = ""
    languages: list[LanguageRow] = field(default_factory=list)
    built: bool = False
    reasons: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass(slots=True)
class SegmentRow:
    """One segment of the article page (identical segments share their entry and key)."""

    number: int
    line: int
    kind: str
    key: str
    source: str
    translation: str
    state: str
    in_catalog: bool
    #: (severity, check, message, who accepted it or None)
    findings: list[tuple[str, str, str, str | None]]
    previous_source: str | None
    notes: list[str]
    reviewer: str | None
    source_html: str
    translation_html: str
    diff: list[tuple[str, str]]
    tag: str
    repeat_of: int | None = None

    @property
    def open_findings(self) -> int:
        """Findings nobody accepted yet."""
        return sum(1 for f in self.findings if f[3] is None)

    @staticmethod
    def acceptable(check: str) -> bool:
        """Whether a finding of ``check`` may be accepted (markup injection never is)."""
        return check not in NEVER_ACCEPTED

    @property
    def label(self) -> str:
        """The state shown to people."""
        return LABELS.get(self.state, self.state.replace("_", " "))


@dataclass(slots=True)
class ArticlePage:
    """Everything the article page shows for one target language."""

    row: ArticleRow
    language: str
    catalog: str
    segments: list[SegmentRow]
    preview_html: str
    current_html: str
    publish: str
    counts: dict[str, int]


Stamp = tuple[tuple[int, int] | None, ...]


def _stamp(paths: Sequence[Path]) -> Stamp:
    out: list[tuple[int, int] | None] = []
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            out.append(None)
        else:
            out.append((st.st_mtime_ns, st.st_size))
    return tuple(out)


class Workspace:
    """The review pages' view of one workspace (see the module docstring for the caching)."""

    def __init__(self, config: Config, *, glossary: Glossary | None = None,
                 workers: int = 1) -> None:
        self.config = config
        self.glossary = glossary if glossary is not None else workspace_glossary(config)
        self.gates = default_gates(config)
        self.workers = workers
        self._rows: dict[str, tuple[Stamp, ArticleRow]] = {}
        self._lock = threading.Lock()

    # -- finding articles ------------------------------------------------------------------
    def articles(self) -> dict[str, Path]:
        """Slug -> article path, for every article of the workspace (the only paths served)."""
        return {slug_of(self.config, p): p for p in discover(self.config)}

    def _stamp(self, slug: str, path: Path) -> Stamp:
        paths = [catalog_path(self.config, lang, slug) for lang in self.config.languages]
        return _stamp([path, template_path(self.config, slug), *paths])

    # -- the index -------------------------------------------------------------------------
    def rows(self, progress: Progress = no_progress, *, keep: bool = True) -> list[ArticleRow]:
        """Every article's row, recomputed only where a file changed since the last call
        (``keep=False``: a one-off caller; nothing is kept for a next call)."""
        found = self.articles()
        if not keep:
            fresh = self._compute_rows(found, progress)
            return [fresh[slug] for slug in sorted(found)]
        with self._lock:
            stamps = {slug: self._stamp(slug, path) for slug, path in found.items()}
            stale = {slug: found[slug] for slug in found
                     if slug not in self._rows or self._rows[slug][0] != stamps[slug]}
            if stale:
                for slug, row in self._compute_rows(stale, progress).items():
                    self._rows[slug] = (stamps[slug], row)
            for gone in set(self._rows) - set(found):
                del self._rows[gone]
            return [self._rows[slug][1] for slug in sorted(found)]

    def row(self, slug: str, path: Path) -> ArticleRow:
        """One article's row (cached like ``rows``)."""
        with self._lock:
            stamp = self._stamp(slug, path)
            cached = self._rows.get(slug)
            if cached is None or cached[0] != stamp:
                cached = (stamp, self._compute_rows({slug: path})[slug])
                self._rows[slug] = cached
            return cached[1]

    def _compute_rows(self, paths: dict[str, Path],
                      progress: Progress = no_progress) -> dict[str, ArticleRow]:
        """Rows from ``status``, ``check`` and a dry-run ``build`` of these articles: the same
        reports (and results cache) as the commands, so the index never disagrees with them."""
        config = self.config
        chosen = list(paths.values())
        counted = status(config, chosen, workers=self.workers)
        checked = check(config, chosen, progress=progress, workers=self.workers)
        planned, build_problems = plans(config, chosen, gates=self.gates, workers=self.workers)
        rows = {slug: ArticleRow(config.relative(path), slug, format_for(path).name)
                for slug, path in paths.items()}
        by_article = {row.article: row for row in rows.values()}
        languages: dict[tuple[str, str], LanguageRow] = {}
        for item in counted.items:
            row = by_article.get(item.article)
            if row is None:
                continue
            row.source_language = item.source_language
            lrow = LanguageRow(item.language, item.catalog, missing=item.missing)
            for state, n in item.states.items():
                lrow.counts[state.key] += n
            lrow.counts["translated"] -= item.changed_after_review
            lrow.counts["changed_after_review"] = item.changed_after_review
            row.languages.append(lrow)
            languages[(item.article, item.language)] = lrow
        for f in checked.findings:
            target = languages.get((f.article, f.language))
            if target is None:
                continue
            if f.draft:
                target.draft_findings += 1
            elif f.accepted:
                continue  # verified by a person: neither an error nor a warning any more
            elif f.severity == "error":
                target.errors += 1
            else:
                target.warnings += 1
        for name, (publishable, reasons) in planned.items():
            row = by_article.get(name)
            if row is not None:
                row.built, row.reasons = publishable, list(reasons)
        catalogs = {lrow.catalog: article for (article, _), lrow in languages.items()}
        for problem in [*counted.problems, *checked.problems, *build_problems]:
            where = problem.path or ""
            row = by_article.get(catalogs.get(where, where))
            if row is not None and row.error is None:
                row.error = str(problem)
        return rows

    # -- one article -----------------------------------------------------------------------
    def page(self, slug: str, path: Path, lang: str, *,
             parses: ParseCache | None = None, row: ArticleRow | None = None) -> ArticlePage:
        """The article page for one target language (always computed fresh).

        ``parses``: the stored parses (``transflow report`` reads every article once, in
        order); a page the server shows parses its article, as each request may come from
        another thread. The catalog is only looked at: the lean reader reads it. ``row``:
        the article's index row when the caller computed it (a report's worker process,
        which has no rows of its own); else this workspace's, computed when stale.
        """
        config = self.config
        article = read_article(config, path, parses=parses)
        if lang not in config.targets_for(article.source_language):
            raise TransflowError(f"{lang} is not a target language of {article.rel}")
        if row is None:
            row = self.row(slug, path)
        po_path = catalog_path(config, lang, slug)
        name = config.relative(po_path)
        cat = reader.read(po_path) if po_path.exists() else None
        entries = {e.msgid: e for e in catalog.active_entries(cat)} if cat is not None else {}
        by_line: dict[int, list[CheckFinding]] = {}
        if cat is not None:
            found, _ = check_catalog(article, lang, cat, catalog_name=name,
                                     glossary=self.glossary)
            for f in found:
                by_line.setdefault(f.line, []).append(f)
        fmt = article.fmt.name
        segments: list[SegmentRow] = []
        first: dict[str, int] = {}
        counts = dict.fromkeys(BUCKETS, 0)
        for number, seg in enumerate(article.doc.segments, 1):
            entry = entries.get(seg.text)
            srow = _segment_row(number, seg, entry, fmt,
                                by_line.get(int(getattr(entry, "linenum", 0) or 0), [])
                                if entry is not None else [])
            if seg.text in first:
                srow.repeat_of = first[seg.text]
            else:
                first[seg.text] = number
                counts[srow.state] += 1
            segments.append(srow)
        published = {
            msgid: e.msgstr for msgid, e in entries.items()
            if entry_state(e) >= config.publish
        }

        current = {msgid: e.msgstr for msgid, e in entries.items() if e.msgstr}

        def translate(seg: Segment) -> str | None:
            return published.get(seg.text)

        def translate_all(seg: Segment) -> str | None:
            return current.get(seg.text)

        preview = article_html(article.render(translate, lang), fmt)
        drafts = article_html(article.render(translate_all, lang), fmt)
        return ArticlePage(row, lang, name, segments, preview, drafts, config.publish.label,
                           counts)

    def live_check(self, slug: str, path: Path, lang: str, key: str,
                   text: str) -> tuple[list[tuple[str, str, str]], str]:
        """Findings and rendering for a translation being typed (nothing is written)."""
        article = read_article(self.config, path)
        po_path = catalog_path(self.config, lang, slug)
        cat = catalog.load(po_path)
        entry = find_entry(cat, key)
        skip = MARKUP_CHECKS if is_attribute_only(entry) else ()
        ctx = context_for(article, lang, self.glossary)
        found = run_checks(entry.msgid, text, ctx, skip=skip)
        findings: list[tuple[str, str, str]] = [(f.severity, f.check, f.message) for f in found]
        kind = entry.comment or ""
        return findings, segment_html(text, kind, article.fmt.name)


def find_entry(cat: catalog.Catalog, key: str) -> catalog.Entry:
    """The active entry named ``key``; ``KeyError`` when it is gone."""
    for entry in catalog.active_entries(cat):
        if entry_key(entry.msgctxt, entry.msgid) == key:
            return entry
    raise KeyError(key)


def _segment_row(number: int, seg: Segment, entry: catalog.Entry | None, fmt: str,
                 findings: list[CheckFinding]) -> SegmentRow:
    translation = entry.msgstr if entry is not None else ""
    state = bucket_of(entry) if entry is not None else "untranslated"
    previous = (entry.previous_msgid or None) if entry is not None else None
    tcomment = (entry.tcomment or "") if entry is not None else ""
    found = approval(tcomment)
    notes = display_notes(tcomment)
    return SegmentRow(
        number=number,
        line=seg.line,
        kind=seg.kind,
        key=entry_key(entry.msgctxt if entry is not None else None, seg.text),
        source=seg.text,
        translation=translation,
        state=state,
        in_catalog=entry is not None,
        findings=[(f.severity, f.check, f.message, f.accepted_by) for f in findings],
        previous_source=previous if state == "needs_work" else None,
        notes=notes,
        reviewer=found.reviewer if found is not None else None,
        source_html=segment_html(seg.text, seg.kind, fmt),
        translation_html=segment_html(translation, seg.kind, fmt),
        diff=[(op, text) for op, text in word_chunks(previous, seg.text)]
        if previous and state == "needs_work" else [],
        tag=block_tag(seg.kind),
    )
