"""Deciding an entry's review state: one function, from the entry alone.

:class:`State` is the ordered scale (like translate-toolkit's ``StateEnum``, so "at least
translated" is ``>=``); :func:`state_of` is the single place that maps the stored form
(empty msgstr, ``fuzzy``, previous msgid, ``# transflow:`` lines parsed by :mod:`.notes`) to
a state. :func:`view` is the only reader of an entry's flags and previous fields.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from transflow.po.model import Entry

from .notes import DRAFT, MARKER, Acceptance, acceptances, approval, fingerprint, transflow_lines


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
        if entry.previous_msgid is None and transflow_lines(entry.tcomment, DRAFT):
            return State.MACHINE_DRAFT
        return State.NEEDS_WORK
    found = approval(entry.tcomment)
    if found is not None and found.fingerprint == fingerprint(
        entry.msgid, entry.msgstr, entry.msgctxt
    ):
        return State.REVIEWED
    return State.TRANSLATED


def view(entry: Entry) -> EntryView:
    """The state-relevant fields of a catalog entry (the one reader of its flags)."""
    return EntryView(
        msgid=entry.msgid,
        msgstr=entry.msgstr,
        fuzzy="fuzzy" in entry.flags,
        previous_msgid=entry.previous_msgid or None,
        tcomment=entry.tcomment or "",
        msgctxt=entry.msgctxt,
    )


def entry_state(entry: Entry) -> State:
    """The review state of one catalog entry (``state_of`` on its :func:`view`).

    A comment without the marker holds no transflow line (no draft, no approval): then the
    answer is ``state_of``'s from the msgstr and the fuzzy flag alone, told without building
    a view (a build asks this of every entry of every catalog; most have no such line).
    """
    if not entry.msgstr:
        return State.UNTRANSLATED
    tcomment = entry.tcomment
    if not tcomment or MARKER not in tcomment:
        return State.NEEDS_WORK if "fuzzy" in entry.flags else State.TRANSLATED
    return state_of(view(entry))


def accepted_findings(entry: EntryView) -> list[Acceptance]:
    """The acceptances that still hold: their fingerprint matches source + translation.

    An acceptance goes stale as soon as the msgid, msgctxt or msgstr changes, exactly like
    an approval; a stale one is kept in the comment (who accepted what stays readable) but
    no longer covers a finding.
    """
    current = fingerprint(entry.msgid, entry.msgstr, entry.msgctxt)
    return [a for a in acceptances(entry.tcomment) if a.fingerprint == current]


def stale_acceptances(entry: EntryView) -> list[Acceptance]:
    """The acceptances whose text changed since (they cover nothing any more)."""
    current = fingerprint(entry.msgid, entry.msgstr, entry.msgctxt)
    return [a for a in acceptances(entry.tcomment) if a.fingerprint != current]
