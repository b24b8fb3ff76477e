"""DeepLEngine against the fake server: drafts, batching, retries, quota, splitting, glossary."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path

import deepl
import pytest

from deepl_server import FakeDeepL
from transflow.errors import AuthorizationError, ConfigError, EngineError, QuotaExceededError
from transflow.mt import draft_batch, plan, protect
from transflow.mt.deepl_engine import DeepLEngine, glossary_name, read_glossary
from transflow.mt.engine import QuotaExceededDuringBatch, plan_batches
from transflow.mt.placeholders import structure

pytest_plugins = ["deepl_fixtures"]

Make = Callable[..., DeepLEngine]

SEGMENTS = [
    "Magnesium L-threonate crosses the **blood-brain barrier**.¹",
    "See [the study](https://example.org/study \"PubMed\") for details.[^2]",
    "Take `2 × 144 mg` per day, *with* food.",
    "Plain sentence without markup.",
]


def test_client_retries_are_disabled(make_engine: Make) -> None:
    make_engine()
    assert deepl.http_client.max_network_retries == 0


def test_drafts_keep_markup_and_request_options(
    make_engine: Make, deepl_server: FakeDeepL
) -> None:
    engine = make_engine(formality="prefer_less")
    drafts = draft_batch(engine, SEGMENTS, source_lang="en", target_lang="nl", context="Title")
    assert all(d.ok for d in drafts), [d.problems for d in drafts]
    assert drafts[1].text == 'sEE [THE STUDY](https://example.org/study "PubMed") FOR DETAILS.[^2]'
    body = deepl_server.translate_requests()[0].body
    assert body["tag_handling"] == "xml" and body["tag_handling_version"] == "v2"
    assert body["context"] == "Title" and body["formality"] == "prefer_less"
    assert body["source_lang"] == "EN" and body["target_lang"] == "NL"
    assert "example.org" not in str(body["text"])
    billed = sum(d.billed_characters for d in drafts)
    assert billed == sum(protect(s).billable_characters for s in SEGMENTS)
    assert deepl_server.used["test-key"] == billed


def test_english_target_gets_regional_variant_and_no_formality(
    make_engine: Make, deepl_server: FakeDeepL
) -> None:
    engine = make_engine(formality="more")
    engine.translate(["Hallo"], source_lang="nl", target_lang="en")
    body = deepl_server.translate_requests()[0].body
    assert body["target_lang"] == "EN-GB" and "formality" not in body


def test_batches_respect_count_and_size(make_engine: Make, deepl_server: FakeDeepL) -> None:
    texts = [f"Paragraph number {i} " + "word " * 400 for i in range(130)]
    results = make_engine().translate(texts, source_lang="en", target_lang="nl")
    assert len(results) == 130 and all(r.ok for r in results)
    requests = deepl_server.translate_requests()
    assert all(len(r.body["text"]) <= 50 for r in requests)
    sizes = [b.size_bytes for b in plan_batches(texts)]
    assert max(sizes) < 120 * 1024
    assert len(requests) == len(sizes) >= math.ceil(130 / 50)


def test_duplicates_sent_once_and_markup_only_not_sent(
    make_engine: Make, deepl_server: FakeDeepL
) -> None:
    sources = ["Same text.", "Same text.", "¹ `code` 42"]
    drafts = draft_batch(make_engine(), sources, source_lang="en", target_lang="nl")
    assert deepl_server.translate_requests()[0].body["text"] == ["Same text."]
    assert [d.sent for d in drafts] == [True, False, False]
    assert drafts[2].text == sources[2]
    assert [b.indices for b in plan(sources)] == [(0,)]


def test_three_429_then_success(make_engine: Make, deepl_server: FakeDeepL) -> None:
    deepl_server.faults = [429, 429, 429]
    engine = make_engine()
    results = engine.translate(["Hello"], source_lang="en", target_lang="nl")
    assert results[0].text == "hELLO"
    assert engine.sleeps == [1.0, 2.0, 4.0]  # type: ignore[attr-defined]
    assert len(deepl_server.translate_requests()) == 4


def test_5xx_retried_then_gives_up(make_engine: Make, deepl_server: FakeDeepL) -> None:
    deepl_server.faults = [502, 500]
    assert make_engine().translate(["a b"], source_lang="en", target_lang="nl")[0].ok
    deepl_server.faults = [503] * 10
    with pytest.raises(EngineError, match="still failing"):
        make_engine(max_retries=2).translate(["a"], source_lang="en", target_lang="nl")


def test_hang_is_retried_without_duplicates(make_engine: Make, deepl_server: FakeDeepL) -> None:
    deepl_server.faults = ["hang"]
    # A timeout well above a loaded machine's slowest answer: a normal request that timed
    # out would be retried too and change the counts below.
    deepl_server.hang_seconds = 3.5
    results = make_engine(timeout=1.5).translate(
        ["One", "Two"], source_lang="en", target_lang="nl"
    )
    assert [r.text for r in results] == ["oNE", "tWO"]
    assert len(deepl_server.translate_requests()) == 2  # the hung one and the retry
    assert deepl_server.used["test-key"] == 6  # the hung request was not billed


def test_quota_keeps_finished_work(make_engine: Make, deepl_server: FakeDeepL) -> None:
    texts = [f"Text {i} " + "x" * 100 for i in range(6)]
    deepl_server.quota["test-key"] = 2 * 107 + 50
    engine = make_engine(max_texts=2)
    with pytest.raises(QuotaExceededError) as err:
        engine.translate(texts, source_lang="en", target_lang="nl")
    assert isinstance(err.value, QuotaExceededDuringBatch)
    assert [r.text for r in err.value.completed] == [t.swapcase() for t in texts[:2]]
    assert len(deepl_server.translate_requests()) == 2  # 456 is not retried
    deepl_server.quota["test-key"] = 10_000
    rest = engine.translate(texts[2:], source_lang="en", target_lang="nl")
    assert deepl_server.used["test-key"] == sum(len(t) for t in texts)
    assert len(rest) == 4


def test_quota_in_draft_batch_exposes_drafts(make_engine: Make, deepl_server: FakeDeepL) -> None:
    deepl_server.quota["test-key"] = 0
    with pytest.raises(QuotaExceededDuringBatch) as err:
        draft_batch(make_engine(), ["Hello there."], source_lang="en", target_lang="nl")
    assert err.value.drafts == []


def test_bad_text_is_isolated_by_splitting(make_engine: Make, deepl_server: FakeDeepL) -> None:
    texts = [f"Good {i}" for i in range(7)]
    texts[4] = "bad\x00text"
    results = make_engine().translate(texts, source_lang="en", target_lang="nl")
    assert [r.ok for r in results] == [i != 4 for i in range(7)]
    assert results[4].error is not None and "400" in results[4].error
    assert results[6].text == "gOOD 6"


def test_oversized_text_is_refused_alone(make_engine: Make, deepl_server: FakeDeepL) -> None:
    texts = ["small one", "y" * 140_000, "small two"]
    results = make_engine().translate(texts, source_lang="en", target_lang="nl")
    assert [r.ok for r in results] == [True, False, True]
    assert "413" in (results[1].error or "")


def test_403_is_a_clear_authorization_error(make_engine: Make, deepl_server: FakeDeepL) -> None:
    deepl_server.faults = [403]
    with pytest.raises(AuthorizationError) as err:
        make_engine().translate(["x"], source_lang="en", target_lang="nl")
    assert "DEEPL_AUTH_KEY" in (err.value.hint or "")


def test_usage(make_engine: Make, deepl_server: FakeDeepL) -> None:
    deepl_server.quota["test-key"] = 1000
    engine = make_engine()
    engine.translate(["abc"], source_lang="en", target_lang="nl")
    usage = engine.usage()
    assert usage is not None and usage.remaining == 997


def test_placeholder_damage_is_reported(make_engine: Make, deepl_server: FakeDeepL) -> None:
    for mode, word in (("drop", "missing"), ("move", "moved")):
        deepl_server.placeholder_mode = mode
        (draft,) = draft_batch(
            make_engine(), ["Magnesium helps you sleep.¹"], source_lang="en", target_lang="nl"
        )
        assert draft.text is not None and "¹" in draft.text
        assert any(word in p for p in draft.problems), draft.problems


def test_glossary_reused_by_hash_and_stale_one_updated(
    make_engine: Make, deepl_server: FakeDeepL, tmp_path: Path
) -> None:
    path = tmp_path / "glossary.csv"
    path.write_text("en,nl\nshop,winkel\n", encoding="utf-8")
    glossary = read_glossary(path)
    assert glossary[("NL", "EN")] == {"winkel": "shop"}
    engine = make_engine(glossary=glossary)
    (result,) = engine.translate(["the shop"], source_lang="en", target_lang="nl")
    assert result.text == "THE winkel"
    assert [g.name for g in deepl_server.glossaries.values()] == [glossary_name(glossary)]
    make_engine(glossary=glossary).translate(["shop"], source_lang="en", target_lang="nl")
    assert len(deepl_server.glossaries) == 1
    posts = [r for r in deepl_server.requests if r.path == "/v3/glossaries" and r.method == "POST"]
    assert len(posts) == 1  # found by name the second time
    path.write_text("en,nl\nshop,webwinkel\n", encoding="utf-8")
    changed = read_glossary(path)
    (result,) = make_engine(glossary=changed).translate(
        ["the shop"], source_lang="en", target_lang="nl"
    )
    assert result.text == "THE webwinkel"
    assert [g.name for g in deepl_server.glossaries.values()] == [glossary_name(changed)]


@pytest.mark.corpus
def test_corpus_round_trip_through_fake_server(
    make_engine: Make, deepl_server: FakeDeepL, corpus: Path
) -> None:
    """Every segment of every corpus article drafts with exactly the source's markup, and
    the drafted article re-renders; the percentage is the issue's headline figure."""
    from transflow.formats.markdown import FORMAT

    engine = make_engine()
    total = kept = 0
    for path in sorted((corpus / "articles").glob("*/*.md")):
        doc = FORMAT.parse(path.read_text(encoding="utf-8"), front_matter_fields=("title",))
        sources = [seg.text for seg in doc.segments]
        drafted: dict[str, str] = {}
        for batch in plan(sources, context=path.stem):
            chunk = [sources[i] for i in batch.indices]
            for draft in draft_batch(
                engine, chunk, source_lang="en", target_lang="nl", context=path.stem
            ):
                total += 1
                kept += draft.ok and structure(draft.text or "") == structure(draft.source)
                drafted[draft.source] = draft.text or draft.source
        rendered = FORMAT.render(doc, lambda seg, d=drafted: d.get(seg.text))
        assert rendered != doc.source or not drafted
    assert total > 800
    assert kept == total, f"{kept}/{total} segments kept their markup"
    assert len(deepl_server.translate_requests()) >= 20


