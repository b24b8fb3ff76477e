"""``lookup_many`` (one pass over the units, only the queries' candidates kept) answers what
``TranslationMemory.lookup`` answers once every unit was added: compared on random memories
built to hit every rule (shared words, the length window, ties, repeated sources, blank
units, texts without words, language case, few candidates)."""

from __future__ import annotations

import difflib
import random
from collections.abc import Iterator

import pytest

from transflow.mt.memory import MemoryMatch, Query, TranslationMemory, Unit, _best, lookup_many

WORDS = ["the", "brain", "magnesium", "sleep", "dose", "study", "of", "in", "and", "mg",
         "rats", "memory", "Brain", "THE", "200", "threonate"]
SYMBOLS = ["—", "…", "*", "(", ")", "·"]


def _text(rng: random.Random) -> str:
    if rng.random() < 0.08:
        return "".join(rng.choices(SYMBOLS, k=rng.randint(1, 4)))  # no words at all
    if rng.random() < 0.04:
        return rng.choice(["", "   "])
    return " ".join(rng.choices(WORDS, k=rng.randint(1, 9)))


def _case(rng: random.Random) -> tuple[list[Unit], list[Query]]:
    pairs = [("en", "nl"), ("EN", "nl"), ("nl", "en")]
    sources = [_text(rng) for _ in range(rng.randint(1, 60))]
    units: list[Unit] = []
    for n in range(rng.randint(0, 300)):
        src, tgt = rng.choice(pairs)
        source = rng.choice(sources)  # repeated sources, some with another translation
        translation = rng.choice(["", " "]) if rng.random() < 0.05 else f"t{n} {source}"
        units.append((src, tgt, source, translation, f"locales/{tgt}/a{n % 7}.po"))
    queries: list[Query] = []
    for _ in range(rng.randint(1, 40)):
        src, tgt = rng.choice([*pairs, ("de", "nl")])
        text = rng.choice(sources) if rng.random() < 0.3 else _text(rng)
        queries.append((src, tgt, text))
    return units, queries


@pytest.mark.parametrize("seed", range(300))
def test_lookup_many_answers_what_the_memory_answers(seed: int) -> None:
    rng = random.Random(seed)
    units, queries = _case(rng)
    threshold = rng.choice([0.3, 0.5, 0.85, 1.0])
    candidates = rng.choice([1, 2, 3, 40])
    memory = TranslationMemory(threshold, max_candidates=candidates)
    for src, tgt, source, translation, origin in units:
        memory.add(source, translation, source_lang=src, target_lang=tgt, origin=origin)
    answers = lookup_many(queries, iter(units), threshold=threshold, max_candidates=candidates)
    assert set(answers) == set(queries)
    for src, tgt, text in queries:
        assert answers[(src, tgt, text)] == memory.lookup(text, source_lang=src,
                                                          target_lang=tgt), (src, tgt, text)


def test_the_units_are_read_once_and_not_kept() -> None:
    """A generator of units is enough: nothing goes back over them."""
    def units() -> Iterator[Unit]:
        return (("en", "nl", f"the brain {n}", f"het brein {n}", "x.po") for n in range(5000))

    memory = TranslationMemory(0.85)
    for src, tgt, source, translation, origin in units():
        memory.add(source, translation, source_lang=src, target_lang=tgt, origin=origin)
    queries = [("en", "nl", "the brain 4999"), ("en", "nl", "the brain 12x")]
    answers = lookup_many(queries, units(), threshold=0.85)
    exact = answers[queries[0]]
    assert exact is not None and exact.exact and exact.translation == "het brein 4999"
    close = answers[queries[1]]
    assert close is not None and not close.exact
    assert close == memory.lookup("the brain 12x", source_lang="en", target_lang="nl")


def test_a_bad_threshold_is_refused() -> None:
    with pytest.raises(ValueError):
        lookup_many([], [], threshold=0.0)


@pytest.mark.parametrize("seed", range(200))
def test_the_best_candidate_is_the_one_every_ratio_would_pick(seed: int) -> None:
    """Ratios skipped by their upper bound never change the answer: the reference computes
    difflib's ratio for every candidate and keeps the earliest of the best."""
    rng = random.Random(seed)
    text = _text(rng)
    candidates = [(_text(rng), f"t{n}", f"o{n}") for n in range(rng.randint(0, 30))]
    limit = rng.choice([0.2, 0.5, 0.85, 1.0])
    expected: MemoryMatch | None = None
    for source, translation, origin in candidates:
        score = difflib.SequenceMatcher(None, source, text, autojunk=False).ratio()
        if score >= limit and (expected is None or score > expected.score):
            expected = MemoryMatch(source, translation, score, origin)
    matcher = difflib.SequenceMatcher(autojunk=False)
    assert _best(matcher, text, candidates, limit) == expected
