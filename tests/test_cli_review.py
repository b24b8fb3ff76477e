"""``transflow review`` through the CLI: the script flags, and a real terminal session."""

from __future__ import annotations

import json
import os
import sys
from datetime import date
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner

from tests.helpers import make_workspace, run, snapshot
from transflow.cli.review import make_editor
from transflow.states import State, approval, entry_state

TITLE = "Magnesium and sleep"
PARA = "Magnesium plays a role in **sleep quality**, see [the review](https://example.org/r).¹"
ENZYMES = "It supports 300 enzymes."
DOSE = "A typical dose is 200 mg."
ORDER = "Order one of our products now."
DUTCH = {
    TITLE: "Magnesium en slaap",
    PARA: "Magnesium speelt een rol bij **slaapkwaliteit**, zie [de review](https://example.org/r).¹",
    ENZYMES: "Het ondersteunt 300 enzymen.",
    DOSE: "Een gebruikelijke dosis is 200 mg.",  # a machine draft
    ORDER: "",  # untranslated
}
PO = "locales/nl/sleep.po"
ARTICLE = "articles/sleep.md"


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Three translated entries, one machine draft, one untranslated; no git identity."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("LOGNAME", "tester")
    make_workspace(tmp_path, publish="reviewed")
    assert run(tmp_path, "sync").exit_code == 0
    po = polib.pofile(str(tmp_path / PO))
    for entry in po:
        entry.msgstr = DUTCH[entry.msgid]
        if entry.msgid == DOSE:
            entry.flags.append("fuzzy")
            entry.tcomment = "transflow: draft deepl 2026-11-20"
    po.save()
    return tmp_path


def states(root: Path) -> dict[str, State]:
    return {e.msgid: entry_state(e) for e in polib.pofile(str(root / PO))}


def entry(root: Path, msgid: str) -> polib.POEntry:
    return next(e for e in polib.pofile(str(root / PO)) if e.msgid == msgid)


def test_approve_all_refuses_drafts_and_records_the_reviewer(workspace: Path) -> None:
    result = run(workspace, "review", ARTICLE, "--approve-all", "--reviewer", "Jane  Doe")
    assert result.exit_code == 0, result.stderr
    assert states(workspace) == {
        TITLE: State.REVIEWED, PARA: State.REVIEWED, ENZYMES: State.REVIEWED,
        DOSE: State.MACHINE_DRAFT, ORDER: State.UNTRANSLATED,
    }
    found = approval(entry(workspace, TITLE).tcomment)
    assert found is not None
    assert (found.reviewer, found.day) == ("Jane Doe", date.today().isoformat())
    line = entry(workspace, DOSE).linenum
    assert (f"refused {PO}:{line} ({ARTICLE}:11): machine draft: approve it with "
            "--include-drafts") in result.stderr
    assert "review: approved 3, skipped 1, refused 1" in result.stderr
    again = snapshot(workspace)
    second = run(workspace, "review", ARTICLE, "--approve-all", "--reviewer", "Piet")
    assert "review: approved 0, skipped 4, refused 1" in second.stderr
    assert snapshot(workspace) == again  # no date churn


def test_include_drafts_accepts_them_as_own(workspace: Path) -> None:
    result = run(workspace, "review", ARTICLE, "--approve-all", "--include-drafts",
                 "--reviewer", "Jane")
    assert result.exit_code == 0
    assert "review: approved 4, skipped 1, refused 0" in result.stderr
    dose = entry(workspace, DOSE)
    assert entry_state(dose) is State.REVIEWED
    assert "fuzzy" not in dose.flags
    assert "draft" not in dose.tcomment


