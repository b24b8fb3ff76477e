"""The interactive review session: one entry at a time, one key per decision.

The session never touches a terminal itself: it reads keys from ``read_key()``, writes text
through ``write()``, asks ``edit(text, about)`` for a new translation (``about`` carries the
source and, for needs work, the previous source, for the editor to show) and calls
``save()`` after every decision that changed the catalog, so quitting (or a crash) half-way
loses nothing. The CLI passes ``click.getchar``/``click.echo``/``$EDITOR`` (or a prompt
prefilled with the translation) and an atomic catalog save; tests pass fakes. With
``color`` the text is styled (states, changes, findings); the CLI turns it off where the
terminal has none or ``NO_COLOR`` is set.

Invariants:

* only entries a person should look at are shown: machine drafts, needs work, translated
  (not yet or no longer reviewed), in catalog order;
* approving in the session accepts drafts: the reviewer has the text in front of them;
* an edit makes the entry *translated* (never reviewed) and stays on it, so the reviewer
  sees the result and can approve it with ``a``;
* ``save()`` is called once per changed entry, right after the change.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

import click

from transflow.checks import CheckContext, run_checks
from transflow.po.model import Entry
from transflow.states import (
    NEVER_ACCEPTED,
    State,
    accepted_findings,
    approve,
    entry_state,
    set_translation,
    view,
)
from transflow.worddiff import word_chunks

#: States a review session walks through.
TO_REVIEW = (State.MACHINE_DRAFT, State.NEEDS_WORK, State.TRANSLATED)

HELP = """\
  a  approve this translation (a machine draft is accepted as your own)
  e  edit the translation (opens your editor)
  s  skip to the next entry
  b  back to the previous entry
  q  quit (every decision so far is already saved)
  ?  this help
