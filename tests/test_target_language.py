"""A segment already in the target language (an English quote in a Dutch article).

It is drafted as a copy (never sent to DeepL), counted by ``status`` and reported by
``check`` (the ``target-language`` warning, instead of ``identical``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import Result

from deepl_server import FakeDeepL
from helpers import run
from transflow.checks import CheckContext, run_checks
from transflow.language_guess import already_in
from transflow.po import catalog

pytest_plugins = ["deepl_fixtures"]

QUOTE = ("The key to handle support for large-scale open source projects is to keep issues "
         "moving, and to say no when you have to.")
ARTICLE = f"""\
---
title: Onderhoud van open source
lang: nl
---

Een project onderhouden is veel werk, en de meeste mensen doen het in hun vrije tijd.

> {QUOTE}

Daarom is het goed om op tijd hulp te vragen aan de mensen om je heen.
"""


@pytest.mark.parametrize(
    ("text", "target", "source", "expected"),
    [
        (QUOTE, "en", "nl", True),
        (QUOTE, "en_GB", "nl", True),
        ("Een project onderhouden is veel werk, en de meeste mensen doen het.", "en", "nl", False),
        ("Open source", "en", "nl", False),  # too short to tell: translated as usual
        ("Het is een goed idee om de code te testen voor je hem deelt.", "nl", "en", True),
        (QUOTE, "de", "nl", False),  # no profile for the target: never guessed
    ],
)
def test_already_in(text: str, target: str, source: str, expected: bool) -> None:
    assert already_in(text, target, source) is expected


def test_check_reports_target_language_instead_of_identical() -> None:
    findings = run_checks(QUOTE, QUOTE, CheckContext("nl", "en"))
    assert [f.check for f in findings] == ["target-language"]
    dutch = "Een project onderhouden is veel werk, en de meeste mensen doen het."
    assert [f.check for f in run_checks(dutch, dutch, CheckContext("nl", "en"))] == ["identical"]


def _invoke(root: Path, *args: str, env: dict[str, str | None] | None = None) -> Result:
    """The CLI in ``root`` with no DeepL key or server in the environment but ``env``'s."""
    return run(root, *args, env={"DEEPL_AUTH_KEY": None, "DEEPL_SERVER_URL": None, **(env or {})})


def test_the_quote_is_copied_not_sent_and_status_and_check_report_it(
    tmp_path: Path, deepl_server: FakeDeepL
) -> None:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles/onderhoud.md").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "transflow.toml").write_text(
        'articles = "articles"\nsource_language = "nl"\nlanguages = ["nl", "en"]\n',
        encoding="utf-8")
    assert _invoke(tmp_path, "sync").exit_code == 0
    status = _invoke(tmp_path, "status", "--json")
    assert json.loads(status.stdout)["articles"][0]["already_in_target_language"] == 1
    result = _invoke(tmp_path, "translate",
                     env={"DEEPL_AUTH_KEY": "k:fx", "DEEPL_SERVER_URL": deepl_server.url})
    assert result.exit_code == 0, result.stderr
    sent = [t for r in deepl_server.translate_requests() for t in r.body["text"]]
    assert sent and not any("open source projects" in t for t in sent)
    po = catalog.load(tmp_path / "locales/en/onderhoud.po")
    quote = next(e for e in catalog.active_entries(po) if e.msgid == QUOTE)
    assert quote.msgstr == QUOTE and "fuzzy" in quote.flags  # a draft, still to be read
    check = _invoke(tmp_path, "check", "--json")
    findings = json.loads(check.stdout)["findings"]
    assert [f["check"] for f in findings if f["check"] == "target-language"] == [
        "target-language"
    ]
    text = _invoke(tmp_path, "status")
    assert "1 segment(s) already in en (drafted as copies, not sent to DeepL)" in text.stderr