@pytest.mark.skipif(not os.environ.get("DEEPL_AUTH_KEY"), reason="DEEPL_AUTH_KEY not set")
def test_live_smoke() -> None:
    """Against the real service, only when a key is given: one short text, markup intact."""
    engine = DeepLEngine(
        os.environ["DEEPL_AUTH_KEY"], server_url=os.environ.get("DEEPL_SERVER_URL") or None
    )
    (draft,) = draft_batch(
        engine, ["Magnesium helps **many** people sleep.¹"], source_lang="en", target_lang="nl"
    )
    assert draft.text is not None and "**" in draft.text and "¹" in draft.text


# ----------------------------------------------------------------- servers like deepl-mock
LONG_PLAIN = "Magnesium is involved in hundreds of enzymatic reactions in the human body."


def test_unknown_model_type_is_a_config_error(make_engine: Make) -> None:
    with pytest.raises(ConfigError, match="model_type"):
        make_engine(model_type="fast")


def test_refused_option_stops_at_once_instead_of_splitting(
    make_engine: Make, deepl_server: FakeDeepL
) -> None:
    engine = make_engine()
    engine.model_type = "fast"  # slipped past validation: the server names the option
    with pytest.raises(EngineError, match="request options") as info:
        engine.translate([f"Text {i}." for i in range(8)], source_lang="en", target_lang="nl")
    assert not isinstance(info.value, QuotaExceededError)
    assert len(deepl_server.translate_requests()) == 1


