"""A single-process sync or build commits ``parallel.COMMIT_BATCH`` articles at a time.

Each article still goes through whole or not at all; what a batch committed stays when the
run is stopped later, what was only staged is dropped (no temp file left), and a problem
article in a batch holds back none of the others.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import make_workspace
from transflow import atomic
from transflow.config import load_config
from transflow.po import catalog
from transflow.states import set_translation
from transflow.workflow import parallel
from transflow.workflow.build import build
from transflow.workflow.sync import sync

BATCH = 4


@pytest.fixture(autouse=True)
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "COMMIT_BATCH", BATCH)


def workspace(root: Path, count: int) -> Path:
    return make_workspace(root, {f"a{i:02}.md": f"# Title {i}\n\nParagraph {i}.\n"
                                 for i in range(count)})


def commits(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of files each commit installs, as commits happen."""
    sizes: list[int] = []
    real = atomic.Transaction.commit

    def counted(self: atomic.Transaction) -> None:
        if self._staged or self._removals:
            sizes.append(len(self._staged))
        real(self)

    monkeypatch.setattr(atomic.Transaction, "commit", counted)
    return sizes


def temp_files(root: Path) -> list[Path]:
    return sorted(root.rglob(f"*{atomic.TEMP_SUFFIX}"))


def translate_all(root: Path) -> None:
    for path in sorted((root / "locales" / "nl").glob("*.po")):
        cat = catalog.load(path)
        for entry in catalog.active_entries(cat):
            set_translation(entry, entry.msgid + " (nl)")
        catalog.save(cat, path)


def test_a_single_process_sync_commits_a_batch_of_articles_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workspace(tmp_path, 2 * BATCH + 1)
    sizes = commits(monkeypatch)
    report = sync(load_config(root), workers=1)
    assert not report.problems and len(report.articles) == 2 * BATCH + 1
    # a template and a catalog per article: two full batches, then the last article
    assert sizes == [2 * BATCH, 2 * BATCH, 2]
    assert len(list((root / "locales" / "nl").glob("*.po"))) == 2 * BATCH + 1
    assert temp_files(root) == []


def test_a_sync_stopped_mid_batch_keeps_the_batches_committed_and_leaves_no_temp_file(
    tmp_path: Path,
) -> None:
    root = workspace(tmp_path, 2 * BATCH + 1)

    def stop_at(done: int, total: int, label: str) -> None:
        if done == BATCH + 3:  # two articles of the second batch staged, not committed
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sync(load_config(root), workers=1, progress=stop_at)
    written = sorted(p.stem for p in (root / "locales" / "nl").glob("*.po"))
    assert written == [f"a{i:02}" for i in range(BATCH)]
    assert temp_files(root) == []
    # the next run writes the rest; the first batch's files are as they should be
    report = sync(load_config(root), workers=1)
    assert not report.problems and len(report.written) == 2 * (BATCH + 1)
    assert len(list((root / "locales" / "nl").glob("*.po"))) == 2 * BATCH + 1


def test_a_problem_article_in_a_batch_holds_back_none_of_the_others(tmp_path: Path) -> None:
    root = workspace(tmp_path, BATCH)
    (root / "articles" / "a01.md").write_bytes(b"\xff\xfe not UTF-8 \xff\n")
    report = sync(load_config(root), workers=1)
    assert [str(p.path) for p in report.problems] == ["articles/a01.md"]
    written = sorted(p.stem for p in (root / "locales" / "nl").glob("*.po"))
    assert written == ["a00", "a02", "a03"]
    assert temp_files(root) == []


def test_a_single_process_build_commits_a_batch_at_a_time_and_a_stop_drops_only_staged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = workspace(tmp_path, 2 * BATCH + 1)
    sync(load_config(root), workers=1)
    translate_all(root)

    def stop_at(done: int, total: int, label: str) -> None:
        if done == BATCH + 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        build(load_config(root), workers=1, progress=stop_at)
    assert sorted(p.stem for p in (root / "dist" / "nl").glob("*.md")) == \
        [f"a{i:02}" for i in range(BATCH)]
    assert temp_files(root) == []

    sizes = commits(monkeypatch)
    report = build(load_config(root), workers=1)
    assert not report.problems
    assert sorted(p.stem for p in (root / "dist" / "nl").glob("*.md")) == \
        [f"a{i:02}" for i in range(2 * BATCH + 1)]
    # the first batch's pages hold what they would get (nothing staged, nothing to commit);
    # two pages an article for the others, a batch at a time; then the manifest
    assert sizes == [2 * BATCH, 2, 1]
    assert temp_files(root) == []
