"""The parse cache: sync stores each article's parse, build and check reuse it instead of
parsing; a row from other bytes, other settings, another version or a corrupt one is a miss;
``use_cache=False`` neither reads nor writes it; deleting it changes no output."""

from __future__ import annotations

import marshal
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from tests.helpers import ARTICLE, REPO_ROOT, make_workspace, snapshot
from tests.test_cache import SECOND, outputs, translate_all
from transflow.config import load_config
from transflow.formats import markdown, stored
from transflow.workflow import parallel, parse_cache
from transflow.workflow.build import BuildReport, build
from transflow.workflow.cache import CACHE_DIR, DB_NAME
from transflow.workflow.check_run import check
from transflow.workflow.sync import sync
from transflow.workflow.workspace import read_article

MORE = {f"more/a{i}.md": ARTICLE.replace("Magnesium", f"Magnesium {i}") for i in range(6)}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = make_workspace(tmp_path, {"sleep.md": ARTICLE, "zinc.md": SECOND, **MORE})
    sync(load_config(root))
    translate_all(root)
    return root


def rows(root: Path) -> dict[str, tuple[str, bytes]]:
    with sqlite3.connect(root / CACHE_DIR / DB_NAME) as db:
        return {slot: (key, value) for slot, key, value in
                db.execute("SELECT slot, key, value FROM results WHERE kind = 'parse'")}


def rewrite(root: Path, slot: str, change: Callable[[bytes], bytes | str]) -> None:
    """Change the stored parse of ``slot`` behind the cache's back (its key kept)."""
    with sqlite3.connect(root / CACHE_DIR / DB_NAME) as db:
        (value,) = db.execute("SELECT value FROM results WHERE kind = 'parse' AND slot = ?",
                              (slot,)).fetchone()
        db.execute("UPDATE results SET value = ? WHERE kind = 'parse' AND slot = ?",
                   (change(value), slot))


def poison(value: bytes) -> bytes:
    """A well-formed record whose segment text differs: only a reader of the row shows it."""
    data = marshal.loads(value)
    data["segments"][-1][0] = "Order POISON now."  # the article's last paragraph
    return marshal.dumps(data)


def changed(value: bytes, **fields: object) -> bytes:
    """The record with ``fields`` replaced."""
    return marshal.dumps({**marshal.loads(value), **fields})


def no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make parsing an article fail. markdown-it's block parser is what every Markdown parse
    runs (a link check reads a sentence with ``parseInline``, not it): patched there, not on
    ``formats.markdown.parse``, which compiled callers (see setup.py) call directly."""
    def refuse(*args: object, **kwargs: object) -> object:
        raise AssertionError("parsed although sync stored the parse")

    monkeypatch.setattr(MarkdownIt, "parse", refuse)


def test_the_guard_against_parsing_fires(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``no_parsing`` is no empty promise: a build that must parse trips it."""
    no_parsing(monkeypatch)
    with pytest.raises(AssertionError, match="parsed although"):
        build(load_config(root), use_cache=False)
    with pytest.raises(AssertionError, match="parsed although"):
        markdown.parse("# A title\n\nA paragraph.\n")


def poisoned(report: BuildReport) -> bool:
    """True when the build read the poisoned row: its segment is in no catalog."""
    (sleep,) = [a for a in report.articles if a.article == "articles/sleep.md"]
    return any("not in the catalog" in reason for reason in sleep.reasons)


