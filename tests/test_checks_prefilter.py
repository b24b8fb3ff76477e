"""The checks' pre-filters are conservative: the fast path finds exactly what the full one does.

``run_checks`` skips a check whose pre-filter (``Check.may_find``) says it cannot find
anything on a pair; ``run_checks(..., prefilter=False)`` runs every check in full. Both are
run over every entry of every catalog in the shared corpus (as translated, reversed and
crossed with a neighbour, in every format and with a glossary), and over generated pairs
built to sit on the edge of each pre-filter; the findings must be equal, in order.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

from transflow.checks import CHECKS, CheckContext, run_checks

CONTEXTS = [
    CheckContext("en", "nl"),
    CheckContext("nl", "en"),
    CheckContext("en", "nl", format="html"),
    CheckContext("en", "nl", format="text"),
    CheckContext("en", "en_GB"),
    CheckContext("en", "nl", glossary=[("magnesium", "magnesium"), ("the", "de")]),
]


def assert_same(source: str, translation: str, ctx: CheckContext) -> None:
    fast = run_checks(source, translation, ctx)
    full = run_checks(source, translation, ctx, prefilter=False)
    assert fast == full, (source, translation, ctx)


def test_every_check_but_some_has_a_pre_filter() -> None:
    """The pre-filters are wired in (else this whole module would test nothing)."""
    assert sum(c.may_find is not None for c in CHECKS) >= 12


#: Texts that sit on the edges of the pre-filters: digits, superscripts, footnotes, code,
#: inline markup, tags, script URLs, entities, outer whitespace, lengths around 40.
EDGES = [
    "",
    " ",
    "Magnesium",
    "Take 2 g a day.",
    "Take 2 mg a day.",
    "Take 20 g a day.",
    "Neem twee g per dag.",
    "Take 2,5 g and 1.000 mg (10%).",
    "Take 1.000 mg and 2,5 g (10 %).",
    "Take 2 g, then 3 g.",
    "Take 3 g, then 2 g.",
    "Variant 7.",
    "Variant 7.¹",
    "Variant 7.²",
    "Sleep matters.¹²",
    "Sleep matters.[^1]",
    "Sleep matters.[^2] and `[^1]`",
    "Sleep<sup>3</sup> matters.",
    "Sleep<SUP>3</SUP> matters.",
    "Run `make 2` now.",
    "Run `make 3` now.",
    "Visit [our shop](/shop) now.",
    "Visit [our shop](/winkel) now.",
    "Visit [our shop](https://shop.example/en/x) now.",
    "Visit [our shop](https://shop.example/nl/x) now.",
    "See https://example.org/a?id=12 and www.example.org.",
    "See https://example.org/a?id=13.",
    "Look: ![a pill](pill.png)",
    "This is **important** and *so* is ~~this~~.",
    "This is important and so is this.",
    "A <b>bold</b> claim.",
    "A <i>bold</i> claim.",
    "A <script>steal()</script> claim.",
    "A [link](javascript:steal()) claim.",
    "A [link](java&#115;cript:steal()) claim.",
    '{{< button href="javascript:alert(1)" >}}',
    "data: text/html;base64,xx",
    "Fish &amp; chips: 2 portions.",
    "<!-- hidden --> text",
    "An unclosed <b tag",
    " Leading space.",
    "Trailing space. ",
    "Tabbed\t",
    "\u00a0No-break space.",
    "Het is een goed idee om de code te testen voor je hem deelt.",
    "It is a good idea to test the code before you share it with the others.",
    "Magnesium is important for your sleep quality and your health.",
    "Magnesium is important for your sleep quality and your health. ",
    "x" * 39,
    "x" * 40,
    "Word " * 8,
    "Does magnesium help?",
    "Does magnesium help…",
    "Ingredients:",
    "Gao X, et al. Nutrients. 2019;11(10):2480.",
    "doi:10.1000/182 is cited.",
    "Mail info@example.org about 5 things.",
    "Temperatuur 37 °C en 98,6 °F.",
    "Temperature 37 °C and 98.6 °F.",
    "١٢٣ Arabic-Indic digits and ５ full-width.",
    "Kelvin \u212a and café’s déjà vu, l’eau de la maison.",
]


#: Long texts whose ends sit on the edge of the punctuation pre-filter's window.
ENDINGS = ["..¹.", ".¹²³", "?" + "¹" * 60, "!" + " " * 50, ":)" + "”" * 47, "…\u00a0)",
           ". \u00a0 )", "x" * 45 + ".¹", "..." + "⁴" * 45 + ")", "?)" + "\t" * 46, "end"]
EDGES += [("Word " * 12 + ending) for ending in ENDINGS]
EDGES += [("Word " * 12)[: 48 - len(ending) + i] + ending
          for ending in ENDINGS[:4] for i in (1, 2, 3)]


def test_edge_pairs_agree() -> None:
    for source, translation in itertools.product(EDGES, repeat=2):
        for ctx in CONTEXTS[:4]:
            assert_same(source, translation, ctx)


def _corpus_pairs(corpus: Path) -> Iterator[tuple[str, str]]:
    for path in sorted(corpus.rglob("*.po")):
        try:
            catalog = polib.pofile(str(path))
        except (OSError, ValueError):
            continue
        entries = [e for e in catalog if e.msgid]
        for entry, neighbour in zip(entries, entries[1:] + entries[:1], strict=True):
            translation = entry.msgstr or next(iter(entry.msgstr_plural.values()), "")
            if translation:
                yield entry.msgid, translation
                yield translation, entry.msgid
            yield entry.msgid, neighbour.msgstr or neighbour.msgid


@pytest.mark.parametrize("ctx", CONTEXTS, ids=lambda c: f"{c.source_lang}-{c.target_lang}"
                         f"-{c.format}-{len(c.glossary)}")
def test_corpus_pairs_agree(corpus: Path, ctx: CheckContext) -> None:
    pairs = list(_corpus_pairs(corpus))
    assert len(pairs) > 1000
    findings = 0
    for source, translation in pairs:
        assert_same(source, translation, ctx)
        findings += bool(run_checks(source, translation, ctx))
    assert findings > 100  # the crossed pairs make the checks find things to agree on


def _reference_count(text: str) -> dict[str, int]:
    """``language_guess.count_function_words`` as first written: word by word."""
    from collections import Counter

    from transflow import language_guess as lg

    counts = dict.fromkeys(lg.PROFILES, 0)
    for found, times in Counter(lg._WORD.findall(lg._NOISE.sub(" ", text))).items():
        word = found.lower().replace("’", "'")
        for language in lg._LANGUAGES_OF.get(word, ()):
            counts[language] += times
    return counts


def test_function_word_counts_agree_with_the_word_by_word_count(corpus: Path) -> None:
    from transflow.language_guess import count_function_words

    texts = [*EDGES, "It’s what they’re doing, isn’t it? The \u212aing’s men.",
             "Δεν είναι the and to that."]
    texts += [t for pair in _corpus_pairs(corpus) for t in pair]
    for text in texts:
        assert count_function_words(text) == _reference_count(text), text


def test_number_tokens_in_one_pass_are_the_numbers_read_one_by_one(corpus: Path) -> None:
    from transflow.checks.numbers import _numbers, _tokens

    texts = [*EDGES, "5mg 5 mg 5  mg 5\u00a0mg 2,5g 10%x 3 µg 4 μg 7°C 8 °f 9 kcal1 1.000,5 l."]
    texts += [t for pair in _corpus_pairs(corpus) for t in pair]
    for text in texts:
        assert _tokens(text) == tuple((n.token, n.unit) for n in _numbers(text, "en")), text


def _reference_prose(text: str) -> str:
    """``checks.text._prose`` with every pattern applied, whatever the text holds."""
    from transflow.checks import text as t

    text = t._SCRIPT_BLOCK.sub(" ", t._HTML_COMMENT.sub(" ", text))
    text = t._CODE_SPAN.sub(" ", text)
    text = t._strip_footnote_sups(text)
    text = t._MD_LINK_TARGET.sub("]", text)
    text = t._HTML_TAG.sub(" ", text)
    text = t._ENTITY.sub(" ", text)
    text = t._MAILTO.sub(" ", text)
    text = t._BARE_URL.sub(" ", text)
    text = t._FOOTNOTE_REF.sub(" ", text)
    return t._SUPERSCRIPT_RUN.sub(" ", text)


def test_prose_skips_only_patterns_that_cannot_match(corpus: Path) -> None:
    from transflow.checks.text import _prose

    tricky = ["MaıLto:x@y.z 1", "MAİLTO:x@y.z", "mailto:a@b.c", "WWW.x.org 2", "Www.x 3",
              "ftp://x.y/z", "x&amp;y ¹² ⁰ ⁴⁵", "a<sup>1</sup>b", "[^n] `c` ](x)"]
    texts = [*EDGES, *tricky, *PLAIN_EDGES]
    texts += [t for pair in _corpus_pairs(corpus) for t in pair]
    for text in texts:
        assert _prose.__wrapped__(text) == _reference_prose(text), text


def test_superscript_runs_are_replaced_as_the_pattern_replaces_them() -> None:
    from transflow.checks.text import _SUPERSCRIPT_RUN, _replace_superscript_runs

    texts = [*EDGES, "¹", "¹¹¹", "a¹²³⁴⁵⁶⁷⁸⁹⁰b", "⁰⁰x⁹", "x ¹ ² ³", "¹¹¹¹¹x¹¹", "é²"]
    for text in texts:
        for replacement in ("", " "):
            assert _replace_superscript_runs(text, replacement) == _SUPERSCRIPT_RUN.sub(
                replacement, text), text


def test_searched_scans_find_what_the_patterns_find(corpus: Path) -> None:
    """The superscript runs and the first digit, found with substring searches, are what
    ``_SUPERSCRIPT_RUN.findall`` and ``_NUMBER_UNIT``'s first match find: on the edge
    cases, every superscript and digit mixed with text, and the corpus's pairs."""
    from transflow.checks import numbers as n
    from transflow.checks import text as t

    texts = [*EDGES, "", "¹", "¹¹¹", "a¹²³⁴⁵⁶⁷⁸⁹⁰b", "⁰⁰x⁹", "x ¹ ² ³", "¹¹¹¹¹x¹¹", "é²",
             "²x¹", "⁹⁸⁷", "no digit", "9", "a 9 b 0 c 5", "x1", "é 2019 ⁴", "٣ 3"]
    texts += ["".join(chunk) for chunk in itertools.product(["a", "¹", "²", "⁴", "3", " "],
                                                             repeat=4)]
    texts += [t for pair in _corpus_pairs(corpus) for t in pair]
    for text in texts:
        assert t._superscript_labels(text) == [
            run.translate(t._SUPER_TO_DIGIT) for run in t._SUPERSCRIPT_RUN.findall(text)], text
        assert t._find_superscript_runs(text) == tuple(
            m.span() for m in t._SUPERSCRIPT_RUN.finditer(text)), text
        for replacement in ("", " "):
            assert t._replace_superscript_runs(text, replacement) == t._SUPERSCRIPT_RUN.sub(
                replacement, text), text
        first = n._NUMBER_UNIT.search(text)
        assert n._first_digit(text) == (first.start() if first else -1), text
        assert n._tokens.__wrapped__(text) == tuple(
            (token, n._UNIT_ALIASES.get(unit.lower()) if unit else None)
            for token, unit in n._NUMBER_UNIT.findall(t._prose(text))), text


