"""Script URLs (``javascript:``, ``vbscript:``, ``data:`` …) decided on the parsed result.

A translation that smuggles a script URL past a check and into the site is a live link on any
renderer that does not filter URLs. Matching the text with a regular expression misses what a
CommonMark parser resolves: backslash escapes (``javascript\\:``), angle brackets
(``<javascript:…>``, ``< javascript:…>``), entities (``&#106;avascript:``), link reference
definitions (``[r]: javascript:…`` used as ``[r][]``), autolinks. So the destinations are read
the way a renderer reads them: Markdown through transflow's one markdown-it dialect, with URL
*validation and normalisation turned off* (markdown-it's own filter would hide exactly the
links a filter-less renderer makes live), and HTML through ``html.parser`` (entities in
attribute values decoded). Each URL is then judged as a browser reads it: entities decoded,
control characters, tabs, newlines and spaces dropped, scheme compared case-insensitively.

Two users:

* the ``unsafe-markup`` check compares one entry's translation with its source
  (:func:`markdown_script_urls`; HTML attributes are :mod:`.safety`'s);
* ``build`` parses every page it is about to publish and compares it with the article it came
  from (:func:`added_script_urls`), so a definition in one entry used by another, or a
  context that changes how a translation parses, is caught too.

Judging errs on the side of refusing: a URL that a browser might not run but that looks like
one of these schemes after cleaning is refused (the source can always carry it).
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

from .safety import URL_ATTRIBUTES
from .text import may_contain_ignoring_case

__all__ = [
    "SCRIPT_SCHEMES",
    "added_script_urls",
    "could_have_script_url",
    "html_urls",
    "markdown_script_urls",
    "markdown_urls",
    "script_scheme",
    "text_script_urls",
]

#: Schemes that run code (or carry a whole document) when a browser follows the URL.
SCRIPT_SCHEMES = ("javascript", "vbscript", "livescript", "mocha", "data")

_JUNK = re.compile(r"[\x00-\x20\x7f]+")
_SCHEME = re.compile(r"^(" + "|".join(SCRIPT_SCHEMES) + r"):", re.I)


#: A scheme name and its colon with control characters and spaces anywhere between the
#: letters: matching this is finding ``(javascript|…):`` once ``_JUNK`` is removed, without
#: rewriting a whole page (where every space is "junk").
_ANYWHERE = re.compile(
    "|".join(r"[\x00-\x20\x7f]*".join(re.escape(c) for c in f"{s}:") for s in SCRIPT_SCHEMES),
    re.I,
)


def could_have_script_url(text: str) -> bool:
    """False only when no URL read out of ``text`` can have a script scheme: the cheap
    test that spares parsing the (many) texts that cannot hold one.

    It over-approximates :func:`script_scheme` of every URL :func:`markdown_urls` and
    :func:`html_urls` find, in the whole text at once. Each such URL is a stretch of the
    text with some characters removed (backslashes of escapes; blockquote markers ``>``
    and indentation where an HTML attribute spans lines) and entities decoded (at most
    twice: by the parser, then by :func:`script_scheme`). So: every backslash and ``>``
    is dropped, entities are decoded until nothing changes, then control characters and
    spaces go, and the scheme names are looked for anywhere, matched as :data:`_SCHEME`
    matches them (the same ``re.I``, which also takes ``ſ`` for ``s`` and ``K`` for
    ``k``). A URL starts after a delimiter (``(``, ``<``, ``:``, ``=``, a quote, a space)
    that no entity can swallow, so decoding the whole text decodes each URL's stretch as
    decoding the URL alone would. ``tests/test_script_url_filter.py`` holds it against
    the full parse on the injection table and on generated spellings.
    """
    if ":" not in text and "&" not in text:
        return False  # no scheme can be spelled without a colon (or an entity for one)
    text = text.replace("\\", "").replace(">", "")
    while "&" in text:
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded  # each round is shorter: an entity is longer than what it stands for
    return _search_at_colons(text)


#: A scheme's last letter (``t`` of the script schemes, ``a`` of mocha and data), as
#: ``_ANYWHERE`` (``re.I``) matches it.
_LAST_LETTER = re.compile("[ta]", re.I)
_JUNK_CHARS = frozenset(chr(c) for c in (*range(0x21), 0x7F))
#: The longest scheme name, in letters.
_LONGEST = max(len(s) for s in SCRIPT_SCHEMES)


def _search_at_colons(text: str) -> bool:
    """``_ANYWHERE.search(text) is not None``, looking only where a match can end.

    Every match ends with a colon, right after a scheme's last letter (junk between them
    allowed), and holds exactly its scheme's letters besides junk: so it lies in the stretch
    that ends at that colon and goes back over at most ``_LONGEST`` characters that are not
    junk. The whole-page search tried the pattern at every character (most of a build's
    script-URL pre-filter); the colons of a page are few, and most follow no ``t`` or ``a``.
    """
    colon = text.find(":")
    while colon >= 0:
        start = colon - 1
        while start >= 0 and text[start] in _JUNK_CHARS:
            start -= 1
        if start >= 0 and _LAST_LETTER.match(text, start) is not None:
            letters = 0
            while start > 0 and letters < _LONGEST:
                start -= 1
                if text[start] not in _JUNK_CHARS:
                    letters += 1
            if _ANYWHERE.search(text, start, colon + 1) is not None:
                return True
        colon = text.find(":", colon + 1)
    return False


def script_scheme(url: str) -> str | None:
    """The script scheme a browser would see in ``url`` (lower-cased), or None.

    Entities are decoded (once more: harmless for a clean URL), and control characters,
    tabs, newlines and spaces are dropped anywhere, as browsers drop them around and inside
    a scheme.
    """
    if not url:
        return None
    m = _SCHEME.match(_JUNK.sub("", html.unescape(url)))
    return m.group(1).lower() if m else None


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """The dialect's parser with markdown-it's URL filter and normalisation switched off
    (made, and markdown-it imported, by the first page that needs it)."""
    from transflow.formats.markdown_dialect import markdown_parser

    md = markdown_parser()
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    md.normalizeLink = lambda url: url  # type: ignore[method-assign]
    return md


def _walk(tokens: Sequence[Token]) -> Iterable[Token]:
    for tok in tokens:
        yield tok
        if tok.children:
            yield from _walk(tok.children)


def markdown_urls(text: str, *, with_html: bool = True) -> list[str]:
    """Every URL a renderer would put in an ``href``/``src`` for Markdown ``text``.

    Link and image destinations (inline, reference, collapsed, shortcut) and autolinks as the
    parser resolves them, the destination of every link reference definition (used or not),
    and, with ``with_html``, the URL attributes of raw HTML in the text.
    """
    env: dict[str, Any] = {}
    tokens = _parser().parse(text, env)
    urls: list[str] = []
    for tok in _walk(tokens):
        if tok.type == "link_open":
            urls.append(str(tok.attrs.get("href", "")))
        elif tok.type == "image":
            urls.append(str(tok.attrs.get("src", "")))
        elif with_html and tok.type in ("html_inline", "html_block"):
            urls += html_urls(tok.content)
    references = env.get("references") or {}
    urls += [str(ref.get("href", "")) for ref in references.values()]
    return urls


class _UrlCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in URL_ATTRIBUTES:
                self.urls += value.split(",") if name == "srcset" else [value]
            elif name == "content" and (dict(attrs).get("http-equiv") or "").lower() == "refresh":
                self.urls.append(value.partition("=")[2] or value)

    handle_startendtag = handle_starttag


def html_urls(text: str) -> list[str]:
    """The URL attributes of every tag in HTML ``text`` (entities decoded, as a browser)."""
    collector = _UrlCollector()
    collector.feed(text)
    collector.close()
    return collector.urls


def _count(urls: Iterable[str]) -> Counter[str]:
    return Counter(s for s in map(script_scheme, urls) if s is not None)


def markdown_script_urls(text: str) -> Counter[str]:
    """Script schemes in the Markdown links, images, autolinks and link definitions of
    ``text`` (raw HTML attributes are left to :func:`.safety.disallowed_markup`)."""
    if not could_have_script_url(text):
        return Counter()
    return _count(markdown_urls(text, with_html=False))


_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_TEXT_SCHEME = re.compile(
    r"(?<![a-z0-9+.-])(javascript|vbscript|livescript|mocha)\s*:"
    r"|(?<![a-z0-9+.-])(data)\s*:\s*[a-z]+/[a-z0-9.+-]+\s*[;,]",
    re.I,
)
#: What :data:`_TEXT_SCHEME` cannot match without (case aside): part of each scheme's name.
_TEXT_SCHEME_WORDS = ("script", "mocha", "data")


def text_script_urls(text: str) -> Counter[str]:
    """Script URLs written anywhere in ``text``, links or not (entities decoded, backslashes
    and control characters dropped): the last net, for parameters the Markdown and HTML
    parsers do not see as URLs (a Hugo shortcode's ``href="…"``, an MDX component's
    ``href={"…"}``), which a site template may still turn into a live link."""
    if ":" not in text and "&" not in text:
        return Counter()
    if "&" not in text and not _colon_after_scheme_letter(text):
        return Counter()  # most texts with a colon: no scheme name can end at one
    cleaned = _CONTROL.sub("", html.unescape(text.replace("\\", "")))
    if not may_contain_ignoring_case(cleaned, _TEXT_SCHEME_WORDS):
        return Counter()  # (the pattern, case-insensitive, would try every position)
    return Counter((m.group(1) or m.group(2)).lower() for m in _TEXT_SCHEME.finditer(cleaned))


#: What ``text_script_urls`` drops before matching (control characters, backslashes).
_DROPPED = frozenset(chr(c) for c in (*range(0x20), 0x7F)) | {"\\"}


def _colon_after_scheme_letter(text: str) -> bool:
    """False when no colon of ``text`` (without entities) follows a scheme's last letter
    (``t`` of the script schemes, ``a`` of mocha and data: what ``re.I`` matches for them),
    whitespace (``\\s``) and dropped characters aside: then :data:`_TEXT_SCHEME` cannot
    match the cleaned text, and the engine is spared a case-insensitive search that tries
    every position (a colon is rare, and most follow a word that ends otherwise)."""
    colon = text.find(":")
    while colon >= 0:
        before = colon - 1
        while before >= 0 and (text[before] in _DROPPED or text[before].isspace()):
            before -= 1
        if before >= 0 and text[before] in "tTaA":
            return True
        colon = text.find(":", colon + 1)
    return False


def added_script_urls(source: str, page: str, fmt: str) -> list[str]:
    """Script URLs the built ``page`` has and its ``source`` article has not, one line per
    scheme (empty when the page is safe). ``fmt`` is the article's format name: HTML pages
    are read as HTML, everything else as Markdown (with its raw HTML)."""
    if not could_have_script_url(page):
        return []  # the page has none, so it adds none
    extract = html_urls if fmt == "html" else markdown_urls
    added = _count(extract(page)) - _count(extract(source))
    return [f"the page would have {n} {scheme}: URL(s) its source does not have"
            for scheme, n in sorted(added.items())]
