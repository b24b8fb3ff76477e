"""Accepted check findings: ``check --accept REF CHECK`` and ``review --accept LINE CHECK``.

The realistic case is the aligned CoronaMelder pair of the corpus, whose English version
links to the English page of the same site and writes an HTML link where the Dutch has
Markdown: correct, yet ``urls``/``links``/``html-tags`` errors that keep it off the site
until a person accepts them. An acceptance survives the gettext tools, polib and Babel like
an approval, goes stale when the translation changes, and never covers injected markup.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po, write_po

from tests.helpers import make_workspace, run
from transflow.checks import CheckContext
from transflow.cli.review_ui import findings_from_checks
from transflow.po import catalog
from transflow.po.layout import render_po
from transflow.states import accept_finding, accepted_findings, view
from transflow.states.notes import acceptance_text, set_transflow_line

DAY = date(2026, 11, 26)
PAIR = "3-4-hoe-helpt-coronamelder-in-de-praktijk-lerares-Esther-van-Gorkum"
CONFIG_EXTRA = 'references = "file"\n'


# --------------------------------------------------------------------------- interop
def _catalog_with_acceptance() -> polib.POFile:
    po = polib.POFile(wrapwidth=79)
    po.metadata = {"Project-Id-Version": "x", "Language": "en", "MIME-Version": "1.0",
                   "Content-Type": "text/plain; charset=UTF-8",
                   "Content-Transfer-Encoding": "8bit",
                   "Plural-Forms": "nplurals=2; plural=(n != 1);"}
    entry = polib.POEntry(
        msgid="Zie [de video](https://www.rivm.nl/coronavirus-covid-19/video-isolatie).",
        msgstr="See [the video](https://www.rivm.nl/en/coronavirus-covid-19/video-isolation).",
        occurrences=[("articles/a.md", "")], comment="paragraph",
        tcomment="a translator's own note",
    )
    assert accept_finding(entry, "urls", "Jane Doe", DAY,
                          "the English page of the same site, long enough to be wrapped")
    po.append(entry)
    return po


def _op_msgcat(path: Path) -> None:
    subprocess.run(["msgcat", "-o", str(path), str(path)], check=True)


def _op_msgmerge(path: Path) -> None:
    pot = polib.POFile(wrapwidth=79)
    pot.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for entry in polib.pofile(str(path)):
        pot.append(polib.POEntry(msgid=entry.msgid, msgstr="", occurrences=entry.occurrences))
    pot.save(str(path.with_suffix(".pot")))
    subprocess.run(["msgmerge", "--quiet", "--previous", "-o", str(path), str(path),
                    str(path.with_suffix(".pot"))], check=True)


def _op_polib(path: Path) -> None:
    polib.pofile(str(path)).save(str(path))


def _op_babel(path: Path) -> None:
    with path.open("rb") as f:
        cat = read_po(f)
    with path.open("wb") as f:
        write_po(f, cat, include_previous=True)


def _op_edit(path: Path) -> None:
    """A translator changes the text in an editor: the acceptance no longer holds."""
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr += " Edited."
    po.save(str(path))


OPS = {"msgcat": _op_msgcat, "msgmerge --previous": _op_msgmerge, "polib": _op_polib,
       "babel": _op_babel}


@pytest.mark.parametrize("writer", ["render_po", "polib"])
@pytest.mark.parametrize("operation", [*OPS, "translator edit"])
def test_acceptance_survives_the_tools(tmp_path: Path, writer: str, operation: str) -> None:
    if operation.startswith("msg") and shutil.which("msgcat") is None:
        pytest.skip("GNU gettext not installed")
    path = tmp_path / "a.po"
    po = _catalog_with_acceptance()
    if writer == "polib":
        po.save(str(path))
    else:
        path.write_text(render_po(po), encoding="utf-8")
    OPS.get(operation, _op_edit)(path)
    [entry] = [e for e in polib.pofile(str(path)) if e.msgid]
    held = [a.check for a in accepted_findings(view(entry))]
    if operation == "translator edit":
        assert held == []  # stale: the line stays readable but covers nothing
        assert "transflow: accepted urls" in entry.tcomment
    else:
        assert held == ["urls"]
        assert "a translator's own note" in entry.tcomment


# --------------------------------------------------------------------------- the real pair
@pytest.fixture
def coronamelder(tmp_path: Path, corpus: Path) -> Path:
    """The aligned CoronaMelder pair in a Dutch-first workspace (publish = translated)."""
    pair = corpus / "pairs" / "coronamelder" / PAIR
    root = make_workspace(tmp_path, {f"{PAIR}.md": (pair / "nl.md").read_text("utf-8")})
    config = root / "transflow.toml"
    config.write_text(config.read_text().replace('source_language = "en"',
                                                 'source_language = "nl"') + CONFIG_EXTRA,
                      encoding="utf-8")
    (root / "old").mkdir()
    shutil.copy(pair / "en.md", root / "old" / f"{PAIR}.md")
    result = run(root, "align", f"articles/{PAIR}.md", f"old/{PAIR}.md", "--lang", "en")
    assert result.exit_code == 0, result.stderr
    return root


def _findings(root: Path) -> dict[str, list[dict[str, object]]]:
    result = run(root, "check", "--json")
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def _gating(document: dict[str, list[dict[str, object]]]) -> list[dict[str, object]]:
    return [f for f in document["findings"] if f["severity"] == "error" and not f["draft"]]


def test_coronamelder_pair_is_published_once_its_findings_are_accepted(
    coronamelder: Path,
) -> None:
    root = coronamelder
    before = _gating(_findings(root))
    checks = sorted({str(f["check"]) for f in before})
    assert checks == ["html-tags", "links", "urls"]
    assert run(root, "build").exit_code in (0, 3)  # 3: an article was left out
    assert not (root / "dist" / "en" / f"{PAIR}.md").exists()

    # urls by catalog line (as check prints it), links and html-tags by article line.
    url = next(f for f in before if f["check"] == "urls")
    result = run(root, "check", "--accept", f"{url['catalog']}:{url['line']}", "urls",
                 "--reason", "the English page of the same site", "--reviewer", "Jane Doe")
    assert result.exit_code == 0, result.stderr
    assert "accepted [urls]" in result.stderr
    link = next(f for f in before if f["check"] == "links")
    line = str(link["reference"]).rsplit(":", 1)[1]
    for check in ("links", "html-tags"):
        result = run(root, "review", f"articles/{PAIR}.md", "--accept", line, check,
                     "--reviewer", "Jane Doe", "--reason", "an HTML link, as the site has it")
        assert result.exit_code == 0, result.stderr

    after = _findings(root)
    assert _gating(after) == []
    assert sorted({str(f["check"]) for f in after["accepted"]}) == checks
    assert all(f["accepted_by"] == "Jane Doe" for f in after["accepted"])
    assert run(root, "check", "--errors-only").exit_code == 0
    result = run(root, "build", "--strict")
    assert result.exit_code == 0, result.stderr
    built = (root / "dist" / "en" / f"{PAIR}.md").read_text(encoding="utf-8")
    assert "https://www.rivm.nl/en/" in built

    # Accepting again changes nothing (no date churn).
    po_path = root / "locales" / "en" / f"{PAIR}.po"
    text = po_path.read_text(encoding="utf-8")
    again = run(root, "check", "--accept", f"{url['catalog']}:{url['line']}", "urls",
                "--reviewer", "Someone Else")
    assert again.exit_code == 0 and "already accepted" in again.stderr
    assert "by Jane Doe" in again.stderr and "Someone Else" not in again.stderr
    assert po_path.read_text(encoding="utf-8") == text
    # A catalog line past the end of the file is a wrong REF, not the last entry's.
    lines = len(text.splitlines())
    past = run(root, "check", "--accept", f"{url['catalog']}:{lines + 1}", "urls",
               "--reviewer", "Jane Doe")
    assert past.exit_code == 1 and "no 'urls' finding" in past.stderr, past.stderr

    # The translation changes: every acceptance of that entry is stale, the error is back.
    po = catalog.load(po_path)
    for entry in catalog.active_entries(po):
        if "rivm.nl/en/" in entry.msgstr:
            entry.msgstr = entry.msgstr.replace("Watch", "Look at").rstrip() + " "
    catalog.save(po, po_path)
    assert [f["check"] for f in _gating(_findings(root))] == ["urls", "urls"]
    assert run(root, "build").exit_code in (0, 3)  # 3: an article was left out
    assert not (root / "dist" / "en" / f"{PAIR}.md").exists()


INJECTED = """\
---
title: Magnesium en slaap
lang: nl
---

