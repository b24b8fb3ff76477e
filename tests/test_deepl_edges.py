"""DeepL edge cases through the CLI, with the real ``deepl`` client and the fake server.

The campaign's cases: a key with a line break or a non-Latin-1 character (a configuration
error: one line, exit 1, no request, the key never printed, with or without ``--json`` and
``--debug``); a short quota (the dry run still prints the plan and the quota; ``--fit``
drafts whole articles while they fit and says what is left); 429s (each retry and wait
announced on stderr; the HTTP requests the tool reports are the ones the server saw); and
plan and totals in the same words and figures.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from deepl_server import FakeDeepL
from tests.test_cli_translate import CONFIG, KEY, invoke, server_env, workspace
from transflow.po import catalog
from transflow.states import State, entry_state

pytest_plugins = ["deepl_fixtures"]

SECRET = "0f3c9a7e-1b2d-4c5e-8f90-a1b2c3d4e5f6"
BAD_KEYS = {
    "newline": f"{SECRET}\n{SECRET}:fx",
    "carriage-return": f"{SECRET}\r:fx",
    "non-latin-1": f"{SECRET}\u2013fx",
    "latin-1-accent": f"{SECRET}é:fx",
    "tab": f"{SECRET}\t:fx",
    "space": f"{SECRET} :fx",
    "delete": f"{SECRET}\x7f:fx",
    "emoji": f"{SECRET}🔑",
}


@pytest.fixture
def no_waiting(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Engines made by the CLI record their waits instead of sleeping."""
    import transflow.cli.translate as cli_translate

    waits: list[float] = []
    real = cli_translate.make_deepl_engine

    def make(*args: Any, **options: Any) -> Any:
        return real(*args, sleep=waits.append, **options)

    monkeypatch.setattr(cli_translate, "make_deepl_engine", make)
    return waits


FLAGS = [(), ("--dry-run",), ("--json",), ("--debug", "--json")]


@pytest.mark.parametrize("name", list(BAD_KEYS))
def test_a_malformed_key_is_one_line_exit_1_no_request_never_printed(
    tmp_path: Path, deepl_server: FakeDeepL, name: str
) -> None:
    root = tmp_path  # the key is refused before anything is read: no articles needed
    (root / "articles").mkdir()
    (root / "transflow.toml").write_text(CONFIG, encoding="utf-8")
    env = {"DEEPL_AUTH_KEY": BAD_KEYS[name], "DEEPL_SERVER_URL": deepl_server.url}
    for flags in FLAGS:
        debug = ("--debug",) if "--debug" in flags else ()
        rest = tuple(f for f in flags if f != "--debug")
        result = invoke(root, *debug, "translate", *rest, env=env)
        assert result.exit_code == 1, flags
        assert deepl_server.requests == []
        output = result.stdout + result.stderr
        assert SECRET not in output and SECRET[:8] not in output
        errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
        assert len(errors) == 1 and errors[0].startswith("Error: DEEPL_AUTH_KEY has ")
        if "--json" in rest:
            doc = json.loads(result.stdout)
            assert doc["exit_code"] == 1
            assert doc["error"]["message"].startswith("DEEPL_AUTH_KEY")
        if debug:
            assert "Traceback" in result.stderr


def test_run_refuses_a_malformed_key_the_same_way(tmp_path: Path,
                                                  deepl_server: FakeDeepL) -> None:
    root = workspace(tmp_path)
    env = {"DEEPL_AUTH_KEY": BAD_KEYS["newline"], "DEEPL_SERVER_URL": deepl_server.url}
    result = invoke(root, "run", "--json", env=env)
    assert result.exit_code == 1
    assert deepl_server.requests == []
    assert SECRET not in result.stdout + result.stderr


def plan_lines(text: str) -> dict[str, list[int]]:
    """``name: N segment(s): a memory, b close memory, …`` lines -> their figures."""
    found = {}
    for line in text.splitlines():
        m = re.match(r"(\S+): (\d+) segment\(s\): (\d+) memory, (\d+) close memory, (\d+) "
                     r"reused, (\d+) copied, (\d+) to send \((\d+) characters, (\d+) "
                     r"request\(s\)\)", line)
        if m:
            found[m.group(1)] = [int(g) for g in m.groups()[1:]]
    return found


def test_dry_run_prints_the_plan_and_the_quota_also_when_the_quota_is_short(
    tmp_path: Path, deepl_server: FakeDeepL
) -> None:
    root = workspace(tmp_path)
    full = json.loads(invoke(root, "translate", "--dry-run", "--json",
                             env=server_env(deepl_server)).stdout)
    need = full["totals"]["characters"]
    deepl_server.reported_limit = need // 2
    result = invoke(root, "translate", "--dry-run", env=server_env(deepl_server))
    assert result.exit_code == 1  # the real run would stop before sending
    lines = plan_lines(result.stdout)
    assert "total" in lines and len(lines) == 1 + sum(
        1 for c in full["catalogs"] if c["targets"])
    assert f"DeepL quota: {need // 2} characters left" in result.stdout
    assert f"Error: the plan needs {need} DeepL characters but only {need // 2}" in result.stderr
    assert "--fit" in result.stderr
    doc = json.loads(invoke(root, "translate", "--dry-run", "--json",
                            env=server_env(deepl_server)).stdout)
    assert doc["totals"]["characters"] == need and doc["usage"]["remaining"] == need // 2
    assert doc["refused"]["message"].startswith("the plan needs")
    assert not [r for r in deepl_server.requests if r.path == "/v2/translate"]


