"""The build gates' entry memo: an edited article's unchanged entries are not judged again.

After one article of many was edited, ``build`` runs the gates on that article alone, in its
own process; each gate looks its entries up in the results cache's entry memo (``check``'s)
first and stores what it works out (``gates`` module docstring). What is found there must
be what judging the entry gives: same reports, same pages, with or without the memo; and a
large build stores nothing per entry.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ARTICLE, make_workspace, run, snapshot
from tests.test_cache import SECOND, translate_all
from transflow.workflow import build as build_module
from transflow.workflow import check as check_module
from transflow.workflow import gates as gates_module
from transflow.workflow.cache import CACHE_DIR, DB_NAME

WRONG = "Zinc is needed by 300 enzymes.² A typical dose is 15 mg."


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = make_workspace(tmp_path, {"sleep.md": ARTICLE, "zinc.md": SECOND})
    assert run(root, "sync").exit_code == 0
    translate_all(root, wrong=WRONG)  # zinc.md: a wrong dose (a numbers error)
    return root


def edit(root: Path, name: str, text: str) -> None:
    """Add a paragraph to an article and sync it (the new entry is untranslated)."""
    path = root / "articles" / name
    path.write_text(path.read_text(encoding="utf-8") + f"\n{text}\n", encoding="utf-8")
    assert run(root, "sync").exit_code == 0


def refuse_judging(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any entry judged from here on fails the test."""

    def refused(*args: object, **kwargs: object) -> object:
        raise AssertionError("an entry was judged again")

    monkeypatch.setattr(check_module, "run_checks", refused)
    monkeypatch.setattr(gates_module, "_markup_judge", refused)


def memo_kinds(root: Path) -> int:
    with sqlite3.connect(root / CACHE_DIR / DB_NAME) as db:
        (count,) = db.execute("SELECT count(*) FROM entries").fetchone()
    return int(count)


def results(root: Path) -> tuple[object, ...]:
    """A build's exit code, report and pages (not the files it wrote: a second build of the
    same pages writes none)."""
    built = run(root, "build", "--allow-incomplete")
    return built.exit_code, built.stderr, {
        k: v for k, v in snapshot(root).items() if k.startswith("dist/")}


@pytest.mark.parametrize("first", ["check", "build"])
def test_an_edited_article_is_gated_from_the_memo(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, first: str
) -> None:
    """Entries judged before (by ``check``, or by the build after an earlier edit) are
    looked up, not judged again, and the build answers as one that judged them."""
    run(workspace, "build", "--allow-incomplete")
    edit(workspace, "zinc.md", "A first added paragraph.")
    run(workspace, first, *(("--allow-incomplete",) if first == "build" else ()))
    edit(workspace, "zinc.md", "A second added paragraph.")
    refuse_judging(monkeypatch)
    remembered = results(workspace)
    monkeypatch.undo()
    assert remembered[0] == 3  # the wrong dose still refuses zinc.md
    assert "nl: 2 check error(s)" in str(remembered[1])  # 15 mg missing, 50 mg added
    shutil.rmtree(workspace / CACHE_DIR)
    assert results(workspace) == remembered  # judged again, without any cache: the same