def test_fingerprints_in_a_batch_are_the_entry_fingerprints() -> None:
    from transflow.workflow.check import entry_fingerprint, fingerprints

    entries = [polib.POEntry(msgid="Take 2 g.", msgstr="Neem 2 g."),
               polib.POEntry(msgid="Take 2 g.", msgstr="Neem 2 g.", msgctxt="dose"),
               polib.POEntry(msgid="Täke\udcff", msgstr="", msgctxt="")]
    for ctx in CONTEXTS[:4]:
        for attribute in ([False, True, False], [True, False, True]):
            assert fingerprints(entries, ctx, attribute) == [
                entry_fingerprint(e, ctx, a) for e, a in zip(entries, attribute, strict=True)]


def test_fast_scan_spellings_match_as_the_plain_spellings(corpus: Path) -> None:
    """``[0-9][0-9]*``, ``[…][…]*`` and ``(``*)`` (written for the engine's fast scan) find
    what ``[0-9]+``, ``[…]+`` and ``(`+)`` find: the same matches, groups and spans."""
    import re

    from transflow.checks import numbers as n
    from transflow.checks import text as t

    plain = {
        n._NUMBER: re.compile(r"[0-9]+(?:[.,\u00a0\u202f\u2009][0-9]+)*"),
        n._NUMBER_UNIT: re.compile(r"([0-9]+(?:[.,\u00a0\u202f\u2009][0-9]+)*)"
                                   r"(?:\s?(%|‰|°[cCfF]|[A-Za-zµμ]+)(?![A-Za-z0-9]))?"),
        t._SUPERSCRIPT_RUN: re.compile(f"[{t._SUPERSCRIPTS}]+"),
        t._CODE_SPAN: re.compile(r"(`+)(.+?)\1", re.S),
        t._BARE_URL: re.compile(r"""(?:https?|ftp)://[^\s<>"'`\]\[)(]+|www\.[^\s<>"'`\]\[)(]+""",
                                re.I),
    }
    texts = [*EDGES, "12,5 1.000.000,25 3\u00a0000 7 %x ¹²³a⁴ `` `a` b ``c``` ```d``", "0",
             "HTTPS://A.b xhttp://c httpſ://d FTP://e wWw.f ftp:/g www,h Www.(i) hhttp://j"]
    texts += [t for pair in _corpus_pairs(corpus) for t in pair]
    for text in texts:
        for fast, reference in plain.items():
            assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [
                (m.span(), m.groups()) for m in reference.finditer(text)], text


