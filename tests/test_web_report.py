"""``transflow report``: static pages that open without a server and agree with ``status``."""

from __future__ import annotations

import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.helpers import run
from tests.web_helpers import SEED, SEED_PO, review_workspace

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


def _pages(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every article page of a report: its bytes and inode (a page written again gets a new
    inode: files are replaced, never rewritten in place)."""
    return {p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_ino)
            for p in sorted((folder / "a").rglob("*.html"))}


def test_report_renders_only_the_pages_whose_inputs_changed(tmp_path: Path) -> None:
    root = review_workspace(tmp_path)
    first = json.loads(run(root, "report", "--out", "out", "--json").stdout)
    assert first["pages"] == 6 and first["unchanged"] == 0
    before = _pages(root / "out")
    again = json.loads(run(root, "report", "--out", "out", "--json").stdout)
    assert again["pages"] == 6 and again["unchanged"] == 5  # every article page; not the index
    assert _pages(root / "out") == before  # same bytes, same files: nothing written again

    # A translator's save in one catalog: that article's page only.
    po = root / SEED_PO
    po.write_text(po.read_text(encoding="utf-8").replace("Aangepast.", "Aangepast!"),
                  encoding="utf-8")
    third = json.loads(run(root, "report", "--out", "out", "--json").stdout)
    assert third["unchanged"] == 4
    after = _pages(root / "out")
    changed = {name for name in after if after[name] != before[name]}
    assert changed == {f"a/nl/{SEED}.html"}
    assert "Aangepast!" in after[f"a/nl/{SEED}.html"][0].decode()

    # A page edited or removed by hand is written again; the cache never answers for it.
    page = root / "out" / "a" / "nl" / f"{SEED}.html"
    page.write_text("edited", encoding="utf-8")
    (root / "out" / "a" / "en" / "betaine-lichaamsvet.html").unlink()
    fourth = json.loads(run(root, "report", "--out", "out", "--json").stdout)
    assert fourth["unchanged"] == 3
    assert {n: b for n, (b, _) in _pages(root / "out").items()} == \
        {n: b for n, (b, _) in after.items()}


def test_report_is_the_same_with_or_without_the_cache_and_workers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from transflow.config import load_config
    from transflow.web.report import write_report
    from transflow.workflow import parallel

    root = review_workspace(tmp_path)
    config = load_config(root)
    plain = write_report(config, root / "plain", workers=1, use_cache=False)
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 1)  # six pages: on two worker processes
    pooled = write_report(config, root / "pooled", workers=2)
    assert (plain.pages, plain.articles, plain.problems) == (6, 5, [])
    assert (pooled.pages, pooled.articles, pooled.problems, pooled.unchanged) == (6, 5, [], 0)
    files = sorted(p.relative_to(root / "plain") for p in (root / "plain").rglob("*")
                   if p.is_file())
    assert files == sorted(p.relative_to(root / "pooled") for p in (root / "pooled").rglob("*")
                           if p.is_file())
    for name in files:
        assert (root / "plain" / name).read_bytes() == (root / "pooled" / name).read_bytes()
    # After a translator's save: the pooled report from the cache (one page rendered again,
    # the others kept) is still what a report without the cache writes.
    po = root / SEED_PO
    po.write_text(po.read_text(encoding="utf-8").replace("Aangepast.", "Aangepast!"),
                  encoding="utf-8")
    again = write_report(config, root / "pooled", workers=2)
    assert (again.pages, again.unchanged) == (6, 4)
    fresh = write_report(config, root / "fresh", workers=1, use_cache=False)
    assert fresh.unchanged == 0
    for name in files:
        assert (root / "fresh" / name).read_bytes() == (root / "pooled" / name).read_bytes()


def test_report_removes_the_pages_of_articles_the_workspace_no_longer_has(
        tmp_path: Path) -> None:
    root = review_workspace(tmp_path)
    run(root, "report", "--out", "out")
    gone = root / "out" / "a" / "en" / "betaine-lichaamsvet.html"
    assert gone.is_file()
    (root / "sample_articles" / "betaine-lichaamsvet.md").unlink()
    doc = json.loads(run(root, "report", "--out", "out", "--json").stdout)
    assert doc["removed"] == 1 and doc["articles"] == 4 and doc["problems"] == []
    assert not gone.exists()
    assert (root / "out" / "a" / "nl" / f"{SEED}.html").is_file()
    index = _parse(root / "out" / "index.html")
    assert all(link != "a/en/betaine-lichaamsvet.html" for link in index.links)


def test_what_build_would_do_is_kept_for_a_workspace_nobody_built(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The index shows what a build would do with each article: taken from the results
    cache when the article's inputs are unchanged (no dry-run build at every start), and
    computed again for the one whose catalog changed."""
    from transflow.config import load_config
    from transflow.web.model import Workspace
    from transflow.workflow import build as build_module

    root = review_workspace(tmp_path)
    config = load_config(root)
    first = [(r.article, r.built, r.reasons) for r in Workspace(config).rows()]
    assert not (root / "dist").exists()  # nobody built: every answer is a dry run's
    dry: list[list[str]] = []
    real = build_module.build

    def counting(config: object, paths: list[Path], **kwargs: object) -> object:
        dry.append(sorted(p.name for p in paths))
        return real(config, paths, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(build_module, "build", counting)
    assert [(r.article, r.built, r.reasons) for r in Workspace(config).rows()] == first
    assert dry == []
    po = root / SEED_PO
    po.write_text(po.read_text(encoding="utf-8").replace("Aangepast.", "Aangepast!"),
                  encoding="utf-8")
    again = [(r.article, r.built, r.reasons) for r in Workspace(config).rows()]
    assert dry == [[f"{SEED}.md"]]
    assert again == first  # (that edit changes neither state nor publishing)
    monkeypatch.setattr(build_module, "build", real)
    shutil.rmtree(root / ".transflow-cache")
    assert [(r.article, r.built, r.reasons) for r in Workspace(config).rows()] == again
