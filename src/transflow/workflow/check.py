"""``check``: run the quality checks over the workspace's catalogs and report findings.

Scope: every active entry with a translation. Entries at *translated* or better are what
gets published (or will be, once reviewed), so their errors gate: they count in
``CheckReport.errors`` and make ``transflow check`` exit 3. Machine drafts and needs-work
entries are checked too, because a reviewer wants to know what to fix before accepting them,
but their findings are marked ``draft`` and never gate: a draft is never published.

Each finding names the catalog file and the line of its entry there (polib's ``linenum``,
the ``msgid`` line), so editors can jump to it, and the article reference (``file:line``)
the entry came from. The JSON document is a versioned public contract.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from transflow.checks import CheckContext, Finding, Severity, run_checks
from transflow.config import Config
from transflow.errors import Problem, TransflowError
from transflow.glossary import Glossary, load_glossary
from transflow.po import catalog
from transflow.states import State, entry_state
from transflow.workflow.workspace import (
    Article,
    Progress,
    catalog_path,
    discover_each,
    no_progress,
    problem_of,
    read_article,
)

JSON_VERSION = 1

#: Entries at this state or better gate publishing when a check finds an error in them.
GATING_STATE = State.TRANSLATED


@dataclass(frozen=True, slots=True)
class CheckFinding:
    """One finding of one check in one catalog entry."""

    catalog: str
    line: int
    severity: Severity
    check: str
    message: str
    article: str
    reference: str
    language: str
    state: State

    @property
    def draft(self) -> bool:
        """True for findings in machine drafts and needs-work entries (they never gate)."""
        return self.state < GATING_STATE

    @property
    def gating(self) -> bool:
        """An error in an entry that is (or will be) published."""
        return self.severity == "error" and not self.draft

    def to_json(self) -> dict[str, object]:
        """One item of the ``findings`` list."""
        return {
            "catalog": self.catalog,
            "line": self.line,
            "severity": self.severity,
            "check": self.check,
            "message": self.message,
            "article": self.article,
            "reference": self.reference,
            "language": self.language,
            "state": self.state.key,
            "draft": self.draft,
        }


@dataclass(slots=True)
class CheckReport:
    """Every finding, plus what was looked at."""

    findings: list[CheckFinding] = field(default_factory=list)
    catalogs: int = 0
    entries: int = 0
    missing: list[str] = field(default_factory=list)
    #: Articles and catalogs that could not be read (reported and skipped).
    problems: list[Problem] = field(default_factory=list)

    def count(self, severity: Severity, *, drafts: bool = False) -> int:
        """Findings of one severity, in published-level entries (or in drafts)."""
        return sum(1 for f in self.findings if f.severity == severity and f.draft == drafts)

    @property
    def errors(self) -> list[CheckFinding]:
        """The findings that gate publishing."""
        return [f for f in self.findings if f.gating]

    def to_json(self) -> dict[str, object]:
        """The versioned JSON document (public contract)."""
        return {
            "version": JSON_VERSION,
            "findings": [f.to_json() for f in self.findings],
            "counts": {"error": self.count("error"), "warning": self.count("warning")},
            "drafts": {
                "error": self.count("error", drafts=True),
                "warning": self.count("warning", drafts=True),
            },
            "catalogs": self.catalogs,
            "entries": self.entries,
            "missing_catalogs": self.missing,
            "problems": [p.to_json() for p in self.problems],
        }


def workspace_glossary(config: Config) -> Glossary | None:
    """The configured glossary (``[deepl] glossary``), or None when none is configured.

    A header-less file is read as default source language first, the other second, which
    is what the starter configuration documents; that needs exactly two languages.
    """
    path = config.deepl.glossary
    if path is None:
        return None
    languages: tuple[str, str] | None = None
    others = config.targets_for(config.source_language)
    if len(others) == 1:
        languages = (config.source_language, others[0])
    return load_glossary(path, languages=languages)


def context_for(
    article: Article, language: str, glossary: Glossary | None = None
) -> CheckContext:
    """The check context of one article translated into ``language``."""
    pairs = glossary.pairs_for(article.source_language, language) if glossary else ()
    return CheckContext(
        source_lang=article.source_language,
        target_lang=language,
        format=article.fmt.name,
        glossary=pairs,
    )


#: Checks about markup a translation could inject into the page.
MARKUP_CHECKS = ("html-tags", "unsafe-markup")


def is_attribute_only(entry: catalog.Entry) -> bool:
    """True for an entry that is only ever an attribute value (``alt``, ``title``, …).

    Attribute translations are written escaped (``<`` becomes ``&lt;``), so text that looks
    like a tag there is text, not markup, and the markup checks do not apply.
    """
    kinds = [k.strip() for k in (entry.comment or "").split(";") if k.strip()]
    return bool(kinds) and all(k.startswith("attribute ") for k in kinds)


def check_catalog(
    article: Article,
    language: str,
    cat: catalog.Catalog,
    *,
    catalog_name: str,
    glossary: Glossary | None = None,
    min_state: State = State.MACHINE_DRAFT,
    skip: Sequence[str] = (),
) -> tuple[list[CheckFinding], int]:
    """Findings for every entry at ``min_state`` or better, and how many entries were checked."""
    ctx = context_for(article, language, glossary)
    findings: list[CheckFinding] = []
    checked = 0
    for entry in catalog.active_entries(cat):
        state = entry_state(entry)
        if state < min_state or not entry.msgstr:
            continue
        checked += 1
        entry_skip = (*skip, *MARKUP_CHECKS) if is_attribute_only(entry) else skip
        found: list[Finding] = run_checks(entry.msgid, entry.msgstr, ctx, skip=entry_skip)
        findings.extend(
            CheckFinding(
                catalog=catalog_name,
                line=int(getattr(entry, "linenum", 0) or 0),
                severity=f.severity,
                check=f.check,
                message=f.message,
                article=article.rel,
                reference=article.reference(entry.msgid),
                language=language,
                state=state,
            )
            for f in found
        )
    return findings, checked


def check(
    config: Config,
    paths: Sequence[Path] | None = None,
    *,
    language: str | None = None,
    glossary: Glossary | None = None,
    progress: Progress = no_progress,
) -> CheckReport:
    """Check every selected article's catalogs (all articles when ``paths`` is empty).

    ``glossary`` defaults to the workspace glossary; catalogs that do not exist yet are
    listed in ``missing`` (``sync`` creates them) rather than failing the run. An article or
    catalog that cannot be read is listed in ``problems``; the others are checked.
    """
    if glossary is None:
        glossary = workspace_glossary(config)
    report = CheckReport()
    files, report.problems = discover_each(config, paths)
    for done, path in enumerate(files, 1):
        progress(done, len(files), config.relative(path))
        try:
            article = read_article(config, path)
        except TransflowError as exc:
            report.problems.append(problem_of(config, exc, path))
            continue
        for lang in config.targets_for(article.source_language):
            if language and lang != language:
                continue
            po_path = catalog_path(config, lang, article.slug)
            name = config.relative(po_path)
            if not po_path.exists():
                report.missing.append(name)
                continue
            try:
                cat = catalog.load(po_path)
            except TransflowError as exc:
                report.problems.append(problem_of(config, exc, po_path))
                continue
            findings, checked = check_catalog(
                article, lang, cat, catalog_name=name, glossary=glossary
            )
            report.catalogs += 1
            report.entries += checked
            report.findings.extend(findings)
    return report