def test_approve_by_article_lines(workspace: Path) -> None:
    result = run(workspace, "review", ARTICLE, "--approve", "6", "--approve", "10, 11",
                 "--reviewer", "Jane")
    assert result.exit_code == 1  # line 11 is a draft: asked for, not done
    assert "review: approved 2, skipped 0, refused 1" in result.stderr
    assert "1 of the requested entries not approved" in result.stderr
    assert states(workspace) == {
        TITLE: State.REVIEWED, PARA: State.TRANSLATED, ENZYMES: State.REVIEWED,
        DOSE: State.MACHINE_DRAFT, ORDER: State.UNTRANSLATED,
    }
    ok = run(workspace, "review", ARTICLE, "--approve", "11", "--include-drafts",
             "--reviewer", "Jane")
    assert ok.exit_code == 0
    assert states(workspace)[DOSE] is State.REVIEWED
    empty = run(workspace, "review", ARTICLE, "--approve", "13", "--reviewer", "Jane")
    assert empty.exit_code == 1
    assert "untranslated: nothing to approve" in empty.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--approve", "8,99"], "no entry at line(s) 99 of articles/sleep.md"),
        (["--approve", "x"], "not a line number: 'x'"),
        (["--approve", "8", "--approve-all"], "either --approve-all or --approve LINE"),
        (["--lang", "en", "--approve-all"], "articles/sleep.md is written in en"),
        ([], "not a terminal: to review from a script use --approve-all"),
        (["--dry-run"], "--dry-run and --json need"),
    ],
    ids=["unknown line", "bad line", "both", "source language", "no tty", "dry run alone"],
)
def test_usage_errors_change_nothing(workspace: Path, args: list[str], message: str) -> None:
    before = snapshot(workspace)
    result = run(workspace, "review", ARTICLE, "--reviewer", "Jane", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert snapshot(workspace) == before


def test_unapprove_lines_and_all(workspace: Path) -> None:
    run(workspace, "review", ARTICLE, "--approve-all", "--reviewer", "Jane")
    one = run(workspace, "review", ARTICLE, "--unapprove", "--approve", "8")
    assert one.exit_code == 0
    assert "review: unapproved 1, skipped 0, refused 0" in one.stderr
    assert states(workspace)[PARA] is State.TRANSLATED
    assert states(workspace)[TITLE] is State.REVIEWED
    every = run(workspace, "review", ARTICLE, "--unapprove")
    assert "review: unapproved 2, skipped 3, refused 0" in every.stderr
    assert all("transflow: reviewed" not in e.tcomment
               for e in polib.pofile(str(workspace / PO)))


def test_dry_run_and_json(workspace: Path) -> None:
    before = snapshot(workspace)
    result = run(workspace, "review", ARTICLE, "--approve-all", "--dry-run", "--json",
                 "--reviewer", "Jane")
    assert result.exit_code == 0
    assert snapshot(workspace) == before
    doc = json.loads(result.stdout)
    assert doc["version"] == 1
    assert doc["dry_run"] is True
    assert doc["counts"] == {"approved": 3, "skipped": 1, "refused": 1}
    [cat] = doc["catalogs"]
    assert cat["catalog"] == PO
    assert cat["approved"] == [2, 8, 10]
    assert cat["refused"][0]["line"] == 11
    assert "review (dry run): approved 3" in result.stderr


def test_reviewer_defaults_to_git_then_login(workspace: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    run(workspace, "review", ARTICLE, "--approve", "2")
    found = approval(entry(workspace, TITLE).tcomment)
    assert found is not None and found.reviewer == "tester"
    gitconfig = workspace / "gitconfig"
    gitconfig.write_text("[user]\n\tname = Git Person\n", encoding="utf-8")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(gitconfig))
    run(workspace, "review", ARTICLE, "--approve", "8")
    found = approval(entry(workspace, PARA).tcomment)
    assert found is not None and found.reviewer == "Git Person"


def test_missing_catalog(tmp_path: Path) -> None:
    make_workspace(tmp_path)
    result = run(tmp_path, "review", ARTICLE, "--approve-all", "--reviewer", "Jane")
    assert result.exit_code == 1
    assert f"Error: {PO}: catalog not found" in result.stderr


def test_review_in_a_real_terminal(workspace: Path) -> None:
    """Approve two, edit one through $EDITOR, quit: the catalog holds exactly those changes."""
    pexpect = pytest.importorskip("pexpect")
    before = {e.msgid: (e.msgstr, e.tcomment, list(e.flags))
              for e in polib.pofile(str(workspace / PO))}
    editor = workspace / "editor.py"
    editor.write_text(
        "import sys\nopen(sys.argv[1], 'w').write('Het ondersteunt ruim 300 enzymen.\\n')\n",
        encoding="utf-8",
    )
    env = dict(os.environ, EDITOR=f"{sys.executable} {editor}")
    env.pop("VISUAL", None)
    child = pexpect.spawn(
        sys.executable, ["-m", "transflow", "review", ARTICLE, "--reviewer", "Jane Doe"],
        cwd=str(workspace), env=env, encoding="utf-8", timeout=30,
    )
    child.expect_exact("[1/4]")
    for key in "aae":
        child.expect_exact("[?]help > ")
        child.send(key)
    child.expect_exact("press a to approve it")
    child.expect_exact("[?]help > ")
    child.send("q")
    child.expect_exact("review: approved 2, edited 1, skipped 0")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    after = {e.msgid: e for e in polib.pofile(str(workspace / PO))}
    assert {m: entry_state(e) for m, e in after.items()} == {
        TITLE: State.REVIEWED, PARA: State.REVIEWED, ENZYMES: State.TRANSLATED,
        DOSE: State.MACHINE_DRAFT, ORDER: State.UNTRANSLATED,
    }
    assert after[ENZYMES].msgstr == "Het ondersteunt ruim 300 enzymen."
    for msgid in (TITLE, PARA):
        found = approval(after[msgid].tcomment)
        assert found is not None and found.reviewer == "Jane Doe"
        assert after[msgid].msgstr == before[msgid][0]
    for msgid in (DOSE, ORDER):
        e = after[msgid]
        assert (e.msgstr, e.tcomment, list(e.flags)) == before[msgid]
    assert after[ENZYMES].tcomment == before[ENZYMES][1]


def test_inline_prompt_when_there_is_no_editor_or_it_fails(tmp_path: Path) -> None:
    runner = CliRunner()
    for editor in (None, str(tmp_path / "no-such-editor")):
        edit = make_editor(editor)
        with runner.isolation(input="Nieuwe tekst\n"):
            assert edit("Oude tekst") == "Nieuwe tekst"
        with runner.isolation(input="\n"):
            assert edit("Oude tekst") is None  # Enter keeps the translation
