"""Which language a text is written in, offline: a stop-word profile for Dutch and English.

Two questions need it. ``sync`` asks whether an article's text looks like the language its
front matter (or the workspace default) says; ``translate``, ``status`` and ``check`` ask
whether one segment is already in the target language (an English quote in a Dutch article:
its translation is a copy, never a DeepL request).

Why stop words, not a model: the only languages transflow's workspaces pair today are Dutch and
English, function words tell those two apart with near certainty on a paragraph, the profile
is a few hundred bytes that ship with the code (no model download, no dependency), and the
answer is explainable. Precision matters more than recall: a wrong "this is English" on a
Dutch segment would skip its translation, so a guess needs enough function words and a clear
majority, and a language without a profile is never guessed (the caller then says nothing).

Invariants: words that are function words in both languages (``in``, ``is``, ``was``,
``we``, ``of``, ``over``, ``had``, ``me``, ``met``, ``die``, ``door``, ``ben``) count for
neither; code spans, URLs, HTML tags and e-mail addresses are removed before counting.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


PROFILES: dict[str, frozenset[str]] = {
    "en": _words(
        "the and to that for with this are be by not or have from at but an they which you "
        "can will has their more if about what there all would when been who our its than "
        "only into your how these may should were other do does them some such because he "
        "she his her my us no up out just like very also any each most many much then those "
        "where while why after before both could did during here however it's don't can't "
        "i'm we're they're isn't doesn't won't there's let's"
    ),
    "nl": _words(
        "de het een en van dat op te voor zijn niet aan er om ook als dan maar bij uit "
        "wordt worden naar heeft hebben nog kan meer wat deze dit wel geen wij ze zij hij "
        "hun onze ons jij je jouw uw mijn hoe waar wanneer omdat zo tot veel moet moeten "
        "kunnen zal zullen waren werd gaat tussen onder zonder tegen sinds daar echter "
        "alleen dus nu andere welke hebt zich wie waarom hier zoals binnen"
    ),
}

#: For each function word, the profiles it belongs to (in PROFILES order).
_LANGUAGES_OF: dict[str, tuple[str, ...]] = {
    word: tuple(lang for lang, words in PROFILES.items() if word in words)
    for words_ in PROFILES.values()
    for word in words_
}

_NOISE_BRANCHES = (
    r"`[^`]*`"  # code spans
    r"|\]\([^)]*\)"  # link destinations
    r"|<[^>]*>"  # HTML tags
    r"|\b(?:https?://|www\.)\S+"  # URLs
)
_NOISE = re.compile(_NOISE_BRANCHES + r"|\S+@\S+")  # and e-mail addresses
#: ``_NOISE`` for a text without "@" (same matches): without the e-mail branch, which tries
#: a ``\S+`` at every position, every branch begins with a literal character (the word
#: boundary before a URL is checked after its first letter), so the engine skips in C to
#: where one may begin, instead of testing a pattern at every position (5x faster).
_NOISE_WITHOUT_MAIL = re.compile(
    r"`[^`]*`|\]\([^)]*\)|<[^>]*>|h(?<!\wh)ttps?://\S+|w(?<!\ww)ww\.\S+"
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")


@dataclass(frozen=True, slots=True)
class Guess:
    """The language with most function words, how many it had, and how many all had."""

    language: str
    hits: int
    total: int

    @property
    def share(self) -> float:
        return self.hits / self.total if self.total else 0.0


def base_language(code: str) -> str:
    """``en_GB`` / ``en-GB`` -> ``en`` (profiles are per base language)."""
    return code.replace("-", "_").split("_")[0].lower()


class _StandIn(dict[str, str]):
    """An ASCII stand-in for each non-ASCII character, with the same role in ``_WORD``.

    A letter becomes ``q`` (no function word has a q, and no other non-ASCII letter lowers
    to ASCII), the Kelvin sign ``K`` (it lowers to ``k``), the typographic apostrophe ``'``,
    anything else a space: the words of the stand-in text are the words of the text, the
    same wherever they could be function words.
    """

    def __missing__(self, char: str) -> str:
        if char == "’":
            stand_in = "'"
        elif char == "\u212a":
            stand_in = "K"
        else:
            stand_in = "q" if _LETTER.fullmatch(char) else " "
        self[char] = stand_in
        return stand_in


_STAND_IN = _StandIn()
_LETTER = re.compile(r"[^\W\d_]")


def _stand_ins(error: UnicodeError) -> tuple[str, int]:
    """The codec error handler ``transflow-stand-in``: each character the ASCII encoder
    cannot take becomes its stand-in (see ``_StandIn``). Why a codec handler: the encoder
    copies the ASCII runs in C and calls this once per run of other characters, where a
    substitution would scan the text and call back once per character."""
    assert isinstance(error, UnicodeEncodeError)
    text = error.object[error.start : error.end]
    return "".join([_STAND_IN[char] for char in text]), error.end


codecs.register_error("transflow-stand-in", _stand_ins)


#: ASCII bytes -> the lowercase letter, the apostrophe kept, anything else a space: after it,
#: ``split()`` gives the runs of letters and apostrophes, lowercased, in C.
_LETTERS_ONLY = bytes(
    b + 32 if 65 <= b <= 90 else b if 97 <= b <= 122 or b == 39 else 32 for b in range(256)
)
_ASCII_WORD_LOWER = re.compile(rb"[a-z]+(?:'[a-z]+)?")
#: ``_LANGUAGES_OF`` keyed by the ASCII bytes of each function word.
_LANGUAGES_OF_BYTES: dict[bytes, tuple[str, ...]] = {
    word.encode("ascii"): langs for word, langs in _LANGUAGES_OF.items() if word.isascii()
}


def _ascii_word_counts(ascii: bytes) -> Counter[bytes]:
    """How often each function word is a word of ``[A-Za-z]+(?:'[A-Za-z]+)?`` in the ASCII
    text ``ascii`` (lowercased, as bytes; other words may be counted or not).

    Why: ``findall`` makes a match and a string per word in the engine's loop; a byte table
    and ``split`` find the same words in C (a run of letters without an apostrophe is one
    word, exactly), only function words are counted, and only the few runs with an
    apostrophe (``don't``, ``dogs'``, ``'tis``) are read again, through the pattern.
    """
    data = ascii.translate(_LETTERS_ONLY)
    counts = Counter(filter(_LANGUAGES_OF_BYTES.__contains__, data.split()))
    at = data.find(b"'")
    while at >= 0:
        start = data.rfind(b" ", 0, at) + 1
        end = data.find(b" ", at)
        if end < 0:
            end = len(data)
        run = data[start:end]
        words = _ASCII_WORD_LOWER.findall(run)
        if words != [run]:  # the run counted as one token is not one word: count its words
            if run in _LANGUAGES_OF_BYTES:
                counts[run] -= 1
            for word in words:
                if word in _LANGUAGES_OF_BYTES:
                    counts[word] += 1
        at = data.find(b"'", end)
    return counts


def _word_counts(text: str) -> Counter[bytes] | Counter[str]:
    """The words of ``_WORD`` in ``text`` as far as function words go (see ``_StandIn``),
    counted, and (on the ASCII paths) already lowercased: on ASCII text a letter is
    ``[A-Za-z]``, found without Unicode look-ups."""
    if text.isascii():
        return _ascii_word_counts(text.encode("ascii"))
    if 8 * (len(text.encode("utf-8", "surrogatepass")) - len(text)) > len(text):
        return Counter(_WORD.findall(text))  # mostly another script: one stand-in per character
    return _ascii_word_counts(text.encode("ascii", "transflow-stand-in"))


def _without_noise(text: str) -> str:
    """``_NOISE.sub(" ", text)``, skipped when the text has none of the characters each of
    its branches starts with (a backtick, ``]``, ``<``, ``://`` or ``www.``, ``@``)."""
    if "@" in text:
        return _without_noise_and_mail(text)
    if "`" in text or "]" in text or "<" in text or "://" in text or "www." in text:
        return _NOISE_WITHOUT_MAIL.sub(" ", text)
    return text


_SPACE = re.compile(r"\s")


def _mail_at(text: str, pos: int) -> tuple[int, int] | None:
    r"""Where the leftmost match of ``\S+@\S+`` in ``text[pos:]`` starts and ends.

    Such a match always runs from the start of a run of non-space characters (or ``pos``)
    to its end, and exists exactly when the run has an "@" after its first character and
    before its last: a later start in the same run would need an "@" in a part of that
    range. So each "@" is looked at once, with its run, instead of the pattern being tried
    at every position of the text.
    """
    at = text.find("@", pos)
    while at >= 0:
        start = at
        while start > pos and not text[start - 1].isspace():
            start -= 1
        space = _SPACE.search(text, at)
        end = space.start() if space is not None else len(text)
        if text.find("@", start + 1, end - 1) >= 0:
            return start, end
        at = text.find("@", end)
    return None


def _without_noise_and_mail(text: str) -> str:
    r"""``_NOISE.sub(" ", text)`` for a text with an "@": the other branches' matches found
    by ``_NOISE_WITHOUT_MAIL`` (which skips in C to where one may begin), the e-mail
    branch's by :func:`_mail_at`, the leftmost of the two taken each time, the e-mail one
    only when it starts first (it is ``_NOISE``'s last branch).

    Why: ``\S+@\S+`` may begin anywhere, so ``_NOISE`` tries it at every position of the
    text (and backtracks through each word); half of real articles have an "@" somewhere
    (an address, a handle, a decorator), and then the whole article took that path: 7x
    slower on them than this.
    """
    pieces: list[str] = []
    pos, size = 0, len(text)
    mail = _mail_at(text, 0)
    other = _NOISE_WITHOUT_MAIL.search(text)
    while pos < size:
        # Each is looked for again only once the text before ``pos`` was taken by the
        # other (a match found further on is still the first from ``pos``).
        if mail is not None and mail[0] < pos:
            mail = _mail_at(text, pos)
        if other is not None and other.start() < pos:
            other = _NOISE_WITHOUT_MAIL.search(text, pos)
        if mail is not None and (other is None or mail[0] < other.start()):
            start, end = mail
            mail = _mail_at(text, end)
        elif other is not None:
            start, end = other.span()
        else:
            break
        pieces += (text[pos:start], " ")
        pos = end
    pieces.append(text[pos:])
    return "".join(pieces)


def count_function_words(text: str) -> dict[str, int]:
    """Function words of each profiled language in ``text`` (markup and URLs set aside)."""
    counts = dict.fromkeys(PROFILES, 0)
    # Each distinct word is looked up once (a text repeats its words): the words are found
    # and counted in C, and only the distinct ones are folded and checked in Python.
    found = _word_counts(_without_noise(text))
    for word, times in found.items():
        if isinstance(word, bytes):
            languages = _LANGUAGES_OF_BYTES.get(word, ())
        else:
            languages = _LANGUAGES_OF.get(word.lower().replace("’", "'"), ())
        for language in languages:
            counts[language] += times
    return counts


def guess(text: str, *, min_hits: int, min_share: float) -> Guess | None:
    """The language of ``text`` when the evidence is clear, else None.

    Clear means at least ``min_hits`` function words of the winning language and at least
    ``min_share`` of all function words found.
    """
    counts = count_function_words(text)
    total = sum(counts.values())
    if not total:
        return None
    language = max(counts, key=lambda lang: counts[lang])
    found = Guess(language, counts[language], total)
    if found.hits < min_hits or found.share < min_share:
        return None
    return found


#: An article: a whole text, so ten function words and a two-thirds majority are plenty.
ARTICLE_HITS, ARTICLE_SHARE = 10, 0.75
#: One segment: stricter, since a wrong answer skips a translation.
SEGMENT_HITS, SEGMENT_SHARE = 4, 0.9


#: The opening an article is judged on first: its first segments, up to this many characters
#: (about 300 words of prose, some hundred function words; franc, the language detector,
#: reads 2,048 characters by default).
ARTICLE_OPENING = 2048


def article_mismatch(texts: Iterable[str], declared: str) -> Guess | None:
    """The guess when an article's text is clearly in another profiled language than
    ``declared``; None when it matches, is unclear, or ``declared`` has no profile.

    An article whose opening (its first segments, :data:`ARTICLE_OPENING` characters) is
    clearly in ``declared`` is not read further: ``sync`` asks this of every article, and
    counting every article whole was 8% of its instructions. Anything else (an opening that is
    unclear or in another language) is decided on the whole text, so a warning always
    stands on the whole article, and the only article left unwarned is one whose clear
    opening in its own language is followed by three times as much in another.
    """
    declared = base_language(declared)
    if declared not in PROFILES:
        return None
    texts = list(texts)
    count = size = 0  # the opening: texts[:count]
    while count < len(texts) and size < ARTICLE_OPENING:
        size += len(texts[count]) + 1
        count += 1
    if count < len(texts):
        opening = guess("\n".join(texts[:count]), min_hits=ARTICLE_HITS,
                        min_share=ARTICLE_SHARE)
        if opening is not None and opening.language == declared:
            return None
    found = guess("\n".join(texts), min_hits=ARTICLE_HITS, min_share=ARTICLE_SHARE)
    if found is None or found.language == declared:
        return None
    return found


def already_in(text: str, target: str, source: str) -> bool:
    """True when segment ``text`` of a ``source``-language article is clearly written in
    ``target`` already (its translation is a copy of it)."""
    target, source = base_language(target), base_language(source)
    if target == source or target not in PROFILES or source not in PROFILES:
        return False
    found = guess(text, min_hits=SEGMENT_HITS, min_share=SEGMENT_SHARE)
    return found is not None and found.language == target
