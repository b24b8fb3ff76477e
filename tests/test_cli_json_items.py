"""cli.common.emit_json_items: a document written item by item is emit_json's text."""

from __future__ import annotations

import pytest

from transflow.cli.common import emit_json, emit_json_items


def _items(count: int) -> list[object]:
    return [{"article": f"a{n}.md", "merge": {"nl": {"new": n}},
             "warnings": ["é \"q\"\n"] * (n % 3), "written": [], "none": None}
            for n in range(count)]


@pytest.mark.parametrize("count", [0, 1, 2, 255, 256, 257, 600])
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_items_written_one_by_one_give_the_same_text(
    count: int, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = {"first": ["items", "b", "c"], "middle": ["b", "items", "c"],
            "last": ["b", "c", "items"]}[where]
    values: dict[str, object] = {"b": [1, {"x": []}], "c": "\u0000 text"}
    document = {k: values.get(k, []) for k in keys}
    emit_json({**document, "items": _items(count)})
    expected = capsys.readouterr().out
    emit_json_items(document, "items", iter(_items(count)))
    assert capsys.readouterr().out == expected
