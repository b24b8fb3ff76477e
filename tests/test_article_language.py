"""Leniently read articles: what sync warns about instead of refusing the workspace."""

from __future__ import annotations

import json
from pathlib import Path

from tests.helpers import make_workspace, run
from transflow import language_guess
from transflow.formats.markdown import parse


def test_an_unclosed_front_matter_opener_is_markdown_and_sync_warns(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, {"plus.md": "+++\nTitel zonder einde\n\nDe tekst.\n"})
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert "Warning: articles/plus.md: line 1: '+++' opens no front matter" in result.stderr
    pot = (root / "locales/templates/plus.pot").read_text(encoding="utf-8")
    assert 'msgid "+++ Titel zonder einde"' in pot and 'msgid "De tekst."' in pot


ENGLISH = (
    "Magnesium is one of the minerals that the body needs for hundreds of reactions, and most "
    "people get enough of it from their food. If you take a supplement, it is best to take it "
    "with a meal, because that is when the body can absorb it most easily.\n"
)
DUTCH = (
    "Magnesium is een van de mineralen die het lichaam nodig heeft voor honderden reacties, en "
    "de meeste mensen krijgen er genoeg van binnen via hun voeding. Als je een supplement "
    "neemt, kun je het het beste bij een maaltijd innemen, omdat het lichaam het dan het "
    "makkelijkst opneemt.\n"
)


def _dutch_workspace(root: Path, articles: dict[str, str]) -> Path:
    make_workspace(root, articles)
    config = root / "transflow.toml"
    config.write_text(config.read_text().replace('source_language = "en"',
                                                 'source_language = "nl"'))
    return root


def test_language_markdown_is_the_subject_not_the_language(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, {"md.md": "---\nlanguage: markdown\n---\n\n" + ENGLISH})
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert "Warning" not in result.stderr
    assert (root / "locales/nl/md.po").exists()  # read as English, the workspace default


def test_a_lang_that_is_no_language_is_ignored_with_one_warning(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, {"nk.md": "---\ntitle: x\nlang: nk\n---\n\n" + ENGLISH})
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("Warning: articles/nk.md: line 3: unknown language 'nk'") == 1
    assert (root / "locales/nl/nk.po").exists()


def test_the_configured_key_decides_the_language(tmp_path: Path) -> None:
    root = make_workspace(tmp_path, {"a.md": "---\nlocale: nl\nlang: en\n---\n\n" + DUTCH})
    config = root / "transflow.toml"
    config.write_text(config.read_text() + 'lang_key = "locale"\n')
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    assert (root / "locales/en/a.po").exists() and not (root / "locales/nl/a.po").exists()
    assert "Warning" not in result.stderr


def test_sync_warns_when_the_text_is_not_in_the_articles_language(tmp_path: Path) -> None:
    root = _dutch_workspace(tmp_path, {"en.md": ENGLISH, "nl.md": DUTCH,
                                       "said.md": "---\nlang: nl\n---\n\n" + ENGLISH})
    result = run(root, "sync")
    assert result.exit_code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("Warning")]
    assert len(warnings) == 2, result.stderr
    assert warnings[0].startswith("Warning: articles/en.md: the text looks like 'en'")
    assert "the workspace default says 'nl'" in warnings[0] and "'lang: en'" in warnings[0]
    assert warnings[1].startswith("Warning: articles/said.md: the text looks like 'en'")
    assert "its lang: says 'nl'" in warnings[1]


def _corpus_files(corpus: Path) -> list[tuple[Path, str]]:
    files = [(p, lang) for lang in ("en", "nl")
             for p in sorted((corpus / "articles" / lang).glob("*.md"))]
    for info in json.loads((corpus / "pairs" / "pairs.json").read_text("utf-8")):
        files += [(corpus / "pairs" / info[lang]["file"], lang) for lang in ("nl", "en")]
    return files


def test_the_detector_on_the_corpus_no_false_warning_every_mislabel_warned(corpus: Path) -> None:
    """Each corpus article and pair file, as labelled and mislabelled (what sync reads)."""
    files = _corpus_files(corpus)
    assert len(files) >= 40
    false_warnings, missed = [], []
    for path, lang in files:
        doc = parse(path.read_text(encoding="utf-8"), front_matter_fields=("title",))
        texts = [s.text for s in doc.segments]
        if language_guess.article_mismatch(texts, lang) is not None:
            false_warnings.append(path.name)
        other = "nl" if lang == "en" else "en"
        found = language_guess.article_mismatch(texts, other)
        if found is None or found.language != lang:
            missed.append(path.name)
    assert false_warnings == []
    assert missed == []


