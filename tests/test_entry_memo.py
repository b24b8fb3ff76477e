"""The entry memo of check findings: a cold run stops asking an empty cache file, and what a
run stored is found by the next one (and by a long-lived memo's next run). Without one (build's
quality gate), a process checks a repeated entry once."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import polib
import pytest

from transflow.checks import CheckContext, Finding
from transflow.po.model import Entry
from transflow.workflow import check
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


def _entries(*pairs: tuple[str, str]) -> list[Entry]:
    return [polib.POEntry(msgid=msgid, msgstr=msgstr) for msgid, msgstr in pairs]


def test_without_a_memo_a_repeated_entry_is_checked_once_per_process(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check, "_RECENT", {})
    calls: list[str] = []
    real = check.run_checks

    def counting(source: str, translation: str, ctx: CheckContext,
                 skip: Sequence[str] = ()) -> list[Finding]:
        calls.append(source)
        return real(source, translation, ctx, skip=skip)

    monkeypatch.setattr(check, "run_checks", counting)
    ctx = CheckContext("en", "nl")
    promo = ("Order 2 now.", "Bestel er nu 3.")  # a number error, in every article
    first = check.entry_findings(_entries(promo, ("Hello", "Hallo")), ctx, errors_only=True)
    again = check.entry_findings(_entries(promo), ctx, errors_only=True)
    assert calls == ["Order 2 now.", "Hello"]
    assert {f.check for f in again[0]} == {"numbers"} and again[0] == first[0]
    again[0].clear()  # each caller gets its own list
    assert check.entry_findings(_entries(promo), ctx, errors_only=True)[0] == first[0]
    # another check level, another language: checked again, never taken for each other
    full = check.entry_findings(_entries(promo), ctx)
    check.entry_findings(_entries(promo), CheckContext("nl", "en"), errors_only=True)
    assert calls == ["Order 2 now.", "Hello", "Order 2 now.", "Order 2 now."]
    assert {f.check for f in full[0]} >= {"numbers"}


def test_the_process_memo_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(check, "_RECENT", {})
    monkeypatch.setattr(check, "RECENT_MAX", 3)
    ctx = CheckContext("en", "nl")
    for i in range(10):
        check.entry_findings(_entries((f"Text {i}", f"Tekst {i}")), ctx, errors_only=True)
        assert all(len(texts) <= 3 for texts in check._RECENT.values())