def test_a_changed_translation_is_judged(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memo is keyed by the entry's texts: a corrected translation is judged anew."""
    run(workspace, "build", "--allow-incomplete")  # a first build (zinc.md refused)
    run(workspace, "check")
    po = workspace / "locales" / "nl" / "zinc.po"
    po.write_text(po.read_text(encoding="utf-8").replace(
        'A typical dose is 50 mg."', 'A typical dose is 15 mg."'), encoding="utf-8")
    judged: list[str] = []
    real = check_module.run_checks

    def counting(source: str, translation: str, *args: object, **kwargs: object) -> object:
        judged.append(translation)
        return real(source, translation, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(check_module, "run_checks", counting)
    built = run(workspace, "build")
    assert judged == [WRONG]  # the corrected entry only
    assert built.exit_code == 0 and (workspace / "dist" / "nl" / "zinc.md").is_file()


def test_a_first_or_large_build_stores_nothing_per_entry(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a build of a few articles of a workspace built before (an edit) has gates with
    the memo: a first build would find nothing there and store every entry."""
    run(workspace, "build", "--allow-incomplete")
    assert memo_kinds(workspace) == 0  # a first build
    monkeypatch.setattr(build_module, "GATE_MEMO_MAX", 0)  # one article: "large"
    edit(workspace, "zinc.md", "A first added paragraph.")
    run(workspace, "build", "--allow-incomplete")
    assert memo_kinds(workspace) == 0
    monkeypatch.setattr(build_module, "GATE_MEMO_MAX", 100)
    edit(workspace, "zinc.md", "A second added paragraph.")
    run(workspace, "build", "--allow-incomplete")
    assert memo_kinds(workspace) > 0


def test_the_checks_are_loaded_when_first_asked_for(tmp_path: Path) -> None:
    """Importing ``transflow.checks`` (or its findings) loads no check; every public name
    is there when asked for."""
    code = (
        "import sys, transflow.checks as c, transflow.checks.registry, "
        "transflow.workflow.check, transflow.workflow.gates\n"
        "assert 'transflow.checks.suite' not in sys.modules, 'suite'\n"
        "assert 'markdown_it' not in sys.modules, 'markdown_it'\n"
        "assert all(getattr(c, n) is not None for n in c.__all__)\n"
        "assert sorted(c.__all__) == sorted(c._HOMES) and set(c.__all__) <= set(dir(c))\n"
        "assert 'transflow.checks.suite' in sys.modules\n"
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, cwd=tmp_path, check=False)
    assert done.returncode == 0, done.stderr
    with pytest.raises(AttributeError):
        import transflow.checks

        transflow.checks.no_such_check  # noqa: B018


_LOADED = """
import atexit, runpy, sys
sys.argv = ["transflow", *sys.argv[1:]]
atexit.register(lambda: print("transflow.checks.suite" in sys.modules,
                              "markdown_it" in sys.modules))
runpy.run_module("transflow", run_name="__main__")
"""


def test_an_edit_whose_entries_are_remembered_loads_no_check(workspace: Path) -> None:
    """The program, after an article was edited (its new paragraph untranslated): ``check``
    and ``build`` find every translated entry in the memo and load neither the checks nor
    markdown-it; a changed translation loads them (the probe works)."""

    def loaded(*argv: str) -> str:
        done = subprocess.run([sys.executable, "-c", _LOADED, *argv], cwd=workspace,
                              capture_output=True, text=True, check=False)
        return done.stdout.strip().splitlines()[-1]

    run(workspace, "build", "--allow-incomplete")  # a first build: its gates judge all
    assert loaded("check").startswith("True")  # the first check judges every entry
    edit(workspace, "sleep.md", "A paragraph added to the article.")
    assert loaded("check") == "False False"
    edit(workspace, "sleep.md", "Another paragraph added to the article.")
    assert loaded("build", "--allow-incomplete") == "False False"
    po = workspace / "locales" / "nl" / "zinc.po"
    po.write_text(po.read_text(encoding="utf-8").replace(
        'A typical dose is 50 mg."', 'A typical dose is 15 mg."'), encoding="utf-8")
    assert loaded("build").startswith("True")


def test_injected_markup_found_by_check_refuses_the_edited_article(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The markup gate takes check's unsafe-markup findings for an entry it has not judged
    (the same judge): an injected script URL still refuses the article, reported as a build
    that judges it reports it."""
    from transflow.po import catalog
    from transflow.states import set_translation

    path = workspace / "locales" / "nl" / "sleep.po"
    cat = catalog.load(path)
    entry = next(iter(catalog.active_entries(cat)))
    set_translation(entry, entry.msgid + " [klik](javascript:alert(1))")
    catalog.save(cat, path)
    run(workspace, "build", "--allow-incomplete")
    run(workspace, "check")  # stores every entry's findings, the injection's among them
    edit(workspace, "sleep.md", "A paragraph added to the article.")
    refuse_judging(monkeypatch)
    remembered = results(workspace)
    monkeypatch.undo()
    assert "unsafe markup" in str(remembered[1]) and "javascript" in str(remembered[1])
    shutil.rmtree(workspace / CACHE_DIR)
    assert results(workspace) == remembered
