"""``review``: the catalogs of one article opened for review, and the non-interactive batch mode.

The state changes themselves (approve, unapprove, accept as own) are
:mod:`transflow.states`'; this module picks the entries (all, or those at given article
lines), applies them, and saves. Invariants:

* every target catalog is loaded and every requested line matched before anything is
  written: an unknown line (:class:`LinesNotFoundError`) changes no file;
* a catalog is saved (``catalog.save``: atomic, merged with a save made meanwhile) only when
  one of its entries changed, and never under ``dry_run``;
* who the reviewer is comes from the caller (the CLI asks git and the environment through
  :func:`reviewer_name`, with the runner and the environment passed in).

Never prints, never reads the environment.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from transflow.config import Config
from transflow.errors import CatalogError, TransflowError
from transflow.po import catalog
from transflow.states import State, approve, clean_reviewer, entry_state, refusal, unapprove
from transflow.workflow.workspace import Article, catalog_path

JSON_VERSION = 1

#: Runs ``git ARGS`` and returns its stdout, or None when git is missing or fails.
GitRunner = Callable[[Sequence[str]], "str | None"]


# --------------------------------------------------------------------------- who reviews
def default_git_runner(args: Sequence[str]) -> str | None:
    """Run git for real (the CLI passes this; tests pass a fake)."""
    try:
        done = subprocess.run(
            ["git", *args], capture_output=True, text=True, check=False, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


_LOGIN_VARS = ("LOGNAME", "USER", "LNAME", "USERNAME")


def reviewer_name(git_runner: GitRunner, env: Mapping[str, str]) -> str:
    """``git config user.name``, then the login name from ``env`` (as ``getpass`` reads it).

    ``env`` is passed in because library code does not read the environment itself.
    """
    configured = git_runner(["config", "user.name"])
    if configured and configured.strip():
        return " ".join(configured.split())
    for var in _LOGIN_VARS:
        value = env.get(var, "")
        if value and value.strip():
            return re.sub(r"\s+", " ", value.strip())
    raise TransflowError(
        "cannot tell who the reviewer is (no git user.name, no login name)",
        hint="pass --reviewer NAME or run: git config --global user.name 'Your Name'",
    )


# --------------------------------------------------------------------------- picking entries
def reference_line(entry: catalog.Entry, article: Article) -> int | None:
    """The entry's first line in ``article`` (what --approve takes), computed from it."""
    lines = article.lines_of(entry.msgid)
    return lines[0] if lines else None


def _reference_lines(entry: catalog.Entry) -> list[tuple[str, int]]:
    found = []
    for path, line in entry.occurrences:
        try:
            found.append((path, int(line)))
        except (TypeError, ValueError):
            continue
    return found


def select_by_lines(
    entries: Iterable[catalog.Entry],
    lines: Iterable[int],
    path: str | None = None,
    *,
    lines_of: Callable[[str], Sequence[int]] | None = None,
) -> tuple[list[catalog.Entry], list[int]]:
    """Entries on one of the article ``lines``, and the lines matching none.

    ``lines_of(msgid)`` gives an entry's article lines (computed from the article, so it
    works when the catalog's references carry no line numbers); without it the ``#:
    file:LINE`` references are read, and with ``path`` only references to that file count.
    Entries come in catalog order, each once; the unmatched lines let the CLI say ``no
    entry at line 14``.
    """
    wanted = list(dict.fromkeys(lines))
    chosen: list[catalog.Entry] = []
    seen: set[int] = set()
    for entry in entries:
        if lines_of is not None:
            refs = list(lines_of(entry.msgid))
        else:
            refs = [ln for p, ln in _reference_lines(entry) if path is None or p == path]
        hit = [ln for ln in wanted if ln in refs]
        if hit:
            chosen.append(entry)
            seen.update(hit)
    return chosen, [ln for ln in wanted if ln not in seen]


# --------------------------------------------------------------------------- batch results
@dataclass(slots=True)
class BatchResult:
    """What a non-interactive approve/unapprove did to one catalog's entries."""

    changed: list[catalog.Entry] = field(default_factory=list)
    skipped: list[catalog.Entry] = field(default_factory=list)
    refused: list[tuple[catalog.Entry, str]] = field(default_factory=list)


def approve_entries(
    entries: Iterable[catalog.Entry],
    reviewer: str,
    day: date,
    *,
    include_drafts: bool = False,
    explicit: bool = False,
) -> BatchResult:
    """Approve what may be approved; sort the rest into skipped and refused (with a reason).

    Already reviewed entries are skipped. Drafts and needs-work entries without
    ``include_drafts`` are refused. Untranslated entries are skipped when sweeping a whole
    catalog but refused when picked ``explicit``-ly (by line): the reviewer asked for them.
    """
    clean_reviewer(reviewer)
    result = BatchResult()
    for entry in entries:
        state = entry_state(entry)
        reason = refusal(entry, include_drafts)
        if state is State.REVIEWED or (state is State.UNTRANSLATED and not explicit):
            result.skipped.append(entry)
        elif reason is not None:
            result.refused.append((entry, reason))
        elif approve(entry, reviewer, day, include_drafts):
            result.changed.append(entry)
        else:  # pragma: no cover - refusal() and approve() agree by construction
            result.skipped.append(entry)
    return result