def test_fixed_phrase_without_markup_is_a_problem_draft(
    make_engine: Make, deepl_server: FakeDeepL
) -> None:
    """deepl-mock answers every text with one phrase and drops the markup: no draft of a
    long or marked-up source may look sound."""
    deepl_server.mock_mode = True
    sources = [*SEGMENTS[:3], LONG_PLAIN]
    drafts = draft_batch(make_engine(), sources, source_lang="en", target_lang="nl")
    assert all((d.text or "").startswith("protonenbundel") for d in drafts)
    assert all(d.problems for d in drafts), [d.problems for d in drafts]
    assert any("much shorter" in p for p in drafts[3].problems)
    assert sum(d.billed_characters for d in drafts) == deepl_server.used["test-key"]


def test_missing_billed_characters_and_translations_are_tolerated(
    make_engine: Make, deepl_server: FakeDeepL
) -> None:
    deepl_server.omit_fields = {"billed_characters"}
    deepl_server.short_response = 1
    results = make_engine().translate(
        ["First text.", "Second <x id=\"1\"/>text."], source_lang="en", target_lang="nl"
    )
    assert results[0].text == "fIRST TEXT." and results[0].billed_characters == 11
    assert results[1].text is None and results[1].error is not None


def _glossary(tmp_path: Path) -> dict[tuple[str, str], dict[str, str]]:
    path = tmp_path / "glossary.csv"
    path.write_text("en,nl\nshop,winkel\n", encoding="utf-8")
    return read_glossary(path)


