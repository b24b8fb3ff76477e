"""Quality checks on one (source, translation) pair: small named functions with a severity.

Modelled on Babel's ``checkers.py`` and translate-toolkit's ``filters``: each check is a
function ``(source, translation, ctx) -> list[Finding]`` registered in :data:`CHECKS` under a
name (``numbers``, ``urls`` ...) and a severity. ``error`` means the translation can harm a
reader or the site (a changed dose, a dropped source, injected markup) and gates publishing;
``warning`` means "a person should look".

Invariants:

* checks never change their inputs and never print; they only return findings;
* an empty translation has no findings (untranslated entries are the state's business);
* each defect is reported by one check only: numbers ignore URLs, code spans and footnote
  markers; ``urls`` owns absolute URLs, ``links`` owns link counts, ``link-targets``
  relative targets,
  ``html-tags`` ignores the dangerous elements that ``unsafe-markup`` reports (the list is
  :data:`transflow.formats.html.DANGEROUS_TAGS`, shared with the HTML format);
* checks are tolerant of legitimate translation differences: locale number formats
  (``2,5 g`` = ``2.5 g``, ``1.000`` = ``1,000``, ``10%`` = ``10 %``), language codes in
  otherwise identical URLs (``/nl/`` vs ``/en/``), reordered inline markup.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Literal
from urllib.parse import unquote

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol
from markdown_it import MarkdownIt
from markdown_it.token import Token

from .formats.html import DANGEROUS_TAGS
from .formats.html import disallowed_markup as html_disallowed_markup

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found by one check."""

    check: str
    severity: Severity
    message: str


@dataclass(frozen=True, slots=True)
class CheckContext:
    """What a check may know besides the two texts."""

    source_lang: str
    target_lang: str
    #: Article format name: ``markdown``, ``html`` or ``text``.
    format: str = "markdown"
    #: (source term, target term) pairs; a source term in the source asks for the target term.
    glossary: Sequence[tuple[str, str]] = field(default_factory=tuple)


CheckFunction = Callable[[str, str, CheckContext], list[Finding]]


@dataclass(frozen=True, slots=True)
class Check:
    """A registered check: its name, its severity and a one-line description for help texts."""

    name: str
    severity: Severity
    description: str
    function: CheckFunction


CHECKS: list[Check] = []


def _register(
    name: str, severity: Severity, description: str
) -> Callable[[Callable[[str, str, CheckContext], Iterable[str]]], CheckFunction]:
    """Register a function that yields messages; the registry turns them into findings."""

    def wrap(func: Callable[[str, str, CheckContext], Iterable[str]]) -> CheckFunction:
        def run(source: str, translation: str, ctx: CheckContext) -> list[Finding]:
            return [Finding(name, severity, msg) for msg in func(source, translation, ctx)]

        run.__name__ = func.__name__
        run.__doc__ = func.__doc__
        CHECKS.append(Check(name, severity, description, run))
        return run

    return wrap


def run_checks(
    source: str,
    translation: str,
    ctx: CheckContext,
    *,
    skip: Iterable[str] = (),
) -> list[Finding]:
    """Every registered check (except those named in ``skip``) on one pair, in registry order."""
    if not translation:
        return []
    skipped = set(skip)
    findings: list[Finding] = []
    for check in CHECKS:
        if check.name not in skipped:
            findings.extend(check.function(source, translation, ctx))
    return findings


def check_names() -> list[str]:
    """The names of all registered checks, in the order they run."""
    return [c.name for c in CHECKS]


# --------------------------------------------------------------------------- text helpers

