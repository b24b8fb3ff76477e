"""Quality checks: each seeded defect is found by its own check and nothing else fires on
faithful translations (locale number formats, localized URLs, reordered markup)."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from transflow.checks import (
    CHECKS,
    CheckContext,
    Finding,
    check_names,
    disallowed_markup,
    run_checks,
)

EN_NL = CheckContext("en", "nl")
NL_EN = CheckContext("nl", "en")

CLEAN: list[tuple[str, str, CheckContext]] = [
    ("Take 2.5 g a day.", "Neem 2,5 g per dag.", EN_NL),
    ("Neem 2,5 g per dag.", "Take 2.5 g a day.", NL_EN),
    ("About 1,000 people (10%).", "Ongeveer 1.000 mensen (10 %).", EN_NL),
    ("Ongeveer 1.000 mensen.", "About 1,000 people.", NL_EN),
    ("In 2019, take 1–2 capsules of 400 mg.", "Neem in 2019 1-2 capsules van 400 milligram.",
     EN_NL),
    ("A dose of 200 mcg.", "Een dosis van 200 µg.", EN_NL),
    ("Take 2 capsules with 1 glass of water.", "Neem twee capsules met een glas water.", EN_NL),
    ("Neem drie capsules.", "Take 3 capsules.", NL_EN),
    ("Vitamin D3 (1000 IU).", "Vitamine D3 (1000 IE).", EN_NL),
    ("Read [the study](https://example.org/a?id=12).", "Lees [de studie](https://example.org/a?id=12).",
     EN_NL),
    ("See [our shop](https://shop.example/en/magnesium).",
     "Zie [onze winkel](https://shop.example/nl/magnesium).", EN_NL),
    ("Magnesium helps sleep.¹ ²", "Magnesium helpt bij slaap.¹ ²", EN_NL),
    ("Magnesium helps sleep.[^1]", "Magnesium helpt bij slaap.[^1]", EN_NL),
    ("Sleep<sup>3</sup> matters.", "Slaap<sup>3</sup> is belangrijk.", EN_NL),
    ("Use `pip install x` and *this* or **that**.", "Gebruik `pip install x` en **dat** of *dit*.",
     EN_NL),
    ("An image: ![a magnesium pill](pill.png)", "Een afbeelding: ![een magnesiumpil](pill.png)",
     EN_NL),
    ("<b>Bold</b> and <i>italic</i>.", "<i>Cursief</i> en <b>vet</b>.", EN_NL),
    ("Is it safe?", "Is het veilig?", EN_NL),
    ("Magnesium", "Magnesium", EN_NL),
    ("Ingredients:", "Ingrediënten:", EN_NL),
    ("Mail info@example.org or visit www.example.org.",
     "Mail info@example.org of bezoek www.example.org.", EN_NL),
    ("See [font size](/en/stats/font-size).", "Zie [lettergrootte](/nl/stats/font-size).", EN_NL),
    ("Gao X, et al. Effect of Betaine on Reducing Body Fat. Nutrients. 2019;11(10):2480.",
     "Gao X, et al. Effect of Betaine on Reducing Body Fat. Nutrients. 2019;11(10):2480.", NL_EN),
    ("<script>track()</script> Hello there", "<script>track()</script> Hallo daar", EN_NL),
]


@pytest.mark.parametrize(("source", "translation", "ctx"), CLEAN)
def test_faithful_translations_have_no_findings(
    source: str, translation: str, ctx: CheckContext
) -> None:
    assert run_checks(source, translation, ctx) == []


GLOSSARY_CTX = CheckContext("en", "nl", glossary=[("magnesium threonate", "magnesiumthreonaat")])

#: One seeded defect per check: (check expected to fire, source, translation, context).
SEEDED: list[tuple[str, str, str, CheckContext]] = [
    ("numbers", "Take 2 g a day.", "Neem 20 g per dag.", EN_NL),
    ("numbers", "Take 2 g a day.", "Neem 2 mg per dag.", EN_NL),
    ("numbers", "Ongeveer 1.000 mensen.", "About 100 people.", NL_EN),
    ("numbers", "Take 3 capsules a day.", "Neem twee capsules per dag.", EN_NL),
    ("urls", "Read [the study](https://example.org/a?id=12).",
     "Lees [de studie](https://example.org/a?id=13).", EN_NL),
    ("footnotes", "Magnesium helps sleep.¹", "Magnesium helpt bij slaap.", EN_NL),
    ("footnotes", "Magnesium helps sleep.[^1]", "Magnesium helpt bij slaap.[^2]", EN_NL),
    ("links", "Visit [our shop](/shop).", "Bezoek onze winkel.", EN_NL),
    ("link-targets", "Visit [our shop](/shop).", "Bezoek [onze winkel](/winkel).", EN_NL),
    ("code", "Run `make demo` now.", "Voer nu `maak demo` uit.", EN_NL),
    ("images", "Look: ![a pill](pill.png)", "Kijk: ![een pil](capsule.png)", EN_NL),
    ("emphasis", "This is **important** now.", "Dit is nu belangrijk.", EN_NL),
    ("html-tags", "This is important.", "Dit is <b>belangrijk</b>.", EN_NL),
    ("unsafe-markup", "Hello there.", "Hallo daar.<script>steal()</script>", EN_NL),
    ("unsafe-markup", 'A picture <img src="x">.', 'Een plaatje <img src="x" onerror="steal()">.',
     CheckContext("en", "nl", format="html")),
    ("unsafe-markup", 'A <a href="#top">link</a>.', 'Een <a href="javascript:steal()">link</a>.',
     EN_NL),
    ("glossary", "Magnesium threonate supports memory.",
     "Magnesium-L-threonaat ondersteunt het geheugen.", GLOSSARY_CTX),
    ("identical", "Magnesium is important for your sleep quality.",
     "Magnesium is important for your sleep quality.", EN_NL),
    ("target-language", "Het is een goed idee om de code te testen voor je hem deelt.",
     "Het is een goed idee om de code te testen voor je hem deelt.", EN_NL),
    ("length", "Magnesium supports hundreds of processes in the human body every day.",
     "Magnesium helpt.", EN_NL),
    ("whitespace", "Magnesium helps.", "Magnesium helpt. ", EN_NL),
    ("punctuation", "Does magnesium help?", "Helpt magnesium.", EN_NL),
]


@pytest.mark.parametrize(("check", "source", "translation", "ctx"), SEEDED)
def test_each_seeded_defect_is_found_by_its_own_check_only(
    check: str, source: str, translation: str, ctx: CheckContext
) -> None:
    findings = run_checks(source, translation, ctx)
    assert findings, f"{check} missed the defect"
    assert {f.check for f in findings} == {check}, findings
    severity = next(c.severity for c in CHECKS if c.name == check)
    assert all(f.severity == severity for f in findings)


def test_every_registered_check_has_a_seeded_defect() -> None:
    assert {name for name, *_ in SEEDED} == set(check_names())
    assert len(set(check_names())) == len(CHECKS)
    assert {c.severity for c in CHECKS} == {"error", "warning"}


def test_findings_name_check_and_severity() -> None:
    assert run_checks("Take 2 g.", "Neem 3 g.", EN_NL) == [
        Finding("numbers", "error", "missing from the translation: 2 g"),
        Finding("numbers", "error", "not in the source: 3 g"),
    ]


def test_empty_translation_has_no_findings() -> None:
    assert run_checks("Take 2 g.", "", EN_NL) == []


def test_skip_leaves_out_named_checks() -> None:
    assert run_checks("Take 2 g.", "Neem 3 g", EN_NL, skip=["numbers"]) == [
        Finding("punctuation", "warning", "ends with '.' in the source, 'none' here")
    ]


def test_numbers_inside_urls_code_and_footnotes_are_ignored() -> None:
    source = "See [x](https://a.example/p/123) and `v2` ok.[^7]"
    translation = "Zie [x](https://a.example/p/123) en `v2` ok.[^7]"
    assert run_checks(source, translation, EN_NL) == []


def test_unsafe_markup_already_in_source_is_not_reported_again() -> None:
    assert disallowed_markup("<iframe src=v></iframe>", "<iframe src=v></iframe>") == []
    assert disallowed_markup("x", "<IFRAME src=v>") == ["adds forbidden tag <iframe>"]
    assert disallowed_markup("x", "[a](java&#x09;script:alert(1))") == [
        "adds a javascript: URL in a Markdown link"
    ]
    assert disallowed_markup("[a](javascript:void(0))", "[b](javascript:void(0))") == []


def test_plain_added_tags_belong_to_html_tags_not_unsafe_markup() -> None:
    assert disallowed_markup("x", "<b>x</b>") == []
    findings = run_checks("Text here.", "Tekst <b>hier</b>.", EN_NL)
    assert [f.check for f in findings] == ["html-tags"]


def test_unsafe_markup_runs_for_plain_text_too() -> None:
    ctx = CheckContext("en", "nl", format="text")
    findings = run_checks("Hello there.", "Hallo <script>x</script> daar.", ctx)
    assert [f.check for f in findings] == ["unsafe-markup"]


def test_markup_checks_skip_plain_text() -> None:
    ctx = CheckContext("en", "nl", format="text")
    assert run_checks("Say *hi* [x](/y).", "Zeg hoi x.", ctx) == []


def test_html_tags_in_html_format() -> None:
    ctx = CheckContext("en", "nl", format="html")
    findings = run_checks("A <em>fine</em> day.", "Een mooie dag.", ctx)
    assert [(f.check, f.message) for f in findings] == [("html-tags", "tags missing: </em>, <em>")]


def _sample_catalogs() -> list[Path]:
    root = Path(__file__).resolve().parent.parent / "locales"
    return sorted(p for p in root.glob("*/*.po")) if root.is_dir() else []


def test_zero_errors_on_sample_catalogs() -> None:
    catalogs = _sample_catalogs()
    if not catalogs:
        pytest.skip("no sample catalogs under locales/ yet")
    errors = []
    for path in catalogs:
        target = path.parent.name
        po = polib.pofile(str(path))
        source = next((lang for lang in ("en", "nl") if lang != target.split("_")[0]), "en")
        ctx = CheckContext(source, target, format="markdown")
        for entry in po.translated_entries():
            for finding in run_checks(entry.msgid, entry.msgstr, ctx):
                if finding.severity == "error":
                    errors.append((path.name, entry.linenum, finding))
    assert errors == []


def test_few_errors_on_real_human_catalogs(corpus: Path) -> None:
    """A sanity bound on real translations (several are genuine slips: +1 vs +31)."""
    entries = errors = 0
    for path in sorted((corpus / "po").glob("*.po")):
        po = polib.pofile(str(path))
        ctx = CheckContext("en", "nl", format="text")
        for entry in po.translated_entries():
            if entry.msgid_plural:
                continue
            entries += 1
            errors += sum(
                f.severity == "error" for f in run_checks(entry.msgid, entry.msgstr, ctx)
            )
    assert entries > 1000
    assert errors / entries < 0.01


def test_a_language_segment_added_or_dropped_in_a_url_is_the_same_page() -> None:
    ctx = CheckContext("nl", "en")
    source = "Zie [de code](https://www.contributor-covenant.org/nl/version/1/4/code.html)."
    translation = "See [the code](https://www.contributor-covenant.org/version/1/4/code.html)."
    assert [f for f in run_checks(source, translation, ctx) if f.check == "urls"] == []
    other = "See [the code](https://www.contributor-covenant.org/version/2/0/code.html)."
    assert {f.check for f in run_checks(source, other, ctx) if f.severity == "error"} == {"urls"}
