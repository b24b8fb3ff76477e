"""Translation memory: exact and close matches, language pairs, thresholds."""

from __future__ import annotations

import difflib

import pytest

from transflow.mt.memory import TranslationMemory


def _tm() -> TranslationMemory:
    tm = TranslationMemory(threshold=0.85)
    tm.add("Order before noon, shipped today.", "Voor 12 uur besteld, vandaag verzonden.",
           source_lang="en", target_lang="nl", origin="locales/nl/a.po")
    tm.add("Magnesium supports the nervous system.", "Magnesium ondersteunt het zenuwstelsel.",
           source_lang="en", target_lang="nl", origin="locales/nl/b.po")
    return tm


def test_exact_match_scores_one_and_names_origin() -> None:
    match = _tm().lookup("Order before noon, shipped today.", source_lang="EN", target_lang="nl")
    assert match is not None and match.exact
    assert match.translation == "Voor 12 uur besteld, vandaag verzonden."
    assert match.origin == "locales/nl/a.po"


def test_close_match_above_threshold_only() -> None:
    tm = _tm()
    close = tm.lookup("Magnesium supports the nervous system!", source_lang="en", target_lang="nl")
    assert close is not None and 0.85 <= close.score < 1.0
    assert close.origin == "locales/nl/b.po"
    assert tm.lookup("Zinc supports the immune system.", source_lang="en", target_lang="nl") is None


def test_language_pair_is_part_of_the_key() -> None:
    tm = _tm()
    match = tm.lookup("Order before noon, shipped today.", source_lang="nl", target_lang="en")
    assert match is None


def test_first_translation_wins_and_empty_is_ignored() -> None:
    tm = _tm()
    tm.add("Order before noon, shipped today.", "Anders", source_lang="en", target_lang="nl",
           origin="c.po")
    tm.add("Empty", "", source_lang="en", target_lang="nl", origin="c.po")
    assert len(tm) == 2
    match = tm.lookup("Order before noon, shipped today.", source_lang="en", target_lang="nl")
    assert match is not None and match.translation.startswith("Voor")


def test_a_lookup_costs_at_most_max_candidates_ratios(monkeypatch: pytest.MonkeyPatch) -> None:
    """Counted, not timed: however large the memory, a close lookup computes at most
    ``max_candidates`` quadratic ratios (the wall clock lives in benchmarks/)."""
    tm = TranslationMemory(max_candidates=40)
    for i in range(2000):
        tm.add(f"Sentence number {i} about product {i % 97} and shipping {i % 13}.",
               f"Zin {i}", source_lang="en", target_lang="nl", origin="x.po")
    calls = 0
    real_ratio = difflib.SequenceMatcher.ratio

    def counting(self: difflib.SequenceMatcher[str]) -> float:
        nonlocal calls
        calls += 1
        return real_ratio(self)

    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", counting)
    found = 0
    for i in range(100):
        match = tm.lookup(f"Sentence number {i} about product {i % 97} and shipping!",
                          source_lang="en", target_lang="nl")
        found += match is not None and match.translation == f"Zin {i}"
    assert 0 < calls <= 100 * tm.max_candidates
    assert found == 100
