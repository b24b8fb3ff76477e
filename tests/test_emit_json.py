"""``emit_json`` prints a document whose top-level lists are iterators item by item, with the
bytes ``json.dumps(indent=2, ensure_ascii=False)`` gives the whole document."""

from __future__ import annotations

import json

import click
import pytest
from click.testing import CliRunner

from transflow.cli import common

MANY = [{"article": f"articles/a{i}.md", "states": {"translated": i}, "tags": []}
        for i in range(1203)]

DOCUMENTS = [
    pytest.param({"version": 1, "articles": [{"a": "é ✓", "b": [1, {"c": []}], "d": {}},
                                             {"x": None, "y": 1.5, "z": True}],
                  "totals": {"t": [1, 2]}, "problems": []}, id="nested"),
    pytest.param({"version": 1, "articles": [], "totals": {}, "problems": [{"p": "a\nb"}]},
                 id="empty-list"),
    pytest.param({"articles": [1, "two", [3], "line\u2028sep"]}, id="only-the-list"),
    pytest.param({"version": 1, "articles": MANY, "totals": {"n": len(MANY)}},
                 id="more-than-a-batch"),
]


@pytest.mark.parametrize("document", DOCUMENTS)
@pytest.mark.parametrize("batch", [1, 2, common.JSON_BATCH])
def test_a_streamed_list_prints_the_bytes_of_the_whole_document(
    document: dict[str, object], batch: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(common, "JSON_BATCH", batch)
    writes: list[str] = []
    real_echo = click.echo

    def counted(message: object = None, **kwargs: object) -> None:
        writes.append(str(message))
        real_echo(message, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(click, "echo", counted)

    @click.command()
    def emit() -> None:
        common.emit_json({k: iter(v) if k == "articles" else v for k, v in document.items()})

    result = CliRunner().invoke(emit)
    assert result.exit_code == 0, result.output
    assert result.output == json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    items = document["articles"]
    assert isinstance(items, list)
    if len(items) > 2 * batch:
        assert len(writes) > 2  # printed in pieces, not as one string


def test_a_document_without_iterators_is_printed_as_before() -> None:
    @click.command()
    def emit() -> None:
        common.emit_json({"version": 1, "articles": [{"a": 1}]})

    assert CliRunner().invoke(emit).output == json.dumps(
        {"version": 1, "articles": [{"a": 1}]}, indent=2) + "\n"