def test_an_article_is_judged_on_its_opening_only_when_that_agrees() -> None:
    """A long article: an opening clearly in the declared language ends the check; any other
    opening is judged with the whole text, and a warning counts the whole text."""
    opening = [DUTCH] * 8  # over ARTICLE_OPENING characters
    assert sum(map(len, opening)) > language_guess.ARTICLE_OPENING
    # Clearly Dutch at first: the English that follows is not read (read whole, the
    # article is over three quarters English).
    mixed = [*opening, *[ENGLISH] * 40]
    assert language_guess.article_mismatch(mixed, "nl") is None
    whole = language_guess.guess("\n".join(mixed), min_hits=10, min_share=0.75)
    assert whole is not None and whole.language == "en"
    # An English opening alone would warn, but the whole article reads as Dutch.
    assert language_guess.article_mismatch([*[ENGLISH] * 8, *[DUTCH] * 40], "nl") is None
    # Mislabelled: the warning's figures are the whole article's.
    texts = [*[ENGLISH] * 8, *[ENGLISH] * 20]
    found = language_guess.article_mismatch(texts, "nl")
    counts = language_guess.count_function_words("\n".join(texts))
    assert found == language_guess.Guess("en", counts["en"], counts["en"] + counts["nl"])


def test_function_words_are_counted_each_time_in_any_case() -> None:
    """Repeats count every time; case and the typographic apostrophe fold; markup is noise."""
    text = "The the THE it’s It's `the the` <a title='de'> De het HET Over zonder"
    assert language_guess.count_function_words(text) == {"en": 5, "nl": 4}
    assert language_guess.count_function_words("") == {"en": 0, "nl": 0}


def _reference_count(text: str) -> dict[str, int]:
    """The plain definition: every word of ``_WORD`` outside the noise, folded, looked up."""
    counts = dict.fromkeys(language_guess.PROFILES, 0)
    for match in language_guess._WORD.finditer(language_guess._NOISE.sub(" ", text)):
        word = match.group().lower().replace("’", "'")
        for lang, words in language_guess.PROFILES.items():
            counts[lang] += word in words
    return counts


def test_function_word_count_equals_the_plain_definition() -> None:
    """The fast count (ASCII stand-ins, markup skipped in C) agrees on tricky words."""
    import random

    rng = random.Random(3)
    pieces = [*language_guess._LANGUAGES_OF, "It’s", "DON’T", "İs", "ǅe", "\u212aan", "é",
              "the’é", "é’the", "x’y’the", "²de", "ß", "Ωthe", "the—de", "1de", "_de", "’",
              "''", "de\u0301", "Straße", "`de`", "<de>", "](the)", "http://the", "a@b.nl",
              "www.de.nl", "Ελληνικά", "текст"]  # fmt: skip
    for _ in range(3000):
        text = rng.choice(["", " ", "’", "'", "-"]).join(
            rng.choice(pieces) for _ in range(rng.randint(0, 30))
        )
        assert language_guess.count_function_words(text) == _reference_count(text), text


def test_noise_without_mail_matches_the_noise_branches() -> None:
    """The fast pattern for a text without "@" removes exactly what ``_NOISE`` does."""
    import random
    import re

    plain = re.compile(language_guess._NOISE_BRANCHES)
    rng = random.Random(11)
    pieces = ["`", "]", "(", ")", "<", ">", "h", "t", "p", "s", ":", "/", "w", ".", " ", "\n",
              "a", "é", "_", "1", "http://", "https://", "www.", "](", "`a`", "<b>", "xhttp://",
              "_www.", "é://", "HTTP://"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        want = plain.sub(" ", text)
        assert language_guess._NOISE_WITHOUT_MAIL.sub(" ", text) == want, text
        assert language_guess._NOISE.sub(" ", text) == want, text


def test_noise_with_mail_matches_the_noise_pattern() -> None:
    """The scan for a text with an "@" removes exactly what ``_NOISE`` does: addresses
    next to, inside and around the other branches' matches, runs with several "@", an "@"
    at a run's start or end, and any whitespace."""
    import random

    rng = random.Random(12)
    pieces = ["@", "@", "a@b", "x@", "@y", "`", "]", "(", ")", "<", ">", "h", "w", ".", ":",
              "/", " ", "\n", "\t", "\u00a0", "\u2003", "a", "é", "http://", "www.", "](",
              "`a@b`", "<a@b>", "](a@b)", "mailto:a@b.nl"]
    for _ in range(30000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 24)))
        assert language_guess._without_noise(text) == language_guess._NOISE.sub(" ", text), text
