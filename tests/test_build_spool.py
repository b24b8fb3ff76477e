"""A build keeps its articles' outcomes on disk, not in memory (``workflow/build_spool.py``).

A 10,000-article build held every outcome until the end; these tests catch that coming back
by behaviour: each outcome is handed to the spool as it arrives and nothing keeps it alive
afterwards, and the command line reads back only the articles it prints a line for. The
manifest and the reports stay what they were (``json.dumps`` of the documents).
"""

from __future__ import annotations

import json
import os
import weakref
from pathlib import Path

import pytest

from tests.helpers import ARTICLE, make_workspace, run
from transflow.po import catalog
from transflow.states import set_translation
from transflow.workflow import build_spool
from transflow.workflow.build import ArticleBuild, BuildReport, build
from transflow.workflow.build_spool import ResultSpool
from transflow.written import still_as_written

ARTICLES = 6


def _workspace(tmp_path: Path, count: int = ARTICLES) -> Path:
    files = {f"a{n:02d}.md": ARTICLE.replace("# ", f"# {n} ", 1) for n in range(count)}
    root = make_workspace(tmp_path, files)
    assert run(root, "sync").exit_code == 0
    for n, path in enumerate(sorted((root / "locales" / "nl").glob("*.po"))):
        cat = catalog.load(path)
        for i, entry in enumerate(catalog.active_entries(cat)):
            if n == 1 and i == 0:
                continue  # one article unfinished: skipped, with a line of its own
            set_translation(entry, entry.msgid)
        catalog.save(cat, path)
    return root


@pytest.fixture
def spooled(monkeypatch: pytest.MonkeyPatch) -> list[weakref.ref[ArticleBuild]]:
    """Every outcome put into a spool (weakly: the test sees when it is freed)."""
    refs: list[weakref.ref[ArticleBuild]] = []
    put = ResultSpool.put

    def spy(self: ResultSpool, slot: int, result: ArticleBuild, written: list[str]) -> None:
        put(self, slot, result, written)
        refs.append(weakref.ref(result))

    monkeypatch.setattr(ResultSpool, "put", spy)
    return refs


#: What a spool holds in memory before it moves to files (as shipped).
HELD = build_spool.SPILL_AT


@pytest.mark.parametrize(("workers", "spill_at"), [
    (1, HELD), (2, HELD),  # held in memory (a small build)
    (1, 0), (2, 0),  # in files from the first byte
    (1, 700), (2, 700),  # moved to files midway
])
def test_no_outcome_is_held_once_spooled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spooled: list[weakref.ref[ArticleBuild]],
    workers: int, spill_at: int,
) -> None:
    from transflow.config import load_config
    from transflow.workflow import parallel
    from transflow.workflow.gates import default_gates

    monkeypatch.setattr(parallel, "PARALLEL_MIN", 2)  # the pool, with a few articles
    monkeypatch.setattr(build_spool, "SPILL_AT", spill_at)
    root = _workspace(tmp_path)
    config = load_config(root)
    report = build(config, gates=default_gates(config), workers=workers)
    # A small build's outcomes stay in memory; past the limit they are in files.
    assert bool(report.spool._files) == (spill_at < HELD)
    assert len(spooled) == ARTICLES  # each article's outcome went to the spool ...
    assert [r for r in spooled if r() is not None] == []  # ... and nothing else keeps it
    # The report still answers everything from the spool.
    assert report.count() == ARTICLES and report.count(build_spool.BUILT) == ARTICLES - 1
    assert [a.article for a in report.unfinished] == ["articles/a01.md"]
    assert report.written == [*(f"dist/{lang}/a{n:02d}.md" for n in range(ARTICLES) if n != 1
                                for lang in ("en", "nl")), "dist/manifest.json"]
    manifest = (root / "dist" / "manifest.json").read_text(encoding="utf-8")
    assert manifest == json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n"
    # Every claim, the manifest's too, is trusted from a stat (the kept answer's snapshot
    # never reads a page or the manifest back), named as the CLI names them (absolute).
    claimed = report.claimed_files("dist/manifest.json", str(root))
    assert len(claimed) == 2 * (ARTICLES - 1) + 1
    for name, proof in claimed.items():
        assert proof is not None and still_as_written(os.stat(name), proof), name


def test_an_unchanged_build_spools_the_cached_outcomes_without_making_any(
    tmp_path: Path, spooled: list[weakref.ref[ArticleBuild]]
) -> None:
    from transflow.config import load_config
    from transflow.workflow.gates import default_gates

    root = _workspace(tmp_path)
    config = load_config(root)
    first = build(config, gates=default_gates(config))
    spooled.clear()
    again = build(config, gates=default_gates(config))
    assert spooled == []  # the cache's records go to the spool as stored
    assert again.articles == first.articles and again.written == []
    assert again.manifest_text() == first.manifest_text()


def test_the_command_reads_back_only_the_articles_it_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _workspace(tmp_path)
    read: list[int] = []
    article = ResultSpool.article

    def spy(self: ResultSpool, slot: int) -> ArticleBuild:
        read.append(slot)
        return article(self, slot)

    monkeypatch.setattr(ResultSpool, "article", spy)
    result = run(root, "build")
    assert result.exit_code == 0, result.output
    assert "skipped articles/a01.md: nl: 1 segment(s) not translated" in result.stderr
    assert f"build: {ARTICLES - 1} of {ARTICLES} article(s) built into dist/" in result.stderr
    assert set(read) == {1}  # the one with a line of its own (printed, and kept), no other
    read.clear()
    result = run(root, "build", "--json", "--allow-incomplete")
    document = json.loads(result.stdout)
    assert [a["article"] for a in document["pairs"]] == [f"articles/a{n:02d}.md"
                                                        for n in range(ARTICLES)]
    assert document["problems"] == [] and read == []


