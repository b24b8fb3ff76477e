"""The lean reader (``po.reader``) returns what polib returns, on every catalog we have.

``build``, ``check`` and ``status`` read catalogs with it; ``catalog.load`` (polib) stays
the reference. Compared here attribute for attribute: every catalog of the shared corpus
(written by msgmerge, Weblate, Django, Babel, sphinx-intl, po4a, Transifex), the repo's
own, a table of edge cases, and a few thousand mutations of them (where polib refuses a
file, the lean reader must refuse it with the same error and line).
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from transflow.errors import CatalogError
from transflow.po import catalog, reader

REPO = Path(__file__).resolve().parent.parent
FIELDS = ("msgid", "msgstr", "msgctxt", "msgid_plural", "msgstr_plural", "flags", "tcomment",
          "comment", "occurrences", "previous_msgid", "previous_msgctxt",
          "previous_msgid_plural", "linenum")


def shape(parse: object, text: str) -> object:
    """Everything a reader gives about ``text`` (or the error it raises)."""
    try:
        cat = parse(text)  # type: ignore[operator]
    except CatalogError as exc:
        return ("error", exc.message, exc.line)
    entries = [(*(getattr(e, f) for f in FIELDS), bool(e.obsolete)) for e in cat]
    return (entries, cat.file.header, dict(cat.metadata), cat.file.metadata_is_fuzzy)


def same(text: str) -> None:
    assert shape(reader.read_text, text) == shape(catalog.parse, text)


EDGE_CASES = [
    "",
    'msgid ""\nmsgstr ""\n',
    '# header comment\n#\n# more\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: nl\\n"\n'
    '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"\n"X-Multi: a\\n"\n"  continued\\n"\n\n'
    '#. heading 1\n#: a.md:1 b.md:2 c.md d:e.md:x\n#, fuzzy, python-format\n'
    '#| msgctxt "old"\n#| msgid "Old "\n#| "text"\nmsgctxt "ctx"\nmsgid "New "\n"text"\n'
    'msgstr ""\n"Nieuwe \\"tekst\\"\\n"\n"en\\tmeer\\\\"\n',
    'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "een"\nmsgstr[1] ""\n"veel"\n',
    '#~ msgid "gone"\n#~ msgstr "weg"\n\n#~| msgid "older"\n#~ msgid "gone "\n#~ "too"\n'
    '#~ msgstr "ook"\n',
    'msgid "a"\nmsgstr "b"\n# trailing comment\n',
    '## double\n# transflow: reviewed by X on 2026-01-01\n#\nmsgid "a"\nmsgstr "b"\n',
    'msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n',  # duplicate
    'msgid "a\nmsgstr "b"\n',  # unterminated
    'msgid "a"\nmsgstr "b"\nmsgid "c"\nmsgstr "d"\n',
    'msgctxt "x"\nmsgid ""\nmsgstr "header?"\n\nmsgid ""\nmsgstr "Language: en\\n"\n',
    'msgid "a"\nmsgstr "b"\n\nmsgid ""\nmsgstr "Language: en\\n"\n',
    '#: \n#, \n#. \nmsgid "a"\nmsgstr "esc \\a \\q \\v \\b \\f \\r"\n',
    '\ufeffmsgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n',
    '#| msgid "x"\n#| "y"\n#| msgid_plural "xs"\nmsgid "a"\nmsgid_plural "as"\n'
    'msgstr[0] "b"\nmsgstr[1] "bs"\n',
    '#| "orphan"\nmsgid "a"\nmsgstr "b"\n',
    '#| msgid\nmsgid "a"\nmsgstr "b"\n',
    'msgid "a" \n  msgstr "b"  \n\t"c"\n',
    'msgstr "no id"\n',
    '#~ msgid "a"\nmsgstr "live str after obsolete id"\n',
    # runs of continuation strings (read in one go) broken by every kind of other line
    'msgid ""\n"one "\n"two "\n"th\\"ree"\n"four"\nmsgstr ""\n"a"\n" b"\n"\u2028c"\n"d"\n',
    'msgid ""\n"x"\n"y" \n"z"\nmsgstr ""\n""\n"\n"w"\n',
    'msgid "one"\nmsgid_plural ""\n"ma"\n"ny"\nmsgstr[0] ""\n"e"\n"en"\nmsgstr[1] "v"\n"eel"\n',
    'msgctxt ""\n"c"\n"d"\nmsgid "a"\n"b"\nmsgstr "c"\n"d"\n#~ "e"\n"f"\n',
]


def local_catalogs() -> list[Path]:
    return sorted([*REPO.glob("locales/**/*.po"), *REPO.glob("locales/**/*.pot"),
                   *REPO.glob("tests/**/*.po"), *REPO.glob("tests/**/*.pot")])


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases(text: str) -> None:
    same(text)


def test_the_repository_catalogs() -> None:
    paths = local_catalogs()
    assert paths
    for path in paths:
        same(catalog.decode(path.read_bytes(), path))


def test_the_corpus_catalogs(corpus: Path) -> None:
    paths = sorted(corpus.rglob("*.po")) + sorted(corpus.rglob("*.pot"))
    assert len(paths) >= 100
    for path in paths:
        same(catalog.decode(path.read_bytes(), path))


ODD_LINES = ['#~ msgid "x"', '#~ msgstr "y"', '#| msgid "p"', '#| "q"', '"cont"', '#, fuzzy',
             '#: f.md:3', "#. kind", "#", "# note", 'msgctxt "c"', 'msgid ""', 'msgstr ""',
             'msgstr[0] "z"', 'msgid_plural "zs"', '#~| msgid "o"', "bad line", 'msgid "a"b"',
             "", '#~ "more"', "#~"]


def test_mutations_agree() -> None:
    rng = random.Random(13)
    bases = [t for t in EDGE_CASES if t] + [
        catalog.decode(p.read_bytes(), p) for p in local_catalogs()[:6]]
    for _ in range(2500):
        lines = rng.choice(bases).split("\n")
        for _ in range(rng.randint(1, 3)):
            what = rng.random()
            at = rng.randrange(len(lines) + 1)
            if what < 0.4:
                lines.insert(at, rng.choice(ODD_LINES))
            elif what < 0.7 and lines:
                del lines[min(at, len(lines) - 1)]
            elif lines:
                lines.insert(at, lines[rng.randrange(len(lines))])
        same("\n".join(lines))


def general(text: str) -> object:
    """The general state machine's answer (or its refusal), as ``shape`` gives it."""
    try:
        found = reader._entries(text)
    except reader._Fallback:
        return "refused"
    return ([(*(getattr(e, f) for f in FIELDS), e.obsolete) for e in found], found.header,
            found.metadata, found.metadata_is_fuzzy)


