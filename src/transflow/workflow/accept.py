"""Accepting a check finding that a person verified as correct (Weblate's "dismiss check").

A finding is named the way ``check`` prints it: ``REF CHECK``, where REF is the catalog line
(``locales/en/x.po:42``) or the article line (``articles/x.md:12``; every target catalog of
the article, or the one ``language`` names). The acceptance itself is
``states.accept_finding``: a ``# transflow: accepted <check> <fingerprint> <date> <reviewer>``
line that survives the gettext tools like an approval and goes stale as soon as source or
translation changes. Invariants:

* only a finding the checks report *now* can be accepted (a typo in the check name or a
  line without that finding changes nothing and says what is there);
* markup injection (``unsafe-markup``: ``<script>``, ``on…=``, ``javascript:``) is never
  accepted, and no other finding of an entry that has it is either;
* every catalog is read and every finding found before anything is written; a catalog is
  saved (atomically, merged with a save made meanwhile) only when it changed.

Never prints, never reads the environment.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from transflow.config import Config
from transflow.errors import TransflowError
from transflow.glossary import Glossary
from transflow.po import catalog
from transflow.states import NEVER_ACCEPTED, accept_finding, accepted_findings, view
from transflow.workflow.check import context_for, entry_findings, workspace_glossary
from transflow.workflow.review import ReviewCatalog, open_catalog
from transflow.workflow.workspace import Article, discover, find_article, read_article

JSON_VERSION = 1


class FindingNotFoundError(TransflowError):
    """REF names no entry, or its entry has no finding of that check (nothing is written)."""


@dataclass(slots=True)
class Accepted:
    """One finding accepted (or found accepted already) in one catalog entry."""

    catalog: str
    line: int
    reference: str
    language: str
    check: str
    #: False when a valid acceptance of this check was already there.
    changed: bool
    #: Who accepted it: this run's reviewer, or the one named by the acceptance already there.
    reviewer: str = ""

    def to_json(self) -> dict[str, object]:
        """One item of the ``accepted`` list."""
        return {"catalog": self.catalog, "line": self.line, "reference": self.reference,
                "language": self.language, "check": self.check, "changed": self.changed,
                "reviewer": self.reviewer}


@dataclass(slots=True)
class AcceptReport:
    """What ``check --accept`` / ``review --accept`` did."""

    check: str
    reviewer: str
    reason: str
    accepted: list[Accepted] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        """The versioned JSON document."""
        return {"version": JSON_VERSION, "check": self.check, "reviewer": self.reviewer,
                "reason": self.reason, "accepted": [a.to_json() for a in self.accepted]}


def parse_ref(ref: str) -> tuple[Path, int]:
    """``path:line`` -> (path, line); a usage mistake is a ``TransflowError`` with a hint."""
    path, sep, line = ref.rpartition(":")
    if not sep or not path or not line.isdigit() or int(line) < 1:
        raise TransflowError(
            f"not a reference: {ref!r}",
            hint="give FILE:LINE as 'transflow check' prints it, e.g. locales/en/x.po:42 or "
                 "articles/x.md:12",
        )
    return Path(path), int(line)


def _entry_at(entries: Sequence[catalog.Entry], line: int) -> catalog.Entry | None:
    """The entry whose text spans ``line`` of the catalog file (its last start at or before)."""
    found = None
    for entry in entries:
        start = int(getattr(entry, "linenum", 0) or 0)
        if start <= line and (found is None or start >= int(found.linenum or 0)):
            found = entry
    return found


def accept(
    config: Config,
    path: Path,
    line: int,
    check: str,
    *,
    reviewer: str,
    reason: str = "",
    language: str | None = None,
    day: date,
    now: datetime,
    dry_run: bool = False,
) -> AcceptReport:
    """Accept the ``check`` finding at ``path:line`` (a ``.po`` file or an article)."""
    check = check.strip()
    if check in NEVER_ACCEPTED:
        raise TransflowError(
            f"a '{check}' finding can never be accepted: injected markup is never right",
            hint="remove the <script>, on…= handler or javascript: link from the translation",
        )
    found, po_language = find_article(config, path)
    [article_path] = discover(config, [found])
    article = read_article(config, article_path)
    targets = config.targets_for(article.source_language)
    if po_language is not None:
        targets = [po_language]
    if language is not None:
        targets = [t for t in targets if t == language]
    opened = [open_catalog(config, article, lang) for lang in targets]
    glossary = workspace_glossary(config)
    picked: list[tuple[ReviewCatalog, catalog.Entry]] = []
    seen: list[str] = []
    for item in opened:
        entries = item.entries()
        if po_language is not None:
            # A line past the end of the file is a wrong REF, not the last entry's.
            at = _entry_at(entries, line) if line <= _line_count(item.path) else None
            candidates = [at] if at is not None else []
        else:
            candidates = [e for e in entries if line in article.lines_of(e.msgid)]
        for entry in candidates:
            if not entry.msgstr:
                continue
            names = _finding_names(article, item.language, entry, glossary)
            seen += [f"{item.name}:{entry.linenum} {n}" for n in names]
            if check in names:
                if names & NEVER_ACCEPTED:
                    raise TransflowError(
                        f"{item.name}:{entry.linenum}: the translation injects markup; no "
                        "finding of it can be accepted",
                        hint="remove the <script>, on…= handler or javascript: link first",
                    )
                picked.append((item, entry))
    if not picked:
        where = f"{path.as_posix()}:{line}"
        there = "; ".join(seen) if seen else "no translated entry there"
        raise FindingNotFoundError(f"no '{check}' finding at {where} ({there})",
                                   hint="run 'transflow check' and copy FILE:LINE and the "
                                        "check name from its output")
    report = AcceptReport(check, reviewer, " ".join(reason.split()))
    changed: set[str] = set()
    for item, entry in picked:
        before = [a for a in accepted_findings(view(entry)) if a.check == check]
        done = False if before else accept_finding(entry, check, reviewer, day, reason)
        if done:
            changed.add(item.name)
        report.accepted.append(Accepted(
            item.name, 0, article.reference(entry.msgid), item.language, check, done,
            before[0].reviewer if before else reviewer,
        ))
    for item in opened:
        if item.name in changed and not dry_run:
            item.save(now)
            # Report the lines of the file as written (the new comment line shifts them).
            fresh = {(e.msgctxt, e.msgid): e.linenum for e in catalog.load(item.path)}
            for entry in item.po:
                entry.linenum = fresh.get((entry.msgctxt, entry.msgid), entry.linenum)
    for acc, (_, entry) in zip(report.accepted, picked, strict=True):
        acc.line = int(entry.linenum or 0)
    return report


def _line_count(path: Path) -> int:
    """How many lines ``path`` has (0 when it cannot be read: no entry matches then)."""
    try:
        with path.open("rb") as f:
            return sum(1 for _ in f)
    except OSError:
        return 0


def _finding_names(
    article: Article, language: str, entry: catalog.Entry, glossary: Glossary | None
) -> set[str]:
    """The checks that report a finding on ``entry`` now."""
    [found] = entry_findings([entry], context_for(article, language, glossary))
    return {f.check for f in found}