def unapprove_entries(entries: Iterable[catalog.Entry]) -> BatchResult:
    """Remove approvals (valid or stale); entries without one are skipped."""
    result = BatchResult()
    for entry in entries:
        (result.changed if unapprove(entry) else result.skipped).append(entry)
    return result


# --------------------------------------------------------------------------- catalogs
@dataclass(slots=True)
class ReviewCatalog:
    """One target catalog of the article under review."""

    language: str
    path: Path
    #: The path as shown to people (relative to the workspace).
    name: str
    po: catalog.Catalog

    def entries(self) -> list[catalog.Entry]:
        """The live entries, in catalog order."""
        return list(catalog.active_entries(self.po))

    def save(self, now: datetime) -> bool:
        """Write the catalog (atomic; a person's save made meanwhile wins)."""
        return catalog.save(self.po, self.path, now=now)


def open_catalog(config: Config, article: Article, language: str) -> ReviewCatalog:
    """Load the article's catalog for ``language``; a missing one says to run sync."""
    path = catalog_path(config, language, article.slug)
    if not path.exists():
        raise CatalogError("catalog not found", path=config.relative(path),
                           hint="run 'transflow sync' first")
    return ReviewCatalog(language, path, config.relative(path), catalog.load(path))


class LinesNotFoundError(TransflowError):
    """``--approve LINE`` named lines of the article that no entry refers to (a usage error)."""

    exit_code = 2

    def __init__(self, article: str, lines: Sequence[int]) -> None:
        self.lines = list(lines)
        super().__init__(
            f"no entry at line(s) {', '.join(map(str, self.lines))} of {article}"
        )


@dataclass(slots=True)
class CatalogBatch:
    """What the batch mode did to one catalog."""

    catalog: ReviewCatalog
    result: BatchResult


@dataclass(slots=True)
class ReviewBatch:
    """The outcome of ``review --approve-all / --approve LINE / --unapprove``."""

    article: Article
    reviewer: str | None
    unapprove: bool
    dry_run: bool
    catalogs: list[CatalogBatch] = field(default_factory=list)

    @property
    def verb(self) -> str:
        """``approved`` or ``unapproved``: the key of the changed entries in reports."""
        return "unapproved" if self.unapprove else "approved"

    def counts(self) -> dict[str, int]:
        """Changed, skipped and refused entries over every catalog (in that order)."""
        return {
            self.verb: sum(len(c.result.changed) for c in self.catalogs),
            "skipped": sum(len(c.result.skipped) for c in self.catalogs),
            "refused": sum(len(c.result.refused) for c in self.catalogs),
        }

    def to_json(self) -> dict[str, object]:
        """The versioned JSON document of ``review --json``."""
        return {
            "version": JSON_VERSION,
            "article": self.article.rel,
            "dry_run": self.dry_run,
            "reviewer": self.reviewer,
            "catalogs": [
                {
                    "catalog": c.catalog.name,
                    self.verb: [reference_line(e, self.article) for e in c.result.changed],
                    "refused": [{"line": reference_line(e, self.article), "reason": why}
                                for e, why in c.result.refused],
                }
                for c in self.catalogs
            ],
            "counts": self.counts(),
        }


def review_batch(
    config: Config,
    article: Article,
    languages: Sequence[str],
    *,
    lines: Sequence[int] = (),
    unapprove: bool = False,
    reviewer: str | None = None,
    include_drafts: bool = False,
    dry_run: bool = False,
    day: date,
    now: datetime,
) -> ReviewBatch:
    """Approve (or with ``unapprove`` un-approve) entries of the article's catalogs.

    Without ``lines`` every entry of every catalog in ``languages`` is swept; with
    ``lines`` only the entries referring to those lines of the article, which must all
    exist (else :class:`LinesNotFoundError` before anything is written). ``reviewer`` is
    required unless ``unapprove``. Changed catalogs are saved with ``now`` as their
    revision date (unless ``dry_run``) and their entries renumbered from the written file,
    so the lines in the result are those of the file on disk.
    """
    opened = [open_catalog(config, article, lang) for lang in languages]
    chosen: dict[str, list[catalog.Entry]] = {}
    unmatched: set[int] = set(lines)
    for item in opened:
        entries = item.entries()
        if lines:
            entries, missing = select_by_lines(entries, lines, lines_of=article.lines_of)
            unmatched &= set(missing)
        chosen[item.language] = entries
    if unmatched:
        raise LinesNotFoundError(article.rel, sorted(unmatched))
    batch = ReviewBatch(article, reviewer, unapprove, dry_run)
    for item in opened:
        if unapprove:
            result = unapprove_entries(chosen[item.language])
        else:
            if reviewer is None:
                raise TransflowError("the reviewer name is empty", hint="pass --reviewer NAME")
            result = approve_entries(chosen[item.language], reviewer, day,
                                     include_drafts=include_drafts, explicit=bool(lines))
        if result.changed and not dry_run:
            item.save(now)
            _renumber(item)
        batch.catalogs.append(CatalogBatch(item, result))
    return batch


def _renumber(item: ReviewCatalog) -> None:
    """Give entries the line numbers of the file just written (approvals add lines)."""
    lines = {(e.msgctxt, e.msgid): e.linenum for e in catalog.load(item.path)}
    for entry in item.po:
        entry.linenum = lines.get((entry.msgctxt, entry.msgid), entry.linenum)
