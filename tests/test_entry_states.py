"""The one owner of entry state: every change goes through ``transflow.states``.

Covers the changes the workflow modules used to make by hand (and made differently), the
accepted-finding lines, and a scan of the source tree showing that no other module writes
flags, previous fields or ``# transflow:`` lines.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path

import polib
import pytest

from transflow import states
from transflow.checks import check_names
from transflow.errors import TransflowError
from transflow.po import catalog
from transflow.states import State, entry_state

DAY = date(2026, 11, 26)
LATER = date(2026, 12, 1)
SRC = Path(__file__).resolve().parent.parent / "src" / "transflow"


def needs_work_entry() -> polib.POEntry:
    """An entry as msgmerge leaves it: fuzzy, every previous field, a problem line."""
    return polib.POEntry(
        msgid="The cat sat.", msgstr="De kat zat.", msgctxt=None, flags=["fuzzy", "c-format"],
        previous_msgid="A cat sat.", previous_msgctxt="old", previous_msgid_plural="cats",
        tcomment="my note\ntransflow: problem no draft",
    )


def test_mark_draft_clears_every_previous_field_and_old_problem() -> None:
    entry = needs_work_entry()
    states.mark_draft(entry, "De kat zat (MT).", "deepl 2026-11-26")
    assert entry.msgstr == "De kat zat (MT)."
    assert (entry.previous_msgid, entry.previous_msgctxt, entry.previous_msgid_plural) == (
        None, None, None)
    assert entry.flags == ["fuzzy", "c-format"]
    assert entry.tcomment == "my note\ntransflow: draft deepl 2026-11-26"
    assert entry_state(entry) is State.MACHINE_DRAFT


def test_mark_draft_with_problems_and_no_draft() -> None:
    entry = polib.POEntry(msgid="Hello", msgstr="")
    assert states.mark_no_draft(entry, ["quota"])
    assert entry.tcomment == "transflow: problem quota"
    assert entry_state(entry) is State.UNTRANSLATED
    states.mark_draft(entry, "Hallo {1}", "deepl 2026-11-26", ["placeholder {1} missing"])
    assert states.transflow_lines(entry.tcomment) == [
        "transflow: draft deepl 2026-11-26", "transflow: problem placeholder {1} missing"]
    assert states.problems(entry.tcomment) == ["placeholder {1} missing"]
    # a translated entry never gets a "no draft" line
    assert not states.mark_no_draft(polib.POEntry(msgid="a", msgstr="b"))


def test_accept_as_own_and_set_translation() -> None:
    entry = needs_work_entry()
    assert states.set_translation(entry, "De kat zat daar.")
    assert entry.flags == ["c-format"]
    assert (entry.previous_msgid, entry.previous_msgctxt, entry.previous_msgid_plural) == (
        None, None, None)
    assert entry.tcomment == "my note"
    assert entry_state(entry) is State.TRANSLATED
    assert not states.set_translation(entry, "De kat zat daar.")


def test_mark_needs_work_carries_the_old_translation_without_its_approval() -> None:
    old = polib.POEntry(msgid="A cat sat.", msgstr="Een kat zat.", flags=["python-format"],
                        tcomment="mine\ntransflow: reviewed 2026-11-26 0123456789ab Jane")
    new = polib.POEntry(msgid="The cat sat.", msgstr="")
    states.mark_needs_work(new, old)
    assert new.msgstr == "Een kat zat."
    assert new.flags == ["fuzzy", "python-format"]
    assert new.previous_msgid == "A cat sat."
    assert new.tcomment == "mine"
    assert entry_state(new) is State.NEEDS_WORK


def test_display_notes() -> None:
    comment = ("mine\n\ntransflow: draft deepl 2026-11-26\ntransflow: reviewed 2026-11-26 x J\n"
               "transflow: accepted urls 0123456789ab 2026-11-26 J")
    assert states.display_notes(comment) == ["mine", "draft deepl 2026-11-26"]


@pytest.mark.parametrize(
    ("comment", "origin", "engine"),
    [
        ("transflow: draft deepl 2026-11-27", "deepl 2026-11-27", "deepl 2026-11-27"),
        ("transflow: draft memory 2026-11-27 x.po (92%)", "memory 2026-11-27 x.po (92%)", None),
        ("transflow: draft copy 2026-11-27", "copy 2026-11-27", None),
        ("transflow: draft deepl 2026-11-27\ntransflow: problem x", "deepl 2026-11-27", None),
        ("transflow: draft", "", None),
        ("note only", None, None),
    ],
)
def test_draft_origin_parse(comment: str, origin: str | None, engine: str | None) -> None:
    assert states.draft_origin(comment) == origin
    assert states.engine_origin(comment) == engine


# --------------------------------------------------------------------------- accepted findings
def translated() -> polib.POEntry:
    return polib.POEntry(msgid="See [our page](https://x.nl/nl/a).",
                         msgstr="See [our page](https://x.nl/en/a).", tcomment="mine")


def test_accept_finding_writes_a_readable_line_and_holds_until_the_text_changes() -> None:
    entry = translated()
    assert states.accept_finding(entry, "urls", " Jane  Doe ", DAY, "our English\npage")
    fp = states.fingerprint(entry.msgid, entry.msgstr)
    assert entry.tcomment == (
        f"mine\ntransflow: accepted urls {fp} 2026-11-26 Jane Doe: our English page")
    [found] = states.accepted_findings(states.view(entry))
    assert (found.check, found.reviewer, found.day, found.reason) == (
        "urls", "Jane Doe", "2026-11-26", "our English page")
    assert entry_state(entry) is State.TRANSLATED  # an acceptance is not an approval
    # accepting again changes nothing (no date churn); another check adds its own line
    assert not states.accept_finding(entry, "urls", "Jane Doe", LATER)
    assert states.accept_finding(entry, "links", "Jan", LATER)
    assert [a.check for a in states.accepted_findings(states.view(entry))] == ["urls", "links"]
    # the translation changes: both go stale, stay readable, cover nothing
    entry.msgstr = "See [our page](https://x.nl/de/a)."
    assert states.accepted_findings(states.view(entry)) == []
    assert [a.check for a in states.stale_acceptances(states.view(entry))] == ["urls", "links"]
    # re-accepting replaces the stale line of that check only
    assert states.accept_finding(entry, "urls", "Jane Doe", LATER)
    assert len(states.transflow_lines(entry.tcomment, "accepted")) == 2
    assert states.withdraw_finding(entry, "links")
    assert not states.withdraw_finding(entry, "links")
    assert [a.check for a in states.acceptances(entry.tcomment)] == ["urls"]


def test_accept_finding_without_reason_and_a_changed_source() -> None:
    entry = translated()
    states.accept_finding(entry, "urls", "Jane", DAY)
    assert entry.tcomment.endswith(" 2026-11-26 Jane")
    assert states.accepted_findings(states.view(entry))[0].reason == ""
    entry.msgid = "See [our pages](https://x.nl/nl/a)."
    assert states.accepted_findings(states.view(entry)) == []


@pytest.mark.parametrize("check", sorted(states.NEVER_ACCEPTED))
def test_markup_injection_can_never_be_accepted(check: str) -> None:
    assert check in check_names()
    entry = translated()
    with pytest.raises(TransflowError, match="cannot be accepted"):
        states.accept_finding(entry, check, "Jane", DAY)
    assert entry.tcomment == "mine"


def test_a_long_reason_is_shortened_to_fit_babels_comment_width() -> None:
    entry = translated()
    states.accept_finding(entry, "link-targets", "Jane Doe", DAY, "because " * 30)
    [line] = states.transflow_lines(entry.tcomment, "accepted")
    assert states.COMMENT_WIDTH - 2 <= len(line) <= states.COMMENT_WIDTH
    assert line.endswith("…")
    [found] = states.accepted_findings(states.view(entry))
    assert found.reviewer == "Jane Doe" and found.reason.startswith("because")


def test_accept_finding_refuses_nonsense() -> None:
    with pytest.raises(TransflowError, match="untranslated"):
        states.accept_finding(polib.POEntry(msgid="a", msgstr=""), "urls", "Jane", DAY)
    with pytest.raises(TransflowError, match="reviewer"):
        states.accept_finding(translated(), "urls", "  ", DAY)
    with pytest.raises(TransflowError, match="check name"):
        states.accept_finding(translated(), "two words", "Jane", DAY)


def test_acceptance_survives_a_save_and_reload(tmp_path: Path) -> None:
    cat = catalog.new_catalog("en", "a", datetime(2026, 11, 26))
    entry = translated()
    cat.file.append(entry)
    states.accept_finding(entry, "urls", "Jane Doe", DAY, "ok")
    path = tmp_path / "a.po"
    catalog.save(cat, path)
    again = catalog.load(path)
    [reloaded] = catalog.active_entries(again)
    assert [a.check for a in states.accepted_findings(states.view(reloaded))] == ["urls"]


# --------------------------------------------------------------------------- one owner
def test_load_remembers_the_text_on_the_wrapper_not_on_polib(tmp_path: Path) -> None:
    path = tmp_path / "a.po"
    path.write_text('msgid ""\nmsgstr ""\n"Language: nl\\n"\n\nmsgid "a"\nmsgstr "b"\n',
                    encoding="utf-8")
    cat = catalog.load(path)
    assert cat.loaded == path.read_text(encoding="utf-8")
    assert not hasattr(cat.file, "transflow_loaded")
    assert catalog.new_catalog("nl", "a", datetime(2026, 1, 1)).loaded is None


#: Writes to state fields, and the comment-line primitives, outside ``transflow/states``.
FORBIDDEN = [
    re.compile(r"\.flags\s*([-+|&]?=[^=]|\.(insert|append|remove|extend|pop|clear)\b|\[)"),
    re.compile(r"\.previous_msg(id|ctxt|id_plural)\s*[-+]?=[^=]"),
    re.compile(r"\.tcomment\s*[-+]?=[^=]"),
    # The same writes spelled another way: setattr, or the fields given to a new entry.
    re.compile(r"setattr\([^,]+,\s*[\"'](flags|tcomment|previous_msg\w*)[\"']"),
    re.compile(r"\b(tcomment|previous_msgid|previous_msgctxt|previous_msgid_plural)=[^=]"),
    re.compile(r"POEntry\([^)]*\bflags\s*="),
    re.compile(r"\b(set_transflow_line|transflow_lines|comment_lines|approval_text|"
               r"acceptance_text)\b"),
    re.compile(r"\bMARKER\b|states\.(notes|change|decide)\b"),
    re.compile(r"[\"']transflow:\s+(draft|problem|reviewed|accepted)\b"),
]


@pytest.mark.parametrize(
    ("line", "forbidden"),
    [
        ('entry.flags.remove("fuzzy")', True),
        ('entry.flags += ["fuzzy"]', True),
        ("entry.flags = []", True),
        ('entry.flags[:] = ["fuzzy"]', True),
        ("entry.previous_msgid = None", True),
        ('entry.previous_msgctxt += "x"', True),
        ('entry.tcomment += "\\nnote"', True),
        ('setattr(entry, "tcomment", "")', True),
        ('polib.POEntry(msgid="a", flags=["fuzzy"])', True),
        ('    tcomment="# transflow: reviewed",', True),
        ('set_transflow_line(text, "reviewed", value)', True),
        ('if "fuzzy" in entry.flags:', False),
        ("old = entry.previous_msgid or ''", False),
        ("if entry.tcomment == other.tcomment:", False),
        ("entry.msgstr = draft", False),
        ('tcomment = (entry.tcomment or "")', False),  # a local name, read only
        ("socket.getaddrinfo(host, port, flags=socket.AI_PASSIVE)", False),
    ],
)
def test_the_owner_rule_sees_every_spelling_of_a_state_write(line: str, forbidden: bool) -> None:
    """The scan below is only as good as its patterns: each spelling of a write is caught."""
    assert any(p.search(line) for p in FORBIDDEN) is forbidden


def test_no_module_outside_states_touches_flags_previous_fields_or_transflow_lines() -> None:
    offenders = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).as_posix()
        if rel.startswith("states/"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if any(p.search(line) for p in FORBIDDEN):
                offenders.append(f"{rel}:{number}: {line.strip()}")
    assert offenders == []


@pytest.mark.parametrize("msgstr", ["", "De kat."])
@pytest.mark.parametrize("flags", [[], ["fuzzy"], ["c-format"], ["fuzzy", "c-format"]])
@pytest.mark.parametrize("previous", [None, "", "Old."])
@pytest.mark.parametrize(
    "tcomment",
    ["", "my own note", "transflow draft without the colon", "transflow: draft deepl 2026-11-26",
     "note\n  transflow: draft memory x.po (92%)", "transflow: problem bad",
     f"transflow: reviewed 2026-11-26 {states.fingerprint('The cat.', 'De kat.')} Jane",
     "transflow: reviewed 2026-11-26 000000000000 Jane", "a transflow: mention mid-line"],
)
def test_entry_state_answers_as_state_of_its_view(
    msgstr: str, flags: list[str], previous: str | None, tcomment: str
) -> None:
    """``entry_state`` answers comments without the marker itself: as ``state_of`` would."""
    entry = polib.POEntry(msgid="The cat.", msgstr=msgstr, flags=list(flags),
                          previous_msgid=previous, tcomment=tcomment)
    assert entry_state(entry) is states.state_of(states.view(entry))
