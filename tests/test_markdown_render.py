"""Rendering a Markdown document whose stored spans are missing, whole or in part, gives
the same page as with them: the spans are found again by parsing the source."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from tests.helpers import ARTICLE
from transflow.formats import markdown, markdown_render
from transflow.formats.base import Document, Segment

SOURCE = ARTICLE + "\n| a | b |\n|---|---|\n| cell one | <abbr title=\"x\">two</abbr> |\n"


def translated(segment: Segment) -> str:
    return segment.text.upper() + " (nl)"


def only_first(segment: Segment) -> str | None:
    return translated(segment) if segment.line <= 2 else None


@pytest.mark.parametrize("translate", [translated, only_first])
@pytest.mark.parametrize("drop", ["all", "first", "last", "none"])
def test_a_render_without_some_spans_gives_the_same_page(
    translate: Callable[[Segment], str | None], drop: str
) -> None:
    doc = markdown.parse(SOURCE, front_matter_fields=["title"])
    expected = markdown_render.render(doc, translate)
    stored = doc.extra[markdown_render.EXTRA_KEY]
    assert isinstance(stored, dict)
    spans = dict(stored)
    first, last = doc.segments[0], doc.segments[-1]
    if drop == "all":
        extra = {k: v for k, v in doc.extra.items() if k != markdown_render.EXTRA_KEY}
    else:
        for seg in {"first": [first], "last": [last], "none": []}[drop]:
            del spans[(seg.start, seg.end)]
        extra = {**doc.extra, markdown_render.EXTRA_KEY: spans}
    partial = dataclasses.replace(doc, extra=extra)
    assert isinstance(partial, Document)
    assert markdown_render.render(partial, translate) == expected
    assert expected != SOURCE
