"""The checks run from one explicit ordered list (``checks.suite.CHECKS``), not import order."""

from __future__ import annotations

import importlib

from transflow.checks import CHECKS, Check, CheckContext, check_names, run_checks

THEMES = ("numbers", "links", "tags", "wording")


def test_every_defined_check_is_listed_once() -> None:
    defined = {
        value.name
        for theme in THEMES
        for value in vars(importlib.import_module(f"transflow.checks.{theme}")).values()
        if isinstance(value, Check)
    }
    assert sorted(defined) == sorted(check_names())
    assert len(check_names()) == len(set(check_names()))


def test_the_order_is_the_list_order() -> None:
    assert check_names() == [
        "numbers", "urls", "footnotes", "links", "link-targets", "code", "images", "emphasis",
        "unsafe-markup", "html-tags", "glossary", "target-language", "identical", "length",
        "whitespace",
        "punctuation",
    ]
    ctx = CheckContext("en", "nl")
    found = run_checks("Take 5 mg, see https://a.example/x.", "Neem 6 mg, zie https://b.example/x",
                       ctx)
    ranks = [check_names().index(f.check) for f in found]
    assert ranks == sorted(ranks) and {f.check for f in found} >= {"numbers", "urls"}
    # a check is callable on its own, as before
    assert {f.check for f in CHECKS[0]("5 mg", "6 mg", ctx)} == {"numbers"}