#: Plain-looking texts at the edge of ``is_plain``: a ``www.`` in any case, URLs and
#: markup hidden behind one character, superscript markers, digits in every notation.
PLAIN_EDGES = ["WWW.example.org has 3 pages", "see wWw.x.nl 4", "Ww. 5 w.w. 6", "www 7",
               "ſee 8 httpſ//x", "Take 2 g.¹ Then 3.²³", "Neem 2 g.¹ Dan 4.²³",
               "a\u00a05 mg", "data 5 javascript 6", "mailto 7 lto 8", "x = 9 href=10",
               "k\u212a 12 \u0130\u0131 13", "text with ! ? # $ % ^ ( ) { } | \\ / ; ' \" , ."]


def test_markup_only_checks_find_nothing_on_plain_pairs(corpus: Path) -> None:
    """What ``run_checks`` skips on a pair of plain texts finds nothing there, run in full."""
    from transflow.checks.text import is_plain

    markup_only = [c for c in CHECKS if c.markup_only]
    assert {c.name for c in markup_only} >= {"urls", "links", "code", "images", "html-tags",
                                             "unsafe-markup"}
    texts = [*EDGES, *PLAIN_EDGES]
    texts += [t for pair in _corpus_pairs(corpus) for t in pair]
    plain = [t for t in dict.fromkeys(texts) if is_plain(t)]
    assert len(plain) > 100
    pairs = list(itertools.product(plain[:60], repeat=2))
    pairs += list(zip(plain, plain[1:] + plain[:1], strict=True))
    for source, translation in pairs:
        for ctx in CONTEXTS[:4]:
            for check in markup_only:
                assert check(source, translation, ctx) == [], (check.name, source, translation)


