"""workflow.translate against the fake DeepL server (real ``deepl`` client) and the fake engine."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import polib
import pytest

from deepl_server import FakeDeepL
from transflow import mt
from transflow.config import Config, load_config
from transflow.errors import EngineError
from transflow.formats import format_for
from transflow.mt.deepl_engine import DeepLEngine
from transflow.mt.placeholders import structure
from transflow.po import catalog
from transflow.states import State, entry_state, transflow_lines
from transflow.workflow.build import build
from transflow.workflow.sync import sync
from transflow.workflow.translate import translate

pytest_plugins = ["deepl_fixtures"]

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "sample_articles"
PROMO = "Order one of our Premium NMN products now."
CONFIG = 'articles = "{articles}"\nsource_language = "en"\nlanguages = ["nl", "en"]\n' \
         'publish = "translated"\n'
Make = Callable[..., DeepLEngine]


def clock() -> datetime:
    return datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


def sample_workspace(root: Path, articles: Path | None = None) -> Config:
    """The sample articles (or ``articles`` in place) with empty catalogs from a sync."""
    if articles is None:
        shutil.copytree(SAMPLES, root / "articles")
        articles = Path("articles")
    (root / "transflow.toml").write_text(CONFIG.format(articles=articles), encoding="utf-8")
    config = load_config(root)
    sync(config, clock=clock)
    return config


def all_entries(config: Config) -> list[tuple[Path, polib.POEntry]]:
    return [
        (path, entry)
        for lang in config.languages
        for path in sorted((config.locales / lang).rglob("*.po"))
        for entry in catalog.active_entries(catalog.load(path))
    ]


def fmt_of(path: str) -> str:
    return "html" if path.endswith((".html", ".htm")) else "markdown"


def unique_billable(config: Config) -> tuple[int, int]:
    """(unique texts to send, their billable characters), computed from the catalogs alone."""
    seen: set[tuple[str, str]] = set()
    chars = 0
    for path, entry in all_entries(config):
        if entry_state(entry) != State.UNTRANSLATED:
            continue
        key = (path.parent.name, entry.msgid)
        ref = entry.occurrences[0][0]
        protected = mt.protect(entry.msgid, fmt_of(ref))
        if key in seen or not protected.needs_translation:
            continue
        seen.add(key)
        chars += protected.billable_characters
    return len(seen), chars


def test_sample_workspace_bills_unique_text_once_and_rerun_sends_nothing(
    tmp_path: Path, make_engine: Make, deepl_server: FakeDeepL
) -> None:
    config = sample_workspace(tmp_path)
    unique, chars = unique_billable(config)
    report = translate(config, engine=make_engine(), clock=clock)
    assert report.stopped is None and not report.failures
    assert deepl_server.used["test-key"] == report.total("billed") == chars
    sent = [t for r in deepl_server.translate_requests() for t in r.body["text"]]
    assert len(sent) == len(set(sent)) == unique
    assert sum(PROMO in t for t in sent) == 1  # the promo block is shared by two articles
    for item in report.catalogs:
        assert item.batches_sent <= -(-item.to_send // 50)
    for _, entry in all_entries(config):
        assert entry_state(entry) == State.MACHINE_DRAFT
    before = len(deepl_server.requests)
    again = translate(config, engine=make_engine(), clock=clock)
    assert again.total("targets") == 0
    assert len(deepl_server.requests) == before  # not even a usage call


def test_translated_promo_elsewhere_is_memory_not_billed(
    tmp_path: Path, make_engine: Make, deepl_server: FakeDeepL
) -> None:
    config = sample_workspace(tmp_path)
    # A translator finished one English article: its entries become memory.
    done = config.locales / "nl" / "magnesium-l-threonate.po"
    po = catalog.load(done)
    for entry in catalog.active_entries(po):
        entry.msgstr = "NL " + entry.msgid
    catalog.save(po, done)
    report = translate(config, engine=make_engine(), clock=clock)
    sent = [t for r in deepl_server.translate_requests() for t in r.body["text"]]
    assert not any(PROMO in t for t in sent)
    assert report.total("memory_exact") >= 6
    other = catalog.load(config.locales / "nl" / "alpha-ketoglutaric-acid-energy-metabolism.po")
    [promo] = [e for e in other if e.msgid == PROMO]
    assert promo.msgstr == "NL " + PROMO and "fuzzy" in promo.flags
    assert transflow_lines(promo.tcomment, "draft") == [
        "transflow: draft memory 2026-11-27 locales/nl/magnesium-l-threonate.po (100%)"
    ]
    _, chars = unique_billable(config)  # nothing left untranslated
    assert chars == 0


def test_close_memory_match_is_a_fuzzy_draft_naming_its_origin(tmp_path: Path) -> None:
    config = sample_workspace(tmp_path)
    done = config.locales / "nl" / "magnesium-l-threonate.po"
    po = catalog.load(done)
    [entry] = [e for e in po if e.msgid.startswith("All supplements undergo double testing")]
    near = entry.msgid.replace("double testing", "dual testing")
    entry.msgstr = "Alle supplementen worden dubbel getest."
    catalog.save(po, done)
    other = config.locales / "nl" / "alpha-ketoglutaric-acid-energy-metabolism.po"
    po = catalog.load(other)
    [target] = [e for e in po if e.msgid == entry.msgid]
    target.msgid = near  # as if this article's text differed slightly
    catalog.save(po, other)
    engine = mt.FakeEngine()
    report = translate(config, [config.articles / "alpha-ketoglutaric-acid-energy-metabolism.md"],
                       engine=engine, clock=clock)
    assert report.total("memory_fuzzy") == 1
    [drafted] = [e for e in catalog.load(other) if e.msgid == near]
    assert drafted.msgstr == "Alle supplementen worden dubbel getest."
    [line] = transflow_lines(drafted.tcomment, "draft")
    assert line.startswith("transflow: draft memory 2026-11-27 locales/nl/magnesium-l-threonate")
    assert line.endswith("%)") and "(100%)" not in line
    assert not any(near in t for call in engine.calls for t in call[0])


def test_translated_reviewed_and_drafts_untouched_refresh_fuzzy_opt_in(tmp_path: Path) -> None:
    config = sample_workspace(tmp_path)
    path = config.locales / "nl" / "magnesium-l-threonate.po"
    po = catalog.load(path)
    entries = list(catalog.active_entries(po))
    entries[0].msgstr = "Mijn vertaling"
    entries[1].msgstr = "Oude vertaling"
    entries[1].previous_msgid = "old source"
    entries[1].flags.insert(0, "fuzzy")
    catalog.save(po, path)
    engine = mt.FakeEngine()
    translate(config, [config.articles / "magnesium-l-threonate.md"], engine=engine, clock=clock)
    after = {e.msgid: e for e in catalog.load(path)}
    assert after[entries[0].msgid].msgstr == "Mijn vertaling"
    assert entry_state(after[entries[1].msgid]) == State.NEEDS_WORK
    snapshot = path.read_bytes()
    calls = len(engine.calls)
    translate(config, [config.articles / "magnesium-l-threonate.md"], engine=engine, clock=clock)
    assert path.read_bytes() == snapshot and len(engine.calls) == calls
    translate(config, [config.articles / "magnesium-l-threonate.md"], engine=engine,
              refresh_fuzzy=True, clock=clock)
    refreshed = {e.msgid: e for e in catalog.load(path)}[entries[1].msgid]
    assert entry_state(refreshed) == State.MACHINE_DRAFT
    assert refreshed.previous_msgid is None
    assert refreshed.msgstr == mt.fake_translate(entries[1].msgid)
    assert refreshed.msgstr != "Oude vertaling"
    assert {e.msgid: e for e in catalog.load(path)}[entries[0].msgid].msgstr == "Mijn vertaling"


def test_markup_intact_for_every_sample_segment(
    tmp_path: Path, make_engine: Make, deepl_server: FakeDeepL
) -> None:
    config = sample_workspace(tmp_path)
    translate(config, engine=make_engine(), clock=clock)
    total = intact = 0
    for _, entry in all_entries(config):
        fmt = fmt_of(entry.occurrences[0][0])
        total += 1
        intact += (structure(entry.msgstr, fmt) == structure(entry.msgid, fmt)
                   and not transflow_lines(entry.tcomment, "problem"))
    assert total > 100
    assert intact == total


@pytest.mark.corpus
def test_markup_intact_for_every_corpus_segment(
    tmp_path: Path, make_engine: Make, deepl_server: FakeDeepL, corpus: Path
) -> None:
    # Copied under tmp_path: configured paths must stay inside the workspace.
    shutil.copytree(corpus / "articles", tmp_path / "articles")
    config = sample_workspace(tmp_path, articles=Path("articles"))
    report = translate(config, engine=make_engine(), clock=clock)
    assert report.stopped is None and not report.failures
    total = intact = 0
    for _, entry in all_entries(config):
        fmt = fmt_of(entry.occurrences[0][0])
        total += 1
        intact += (structure(entry.msgstr, fmt) == structure(entry.msgid, fmt)
                   and not transflow_lines(entry.tcomment, "problem"))
    assert total > 800
    assert intact == total, f"{intact}/{total} drafts kept the source markup"


@pytest.mark.parametrize("mode", ["drop", "move"])
def test_damaged_placeholders_stay_fuzzy_with_a_problem_and_are_never_published(
    tmp_path: Path, make_engine: Make, deepl_server: FakeDeepL, mode: str
) -> None:
    config = sample_workspace(tmp_path)
    deepl_server.placeholder_mode = mode
    report = translate(config, engine=make_engine(), clock=clock)
    assert report.total("problems") > 0
    damaged = [
        e for _, e in all_entries(config) if transflow_lines(e.tcomment, "problem")
    ]
    assert len(damaged) == report.total("problems")
    for entry in damaged:
        assert "fuzzy" in entry.flags and entry.msgstr
        assert entry_state(entry) == State.MACHINE_DRAFT
    result = build(config, allow_incomplete=True)
    assert result.written
    for article in sorted(config.articles.iterdir()):
        lang = "en" if "lichaamsvet" in article.name or "resveratrol" in article.name else "nl"
        built = (config.output / lang / article.name).read_text(encoding="utf-8")
        # every entry is an unreviewed draft: each segment falls back to the source text
        fmt = format_for(article)
        source = fmt.parse(article.read_text(encoding="utf-8"), front_matter_fields=["title"])
        out = fmt.parse(built, front_matter_fields=["title"])
        assert [s.text for s in out.segments] == [s.text for s in source.segments]
        assert not any(e.msgstr in built for e in damaged if e.msgstr != e.msgid)


def test_quota_stop_keeps_finished_batches_and_rerun_bills_the_rest(
    tmp_path: Path, make_engine: Make, deepl_server: FakeDeepL
) -> None:
    config = sample_workspace(tmp_path)
    plan = translate(config, engine=mt.FakeEngine(), dry_run=True)
    first = plan.catalogs[0]
    deepl_server.quota["test-key"] = first.characters + 5
    deepl_server.reported_limit = 10**6
    report = translate(config, engine=make_engine(), clock=clock)
    assert report.stopped is not None and report.batches_done == 1
    assert deepl_server.used["test-key"] == first.characters
    saved = catalog.load(config.locales / first.catalog.split("/", 1)[1])
    assert all(entry_state(e) == State.MACHINE_DRAFT for e in catalog.active_entries(saved))
    del deepl_server.quota["test-key"]
    deepl_server.reported_limit = None
    rerun = translate(config, engine=make_engine(), clock=clock)
    assert rerun.stopped is None
    assert rerun.total("billed") == plan.characters - first.characters
    assert deepl_server.used["test-key"] == plan.characters


def test_three_429_then_success_and_hang_retried_without_duplicates(
    tmp_path: Path, make_engine: Make, deepl_server: FakeDeepL
) -> None:
    config = sample_workspace(tmp_path)
    _, chars = unique_billable(config)
    deepl_server.faults = ["ok", 429, 429, 429, "ok", "hang"]  # "ok": the usage call
    # A timeout well above a loaded machine's slowest answer: a normal request that timed
    # out would be retried too and change the counts below.
    deepl_server.hang_seconds = 3.5
    engine = make_engine(timeout=1.5)
    report = translate(config, engine=engine, clock=clock)
    assert report.stopped is None and not report.failures
    assert engine.sleeps[:3] == [1.0, 2.0, 4.0]  # type: ignore[attr-defined]
    assert len(engine.sleeps) == 4  # type: ignore[attr-defined]
    assert deepl_server.used["test-key"] == chars
    for path in sorted((config.locales / "nl").rglob("*.po")):
        text = path.read_text(encoding="utf-8")
        ids = [e.msgid for e in catalog.parse(text)]
        assert len(ids) == len(set(ids))
    assert all(entry_state(e) == State.MACHINE_DRAFT for _, e in all_entries(config))


def test_max_chars_and_remaining_quota_stop_before_sending(
    tmp_path: Path, make_engine: Make, deepl_server: FakeDeepL
) -> None:
    config = sample_workspace(tmp_path)
    _, chars = unique_billable(config)
    with pytest.raises(EngineError, match="--max-chars"):
        translate(config, engine=make_engine(), max_chars=chars - 1, clock=clock)
    deepl_server.quota["test-key"] = chars - 1
    with pytest.raises(EngineError, match=r"only \d+ are left"):
        translate(config, engine=make_engine(), clock=clock)
    assert deepl_server.translate_requests() == []
    assert all(entry_state(e) == State.UNTRANSLATED for _, e in all_entries(config))


class RefusingEngine(mt.FakeEngine):
    """Refuses any text containing 'NMN' (as DeepL's 400/413 isolation would report it)."""

    def translate(self, texts, *, source_lang, target_lang, context=None):  # type: ignore[no-untyped-def]
        results = super().translate(texts, source_lang=source_lang, target_lang=target_lang,
                                    context=context)
        return [mt.EngineResult(None, 0, "DeepL refused this text: 400") if "NMN" in t else r
                for t, r in zip(texts, results, strict=True)]


def test_refused_text_stays_untranslated_with_a_problem_and_is_retried(tmp_path: Path) -> None:
    config = sample_workspace(tmp_path)
    path = config.locales / "nl" / "alpha-ketoglutaric-acid-energy-metabolism.po"
    arts = [config.articles / "alpha-ketoglutaric-acid-energy-metabolism.md"]
    report = translate(config, arts, engine=RefusingEngine(), clock=clock)
    assert report.stopped is None and report.failures
    refused = [e for e in catalog.load(path) if "NMN" in e.msgid]
    assert refused
    for entry in refused:
        assert entry_state(entry) == State.UNTRANSLATED
        assert transflow_lines(entry.tcomment, "problem")
    engine = mt.FakeEngine()
    translate(config, arts, engine=engine, clock=clock)
    sent = {t for call in engine.calls for t in call[0]}
    assert len(sent) == len(refused)  # only the refused ones are sent again
    for entry in (e for e in catalog.load(path) if "NMN" in e.msgid):
        assert entry_state(entry) == State.MACHINE_DRAFT
        assert not transflow_lines(entry.tcomment, "problem")


def test_a_memory_match_with_other_markup_gets_a_problem_line() -> None:
    from transflow.workflow.translate import memory_problems

    assert memory_problems("See [the study](https://x.org).", "Zie [de studie](https://x.org).",
                           "markdown") == []
    problems = memory_problems("See the study.", "Zie <https://x.org>.", "markdown")
    assert problems == ["the markup of this memory match differs from the source's"]


def test_each_batch_is_sent_with_its_articles_title_and_neighbouring_paragraphs(
    tmp_path: Path,
) -> None:
    """The context is made when the batch is sent, from the article read again (a plan keeps
    no article): what the engine receives is each batch's title and neighbouring paragraphs."""
    from transflow.workflow.translate_plan import batch_context, plan
    from transflow.workflow.workspace import read_article

    config = sample_workspace(tmp_path)
    contexts = []
    for item in plan(config).catalogs:
        article = read_article(config, config.root / item.rel)
        for batch in item.batches:
            context = batch_context(article, batch.texts)
            assert context and len(context) <= 1500
            contexts.append(context)
    assert contexts
    engine = mt.FakeEngine()
    translate(config, engine=engine, clock=clock)
    assert [call[3] for call in engine.calls] == contexts