_BARE_URL = re.compile(r"""(?:https?|ftp)://[^\s<>"'`\]\[)(]+|www\.[^\s<>"'`\]\[)(]+""", re.I)
_MAILTO = re.compile(r"mailto:[^\s<>\"')\]]+", re.I)
_MD_LINK_TARGET = re.compile(r"\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\"|\s+'[^']*')?\s*\)")
_HTML_ATTR_URL = re.compile(
    r"""\b(?:href|src|action|formaction|poster|data)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""",
    re.I,
)
#: A tag as CommonMark sees one: attributes must be separated from the name by whitespace,
#: so ``<config_file>`` is text, not a tag.
_HTML_TAG = re.compile(r"""<(/?)([A-Za-z][A-Za-z0-9-]*)((?:\s(?:[^>"']|"[^"]*"|'[^']*')*)?)/?>""")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.S)
_SCRIPT_BLOCK = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.S | re.I)
_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
_SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUPERSCRIPT_RUN = re.compile(f"[{_SUPERSCRIPTS}]+")
_SUP_TAG = re.compile(r"<sup\b[^>]*>(.*?)</sup>", re.I | re.S)
_TRAILING_URL_PUNCT = ".,;:!?*_"


def _strip_url(url: str) -> str:
    return url.rstrip(_TRAILING_URL_PUNCT)


def _norm_url(url: str) -> str:
    """Compare URLs as people mean them: percent-encoding and a trailing dot do not count."""
    return unquote(_strip_url(url.strip()))


def _footnote_labels(text: str) -> Counter[str]:
    """Footnote markers: ``[^1]``, superscript digits ``¹²``, ``<sup>1</sup>``."""
    labels: Counter[str] = Counter()
    for m in _FOOTNOTE_REF.finditer(text):
        labels[m.group(1)] += 1
    for m in _SUPERSCRIPT_RUN.finditer(text):
        labels[m.group(0).translate(_SUPER_TO_DIGIT)] += 1
    for m in _SUP_TAG.finditer(text):
        inner = _HTML_TAG.sub("", m.group(1)).strip().strip("[]")
        if _is_footnote_label(inner):
            labels[inner] += 1
    return labels


_SUPER_TO_DIGIT = str.maketrans(_SUPERSCRIPTS, "0123456789")


def _is_footnote_label(text: str) -> bool:
    return bool(re.fullmatch(r"[0-9]{1,3}|[a-z]|[ivx]{1,4}|\*{1,3}|†|‡", text))


def _strip_footnote_sups(text: str) -> str:
    """Remove ``<sup>1</sup>``-style footnote markers (other ``<sup>`` content stays)."""

    def repl(m: re.Match[str]) -> str:
        inner = _HTML_TAG.sub("", m.group(1)).strip().strip("[]")
        return " " if _is_footnote_label(inner) else m.group(0)

    return _SUP_TAG.sub(repl, text)


def _prose(text: str) -> str:
    """The text a reader reads: no URLs, link targets, tags, code, entities or footnote marks."""
    text = _SCRIPT_BLOCK.sub(" ", _HTML_COMMENT.sub(" ", text))
    text = _CODE_SPAN.sub(" ", text)
    text = _strip_footnote_sups(text)
    text = _MD_LINK_TARGET.sub("]", text)
    text = _HTML_TAG.sub(" ", text)
    text = _ENTITY.sub(" ", text)
    text = _MAILTO.sub(" ", text)
    text = _BARE_URL.sub(" ", text)
    text = _FOOTNOTE_REF.sub(" ", text)
    return _SUPERSCRIPT_RUN.sub(" ", text)


def _base_lang(code: str) -> str:
    return re.split(r"[-_]", code.strip())[0].lower()


# --------------------------------------------------------------------------- numbers

