"""The ``numbers`` check: numbers and their units must survive translation.

A changed dose or date is the worst silent error a translation can make. Numbers are read
from the prose only (not URLs, code or footnote markers), under the locale conventions of both
languages (``2,5`` = ``2.5``, ``1.000`` = ``1,000``), and small numbers may be written out as
words (``2`` = ``twee``).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .registry import CheckContext, define
from .text import _WORD, _base_lang, _prose

#: Read with ``finditer`` from the start only: a match ends where its digits end, so the
#: next one never starts inside a number, which is what a ``(?<![0-9])`` would say; without
#: that look-behind the engine jumps from digit to digit instead of trying every position.
#: ``[0-9][0-9]*`` is ``[0-9]+`` written so that the pattern starts with one character
#: class: only then does the engine skip ahead to the next digit with its fast scan instead
#: of starting a match attempt at every position (``[0-9]+`` is a repeat, which CPython's
#: compiler does not look into for that scan); on prose that is twice as fast.
_NUMBER = re.compile(r"[0-9][0-9]*(?:[.,\u00a0\u202f\u2009][0-9]+)*")
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
    """(decimal, group) symbols of a language, from Babel's CLDR data; English as a fallback
    (Babel's number module and the locale data load here, for the few tokens that need them:
    see :func:`_number_values`)."""
    from babel import Locale, UnknownLocaleError
    from babel.numbers import get_decimal_symbol, get_group_symbol

    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        locale = Locale.parse("en")
    return get_decimal_symbol(locale), get_group_symbol(locale)


@lru_cache(maxsize=32)
def _group_splitter(group: str) -> re.Pattern[str]:
    """Splits an integer part at ``group`` and the thin/no-break spaces used for grouping."""
    groups = {group, "\u00a0", "\u202f", "\u2009"} if group.strip() else {
        group, "\u00a0", "\u202f", "\u2009", " "
    }
    return re.compile("|".join(re.escape(g) for g in sorted(groups)))


def _parse_with(token: str, decimal: str, group: str) -> Decimal | None:
    """The value of ``token`` under one convention, or None when it does not fit it."""
    if token.count(decimal) > 1:
        return None
    int_part, _, frac = token.partition(decimal)
    parts = _group_splitter(group).split(int_part)
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


@lru_cache(maxsize=4096)
def _number_values(token: str, lang: str) -> frozenset[str]:
    """Every value a number token can mean: its own locale's reading first, then the other.

    A translator may keep the source's notation (``2.5`` in Dutch), so both ``.``/``,``
    conventions are accepted; what must not happen is a different value under both.
    A token of digits, ``.`` and ``,`` alone (nearly all) is answered without Babel: its
    locale's reading is always one of the two conventions' (see :func:`_notation_values`),
    so a build does not load the locale data for it.
    """
    if not token.strip(_NOTATION):
        return _notation_values(token)
    return _locale_values(token, lang)


#: The characters of a number token that :func:`_notation_values` reads alone.
_NOTATION = "0123456789.,"


@lru_cache(maxsize=4096)
def _notation_values(token: str) -> frozenset[str]:
    """:func:`_locale_values` of a token of digits, ``.`` and ``,`` in any language.

    Why the locale's own reading adds nothing: with a decimal symbol that is in the token
    (then ``.`` or ``,``), the integer part is split where the other convention splits it
    (its group symbol, or one the token lacks) or holds a character that is not a digit;
    with one that is not in the token (a digit never is one), the whole token is split at
    the group symbol, which either is ``.`` or ``,`` (the convention grouping with it,
    where the other character cannot be, or no part would be digits) or splits nothing the
    token has. Either way the reading is None or a convention's. Tested on every decimal
    and group symbol in Babel's data.
    """
    readings = {_parse_with(token, ".", ","), _parse_with(token, ",", ".")}
    values = {format(v.normalize(), "f") for v in readings if v is not None}
    return frozenset(values or {token})


def _locale_values(token: str, lang: str) -> frozenset[str]:
    """The values of ``token`` under ``lang``'s own convention and the two common ones."""
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