Lees [het overzicht](https://example.org/r) over slaap.
"""


@pytest.mark.parametrize(
    ("translation", "check"),
    [
        ('Read <a href="https://example.org/r" onclick="steal()">the review</a> on sleep.',
         "html-tags"),
        ("Read [the review](javascript:alert(1)) on sleep.", "urls"),
        ("Read [the review](https://example.org/r) on sleep.<script>x()</script>", "unsafe-markup"),
    ],
)
def test_injected_markup_is_never_covered(tmp_path: Path, translation: str, check: str) -> None:
    root = make_workspace(tmp_path, {"slaap.md": INJECTED})
    config = root / "transflow.toml"
    config.write_text(config.read_text().replace('source_language = "en"',
                                                 'source_language = "nl"'), encoding="utf-8")
    assert run(root, "sync").exit_code == 0
    po_path = root / "locales" / "en" / "slaap.po"
    po = catalog.load(po_path)
    for entry in catalog.active_entries(po):
        entry.msgstr = translation if "overzicht" in entry.msgid else "Magnesium and sleep"
    catalog.save(po, po_path)
    found = _findings(root)
    target = next(f for f in found["findings"] if f["check"] == check)
    ref = f"{target['catalog']}:{target['line']}"
    for name in (check, "unsafe-markup"):
        result = run(root, "check", "--accept", ref, name, "--reviewer", "Mallory")
        assert result.exit_code == 1
        assert "injected markup" in result.stderr or "injects markup" in result.stderr
    assert "transflow: accepted" not in po_path.read_text(encoding="utf-8")

    # Even a hand-written acceptance line covers nothing on such an entry.
    po = catalog.load(po_path)
    for entry in catalog.active_entries(po):
        if entry.msgstr == translation:
            for name in (check, "unsafe-markup"):
                text = acceptance_text(name, entry.msgid, entry.msgstr, None, "Mallory", DAY)
                entry.tcomment = set_transflow_line(entry.tcomment or "", "accepted", text,
                                                    key=name)
    catalog.save(po, po_path)
    found = _findings(root)
    assert found["accepted"] == []
    assert {"unsafe-markup", check} <= {str(f["check"]) for f in _gating(found)}
    result = run(root, "build", "--allow-incomplete")
    assert not (root / "dist" / "en" / "slaap.md").exists(), result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["check", "--accept", "locales/en/sleep.po", "urls"], 2, "not a reference"),
        (["check", "--accept", "locales/en/sleep.po:0", "urls"], 2, "not a reference"),
        (["check", "--accept", "articles/sleep.md:9", "numbers", "--reviewer", "J"], 1,
         "no 'numbers' finding at articles/sleep.md:9"),
        (["check", "--accept", "articles/nope.md:3", "urls", "--reviewer", "J"], 1,
         "not found"),
        (["review", "articles/sleep.md", "--accept", "x", "urls"], 2, "not a line number"),
        (["review", "articles/sleep.md", "--accept", "9", "urls", "--approve-all"], 2,
         "--accept goes alone"),
    ],
)
def test_accept_usage_errors(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    root = make_workspace(tmp_path)
    assert run(root, "sync").exit_code == 0
    before = (root / "locales" / "nl" / "sleep.po").read_text(encoding="utf-8")
    result = run(root, *args)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert (root / "locales" / "nl" / "sleep.po").read_text(encoding="utf-8") == before


def test_terminal_review_shows_an_acceptance() -> None:
    entry = polib.POEntry(
        msgid="Zie [de video](https://www.rivm.nl/coronavirus-covid-19/video-isolatie) hier.",
        msgstr="Watch [the video](https://www.rivm.nl/en/coronavirus-covid-19/video-isolation) "
               "here.",
    )
    findings = findings_from_checks(CheckContext("nl", "en", "markdown"))
    assert findings(entry) and not any("accepted" in f for f in findings(entry))
    assert accept_finding(entry, "urls", "Jane Doe", DAY)
    assert all(f.endswith("(accepted by Jane Doe)") for f in findings(entry))
    entry.msgstr += " Now."
    assert not any("accepted" in f for f in findings(entry))  # stale