@pytest.mark.parametrize("spill_at", [HELD, 0, 300])
def test_a_spool_written_out_of_order_gives_the_manifest_in_article_order(
    monkeypatch: pytest.MonkeyPatch, spill_at: int
) -> None:
    from transflow.states import State

    monkeypatch.setattr(build_spool, "SPILL_AT", spill_at)
    spool = ResultSpool(4)
    results = [ArticleBuild(f"articles/{name}.md", name, "en", True, True,
                            {"nl": f"dist/nl/{name}.md"}) for name in ("b", "a", "d", "c")]
    for slot in (2, 0, 3, 1):  # as workers finish
        spool.put(slot, results[slot], [f"dist/nl/{results[slot].slug}.md"])
    report = BuildReport("dist", State.TRANSLATED, spool=spool)
    report.carry({"article": "articles/bb.md", "built": False, "finished": False,
                  "files": {}, "reasons": ["x"]})
    assert report.written == []  # (filled by build)
    assert spool.written() == ["dist/nl/b.md", "dist/nl/a.md", "dist/nl/d.md", "dist/nl/c.md"]
    document = json.loads(report.manifest_text())
    assert [a["article"] for a in document["articles"]] == [
        "articles/a.md", "articles/b.md", "articles/bb.md", "articles/c.md", "articles/d.md"]
    assert report.manifest_text() == json.dumps(report.to_json(), indent=2, ensure_ascii=False)
    assert report.articles == results
    spool.close()


def test_an_unchanged_build_reads_the_digests_of_its_inputs_a_batch_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files table is not read whole (it grows with the workspace): each batch of
    articles looks up its own inputs, and the answer is the same."""
    from transflow.config import load_config
    from transflow.workflow import build as build_module
    from transflow.workflow.cache import ResultCache
    from transflow.workflow.gates import default_gates

    root = _workspace(tmp_path)
    config = load_config(root)
    first = build(config, gates=default_gates(config))
    monkeypatch.setattr(build_module, "LOOKUP_BATCH", 2)
    asked: list[int] = []
    look_up = ResultCache.look_up_files

    def spy(self: ResultCache, paths: list[str]) -> None:
        look_up(self, paths)
        asked.append(len(self._files))

    monkeypatch.setattr(ResultCache, "look_up_files", spy)
    known = ResultCache._known_files

    def whole(self: ResultCache) -> dict[str, object]:
        assert self._files_loaded, "the whole files table was read"
        return known(self)  # type: ignore[return-value]

    monkeypatch.setattr(ResultCache, "_known_files", whole)
    again = build(config, gates=default_gates(config))
    per_article = len(config.languages) + 1  # the article and its catalogs (no template)
    assert len(asked) == ARTICLES // 2  # one look-up per batch of two articles ...
    assert all(0 < rows <= 2 * per_article for rows in asked)  # ... of their inputs only
    assert again.articles == first.articles and again.written == []


def test_printed_output_moves_to_a_file_past_its_limit_and_reads_back_the_same(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What a command printed is kept for its answer without holding it (an 8 MB
    ``build --json`` at 10,000 articles): past ``SPILL`` bytes it goes to a file."""
    from transflow.workflow import snapshot

    monkeypatch.setattr(snapshot, "SPILL", 64)
    monkeypatch.setattr(snapshot, "BLOB_PIECE", 50)  # read back in several blocks
    chunks = [(n % 2, f"line {n} é\n" * (n % 5)) for n in range(40)]
    printed = snapshot.Printed()
    for chunk in chunks:
        printed.append(chunk)
    assert printed._file is not None and len(printed._buffer) == 0
    stored = b"".join(printed.pieces())
    assert len(stored) == printed.size
    assert snapshot.read_printed(stored) == chunks
    with pytest.raises((ValueError, EOFError, TypeError)):
        snapshot.read_printed(stored[:-3])


def test_a_partial_build_carries_each_previous_entry_as_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A partial build carries the other articles' manifest entries straight into the spool,
    as they are decoded (none held as a list of 9,999 entries); a manifest cut short is
    no manifest (what was carried from it is dropped)."""
    from transflow.workflow import manifest_read

    root = _workspace(tmp_path)
    assert run(root, "build").exit_code == 0
    manifest = root / "dist" / "manifest.json"
    whole = manifest.read_text(encoding="utf-8")
    carried: list[int] = []
    carry = BuildReport.carry

    def spy(self: BuildReport, entry: dict[str, object]) -> None:
        carry(self, entry)
        carried.append(self.carried)  # already in the spool when the next one comes

    monkeypatch.setattr(BuildReport, "carry", spy)
    monkeypatch.setattr(manifest_read, "previous_entries", lambda *a: pytest.fail("a list"))
    assert run(root, "build", "articles/a03.md").exit_code == 0
    assert carried == list(range(1, ARTICLES))
    assert manifest.read_text(encoding="utf-8") == whole  # the same document
    manifest.write_text(whole[: len(whole) * 2 // 3], encoding="utf-8")  # cut short
    monkeypatch.undo()
    (root / "articles" / "a03.md").write_text(ARTICLE.replace("# ", "# changed ", 1))
    assert run(root, "build", "articles/a03.md").exit_code == 0
    document = json.loads(manifest.read_text(encoding="utf-8"))
    assert [a["article"] for a in document["articles"]] == ["articles/a03.md"]
