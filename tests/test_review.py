"""Approve/unapprove on polib entries, the reviewer name, selection by reference line, and
the interactive review session driven through injected keys."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import polib
import pytest

from transflow.checks import CheckContext
from transflow.cli.review_ui import ReviewSummary, findings_from_checks, run_review, word_diff
from transflow.errors import TransflowError
from transflow.states import (
    State,
    approval,
    approve,
    approve_all,
    entry_state,
    refusal,
    set_translation,
    unapprove,
)
from transflow.workflow.review import reviewer_name, select_by_lines

DAY = date(2026, 11, 26)
DRAFT = "transflow: draft deepl 2026-11-20"


def make(
    msgid: str = "Hello",
    msgstr: str = "Hallo",
    *,
    fuzzy: bool = False,
    previous: str | None = None,
    tcomment: str = "",
    line: int = 3,
) -> polib.POEntry:
    entry = polib.POEntry(
        msgid=msgid,
        msgstr=msgstr,
        tcomment=tcomment,
        occurrences=[("sample_articles/a.md", str(line))],
    )
    if fuzzy:
        entry.flags.append("fuzzy")
    if previous is not None:
        entry.previous_msgid = previous
    return entry


def test_approve_translated_entry_records_reviewer_and_fingerprint() -> None:
    entry = make(tcomment="translator note")
    assert approve(entry, "Jane  Doe", DAY)
    assert entry_state(entry) is State.REVIEWED
    found = approval(entry.tcomment)
    assert found is not None
    assert (found.day, found.reviewer) == ("2026-11-26", "Jane Doe")
    assert entry.tcomment.splitlines()[0] == "translator note"


def test_approve_twice_changes_nothing() -> None:
    entry = make()
    assert approve(entry, "Jane", DAY)
    before = entry.tcomment
    assert not approve(entry, "Piet", date(2027, 1, 1))
    assert entry.tcomment == before


@pytest.mark.parametrize(
    "entry",
    [
        make(fuzzy=True, tcomment=DRAFT),
        make(fuzzy=True, previous="Hi"),
    ],
    ids=["machine draft", "needs work"],
)
def test_drafts_need_include_drafts(entry: polib.POEntry) -> None:
    state = entry_state(entry)
    assert refusal(entry) is not None
    assert not approve(entry, "Jane", DAY)
    assert entry_state(entry) is state
    assert refusal(entry, include_drafts=True) is None
    assert approve(entry, "Jane", DAY, include_drafts=True)
    assert entry_state(entry) is State.REVIEWED
    assert "fuzzy" not in entry.flags
    assert entry.previous_msgid is None
    assert "draft" not in entry.tcomment
    text = entry.__unicode__()
    assert "#|" not in text
    assert "fuzzy" not in text


def test_untranslated_is_never_approved() -> None:
    entry = make(msgstr="")
    assert not approve(entry, "Jane", DAY, include_drafts=True)
    assert entry.tcomment == ""


def test_stale_approval_is_replaced_not_duplicated() -> None:
    entry = make()
    approve(entry, "Jane", DAY)
    entry.msgstr = "Hallo daar"
    assert entry_state(entry) is State.TRANSLATED
    assert approve(entry, "Piet", DAY)
    assert entry_state(entry) is State.REVIEWED
    assert entry.tcomment.count("transflow: reviewed") == 1


def test_unapprove() -> None:
    entry = make(tcomment="note")
    assert not unapprove(entry)
    approve(entry, "Jane", DAY)
    assert unapprove(entry)
    assert entry.tcomment == "note"
    assert entry_state(entry) is State.TRANSLATED


def test_set_translation_makes_translated_never_reviewed() -> None:
    entry = make(fuzzy=True, tcomment=DRAFT)
    assert set_translation(entry, "Goedendag")
    assert entry_state(entry) is State.TRANSLATED
    reviewed = make()
    approve(reviewed, "Jane", DAY)
    assert set_translation(reviewed, "Hoi")
    assert entry_state(reviewed) is State.TRANSLATED
    assert not set_translation(reviewed, "Hoi")


def test_approve_all_skips_drafts() -> None:
    entries = [make("a"), make("b", fuzzy=True, tcomment=DRAFT), make("c", ""), make("d")]
    changed = approve_all(entries, "Jane", DAY)
    assert [e.msgid for e in changed] == ["a", "d"]
    assert [entry_state(e) for e in entries] == [
        State.REVIEWED,
        State.MACHINE_DRAFT,
        State.UNTRANSLATED,
        State.REVIEWED,
    ]


def test_select_by_lines() -> None:
    shared = make("shared", line=5)
    shared.occurrences.append(("sample_articles/a.md", "40"))
    other = make("other", line=12)
    other.occurrences = [("sample_articles/b.md", "12")]
    chosen, missing = select_by_lines([shared, other], [40, 12, 99, 40])
    assert chosen == [shared, other]
    assert missing == [99]
    chosen, missing = select_by_lines([shared, other], [12], path="sample_articles/a.md")
    assert (chosen, missing) == ([], [12])


def test_reviewer_name_prefers_git_then_login() -> None:
    calls: list[Sequence[str]] = []

    def git(args: Sequence[str]) -> str | None:
        calls.append(args)
        return "Jane Doe\n"

    assert reviewer_name(git, {"USER": "jd"}) == "Jane Doe"
    assert calls == [["config", "user.name"]]
    assert reviewer_name(lambda args: None, {"LOGNAME": "", "USER": "jd"}) == "jd"
    assert reviewer_name(lambda args: "  \n", {"USERNAME": "win"}) == "win"
    with pytest.raises(TransflowError, match="reviewer"):
        reviewer_name(lambda args: None, {})


def test_approval_survives_save_and_reload(tmp_path: Path) -> None:
    po = polib.POFile()
    po.append(make())
    approve(po[0], "Jane Doe", DAY)
    path = tmp_path / "a.po"
    po.save(str(path))
    again = polib.pofile(str(path))
    assert entry_state(again[0]) is State.REVIEWED
    assert "# transflow: reviewed 2026-11-26 " in path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- interactive session


class Driver:
    """Fake terminal: scripted keys and edits, captured output, counted saves."""

    def __init__(self, keys: str, edits: Sequence[str | None] = ()) -> None:
        self.keys = list(keys)
        self.edits = list(edits)
        self.out: list[str] = []
        self.saves = 0
        self.edited_from: list[str] = []

    def read_key(self) -> str:
        return self.keys.pop(0)

    def write(self, text: str) -> None:
        self.out.append(text)

    def edit(self, text: str, about: object = None) -> str | None:
        self.edited_from.append(text)
        return self.edits.pop(0)

    def save(self) -> None:
        self.saves += 1

    @property
    def text(self) -> str:
        return "".join(self.out)


def _catalog() -> list[polib.POEntry]:
    return [
        make("One.", "Een.", line=1),
        make("Two.", "Twee.", fuzzy=True, tcomment=DRAFT, line=3),
        make("Three new.", "Drie.", fuzzy=True, previous="Three old.", line=5),
        make("Four.", "", line=7),
        make("Five.", "Vijf.", line=9),
    ]


def _run(entries: list[polib.POEntry], driver: Driver) -> ReviewSummary:
    return run_review(
        entries,
        reviewer="Jane Doe",
        day=DAY,
        read_key=driver.read_key,
        write=driver.write,
        edit=driver.edit,
        save=driver.save,
    )


def test_session_approve_two_edit_one_quit() -> None:
    entries = _catalog()
    driver = Driver("aaeq", edits=["Drie nieuw.\n"])
    summary = _run(entries, driver)
    assert [entry_state(e) for e in entries] == [
        State.REVIEWED,
        State.REVIEWED,
        State.TRANSLATED,
        State.UNTRANSLATED,
        State.TRANSLATED,
    ]
    assert entries[2].msgstr == "Drie nieuw."
    assert entries[2].previous_msgid is None
    assert driver.saves == 3
    assert driver.edited_from == ["Drie."]
    assert "[1/4]" in driver.text and "[3/4]" in driver.text
    assert "[-old-]{+new+}" in driver.text
    assert summary == ReviewSummary(total=4, approved=2, edited=1, skipped=0, quit=True)


def test_session_skip_back_help_and_end() -> None:
    entries = _catalog()
    driver = Driver("sb?x" + "sss" + "a")
    _run(entries, driver)
    assert "a  approve" in driver.text
    assert "unknown key" in driver.text
    assert [entry_state(e) for e in entries][4] is State.REVIEWED
    assert entry_state(entries[0]) is State.TRANSLATED
    assert driver.saves == 1
    assert "done: 1 approved" in driver.text


def test_session_cancelled_or_unchanged_edit_saves_nothing() -> None:
    entries = _catalog()
    driver = Driver("eeq", edits=[None, "Een.\n"])
    _run(entries, driver)
    assert driver.saves == 0
    assert "edit cancelled" in driver.text
    assert entry_state(entries[0]) is State.TRANSLATED


def test_session_with_nothing_to_review() -> None:
    entries = [make("Four.", "")]
    driver = Driver("")
    _run(entries, driver)
    assert "Nothing to review" in driver.text


def test_word_diff_marks_changes() -> None:
    assert word_diff("Take 2 g a day.", "Take 3 g each day.") == (
        "Take [-2-]{+3+} g [-a-]{+each+} day."
    )
    assert word_diff("same", "same") == "same"


SESSION_SCRIPT = '''
import sys
from datetime import date

import click
import polib

from transflow.cli.review_ui import run_review

path = sys.argv[1]
po = polib.pofile(path)
summary = run_review(
    list(po),
    reviewer="Jane Doe",
    day=date(2026, 11, 26),
    read_key=click.getchar,
    write=lambda text: click.echo(text, nl=False),
    edit=lambda text, about: click.edit(text, extension=".txt"),
    save=lambda: po.save(path),
)
click.echo(f"SUMMARY {summary.approved} {summary.edited} {summary.quit}")
'''


def test_session_in_a_real_terminal(tmp_path: Path) -> None:
    """Approve two, edit one (through $EDITOR), quit: the file holds exactly those changes."""
    pexpect = pytest.importorskip("pexpect")
    po = polib.POFile()
    for entry in _catalog():
        po.append(entry)
    path = tmp_path / "a.po"
    po.save(str(path))
    script = tmp_path / "session.py"
    script.write_text(SESSION_SCRIPT, encoding="utf-8")
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\nopen(sys.argv[1], 'w').write('Drie, herschreven.\\n')\n", encoding="utf-8"
    )
    env = dict(os.environ, EDITOR=f"{sys.executable} {editor}")
    src = str(Path(__file__).resolve().parent.parent / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    child = pexpect.spawn(
        sys.executable, [str(script), str(path)], env=env, encoding="utf-8", timeout=20
    )
    for key in "aae":
        child.expect_exact("[?]help > ")
        child.send(key)
    child.expect_exact("press a to approve it")
    child.expect_exact("[?]help > ")
    child.send("q")
    child.expect("SUMMARY 2 1 True")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    again = polib.pofile(str(path))
    assert [entry_state(e) for e in again] == [
        State.REVIEWED,
        State.REVIEWED,
        State.TRANSLATED,
        State.UNTRANSLATED,
        State.TRANSLATED,
    ]
    assert again[2].msgstr == "Drie, herschreven."
    assert again[4].tcomment == ""


def test_session_shows_check_findings() -> None:
    entries = [make("Take 2 g a day.", "Neem 20 g per dag.")]
    driver = Driver("q")
    run_review(
        entries,
        reviewer="Jane",
        day=DAY,
        read_key=driver.read_key,
        write=driver.write,
        edit=driver.edit,
        save=driver.save,
        findings=findings_from_checks(CheckContext("en", "nl")),
    )
    assert "! error: numbers: missing from the translation: 2 g" in driver.text


def test_the_session_shows_translator_comments_and_the_draft_origin() -> None:
    entry = polib.POEntry(msgid="Brain health.", msgstr="Hersengezondheid.",
                          tcomment="check this term\ntransflow: draft memory 2026-11-26 x.po (92%)",
                          flags=["fuzzy"])
    out: list[str] = []
    keys = iter("q")
    run_review([entry], reviewer="R", day=date(2026, 11, 26), read_key=lambda: next(keys),
               write=out.append, edit=lambda text, about: None, save=lambda: None)
    shown = "".join(out)
    assert "# check this term" in shown
    assert "# transflow: draft memory 2026-11-26 x.po (92%)" in shown
