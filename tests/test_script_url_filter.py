"""``could_have_script_url`` never says "no" where the full parse finds a script URL.

The pre-filter spares ``build`` and the ``unsafe-markup`` check a Markdown parse of every
entry and page; it is only sound if it over-approximates the parse. Held here against the
injection table (every variant, its entries and its whole page) and against a few thousand
generated spellings (entities, double entities, escapes, junk inside the scheme, the
letters ``re.I`` folds, blockquotes and lists around multi-line HTML attributes), each
wrapped in every way Markdown and HTML carry a URL.
"""

from __future__ import annotations

import random

import pytest

from tests.test_injection import VARIANTS, page_of
from transflow.checks.script_urls import (
    SCRIPT_SCHEMES,
    could_have_script_url,
    html_urls,
    markdown_urls,
    script_scheme,
)


def parsed(text: str) -> bool:
    """The full judgement: a script URL in the Markdown (with raw HTML) or the HTML."""
    urls = [*markdown_urls(text), *html_urls(text)]
    return any(script_scheme(u) for u in urls)


def test_every_injection_variant_passes_the_filter() -> None:
    texts = [t for v in VARIANTS for t in (v.first, v.second, page_of(v)) if t is not None]
    flagged = [t for t in texts if parsed(t)]
    assert len(flagged) >= 100
    assert [t for t in flagged if not could_have_script_url(t)] == []


_LETTER_FORMS = [
    lambda c: c,
    lambda c: c.upper(),
    lambda c: f"&#{ord(c)};",
    lambda c: f"&#x{ord(c):x};",
    lambda c: f"&#X{ord(c):X};",
    lambda c: f"&#000{ord(c)};",
    lambda c: f"&#{ord(c)}",  # no semicolon: html.unescape still decodes it
    lambda c: f"&amp;#{ord(c)};",  # decoded twice
    lambda c: f"&#38;#x{ord(c):x};",
    lambda c: {"s": "ſ", "k": "K", "i": "ı"}.get(c, c),  # what re.I folds
    lambda c: f"{c}&#9;",
    lambda c: f"{c}&#10;",
    lambda c: f"{c}&Tab;",
    lambda c: f"{c}&NewLine;",
    lambda c: f"&#0;{c}",
]
_COLON_FORMS = [":", "\\:", "&colon;", "&#58;", "&#x3a;", "&#x3A", "&amp;colon;", "&#38;#58;",
                "&#9;:", "\\&#58;"]
_PREFIXES = ["", " ", "&#32;", "&#12;", "&#1;", "\t", "&#x01;", "&Tab;"]
_FORMS = [
    "Lees [klik]({u}) nu.",
    "Lees [klik](<{u}>) nu.",
    "Lees [klik](< {u}>) nu.",
    "Zie ![plaatje]({u}) hier.",
    'Lees [klik]({u} "meer") nu.',
    "Lees [klik](\n{u}) nu.",
    "[r]: {u}\n\nLees [r] nu.",
    "[r]:{u}\n\nLees [r][] nu.",
    '[r]: <{u}> "titel"\n\nLees [r][] nu.',
    "Lees <{u}> nu.",
    '<a href="{u}">klik</a>',
    "<a href='{u}'>klik</a>",
    "<a href={u}>klik</a>",
    'Lees <img srcset="x.png 1x,{u} 2x"> nu.',
    '<meta http-equiv="refresh" content="0;url={u}">',
    "> [klik]({u})",
    "- [klik]({u})",
    "| a | b |\n|---|---|\n| [klik]({u}) | x |",
    "[^1]: Zie [klik]({u}).",
]


def _split(url: str, rng: random.Random) -> str:
    """A multi-line HTML attribute inside a blockquote or a list (markers are not part of
    the value the parser hands on)."""
    cut = rng.randrange(1, 8)
    return url[:cut] + rng.choice(["\n> ", "\n>", "\n  > ", "\n   "]) + url[cut:]


