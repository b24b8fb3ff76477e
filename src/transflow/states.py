"""Review state of a catalog entry: one function decides it, from the entry alone.

State is stored in the ``.po`` entry itself, in forms that GNU ``msgcat``/``msgmerge``,
polib, Babel and editors such as Poedit keep: the ``fuzzy`` flag, ``#| msgid`` (previous
source) and translator comments (``# ...``). Unknown flags are dropped by gettext tools, so
no custom flag is used. The translator comments transflow writes are::

    # transflow: draft deepl 2026-11-26
    # transflow: draft memory 2026-11-26 locales/nl/other.po (92%)
    # transflow: reviewed 2026-11-26 3f2a9c1b0d4e Jane Doe
    # transflow: problem placeholder {1} missing from the draft

``draft`` records where a machine draft came from; ``reviewed`` records an approval with a
fingerprint of msgctxt + msgid + msgstr, so an approval whose text changed afterwards is
*stale* and the entry counts as translated again; ``problem`` explains why a draft failed
validation. Lines that do not start with ``transflow:`` are the translator's own and are
never touched.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass
from datetime import date

MARKER = "transflow:"


class State(enum.IntEnum):
    """Ordered like translate-toolkit's StateEnum, so "at least translated" is ``>=``."""

    UNTRANSLATED = 0
    MACHINE_DRAFT = 1
    NEEDS_WORK = 2
    TRANSLATED = 3
    REVIEWED = 4

    @property
    def key(self) -> str:
        """The name used in JSON and configuration (``machine_draft``)."""
        return self.name.lower()

    @property
    def label(self) -> str:
        """The name shown to people (``machine draft``)."""
        return self.name.lower().replace("_", " ")

    @classmethod
    def parse(cls, name: str) -> State:
        """Accept ``reviewed``, ``machine_draft``, ``machine-draft`` or ``machine draft``."""
        key = re.sub(r"[\s-]+", "_", name.strip().lower())
        try:
            return cls[key.upper()]
        except KeyError:
            names = ", ".join(s.key for s in cls)
            raise ValueError(f"unknown state {name!r} (one of: {names})") from None


@dataclass(frozen=True, slots=True)
class EntryView:
    """The parts of a catalog entry that decide its state (decoupled from polib)."""

    msgid: str
    msgstr: str
    fuzzy: bool
    previous_msgid: str | None
    tcomment: str
    msgctxt: str | None = None


@dataclass(frozen=True, slots=True)
class Approval:
    """A parsed ``# transflow: reviewed`` line."""

    day: str
    fingerprint: str
    reviewer: str


_REVIEWED = re.compile(
    r"^transflow:\s+reviewed\s+(\d{4}-\d{2}-\d{2})\s+([0-9a-f]{12})\s*(.*)$"
)


def fingerprint(msgid: str, msgstr: str, msgctxt: str | None = None) -> str:
    """A short hash of source and translation: an approval is valid only for this pair."""
    data = f"{msgctxt or ''}\x04{msgid}\x00{msgstr}".encode()
    return hashlib.sha256(data).hexdigest()[:12]


def comment_lines(tcomment: str) -> list[str]:
    """Split a translator comment into lines (polib joins them with newlines)."""
    return [line.strip() for line in tcomment.splitlines()] if tcomment else []


def transflow_lines(tcomment: str, verb: str | None = None) -> list[str]:
    """The ``transflow: VERB ...`` lines of a translator comment."""
    lines = [ln for ln in comment_lines(tcomment) if ln.startswith(MARKER)]
    if verb is None:
        return lines
    return [ln for ln in lines if ln[len(MARKER):].split(maxsplit=1)[:1] == [verb]]


def approval(tcomment: str) -> Approval | None:
    """The last approval recorded in the comment, valid or not."""
    found = None
    for line in transflow_lines(tcomment, "reviewed"):
        m = _REVIEWED.match(line)
        if m:
            found = Approval(m.group(1), m.group(2), m.group(3).strip())
    return found


def approval_is_stale(entry: EntryView) -> bool:
    """True when an approval exists but no longer matches source + translation."""
    found = approval(entry.tcomment)
    if found is None:
        return False
    return found.fingerprint != fingerprint(entry.msgid, entry.msgstr, entry.msgctxt)


def state_of(entry: EntryView) -> State:
    """The single place that decides an entry's state (see the module docstring)."""
    if not entry.msgstr:
        return State.UNTRANSLATED
    if entry.fuzzy:
        if entry.previous_msgid is None and transflow_lines(entry.tcomment, "draft"):
            return State.MACHINE_DRAFT
        return State.NEEDS_WORK
    found = approval(entry.tcomment)
    if found is not None and found.fingerprint == fingerprint(
        entry.msgid, entry.msgstr, entry.msgctxt
    ):
        return State.REVIEWED
    return State.TRANSLATED


def set_transflow_line(tcomment: str, verb: str, text: str | None) -> str:
    """Return the comment with every ``transflow: VERB`` line replaced by one (or removed).

    The translator's own lines keep their order; transflow lines go last.
    """
    kept = [
        ln
        for ln in (tcomment.splitlines() if tcomment else [])
        if not (
            ln.strip().startswith(MARKER)
            and ln.strip()[len(MARKER):].split(maxsplit=1)[:1] == [verb]
        )
    ]
    if text is not None:
        kept.append(f"{MARKER} {verb} {text}".rstrip())
    return "\n".join(kept)


def approval_text(msgid: str, msgstr: str, msgctxt: str | None, reviewer: str, day: date) -> str:
    """The body of a ``transflow: reviewed`` line for an approval given now."""
    return f"{day.isoformat()} {fingerprint(msgid, msgstr, msgctxt)} {reviewer}".rstrip()