def test_plain_edge_pairs_agree() -> None:
    for source, translation in itertools.product([*PLAIN_EDGES, *EDGES[:20]], repeat=2):
        for ctx in CONTEXTS[:4]:
            assert_same(source, translation, ctx)


def test_plain_texts_have_no_markup_character() -> None:
    from transflow.checks.text import MARKUP_CHARACTERS, is_plain

    assert is_plain("Take 2 g a day.¹") and is_plain("Neem 2,5 g per dag – ’s ochtends.")
    for text in ["See WWW.x.org", "see wWw.x", "a:b", *(f"a{c}b" for c in MARKUP_CHARACTERS)]:
        assert not is_plain(text), text


def test_attribute_only_answers_as_its_plain_definition() -> None:
    """``is_attribute_only`` answers False at once without ``attribute `` in the comment; the
    answer is the one the kind-by-kind definition gives."""
    from transflow.workflow.check import is_attribute_only

    def reference(comment: str) -> bool:
        kinds = [k.strip() for k in comment.split(";") if k.strip()]
        return bool(kinds) and all(
            k.startswith("attribute ") and " of shortcode " not in k for k in kinds)

    comments = ["", "paragraph", "attribute alt", "attribute alt; attribute title",
                "attribute alt; paragraph", " attribute title ;", ";;", "attributes x",
                "attribute href of shortcode button", "heading 1; attribute alt",
                "attribute\talt", "Attribute alt", "front matter: title; heading 1"]
    for comment in comments:
        entry = polib.POEntry(msgid="x", msgstr="y", comment=comment)
        assert is_attribute_only(entry) == reference(comment), comment