#: :data:`_NUMBER` and :data:`_UNIT_AFTER` in one pattern, for :func:`_tokens`: the number
#: part is the same greedy run (the optional unit never makes it give a digit back: a match
#: without the unit always succeeds), the unit is what ``_UNIT_AFTER`` matches at its end,
#: and the next number starts after the unit as it would after the number (a unit holds no
#: digit and is never followed by one). It starts ``[0-9][0-9]*`` for the fast scan, as
#: :data:`_NUMBER` does.
_NUMBER_UNIT = re.compile(
    r"([0-9][0-9]*(?:[.,\u00a0\u202f\u2009][0-9]+)*)(?:\s?(%|‰|°[cCfF]|[A-Za-zµμ]+)(?![A-Za-z0-9]))?"
)


@lru_cache(maxsize=4096)
def _tokens(text: str) -> tuple[tuple[str, str | None], ...]:
    """(token, unit) of each number of ``text``'s prose, in order, as :func:`_numbers` reads
    them, in one pass of the engine: what the numbers of a text are before any language
    reads them (cached per text, so a source shared by catalogs and languages is read once).
    A text without an ASCII digit has none (its prose only loses characters), answered by
    one-character tests without reading the prose.
    """
    if not _has_digit(text):
        return ()
    prose = _prose(text)
    start = _first_digit(prose)
    if start < 0:
        return ()
    found = _NUMBER_UNIT.findall(prose, start)
    return tuple([(token, _UNIT_ALIASES.get(unit.lower()) if unit else None)
                  for token, unit in found]) if found else ()


def _first_digit(text: str) -> int:
    """Where ``text``'s first ASCII digit is (-1: none), where :data:`_NUMBER_UNIT` can
    first match (it starts with a digit and looks at nothing before it).

    Why: the engine's scan to the first digit tests every character against the digit
    class, a tenth of a microsecond per line of prose; ten substring searches (each a fast
    scan, bounded by the nearest digit found so far) find it for less. Most numbers stand
    late in a sentence ("… in 2019."), if at all.
    """
    end = len(text)
    first = -1
    for digit in "0123456789":
        at = text.find(digit, 0, end)
        if at >= 0:
            first = end = at
    return first


def _has_digit(text: str) -> bool:
    """True when ``text`` has an ASCII digit: ten one-character substring tests (each a fast
    scan of the text) are cheaper than the engine's, and stop at the first digit found."""
    return ("1" in text or "2" in text or "0" in text or "3" in text or "5" in text
            or "4" in text or "6" in text or "7" in text or "8" in text or "9" in text)


@lru_cache(maxsize=4096)
def _numbers(text: str, lang: str) -> tuple[_Number, ...]:
    """The numbers of ``text``'s prose (cached: a text is read by both gates and ``check``)."""
    prose = _prose(text)
    found: list[_Number] = []
    for m in _NUMBER.finditer(prose):
        token = m.group(0).strip("\u00a0\u202f\u2009")
        um = _UNIT_AFTER.match(prose, m.end())
        unit = _UNIT_ALIASES.get(um.group(1).lower()) if um else None
        found.append(_Number(token, _number_values(token, lang), unit))
    return tuple(found)


def _may_differ(source: str, translation: str, ctx: CheckContext) -> bool:
    """The pre-filter of ``numbers``: False when both texts have the same numbers, in the
    same order, with the same units (most translations), or no number at all.

    Why that is safe: with equal (token, unit) sequences the check's exact pass pairs each
    number with its twin at the same position (equal token; every earlier candidate is
    already taken), no unit differs, and nothing is left missing or added: the check yields
    nothing. (A text without a digit has no tokens: :func:`_tokens` answers it without
    reading its prose.)

    The same holds when, position by position, the units are equal and each token is equal
    or has the same values (``99.8`` in English, ``99,8`` in Dutch: a translation in its
    own locale's notation, the next most common case): that is the exact pass's other test
    (``cand.values == num.values``), so each number still pairs with its twin.
    """
    src, tgt = _tokens(source), _tokens(translation)
    if src == tgt:
        return False
    if len(src) != len(tgt):
        return True
    source_lang, target_lang = ctx.source_lang, ctx.target_lang
    return any(
        unit != other_unit or (token != other and _number_values(token, source_lang)
                               != _number_values(other, target_lang))
        for (token, unit), (other, other_unit) in zip(src, tgt, strict=True)
    )


@define("numbers", "error", "a number or unit differs (locale formats are accepted)",
        may_find=_may_differ)
def check_numbers(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """A changed dose or date is the worst silent error a translation can make."""
    src = list(_numbers(source, ctx.source_lang))
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
