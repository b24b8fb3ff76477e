"""The ``# transflow:`` translator-comment lines: their syntax, parsed and written only here.

Review state is stored in the ``.po`` entry in forms that ``msgcat``/``msgmerge``, polib,
Babel and Poedit keep (see the package docstring). The translator comments transflow writes::

    # transflow: draft deepl 2026-11-26
    # transflow: draft memory 2026-11-26 locales/nl/other.po (92%)
    # transflow: problem placeholder {1} missing from the draft
    # transflow: reviewed 2026-11-26 3f2a9c1b0d4e Jane Doe
    # transflow: accepted urls 3f2a9c1b0d4e 2026-11-26 Jane Doe: our English page

``draft <origin>`` records where a machine draft came from; ``problem <text>`` why a draft
failed validation; ``reviewed <date> <fingerprint> <reviewer>`` an approval;
``accepted <check> <fingerprint> <date> <reviewer>[: <reason>]`` a check finding a person
verified as correct. Free text (reviewer, reason) comes last and an ``accepted`` line is
kept within :data:`COMMENT_WIDTH` columns (a long reason is shortened), because Babel's
``write_po`` wraps longer comments: a wrap may then only ever cut free text. Fingerprints
cover msgctxt + msgid + msgstr, so an approval or an acceptance whose text changed
afterwards is *stale*. Lines that do not start with
``transflow:`` are the translator's own and are never touched; transflow lines are written
after them.

Everything here works on comment *text* (pure functions); :mod:`.change` applies them to
entries.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

MARKER = "transflow:"

#: Babel's ``write_po`` wraps translator comments longer than this (msgcat and polib do not).
COMMENT_WIDTH = 76

#: The verbs transflow writes after the marker.
DRAFT = "draft"
PROBLEM = "problem"
REVIEWED = "reviewed"
ACCEPTED = "accepted"


@dataclass(frozen=True, slots=True)
class Approval:
    """A parsed ``# transflow: reviewed`` line."""

    day: str
    fingerprint: str
    reviewer: str


@dataclass(frozen=True, slots=True)
class Acceptance:
    """A parsed ``# transflow: accepted`` line: one check's finding verified by a person."""

    check: str
    fingerprint: str
    reviewer: str
    day: str
    reason: str = ""


_REVIEWED = re.compile(
    r"^transflow:\s+reviewed\s+(\d{4}-\d{2}-\d{2})\s+([0-9a-f]{12})\s*(.*)$"
)
_ACCEPTED = re.compile(
    r"^transflow:\s+accepted\s+(\S+)\s+([0-9a-f]{12})\s+(\d{4}-\d{2}-\d{2})\s+(.+?)"
    r"(?::\s*(.*))?$"
)


def fingerprint(msgid: str, msgstr: str, msgctxt: str | None = None) -> str:
    """A short hash of source and translation: an approval is valid only for this pair."""
    data = f"{msgctxt or ''}\x04{msgid}\x00{msgstr}".encode()
    return hashlib.sha256(data).hexdigest()[:12]


def comment_lines(tcomment: str) -> list[str]:
    """Split a translator comment into lines (polib joins them with newlines)."""
    return [line.strip() for line in tcomment.splitlines()] if tcomment else []


def _words(line: str) -> list[str]:
    """The words after the marker of a stripped line (``[]`` when it is not a transflow line)."""
    return line[len(MARKER):].split() if line.startswith(MARKER) else []


def transflow_lines(tcomment: str, verb: str | None = None) -> list[str]:
    """The ``transflow: VERB ...`` lines of a translator comment (every verb when None)."""
    lines = [ln for ln in comment_lines(tcomment) if ln.startswith(MARKER)]
    if verb is None:
        return lines
    return [ln for ln in lines if _words(ln)[:1] == [verb]]


