"""Approving and un-approving catalog entries; who the reviewer is; picking entries by line.

Invariants:

* the state is always decided by :func:`transflow.states.state_of`; this module only writes
  the comment lines and flags that function reads;
* machine drafts and needs-work entries are approved only with ``include_drafts``: the
  reviewer then adopts the text as their own, so ``fuzzy``, the previous msgid and the
  ``transflow: draft``/``problem`` lines go;
* approving an entry that is already validly reviewed changes nothing (no date churn);
* the translator's own comment lines are never touched.

polib objects are touched only through :func:`view`, :func:`_set_tcomment` and friends, so
moving to the lead's ``catalog`` wrappers is a local change.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from transflow.po.catalog import entry_state as entry_state  # re-exported for review callers
from transflow.po.catalog import view as view

from .errors import TransflowError
from .states import State, approval_text, set_transflow_line

#: A polib.POEntry (polib ships no type hints).
Entry = Any

#: Runs ``git ARGS`` and returns its stdout, or None when git is missing or fails.
GitRunner = Callable[[Sequence[str]], "str | None"]


def refusal(entry: Entry, include_drafts: bool = False) -> str | None:
    """Why ``approve`` would refuse this entry, or None when it may be approved."""
    state = entry_state(entry)
    if state is State.UNTRANSLATED:
        return "untranslated: nothing to approve"
    if state in (State.MACHINE_DRAFT, State.NEEDS_WORK) and not include_drafts:
        return f"{state.label}: approve it with --include-drafts to accept it as your own"
    return None


def _clean_reviewer(reviewer: str) -> str:
    name = " ".join(reviewer.split())
    if not name:
        raise TransflowError("the reviewer name is empty", hint="pass --reviewer NAME")
    return name


def approve(entry: Entry, reviewer: str, day: date, include_drafts: bool = False) -> bool:
    """Record an approval by ``reviewer`` on ``day``; True when the entry changed.

    Returns False (and leaves the entry alone) when it is untranslated, a draft or needs
    work without ``include_drafts``, or already reviewed with a valid approval.
    """
    name = _clean_reviewer(reviewer)
    state = entry_state(entry)
    if state is State.REVIEWED or refusal(entry, include_drafts) is not None:
        return False
    if state in (State.MACHINE_DRAFT, State.NEEDS_WORK):
        accept_as_own(entry)
    text = approval_text(entry.msgid, entry.msgstr, entry.msgctxt, name, day)
    entry.tcomment = set_transflow_line(entry.tcomment or "", "reviewed", text)
    return True


def accept_as_own(entry: Entry) -> None:
    """Make a person's translation of the entry: no fuzzy, no previous source, no draft note."""
    if "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    entry.previous_msgid = None
    entry.previous_msgid_plural = None
    entry.previous_msgctxt = None
    comment = entry.tcomment or ""
    for verb in ("draft", "problem"):
        comment = set_transflow_line(comment, verb, None)
    entry.tcomment = comment


def set_translation(entry: Entry, msgstr: str) -> bool:
    """A person's edit: new text, accepted as their own (translated, never reviewed).

    Returns True when the entry changed. An approval line stays but is stale by fingerprint,
    so the history of who approved what remains readable.
    """
    before = (entry.msgstr, entry.tcomment, list(entry.flags), entry.previous_msgid)
    entry.msgstr = msgstr
    accept_as_own(entry)
    return before != (entry.msgstr, entry.tcomment, list(entry.flags), entry.previous_msgid)


def unapprove(entry: Entry) -> bool:
    """Remove every approval line; True when there was one."""
    comment = entry.tcomment or ""
    cleared = set_transflow_line(comment, "reviewed", None)
    if cleared == comment:
        return False
    entry.tcomment = cleared
    return True


def approve_all(
    entries: Iterable[Entry], reviewer: str, day: date, include_drafts: bool = False
) -> list[Entry]:
    """Approve every approvable entry; returns the entries that changed."""
    return [e for e in entries if approve(e, reviewer, day, include_drafts)]


def _reference_lines(entry: Entry) -> list[tuple[str, int]]:
    found = []
    for path, line in entry.occurrences:
        try:
            found.append((path, int(line)))
        except (TypeError, ValueError):
            continue
    return found


def select_by_lines(
    entries: Iterable[Entry],
    lines: Iterable[int],
    path: str | None = None,
    *,
    lines_of: Callable[[str], Sequence[int]] | None = None,
) -> tuple[list[Entry], list[int]]:
    """Entries on one of the article ``lines``, and the lines matching none.

    ``lines_of(msgid)`` gives an entry's article lines (computed from the article, so it
    works when the catalog's references carry no line numbers); without it the ``#:
    file:LINE`` references are read, and with ``path`` only references to that file count.
    Entries come in catalog order, each once; the unmatched lines let the CLI say ``no
    entry at line 14``.
    """
    wanted = list(dict.fromkeys(lines))
    chosen: list[Entry] = []
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


@dataclass(slots=True)
class BatchResult:
    """What a non-interactive approve/unapprove did to one catalog's entries."""

    changed: list[Entry] = field(default_factory=list)
    skipped: list[Entry] = field(default_factory=list)
    refused: list[tuple[Entry, str]] = field(default_factory=list)


def approve_entries(
    entries: Iterable[Entry],
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
    _clean_reviewer(reviewer)
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


def unapprove_entries(entries: Iterable[Entry]) -> BatchResult:
    """Remove approvals (valid or stale); entries without one are skipped."""
    result = BatchResult()
    for entry in entries:
        (result.changed if unapprove(entry) else result.skipped).append(entry)
    return result
