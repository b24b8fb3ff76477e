"""The review pages' writes on one catalog entry: approve, unapprove, edit, use a draft,
accept a check finding.

Every write goes through the same code as ``transflow review``: the entry is changed only by
the functions of ``transflow.states`` (their one owner) and written by ``catalog.save``
(atomic replace, three-way merge with a save made in an editor meanwhile), under the
workspace lock, so ``git diff`` shows exactly the lines the terminal review would write.

A person's save always wins: each action carries the translation the page showed
(``base``). When the catalog on disk holds another text for the entry by the time the
action arrives (a translator saved in Poedit, another tab edited it), nothing is written
and ``Conflict`` says so; the reviewer reloads and sees the new text first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from transflow.config import Config
from transflow.errors import TransflowError
from transflow.po import catalog
from transflow.states import (
    State,
    accept_finding,
    approve,
    entry_state,
    set_translation,
    unapprove,
)
from transflow.web.model import find_entry
from transflow.workflow.workspace import catalog_path, workspace_lock

ACTIONS = ("approve", "unapprove", "edit", "use-draft", "accept")


class Conflict(TransflowError):
    """The entry changed on disk since the page was shown: nothing was written."""


class EntryGone(TransflowError):
    """The entry is no longer in the catalog (the article changed and was synced)."""


@dataclass(frozen=True, slots=True)
class Request:
    """One action on one entry, as the page sent it."""

    slug: str
    language: str
    key: str
    action: str
    base: str
    text: str | None = None
    reviewer: str | None = None
    check: str | None = None


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an action did: ``changed`` is False when there was nothing to write."""

    changed: bool
    message: str
    state: str


def perform(config: Config, request: Request, *, today: date, now: datetime,
            lock_timeout: float = 10.0) -> Outcome:
    """Apply ``request`` to the catalog on disk and save it (see the module docstring)."""
    if request.action not in ACTIONS:
        raise TransflowError(f"unknown action {request.action!r}")
    path: Path = catalog_path(config, request.language, request.slug)
    with workspace_lock(config, timeout=lock_timeout):
        cat = catalog.load(path)
        try:
            entry = find_entry(cat, request.key)
        except KeyError:
            raise EntryGone("this segment is no longer in the catalog",
                            path=config.relative(path), hint="reload the page") from None
        if entry.msgstr != request.base:
            raise Conflict("the translation was changed on disk since this page was shown",
                           path=config.relative(path), line=entry.linenum,
                           hint="reload the page to see the new text")
        changed, message = _apply(entry, request, today)
        if changed:
            catalog.save(cat, path, now=now)
        return Outcome(changed, message, entry_state(entry).key)


def _apply(entry: catalog.Entry, request: Request, today: date) -> tuple[bool, str]:
    state = entry_state(entry)
    reviewer = (request.reviewer or "").strip()
    if request.action in ("approve", "accept") and not reviewer:
        raise TransflowError("who is reviewing? give your name first")
    if request.action == "accept":
        done = accept_finding(entry, request.check or "", reviewer, today)
        return done, f"finding of '{request.check}' accepted" if done else "already accepted"
    if request.action == "approve":
        if state is State.UNTRANSLATED:
            return False, "untranslated: nothing to approve"
        # As in the terminal session: the reviewer has the text in front of them, so a
        # draft is accepted as their own.
        done = approve(entry, reviewer, today, include_drafts=True)
        return done, "approved" if done else "already reviewed"
    if request.action == "unapprove":
        done = unapprove(entry)
        return done, "approval removed" if done else "no approval to remove"
    if request.action == "use-draft":
        if state not in (State.MACHINE_DRAFT, State.NEEDS_WORK):
            return False, f"{state.label}: there is no draft to use"
        set_translation(entry, entry.msgstr)
        return True, "draft accepted as your translation"
    text = (request.text or "").replace("\r\n", "\n").rstrip("\n")
    if not text.strip():
        return False, "empty translation: nothing changed"
    done = set_translation(entry, text)
    return done, "saved" if done else "nothing changed"