def canonical(text: str) -> object:
    """The entry-at-a-time reader's answer: None when the file is not of its shape."""
    try:
        found = reader._canonical(text)
    except reader._Fallback:
        return "refused"
    if found is None:
        return None
    return ([(*(getattr(e, f) for f in FIELDS), e.obsolete) for e in found], found.header,
            found.metadata, found.metadata_is_fuzzy)


CANONICAL = [
    'msgid "a"\nmsgstr "b"\n',
    '# head\n#\n# more\n\n#, fuzzy\nmsgid ""\nmsgstr ""\n"Language: nl\\n"\n\n'
    '# note\n# transflow: reviewed 2026-11-26 3f2a9c1b0d4e Jane\n#. paragraph\n#. more\n'
    '#: a.md:1 b.md:2\n#: c.md d:e.md:x\n#, fuzzy, c-format\n#, no-wrap\n'
    '#| msgctxt "o"\n#| "ld"\n#| msgid "Old "\n#| "te\\"xt"\nmsgctxt "c"\n"tx"\nmsgid ""\n'
    '"New \\\\"\n"text"\nmsgstr "Nieuw"\n" \\"tekst\\"\\n"\n\n\n'
    '#. gone\n#~ msgctxt "x"\n#~ "y"\n#~ msgid "a"\n#~ "b"\n#~ msgstr "c"\n#~ "d"\n',
    '#. first\nmsgid "x"\nmsgstr ""\n\n#~ msgid "y"\n#~ msgstr "z"\n',
    '# only a header comment\n',
]


