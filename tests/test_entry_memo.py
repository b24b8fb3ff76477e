"""The entry memo of check findings: a cold run stops asking an empty cache file, and what a
run stored is found by the next one (and by a long-lived memo's next run)."""

from __future__ import annotations

from pathlib import Path

from transflow.workflow.cache import EntryMemo


def test_a_cold_run_keeps_what_it_learns_and_the_next_run_finds_it(tmp_path: Path) -> None:
    first = EntryMemo(tmp_path)
    assert first.lookup(["a", "b"]) == {}
    first.store("a", "[]")
    assert first.lookup(["a", "b"]) == {"a": "[]"}  # from memory
    first.flush()

    other = EntryMemo(tmp_path)  # a later process: the file has entries now
    assert other.lookup(["a", "b"]) == {"a": "[]"}


def test_a_long_lived_memo_looks_at_the_file_again_after_its_run(tmp_path: Path) -> None:
    server = EntryMemo(tmp_path)
    assert server.lookup(["a"]) == {}  # cold: nothing stored yet
    writer = EntryMemo(tmp_path)  # a command run beside it
    writer.store("a", '[["numbers", "error", "x"]]')
    writer.flush()
    server.flush()  # the server's run ends
    assert server.lookup(["a"]) == {"a": '[["numbers", "error", "x"]]'}


def test_without_a_folder_the_memo_remembers_in_memory_only(tmp_path: Path) -> None:
    memo = EntryMemo(None)
    memo.store("k", "v")
    memo.flush()
    assert memo.lookup(["k"]) == {"k": "v"}
    assert not any(tmp_path.iterdir())