#: Numbers in one locale's notation or the other, reordered, with and without units.
LOCALE_NUMBERS = ["A purity of >99.8%. Variant 0.", "Een zuiverheid van >99,8%. Variant 0.",
                  "Een zuiverheid van >99,8 %. Variant 0.", "Een zuiverheid van >99,8‰.",
                  "Take 1.000 mg and 2,5 g.", "Neem 1,000 mg en 2.5 g.", "Neem 2,5 g en 1.000 mg.",
                  "Neem 1.000 g en 2,5 mg.", "Neem 1 000 mg en 2,50 g.", "1,5 1.5 15",
                  "1.5 1,5 15", "15 1,5 1.5", "3.000.000 of 3,000,000", "3,000,000 of 3.000.000",
                  "12.345,6 en 12,345.6", "twee en 2,0", "2.0 and two", "0,5 en ,5 en 5,"]


def test_locale_notation_pairs_agree() -> None:
    from transflow.checks.numbers import _may_differ

    # the pre-filter lets a translation in its own notation through (else this tests little)
    assert not _may_differ(LOCALE_NUMBERS[0], LOCALE_NUMBERS[1], CONTEXTS[0])
    assert not _may_differ(LOCALE_NUMBERS[0], LOCALE_NUMBERS[2], CONTEXTS[0])  # "10 %" = "10%"
    assert _may_differ(LOCALE_NUMBERS[4], LOCALE_NUMBERS[7], CONTEXTS[0])  # units swapped
    for source, translation in itertools.product(LOCALE_NUMBERS, repeat=2):
        for ctx in [*CONTEXTS[:2], CheckContext("en", "de"), CheckContext("fr", "en_US")]:
            assert_same(source, translation, ctx)


def test_notation_values_are_every_locales_values() -> None:
    """A token of digits, ``.`` and ``,`` means the same values in every language Babel
    knows (so ``_number_values`` answers it without loading locale data)."""
    from babel import Locale
    from babel.localedata import locale_identifiers
    from babel.numbers import get_decimal_symbol, get_group_symbol

    from transflow.checks import numbers as n

    symbols = set()
    for name in locale_identifiers():
        locale = Locale.parse(name)
        symbols.add((get_decimal_symbol(locale), get_group_symbol(locale)))
    assert len(symbols) > 5 and all(not d.isdigit() for d, _ in symbols)
    symbols |= {("·", " "), ("٫", "."), ("،", "٬"), ("'", ",")}  # and some Babel lacks
    parts = ["0", "1", "12", "123", "1234", "1.000", "1,000", "1.5", "1,5", ".", ","]
    tokens = ["".join(p) for p in itertools.product(parts, repeat=3)]
    tokens = [t for t in tokens if n._NUMBER.fullmatch(t)]
    assert len(tokens) > 100
    for token in tokens:
        assert not token.strip(n._NOTATION)
        for decimal, group in symbols:
            readings = {n._parse_with(token, decimal, group), n._parse_with(token, ".", ","),
                        n._parse_with(token, ",", ".")}
            values = {format(v.normalize(), "f") for v in readings if v is not None}
            assert n._notation_values(token) == frozenset(values or {token}), (token, decimal)
    for lang in ("en", "nl", "fr", "de_CH", "ar"):
        for token in ["1.000", "2,5", "1\u202f000,5", "3\u00a0000", "12.345,6"]:
            assert n._number_values(token, lang) == n._locale_values(token, lang)


