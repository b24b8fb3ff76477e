"""Review states survive the tools translators use: five states × the interop operations.

Every entry keeps its state after ``msgcat``, ``msgmerge --previous`` with a template of the
same msgids, a polib load + save and a Babel ``read_po`` + ``write_po``; a translator's edit in
an editor (msgstr changed, fuzzy removed) makes any entry *translated*, never reviewed.
Catalogs are built with polib and written both by polib and by ``po.layout.render_po``.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import polib
import pytest
from babel.messages.pofile import read_po, write_po

from transflow.po.layout import render_po
from transflow.states import (
    State,
    accept_finding,
    acceptances,
    accepted_findings,
    approve,
    entry_state,
    view,
)

DAY = date(2026, 11, 26)

#: msgid → the state its entry is built in.
BUILT: dict[str, State] = {
    "An untranslated paragraph.": State.UNTRANSLATED,
    "A paragraph drafted by DeepL, with a **bold** word.": State.MACHINE_DRAFT,
    "A paragraph whose source changed after translation.": State.NEEDS_WORK,
    "A paragraph a person translated.": State.TRANSLATED,
    "A paragraph a reviewer approved, long enough to be wrapped by the gettext tools at "
    "seventy-nine columns.": State.REVIEWED,
}


def build_catalog() -> polib.POFile:
    po = polib.POFile(wrapwidth=79)
    po.metadata = {
        "Project-Id-Version": "transflow interop",
        "Language": "nl",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals=2; plural=(n != 1);",
    }
    for line, (msgid, state) in enumerate(BUILT.items(), start=1):
        entry = polib.POEntry(
            msgid=msgid,
            msgstr="" if state is State.UNTRANSLATED else f"Vertaling {line}: één alinea.",
            occurrences=[("sample_articles/a.md", str(line * 2))],
            comment="paragraph",
            tcomment="a translator's own note" if state is State.TRANSLATED else "",
        )
        if state is State.MACHINE_DRAFT:
            entry.flags.append("fuzzy")
            entry.tcomment = "transflow: draft deepl 2026-11-20"
        elif state is State.NEEDS_WORK:
            entry.flags.append("fuzzy")
            entry.previous_msgid = "A paragraph whose source was different."
        elif state is State.REVIEWED:
            assert approve(entry, "Jane Doe", DAY)
        po.append(entry)
    assert {e.msgid: entry_state(e) for e in po} == BUILT
    return po


def write_catalog(po: polib.POFile, path: Path, writer: str) -> None:
    if writer == "polib":
        po.save(str(path))
    else:
        path.write_text(render_po(po), encoding="utf-8")


def write_template(po: polib.POFile, path: Path) -> None:
    pot = polib.POFile(wrapwidth=79)
    pot.metadata = {"Content-Type": "text/plain; charset=UTF-8", "MIME-Version": "1.0",
                    "Content-Transfer-Encoding": "8bit"}
    for entry in po:
        pot.append(polib.POEntry(msgid=entry.msgid, msgstr="", occurrences=entry.occurrences,
                                 comment=entry.comment))
    pot.save(str(path))


def _run(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True, text=True)


def op_msgcat(path: Path) -> None:
    _run("msgcat", "-o", str(path), str(path))


def op_msgmerge(path: Path) -> None:
    template = path.with_suffix(".pot")
    write_template(polib.pofile(str(path)), template)
    _run("msgmerge", "--quiet", "--previous", "-o", str(path), str(path), str(template))


def op_polib(path: Path) -> None:
    polib.pofile(str(path)).save(str(path))


def op_babel(path: Path) -> None:
    with path.open("rb") as f:
        catalog = read_po(f)
    with path.open("wb") as f:
        write_po(f, catalog)


def op_babel_previous(path: Path) -> None:
    with path.open("rb") as f:
        catalog = read_po(f)
    with path.open("wb") as f:
        write_po(f, catalog, include_previous=True)


def op_translator_edit(path: Path) -> None:
    """What Poedit & co. do on save: new msgstr, fuzzy gone, comments kept."""
    po = polib.pofile(str(path))
    for entry in po:
        entry.msgstr = entry.msgstr + " Aangepast." if entry.msgstr else "Nieuw vertaald."
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save(str(path))


Operation = Callable[[Path], None]
TOOL_OPERATIONS: dict[str, Operation] = {
    "msgcat": op_msgcat,
    "msgmerge --previous": op_msgmerge,
    "polib load+save": op_polib,
    "babel read_po+write_po": op_babel,
    "babel write_po(include_previous)": op_babel_previous,
}
GNU = {"msgcat", "msgmerge --previous"}

CASES = [
    pytest.param(
        writer, name, msgid, state, id=f"{writer}-{name}-{state.key}",
        marks=[pytest.mark.gettext] if name in GNU else [],
    )
    for writer in ("polib", "render_po")
    for name in [*TOOL_OPERATIONS, "translator edit"]
    for msgid, state in BUILT.items()
]


def _states_after(tmp_path: Path, writer: str, operation: str) -> dict[str, State]:
    path = tmp_path / "a.po"
    write_catalog(build_catalog(), path, writer)
    op = TOOL_OPERATIONS.get(operation, op_translator_edit)
    op(path)
    return {e.msgid: entry_state(e) for e in polib.pofile(str(path)) if not e.obsolete}


@pytest.fixture(scope="module")
def results() -> dict[tuple[str, str], dict[str, State]]:
    """Each (writer, operation) is run once; the table test reads one state from it."""
    return {}


@pytest.mark.parametrize(("writer", "operation", "msgid", "state"), CASES)
def test_state_survives(
    writer: str,
    operation: str,
    msgid: str,
    state: State,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    results: dict[tuple[str, str], dict[str, State]],
) -> None:
    if operation in GNU:
        request.getfixturevalue("gettext_tools")
    key = (writer, operation)
    if key not in results:
        results[key] = _states_after(tmp_path_factory.mktemp("interop"), writer, operation)
    expected = State.TRANSLATED if operation == "translator edit" else state
    assert results[key][msgid] is expected


def test_chain_of_tools_keeps_every_state(tmp_path: Path, gettext_tools: None) -> None:
    path = tmp_path / "a.po"
    write_catalog(build_catalog(), path, "render_po")
    for op in (op_msgmerge, op_babel, op_msgcat, op_polib, op_babel_previous, op_msgcat):
        op(path)
    assert {e.msgid: entry_state(e) for e in polib.pofile(str(path))} == BUILT


def test_render_po_output_is_stable_under_msgcat(tmp_path: Path, gettext_tools: None) -> None:
    """The comment lines we write are in the form msgcat itself writes (no churn)."""
    path = tmp_path / "a.po"
    write_catalog(build_catalog(), path, "render_po")
    before = path.read_text(encoding="utf-8")
    op_msgcat(path)
    assert path.read_text(encoding="utf-8") == before
    assert "# transflow: reviewed 2026-11-26 " in before
    assert "#| msgid \"A paragraph whose source was different.\"" in before


ACCEPTED_ON = "A paragraph a person translated."


def _with_acceptance(writer: str, path: Path) -> None:
    po = build_catalog()
    entry = next(e for e in po if e.msgid == ACCEPTED_ON)
    assert accept_finding(entry, "urls", "Jane Doe", DAY,
                          "links to the English page of the same site, which is right here")
    write_catalog(po, path, writer)


@pytest.mark.parametrize(
    ("writer", "operation"),
    [
        pytest.param(writer, name, id=f"{writer}-{name}",
                     marks=[pytest.mark.gettext] if name in GNU else [])
        for writer in ("polib", "render_po")
        for name in [*TOOL_OPERATIONS, "translator edit"]
    ],
)
def test_accepted_finding_survives_and_goes_stale_on_an_edit(
    writer: str, operation: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if operation in GNU:
        request.getfixturevalue("gettext_tools")
    path = tmp_path / "a.po"
    _with_acceptance(writer, path)
    TOOL_OPERATIONS.get(operation, op_translator_edit)(path)
    entry = next(e for e in polib.pofile(str(path)) if e.msgid == ACCEPTED_ON)
    valid = [a.check for a in accepted_findings(view(entry))]
    assert valid == ([] if operation == "translator edit" else ["urls"])
    [kept] = acceptances(entry.tcomment)
    assert (kept.check, kept.reviewer, kept.day) == ("urls", "Jane Doe", "2026-11-26")
    assert kept.reason.startswith("links to the") and kept.reason.endswith("…")
