"""``check`` (and ``status``) on worker processes report exactly what a sequential run does.

A workspace of 72 articles (over ``parallel.PARALLEL_MIN``, so the real pool runs) with
errors in published entries, findings in machine drafts, warnings, an accepted finding, a
catalog that cannot be read and one that is missing: the parallel report (findings, their
order, counts, problems), the CLI's text and JSON output and its exit code equal the
sequential ones, with and without the results cache, when a cached article sits between
changed ones, and for a selection of articles or a language.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polib
import pytest

from tests.helpers import make_workspace, run
from transflow.cli import check as cli_check
from transflow.cli import core as cli_core
from transflow.config import load_config
from transflow.workflow import check as check_module
from transflow.workflow import parallel
from transflow.workflow.cache import CACHE_DIR, DB_NAME
from transflow.workflow.check_run import check
from transflow.workflow.status import status

COUNT = 72
BROKEN = {3, 36}  # catalogs that cannot be read: reported, the others go on
MISSING = {17}  # catalogs not made yet (listed as missing)


def article(i: int) -> str:
    return (f"# Title {i}\n\nIt supports {i} enzymes in the body.\n\n"
            f"A typical dose is {i * 10} mg.\n\nShared promo for every reader of this site.\n")


def fill(po_path: Path, i: int) -> None:
    """Translate each entry as its source, with a wrong dose in every fifth article (an
    error), a wrong enzyme count as a machine draft in every seventh (a draft finding)."""
    po = polib.pofile(str(po_path))
    for entry in po:
        text = entry.msgid
        if i % 5 == 0 and "dose" in text:
            text = text.replace(f"{i * 10} mg", f"{i * 10 + 1} mg")
        if i % 7 == 0 and "enzymes" in text:
            text = text.replace(f"{i} enzymes", f"{i + 1} enzymes")
            entry.flags.append("fuzzy")
            entry.tcomment = "transflow: draft deepl 2026-11-20"
        entry.msgstr = text
    po.save()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_workspace(tmp_path_factory.mktemp("par"),
                          {f"a{i:02d}.md": article(i) for i in range(COUNT)})
    assert run(root, "sync").exit_code == 0
    for i in range(COUNT):
        fill(root / f"locales/nl/a{i:02d}.po", i)
    # A person accepted one of the errors (listed apart, never gating).
    line = next(e.linenum for e in polib.pofile(str(root / "locales/nl/a10.po"))
                if "dose" in e.msgid)
    accepted = run(root, "check", "--accept", f"locales/nl/a10.po:{line}", "numbers",
                   "--reason", "rounded on purpose", "--reviewer", "Jane Doe")
    assert accepted.exit_code == 0, accepted.output
    for i in BROKEN:
        (root / f"locales/nl/a{i:02d}.po").write_text('msgid "x"\nmsgstr\n', encoding="utf-8")
    for i in MISSING:
        (root / f"locales/nl/a{i:02d}.po").unlink()
    return root


def fresh(root: Path) -> Path:
    """``root`` without its results cache (each run starts cold)."""
    for name in (DB_NAME, f"{DB_NAME}-journal"):
        (root / CACHE_DIR / name).unlink(missing_ok=True)
    return root


def pooled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the runs that went through the worker pool (the real one)."""
    calls: list[int] = []
    real = parallel.each_chunk

    def spy(func: Callable[..., Any], items: Any, **kwargs: Any) -> Any:
        calls.append(len(items))
        return real(func, items, **kwargs)

    monkeypatch.setattr(parallel, "each_chunk", spy)
    return calls


CASES = [
    pytest.param({}, id="all"),
    pytest.param({"language": "nl"}, id="one-language"),
    pytest.param({"language": "en"}, id="a-language-with-no-catalogs"),
]


@pytest.mark.parametrize("options", CASES)
@pytest.mark.parametrize("use_cache", [False, True])
def test_parallel_report_equals_the_sequential_one(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, options: dict[str, Any], use_cache: bool
) -> None:
    config = load_config(fresh(workspace))
    one = check(config, workers=1, use_cache=use_cache, **options)
    calls = pooled(monkeypatch)
    two = check(load_config(fresh(workspace)), workers=2, use_cache=use_cache, **options)
    assert calls == [COUNT]
    assert two.to_json() == one.to_json()
    assert two.findings == one.findings  # states, drafts and acceptances, in order
    document = one.to_json()
    # The workspace holds what the comparison is about.
    assert [p.path for p in one.problems] == [f"locales/nl/a{i:02d}.po" for i in sorted(BROKEN)]
    if options.get("language") != "en":
        assert one.errors and one.accepted and one.count("error", drafts=True)
        assert one.count("warning")
        assert document["missing_catalogs"] == ["locales/nl/a17.po"]
        assert document["catalogs"] == COUNT - len(BROKEN) - len(MISSING)