"""

PROMPT = "[a]pprove [e]dit [s]kip [b]ack [q]uit [?]help > "


@dataclass(slots=True)
class ReviewSummary:
    """What a session did: the CLI prints it, tests assert on it."""

    total: int = 0
    approved: int = 0
    edited: int = 0
    skipped: int = 0
    quit: bool = False


@dataclass(frozen=True, slots=True)
class EditAbout:
    """What the editor shows above the translation being edited."""

    source: str
    previous_source: str | None = None


#: An editor: given the current translation and what it translates, the new text or None.
Editor = Callable[[str, EditAbout], "str | None"]

#: The line of an editor file below which the translation starts.
CUT = "# ------------------------ >8 ------------------------"


def editor_text(translation: str, about: EditAbout, width: int = 78) -> str:
    """The file ``$EDITOR`` opens: the source (and previous source) as comments, then a cut
    line, then the translation."""
    def comment(label: str, text: str) -> list[str]:
        wrapped = [w for line in text.split("\n") for w in (
            textwrap.wrap(line, width - 4, break_long_words=False, break_on_hyphens=False)
            or [""])]
        return [f"# {label}:", *(f"#   {w}".rstrip() for w in wrapped)]

    lines = comment("Source", about.source)
    if about.previous_source:
        lines += comment("Previous source (the translation was made for this one)",
                         about.previous_source)
        lines += comment("Changes ([-removed-] {+added+})",
                         word_diff(about.previous_source, about.source))
    lines += ["# Write the translation below the cut line; everything above it is ignored.",
              CUT]
    return "\n".join(lines) + "\n" + translation + "\n"


def read_editor_text(text: str) -> str:
    """The translation from a saved editor file: what follows the cut line (all of it when
    the line was removed), without the final newline."""
    _, cut, tail = text.partition(CUT)
    if not cut:
        return text.rstrip("\r\n")
    return tail.removeprefix("\r").removeprefix("\n").rstrip("\r\n")


def word_diff(old: str, new: str) -> str:
    """``old`` → ``new`` with removed words as ``[-…-]`` and added ones as ``{+…+}``."""
    marks = {"equal": ("", ""), "delete": ("[-", "-]"), "insert": ("{+", "+}")}
    return "".join(marks[op][0] + text + marks[op][1] for op, text in word_chunks(old, new))


#: Colours of the state labels (on terminals that have colour).
STATE_COLORS = {
    State.UNTRANSLATED: "white",
    State.MACHINE_DRAFT: "magenta",
    State.NEEDS_WORK: "yellow",
    State.TRANSLATED: "blue",
    State.REVIEWED: "green",
}


def _where(entry: Entry) -> str:
    refs = [f"{path}:{line}" if line else path for path, line in entry.occurrences]
    return ", ".join(refs) if refs else "(no reference)"


class ReviewSession:
    """Walks the entries to review; see the module docstring for the contract."""

    def __init__(
        self,
        entries: Sequence[Entry],
        *,
        reviewer: str,
        day: date,
        read_key: Callable[[], str],
        write: Callable[[str], None],
        edit: Editor,
        save: Callable[[], None],
        findings: Callable[[Entry], Sequence[str]] | None = None,
        width: int = 100,
        where: Callable[[Entry], str] = _where,
        color: bool = False,
    ) -> None:
        self.where = where
        self.color = color
        self.width = max(40, width)
        self.entries = [e for e in entries if not e.obsolete and entry_state(e) in TO_REVIEW]
        self.reviewer = reviewer
        self.day = day
        self.read_key = read_key
        self.write = write
        self.edit = edit
        self.save = save
        self.findings = findings
        self.summary = ReviewSummary(total=len(self.entries))

    def _indent(self, text: str, colored: bool = False) -> list[str]:
        """Text wrapped to the terminal width at word boundaries, indented two spaces.

        With ``colored`` the text is a word diff: it is wrapped as marked, then its marks
        are coloured line by line (so no escape sequence is cut by the wrapping).
        """
        out: list[str] = []
        for line in text.split("\n"):
            out += textwrap.wrap(line, self.width - 2, break_long_words=False,
                                 break_on_hyphens=False) or [""]
        if colored and self.color:
            out = [_color_marks(line) for line in out]
        return ["  " + line for line in out]

    def show(self, index: int) -> None:
        """Print entry ``index`` with its progress, state, source, translation and notes."""
        entry = self.entries[index]
        state = entry_state(entry)
        style = self._style
        lines = [
            "",
            style(f"[{index + 1}/{len(self.entries)}] ", bold=True) + self.where(entry)
            + "  " + style(f"({state.label})", fg=STATE_COLORS[state], bold=True),
        ]
        if entry.comment:
            lines.append(f"  note: {entry.comment}")
        if entry.msgctxt:
            lines.append(f"  context: {entry.msgctxt}")
        # The translator's notes and transflow's own lines (draft origin, problems, approvals).
        lines += [f"  # {line}" for line in (entry.tcomment or "").splitlines() if line.strip()]
        if state is State.NEEDS_WORK and entry.previous_msgid:
            lines += [style("Old source:", bold=True), *self._indent(entry.previous_msgid),
                      style("New source (changes marked [-removed-] {+added+}):", bold=True),
                      *self._indent(word_diff(entry.previous_msgid, entry.msgid),
                                    colored=True)]
        else:
            lines += [style("Source:", bold=True), *self._indent(entry.msgid)]
        lines += [style("Translation:", bold=True), *self._indent(entry.msgstr)]
        if self.findings is not None:
            for msg in self.findings(entry):
                fg = "red" if msg.startswith("error") else "yellow"
                lines.append(style(f"  ! {msg}", fg=fg))
        self.write("\n".join(lines) + "\n")

    def _style(self, text: str, **styles: object) -> str:
        return click.style(text, **styles) if self.color else text  # type: ignore[arg-type]

    def run(self) -> ReviewSummary:
        """Ask for one decision per entry until the end, or until ``q``."""
        if not self.entries:
            self.write("Nothing to review.\n")
            return self.summary
        index = 0
        shown = -1
        while 0 <= index < len(self.entries):
            if shown != index:
                self.show(index)
                shown = index
            self.write(PROMPT)
            key = self.read_key()
            self.write((key if key.isprintable() else "") + "\n")
            key = key.lower()
            entry = self.entries[index]
            if key == "a":
                if approve(entry, self.reviewer, self.day, include_drafts=True):
                    self.save()
                    self.summary.approved += 1
                    self.write("approved\n")
                else:
                    self.write(f"not approved: {entry_state(entry).label}\n")
                index += 1
            elif key == "e":
                self._edit(entry)
                shown = -1  # show the edited entry again
            elif key == "s" or key in ("\r", "\n", " "):
                self.summary.skipped += 1
                index += 1
            elif key == "b":
                if index == 0:
                    self.write("already at the first entry\n")
                else:
                    index -= 1
            elif key in ("q", "\x03", "\x04", "\x1b"):
                self.summary.quit = True
                self.write("quit: every decision so far is saved\n")
                return self.summary
            elif key == "?":
                self.write(HELP)
            else:
                self.write("unknown key; press ? for help\n")
        self.write(
            f"done: {self.summary.approved} approved, {self.summary.edited} edited, "
            f"{self.summary.skipped} skipped\n"
        )
        return self.summary

    def _edit(self, entry: Entry) -> None:
        current = entry.msgstr or entry.msgid
        needs_work = entry_state(entry) is State.NEEDS_WORK
        about = EditAbout(entry.msgid, entry.previous_msgid if needs_work else None)
        new = self.edit(current, about)
        if new is None:
            self.write("edit cancelled\n")
            return
        new = new.rstrip("\r\n")
        if not new.strip():
            self.write("empty translation: nothing changed\n")
            return
        if set_translation(entry, new):
            self.save()
            self.summary.edited += 1
            self.write("saved your edit; press a to approve it\n")
        else:
            self.write("nothing changed\n")


def _color_marks(line: str) -> str:
    """Colour the ``[-…-]``/``{+…+}`` marks of one wrapped diff line."""
    line = re.sub(r"\[-.*?(?:-\]|$)", lambda m: click.style(m.group(0), fg="red"), line)
    return re.sub(r"\{\+.*?(?:\+\}|$)", lambda m: click.style(m.group(0), fg="green"), line)


def findings_from_checks(ctx: CheckContext) -> Callable[[Entry], list[str]]:
    """A ``findings`` callback showing the quality checks' verdict under each translation."""

    def findings(entry: Entry) -> list[str]:
        found = run_checks(entry.msgid, entry.msgstr, ctx)
        # A valid acceptance is shown as such (never on an entry that injects markup).
        injected = any(f.check in NEVER_ACCEPTED for f in found)
        accepted = {} if injected else {a.check: a.reviewer
                                        for a in accepted_findings(view(entry))}
        return [
            f"{f.severity}: {f.check}: {f.message}"
            + (f" (accepted by {accepted[f.check]})" if f.check in accepted else "")
            for f in found
        ]

    return findings


def run_review(
    entries: Sequence[Entry],
    *,
    reviewer: str,
    day: date,
    read_key: Callable[[], str],
    write: Callable[[str], None],
    edit: Editor,
    save: Callable[[], None],
    findings: Callable[[Entry], Sequence[str]] | None = None,
    width: int = 100,
    where: Callable[[Entry], str] = _where,
    color: bool = False,
) -> ReviewSummary:
    """Run one interactive session over ``entries`` (polib entries of one catalog).

    ``save`` must write the catalog the entries belong to (atomically); ``findings`` may
    return check messages to show under each translation; ``where`` names the entry's
    article lines (computed from the article: references may carry no line numbers).
    """
    return ReviewSession(
        entries,
        reviewer=reviewer,
        day=day,
        read_key=read_key,
        write=write,
        edit=edit,
        save=save,
        findings=findings,
        width=width,
        where=where,
        color=color,
    ).run()
