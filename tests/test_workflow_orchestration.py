"""The orchestration the CLI calls: ``workflow.run``, ``workflow.review.review_batch`` and the
public translate plan, used directly (no click)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import polib
import pytest

from tests.helpers import make_workspace
from transflow.config import load_config
from transflow.errors import EngineError
from transflow.states import State, entry_state
from transflow.workflow.review import LinesNotFoundError, review_batch
from transflow.workflow.run import RunOptions, Step, run
from transflow.workflow.sync import sync
from transflow.workflow.translate import TranslateReport, translate
from transflow.workflow.translate_plan import COPY, SEND, plan
from transflow.workflow.workspace import read_article

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def workspace(tmp_path: Path) -> Path:
    make_workspace(tmp_path)
    config = load_config(explicit=tmp_path / "transflow.toml")
    sync(config, clock=lambda: NOW)
    return tmp_path


def test_run_hands_each_step_to_the_callback_and_goes_through_every_step(
    tmp_path: Path,
) -> None:
    root = workspace(tmp_path)
    config = load_config(explicit=root / "transflow.toml")
    seen: list[Step] = []
    report = run(config, options=RunOptions(strict=True, engine_name="memory"),
                 on_step=seen.append)
    assert [s.name for s in seen] == ["sync", "translate", "check", "build"]
    assert report.steps == seen
    assert report.exit_code == 3 and report.stopped_at is None  # nothing translated yet
    assert isinstance(seen[1].report, TranslateReport)
    assert report.to_json()["stopped_at"] is None
    assert [s.exit_code for s in seen] == [0, 0, 0, 3]


def test_run_reports_a_factory_error_as_the_translate_step(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    config = load_config(explicit=root / "transflow.toml")

    def broken() -> None:
        raise EngineError("no engine today", hint="try tomorrow")

    report = run(config, engine_factory=broken)
    # An engine failure does not stop the check and the build of what is finished.
    assert [s.name for s in report.steps] == ["sync", "translate", "check", "build"]
    step = report.steps[1]
    assert step.exit_code == 1 and step.error is not None and step.report is None
    assert step.message == "no engine today"
    assert report.exit_code == 1 and report.stopped_at is None


def test_run_stops_when_a_step_fails_as_a_whole(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    config = load_config(explicit=root / "transflow.toml")
    import shutil

    shutil.rmtree(root / "articles")
    report = run(config)
    assert [s.name for s in report.steps] == ["sync"]
    assert report.stopped_at == "sync" and report.exit_code == 1


def test_the_plan_is_public_and_the_report_is_made_from_it(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    config = load_config(explicit=root / "transflow.toml")
    planned = plan(config)
    [item] = planned.catalogs
    assert item.name == "locales/nl/sleep.po" and item.language == "nl"
    assert {t.action for t in item.targets} <= {SEND, COPY}
    assert item.to_send == sum(len(b.texts) for b in item.batches) > 0
    assert planned.characters == item.characters > 0
    dry = translate(config, dry_run=True)
    row = dry.catalogs[0]
    assert (row.targets, row.to_send, row.characters, row.requests) == (
        len(item.targets), item.to_send, item.characters, item.requests)


def test_review_batch_refuses_unknown_lines_before_writing(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    config = load_config(explicit=root / "transflow.toml")
    po_path = root / "locales/nl/sleep.po"
    po = polib.pofile(str(po_path))
    for entry in po:
        entry.msgstr = entry.msgid
    po.save()
    before = po_path.read_bytes()
    article = read_article(config, root / "articles/sleep.md")
    with pytest.raises(LinesNotFoundError) as info:
        review_batch(config, article, ["nl"], lines=[6, 999], reviewer="Jane",
                     day=date(2026, 11, 26), now=NOW)
    assert info.value.lines == [999] and info.value.exit_code == 2
    assert po_path.read_bytes() == before
    done = review_batch(config, article, ["nl"], reviewer="Jane", day=date(2026, 11, 26),
                        now=NOW)
    assert done.counts()["approved"] > 0 and done.counts()["refused"] == 0
    states = {entry_state(e) for e in polib.pofile(str(po_path)) if e.msgid}
    assert states == {State.REVIEWED}
    doc = done.to_json()
    assert doc["article"] == "articles/sleep.md" and doc["reviewer"] == "Jane"


def test_errors_are_printed_in_one_place() -> None:
    """Only ``cli/common.py`` writes ``Error:``/``Hint:`` lines; every command goes through it."""
    src = Path(__file__).resolve().parent.parent / "src" / "transflow"
    printers = sorted(
        path.relative_to(src).as_posix()
        for path in src.rglob("*.py")
        if re.search(r"[\"'](Error|Hint): ", path.read_text(encoding="utf-8"))
    )
    assert printers == ["cli/common.py"]


def test_run_can_drop_each_report_once_the_callback_saw_it(tmp_path: Path) -> None:
    """The CLI prints each step as it ends and only summaries at the end: a long run does
    not hold the sync, translate and check reports while the build runs."""
    root = workspace(tmp_path)
    config = load_config(explicit=root / "transflow.toml")
    seen: list[tuple[str, bool]] = []
    report = run(config, options=RunOptions(engine_name="memory", keep_reports=False),
                 on_step=lambda step: seen.append((step.name, step.report is not None)))
    assert seen == [("sync", True), ("translate", True), ("check", True), ("build", True)]
    assert [s.report for s in report.steps] == [None] * 4
    assert report.steps[3].summary["built"] == [] and report.exit_code == 0
