"""Catalog merge (msgmerge-style), atomic save without churn, and readable load errors."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from pathlib import Path

import polib
import pytest

from transflow.errors import CatalogError
from transflow.po import catalog
from transflow.states import State, entry_state

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
LATER = datetime(2027, 1, 2, 9, 30, tzinfo=UTC)


def template(*texts: str) -> list[catalog.TemplateEntry]:
    return catalog.build_template(
        [(t, "paragraph", n) for n, t in enumerate(texts, 1)], "articles/a.md"
    )


def translated(cat: catalog.Catalog) -> dict[str, str]:
    return {e.msgid: e.msgstr for e in catalog.active_entries(cat)}


def test_identical_segments_share_one_entry_with_all_references() -> None:
    entries = catalog.build_template(
        [("Promo", "paragraph", 3), ("Intro", "heading 1", 1), ("Promo", "list item", 9)], "a.md"
    )
    assert [e.msgid for e in entries] == ["Promo", "Intro"]
    assert entries[0].references == (("a.md", 3), ("a.md", 9))
    assert entries[0].kinds == ("paragraph", "list item")


def test_merge_keeps_changes_fuzzy_obsoletes_removed_and_adds_new() -> None:
    cat = catalog.new_catalog("nl", "a", NOW)
    catalog.merge(cat, template("The cat sat on the mat today.", "Goodbye.", "Keep me."))
    for entry, text in zip(catalog.active_entries(cat), ["De kat zat.", "Dag.", "Blijf."],
                           strict=True):
        entry.msgstr = text
    report = catalog.merge(cat, template("The cat sat on the red mat today.", "Keep me.", "New."))
    assert (report.kept, report.fuzzy, report.new, report.obsolete) == (1, 1, 1, 1)
    entries = {e.msgid: e for e in cat}
    changed = entries["The cat sat on the red mat today."]
    assert changed.msgstr == "De kat zat."
    assert "fuzzy" in changed.flags
    assert changed.previous_msgid == "The cat sat on the mat today."
    assert entry_state(changed) is State.NEEDS_WORK
    assert entries["Goodbye."].obsolete and entries["Goodbye."].msgstr == "Dag."
    assert entries["Keep me."].msgstr == "Blijf."
    assert entries["New."].msgstr == ""
    # The obsolete entry comes back when its segment does.
    report = catalog.merge(cat, template("Goodbye.", "Keep me."))
    assert report.revived == 1
    assert translated(cat)["Goodbye."] == "Dag."


def test_merge_drops_untranslated_vanished_entries_and_keeps_document_order() -> None:
    cat = catalog.new_catalog("nl", "a", NOW)
    catalog.merge(cat, template("A one.", "B two."))
    catalog.merge(cat, template("C three.", "A one."))
    assert [e.msgid for e in cat] == ["C three.", "A one."]


def test_save_is_atomic_and_skips_unchanged_content(tmp_path: Path) -> None:
    cat = catalog.new_catalog("nl", "a", NOW)
    catalog.merge(cat, template("Hello."))
    path = tmp_path / "nl" / "a.po"
    assert catalog.save(cat, path, now=NOW)
    before = path.read_bytes()
    again = catalog.load(path)
    assert not catalog.save(again, path, now=LATER)  # nothing changed: no date churn
    assert path.read_bytes() == before
    next(catalog.active_entries(again)).msgstr = "Hallo."
    assert catalog.save(again, path, now=LATER)
    text = path.read_text(encoding="utf-8")
    assert "PO-Revision-Date: 2027-01-02 09:30+0000" in text
    assert [p.name for p in path.parent.iterdir()] == ["a.po"]  # no temp files left


def test_header_is_complete_with_babel_plural_forms() -> None:
    cat = catalog.new_catalog("nl", "demo", NOW)
    assert cat.metadata["Language"] == "nl"
    assert cat.metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"
    assert cat.metadata["Content-Type"] == "text/plain; charset=UTF-8"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ('msgid "a"\nmsgstr "b\n', "unterminated string", 2),
        ('msgid "a"\nmsgstr b\n', "syntax error", 2),
        ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', "duplicate entry", 4),
    ],
)
def test_load_errors_name_file_and_line(
    tmp_path: Path, text: str, message: str, line: int | None
) -> None:
    path = tmp_path / "bad.po"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        catalog.load(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    if line is not None:
        assert info.value.line == line


def test_non_utf8_catalog_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "latin.po"
    path.write_bytes(b'msgid "caf\xe9"\nmsgstr ""\n')
    with pytest.raises(CatalogError, match="UTF-8"):
        catalog.load(path)


def test_render_round_trips_through_polib() -> None:
    cat = catalog.new_catalog("nl", "a", NOW)
    catalog.merge(cat, template("Hello world."))
    entry = next(catalog.active_entries(cat))
    entry.msgstr = "Hallo wereld."
    entry.tcomment = "transflow: draft deepl 2026-11-26"
    entry.flags.insert(0, "fuzzy")
    text = catalog.render(cat)
    again = polib.pofile(text)
    assert catalog.render(catalog.Catalog(again)) == text


def test_a_changed_source_drops_the_old_approval() -> None:
    cat = catalog.new_catalog("nl", "a", NOW)
    catalog.merge(cat, template("The cat sat on the mat today."))
    entry = next(catalog.active_entries(cat))
    entry.msgstr = "De kat zat vandaag op de mat."
    entry.tcomment = "my note\ntransflow: reviewed 2026-11-26 0123456789ab Jane"
    catalog.merge(cat, template("The cat sat on the red mat today."))
    changed = next(catalog.active_entries(cat))
    assert changed.tcomment == "my note"
    assert entry_state(changed) is State.NEEDS_WORK


def test_save_keeps_an_edit_made_on_disk_after_the_catalog_was_read(tmp_path: Path) -> None:
    """A translator saves in Poedit while a command holds the catalog: nothing is lost."""
    cat = catalog.new_catalog("nl", "a", NOW)
    catalog.merge(cat, template("One.", "Two.", "Three."))
    path = tmp_path / "a.po"
    catalog.save(cat, path, now=NOW)
    ours = catalog.load(path)
    # Meanwhile, in the translator's editor:
    theirs = polib.pofile(str(path))
    theirs.find("Two.").msgstr = "Twee (door de vertaler)."
    theirs.find("Three.").msgstr = "Drie (door de vertaler)."
    theirs.save()
    # The command drafts One. and Three. and saves.
    for entry in catalog.active_entries(ours):
        if entry.msgid in ("One.", "Three."):
            entry.msgstr = "draft " + entry.msgid
            entry.flags.insert(0, "fuzzy")
    assert catalog.save(ours, path, now=LATER)
    result = {e.msgid: e.msgstr for e in catalog.active_entries(catalog.load(path))}
    assert result == {"One.": "draft One.", "Two.": "Twee (door de vertaler).",
                      "Three.": "Drie (door de vertaler)."}


def test_entries_from_the_template_are_what_polib_makes() -> None:
    """The fast construction of a new entry gives polib's own entry, with its own lists."""
    tmpl = catalog.TemplateEntry("A *msgid*", ("paragraph", "heading 2"),
                                 (("articles/a.md", 3), ("articles/a.md", None)))
    made = catalog._entry_from_template(tmpl)
    expected = polib.POEntry(msgid="A *msgid*", msgstr="", comment="paragraph; heading 2",
                             occurrences=[("articles/a.md", "3"), ("articles/a.md", "")])
    assert type(made) is polib.POEntry
    assert vars(made) == vars(expected)
    other = catalog._entry_from_template(tmpl)
    other.flags.append("fuzzy")
    other.msgstr_plural[0] = "x"
    assert made.flags == [] and made.msgstr_plural == {}
    assert str(made) == str(expected)


