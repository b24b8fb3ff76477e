"""The terminal review: editor file with the source, prefilled prompt, colour, slug/.po names."""

from __future__ import annotations

import io
import os
import sys
from datetime import date
from pathlib import Path

import polib
import pytest

from tests.helpers import run
from tests.test_cli_review import ARTICLE, DOSE, ENZYMES, PO, TITLE, entry, states
from tests.test_cli_review import workspace as workspace  # the fixture
from transflow.cli.review import make_editor, use_color
from transflow.cli.review_ui import CUT, EditAbout, ReviewSession, editor_text, read_editor_text
from transflow.states import State


def test_the_editor_file_shows_source_and_previous_source_above_the_translation() -> None:
    text = editor_text("Drie nieuw.", EditAbout("Three new.", "Three old."))
    head, translation = text.split(CUT + "\n")
    assert translation == "Drie nieuw.\n"
    assert all(line.startswith("#") for line in head.splitlines())
    assert "#   Three new." in head and "#   Three old." in head
    assert "[-old-]{+new+}" in head
    assert "Previous source" not in editor_text("Een.", EditAbout("One."))


@pytest.mark.parametrize(("saved", "expected"), [
    (f"# Source:\n#   One.\n{CUT}\nEen nieuw.\n", "Een nieuw."),
    (f"# Source:\n{CUT}\r\nRegel een\nregel twee\r\n", "Regel een\nregel twee"),
    ("Zonder knipregel.\n", "Zonder knipregel."),  # the whole file when the cut line went
    (f"# Source:\n{CUT}\n# Een kop met een hekje\n", "# Een kop met een hekje"),
])
def test_read_editor_text(saved: str, expected: str) -> None:
    assert read_editor_text(saved) == expected


def test_editor_gets_the_file_and_its_edit_comes_back(tmp_path: Path) -> None:
    seen = tmp_path / "seen.txt"
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys, shutil\n"
        f"shutil.copy(sys.argv[1], {str(seen)!r})\n"
        "text = open(sys.argv[1], encoding='utf-8').read()\n"
        "open(sys.argv[1], 'w', encoding='utf-8').write(text.replace('Oud.', 'Nieuw.'))\n",
        encoding="utf-8")
    edit = make_editor(f"{sys.executable} {script}", terminal=False)
    assert edit("Oud.", EditAbout("Old source.", "Older source.")) == "Nieuw."
    shown = seen.read_text(encoding="utf-8")
    assert "# Source:\n#   Old source." in shown
    assert "#   Older source." in shown
    assert shown.endswith(CUT + "\nOud.\n")


@pytest.mark.parametrize(("env", "tty", "expected"), [
    ({}, True, True),
    ({"NO_COLOR": "1"}, True, False),
    ({}, False, False),
    ({"TERM": "dumb"}, True, False),
])
def test_colour_only_on_terminals_without_no_color(env: dict[str, str], tty: bool,
                                                    expected: bool) -> None:
    class Stream(io.StringIO):
        def isatty(self) -> bool:
            return tty

    assert use_color(env, Stream()) is expected


def test_the_session_colours_states_and_changes_only_when_asked() -> None:
    entry_ = polib.POEntry(msgid="Three new.", msgstr="Drie.", flags=["fuzzy"],
                           previous_msgid="Three old.")
    for color in (True, False):
        out: list[str] = []
        session = ReviewSession([entry_], reviewer="Jane", day=date(2026, 11, 30),
                                read_key=lambda: "q", write=out.append,
                                edit=lambda text, about: None, save=lambda: None, color=color)
        session.run()
        text = "".join(out)
        assert ("\x1b[" in text) is color
        assert "needs work" in text and "old" in text


@pytest.mark.parametrize("name", ["sleep", "locales/nl/sleep.po", ARTICLE])
def test_review_takes_a_slug_or_a_po_path(workspace: Path, name: str) -> None:
    result = run(workspace, "review", name, "--approve-all", "--reviewer", "Jane Doe")
    assert result.exit_code == 0, result.stderr
    assert states(workspace)[ENZYMES] is State.REVIEWED


@pytest.mark.parametrize(("name", "message"), [
    ("nosuch", "no article 'nosuch'"),
    ("elsewhere/sleep.po", "not a catalog under locales"),
    ("locales/nl/nosuch.po", "no article 'nosuch'"),
])
def test_review_names_what_it_cannot_find(workspace: Path, name: str, message: str) -> None:
    (workspace / "elsewhere").mkdir()
    (workspace / "elsewhere" / "sleep.po").write_text("", encoding="utf-8")
    result = run(workspace, "review", name, "--approve-all", "--reviewer", "Jane Doe")
    assert result.exit_code == 1
    assert message in result.stderr and "Hint:" in result.stderr


def test_a_po_path_and_another_lang_is_a_usage_error(workspace: Path) -> None:
    result = run(workspace, "review", PO, "--lang", "en", "--approve-all", "--reviewer", "J")
    assert result.exit_code == 2


def test_inline_prompt_is_prefilled_and_output_coloured(workspace: Path) -> None:
    """No $EDITOR: e shows the current translation ready to edit; typing appends to it."""
    pexpect = pytest.importorskip("pexpect")
    old = entry(workspace, TITLE).msgstr
    env = {k: v for k, v in os.environ.items() if k not in ("VISUAL", "EDITOR", "NO_COLOR")}
    env["TERM"] = "xterm"
    child = pexpect.spawn(
        sys.executable, ["-m", "transflow", "review", "sleep", "--reviewer", "Jane Doe"],
        cwd=str(workspace), env=env, encoding="utf-8", timeout=30,
    )
    child.expect_exact("[?]help > ")
    assert "\x1b[" in (child.before or "")  # colour on a terminal
    child.send("e")
    child.expect_exact("New translation (edit it, Enter saves): ")
    child.expect_exact(old)  # prefilled
    child.send(" vandaag\r")
    child.expect_exact("press a to approve it")
    child.expect_exact("[?]help > ")
    child.send("q")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert entry(workspace, TITLE).msgstr == old + " vandaag"
    assert states(workspace)[DOSE] is State.MACHINE_DRAFT
