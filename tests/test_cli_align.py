"""``transflow align`` through the CLI: catalog contents, JSON, dry run, errors, the corpus."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import polib
import pytest

from tests.helpers import make_workspace, run, snapshot
from transflow.config import load_config
from transflow.formats import format_for
from transflow.states import EntryView, State, state_of, transflow_lines
from transflow.workflow.build import build as build_workflow

SOURCE = """\
---
title: Magnesium en slaap
lang: nl
---

# Magnesium en slaap

Magnesium speelt een rol bij de **slaapkwaliteit**, zie [het overzicht](https://example.org/r).¹

In 2021 sliepen 4,7 miljoen Nederlanders slecht, volgens het CBS. Dat zijn er veel.

Het lichaam gebruikt magnesium in meer dan 300 enzymen, van spieren tot zenuwen.

Een gewone dosis is 200 mg per dag, bij voorkeur 's avonds ingenomen.

Deze alinea is alleen voor Nederlandse lezers bedoeld en ontbreekt in de vertaling.

## Waar zit het in?

- Noten en zaden bevatten veel magnesium.
- Spinazie en boerenkool ook.

Bestel nu een van onze producten in de webwinkel.
"""

# The translation merges the two paragraphs about enzymes and dose, and drops the Dutch-only one.
TRANSLATION = """\
---
title: Magnesium and sleep
lang: en
---

# Magnesium and sleep

Magnesium plays a role in **sleep quality**, see [the review](https://example.org/r).¹

In 2021, 4.7 million Dutch people slept badly, according to CBS. That is a lot of people.

The body uses magnesium in more than 300 enzymes, from muscles to nerves.
A typical dose is 200 mg a day, preferably taken in the evening.

## Where is it found?

- Nuts and seeds contain a lot of magnesium.
- So do spinach and kale.

Order one of our products in the web shop now.
"""

CONFIDENT = {
    "Magnesium en slaap": "Magnesium and sleep",
    "Magnesium speelt een rol bij de **slaapkwaliteit**, zie [het overzicht]"
    "(https://example.org/r).¹": "Magnesium plays a role in **sleep quality**, see "
    "[the review](https://example.org/r).¹",
    "In 2021 sliepen 4,7 miljoen Nederlanders slecht, volgens het CBS. Dat zijn er veel.":
    "In 2021, 4.7 million Dutch people slept badly, according to CBS. That is a lot of people.",
    "Waar zit het in?": "Where is it found?",
    "Noten en zaden bevatten veel magnesium.": "Nuts and seeds contain a lot of magnesium.",
    "Spinazie en boerenkool ook.": "So do spinach and kale.",
    "Bestel nu een van onze producten in de webwinkel.":
    "Order one of our products in the web shop now.",
}
MERGED = {
    "Het lichaam gebruikt magnesium in meer dan 300 enzymen, van spieren tot zenuwen.":
    "The body uses magnesium in more than 300 enzymes, from muscles to nerves.",
    "Een gewone dosis is 200 mg per dag, bij voorkeur 's avonds ingenomen.":
    "A typical dose is 200 mg a day, preferably taken in the evening.",
}
DROPPED = "Deze alinea is alleen voor Nederlandse lezers bedoeld en ontbreekt in de vertaling."


def workspace(tmp_path: Path) -> Path:
    """A workspace with the Dutch article inside and the translation outside ``articles``."""
    root = make_workspace(tmp_path, {"slaap.md": SOURCE})
    (root / "old").mkdir()
    (root / "old" / "slaap.md").write_text(TRANSLATION, encoding="utf-8")
    return root


def state(entry: Any) -> State:
    return state_of(EntryView(entry.msgid, entry.msgstr, "fuzzy" in entry.flags,
                              entry.previous_msgid, entry.tcomment or "", entry.msgctxt))


def entries(root: Path) -> dict[str, Any]:
    return {e.msgid: e for e in polib.pofile(str(root / "locales/en/slaap.po")) if e.msgid}


def test_align_fills_translated_drafts_and_untranslated(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    result = run(root, "align", "articles/slaap.md", "old/slaap.md")
    assert result.exit_code == 0, result.stderr
    assert "articles/slaap.md <- old/slaap.md (en) -> locales/en/slaap.po" in result.stdout
    assert "unmatched: 1 source, 0 translation" in result.stdout
    assert "entries: 7 translated, 2 machine draft, 1 untranslated, 0 kept" in result.stdout
    assert "align: 1 pair(s), wrote 2 file(s)" in result.stderr
    po = entries(root)
    for msgid, msgstr in CONFIDENT.items():
        assert po[msgid].msgstr == msgstr
        assert state(po[msgid]) is State.TRANSLATED, msgid
    for msgid, msgstr in MERGED.items():
        entry = po[msgid]
        assert entry.msgstr == msgstr and state(entry) is State.MACHINE_DRAFT
        [line] = transflow_lines(entry.tcomment, "draft")
        assert line.startswith("transflow: draft align ") and "2–1 merge" in line
    assert po[DROPPED].msgstr == "" and state(po[DROPPED]) is State.UNTRANSLATED
    # The catalog is exactly what sync writes: sync afterwards changes nothing.
    before = snapshot(root)
    assert run(root, "sync").stdout == ""
    assert snapshot(root) == before
    # Running align again changes nothing and reports every entry as kept.
    again = run(root, "align", "articles/slaap.md", "old/slaap.md")
    assert again.exit_code == 0
    assert "0 translated, 0 machine draft, 1 untranslated, 9 kept" in again.stdout
    assert snapshot(root) == before


def test_build_reproduces_the_translation_where_confident(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    run(root, "align", "articles/slaap.md", "old/slaap.md")
    result = run(root, "build", "--allow-incomplete")
    assert result.exit_code == 0, result.stderr
    built = (root / "dist/en/slaap.md").read_text(encoding="utf-8")
    # Drafts and the dropped paragraph fall back to the Dutch text; everything else is the
    # human translation, in the source's layout.
    expected = SOURCE.replace("lang: nl", "lang: en")  # build writes the target language
    for msgid, msgstr in CONFIDENT.items():
        expected = expected.replace(msgid, msgstr)
    assert built == expected


def test_existing_translations_are_kept(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    assert run(root, "sync").exit_code == 0
    po_path = root / "locales/en/slaap.po"
    po = polib.pofile(str(po_path))
    mine = "Order now, from our own translator."
    po.find("Bestel nu een van onze producten in de webwinkel.").msgstr = mine
    po.save()
    result = run(root, "align", "articles/slaap.md", "old/slaap.md")
    assert result.exit_code == 0, result.stderr
    assert "6 translated, 2 machine draft, 1 untranslated, 1 kept" in result.stdout
    assert entries(root)["Bestel nu een van onze producten in de webwinkel."].msgstr == mine


def test_json_report(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    result = run(root, "align", "articles/slaap.md", "old/slaap.md", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["version"] == 1 and doc["dry_run"] is False
    [pair] = doc["pairs"]
    assert pair["source"] == "articles/slaap.md"
    assert pair["translation"] == "old/slaap.md"
    assert pair["catalog"] == "locales/en/slaap.po"
    assert pair["language"] == "en"
    source_segments = format_for("x.md").parse(SOURCE, front_matter_fields=("title",)).segments
    dropped = next(k for k, s in enumerate(source_segments) if s.text == DROPPED)
    assert pair["unmatched_source"] == [dropped]
    assert pair["unmatched_target"] == []
    for link in pair["links"]:
        assert set(link) <= {"source", "target", "score", "confident", "reasons"}
        assert all(isinstance(k, int) for k in link["source"] + link["target"])
        assert 0.0 <= link["score"] <= 1.0 and isinstance(link["confident"], bool)
        assert link["confident"] or link["reasons"]
    merged = [link for link in pair["links"] if len(link["source"]) == 2]
    assert [link["source"] for link in merged] == [[dropped - 2, dropped - 1]]
    assert pair["entries"] == {"translated": 7, "machine_draft": 2, "untranslated": 1,
                               "kept": 0}
    assert pair["written"] == ["locales/templates/slaap.pot", "locales/en/slaap.po"]


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    root = workspace(tmp_path)
    before = snapshot(root)
    result = run(root, "align", "articles/slaap.md", "old/slaap.md", "--dry-run")
    assert result.exit_code == 0, result.stderr
    assert "entries: 7 translated, 2 machine draft" in result.stdout
    assert "would write 2 file(s)" in result.stderr
    assert snapshot(root) == before


HTML = "<html><body><h1>Magnesium and sleep</h1><p>Text.</p></body></html>\n"

ERRORS = [
    # (id, files to create, args, exit code, message fragment)
    ("missing source", {}, ["articles/nope.md", "old/slaap.md"], 1,
     "Error: articles/nope.md: source article not found"),
    ("missing translation", {}, ["articles/slaap.md", "old/nope.md"], 1,
     "Error: old/nope.md: translation not found"),
    ("different formats", {"old/slaap.html": HTML}, ["articles/slaap.md", "old/slaap.html"], 1,
     "Error: old/slaap.html: translation is html but the source articles/slaap.md is markdown"),
    ("empty translation", {"old/empty.md": "\n\n"}, ["articles/slaap.md", "old/empty.md"], 1,
     "Error: old/empty.md: translation is empty"),
    ("empty source", {"articles/empty.md": ""}, ["articles/empty.md", "old/slaap.md"], 1,
     "Error: articles/empty.md: source article is empty"),
    ("source outside the workspace", {"elsewhere/slaap.md": SOURCE},
     ["elsewhere/slaap.md", "old/slaap.md"], 1, "outside the articles folder"),
    ("unknown extension", {"old/slaap.docx": "x"}, ["articles/slaap.md", "old/slaap.docx"], 1,
     "unsupported article type '.docx'"),
    ("wrong --lang", {}, ["articles/slaap.md", "old/slaap.md", "--lang", "nl"], 1,
     "its target languages are ['en']"),
    ("translation in the wrong language", {"old/nl.md": SOURCE},
     ["articles/slaap.md", "old/nl.md"], 1, "translation says lang: nl"),
    ("one file only", {}, ["articles/slaap.md"], 2, "expected SOURCE TRANSLATION"),
    ("files and --all", {}, ["articles/slaap.md", "old/slaap.md", "--all", "old"], 2,
     "not both"),
    ("--all without pairs", {}, ["--all", "old"], 1, "no nl/en pairs found"),
]


@pytest.mark.parametrize(("files", "args", "code", "message"),
                         [case[1:] for case in ERRORS], ids=[case[0] for case in ERRORS])
def test_bad_input(tmp_path: Path, files: dict[str, str], args: list[str], code: int,
                   message: str) -> None:
    root = workspace(tmp_path)
    (root / "transflow.toml").write_text(
        (root / "transflow.toml").read_text().replace('source_language = "en"',
                                                      'source_language = "nl"'))
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    before = snapshot(root)
    result = run(root, "align", *args)
    assert result.exit_code == code, result.stderr
    assert message in result.stderr
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    if code == 1:
        assert result.stderr.startswith("Error: ")
        assert len([ln for ln in result.stderr.splitlines() if ln.startswith("Error")]) == 1
    assert snapshot(root) == before


def test_all_aligns_every_pair_in_a_mirrored_tree(tmp_path: Path) -> None:
    make_workspace(tmp_path, {})
    config = (tmp_path / "transflow.toml").read_text()
    config = config.replace('articles = "articles"', 'articles = "content/nl"')
    config = config.replace('source_language = "en"', 'source_language = "nl"')
    (tmp_path / "transflow.toml").write_text(config)
    for lang, text in (("nl", SOURCE), ("en", TRANSLATION)):
        for slug in ("blog/slaap", "tweede"):
            path = tmp_path / "content" / lang / f"{slug}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    result = run(tmp_path, "align", "--all", "content", "--json")
    assert result.exit_code == 0, result.stderr
    doc = json.loads(result.stdout)
    assert [(p["source"], p["translation"], p["catalog"]) for p in doc["pairs"]] == [
        ("content/nl/blog/slaap.md", "content/en/blog/slaap.md", "locales/en/blog/slaap.po"),
        ("content/nl/tweede.md", "content/en/tweede.md", "locales/en/tweede.po"),
    ]
    assert "Warning" not in result.stderr
    assert (tmp_path / "locales/en/blog/slaap.po").read_text() == (
        tmp_path / "locales/en/tweede.po"
    ).read_text().replace("tweede", "blog/slaap")
    # A folder outside the articles folder whose sources are not articles is refused.
    (tmp_path / "loose/nl").mkdir(parents=True)
    (tmp_path / "loose/en").mkdir(parents=True)
    (tmp_path / "loose/nl/x.md").write_text(SOURCE)
    (tmp_path / "loose/en/x.md").write_text(TRANSLATION)
    before = snapshot(tmp_path)
    refused = run(tmp_path, "align", "--all", "loose")
    assert refused.exit_code == 1
    assert "1 source article(s) outside the articles folder" in refused.stderr
    assert snapshot(tmp_path) == before


# --------------------------------------------------------------------------- the corpus


def segment_texts(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8")
    doc = format_for(path).parse(text, front_matter_fields=("title", "description", "summary"))
    return [s.text for s in doc.segments]


@pytest.mark.corpus
def test_every_corpus_pair_aligns_and_rebuilds_close_to_the_translation(
    corpus: Path, tmp_path: Path
) -> None:
    """Align every corpus pair through the CLI; measure how much of the translation comes back.

    The figure is the share of the existing translation's segments that the rebuilt article
    (``build --allow-incomplete``) contains word for word.
    """
    pairs = json.loads((corpus / "pairs" / "pairs.json").read_text("utf-8"))
    gold = json.loads((Path(__file__).parent / "data" / "align_gold.json").read_text("utf-8"))
    source_lang = {e["pair"]: e["source_lang"] for e in gold["pairs"]}
    root = make_workspace(tmp_path, {})
    config = (root / "transflow.toml").read_text()
    (root / "transflow.toml").write_text(config.replace('source_language = "en"',
                                                        'source_language = "nl"'))
    aligned: list[tuple[str, str, Path]] = []
    failures: list[str] = []
    for info in pairs:
        src_lang = source_lang.get(info["id"], "nl")
        tgt_lang = "en" if src_lang == "nl" else "nl"
        src = corpus / "pairs" / info[src_lang]["file"]
        tgt = corpus / "pairs" / info[tgt_lang]["file"]
        slug = info["id"].replace("/", "__")
        shutil.copyfile(src, root / "articles" / f"{slug}{src.suffix}")
        result = run(root, "align", f"articles/{slug}{src.suffix}", str(tgt))
        assert "Traceback" not in result.stderr
        if result.exit_code != 0:
            # Only a clean one-line refusal is acceptable (e.g. lang: nl-nl, not configured).
            assert result.exit_code == 1 and result.stderr.startswith("Error: "), result.stderr
            failures.append(f"{info['id']}: {result.stderr.splitlines()[0]}")
            (root / "articles" / f"{slug}{src.suffix}").unlink()
            continue
        aligned.append((info["id"], tgt_lang, tgt))
    print("\n".join(failures))
    assert len(aligned) >= len(pairs) - 1
    build = run(root, "build", "--allow-incomplete", "--json")
    gated = {a["article"] for a in json.loads(build.stdout)["left_out"]}
    # Articles held back by a gate make build exit 3 (a gate failed); nothing else may fail.
    assert build.exit_code == (3 if gated else 0), build.stderr
    print(f"build --allow-incomplete: {len(gated)} article(s) held back by gates (checks)")
    # The figure measures the alignment, so it is taken from a build without gates: the
    # quality checks rightly flag localised URLs in human translations, which is not a
    # question of alignment.
    out = tmp_path / "rebuilt"
    build_workflow(load_config(root), output=out, allow_incomplete=True)
    found = total = 0
    gold_found = gold_total = 0
    for pair_id, tgt_lang, tgt in aligned:
        slug = pair_id.replace("/", "__")
        built = out / tgt_lang / f"{slug}{tgt.suffix}"
        if not built.exists():
            print(f"{pair_id}: not built")
            continue
        want = Counter(segment_texts(tgt))
        have = Counter(segment_texts(built))
        hits = sum((want & have).values())
        n = sum(want.values())
        print(f"{pair_id}: {hits}/{n} translation segments reproduced exactly")
        found, total = found + hits, total + n
        if pair_id in source_lang:
            gold_found, gold_total = gold_found + hits, gold_total + n
    print(f"all pairs: {found / total:.3f}; gold pairs: {gold_found / gold_total:.3f}")
    assert gold_found / gold_total >= 0.7


SPLIT_SOURCE = """\
# Dosering

Neem 200 mg per dag. Neem het bij voorkeur 's avonds in, met een glas water,
want dan werkt het het best.

De prijs is 15 euro per pot van 60 capsules.

Bestel vandaag nog.
"""

# The translation splits the first paragraph in two and changes the price (a doubtful link).
SPLIT_TRANSLATION = """\
# Dosage

Take 200 mg a day.

Preferably take it in the evening, with a glass of water, because that is when it works best.

The price is 18 euros per jar of 90 capsules.

Order today.
"""


def test_split_paragraph_is_joined_and_doubtful_link_is_a_draft(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, {"dosis.md": SPLIT_SOURCE})
    config = (root / "transflow.toml").read_text()
    (root / "transflow.toml").write_text(config.replace('source_language = "en"',
                                                        'source_language = "nl"'))
    (root / "dosis.en.md").write_text(SPLIT_TRANSLATION, encoding="utf-8")
    result = run(root, "align", "articles/dosis.md", "dosis.en.md", "--json")
    assert result.exit_code == 0, result.stderr
    [pair] = json.loads(result.stdout)["pairs"]
    assert {"source": [1], "target": [1, 2]} in [
        {"source": link["source"], "target": link["target"]} for link in pair["links"]
    ]
    po = {e.msgid: e for e in polib.pofile(str(root / "locales/en/dosis.po")) if e.msgid}
    first = po[next(m for m in po if m.startswith("Neem 200 mg"))]
    assert first.msgstr == ("Take 200 mg a day. Preferably take it in the evening, with a glass "
                            "of water, because that is when it works best.")
    assert state(first) is State.TRANSLATED
    price = po["De prijs is 15 euro per pot van 60 capsules."]
    assert price.msgstr == "The price is 18 euros per jar of 90 capsules."
    assert state(price) is State.MACHINE_DRAFT
    [line] = transflow_lines(price.tcomment, "draft")
    assert line.startswith("transflow: draft align ") and "differ" in line
    assert state(po["Bestel vandaag nog."]) is State.TRANSLATED
