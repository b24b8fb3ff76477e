"""The translate plan keeps only what it will write: a finished catalog is listed, not held,
and a workspace with nothing to draft never reads its translation memory."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest

from tests.helpers import ARTICLE, make_workspace
from transflow.config import load_config
from transflow.workflow import translate_plan
from transflow.workflow.sync import sync
from transflow.workflow.translate import translate

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def _workspace(tmp_path: Path, finished: tuple[str, ...]) -> Path:
    """Two articles (``a`` and ``b``), synced; the catalogs named in ``finished`` translated."""
    make_workspace(tmp_path, {"a.md": ARTICLE, "b.md": ARTICLE.replace("sleep", "rest")})
    sync(load_config(explicit=tmp_path / "transflow.toml"), clock=lambda: NOW)
    for slug in finished:
        path = tmp_path / "locales" / "nl" / f"{slug}.po"
        po = polib.pofile(str(path))
        for entry in po:
            entry.msgstr = entry.msgid
        po.save()
    return tmp_path


def test_a_finished_catalog_is_listed_without_its_article_or_catalog(tmp_path: Path) -> None:
    config = load_config(explicit=_workspace(tmp_path, ("a",)) / "transflow.toml")
    planned = translate_plan.plan(config, with_engine=False)
    finished, open_ = planned.catalogs
    assert (finished.name, open_.name) == ("locales/nl/a.po", "locales/nl/b.po")
    assert finished.targets == [] and not finished.has_targets and finished.catalog is None
    assert (finished.rel, finished.source_language) == ("articles/a.md", "en")
    with pytest.raises(ValueError, match="no targets"):
        finished.opened()
    catalog = open_.opened()
    assert open_.rel == "articles/b.md" and open_.has_targets and open_.targets
    assert open_.fmt == "markdown"
    assert all(t.entry in catalog for t in open_.targets)  # the entries that will be written
    # b's memory hits come from a: the memory was read because b had targets
    assert any(t.action == translate_plan.MEMORY for t in open_.targets)


def test_nothing_to_draft_reads_no_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(explicit=_workspace(tmp_path, ("a", "b")) / "transflow.toml")

    def no_memory(*args: object, **kwargs: object) -> None:
        raise AssertionError("the memory was read with nothing to draft")

    monkeypatch.setattr(translate_plan, "read_memory", no_memory)
    report = translate(config, engine_name="memory")
    assert [(c.catalog, c.targets, c.drafted) for c in report.catalogs] == [
        ("locales/nl/a.po", 0, 0), ("locales/nl/b.po", 0, 0)]