def test_footnote_marks_of_texts_without_markup_are_their_superscripts(corpus: Path) -> None:
    """``_footnote_marks`` reads only the superscript runs of a text without ``<``, ``[``
    and a backtick; the answer is the full reading's for every text."""
    from transflow.checks.links import _footnote_marks
    from transflow.checks.text import _CODE_SPAN, _footnote_list

    texts = [*EDGES, *PLAIN_EDGES, "a¹²b³ `⁴` [^5] <sup>6</sup>", "x⁰⁰ y ⁹", "`¹`", "[¹]"]
    texts += [t for pair in _corpus_pairs(corpus) for t in pair]
    for text in texts:
        full = tuple(sorted(_footnote_list(_CODE_SPAN.sub(" ", text) if "`" in text else text)))
        assert _footnote_marks.__wrapped__(text) == full, text


def test_tag_readings_skip_only_patterns_that_cannot_match(corpus: Path) -> None:
    """``_strip_footnote_sups`` (only with ``</``), ``tags._tags`` (comments only with
    ``<!--``) and the code spans of ``html-tags`` (only with a backtick) read every text
    as the patterns applied unconditionally read it."""
    from transflow.checks import tags
    from transflow.checks import text as t

    def strip_sups(text: str) -> str:
        def repl(m: re.Match[str]) -> str:
            inner = t._HTML_TAG.sub("", m.group(1)).strip().strip("[]")
            return " " if t._is_footnote_label(inner) else m.group(0)

        return t._SUP_TAG.sub(repl, text)

    tricky = ["<sup>1</sup>", "<SUP>2</SUP> x", "<ſup>3</ſup>", "<sup>4</sup", "a<!-- c -->b",
              "<b<!--x-->>", "</", "<sup>[5]</sup> `<i>` <b>", "<!-- <b> -->", "<b`x`>"]
    texts = [*EDGES, *PLAIN_EDGES, *tricky]
    texts += [x for pair in _corpus_pairs(corpus) for x in pair]
    for text in texts:
        assert t._strip_footnote_sups(text) == strip_sups(text), text
        assert tags._tags(text) == [
            (m.group(1), m.group(2).lower(), m.group(3))
            for m in t._HTML_TAG.finditer(t._HTML_COMMENT.sub(" ", text))], text
        if "`" not in text:
            assert t._CODE_SPAN.sub(" ", text) == text


def test_case_insensitive_word_prefilter_misses_no_match() -> None:
    """``may_contain_ignoring_case`` says False only where the case-insensitive patterns it
    guards find nothing: on texts with each guarded word in mixed case, with the characters
    ``re.IGNORECASE`` matches with ASCII letters (İ ı ſ), entities and backslashes."""
    import html
    import random
    from collections import Counter

    from transflow.checks import links, script_urls
    from transflow.checks.text import _HTML_ATTR_URL

    rng = random.Random(21)
    pieces = ["java", "script", "vbſcript", "JAVASCRIPT", "Mocha", "data", "DATA", "dat", "a",
              ":", " : ", "text/html,", "/", "=", '"x:y"', "href", "HREF", "ſrc", "ſRC", "src",
              "actıon", "formaction", "poster", "İ", "ı", "ſ", "&#106;", "\\", "\x01", " ",
              "www.x", "https://a", "é", "`c`"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        cleaned = script_urls._CONTROL.sub("", html.unescape(text.replace("\\", "")))
        want = Counter((m.group(1) or m.group(2)).lower()
                       for m in script_urls._TEXT_SCHEME.finditer(cleaned))
        assert script_urls.text_script_urls(text) == want, text
        if _HTML_ATTR_URL.search(text):
            assert links.may_contain_ignoring_case(text, links.HTML_ATTR_URL_NAMES), text


def test_bare_url_spelling_matches_the_case_insensitive_pattern() -> None:
    """The fast spelling of ``_BARE_URL`` finds what the case-insensitive one does on random
    texts of scheme pieces in every case (the long s included) and what ends a URL."""
    import random
    import re

    from transflow.checks.text import _BARE_URL

    reference = re.compile(r"""(?:https?|ftp)://[^\s<>"'`\]\[)(]+|www\.[^\s<>"'`\]\[)(]+""",
                           re.I)
    rng = random.Random(8)
    pieces = ["http", "HTTP", "hTtPs", "httpſ", "ftp", "FtP", "www", "WwW", ".", "://", ":/",
              "/", "x", " ", "ſ", "<", "(", "w", "h", "f", "s", "é", "\n", "`"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 15)))
        assert [m.span() for m in _BARE_URL.finditer(text)] == [
            m.span() for m in reference.finditer(text)], text