def generated(n: int) -> list[str]:
    rng = random.Random(13)
    cases = []
    for _ in range(n):
        scheme = rng.choice(SCRIPT_SCHEMES)
        letters = "".join(rng.choice(_LETTER_FORMS)(c) for c in scheme)
        url = rng.choice(_PREFIXES) + letters + rng.choice(_COLON_FORMS) + "alert(1)"
        if rng.random() < 0.15:
            quoted = _split(url, rng)
            cases.append(f'> Lees <a href="{quoted}">klik</a> nu.')
            cases.append(f'- Lees\n\n  <div><a href="{quoted}">klik</a></div>')
            continue
        cases.append(rng.choice(_FORMS).format(u=url))
    return cases


@pytest.mark.parametrize("chunk", range(4))
def test_generated_spellings_never_slip_past_the_filter(chunk: int) -> None:
    cases = generated(3200)[chunk::4]
    flagged = [t for t in cases if parsed(t)]
    assert len(flagged) >= len(cases) // 5  # the generator makes live ones, not only noise
    assert [t for t in flagged if not could_have_script_url(t)] == []


@pytest.mark.parametrize("text", [
    "Lees [de studie](https://example.org/a?b=1&c=2) nu.",
    "Zie <https://example.org> en ![x](img/a.png \"titel\").",
    'Klik <a href="https://example.org/?a=1&amp;b=2">hier</a>.',
    "Data 2020: zie tabel, en Java, JavaScript en scripts.",
    "> Een citaat: met een dubbele punt.",
])
def test_ordinary_text_does_not_need_the_parse(text: str) -> None:
    assert not could_have_script_url(text)
    assert not parsed(text)


def test_looking_only_at_colons_finds_what_the_whole_page_search_finds() -> None:
    """``_search_at_colons`` is ``_ANYWHERE.search`` over the whole text, answer for answer:
    on generated texts dense in scheme letters (every case, the letters ``re.I`` folds),
    junk runs, colons and near-misses, and on every injection text."""
    from transflow.checks import script_urls

    rng = random.Random(29)
    pieces = [*SCRIPT_SCHEMES, *(s.upper() for s in SCRIPT_SCHEMES), "ſcript", "javaſcript",
              "JAVA", "script", "mocha", "dat", "ata", "t", "a", "T", "A", "K", "ſ", ":", "::",
              " ", "\t", "\n", "\x00", "\x7f", "  \n ", "x", "é", "https", "http", "<", ">",
              "&", "(", "=", '"', "j a v a s c r i p t", "d\x00a\tt a"]
    texts = [t for v in VARIANTS for t in (v.first, v.second, page_of(v)) if t is not None]
    for _ in range(6000):
        texts.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))))
    for text in texts:
        assert script_urls._search_at_colons(text) == (
            script_urls._ANYWHERE.search(text) is not None), repr(text)


def test_text_script_urls_skip_only_texts_without_a_scheme_before_a_colon() -> None:
    """``text_script_urls`` with its colon pre-filter finds what the full search finds: on
    the injection texts, the generated spellings, and texts dense in scheme endings,
    whitespace of every kind, control characters and backslashes before colons."""
    import html
    from collections import Counter

    from transflow.checks import script_urls

    def reference(text: str) -> Counter[str]:
        cleaned = script_urls._CONTROL.sub("", html.unescape(text.replace("\\", "")))
        return Counter((m.group(1) or m.group(2)).lower()
                       for m in script_urls._TEXT_SCHEME.finditer(cleaned))

    rng = random.Random(31)
    pieces = [*SCRIPT_SCHEMES, *(s.upper() for s in SCRIPT_SCHEMES), "javaſcript", "mochA",
              "DatA", "dat", "t", "a", "T", "A", "x", ":", " ", "\t", "\n", "\x00", "\x1f",
              "\x7f", "\\", "\u00a0", "\u2003", "\u3000", "\x85", "\u200b", "text/html;",
              "image/png,", "/", "é", "<", "&", "&colon;", "&#116;", "alert(1)"]
    texts = [t for v in VARIANTS for t in (v.first, v.second, page_of(v)) if t is not None]
    texts += generated(800)
    for _ in range(6000):
        texts.append("".join(rng.choice(pieces) for _ in range(rng.randint(1, 12))))
    found = 0
    for text in texts:
        expected = reference(text)
        found += bool(expected)
        assert script_urls.text_script_urls(text) == expected, repr(text)
    assert found > 500
