"""``transflow report``: static pages that open without a server and agree with ``status``."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import run
from tests.web_helpers import SEED, review_workspace

pytest.importorskip("jinja2")

BUCKETS = ("untranslated", "machine-draft", "needs-work", "translated", "changed-after-review",
           "reviewed")


class _Rows(HTMLParser):
    """The index rows' data attributes, and every local link and script of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[dict[str, str | None]] = []
        self.links: list[str] = []
        self.forms = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr" and "data-article" in a and "data-language" in a:
            self.rows.append(a)
        for name in ("href", "src"):
            value = a.get(name)
            if value and not value.startswith(("#", "http", "mailto:", "data:")):
                self.links.append(value)
        self.forms += tag == "form"


def _parse(path: Path) -> _Rows:
    parser = _Rows()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_report_shows_the_states_of_status_json_and_opens_from_disk(tmp_path: Path) -> None:
    root = review_workspace(tmp_path)
    result = run(root, "report", "--out", "out", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["articles"] == 5 and doc["pages"] == 6 and doc["problems"] == []
    status = json.loads(run(root, "status", "--json").stdout)
    index = _parse(root / "out" / "index.html")
    shown = {(r["data-article"], r["data-language"]): r for r in index.rows}
    assert len(shown) == len(status["articles"])
    for item in status["articles"]:
        row = shown[(item["article"], item["language"])]
        counts = {b: int(row[f"data-{b}"] or 0) for b in BUCKETS}
        expected = {k.replace("_", "-"): n for k, n in item["states"].items()}
        expected["translated"] -= item["changed_after_review"]
        expected["changed-after-review"] = item["changed_after_review"]
        assert counts == expected, item["article"]
    # Every page links only to files of the report (relative, no server needed), no forms.
    for page in (root / "out").rglob("*.html"):
        parsed = _parse(page)
        assert parsed.forms == 0, page
        for link in parsed.links:
            assert (page.parent / link.split("#")[0]).resolve().is_file(), (page, link)
    article = (root / "out" / "a" / "nl" / f"{SEED}.html").read_text(encoding="utf-8")
    assert 'data-state="needs_work"' in article and "not in the source: 2019" in article


def test_run_writes_the_report_even_when_a_step_fails(tmp_path: Path) -> None:
    root = review_workspace(tmp_path)
    result = run(root, "run", "--engine", "memory", "--report", "review", "--json")
    doc = json.loads(result.stdout)
    # check errors: the run goes on (building what passes) and exits 3 at the end
    assert result.exit_code == 3 and doc["steps"][2]["exit_code"] == 3
    assert doc["report"]["pages"] == 6
    assert (root / "review" / "index.html").is_file()
