"""Every change to an entry's review state, in one place.

The stored form of a state is the ``fuzzy`` flag, the previous fields (``#| msgctxt``,
``#| msgid``, ``#| msgid_plural``) and the ``# transflow:`` comment lines (:mod:`.notes`).
These functions are the only code in transflow that writes them; workflow modules call them
instead of editing flags or comments, so a draft written by ``translate`` and one written by
``align`` are the same thing, byte for byte.

Invariants:

* a machine draft is ``fuzzy`` + a ``draft`` line + no previous source (all three previous
  fields cleared), whoever writes it (:func:`mark_draft`);
* a person's text (:func:`set_translation`, :func:`accept_as_own`) has no ``fuzzy``, no
  previous source and no ``draft``/``problem`` line; an earlier approval line stays, stale
  by fingerprint, so who approved what remains readable;
* approving an entry that is already validly reviewed changes nothing (no date churn);
  drafts and needs-work entries are approved only with ``include_drafts`` (the reviewer
  then adopts the text as their own);
* accepting a check finding never covers markup injection (:data:`NEVER_ACCEPTED`);
* the translator's own comment lines are never touched.

Each function that may leave the entry as it was returns True when it changed it, so
callers save only what changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from transflow.errors import TransflowError
from transflow.po.model import Entry

from .decide import State, accepted_findings, entry_state, view
from .notes import (
    ACCEPTED,
    DRAFT,
    PROBLEM,
    REVIEWED,
    acceptance_text,
    approval_text,
    set_transflow_line,
)

#: Checks whose findings can never be accepted: injected markup (``<script>``, ``on…=``,
#: ``javascript:``) is never "checked and right". Names as in ``transflow.checks``.
NEVER_ACCEPTED = frozenset({"unsafe-markup"})


# --------------------------------------------------------------------------- low level
def _set_fuzzy(entry: Entry, fuzzy: bool) -> None:
    """Add (first, as msgmerge does) or remove the fuzzy flag, keeping other flags' order."""
    if fuzzy and "fuzzy" not in entry.flags:
        entry.flags.insert(0, "fuzzy")
    elif not fuzzy:
        entry.flags = [f for f in entry.flags if f != "fuzzy"]


def _clear_previous(entry: Entry) -> None:
    entry.previous_msgid = None
    entry.previous_msgctxt = None
    entry.previous_msgid_plural = None


def _comment(entry: Entry) -> str:
    return entry.tcomment or ""


# --------------------------------------------------------------------------- drafts
def mark_draft(entry: Entry, text: str, origin: str, problems: Sequence[str] = ()) -> None:
    """Write a machine draft: ``text`` as msgstr, fuzzy, a ``draft <origin>`` line.

    ``origin`` names where it came from (``deepl 2026-11-26``, ``memory 2026-11-26 <file>
    (92%)``, ``copy 2026-11-26``, ``align 2026-11-26 (0.41, …)``). ``problems`` (why the
    draft cannot stand as it is) become one ``problem`` line; without problems an old
    problem line goes. The previous source goes too: a draft is for the current source.
    """
    entry.msgstr = text
    _clear_previous(entry)
    _set_fuzzy(entry, True)
    comment = set_transflow_line(_comment(entry), DRAFT, origin)
    entry.tcomment = set_transflow_line(comment, PROBLEM, "; ".join(problems) or None)


def mark_no_draft(entry: Entry, problems: Sequence[str] = ()) -> bool:
    """Record why no draft came (a ``problem`` line) on an *untranslated* entry.

    The entry stays untranslated, so a rerun retries it; an entry with a translation is
    left alone. True when a line was written.
    """
    if entry_state(entry) != State.UNTRANSLATED:
        return False
    before = entry.tcomment
    entry.tcomment = set_transflow_line(_comment(entry), PROBLEM,
                                        "; ".join(problems) or "no draft")
    return entry.tcomment != before


def mark_needs_work(entry: Entry, old: Entry) -> None:
    """Carry ``old``'s translation to ``entry`` (a new source close to ``old``'s): needs work.

    msgmerge's fuzzy match: the translation, flags and comments come along, the entry is
    fuzzy with ``#| msgid`` the old source (or the source ``old`` was itself translated
    from). The old approval was for the old source, so it goes instead of lingering stale.
    """
    entry.msgstr = old.msgstr
    entry.tcomment = set_transflow_line(_comment(old), REVIEWED, None)
    entry.previous_msgid = old.previous_msgid or old.msgid
    entry.previous_msgctxt = old.previous_msgctxt
    entry.flags = [f for f in old.flags if f != "fuzzy"]
    _set_fuzzy(entry, True)


# --------------------------------------------------------------------------- a person's text
def accept_as_own(entry: Entry) -> None:
    """Make the entry's text a person's: no fuzzy, no previous source, no draft/problem."""
    _set_fuzzy(entry, False)
    _clear_previous(entry)
    comment = _comment(entry)
    for verb in (DRAFT, PROBLEM):
        comment = set_transflow_line(comment, verb, None)
    entry.tcomment = comment