def test_plan_and_totals_agree_line_by_line(tmp_path: Path, deepl_server: FakeDeepL) -> None:
    root = workspace(tmp_path)
    # Some memory: translate one catalog by hand first, so the plan has every kind of line.
    invoke(root, "translate", "--engine", "memory")
    result = invoke(root, "translate", "--dry-run", env=server_env(deepl_server))
    assert result.exit_code == 0, result.stderr
    lines = plan_lines(result.stdout)
    total = lines.pop("total")
    assert [sum(col) for col in zip(*lines.values(), strict=True)] == total
    doc = json.loads(invoke(root, "translate", "--dry-run", "--json",
                            env=server_env(deepl_server)).stdout)["totals"]
    assert total == [doc["targets"], doc["memory_exact"], doc["memory_fuzzy"], doc["reused"],
                     doc["copied"], doc["segments_to_send"], doc["characters"],
                     doc["requests"]]
    run = invoke(root, "translate", env=server_env(deepl_server))
    m = re.search(r"translate: (\d+) memory, (\d+) close memory, (\d+) copied", run.stderr)
    assert m and [int(g) for g in m.groups()] == [total[1], total[2], total[4]]


def test_fit_drafts_whole_articles_in_order_and_says_what_is_left(
    tmp_path: Path, deepl_server: FakeDeepL
) -> None:
    root = workspace(tmp_path)
    plan = json.loads(invoke(root, "translate", "--dry-run", "--json").stdout)
    rows = [c for c in plan["catalogs"] if c["characters"]]
    assert len(rows) >= 3
    room = rows[0]["characters"] + rows[1]["characters"] + rows[2]["characters"] // 2
    deepl_server.reported_limit = room
    deepl_server.quota[KEY] = room
    refused = invoke(root, "translate", env=server_env(deepl_server))
    assert refused.exit_code == 1 and "--fit" in refused.stderr
    dry = invoke(root, "translate", "--fit", "--dry-run", env=server_env(deepl_server))
    assert dry.exit_code == 0, dry.stderr
    left = [c["article"] for c in rows[2:]]
    assert f"fit: {len(left)} article(s) left for later" in dry.stdout
    result = invoke(root, "translate", "--fit", "--json", env=server_env(deepl_server))
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["fit"]["deferred_articles"] == left
    assert doc["fit"]["deferred_characters"] == sum(c["characters"] for c in rows[2:])
    assert doc["totals"]["billed_characters"] == deepl_server.used[KEY] <= room
    for row in rows[:2]:  # whole articles: every entry has a draft
        po = catalog.load(root / row["catalog"])
        assert all(entry_state(e) != State.UNTRANSLATED for e in catalog.active_entries(po))
    po = catalog.load(root / rows[2]["catalog"])
    assert any(entry_state(e) == State.UNTRANSLATED for e in catalog.active_entries(po))


def test_429s_are_announced_and_counted_as_the_server_saw_them(
    tmp_path: Path, deepl_server: FakeDeepL, no_waiting: list[float]
) -> None:
    root = workspace(tmp_path)
    deepl_server.faults = [429, 429, 429]
    result = invoke(root, "translate", "--json", env=server_env(deepl_server))
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)["totals"]
    assert doc["requests_sent"] == len(deepl_server.requests)
    assert doc["retries"] == 3
    # The 429s hit the first request (the usage call): every batch went out once.
    assert doc["batches_sent"] == len(deepl_server.translate_requests())
    waits = [line for line in result.stderr.splitlines() if "429 Too Many Requests" in line]
    assert len(waits) == 3 and len(no_waiting) == 3
    assert re.match(r"DeepL: 429 Too Many Requests, waiting \d+(\.\d+)? s \(retry 1 of \d+\)",
                    waits[0])


def test_429s_on_translate_requests_are_retried_and_counted(
    tmp_path: Path, deepl_server: FakeDeepL, no_waiting: list[float]
) -> None:
    root = workspace(tmp_path)
    deepl_server.faults = ["ok", 429, 429, 429]  # the usage call passes, then 3 × 429
    result = invoke(root, "translate", env=server_env(deepl_server))
    assert result.exit_code == 0, result.stderr
    seen = len(deepl_server.requests)
    m = re.search(r"in (\d+) batch\(es\): (\d+) HTTP request\(s\) sent, (\d+) of them retries",
                  result.stderr)
    assert m, result.stderr
    batches, sent, retries = map(int, m.groups())
    assert sent == seen and retries == 3
    assert batches == len(deepl_server.translate_requests()) - 3
    assert result.stderr.count("429 Too Many Requests, waiting") == 3


def test_debug_never_suppresses_json(tmp_path: Path, deepl_server: FakeDeepL) -> None:
    root = workspace(tmp_path)
    shutil.rmtree(root / "articles")
    result = invoke(root, "--debug", "status", "--json")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["error"]["message"].startswith("articles folder")
    assert "Traceback" in result.stderr
