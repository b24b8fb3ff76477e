"""The manifest's own JSON writer (``build._dumps``) writes what ``json.dumps(indent=2)``
writes, byte for byte, for every shape a manifest entry can take (and more)."""

from __future__ import annotations

import json
import random

from transflow.workflow.build import _dumps


def value(rng: random.Random, depth: int = 0) -> object:
    roll = rng.random()
    if depth > 3 or roll < 0.4:
        return rng.choice(["", 'a"b\\c\n\t\u2028é💥\x00\x1f\x7f', "plain", 0, -5, 2**70, True,
                           False, None, "articles/a.md", "nl: 3 segment(s) not translated"])
    if roll < 0.7:
        keys = ["article", "é", 'a"', "x\ny", "", "files", "\x01"]
        return {rng.choice(keys) + str(i): value(rng, depth + 1)
                for i in range(rng.randint(0, 4))}
    return [value(rng, depth + 1) for _ in range(rng.randint(0, 4))]


def test_as_json_dumps_writes_it() -> None:
    rng = random.Random(7)
    for _ in range(5000):
        item = value(rng)
        assert _dumps(item) == json.dumps(item, indent=2, ensure_ascii=False)


def test_what_it_does_not_know_goes_to_json() -> None:
    for item in ({"ratio": 1.5}, [float("inf")], {1: "int key"}, (1, "a")):
        assert _dumps(item) == json.dumps(item, indent=2, ensure_ascii=False)
