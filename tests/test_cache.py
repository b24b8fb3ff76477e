"""The results cache (``.transflow-cache/``): it changes no result, and a changed file is re-read.

Outputs are byte-compared with and without the cache (dist/, locales/, ``check --json``,
``status --json``); edits made behind the cache's back (same size, same mtime) are still seen.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ARTICLE, make_workspace, run, snapshot
from transflow.po import catalog
from transflow.states import set_translation
from transflow.workflow.cache import CACHE_DIR, DB_NAME, ResultCache, hash_file
from transflow.written import proof

SECOND = """\
---
title: Zinc and the immune system
lang: en
---

# Zinc and the immune system

Zinc is needed by 300 enzymes.² A typical dose is 15 mg.

Order one of our products now.
"""


def translate_all(root: Path, wrong: str | None = None) -> None:
    """Translate every entry (as its source, so the checks pass), one wrong if asked."""
    for path in sorted((root / "locales" / "nl").glob("*.po")):
        cat = catalog.load(path)
        for entry in catalog.active_entries(cat):
            text = entry.msgid
            if wrong is not None and entry.msgid == wrong:
                text = entry.msgid.replace("15 mg", "50 mg")
            set_translation(entry, text)
        catalog.save(cat, path)


def outputs(root: Path) -> dict[str, object]:
    """What the commands produce: files in dist/ and locales/, and the JSON reports."""
    check = run(root, "check", "--json")
    status = run(root, "status", "--json")
    build = run(root, "build", "--allow-incomplete", "--json")
    return {
        "check": (check.exit_code, check.stdout),
        "status": (status.exit_code, status.stdout),
        "build": (build.exit_code, build.stdout),
        "files": {k: v for k, v in snapshot(root).items()
                  if k.startswith(("dist/", "locales/"))},
    }


#: The entry of ``zinc.md`` the workspace translates wrongly (a dose the checks refuse).
WRONG = "Zinc is needed by 300 enzymes.² A typical dose is 15 mg."


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    root = make_workspace(tmp_path, {"sleep.md": ARTICLE, "zinc.md": SECOND})
    assert run(root, "sync").exit_code == 0
    translate_all(root, wrong=WRONG)
    return root


def test_deleting_the_cache_changes_no_result(workspace: Path) -> None:
    first = outputs(workspace)  # cold: fills the cache (built from the parses sync stored)
    assert (workspace / CACHE_DIR / DB_NAME).is_file()
    with sqlite3.connect(workspace / CACHE_DIR / DB_NAME) as db:
        parsed = {slot for (slot,) in db.execute("SELECT slot FROM results WHERE kind = 'parse'")}
    assert parsed == {"articles/sleep.md", "articles/zinc.md"}
    warm = outputs(workspace)  # every answer from the cache
    shutil.rmtree(workspace / CACHE_DIR)
    cold = outputs(workspace)
    assert first == warm == cold
    findings = json.loads(first["check"][1])["findings"]  # type: ignore[index]
    assert {f["check"] for f in findings if f["severity"] == "error"} == {"numbers"}


def test_an_edit_is_seen_even_with_the_same_size_and_mtime(workspace: Path) -> None:
    outputs(workspace)
    po = workspace / "locales" / "nl" / "zinc.po"
    st = po.stat()
    text = po.read_text(encoding="utf-8")
    assert "50 mg" in text
    po.write_text(text.replace("50 mg", "15 mg"), encoding="utf-8")  # fixed, same size
    os.utime(po, ns=(st.st_atime_ns, st.st_mtime_ns))  # and the same mtime
    after = outputs(workspace)
    shutil.rmtree(workspace / CACHE_DIR)
    assert after == outputs(workspace)
    assert json.loads(after["check"][1])["counts"]["error"] == 0  # type: ignore[index]


def test_a_changed_article_is_rebuilt_and_others_are_reused(workspace: Path) -> None:
    outputs(workspace)
    article = workspace / "articles" / "sleep.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "Order one of our products now.", "Order one of our products today."), encoding="utf-8")
    assert run(workspace, "sync").exit_code == 0
    translate_all(workspace)
    after = outputs(workspace)
    assert "today" in (workspace / "dist" / "nl" / "sleep.md").read_text(encoding="utf-8")
    shutil.rmtree(workspace / CACHE_DIR)
    assert after == outputs(workspace)


def test_a_template_is_not_an_input_of_a_build(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A build never reads an article's template, so an edit to one rebuilds nothing (and a
    cold build does not read or hash the templates); every output stays what it was."""
    from transflow.config import load_config
    from transflow.workflow import build as build_module
    from transflow.workflow.gates import default_gates

    first = outputs(workspace)
    pot = workspace / "locales" / "templates" / "sleep.pot"
    text = pot.read_text(encoding="utf-8")
    assert "POT-Creation-Date: " in text
    pot.write_text(text.replace("POT-Creation-Date: ", "POT-Creation-Date: 1999"),
                   encoding="utf-8")
    read: list[str] = []
    real_hash = build_module.read_inputs.__globals__["hash_file"]
    monkeypatch.setitem(build_module.read_inputs.__globals__, "hash_file",
                        lambda name: read.append(name) or real_hash(name))

    def rebuilt(*args: object, **kwargs: object) -> None:
        raise AssertionError("an article was built again")

    monkeypatch.setattr(build_module, "_build_keyed", rebuilt)
    config = load_config(workspace)
    report = build_module.build(config, gates=default_gates(config), allow_incomplete=True)
    assert len(report.articles) == 2 and report.written == []
    monkeypatch.undo()
    shutil.rmtree(workspace / CACHE_DIR)  # cold: each article's inputs are read and hashed
    monkeypatch.setitem(build_module.read_inputs.__globals__, "hash_file",
                        lambda name: read.append(name) or real_hash(name))
    build_module.build(config, gates=default_gates(config), allow_incomplete=True)
    monkeypatch.undo()
    assert read and not [name for name in read if name.endswith(".pot")]
    assert any(name.endswith("sleep.po") for name in read)
    after = outputs(workspace)
    assert after["files"] == {**first["files"], "locales/templates/sleep.pot":  # type: ignore[dict-item]
                              snapshot(workspace)["locales/templates/sleep.pot"]}
    assert after["build"] == first["build"]


