"""The state function and the ``# transflow:`` comment syntax it reads."""

from __future__ import annotations

from datetime import date

import pytest

from transflow.states import (
    EntryView,
    State,
    approval,
    approval_is_stale,
    approval_text,
    fingerprint,
    set_transflow_line,
    state_of,
    transflow_lines,
)

DAY = date(2026, 11, 26)


def _view(
    msgstr: str = "Hallo",
    *,
    fuzzy: bool = False,
    previous: str | None = None,
    tcomment: str = "",
    msgid: str = "Hello",
    msgctxt: str | None = None,
) -> EntryView:
    return EntryView(msgid, msgstr, fuzzy, previous, tcomment, msgctxt)


def _approved(msgid: str = "Hello", msgstr: str = "Hallo", ctx: str | None = None) -> str:
    return "transflow: reviewed " + approval_text(msgid, msgstr, ctx, "Jane Doe", DAY)


@pytest.mark.parametrize(
    ("view", "expected"),
    [
        (_view(""), State.UNTRANSLATED),
        (_view("", fuzzy=True, tcomment="transflow: draft deepl 2026-11-26"), State.UNTRANSLATED),
        (_view(fuzzy=True, tcomment="transflow: draft deepl 2026-11-26"), State.MACHINE_DRAFT),
        (_view(fuzzy=True, previous="Hi", tcomment="transflow: draft deepl 2026-11-26"),
         State.NEEDS_WORK),
        (_view(fuzzy=True, previous="Hi"), State.NEEDS_WORK),
        (_view(fuzzy=True), State.NEEDS_WORK),
        (_view(), State.TRANSLATED),
        (_view(tcomment="my own note"), State.TRANSLATED),
        (_view(tcomment=_approved()), State.REVIEWED),
        (_view(tcomment="note\n" + _approved()), State.REVIEWED),
        (_view("Hallo!", tcomment=_approved()), State.TRANSLATED),
        (_view(msgid="Hello!", tcomment=_approved()), State.TRANSLATED),
        (_view(msgctxt="menu", tcomment=_approved()), State.TRANSLATED),
        (_view(msgctxt="menu", tcomment=_approved(ctx="menu")), State.REVIEWED),
        (_view(fuzzy=True, tcomment=_approved()), State.NEEDS_WORK),
    ],
)
def test_state_of(view: EntryView, expected: State) -> None:
    assert state_of(view) is expected


def test_states_are_ordered_and_parse() -> None:
    assert State.UNTRANSLATED < State.MACHINE_DRAFT < State.NEEDS_WORK < State.TRANSLATED
    assert State.TRANSLATED < State.REVIEWED
    assert State.parse("machine-draft") is State.MACHINE_DRAFT
    assert State.parse("Needs work") is State.NEEDS_WORK
    assert State.MACHINE_DRAFT.key == "machine_draft"
    assert State.MACHINE_DRAFT.label == "machine draft"
    with pytest.raises(ValueError, match="unknown state"):
        State.parse("approved")


def test_stale_approval_is_detected() -> None:
    assert not approval_is_stale(_view(tcomment=_approved()))
    assert approval_is_stale(_view("Hallo daar", tcomment=_approved()))
    assert not approval_is_stale(_view())


def test_fingerprint_covers_context_source_and_translation() -> None:
    base = fingerprint("a", "b")
    assert len(base) == 12
    assert fingerprint("a", "b", "ctx") != base
    assert fingerprint("a", "c") != base
    assert fingerprint("ab", "") != fingerprint("a", "b")


def test_approval_parses_the_last_line() -> None:
    comment = "\n".join(
        [
            "transflow: reviewed 2026-01-01 aaaaaaaaaaaa Old Reviewer",
            "translator note",
            "transflow: reviewed 2026-11-26 bbbbbbbbbbbb Jane Doe",
        ]
    )
    found = approval(comment)
    assert found is not None
    assert (found.day, found.fingerprint, found.reviewer) == (
        "2026-11-26",
        "bbbbbbbbbbbb",
        "Jane Doe",
    )
    assert approval("transflow: reviewed yesterday by me") is None


def test_set_transflow_line_keeps_translator_lines() -> None:
    comment = "keep me\ntransflow: draft deepl 2026-11-26\nme too"
    replaced = set_transflow_line(comment, "draft", "memory 2026-11-27")
    assert replaced == "keep me\nme too\ntransflow: draft memory 2026-11-27"
    assert set_transflow_line(replaced, "draft", None) == "keep me\nme too"
    assert transflow_lines(replaced, "draft") == ["transflow: draft memory 2026-11-27"]
    assert transflow_lines(replaced, "reviewed") == []
    # a different verb that merely starts the same is not touched
    assert set_transflow_line("transflow: drafted x", "draft", None) == "transflow: drafted x"
