"""One bad article never blocks the others: sync, status, check, build and run go on per article.

The scenario of issue 12: a workspace of 200 articles of which 5 are broken in five different
ways (bad front matter, a ``.po`` syntax error, a check error, an unknown ``lang``, a binary
file). Every command reports the 5 with file and line, exits 1 (bad input wins over a gate)
and processes the other 195 exactly as it does in a workspace without the broken ones.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import polib
import pytest

from tests.helpers import make_workspace, run

COUNT = 200


def article(i: int) -> str:
    return (f"---\ntitle: Article {i}\n---\n\n# Heading {i}\n\n"
            f"Paragraph {i} says that {i} mg of magnesium helps.\n\n- Item {i}, a list item.\n")


#: name -> what breaks it (applied after a clean sync and translation).
BROKEN = {
    "a010": "front matter",
    "a050": "po syntax",
    "a090": "check error",
    "a130": "unknown lang",  # a language the workspace does not have (lang: nk only warns)
    "a170": "binary",
}


def names(broken: bool) -> list[str]:
    return [f"a{i:03d}" for i in range(COUNT) if broken or f"a{i:03d}" not in BROKEN]


def translate_all(root: Path) -> None:
    """Translate every entry as a translator would (letter case swapped, numbers kept)."""
    for path in sorted((root / "locales/nl").glob("*.po")):
        po = polib.pofile(str(path))
        for entry in po:
            entry.msgstr = entry.msgid.swapcase()
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
        po.save()


def break_five(root: Path) -> None:
    arts, nl = root / "articles", root / "locales/nl"
    (arts / "a010.md").write_text('---\ntitle: "never closed\n---\n\nText.\n', encoding="utf-8")
    po = (nl / "a050.po").read_text(encoding="utf-8").splitlines(keepends=True)
    po[-1] = 'msgstr "unterminated\n'
    (nl / "a050.po").write_text("".join(po), encoding="utf-8")
    po90 = polib.pofile(str(nl / "a090.po"))
    for entry in po90:
        entry.msgstr = entry.msgstr.replace("90 MG", "900 MG")
    po90.save()
    (arts / "a130.md").write_text(article(130).replace("---\n\n", "lang: de\n---\n\n", 1),
                                  encoding="utf-8")
    (arts / "a170.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))


def workspace(root: Path, *, broken: bool) -> Path:
    root.mkdir(parents=True)
    make_workspace(root, {f"{n}.md": article(int(n[1:])) for n in names(broken)})
    assert run(root, "sync").exit_code == 0
    translate_all(root)
    if broken:
        break_five(root)
    return root


@pytest.fixture(scope="module")
def pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("isolation")
    clean = workspace(base / "clean", broken=False)
    reference = run(clean, "build", "--strict")
    assert reference.exit_code == 0, reference.stderr
    return workspace(base / "broken", broken=True), clean


#: How each broken article is named in the problems (file:line), as the user sees it.
EXPECTED = {
    "a010": re.compile(r"Error: articles/a010\.md:\d+: "),
    "a050": re.compile(r"Error: locales/nl/a050\.po:\d+: unterminated string"),
    "a130": re.compile(r"Error: articles/a130\.md:3: lang 'de' is not one of the configured"),
    "a170": re.compile(r"Error: articles/a170\.md:\d+: not a text file"),
}


def assert_problems_listed(stderr: str, document: dict[str, object],
                           only: tuple[str, ...] = tuple(EXPECTED)) -> None:
    for name in only:
        assert len(EXPECTED[name].findall(stderr)) == 1, (name, stderr)
    problems = document["problems"]
    assert isinstance(problems, list)
    paths = {"a010": "articles/a010.md", "a050": "locales/nl/a050.po",
             "a130": "articles/a130.md", "a170": "articles/a170.md"}
    assert sorted(p["path"] for p in problems) == sorted(paths[n] for n in only)
    assert all(isinstance(p["line"], int) and p["line"] > 0 for p in problems)


def test_sync_status_and_check_go_on_and_list_every_problem(pair: tuple[Path, Path]) -> None:
    broken, _ = pair
    synced = run(broken, "sync", "--json")
    assert synced.exit_code == 1
    doc = json.loads(synced.stdout)
    assert_problems_listed(synced.stderr, doc)
    assert len(doc["articles"]) + doc["unchanged"] == COUNT - 4  # a090 is fine for sync

    status = run(broken, "status", "--json")
    assert status.exit_code == 1
    doc = json.loads(status.stdout)
    # a010, a130 and a170 were synced before they broke: status counts their catalogs
    # (it never parses an article whose catalogs exist), so only the bad .po is a problem.
    assert_problems_listed(status.stderr, doc, only=("a050",))
    assert len(doc["articles"]) == COUNT - 1

    checked = run(broken, "check", "--json")
    assert checked.exit_code == 1  # bad input wins over the gate (3)
    doc = json.loads(checked.stdout)
    assert_problems_listed(checked.stderr, doc)
    assert {f["catalog"] for f in doc["findings"] if f["severity"] == "error"} == {
        "locales/nl/a090.po"}
    assert doc["catalogs"] == COUNT - 4


def built_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted((root / "dist").rglob("*.md"))}


def test_build_publishes_the_195_good_articles_exactly_as_a_clean_workspace_does(
    pair: tuple[Path, Path],
) -> None:
    broken, clean = pair
    built = run(broken, "build", "--json")
    assert built.exit_code == 1, built.stderr
    doc = json.loads(built.stdout)
    assert_problems_listed(built.stderr, doc)
    articles = {a["article"]: a for a in doc["articles"]}
    assert sum(a["built"] for a in articles.values()) == COUNT - 5
    refused = articles["articles/a090.md"]
    assert refused["built"] is False
    assert re.search(r"locales/nl/a090\.po:\d+ \[numbers\]", " ".join(refused["reasons"]))
    ours, theirs = built_files(broken), built_files(clean)
    assert len(theirs) == 2 * (COUNT - 5)
    assert ours == theirs


def test_run_goes_through_every_step_and_lists_each_problem_once(
    pair: tuple[Path, Path],
) -> None:
    broken, clean = pair
    result = run(broken, "run", "--out", "site", "--json")
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["stopped_at"] is None
    assert [s["step"] for s in doc["steps"]] == ["sync", "translate", "check", "build"]
    assert_problems_listed(result.stderr, doc)
    build_step = doc["steps"][3]["summary"]
    assert len(build_step["built"]) == COUNT - 5
    assert build_step["refused"] == ["articles/a090.md"]
    site = {p.relative_to(broken / "site").as_posix(): p.read_bytes()
            for p in sorted((broken / "site").rglob("*.md"))}
    assert site == {k.removeprefix("dist/"): v for k, v in built_files(clean).items()}