@pytest.mark.parametrize("text", CANONICAL)
def test_the_usual_shape_is_read_an_entry_at_a_time(text: str) -> None:
    assert canonical(text) is not None
    assert canonical(text) == general(text)
    same(text)


def test_what_transflow_writes_is_read_an_entry_at_a_time() -> None:
    paths = [p for p in local_catalogs() if p.is_relative_to(REPO / "locales")]
    assert paths
    for path in paths:
        text = catalog.decode(path.read_bytes(), path)
        assert canonical(text) is not None, path
        assert canonical(text) == general(text)


def test_the_two_readers_agree_on_every_catalog(corpus: Path) -> None:
    paths = local_catalogs() + sorted(corpus.rglob("*.po")) + sorted(corpus.rglob("*.pot"))
    read = 0
    for path in paths:
        text = catalog.decode(path.read_bytes(), path).removeprefix("\ufeff")
        found = canonical(text)
        if found is not None:
            read += 1
            assert found == general(text), path
    assert read >= len(paths) // 2  # most catalogs of every tool have the usual shape


#: Characters that make or break the usual shape: quotes, escapes, every line break
#: ``str.splitlines`` knows, comment markers, blank lines.
BREAKERS = ['"', "\\", " ", "\r", "\u2028", "\x0b", "\x0c", "\x1c", "\x85", "#", "~", ":",
            ",", ".", "|", "\n", "\n\n", "\t", '\\"', "\\n", "#~ ", "#| ", "# ", "msgid "]


def test_the_two_readers_agree_on_mutations_of_the_usual_shape() -> None:
    rng = random.Random(7)
    bases = [t for t in [*CANONICAL, *(catalog.decode(p.read_bytes(), p)
                                       for p in local_catalogs()[:8])]
             if canonical(t) not in (None, "refused")]
    assert len(bases) >= 8
    read = 0
    for _ in range(4000):
        text = rng.choice(bases)
        for _ in range(rng.randint(1, 3)):
            at = rng.randrange(len(text) + 1)
            if rng.random() < 0.6:
                text = text[:at] + rng.choice(BREAKERS) + text[at:]
            else:
                text = text[:at] + text[at + rng.randint(1, 3):]
        found = canonical(text)
        if found is not None:
            read += 1
            assert found == general(text), repr(text)
    assert read > 1000


def test_references_and_lines_worked_out_when_asked_are_polib_s_and_can_be_set() -> None:
    """An entry read the usual way says its references and line when first asked (as
    polib does), says them again the same, and takes new ones when set."""
    text = ('msgid ""\nmsgstr ""\n"Language: nl\\n"\n\n#. paragraph\n#: a.md:3 b.md\n'
            '#: c:d.md:x\nmsgid "One"\nmsgstr "Een"\n\n\n#: a.md:7\nmsgid "Two"\n'
            'msgstr ""\n"Twee"\n')
    expected = [(e.occurrences, e.linenum) for e in catalog.parse(text)]
    entries = list(reader.read_text(text))
    assert [(e.occurrences, e.linenum) for e in entries] == expected
    assert [(e.occurrences, e.linenum) for e in entries] == expected  # asked again
    first = entries[0]
    first.occurrences, first.linenum = [("x.md", "1")], 42
    assert (first.occurrences, first.linenum) == ([("x.md", "1")], 42)
