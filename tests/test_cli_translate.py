"""``transflow translate`` through the CLI, with the real ``deepl`` client and the fake server.

The key and server URL reach the command only through the environment (``DEEPL_AUTH_KEY``,
``DEEPL_SERVER_URL``), as in production.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from deepl_server import FakeDeepL
from transflow.cli import main
from transflow.po import catalog
from transflow.states import State, entry_state, transflow_lines

pytest_plugins = ["deepl_fixtures"]

REPO = Path(__file__).resolve().parent.parent
KEY = "secret-key-123:fx"
CONFIG = 'articles = "articles"\nsource_language = "en"\nlanguages = ["nl", "en"]\n'


def workspace(root: Path) -> Path:
    shutil.copytree(REPO / "sample_articles", root / "articles")
    (root / "transflow.toml").write_text(CONFIG, encoding="utf-8")
    assert invoke(root, "sync").exit_code == 0
    return root


def invoke(root: Path, *args: str, env: dict[str, str | None] | None = None) -> Result:
    runner = CliRunner(env={"DEEPL_AUTH_KEY": None, "DEEPL_SERVER_URL": None, **(env or {})})
    old = os.getcwd()
    os.chdir(root)
    try:
        return runner.invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def server_env(server: FakeDeepL) -> dict[str, str | None]:
    return {"DEEPL_AUTH_KEY": KEY, "DEEPL_SERVER_URL": server.url}


def catalogs(root: Path) -> list[Path]:
    return sorted((root / "locales").glob("[!t]*/*.po"))


def entries(root: Path) -> list[catalog.Entry]:
    return [e for p in catalogs(root) for e in catalog.active_entries(catalog.load(p))]


def test_translate_drafts_everything_then_rerun_sends_nothing(
    tmp_path: Path, deepl_server: FakeDeepL
) -> None:
    root = workspace(tmp_path)
    plan = json.loads(invoke(root, "translate", "--dry-run", "--json").stdout)
    result = invoke(root, "translate", env=server_env(deepl_server))
    assert result.exit_code == 0, result.stderr
    assert sorted(result.stdout.split()) == [p.relative_to(root).as_posix()
                                              for p in catalogs(root)]
    billed = deepl_server.used[KEY]
    assert billed == plan["totals"]["characters"]
    assert f"{billed} characters billed" in result.stderr
    assert "drafted by DeepL" in result.stderr and "0 failure(s)" in result.stderr
    assert KEY not in result.stdout + result.stderr
    sent = [t for r in deepl_server.translate_requests() for t in r.body["text"]]
    assert len(sent) == len(set(sent)) == plan["totals"]["segments_to_send"]
    status = json.loads(invoke(root, "status", "--json").stdout)
    for item in status["articles"]:
        assert item["states"]["machine_draft"] == item["segments"] > 0
    requests = len(deepl_server.requests)
    again = invoke(root, "translate", env=server_env(deepl_server))
    assert again.exit_code == 0 and again.stdout == ""
    assert len(deepl_server.requests) == requests


def test_dry_run_prints_the_plan_and_sends_nothing(
    tmp_path: Path, deepl_server: FakeDeepL
) -> None:
    root = workspace(tmp_path)
    before = {p: p.read_bytes() for p in catalogs(root)}
    result = invoke(root, "translate", "--dry-run", env=server_env(deepl_server))
    assert result.exit_code == 0, result.stderr
    assert "to send" in result.stdout and "request(s)" in result.stdout
    assert "DeepL quota: 500000 characters left" in result.stdout
    assert deepl_server.translate_requests() == []
    assert [r.path for r in deepl_server.requests] == ["/v2/usage"]
    assert {p: p.read_bytes() for p in catalogs(root)} == before


def test_no_key_applies_memory_and_says_what_is_left(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    path = root / "locales/nl/magnesium-l-threonate.po"
    po = catalog.load(path)
    for entry in catalog.active_entries(po):
        entry.msgstr = "NL " + entry.msgid
    catalog.save(po, path)
    result = invoke(root, "translate")
    assert result.exit_code == 0, result.stderr
    assert "segment(s) left" in result.stderr and "DEEPL_AUTH_KEY" in result.stderr
    other = catalog.load(root / "locales/nl/alpha-ketoglutaric-acid-energy-metabolism.po")
    drafted = [e for e in other if transflow_lines(e.tcomment or "", "draft")]
    assert drafted and all("memory" in e.tcomment for e in drafted)
    assert all(entry_state(e) == State.MACHINE_DRAFT for e in drafted)


def test_engine_memory_never_calls_deepl(tmp_path: Path, deepl_server: FakeDeepL) -> None:
    root = workspace(tmp_path)
    result = invoke(root, "translate", "--engine", "memory", env=server_env(deepl_server))
    assert result.exit_code == 0
    assert "--engine memory" in result.stderr
    assert deepl_server.requests == []


def test_quota_456_saves_finished_batches_and_exits_1(
    tmp_path: Path, deepl_server: FakeDeepL
) -> None:
    root = workspace(tmp_path)
    plan = json.loads(invoke(root, "translate", "--dry-run", "--json").stdout)
    first, second = plan["catalogs"][0], plan["catalogs"][1]
    deepl_server.quota[KEY] = first["characters"] + second["characters"] + 3
    deepl_server.reported_limit = 10**6  # /v2/usage says there is room; the 456 says not
    result = invoke(root, "translate", env=server_env(deepl_server))
    assert result.exit_code == 1
    third = plan["catalogs"][2]
    # the third catalog got its drafts reused from the first before its own batch failed
    saved = first["targets"] + second["targets"] + third["reused"]
    assert (f"DeepL quota exceeded after 2 batch(es); {saved} segment(s) saved; "
            "rerun when quota is available") in result.stderr
    assert "DeepL usage before this run" in result.stderr
    for item in (first, second):
        po = catalog.load(root / item["catalog"])
        assert all(entry_state(e) == State.MACHINE_DRAFT
                   for e in catalog.active_entries(po))
    po = catalog.load(root / third["catalog"])
    states = [entry_state(e) for e in catalog.active_entries(po)]
    assert states.count(State.UNTRANSLATED) == third["targets"] - third["reused"] > 0
    del deepl_server.quota[KEY]
    deepl_server.reported_limit = None
    rerun = invoke(root, "translate", env=server_env(deepl_server))
    assert rerun.exit_code == 0, rerun.stderr
    rest = plan["totals"]["characters"] - first["characters"] - second["characters"]
    assert f"{rest} characters billed" in rerun.stderr
    assert deepl_server.used[KEY] == plan["totals"]["characters"]


def test_403_gives_a_clear_key_message(tmp_path: Path, deepl_server: FakeDeepL) -> None:
    root = workspace(tmp_path)
    deepl_server.faults = [403]
    result = invoke(root, "translate", env=server_env(deepl_server))
    assert result.exit_code == 1
    assert "DeepL refused the key (403)" in result.stderr and "DEEPL_AUTH_KEY" in result.stderr
    assert KEY not in result.stderr + result.stdout
    assert "Traceback" not in result.stderr


def test_max_chars_refuses_before_sending(tmp_path: Path, deepl_server: FakeDeepL) -> None:
    root = workspace(tmp_path)
    result = invoke(root, "translate", "--max-chars", "100", env=server_env(deepl_server))
    assert result.exit_code == 1
    assert "more than --max-chars 100" in result.stderr
    assert deepl_server.translate_requests() == []
    assert all(entry_state(e) == State.UNTRANSLATED for e in entries(root))


def test_json_document(tmp_path: Path, deepl_server: FakeDeepL) -> None:
    root = workspace(tmp_path)
    result = invoke(root, "translate", "--json", "--lang", "en", env=server_env(deepl_server))
    assert result.exit_code == 0
    doc = json.loads(result.stdout)
    assert doc["version"] == 1 and doc["engine"] == "deepl"
    assert {c["language"] for c in doc["catalogs"]} == {"en"}
    assert doc["totals"]["billed_characters"] == deepl_server.used[KEY] > 0
    assert result.stderr == ""


def test_kill_9_mid_run_loses_nothing_and_rerun_does_not_rebill(
    tmp_path: Path, deepl_server: FakeDeepL
) -> None:
    root = workspace(tmp_path)
    deepl_server.hang_after = 1  # the second batch hangs: the process is killed waiting
    deepl_server.hang_seconds = 30
    env = {**os.environ, "DEEPL_AUTH_KEY": KEY, "DEEPL_SERVER_URL": deepl_server.url}
    proc = subprocess.Popen([sys.executable, "-m", "transflow", "translate"], cwd=root,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while len(deepl_server.translate_requests()) < 2:
            assert proc.poll() is None, "translate ended before it could be killed"
            assert time.monotonic() < deadline, "second batch never sent"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    for path in catalogs(root):
        catalog.load(path)  # every catalog still parses
    first_batch = set(deepl_server.translate_requests()[0].body["text"])
    drafted = [e for e in entries(root) if entry_state(e) == State.MACHINE_DRAFT]
    assert drafted  # the first batch was saved before the second was sent
    deepl_server.hang_after = None
    count = len(deepl_server.translate_requests())
    rerun = invoke(root, "translate", env=server_env(deepl_server))
    assert rerun.exit_code == 0, rerun.stderr
    resent = {t for r in deepl_server.translate_requests()[count:] for t in r.body["text"]}
    assert not resent & first_batch
    assert all(entry_state(e) == State.MACHINE_DRAFT for e in entries(root))
    assert not list(root.rglob(".*.tmp"))


@pytest.mark.skipif(not os.environ.get("DEEPL_AUTH_KEY"), reason="DEEPL_AUTH_KEY not set")
def test_live_smoke(tmp_path: Path) -> None:
    """Against the real service, only with a key: one short article, markup intact."""
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "hello.md").write_text(
        "# Hello\n\nMagnesium supports **sleep**, see [the study](https://example.org).¹\n",
        encoding="utf-8",
    )
    (tmp_path / "transflow.toml").write_text(CONFIG, encoding="utf-8")
    invoke(tmp_path, "sync")
    env: dict[str, str | None] = {"DEEPL_AUTH_KEY": os.environ["DEEPL_AUTH_KEY"]}
    result = invoke(tmp_path, "translate", "--max-chars", "200", env=env)
    assert result.exit_code == 0, result.stderr
    po = catalog.load(tmp_path / "locales/nl/hello.po")
    [para] = [e for e in po if "sleep" in e.msgid]
    assert "](https://example.org)" in para.msgstr and "¹" in para.msgstr
    assert not transflow_lines(para.tcomment, "problem")


def test_mock_like_server_fixed_phrase_and_no_glossaries(
    tmp_path: Path, deepl_server: FakeDeepL
) -> None:
    """A server like DeepL's own mock (fixed phrase, markup dropped, no glossary API, no
    billed_characters): the run finishes (exit 0), says the glossary was not used, every
    long or marked-up draft carries a problem line, and a rerun bills nothing."""
    root = workspace(tmp_path)
    (root / "glossary.csv").write_text("en,nl\nshop,winkel\n", encoding="utf-8")
    with (root / "transflow.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[deepl]\nglossary = "glossary.csv"\nformality = "less"\n'
                 'model_type = "prefer_quality_optimized"\n')
    deepl_server.mock_mode = True
    deepl_server.v3_glossaries = deepl_server.v2_glossaries = False
    deepl_server.omit_fields = {"billed_characters"}
    result = invoke(root, "translate", env=server_env(deepl_server))
    assert result.exit_code == 0, result.stderr
    assert "Warning: glossary not used" in result.stderr
    drafts = [e for e in entries(root) if entry_state(e) == State.MACHINE_DRAFT]
    assert drafts and len(drafts) == len(entries(root))
    sound = [e for e in drafts if not transflow_lines(e.tcomment or "", "problem")]
    assert all(len(e.msgid) < 40 and "**" not in e.msgid for e in sound), [
        e.msgid for e in sound]
    billed = deepl_server.used[KEY]
    again = invoke(root, "translate", "--json", env=server_env(deepl_server))
    assert again.exit_code == 0 and json.loads(again.stdout)["totals"]["requests_sent"] == 0
    assert deepl_server.used[KEY] == billed


@pytest.mark.skipif(not os.environ.get("DEEPL_MOCK_URL"), reason="DEEPL_MOCK_URL not set")
def test_against_running_deepl_mock(tmp_path: Path) -> None:
    """Optional: DeepL's own mock server (DeepLcom/deepl-mock) at DEEPL_MOCK_URL; any key."""
    root = workspace(tmp_path)
    (root / "glossary.csv").write_text("nl,en\nwinkel,shop\n", encoding="utf-8")
    with (root / "transflow.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[deepl]\nglossary = "glossary.csv"\nformality = "prefer_less"\n')
    env: dict[str, str | None] = {"DEEPL_AUTH_KEY": f"transflow-{time.time_ns()}",
                                  "DEEPL_SERVER_URL": os.environ["DEEPL_MOCK_URL"]}
    result = invoke(root, "translate", "--json", env=env)
    assert result.exit_code == 0, result.stderr
    totals = json.loads(result.stdout)["totals"]
    assert totals["left"] == 0 and totals["failures"] == 0 and totals["problems"] > 0
    again = invoke(root, "translate", "--json", env=env)
    assert again.exit_code == 0 and json.loads(again.stdout)["totals"]["requests_sent"] == 0
    assert invoke(root, "build", "--allow-incomplete").exit_code == 0