def test_a_selection_of_articles_in_parallel(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chosen = [workspace / f"articles/a{i:02d}.md" for i in range(COUNT - 1, -1, -1)][:66]
    config = load_config(fresh(workspace))
    one = check(config, chosen, workers=1, use_cache=False)
    calls = pooled(monkeypatch)
    two = check(config, chosen, workers=2, use_cache=False)
    assert calls == [66]
    assert two.to_json() == one.to_json()
    # in the order given (as a sequential run reports them)
    order = list(dict.fromkeys(f.article for f in two.findings))
    assert order == sorted(order, reverse=True) and len(order) > 10


def test_cached_articles_between_changed_ones_keep_their_place(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(workspace, root)
    config = load_config(fresh(root))
    calls = pooled(monkeypatch)
    first = check(config, workers=2)
    assert calls == [COUNT]
    # every article but each ninth changes: the cached ones wait for those before them
    for i in range(COUNT):
        if i % 9 and i not in BROKEN | MISSING:
            po_path = root / f"locales/nl/a{i:02d}.po"
            po = polib.pofile(str(po_path))
            po[0].msgstr = f"Titel {i}"
            po.save()
    again = check(config, workers=2)
    assert len(calls) == 2 and calls[1] < COUNT
    expected = check(config, workers=1, use_cache=False)
    assert again.to_json() == expected.to_json()
    assert again.to_json() != first.to_json()
    # and unchanged since: answered from the cache alone, the same again
    assert check(config, workers=2).to_json() == expected.to_json()
    assert len(calls) == 2


def test_the_workers_remember_entry_findings_for_later_runs(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Each worker stores what it checked (the entry memo): a later run whose article
    results are gone checks no entry again."""
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(workspace, root)
    config = load_config(fresh(root))
    expected = check(config, workers=2).to_json()
    with sqlite3.connect(root / CACHE_DIR / DB_NAME) as db:
        db.execute("DELETE FROM results WHERE kind = 'check'")

    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("checked again")

    monkeypatch.setattr(check_module, "run_checks", refuse)
    assert check(config, workers=1).to_json() == expected


@pytest.mark.parametrize("args", [(), ("--json",), ("--errors-only",),
                                  ("--json", "--lang", "nl")])
def test_the_command_prints_the_same_on_one_core_and_on_two(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    outputs = []
    calls = pooled(monkeypatch)
    for cores in (1, 2):
        monkeypatch.setattr(cli_check, "worker_count", lambda cores=cores: cores)
        result = run(fresh(workspace), "check", *args)
        outputs.append((result.exit_code, result.stdout, result.stderr))
    assert calls == [COUNT]  # the second run only
    assert outputs[0] == outputs[1]
    code, stdout, stderr = outputs[0]
    assert code == 1  # a catalog could not be read (that wins over the gate's 3)
    assert "Error: locales/nl/a03.po" in stderr
    if "--json" in args:
        language = "nl" if "nl" in args else None
        expected = check(load_config(fresh(workspace)), language=language).to_json()
        assert json.loads(stdout) == expected and expected["findings"]
    else:
        assert "locales/nl/a05.po" in stdout


# ------------------------------------------------------------------------------ status
def test_parallel_status_equals_the_sequential_one(
    workspace: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """status takes the same path (results looked up in batches, keys made in the workers,
    outcomes taken in article order): cold, with cached articles between changed ones, and
    through the CLI's table and streamed JSON."""
    import shutil

    root = tmp_path / "copy"
    shutil.copytree(workspace, root)
    config = load_config(fresh(root))
    expected = status(config, workers=1, use_cache=False)
    assert [p.path for p in expected.problems] == [f"locales/nl/a{i:02d}.po"
                                                   for i in sorted(BROKEN)]
    calls = pooled(monkeypatch)
    assert status(config, workers=2).to_json() == expected.to_json()
    assert calls == [COUNT]
    for i in range(0, COUNT, 2):  # every other article changes: the rest wait their turn
        if i not in BROKEN | MISSING:
            po_path = root / f"locales/nl/a{i:02d}.po"
            po = polib.pofile(str(po_path))
            po[0].msgstr = ""
            po.save()
    expected = status(config, workers=1, use_cache=False)
    assert status(config, workers=2, language="nl").to_json() == expected.to_json()
    outputs = []
    for cores in (1, 2):
        monkeypatch.setattr(cli_core, "worker_count", lambda cores=cores: cores)
        fresh(root)
        outputs.append([run(root, "status", *args).stdout for args in [(), ("--json",)]])
    assert outputs[0] == outputs[1]
    assert json.loads(outputs[0][1]) == expected.to_json()