def _both_ways(entries: list[catalog.TemplateEntry], lang: str) -> tuple[str, str]:
    """A new catalog's text made by merging (the general way) and by ``take_entries`` with
    the template's text (how a first sync makes it)."""
    merged = catalog.new_catalog(lang, "a", NOW)
    catalog.merge(merged, entries)
    pot = catalog.new_catalog(None, "a", NOW)
    catalog.merge(pot, entries, template_only=True)
    pot.loaded = catalog.render(pot)
    taken = catalog.new_catalog(lang, "a", NOW)
    report = catalog.take_entries(taken, pot)
    assert report == catalog.MergeReport(new=len(entries))
    assert [e.msgid for e in taken] == [e.msgid for e in merged]
    return catalog.render(merged), catalog.render(taken, like=pot)


@pytest.mark.parametrize("texts", [
    (),
    ("Short.",),
    ("A long paragraph " * 12, 'With "quotes", a \\ backslash\tand a tab.', "Two\nlines.",
     "Short.", "Short.", "Ünïcödé — dashes and superscripts¹ in a long enough line " * 3),
])
def test_take_entries_renders_like_a_merge(texts: tuple[str, ...]) -> None:
    for lang in ("nl", "de"):
        general, shared = _both_ways(template(*texts), lang)
        assert shared == general


def test_take_entries_renders_like_a_merge_on_the_corpus(corpus: Path) -> None:
    from transflow.formats import markdown

    articles = sorted((corpus / "articles").rglob("*.md"))
    assert articles
    for path in articles:
        doc = markdown.parse(path.read_text(encoding="utf-8"), front_matter_fields=("title",))
        entries = catalog.build_template(
            [(s.text, s.kind, s.line) for s in doc.segments], path.name)
        general, shared = _both_ways(entries, "nl")
        assert shared == general, path.name


def test_take_entries_only_fills_a_new_catalog() -> None:
    pot = catalog.new_catalog(None, "a", NOW)
    catalog.merge(pot, template("One."), template_only=True)
    full = catalog.new_catalog("nl", "a", NOW)
    catalog.merge(full, template("Two."))
    with pytest.raises(ValueError):
        catalog.take_entries(full, pot)


def test_date_stamp_is_strftime_also_for_equal_instants_in_other_zones() -> None:
    from datetime import timedelta

    later_zone = NOW.astimezone(timezone_of(2))
    assert later_zone == NOW
    for moment in (NOW, later_zone, NOW.replace(tzinfo=None), LATER, NOW):
        assert catalog.date_stamp(moment) == moment.strftime("%Y-%m-%d %H:%M%z")
    assert catalog.date_stamp(later_zone) == "2026-11-26 14:00+0200"
    assert timedelta(hours=2) == later_zone.utcoffset()


def timezone_of(hours: int) -> tzinfo:
    from datetime import timedelta, timezone

    return timezone(timedelta(hours=hours))