def test_sync_stores_every_parse_and_build_and_check_parse_nothing(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert set(rows(root)) == {f"articles/{name}" for name in ["sleep.md", "zinc.md", *MORE]}
    config = load_config(root)
    no_parsing(monkeypatch)
    report = build(config)
    assert not report.problems and len(report.articles) == 8
    assert not check(config, use_cache=True).problems


#: Runs a command as ``transflow`` does, then says which of two modules it imported (from
#: an ``atexit`` function: the program ends with ``os._exit`` once those have run).
_IMPORTED = """
import atexit, runpy, sys
sys.argv = ["transflow", *sys.argv[1:]]
atexit.register(lambda: print("yaml" in sys.modules, "transflow.formats.markdown" in sys.modules))
runpy.run_module("transflow", run_name="__main__")
"""


def test_a_build_from_stored_parses_loads_neither_parser_nor_pyyaml(root: Path) -> None:
    """A build answered from stored parses does not import the Markdown parser module or
    PyYAML (a tenth of its start-up), while a command that parses does: the probe works.
    (PyYAML loads only for front matter beyond ``key: value`` lines: see
    ``test_front_matter_flat.py``.)"""
    assert "---" in ARTICLE.split("\n", 1)[0]  # the articles have YAML front matter

    def imported(*argv: str) -> str:
        done = subprocess.run([sys.executable, "-c", _IMPORTED, *argv], cwd=root,
                              capture_output=True, text=True, check=True)
        return done.stdout.strip().splitlines()[-1]

    assert imported("build") == "False False"
    assert imported("check") == "False False"
    shutil.rmtree(root / CACHE_DIR)
    assert imported("sync") == "False True"
    article = root / "articles" / "sleep.md"  # a comment: front matter PyYAML reads
    article.write_text(article.read_text().replace("lang: en", "lang: en  # c"))
    assert imported("sync") == "True True"


def test_a_stored_parse_is_what_build_uses_unless_the_cache_is_off(root: Path) -> None:
    rewrite(root, "articles/sleep.md", poison)
    config = load_config(root)
    assert not poisoned(build(config, use_cache=False))  # use_cache=False never reads it
    assert not check(config, use_cache=False).problems
    assert poisoned(build(config))  # proves the row is read
    article = root / "articles" / "sleep.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    # other bytes: the row's key no longer matches, the article is parsed
    assert not poisoned(build(config))


@pytest.mark.parametrize("change", [
    lambda v: b"not marshal {",
    lambda v: v[: len(v) // 2],  # cut short
    lambda v: '{"v": 1, "segments": []}',  # text, as an older cache stored a parse
    lambda v: changed(v, v=0),  # an older version
    lambda v: changed(v, segments=[["x", "y", "1", 0, 1]]),
    lambda v: changed(v, segments=(("x", "y", 1, 0, 1.5),)),
    lambda v: changed(v, extra={"k": ["pickle", "cos\nsystem"]}),
    lambda v: changed(v, extra={1: None}),
    lambda v: changed(v, metadata={("title",): "x"}),
    lambda v: marshal.dumps([1] * 5),
    lambda v: marshal.dumps(compile("import os", "<cache>", "exec")),  # code is not run
    lambda v: b"[\x01\x00\x00\x00" * 100_000 + b"N",  # deeper than marshal goes
])
def test_a_corrupt_row_is_a_miss_never_an_error(
    root: Path, change: Callable[[bytes], bytes | str]
) -> None:
    config = load_config(root)
    expected = outputs(root)
    rewrite(root, "articles/sleep.md", change)
    assert outputs(root) == expected
    assert read_article(config, root / "articles/sleep.md",
                        parses=parse_cache.ParseCache(config)).doc.segments


def test_other_settings_are_a_miss(root: Path) -> None:
    rewrite(root, "articles/sleep.md", poison)
    toml = root / "transflow.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        '"summary"]', '"summary", "subtitle"]'), encoding="utf-8")
    assert not poisoned(build(load_config(root)))


def test_another_parser_version_is_a_miss(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rewrite(root, "articles/sleep.md", poison)
    assert "markdown_it" in stored.parser_versions("markdown")
    monkeypatch.setattr(stored, "parser_versions", lambda name: "markdown_it 99")
    assert not poisoned(build(load_config(root)))


def test_no_cache_sync_stores_nothing(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, {"sleep.md": ARTICLE})
    sync(load_config(root), use_cache=False)
    assert not (root / CACHE_DIR / DB_NAME).exists() or not rows(root)


def test_parallel_sync_stores_through_the_parent_and_workers_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 2)
    root = make_workspace(tmp_path, {"sleep.md": ARTICLE, "zinc.md": SECOND, **MORE})
    config = load_config(root)
    sync(config, workers=2)
    stored = rows(root)
    assert len(stored) == 8
    translate_all(root)
    rewrite(root, "articles/sleep.md", poison)
    assert poisoned(build(config, workers=2))


def test_a_sequential_miss_is_stored_and_batches_stay_small(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse_cache, "BATCH", 3)
    shutil.rmtree(root / CACHE_DIR)
    config = load_config(root)
    check(config)  # misses: parsed and stored by check itself
    assert len(rows(root)) == 8
    fetched: list[int] = []
    real = parse_cache.ResultCache.stored

    def spy(self: parse_cache.ResultCache, kind: str, slots: list[str]) -> object:
        if kind == parse_cache.KIND:  # build's own result lookups go through it too
            fetched.append(len(slots))
        return real(self, kind, slots)

    monkeypatch.setattr(parse_cache.ResultCache, "stored", spy)
    no_parsing(monkeypatch)
    build(config)
    assert fetched and max(fetched) <= 3 and sum(fetched) == 8


def test_deleting_the_cache_after_a_parallel_sync_changes_no_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 2)
    root = make_workspace(tmp_path, {"sleep.md": ARTICLE, "zinc.md": SECOND, **MORE})
    sync(load_config(root), workers=2)
    translate_all(root)
    warm = outputs(root)
    files = snapshot(root)
    shutil.rmtree(root / CACHE_DIR)
    assert outputs(root) == warm
    assert snapshot(root) == files



def test_articles_read_out_of_plan_order_or_skipped_still_hit(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(parse_cache, "BATCH", 2)
    config = load_config(root)
    paths = sorted((root / "articles").rglob("*.md"))
    cache = parse_cache.ParseCache(config, readonly=True)
    cache.plan(paths)
    order = [paths[1], paths[4], paths[5], paths[0], paths[7], paths[2]]  # skips, then back
    docs = [read_article(config, p, parses=cache).doc for p in order]
    assert (cache.hits, cache.misses) == (len(order), 0)
    assert docs == [read_article(config, p).doc for p in order]


def test_every_format_goes_through_the_cache_unchanged(tmp_path: Path) -> None:
    html = (REPO_ROOT / "sample_articles" / "magnesium-l-threonaat-shop-export.html").read_text(
        encoding="utf-8")
    mdx = ('---\ntitle: Components\n---\n\nimport Note from "./note"\n\n# Heading\n\n'
           '<Note title="Careful">\n\nSome *text* inside.\n\n</Note>\n')
    text = "A title\n\nA paragraph of plain text\nover two lines.\n\n- one item\n"
    root = make_workspace(tmp_path, {"a.html": html, "b.mdx": mdx, "c.txt": text,
                                     "d.md": ARTICLE})
    sync(load_config(root))
    assert len(rows(root)) == 4
    translate_all(root)
    warm = outputs(root)
    shutil.rmtree(root / CACHE_DIR)
    assert outputs(root) == warm


def test_with_no_cache_file_at_the_start_nothing_is_looked_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A first sync asks the cache for nothing (in the parent and in each worker's copy):
    the parses it stores are its own, one per article, each stored after its reading."""
    import pickle

    root = make_workspace(tmp_path, {"sleep.md": ARTICLE, "zinc.md": SECOND, **MORE})
    config = load_config(root)
    asked: list[int] = []
    real = parse_cache.ResultCache.stored

    def spy(self: parse_cache.ResultCache, kind: str, slots: list[str]) -> object:
        asked.append(len(slots))
        return real(self, kind, slots)

    monkeypatch.setattr(parse_cache.ResultCache, "stored", spy)
    cache = parse_cache.ParseCache(config, hand_back=True)
    articles = sorted((root / "articles").rglob("*.md"))
    cache.plan(articles)
    copy = pickle.loads(pickle.dumps(cache))
    assert cache.nothing_stored and copy.nothing_stored
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 2)
    sync(config, workers=2)
    sync(config, workers=1)  # unchanged: skipped before any look-up
    assert asked == [] and len(rows(root)) == 8
    # Once the file is there, a stale row is looked up (and is a miss: parsed again).
    cache = parse_cache.ParseCache(config)
    cache.plan(articles)
    assert not cache.nothing_stored
    assert not pickle.loads(pickle.dumps(cache)).nothing_stored
    (root / "articles/sleep.md").write_text(ARTICLE + "\nMore.\n", encoding="utf-8")
    sync(config, workers=1)
    assert asked


def test_a_worker_keeps_its_reader_from_one_chunk_to_the_next(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker's copy (one per chunk) reads through the connection its previous chunk
    opened, and still finds a parse stored since; the parent's own cache is closed."""
    import pickle

    monkeypatch.setattr(parse_cache, "_kept", None)
    config = load_config(root)
    paths = sorted((root / "articles").rglob("*.md"))
    parent = parse_cache.ParseCache(config)
    opened: list[object] = []
    real = parse_cache.ResultCache.opened

    def spy(self: parse_cache.ResultCache) -> bool:
        opened.append(self)
        return real(self)

    monkeypatch.setattr(parse_cache.ResultCache, "opened", spy)
    docs = []
    for chunk in (paths[:3], paths[3:]):
        copy = pickle.loads(pickle.dumps(parent))
        copy.plan(chunk)
        docs += [read_article(config, p, parses=copy).doc for p in chunk]
        assert copy.hits == len(chunk)
        copy.save()
    assert len(opened) == 1  # opened by the first chunk only
    assert docs == [read_article(config, p).doc for p in paths]
    slot = "articles/sleep.md"
    rewrite(root, slot, poison)  # a change made meanwhile (another process) is seen
    copy = pickle.loads(pickle.dumps(parent))
    copy.plan(paths[:1])
    segments = read_article(config, root / slot, parses=copy).doc.segments
    assert segments[-1].text == "Order POISON now."