def test_server_without_v3_glossaries_gets_v2_ones(
    make_engine: Make, deepl_server: FakeDeepL, tmp_path: Path
) -> None:
    deepl_server.v3_glossaries = False
    glossary = _glossary(tmp_path)
    engine = make_engine(glossary=glossary)
    (result,) = engine.translate(["the shop"], source_lang="en", target_lang="nl")
    (back,) = engine.translate(["de winkel"], source_lang="nl", target_lang="en")
    assert (result.text, back.text) == ("THE winkel", "DE shop")
    assert engine.warnings == []
    names = sorted(g.name for g in deepl_server.glossaries.values())
    assert names == [glossary_name(glossary) + "-en-nl", glossary_name(glossary) + "-nl-en"]
    make_engine(glossary=glossary).translate(["shop"], source_lang="en", target_lang="nl")
    posts = [r for r in deepl_server.requests if r.path == "/v2/glossaries" and r.method == "POST"]
    assert len(posts) == 2  # found by name the second time


def test_server_without_glossaries_drafts_without_one_and_warns(
    make_engine: Make, deepl_server: FakeDeepL, tmp_path: Path
) -> None:
    deepl_server.v3_glossaries = deepl_server.v2_glossaries = False
    engine = make_engine(glossary=_glossary(tmp_path))
    results = engine.translate(["the shop", "a shop"], source_lang="en", target_lang="nl")
    assert [r.text for r in results] == ["THE SHOP", "A SHOP"]
    assert len(engine.warnings) == 1 and "glossary not used" in engine.warnings[0]
    engine.translate(["shop"], source_lang="en", target_lang="nl")
    glossary_calls = [r for r in deepl_server.requests if "glossaries" in r.path]
    assert len(glossary_calls) == 2  # tried once per run (v3 list, v2 list), not per batch
    assert all("glossary_id" not in r.body for r in deepl_server.translate_requests())
