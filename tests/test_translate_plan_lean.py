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
    assert open_.rel == "articles/b.md" and open_.has_targets and open_.targets
    assert open_.fmt == "markdown"
    # No catalog is held by a plan: the run loads each when it writes it, and finds the
    # targets' entries in it.
    assert open_.catalog is None and all(t.entry is None for t in open_.targets)
    catalog = open_.opened()
    assert all(t.entry is not None and t.entry in catalog for t in open_.targets)
    open_.close()
    assert open_.catalog is None and all(t.entry is None for t in open_.targets)
    # b's memory hits come from a: the memory was read because b had targets
    assert any(t.action == translate_plan.MEMORY for t in open_.targets)


def test_nothing_to_draft_reads_no_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(explicit=_workspace(tmp_path, ("a", "b")) / "transflow.toml")

    def no_memory(*args: object, **kwargs: object) -> None:
        raise AssertionError("the memory was read with nothing to draft")

    monkeypatch.setattr(translate_plan.MemoryReader, "_read", no_memory)
    report = translate(config, engine_name="memory")
    assert [(c.catalog, c.targets, c.drafted) for c in report.catalogs] == [
        ("locales/nl/a.po", 0, 0), ("locales/nl/b.po", 0, 0)]


def test_an_entry_a_person_translates_after_planning_keeps_their_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The run loads each catalog when it writes it: a save made after planning is read,
    and the entry the person translated is left as they made it; the others get drafts."""
    from transflow import mt
    from transflow.workflow import translate as translate_module

    config = load_config(explicit=_workspace(tmp_path, ()) / "transflow.toml")
    path = tmp_path / "locales" / "nl" / "a.po"
    real_plan = translate_module.plan
    theirs: list[str] = []

    def plan_then_a_person_saves(*args: object, **kwargs: object) -> object:
        planned = real_plan(*args, **kwargs)  # type: ignore[arg-type]
        po = polib.pofile(str(path))
        entry = next(e for e in po if e.msgid and not e.msgstr)
        entry.msgstr = "Door een mens vertaald."
        theirs.append(entry.msgid)
        po.save()
        return planned

    monkeypatch.setattr(translate_module, "plan", plan_then_a_person_saves)
    engine = mt.FakeEngine()
    translate(config, engine=engine, clock=lambda: NOW)
    after = {e.msgid: e for e in polib.pofile(str(path)) if e.msgid}
    assert after[theirs[0]].msgstr == "Door een mens vertaald."
    assert "fuzzy" not in after[theirs[0]].flags
    assert all(e.msgstr for e in after.values())  # every other entry got its draft
    assert sum("fuzzy" in e.flags for e in after.values()) == len(after) - 1


def test_a_catalog_gone_after_planning_is_reported_and_the_others_are_drafted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The texts it was to send first are still sent: the other catalog reuses them."""
    from transflow import mt
    from transflow.workflow import translate as translate_module

    config = load_config(explicit=_workspace(tmp_path, ()) / "transflow.toml")
    gone = tmp_path / "locales" / "nl" / "a.po"
    real_plan = translate_module.plan

    def plan_then_the_catalog_goes(*args: object, **kwargs: object) -> object:
        planned = real_plan(*args, **kwargs)  # type: ignore[arg-type]
        gone.unlink()
        return planned

    monkeypatch.setattr(translate_module, "plan", plan_then_the_catalog_goes)
    report = translate(config, engine=mt.FakeEngine(), clock=lambda: NOW)
    assert [p.path for p in report.problems] == ["locales/nl/a.po"]
    assert not gone.exists()
    other = polib.pofile(str(tmp_path / "locales" / "nl" / "b.po"))
    assert all(e.msgstr and "fuzzy" in e.flags for e in other if e.msgid)