_NUMBER = re.compile(r"(?<![0-9])[0-9]+(?:[.,\u00a0\u202f\u2009][0-9]+)*")
_UNIT_ALIASES: dict[str, str] = {
    "%": "%",
    "procent": "%",
    "percent": "%",
    "‰": "‰",
    "mg": "mg",
    "milligram": "mg",
    "milligrams": "mg",
    "milligrammes": "mg",
    "g": "g",
    "gr": "g",
    "gram": "g",
    "grams": "g",
    "kg": "kg",
    "kilo": "kg",
    "kilogram": "kg",
    "kilograms": "kg",
    "µg": "µg",
    "μg": "µg",
    "mcg": "µg",
    "microgram": "µg",
    "micrograms": "µg",
    "ng": "ng",
    "ml": "ml",
    "milliliter": "ml",
    "millilitre": "ml",
    "milliliters": "ml",
    "millilitres": "ml",
    "l": "l",
    "liter": "l",
    "litre": "l",
    "liters": "l",
    "litres": "l",
    "iu": "IU",
    "ie": "IU",
    "kcal": "kcal",
    "kj": "kJ",
    "mmol": "mmol",
    "mm": "mm",
    "cm": "cm",
    "km": "km",
    "°c": "°C",
    "°f": "°F",
}
_UNIT_AFTER = re.compile(
    r"\s?(%|‰|°[cCfF]|[A-Za-zµμ]+)(?![A-Za-z0-9])",
)


@lru_cache(maxsize=32)
def _separators(lang: str) -> tuple[str, str]:
    """(decimal, group) symbols of a language, from Babel's CLDR data; English as a fallback."""
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        locale = Locale.parse("en")
    return get_decimal_symbol(locale), get_group_symbol(locale)


def _parse_with(token: str, decimal: str, group: str) -> Decimal | None:
    """The value of ``token`` under one convention, or None when it does not fit it."""
    groups = {group, "\u00a0", "\u202f", "\u2009"} if group.strip() else {
        group, "\u00a0", "\u202f", "\u2009", " "
    }
    if token.count(decimal) > 1:
        return None
    int_part, _, frac = token.partition(decimal)
    parts = re.split("|".join(re.escape(g) for g in groups), int_part)
    if len(parts) > 1 and (
        not 1 <= len(parts[0]) <= 3 or any(len(p) != 3 for p in parts[1:])
    ):
        return None
    if any(not p.isdigit() for p in parts) or (frac and not frac.isdigit()):
        return None
    try:
        return Decimal("".join(parts) + ("." + frac if frac else ""))
    except InvalidOperation:  # pragma: no cover - digits only by construction
        return None


def _number_values(token: str, lang: str) -> frozenset[str]:
    """Every value a number token can mean: its own locale's reading first, then the other.

    A translator may keep the source's notation (``2.5`` in Dutch), so both ``.``/``,``
    conventions are accepted; what must not happen is a different value under both.
    """
    decimal, group = _separators(lang)
    readings = {_parse_with(token, decimal, group), _parse_with(token, ".", ","),
                _parse_with(token, ",", ".")}
    values = {format(v.normalize(), "f") for v in readings if v is not None}
    return frozenset(values or {token})


@dataclass(frozen=True, slots=True)
class _Number:
    token: str
    values: frozenset[str]
    unit: str | None


def _numbers(text: str, lang: str) -> list[_Number]:
    prose = _prose(text)
    found: list[_Number] = []
    for m in _NUMBER.finditer(prose):
        token = m.group(0).strip("\u00a0\u202f\u2009")
        um = _UNIT_AFTER.match(prose, m.end())
        unit = _UNIT_ALIASES.get(um.group(1).lower()) if um else None
        found.append(_Number(token, _number_values(token, lang), unit))
    return found


@_register("numbers", "error", "a number or unit differs (locale formats are accepted)")
def check_numbers(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """A changed dose or date is the worst silent error a translation can make."""
    src = _numbers(source, ctx.source_lang)
    tgt = _numbers(translation, ctx.target_lang)
    unmatched = list(tgt)
    missing: list[_Number] = []
    # exact readings first, so "1.000" does not steal the partner of a real "1"
    for exact in (True, False):
        rest: list[_Number] = []
        for num in src:
            for i, cand in enumerate(unmatched):
                ok = (
                    cand.token == num.token or cand.values == num.values
                    if exact
                    else bool(cand.values & num.values)
                )
                if ok:
                    del unmatched[i]
                    if num.unit and cand.unit and num.unit != cand.unit:
                        yield f"unit of {num.token} changed: {num.unit} became {cand.unit}"
                    break
            else:
                rest.append(num)
        src = rest
    missing = _spelled_out(src, translation, ctx.target_lang)
    unmatched = _spelled_out(unmatched, source, ctx.source_lang)
    if missing:
        yield "missing from the translation: " + ", ".join(_show(n) for n in missing)
    if unmatched:
        yield "not in the source: " + ", ".join(_show(n) for n in unmatched)


#: Small numbers translators often write out ("2 capsules" → "twee capsules").
NUMBER_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
           "ten", "eleven", "twelve"),
    "nl": ("nul", "één|een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen",
           "tien", "elf", "twaalf"),
}


