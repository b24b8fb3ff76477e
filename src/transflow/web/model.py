"""What the review pages show, as plain data: one row per article, one row per segment.

Both ``transflow serve`` and ``transflow report`` render these objects; neither computes a
state, a finding or a build verdict itself:

* states come from ``states.entry_state`` (the one function that decides them), with
  *changed after review* split off *translated* as ``status`` counts it;
* findings come from ``workflow.check.check_catalog`` (the same checks, scope and skips as
  ``transflow check``), joined to their entries by catalog line;
* the build verdict comes from ``workflow.build.assess`` with the default gates, the same
  call ``build`` makes.

A ``Workspace`` remembers each article's row until the article or one of its catalogs
changes on disk (by size and modification time), so the index of a large workspace is
recomputed only for what changed since the last look.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from transflow.checks import run_checks
from transflow.config import Config
from transflow.errors import TransflowError
from transflow.formats import Segment
from transflow.glossary import Glossary
from transflow.po import catalog
from transflow.states import (
    NEVER_ACCEPTED,
    State,
    accepted_findings,
    approval,
    approval_is_stale,
    display_notes,
    entry_state,
    view,
)
from transflow.web.render import article_html, block_tag, segment_html
from transflow.worddiff import word_chunks
from transflow.workflow.build import assess
from transflow.workflow.check import (
    MARKUP_CHECKS,
    CheckFinding,
    check_catalog,
    context_for,
    is_attribute_only,
    workspace_glossary,
)
from transflow.workflow.gates import default_gates
from transflow.workflow.workspace import Article, catalog_path, discover, read_article, slug_of

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

    def __init__(self, config: Config, *, glossary: Glossary | None = None) -> None:
        self.config = config
        self.glossary = glossary if glossary is not None else workspace_glossary(config)
        self.gates = default_gates(config)
        self._rows: dict[str, tuple[Stamp, ArticleRow]] = {}
        self._lock = threading.Lock()

    # -- finding articles ------------------------------------------------------------------
    def articles(self) -> dict[str, Path]:
        """Slug -> article path, for every article of the workspace (the only paths served)."""
        return {slug_of(self.config, p): p for p in discover(self.config)}

    def _targets_paths(self, slug: str) -> list[Path]:
        return [catalog_path(self.config, lang, slug) for lang in self.config.languages]

    # -- the index -------------------------------------------------------------------------
    def rows(self, progress: Callable[[int, int], None] | None = None) -> list[ArticleRow]:
        """Every article's row, recomputed only where a file changed since the last call."""
        found = self.articles()
        rows: list[ArticleRow] = []
        with self._lock:
            for done, (slug, path) in enumerate(sorted(found.items()), 1):
                rows.append(self._row(slug, path))
                if progress is not None:
                    progress(done, len(found))
            for gone in set(self._rows) - set(found):
                del self._rows[gone]
        return rows

    def row(self, slug: str, path: Path) -> ArticleRow:
        """One article's row (cached like ``rows``)."""
        with self._lock:
            return self._row(slug, path)

    def _row(self, slug: str, path: Path) -> ArticleRow:
        stamp = _stamp([path, *self._targets_paths(slug)])
        cached = self._rows.get(slug)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        row = self._compute_row(slug, path)
        self._rows[slug] = (stamp, row)
        return row

    def _compute_row(self, slug: str, path: Path) -> ArticleRow:
        config = self.config
        row = ArticleRow(config.relative(path), slug)
        try:
            article = read_article(config, path)
            row.fmt = article.fmt.name
            row.source_language = article.source_language
            for lang in config.targets_for(article.source_language):
                row.languages.append(self._language_row(article, lang))
            verdict, _ = assess(config, article, self.gates)
            row.built = verdict.built
            row.reasons = verdict.reasons
        except TransflowError as exc:  # one bad article never hides the others
            row.error = str(exc)
        return row

    def _language_row(self, article: Article, lang: str) -> LanguageRow:
        config = self.config
        po_path = catalog_path(config, lang, article.slug)
        lrow = LanguageRow(lang, config.relative(po_path))
        if not po_path.exists():
            lrow.missing = True
            lrow.counts["untranslated"] = len({s.text for s in article.doc.segments})
            return lrow
        cat = catalog.load(po_path)
        for entry in catalog.active_entries(cat):
            lrow.counts[bucket_of(entry)] += 1
        findings, _ = check_catalog(article, lang, cat, catalog_name=lrow.catalog,
                                    glossary=self.glossary)
        for f in findings:
            if f.draft:
                lrow.draft_findings += 1
            elif f.accepted:
                continue  # verified by a person: neither an error nor a warning any more
            elif f.severity == "error":
                lrow.errors += 1
            else:
                lrow.warnings += 1
        return lrow

    # -- one article -----------------------------------------------------------------------
    def page(self, slug: str, path: Path, lang: str) -> ArticlePage:
        """The article page for one target language (always computed fresh)."""
        config = self.config
        article = read_article(config, path)
        if lang not in config.targets_for(article.source_language):
            raise TransflowError(f"{lang} is not a target language of {article.rel}")
        row = self.row(slug, path)
        po_path = catalog_path(config, lang, slug)
        name = config.relative(po_path)
        cat = catalog.load(po_path) if po_path.exists() else None
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
    accepted = ({a.check: a.reviewer for a in accepted_findings(view(entry))}
                if entry is not None else {})
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
        findings=[(f.severity, f.check, f.message, accepted.get(f.check)) for f in findings],
        previous_source=previous if state == "needs_work" else None,
        notes=notes,
        reviewer=found.reviewer if found is not None else None,
        source_html=segment_html(seg.text, seg.kind, fmt),
        translation_html=segment_html(translation, seg.kind, fmt),
        diff=[(op, text) for op, text in word_chunks(previous, seg.text)]
        if previous and state == "needs_work" else [],
        tag=block_tag(seg.kind),
    )