def set_transflow_line(
    tcomment: str, verb: str, text: str | None, *, key: str | None = None
) -> str:
    """Return the comment with every ``transflow: VERB`` line replaced by one (or removed).

    With ``key``, only the lines whose first word after the verb is ``key`` are replaced
    (one acceptance per check). The translator's own lines keep their order; transflow
    lines go last.
    """
    wanted = [verb] if key is None else [verb, key]
    kept = [
        ln
        for ln in (tcomment.splitlines() if tcomment else [])
        if _words(ln.strip())[: len(wanted)] != wanted
    ]
    if text is not None:
        kept.append(f"{MARKER} {verb} {text}".rstrip())
    return "\n".join(kept)


def display_notes(tcomment: str) -> list[str]:
    """The comment as a person reads it beside the text: every non-empty line, transflow's
    lines without their marker (``draft deepl 2026-11-26``), approvals and acceptances left
    out (they are shown apart, with the reviewer)."""
    hidden = (f"{MARKER} {REVIEWED}", f"{MARKER} {ACCEPTED}")
    return [ln.strip().removeprefix(f"{MARKER} ") for ln in tcomment.splitlines()
            if ln.strip() and not ln.strip().startswith(hidden)]


# --------------------------------------------------------------------------- draft / problem
def draft_origin(tcomment: str) -> str | None:
    """The origin text of the last ``draft`` line (``deepl 2026-11-27``), None without one."""
    lines = transflow_lines(tcomment, DRAFT)
    if not lines:
        return None
    parts = lines[-1].split(None, 2)
    return parts[2] if len(parts) > 2 else ""


def engine_origin(tcomment: str) -> str | None:
    """The origin of a sound *engine* draft (not memory, not a copy, no problem line).

    Such a draft was paid for, so an identical text elsewhere may reuse it.
    """
    if transflow_lines(tcomment, PROBLEM):
        return None
    origin = draft_origin(tcomment)
    if not origin or origin.split()[0] in ("memory", "copy"):
        return None
    return origin


def problems(tcomment: str) -> list[str]:
    """The texts of the ``problem`` lines."""
    return [ln.split(None, 2)[2] if len(ln.split(None, 2)) > 2 else ""
            for ln in transflow_lines(tcomment, PROBLEM)]


# --------------------------------------------------------------------------- approvals
def approval(tcomment: str) -> Approval | None:
    """The last approval recorded in the comment, valid or not."""
    found = None
    for line in transflow_lines(tcomment, REVIEWED):
        m = _REVIEWED.match(line)
        if m:
            found = Approval(m.group(1), m.group(2), m.group(3).strip())
    return found


def approval_text(msgid: str, msgstr: str, msgctxt: str | None, reviewer: str, day: date) -> str:
    """The body of a ``transflow: reviewed`` line for an approval given now."""
    return f"{day.isoformat()} {fingerprint(msgid, msgstr, msgctxt)} {reviewer}".rstrip()


# --------------------------------------------------------------------------- acceptances
def acceptances(tcomment: str) -> list[Acceptance]:
    """Every parseable ``accepted`` line (valid or stale), last one per check winning."""
    found: dict[str, Acceptance] = {}
    for line in transflow_lines(tcomment, ACCEPTED):
        m = _ACCEPTED.match(line)
        if m:
            found[m.group(1)] = Acceptance(m.group(1), m.group(2), m.group(4).strip(),
                                           m.group(3), (m.group(5) or "").strip())
    return list(found.values())


def acceptance_text(
    check: str, msgid: str, msgstr: str, msgctxt: str | None, reviewer: str, day: date,
    reason: str = "",
) -> str:
    """The body of a ``transflow: accepted`` line: one line (newlines in the reason fold),
    the reason shortened with "…" so the whole comment fits :data:`COMMENT_WIDTH`."""
    text = f"{check} {fingerprint(msgid, msgstr, msgctxt)} {day.isoformat()} {reviewer}"
    why = " ".join(reason.split())
    room = COMMENT_WIDTH - len(f"{MARKER} {ACCEPTED} {text}: ")
    if len(why) > room:
        why = why[: max(room - 1, 0)].rstrip() + "…" if room > 1 else ""
    return f"{text}: {why}" if why else text