def _spelled_out(numbers: list[_Number], other_text: str, other_lang: str) -> list[_Number]:
    """The numbers not written out as a word in the other text (each word used once)."""
    table = NUMBER_WORDS.get(_base_lang(other_lang))
    if not table or not numbers:
        return numbers
    words = Counter(w.lower() for w in _WORD.findall(_prose(other_text)))
    left: list[_Number] = []
    for num in numbers:
        small = [int(v) for v in num.values if v.isdigit() and int(v) < len(table)]
        hit = next((w for n in small for w in table[n].split("|") if words[w] > 0), None)
        if hit is None:
            left.append(num)
        else:
            words[hit] -= 1
    return left


def _show(num: _Number) -> str:
    return f"{num.token} {num.unit}" if num.unit else num.token


# --------------------------------------------------------------------------- URLs and links


def _absolute_urls(text: str, fmt: str) -> set[str]:
    urls: set[str] = set()
    without_code = _CODE_SPAN.sub(" ", text) if fmt == "markdown" else text
    for m in _BARE_URL.finditer(without_code):
        urls.add(_norm_url(m.group(0)))
    for m in _MAILTO.finditer(without_code):
        urls.add(_norm_url(m.group(0)))
    for m in _HTML_ATTR_URL.finditer(without_code):
        value = next(g for g in m.groups() if g is not None)
        if re.match(r"(?:https?|ftp|mailto):|www\.", value, re.I):
            urls.add(_norm_url(value))
    return urls


def _lang_variants(ctx: CheckContext) -> set[str]:
    langs = {ctx.source_lang, ctx.target_lang, _base_lang(ctx.source_lang),
             _base_lang(ctx.target_lang)}
    return {lang.lower() for lang in langs} | {lang.replace("_", "-") for lang in langs}


def _delocalize(url: str, langs: Iterable[str]) -> str:
    """Replace a language code used as a path segment, subdomain or query value."""
    for lang in langs:
        code = re.escape(lang)
        url = re.sub(rf"(?<=/){code}(?=/|$|[?#])", "{lang}", url, flags=re.I)
        url = re.sub(rf"(?<=://){code}(?=\.)", "{lang}", url, flags=re.I)
        url = re.sub(rf"([?&](?:lang|hl|locale)=){code}\b", r"\1{lang}", url, flags=re.I)
    # A site that serves its default language without the segment (/version/… beside
    # /nl/version/…) links the same page with and without it.
    return url.replace("/{lang}", "")