def set_translation(entry: Entry, msgstr: str) -> bool:
    """A person's edit: new text, accepted as their own (translated, never reviewed).

    Returns True when the entry changed. An approval line stays but is stale by
    fingerprint, so the history of who approved what remains readable.
    """
    before = (entry.msgstr, entry.tcomment, list(entry.flags), entry.previous_msgid)
    entry.msgstr = msgstr
    accept_as_own(entry)
    return before != (entry.msgstr, entry.tcomment, list(entry.flags), entry.previous_msgid)


# --------------------------------------------------------------------------- approvals
def clean_reviewer(reviewer: str) -> str:
    """The reviewer's name on one line; an empty name is refused (who approved must show)."""
    name = " ".join(reviewer.split())
    if not name:
        raise TransflowError("the reviewer name is empty", hint="pass --reviewer NAME")
    return name


def refusal(entry: Entry, include_drafts: bool = False) -> str | None:
    """Why :func:`approve` would refuse this entry, or None when it may be approved."""
    state = entry_state(entry)
    if state is State.UNTRANSLATED:
        return "untranslated: nothing to approve"
    if state in (State.MACHINE_DRAFT, State.NEEDS_WORK) and not include_drafts:
        return f"{state.label}: approve it with --include-drafts to accept it as your own"
    return None


def approve(entry: Entry, reviewer: str, day: date, include_drafts: bool = False) -> bool:
    """Record an approval by ``reviewer`` on ``day``; True when the entry changed.

    Returns False (and leaves the entry alone) when it is untranslated, a draft or needs
    work without ``include_drafts``, or already reviewed with a valid approval.
    """
    name = clean_reviewer(reviewer)
    state = entry_state(entry)
    if state is State.REVIEWED or refusal(entry, include_drafts) is not None:
        return False
    if state in (State.MACHINE_DRAFT, State.NEEDS_WORK):
        accept_as_own(entry)
    text = approval_text(entry.msgid, entry.msgstr, entry.msgctxt, name, day)
    entry.tcomment = set_transflow_line(_comment(entry), REVIEWED, text)
    return True


def approve_all(
    entries: Iterable[Entry], reviewer: str, day: date, include_drafts: bool = False
) -> list[Entry]:
    """Approve every approvable entry; returns the entries that changed."""
    return [e for e in entries if approve(e, reviewer, day, include_drafts)]


def unapprove(entry: Entry) -> bool:
    """Remove every approval line (valid or stale); True when there was one."""
    comment = _comment(entry)
    cleared = set_transflow_line(comment, REVIEWED, None)
    if cleared == comment:
        return False
    entry.tcomment = cleared
    return True


# --------------------------------------------------------------------------- accepted findings
def accept_finding(
    entry: Entry, check: str, reviewer: str, day: date, reason: str = ""
) -> bool:
    """Record that ``reviewer`` verified ``check``'s finding on this entry as correct.

    Writes ``# transflow: accepted <check> <fingerprint> <date> <reviewer>[: <reason>]``,
    replacing an earlier acceptance of the same check. The acceptance holds while source
    and translation stay as they are (:func:`transflow.states.accepted_findings`). Returns
    False when a valid acceptance of this check is already there (no date churn). Raises
    ``TransflowError`` for a check in :data:`NEVER_ACCEPTED` or an untranslated entry.
    """
    name = clean_reviewer(reviewer)
    check = check.strip()
    if not check or any(c.isspace() for c in check):
        raise TransflowError(f"not a check name: {check!r}")
    if check in NEVER_ACCEPTED:
        raise TransflowError(
            f"a '{check}' finding cannot be accepted: injected markup is never right",
            hint="remove the markup from the translation",
        )
    if not entry.msgstr:
        raise TransflowError("untranslated: there is no finding to accept")
    if any(a.check == check for a in accepted_findings(view(entry))):
        return False
    text = acceptance_text(check, entry.msgid, entry.msgstr, entry.msgctxt, name, day, reason)
    entry.tcomment = set_transflow_line(_comment(entry), ACCEPTED, text, key=check)
    return True


def withdraw_finding(entry: Entry, check: str) -> bool:
    """Remove the acceptance of ``check`` (valid or stale); True when there was one."""
    comment = _comment(entry)
    cleared = set_transflow_line(comment, ACCEPTED, None, key=check)
    if cleared == comment:
        return False
    entry.tcomment = cleared
    return True


# --------------------------------------------------------------------------- three-way merge
def edited_fields(entry: Entry) -> tuple[object, ...]:
    """The fields of an entry a person or a tool edits (compared by ``save``'s merge)."""
    return (
        entry.msgstr,
        tuple(sorted(entry.msgstr_plural.items())),
        tuple(entry.flags),
        (entry.tcomment or "").strip(),
        entry.previous_msgid or None,
        entry.previous_msgctxt or None,
    )


def take_edits(entry: Entry, disk: Entry) -> None:
    """Give ``entry`` the translation and state of ``disk`` (a person's save wins)."""
    entry.msgstr = disk.msgstr
    entry.msgstr_plural = dict(disk.msgstr_plural)
    entry.flags = list(disk.flags)
    entry.tcomment = disk.tcomment
    entry.previous_msgid = disk.previous_msgid
    entry.previous_msgctxt = disk.previous_msgctxt