def test_the_run_keeps_an_engine_draft_only_while_a_later_catalog_reuses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A site's first translation sends most texts once: their drafts are written and
    dropped; only those a later catalog reuses are kept, until their last reuse."""
    from transflow import mt
    from transflow.workflow import translate as translate_module

    config = load_config(explicit=_workspace(tmp_path, ()) / "transflow.toml")
    planned = translate_plan.plan(config)
    assert planned.reuses and all(n > 0 for n in planned.reuses.values())
    runs: list[translate_module.RunState] = []
    real = translate_module.RunState

    def kept_run(*args: object, **kwargs: object) -> translate_module.RunState:
        run = real(*args, **kwargs)  # type: ignore[arg-type]
        runs.append(run)
        return run

    monkeypatch.setattr(translate_module, "RunState", kept_run)
    report = translate(config, engine=mt.FakeEngine(), clock=lambda: NOW)
    assert report.total("reused_done") == sum(planned.reuses.values())
    [run] = runs
    assert run.drafted == {} and run.reuses == {}
    for slug in ("a", "b"):
        po = polib.pofile(str(tmp_path / "locales" / "nl" / f"{slug}.po"))
        assert all(e.msgstr and "fuzzy" in e.flags for e in po if e.msgid)


# --------------------------------------------------------------------------- windows
def _mixed(tmp_path: Path) -> Path:
    """Five articles whose targets take every way a draft can come: ``a`` translated (the
    memory), ``b`` close to it, ``c`` and ``d`` sharing new texts (sent once, reused), ``e``
    with a saved engine draft of one of c's texts, and a text with nothing to translate."""
    new = ("---\ntitle: Iron for runners\nlang: en\n---\n\n# Iron for runners\n\n"
           "Runners lose iron through sweat and impact, which a blood test shows.\n\n"
           "Take it with vitamin C, never with coffee.\n")
    articles = {
        "a.md": ARTICLE,
        "b.md": ARTICLE.replace("Order one of our products now.",
                                "Order one of our products today."),
        "c.md": new + "\n2026\n",
        "d.md": new + "\nA paragraph of d alone.\n",
        "e.md": new,
    }
    make_workspace(tmp_path, articles)
    sync(load_config(explicit=tmp_path / "transflow.toml"), clock=lambda: NOW)
    po = polib.pofile(str(tmp_path / "locales" / "nl" / "a.po"))
    for entry in po:
        entry.msgstr = "NL " + entry.msgid
    po.save()
    po = polib.pofile(str(tmp_path / "locales" / "nl" / "e.po"))
    saved = next(e for e in po if e.msgid.startswith("Take it"))
    saved.msgstr, saved.flags = "Neem het met vitamine C, nooit met koffie.", ["fuzzy"]
    saved.tcomment = "transflow: draft deepl 2026-11-20"
    po.save()
    return tmp_path


def _figures(planned: translate_plan.TranslatePlan) -> object:
    """Everything a plan decided, in order, comparable with ``==``."""
    return ([(c.name, c.fmt, [(t.msgctxt, t.msgid, t.action, t.match, t.draft, t.planned)
                              for t in c.targets],
              [(b.texts, b.characters) for b in c.batches]) for c in planned.catalogs],
            planned.reuses, planned.characters, planned.targets)


def test_a_plan_decided_window_by_window_is_the_plan_of_everything_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A site's first translation is decided a window of texts at a time, its catalogs
    spooled to disk: the smallest windows, a memory read again for each and a spool that
    writes every catalog out decide exactly what one window of everything does."""
    config = load_config(explicit=_mixed(tmp_path) / "transflow.toml")
    reads: list[int] = []
    real_read = translate_plan.MemoryReader._read

    def counted(self: translate_plan.MemoryReader) -> object:
        reads.append(1)
        return real_read(self)

    monkeypatch.setattr(translate_plan.MemoryReader, "_read", counted)
    whole = translate_plan.plan(config)
    assert len(reads) == 1
    actions = {t.action for c in whole.catalogs for t in c.targets}
    assert actions == {translate_plan.MEMORY, translate_plan.REUSE, translate_plan.COPY,
                       translate_plan.SEND}
    assert any(t.draft is not None for c in whole.catalogs for t in c.targets)  # e's draft
    assert whole.reuses  # c's new texts, reused by d and e
    monkeypatch.setattr(translate_plan, "WINDOW", 1)
    monkeypatch.setattr(translate_plan, "KEEP_CHARS", 0)
    monkeypatch.setattr(translate_plan, "SPOOL_BATCH", 1)
    reads.clear()
    windowed = translate_plan.plan(config)
    assert len(reads) == 4  # a window per catalog with targets (a has none), each reading
    assert _figures(windowed) == _figures(whole)


def test_a_small_memory_is_read_once_for_every_window(tmp_path: Path) -> None:
    config = load_config(explicit=_mixed(tmp_path) / "transflow.toml")
    memory = translate_plan.MemoryReader(config, {})
    query = ("en", "nl", "Magnesium and sleep")
    first = memory.ask([query])
    (tmp_path / "locales" / "nl" / "a.po").unlink()  # kept: not read again
    assert memory.ask([query]) == first
    assert first[0][query] is not None and first[0][query].exact
    assert translate_plan.MemoryReader(config, {}).ask([query])[0][query] is None


def test_a_translate_run_over_spooled_windows_writes_what_one_window_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end, with an article left for later by --fit: the catalogs written and the
    report are the same whether the plan was kept in memory or spooled window by window."""
    from transflow import mt

    results = []
    for small in (False, True):
        root = tmp_path / ("small" if small else "whole")
        root.mkdir()
        config = load_config(explicit=_mixed(root) / "transflow.toml")
        if small:
            monkeypatch.setattr(translate_plan, "WINDOW", 1)
            monkeypatch.setattr(translate_plan, "KEEP_CHARS", 0)
            monkeypatch.setattr(translate_plan, "SPOOL_BATCH", 1)
        planned = translate_plan.plan(config).characters
        report = translate(config, engine=mt.FakeEngine(), clock=lambda: NOW,
                           max_chars=planned - 1, fit=True)
        assert report.deferred and report.total("billed") < planned
        catalogs = {p.name: p.read_text(encoding="utf-8")
                    for p in sorted((root / "locales" / "nl").glob("*.po"))}
        results.append((report.to_json(), catalogs))
    assert results[0] == results[1]
