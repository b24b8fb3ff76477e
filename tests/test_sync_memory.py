"""sync's memory follows a chunk of articles, not the workspace: what it keeps per article."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from tests.helpers import make_workspace
from transflow import spool
from transflow.atomic import Staged
from transflow.config import load_config
from transflow.workflow import parallel
from transflow.workflow.sync import ArticleSync, SyncCache, sync


def _live(kind: type) -> int:
    gc.collect()
    return sum(isinstance(o, kind) for o in gc.get_objects())


def _live_staged() -> int:
    return _live(Staged)


def test_a_parallel_sync_drops_each_chunks_staged_files_once_committed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The parent once kept every chunk's results, each article's staged files included,
    until the run ended (~3.5 KB an article): at 10,000 articles tens of MiB."""
    monkeypatch.setattr(parallel, "PARALLEL_MIN", 2)
    monkeypatch.setattr(parallel, "AHEAD", 1)  # 2 chunks handed out beyond the awaited one
    count = 80
    make_workspace(tmp_path, {f"a{i:02}.md": f"# Title {i}\n\nParagraph {i}.\n"
                              for i in range(count)})
    monkeypatch.setattr(spool, "BATCH", 8)  # the report keeps 8 articles in memory
    alive: list[int] = []

    def progress(done: int, total: int, label: str) -> None:
        alive.append(_live_staged())

    report = sync(load_config(tmp_path), workers=2, progress=progress)
    assert not report.problems and len(report.articles) == count
    assert _live(ArticleSync) <= 8  # the report's articles are spooled ...
    assert [a.article for a in report.articles] == [f"articles/a{i:02}.md" for i in range(count)]
    assert all(a.merges["nl"].new == 2 for a in report.articles)  # ... and read back whole
    sizes = parallel.chunk_sizes(count, 2)
    assert len(alive) == len(sizes)
    # At each chunk's turn only its own staged files and those of chunks that finished
    # ahead of their turn (at most 2) are referenced, never those of the chunks before it:
    # at the last one, only its own.
    assert max(alive) <= 3 * max(sizes) < count // 2
    assert alive[-1] <= sizes[-1]
    assert _live_staged() == 0
    # and what the caches need was taken as the chunks came: a second sync skips all
    again = sync(load_config(tmp_path), workers=2)
    assert again.unchanged == count and not again.articles


@pytest.mark.parametrize("names", [["a0", "a1", "a2"], ["a/z", "a-b", "b"]])
def test_the_sync_cache_is_written_as_one_json_dumps_of_it_would_be(
    tmp_path: Path, names: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written entry by entry, the remembered entries spooled: the same bytes when a sync
    gives its articles sorted by name, the same object when not (``a/z.md`` before
    ``a-b.md``: paths sort part by part)."""
    monkeypatch.setattr(spool, "BATCH", 2)
    make_workspace(tmp_path, {f"{n}.md": f"# T {n}\n\nText {n}.\n" for n in names})
    config = load_config(tmp_path)
    sync(config)
    cache = SyncCache(config)
    first = json.loads(cache.path.read_text(encoding="utf-8"))
    assert len(first["articles"]) == len(names) and first["key"] == cache.key
    in_order = names == sorted(names)
    if in_order:
        assert cache.path.read_text(encoding="utf-8") == json.dumps(first, sort_keys=True)
    # a later run: one entry remembered again, two new ones (one sorting first), the
    # others as read
    article = tmp_path / "articles/new.md"
    article.write_text("# New\n", encoding="utf-8")
    out = tmp_path / "locales/nl/new.po"
    out.write_text("", encoding="utf-8")
    expected = dict(first["articles"])
    for rel, outputs in ((f"articles/{names[1]}.md", [str(out)]),
                         ("articles/new.md", [str(out), str(article)]),
                         ('articles/\u00e9 "q".md', [])):
        cache.remember(rel, str(article), "d" * 64, outputs)
        st = article.stat()
        expected[rel] = {"digest": "d" * 64, "stat": [st.st_size, st.st_mtime_ns],
                         "outputs": {Path(p).relative_to(tmp_path).as_posix():
                                     [Path(p).stat().st_size, Path(p).stat().st_mtime_ns]
                                     for p in outputs}}
    cache.save()
    text = cache.path.read_text(encoding="utf-8")
    assert json.loads(text) == {"key": cache.key, "articles": expected}
    if in_order:
        assert text == json.dumps({"key": cache.key, "articles": expected}, sort_keys=True)
    again = SyncCache(config)
    paths = [tmp_path / rel for rel in expected]
    fresh = again.fresh_among(paths, config.relative)
    # names[1] was remembered with new.md's stat, the last one does not exist
    assert [rel for rel, yes in zip(expected, fresh, strict=True) if yes] == [
        f"articles/{names[0]}.md", f"articles/{names[2]}.md", "articles/new.md"]
    # a later unsorted run keeps each article once
    again.remember("articles/zz.md", str(article), "e" * 64, [])
    again.remember("articles/new.md", str(article), "f" * 64, [])
    again.save()
    text = cache.path.read_text(encoding="utf-8")
    assert text.count('"articles/new.md"') == 1 and '"f' + "f" * 63 + '"' in text
    assert len(json.loads(text)["articles"]) == len(expected) + 1


@pytest.mark.parametrize("damage", ["cut", "other key", "not json", "spaces", "empty"])
def test_a_damaged_sync_cache_costs_a_full_sync_and_is_written_again(
    tmp_path: Path, damage: str
) -> None:
    make_workspace(tmp_path, {f"a{i}.md": f"# T {i}\n\nText {i}.\n" for i in range(3)})
    config = load_config(tmp_path)
    sync(config)
    path = SyncCache(config).path
    text = path.read_text(encoding="utf-8")
    path.write_text({"cut": text[: len(text) // 2] + text[-30:],
                     "other key": text.replace(SyncCache(config).key, "0" * 16),
                     "not json": "{" + text,
                     "spaces": json.dumps(json.loads(text), indent=1),
                     "empty": ""}[damage], encoding="utf-8")
    report = sync(config)
    assert not report.problems and report.unchanged + len(report.articles) == 3
    assert not report.written  # the catalogs were right: nothing to write
    assert sync(config).unchanged == 3


def test_a_workspace_moved_or_copied_with_its_cache_skips_what_is_unchanged(
        tmp_path: Path) -> None:
    """The file names catalogs relative to the root: a moved workspace (a CI runner's other
    folder) syncs nothing again, and an article edited there is synced."""
    root = tmp_path / "here"
    root.mkdir()
    make_workspace(root, {f"a{i}.md": f"# T {i}\n\nText {i}.\n" for i in range(3)})
    sync(load_config(root))
    text = SyncCache(load_config(root)).path.read_text(encoding="utf-8")
    assert str(root) not in text
    moved = tmp_path / "there"
    root.rename(moved)
    config = load_config(moved)
    assert sync(config).unchanged == 3
    (moved / "articles" / "a1.md").write_text("# T 1\n\nText one.\n", encoding="utf-8")
    report = sync(config)
    assert report.unchanged == 2 and [a.article for a in report.articles] == ["articles/a1.md"]