def test_a_deleted_output_is_written_again(workspace: Path) -> None:
    outputs(workspace)
    published = workspace / "dist" / "nl" / "sleep.md"
    text = published.read_bytes()
    published.unlink()
    result = run(workspace, "build", "--allow-incomplete")
    assert result.exit_code == 3  # zinc.md, with its wrong dose, is refused by the checks
    assert published.read_bytes() == text


def test_a_corrupt_cache_is_ignored(workspace: Path) -> None:
    first = outputs(workspace)
    (workspace / CACHE_DIR / DB_NAME).write_bytes(b"not a database" * 100)
    assert outputs(workspace) == first


BAD_BUILD_ROWS = {
    "json text": lambda row: json.dumps({"result": {}, "outputs": {}}),  # as stored before
    "cut short": lambda row: row[: len(row) // 2],
    "another layout": lambda row: marshal.dumps((2, *marshal.loads(row)[1:])),
    "a field of the wrong type": lambda row: marshal.dumps(
        (*marshal.loads(row)[:6], ["not", "a", "dict"], *marshal.loads(row)[7:])),
    "code": lambda row: marshal.dumps(compile("1", "<row>", "eval")),
}


@pytest.mark.parametrize("bad", BAD_BUILD_ROWS, ids=list(BAD_BUILD_ROWS))
def test_a_build_row_that_is_not_one_is_a_miss(workspace: Path, bad: str) -> None:
    first = outputs(workspace)
    with sqlite3.connect(workspace / CACHE_DIR / DB_NAME) as db:
        rows = db.execute("SELECT slot, value FROM results WHERE kind = 'build'").fetchall()
        assert len(rows) == 2 and all(isinstance(v, bytes) for _, v in rows)
        for slot, value in rows:
            db.execute("UPDATE results SET value = ? WHERE kind = 'build' AND slot = ?",
                       (BAD_BUILD_ROWS[bad](value), slot))
    assert outputs(workspace) == first  # built again, same pages, same reports
    with sqlite3.connect(workspace / CACHE_DIR / DB_NAME) as db:
        again = dict(db.execute("SELECT slot, value FROM results WHERE kind = 'build'"))

    def content(value: bytes) -> tuple[object, ...]:  # the outputs' SHA-256, not when hashed
        row = marshal.loads(value)
        return (*row[:6], {name: record[1] for name, record in row[6].items()}, *row[7:])

    assert {k: content(v) for k, v in again.items()} == {k: content(v) for k, v in rows}


def test_a_recently_changed_file_is_hashed_again(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("one", encoding="utf-8")
    mtime = path.stat().st_mtime_ns
    # Hashed right after its change: the size and mtime alone are not trusted later.
    cache = ResultCache(tmp_path, clock_ns=lambda: mtime + 1)
    first = cache.digest(path)
    cache.save()
    cache.close()
    path.write_text("two", encoding="utf-8")
    os.utime(path, ns=(mtime, mtime))
    again = ResultCache(tmp_path, clock_ns=lambda: mtime + 1)
    assert again.digest(path) != first
    # Hashed long after its change: size and mtime are enough, nothing is read.
    trusted = ResultCache(tmp_path, clock_ns=lambda: mtime + 10**10)
    trusted.remember(path, path.read_bytes())
    trusted.save()
    trusted.close()
    reader = ResultCache(tmp_path)
    assert reader.digest(path) == again.digest(path)


def test_dry_run_writes_no_cache(tmp_path: Path) -> None:
    root = make_workspace(tmp_path)
    assert run(root, "build", "--dry-run").exit_code == 0
    assert not (root / CACHE_DIR / DB_NAME).exists()


def test_a_build_answered_from_the_cache_equals_a_computed_one(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transflow.config import load_config
    from transflow.workflow import build as build_module
    from transflow.workflow.build import build
    from transflow.workflow.gates import default_gates

    config = load_config(workspace)
    computed = build(config, gates=default_gates(config), allow_incomplete=True)

    def made_again(entry: object) -> None:
        raise AssertionError("the manifest text of a cached article was made again")

    monkeypatch.setattr(build_module, "_pieces", made_again)
    cached = build(config, gates=default_gates(config), allow_incomplete=True)
    text = cached.manifest_text()  # from the cache's pieces
    monkeypatch.undo()
    assert cached.articles == computed.articles  # every field, not only the manifest's
    assert text == computed.manifest_text()
    assert text == json.dumps(cached.to_json(), indent=2, ensure_ascii=False)
    assert [a.blocked for a in cached.articles] == [False, True]
    assert cached.written == []


def test_the_manifest_is_written_as_json_dumps_would(workspace: Path) -> None:
    from transflow.config import load_config
    from transflow.workflow.build import BuildReport, build
    from transflow.workflow.gates import default_gates

    config = load_config(workspace)
    report = build(config, gates=default_gates(config))  # one built, one left out (errors)
    report.carry({"article": "articles/a-gone.md", "built": True, "finished": True,
                  "files": {"nl": "dist/nl/a-gone.md"}, "reasons": ["é"]})
    expected = json.dumps(report.to_json(), indent=2, ensure_ascii=False)
    assert report.manifest_text() == expected
    assert report.blocked and any(a.built for a in report.articles)
    document = {**report.to_json(), "problems": [p.to_json() for p in report.problems]}
    assert "".join(report.json_chunks()) == json.dumps(document, indent=2, ensure_ascii=False)
    empty = BuildReport(report.output, report.publish)
    assert empty.manifest_text() == json.dumps(empty.to_json(), indent=2, ensure_ascii=False)


def test_the_previous_manifest_is_read_entry_by_entry(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transflow.workflow import manifest_read

    assert run(workspace, "build", "--allow-incomplete").exit_code == 3  # zinc: a check error
    manifest = workspace / "dist" / "manifest.json"
    text = manifest.read_text(encoding="utf-8")
    whole = manifest_read.whole_entries(text, {"articles/zinc.md"})
    assert [e["article"] for e in whole] == ["articles/sleep.md"]

    def slow(text: str, seen: set[str]) -> list[dict[str, object]]:
        raise AssertionError("read whole")

    monkeypatch.setattr(manifest_read, "whole_entries", slow)
    for block in (1, 7, 64, 1 << 16):  # entries and the marker cut at every kind of place
        monkeypatch.setattr(manifest_read, "BLOCK", block)
        assert manifest_read.previous_entries(manifest, {"articles/zinc.md"}) == whole
        assert manifest_read.previous_entries(manifest, {"articles/zinc.md",
                                                         "articles/sleep.md"}) == []
    monkeypatch.undo()
    manifest.write_text(text[:-20], encoding="utf-8")
    assert manifest_read.previous_entries(manifest, set()) == []  # cut short: unreadable
    cut_in_list = text[: text.index('"articles/sleep.md"', text.index('"articles": ['))]
    manifest.write_text(cut_in_list, encoding="utf-8")
    assert manifest_read.previous_entries(manifest, set()) == []
    # Laid out otherwise (one line, as another tool may write it): read whole, same entries.
    manifest.write_text(json.dumps(json.loads(text)), encoding="utf-8")
    assert manifest_read.previous_entries(manifest, {"articles/zinc.md"}) == whole
    manifest.unlink()
    assert manifest_read.previous_entries(manifest, set()) == []


def test_allow_incomplete_reuses_finished_articles_only(workspace: Path) -> None:
    strict = run(workspace, "build", "--json")
    loose = run(workspace, "build", "--allow-incomplete", "--json")
    again = run(workspace, "build", "--json")
    assert strict.stdout == again.stdout != loose.stdout
    shutil.rmtree(workspace / CACHE_DIR)
    assert run(workspace, "build", "--allow-incomplete", "--json").stdout == loose.stdout


def test_a_dry_run_reads_the_cache_and_stores_nothing(workspace: Path) -> None:
    assert run(workspace, "build", "--allow-incomplete").exit_code in (0, 3)
    db = workspace / CACHE_DIR / DB_NAME
    before = db.read_bytes()
    warm = run(workspace, "build", "--allow-incomplete", "--dry-run", "--json")
    assert db.read_bytes() == before  # a dry run stores nothing
    shutil.rmtree(workspace / CACHE_DIR)
    cold = run(workspace, "build", "--allow-incomplete", "--dry-run", "--json")
    assert not (workspace / CACHE_DIR / DB_NAME).exists()
    assert (warm.exit_code, warm.stdout) == (cold.exit_code, cold.stdout)
    # an edited article is seen by a dry run answered from the cache
    assert run(workspace, "build", "--allow-incomplete").exit_code in (0, 3)
    (workspace / "articles" / "zinc.md").write_text(SECOND + "\nA new paragraph.\n")
    again = run(workspace, "build", "--allow-incomplete", "--dry-run", "--json")
    shutil.rmtree(workspace / CACHE_DIR)
    fresh = run(workspace, "build", "--allow-incomplete", "--dry-run", "--json")
    assert (again.exit_code, again.stdout) == (fresh.exit_code, fresh.stdout)


def test_lookups_in_batches_give_the_same_build(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transflow.workflow import build as build_module

    first = outputs(workspace)
    monkeypatch.setattr(build_module, "LOOKUP_BATCH", 1)  # one query per article
    assert outputs(workspace) == first
    (workspace / "dist" / "nl" / "sleep.md").write_text("behind its back", encoding="utf-8")
    batched = run(workspace, "build", "--allow-incomplete", "--json")
    assert "behind its back" not in (workspace / "dist" / "nl" / "sleep.md").read_text()
    assert json.loads(batched.stdout)["pairs"] == json.loads(first["build"][1])["pairs"]


def test_an_unchanged_manifest_is_not_read_again_but_a_gone_article_is_seen(
    workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from transflow.workflow import build as build_module

    assert run(workspace, "build", "--allow-incomplete").exit_code == 3
    read = []
    real = build_module.each_previous_entry

    def spy(path: Path, seen: set[str], take: Any, undo: Any) -> None:
        read.append(path)
        real(path, seen, take, undo)

    monkeypatch.setattr(build_module, "each_previous_entry", spy)
    assert run(workspace, "build", "--allow-incomplete").exit_code == 3
    assert read == []  # the manifest already lists exactly these articles
    (workspace / "articles" / "sleep.md").unlink()
    result = run(workspace, "build", "--allow-incomplete")
    assert read and not (workspace / "dist" / "nl" / "sleep.md").exists()
    assert "removed dist/nl/sleep.md" in result.stderr


@pytest.mark.parametrize("links", [False, True])
def test_articles_are_found_as_rglob_finds_them(tmp_path: Path, links: bool) -> None:
    from transflow.formats import EXTENSIONS
    from transflow.workflow.workspace import _article_files

    names = ["a.md", "a-b.md", "a/b.md", "a/c.MD", ".hidden.md", "notes.txt", "x.png",
             "dir.md/inner.md", ".git/z.md", "a b/c.html", "z/.q/y.md", "b.tar.md", "e."]
    for name in names:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    if links:
        os.symlink(tmp_path / "a", tmp_path / "linked-folder")  # not entered
        os.symlink(tmp_path / "a.md", tmp_path / "linked.md")  # a file: found
        os.symlink(tmp_path / "missing.md", tmp_path / "broken.md")  # not a file
    expected = sorted(p for p in tmp_path.rglob("*") if p.is_file()
                      and p.suffix.lower() in EXTENSIONS and not p.name.startswith("."))
    assert _article_files(tmp_path) == expected
    assert (tmp_path / "a" / "b.md") in expected


def _installed(tmp_path: Path, text: bytes) -> tuple[Path, str, tuple[int, int, int] | None]:
    """A file written as a build writes its pages: staged, then installed by a commit in a
    later timestamp tick; its digest and its (size, mtime, inode) once written."""
    import time

    from transflow.atomic import Transaction

    dest = tmp_path / "dist" / "page.md"
    transaction = Transaction()
    transaction.write(dest, text)
    item = transaction.staged(dest)
    assert item is not None
    time.sleep(0.03)  # the commit in a later tick than the write (Linux: a few ms)
    transaction.commit()
    return dest, item.digest, item.written


def test_a_file_just_written_is_recorded_without_reading_it_back(tmp_path: Path) -> None:
    import hashlib

    dest, digest, written = _installed(tmp_path, b"Hallo wereld\n")
    cache = ResultCache(tmp_path)
    assert digest == hashlib.sha256(b"Hallo wereld\n").hexdigest()
    recorded = cache.record_written(dest, proof(digest, written))
    assert recorded is not None and recorded[:2] == cache.record(dest)[:2]  # type: ignore[index]


@pytest.mark.parametrize("change", ["same size in place", "replaced", "grown"])
def test_a_file_changed_after_it_was_written_is_read_back(tmp_path: Path, change: str) -> None:
    """The record always describes what the file holds, whatever happened after the write."""
    import hashlib

    dest, digest, written = _installed(tmp_path, b"Hallo wereld\n")
    if change == "same size in place":
        with dest.open("r+b") as handle:
            handle.write(b"HALLO")
    elif change == "replaced":
        other = tmp_path / "other.md"
        other.write_bytes(b"Hallo wereld\n")
        os.replace(other, dest)
    else:
        with dest.open("ab") as handle:
            handle.write(b"meer\n")
    recorded = ResultCache(tmp_path).record_written(dest, proof(digest, written))
    assert recorded is not None
    assert recorded[1] == hashlib.sha256(dest.read_bytes()).hexdigest()
    assert recorded[0] == ResultCache(tmp_path).record(dest)[0]  # type: ignore[index]


def test_the_entry_memo_file_is_emptied_past_its_bound(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_ENTRIES rows the memo starts over (bounded file), replaced rows counted."""
    from transflow.workflow import cache as cache_module
    from transflow.workflow.cache import EntryMemo

    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 5)
    (tmp_path / CACHE_DIR).mkdir()

    def stored() -> set[str]:
        with sqlite3.connect(tmp_path / CACHE_DIR / DB_NAME) as db:
            return {key for (key,) in db.execute("SELECT key FROM entries")}

    memo = EntryMemo(tmp_path)
    for key in ("a", "b", "c"):
        memo.store(key, "[]")
    memo.flush()
    assert stored() == {"a", "b", "c"}
    for key in ("a", "b"):  # replaced: no new keys, but the bound counts them
        memo.store(key, "[1]")
    memo.flush()
    assert stored() == {"a", "b", "c"}
    memo.store("d", "[]")
    memo.flush()
    assert stored() == {"d"}  # 5 rowids used + 1 > 5: started over
    assert EntryMemo(tmp_path).lookup(["d", "a"]) == {"d": "[]"}


@pytest.mark.parametrize("size", [0, 1, 4096, 65_537, 200_000])
def test_hash_file_reads_a_file_whole(tmp_path: Path, size: int) -> None:
    path = tmp_path / "f.bin"
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    path.write_bytes(data)
    found = hash_file(str(path))
    assert found is not None
    assert (found[0], found[1]) == (data, hashlib.sha256(data).hexdigest())
    assert found[2] is not None and found[2][1] == found[1]


@pytest.mark.parametrize("how", ["moved", "copied"])
def test_a_workspace_moved_or_copied_keeps_its_results_and_sees_its_edits(
        workspace: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keys name the workspace's folders relative to its root: a CI runner's other folder,
    or a copy, answers from the cache (files re-hashed where their stat changed), and an
    edit made there is still seen."""
    from transflow.workflow import build as build_module

    first = outputs(workspace)
    elsewhere = workspace.with_name(f"{workspace.name}-elsewhere")
    if how == "moved":
        workspace.rename(elsewhere)
    else:
        shutil.copytree(workspace, elsewhere, symlinks=True)
    built: list[Path] = []
    real = build_module._build_one

    def counting(config: Any, path: Path, *args: Any, **kwargs: Any) -> Any:
        built.append(path)
        return real(config, path, *args, **kwargs)

    monkeypatch.setattr(build_module, "_build_one", counting)
    assert outputs(elsewhere) == first
    assert built == []  # every article answered from the cache
    article = elsewhere / "articles" / "sleep.md"
    article.write_text(article.read_text(encoding="utf-8").replace(
        "Order one of our products now.", "Order one of our products today."), encoding="utf-8")
    assert run(elsewhere, "sync").exit_code == 0
    translate_all(elsewhere, wrong=WRONG)  # zinc.po as it was
    after = outputs(elsewhere)
    assert [p.name for p in built] == ["sleep.md"]
    assert "today" in (elsewhere / "dist" / "nl" / "sleep.md").read_text(encoding="utf-8")
    shutil.rmtree(elsewhere / CACHE_DIR)
    assert after == outputs(elsewhere)


def test_config_keys_name_paths_inside_the_root_relative_to_it() -> None:
    from transflow.workflow.cache import in_root

    text = "Config(root=PosixPath('/w'), articles=PosixPath('/w/articles'), x=PosixPath('/w2/a'))"
    assert in_root(text, Path("/w")) == \
        "Config(root=PosixPath('<root>'), articles=PosixPath('<root>/articles'), " \
        "x=PosixPath('/w2/a'))"


def test_as_recorded_is_the_stat_key_and_the_trust_test() -> None:
    """``_as_recorded`` writes out ``_stat_key`` and ``_trusted`` in one call: the same
    answer for a matching or another stat, and hashed before, just after, or well after
    the last change (fine and whole-second timestamps, mtime or ctime the later)."""
    from types import SimpleNamespace

    from transflow.workflow.cache import RACY_NS, _as_recorded, _stat_key, _trusted

    def stat(mtime: int, ctime: int) -> Any:
        return SimpleNamespace(st_size=7, st_mtime_ns=mtime, st_ctime_ns=ctime, st_ino=42)

    second = 1_000_000_000
    stats = [stat(5 * second + 123, 5 * second + 456), stat(9 * second, 3 * second),
             stat(3 * second, 9 * second), stat(9 * second + 1, 4 * second)]
    for st in stats:
        changed = max(st.st_mtime_ns, st.st_ctime_ns)
        for key in (_stat_key(st), *(_stat_key(o) for o in stats if o is not st), "x"):
            for hashed in (changed - 1, changed, changed + RACY_NS, changed + RACY_NS + 1,
                           changed + 2 * second, changed + 2 * second + 1):
                assert _as_recorded(st, key, hashed) == (
                    key == _stat_key(st) and _trusted(changed, hashed))