@_register("urls", "error", "a URL differs or is missing (language codes in paths are accepted)")
def check_urls(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """A broken or swapped source link silently removes the evidence behind a claim."""
    src = _absolute_urls(source, ctx.format)
    tgt = _absolute_urls(translation, ctx.format)
    if src == tgt:
        return
    langs = _lang_variants(ctx)
    src_norm = {_delocalize(u, langs): u for u in src}
    tgt_norm = {_delocalize(u, langs): u for u in tgt}
    missing = sorted(src_norm[k] for k in src_norm.keys() - tgt_norm.keys())
    added = sorted(tgt_norm[k] for k in tgt_norm.keys() - src_norm.keys())
    if missing:
        yield "missing from the translation: " + ", ".join(missing)
    if added:
        yield "not in the source: " + ", ".join(added)


@_register("footnotes", "error", "footnote markers ([^1], ¹, <sup>1</sup>) differ")
def check_footnotes(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """A dropped footnote marker detaches a claim from its source."""
    src = _footnote_labels(_CODE_SPAN.sub(" ", source))
    tgt = _footnote_labels(_CODE_SPAN.sub(" ", translation))
    if src == tgt:
        return
    missing = sorted((src - tgt).elements())
    added = sorted((tgt - src).elements())
    if missing:
        yield "footnote markers missing: " + ", ".join(missing)
    if added:
        yield "footnote markers not in the source: " + ", ".join(added)


_MD = MarkdownIt("commonmark").enable("strikethrough")


@dataclass(slots=True)
class _Inline:
    links: int = 0
    relative_targets: Counter[str] = field(default_factory=Counter)
    images: Counter[str] = field(default_factory=Counter)
    code: Counter[str] = field(default_factory=Counter)
    emphasis: Counter[str] = field(default_factory=Counter)


def _walk(tokens: Sequence[Token]) -> Iterable[Token]:
    for tok in tokens:
        yield tok
        if tok.children:
            yield from _walk(tok.children)


@lru_cache(maxsize=512)
def _inline(text: str) -> _Inline:
    """Parsed once per text for all markup checks; callers must not mutate the result."""
    found = _Inline()
    for tok in _walk(_MD.parseInline(text)):
        if tok.type == "link_open":
            found.links += 1
            href = str(tok.attrs.get("href", ""))
            if not re.match(r"(?:https?|ftp|mailto):", href, re.I):
                found.relative_targets[unquote(href)] += 1
        elif tok.type == "image":
            found.images[unquote(str(tok.attrs.get("src", "")))] += 1
        elif tok.type == "code_inline":
            found.code[tok.content] += 1
        elif tok.type in ("em_open", "strong_open", "s_open"):
            found.emphasis[tok.type[:-5]] += 1
    return found


def _counter_diff(src: Counter[str], tgt: Counter[str]) -> tuple[list[str], list[str]]:
    return sorted((src - tgt).elements()), sorted((tgt - src).elements())


@_register("links", "error", "the number of links differs")
def check_links(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """A dropped link loses a reference; absolute targets are the ``urls`` check's."""
    if ctx.format != "markdown":
        return
    src, tgt = _inline(source), _inline(translation)
    if src.links != tgt.links:
        yield f"{src.links} link(s) in the source, {tgt.links} in the translation"


@_register("link-targets", "warning", "relative link targets differ (site pages, anchors)")
def check_link_targets(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """Only a warning: a site's own pages often have a translated slug in the other language."""
    if ctx.format != "markdown":
        return
    src, tgt = _inline(source), _inline(translation)
    if src.links != tgt.links:
        return  # the links check already reports this segment
    langs = _lang_variants(ctx)
    src_norm = {_delocalize(k, langs): k for k in src.relative_targets}
    tgt_norm = {_delocalize(k, langs): k for k in tgt.relative_targets}
    missing = sorted(src_norm[k] for k in src_norm.keys() - tgt_norm.keys())
    added = sorted(tgt_norm[k] for k in tgt_norm.keys() - src_norm.keys())
    if missing:
        yield "link targets missing: " + ", ".join(missing)
    if added:
        yield "link targets not in the source: " + ", ".join(added)


@_register("code", "error", "inline code spans are not identical to the source's")
def check_code(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """Code is never translated: a changed command or name breaks what the reader copies."""
    if ctx.format != "markdown":
        return
    missing, added = _counter_diff(_inline(source).code, _inline(translation).code)
    if missing:
        yield "code missing or changed: " + ", ".join(f"`{c}`" for c in missing)
    if added:
        yield "code not in the source: " + ", ".join(f"`{c}`" for c in added)


@_register("images", "error", "images (count or source) differ")
def check_images(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """A dropped or swapped image changes what the article shows."""
    if ctx.format != "markdown":
        return
    missing, added = _counter_diff(_inline(source).images, _inline(translation).images)
    if missing:
        yield "images missing: " + ", ".join(missing)
    if added:
        yield "images not in the source: " + ", ".join(added)


@_register("emphasis", "warning", "the number of emphasis, strong or strikethrough spans differs")
def check_emphasis(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """Emphasis may move with the sentence, but its count rarely changes in a faithful text."""
    if ctx.format != "markdown":
        return
    src, tgt = _inline(source).emphasis, _inline(translation).emphasis
    names = {"em": "emphasis", "strong": "strong", "s": "strikethrough"}
    for kind in ("em", "strong", "s"):
        if src[kind] != tgt[kind]:
            yield f"{names[kind]}: {src[kind]} in the source, {tgt[kind]} in the translation"


# --------------------------------------------------------------------------- HTML

def _tags(text: str) -> list[tuple[str, str, str]]:
    """(closing slash, lowercased name, attribute text) of every HTML tag, comments removed."""
    text = _HTML_COMMENT.sub(" ", text)
    return [(m.group(1), m.group(2).lower(), m.group(3)) for m in _HTML_TAG.finditer(text)]


_LINK_DEST = re.compile(r"\]\(\s*<?([^)>\s]*)|<([A-Za-z][A-Za-z0-9+.-]*:[^\s<>]*)>")
_URL_JUNK = re.compile(r"[\x00-\x20\x7f]+")
_SCRIPT_SCHEME = re.compile(r"^(javascript|vbscript|livescript|mocha|data):", re.I)


def _markdown_script_urls(text: str) -> Counter[str]:
    """Script URLs in Markdown link destinations and autolinks (HTML attributes are html.py's)."""
    found: Counter[str] = Counter()
    for m in _LINK_DEST.finditer(text):
        url = _URL_JUNK.sub("", html.unescape(m.group(1) or m.group(2) or ""))
        scheme = _SCRIPT_SCHEME.match(url)
        if scheme:
            found[scheme.group(1).lower()] += 1
    return found


def disallowed_markup(source: str, translation: str) -> list[str]:
    """Script-capable markup the translation adds: the ``unsafe-markup`` findings.

    HTML is judged by :func:`transflow.formats.html.disallowed_markup` (forbidden tags such
    as ``<script>``/``<iframe>``, ``on…=`` handlers, script URLs in attributes, ``style=``,
    comments, unterminated tags), minus its plain "adds tag" findings, which the
    ``html-tags`` check owns; Markdown link destinations and autolinks with a
    ``javascript:``-like scheme are added here. Markup already in the source is the author's.
    """
    problems = [p for p in html_disallowed_markup(source, translation)
                if not p.startswith("adds tag ")]
    added = _markdown_script_urls(translation) - _markdown_script_urls(source)
    problems += [f"adds a {scheme}: URL in a Markdown link" for scheme in sorted(added)]
    return problems


@_register("unsafe-markup", "error", "script-capable HTML (<script>, <iframe>, on…=, javascript:)")
def check_unsafe_markup(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """Runs in every format: a translator must not be able to inject code into the site."""
    yield from disallowed_markup(source, translation)


@_register("html-tags", "error", "HTML tags added or missing compared with the source")
def check_html_tags(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """Tags may be reordered with the sentence, so their counts are compared, not their order."""
    if ctx.format not in ("markdown", "html"):
        return

    def names(text: str) -> Counter[str]:
        text = _strip_footnote_sups(_CODE_SPAN.sub(" ", text) if ctx.format == "markdown" else text)
        return Counter(
            f"<{slash}{name}>" for slash, name, _ in _tags(text) if name not in DANGEROUS_TAGS
        )

    missing, added = _counter_diff(names(source), names(translation))
    if added:
        yield "tags not in the source: " + ", ".join(added)
    if missing:
        yield "tags missing: " + ", ".join(missing)


# --------------------------------------------------------------------------- wording


def _term_present(term: str, text: str) -> bool:
    """Word-start match, case-insensitive, so inflected forms (``magnesiums``) count."""
    return re.search(rf"(?<!\w){re.escape(term.strip())}", text, re.I) is not None


@_register("glossary", "warning", "a glossary term of the source is not translated as agreed")
def check_glossary(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """The shop's product and ingredient names should read the same in every article."""
    for src_term, tgt_term in ctx.glossary:
        if not src_term.strip() or not tgt_term.strip():
            continue
        if _term_present(src_term, source) and not _term_present(tgt_term, translation):
            yield f"'{src_term}' should be translated as '{tgt_term}'"


_DOI = re.compile(r"\bdoi:\s*10\.|\b10\.\d{4,9}/\S+", re.I)
_CITATION = re.compile(r"\bet al\.|\b(?:1[89]|20)\d\d;\s*\d+")
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")


@_register("identical", "warning", "translation equals the source for a segment of over 5 words")
def check_identical(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """Short names and titles stay the same legitimately; whole sentences rarely do.

    Segments with a URL, DOI or citation (``et al.``, ``2019;11``) are skipped: source lists
    cite titles in their own language.
    """
    if _base_lang(ctx.source_lang) == _base_lang(ctx.target_lang):
        return
    if _BARE_URL.search(source) or _DOI.search(source) or _CITATION.search(source):
        return  # a bibliography entry (authors, title, journal, URL) is cited as published
    if translation.strip() == source.strip() and len(_WORD.findall(_prose(source))) > 5:
        yield "the translation is identical to the source"


#: Typical length of a translation relative to its source, per (source, target) language.
TYPICAL_RATIO: dict[tuple[str, str], float] = {("en", "nl"): 1.1, ("nl", "en"): 1 / 1.1}
#: How far (as a factor either way) a segment may stray from the typical ratio.
RATIO_TOLERANCE = 2.2
#: Shorter sources vary too much to judge.
RATIO_MIN_CHARS = 40


@_register("length", "warning", "translation much shorter or longer than usual")
def check_length(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """A half-length translation usually means a dropped sentence."""
    src = len(" ".join(_prose(source).split()))
    tgt = len(" ".join(_prose(translation).split()))
    if src < RATIO_MIN_CHARS:
        return
    typical = TYPICAL_RATIO.get((_base_lang(ctx.source_lang), _base_lang(ctx.target_lang)), 1.0)
    ratio = tgt / src
    if ratio < typical / RATIO_TOLERANCE or ratio > typical * RATIO_TOLERANCE:
        yield f"length ratio {ratio:.2f} (typical {typical:.2f}): {src} → {tgt} characters"


@_register("whitespace", "warning", "leading or trailing whitespace differs")
def check_whitespace(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """Leading spaces can turn Markdown into a code block; trailing ones into a line break."""
    def lead(s: str) -> str:
        return s[: len(s) - len(s.lstrip())]

    def trail(s: str) -> str:
        return s[len(s.rstrip()):]

    if lead(source) != lead(translation):
        yield f"leading whitespace {lead(source)!r} became {lead(translation)!r}"
    if trail(source) != trail(translation):
        yield f"trailing whitespace {trail(source)!r} became {trail(translation)!r}"


_CLOSERS = " \t\n*_~)]\"'”’»›」"


def _final_punctuation(text: str) -> str:
    text = _FOOTNOTE_REF.sub("", _strip_footnote_sups(_SCRIPT_BLOCK.sub("", text)))
    text = _SUPERSCRIPT_RUN.sub("", text)
    text = re.sub(r"(?:</?[A-Za-z][^>]*>\s*)+$", "", text.rstrip())
    text = text.rstrip(_CLOSERS)
    if text.endswith(("...", "…")):
        return "…"
    return text[-1:] if text[-1:] in (".", "?", "!", ":") else ""


@_register("punctuation", "warning", "final punctuation (. ? ! : …) differs")
def check_punctuation(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """A question turned statement, or a lost colon before a list, reads wrong."""
    src, tgt = _final_punctuation(source), _final_punctuation(translation)
    if src != tgt:
        yield f"ends with {src or 'no punctuation'!r} in the source, {tgt or 'none'!r} here"
