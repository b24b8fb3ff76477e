"""Front matter read through libyaml gives exactly what the pure-Python reader gives.

``formats.frontmatter`` composes YAML with libyaml when PyYAML has it (ten times faster) and
keeps the pure-Python reader for the sources where the two are known to disagree and for every
error message. These tests read real front matter, and many random mutations of it, both
ways and compare everything ``read`` returns (metadata, spans, styles, errors with lines).
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from transflow.errors import ArticleError
from transflow.formats import frontmatter, frontmatter_yaml

REPO = Path(__file__).resolve().parent.parent
FIELDS = [
    "title", "description", "summary", "summary[]", "tags[]", "faq[].question", "faq[].answer",
    "seo.description", "seo.title", "og.title", "people[].name", "note", "excerpt", "author",
]  # fmt: skip
MADE_UP = [
    "title: x\nfaq:\n  - question: 'Q'\n    answer: |\n      A\n  - question: \"B\"\n"
    "    answer: >-\n      b b\nseo: {description: d, title: t}\nsummary: [a, 'b', \"c\"]\n"
    "og.title: o\n",
    "title:\ndescription: ~\nsummary:\n  - \n  - x\nnote: &a anchored\nexcerpt: *a\n"
    "author: !!str 12\n",
    "title: \"Café — ‘x’ 😀\"\ndescription: plain é text\nnote: |2\n    kept\n   lines\n",
]
PIECES = [*":-'\"|>#&*!?[]{},% \t\n@`\\é—’😀\r\x85\ufeff\u2028\x7f",
    "!!str ", "&a ", "*a", "<<: ", "!x ", "\n---\n", "\n...\n", "|2\n", ">-\n", "  ", "\n  ",
    ": ", "- ", "~", "yes", "1.5", "title: ", "\nfaq:\n  - question: ", "\nseo:\n  description: ",
    "!", "!<x>", " #", "|+", ">2",
]  # fmt: skip


def _needs_libyaml() -> Any:
    loader = frontmatter_yaml._C_LOADER
    if loader is None:
        pytest.skip("PyYAML is built without libyaml here")
    return loader


def _sources(corpus_root: Path | None) -> list[str]:
    files = sorted((REPO / "sample_articles").glob("*.md")) + sorted((REPO / "tests").rglob("*.md"))
    if corpus_root is not None:
        files += sorted(corpus_root.rglob("*.md"))
    found = list(MADE_UP)
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        end = text.find("\n---", 4)
        if text.startswith("---\n") and end > 0:
            found.append(text[4 : end + 1])
    return found


def _read(text: str, fields: list[str], loader: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setattr(frontmatter_yaml, "_C_LOADER", loader)
    try:
        fm = frontmatter.read(text, 0, fields)
    except ArticleError as exc:
        return ("error", str(exc), exc.line)
    if fm is None:
        return None
    return (fm.metadata, fm.fields, fm.body_start, fm.lines, fm.syntax, fm.warnings)


def _mutations(sources: list[str], rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        chars = list(rng.choice(sources))
        for _ in range(rng.randint(1, 5)):
            roll, at = rng.random(), rng.randint(0, len(chars))
            if roll < 0.55:
                chars[at:at] = list(rng.choice(PIECES))
            elif roll < 0.8:
                del chars[at : at + rng.randint(1, 3)]
            else:
                start = rng.randint(0, len(chars))
                chars[at:at] = chars[start : start + rng.randint(1, 12)]
        out.append("".join(chars))
    return out


def _compare(bodies: list[str], rng: random.Random, monkeypatch: pytest.MonkeyPatch) -> int:
    loader = _needs_libyaml()
    fast = 0
    for body in bodies:
        text = f"---\n{body}{'' if body.endswith(chr(10)) else chr(10)}---\nBody.\n"
        fields = rng.sample(FIELDS, rng.randint(1, 6))
        pure = _read(text, fields, None, monkeypatch)
        assert _read(text, fields, loader, monkeypatch) == pure, (body, fields)
        fast += not frontmatter_yaml._PURE_ONLY.search(body)
    return fast


def test_libyaml_reads_like_the_pure_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(21)
    sources = _sources(None)
    bodies = sources + _mutations(sources, rng, 2000)
    fast = _compare(bodies, rng, monkeypatch)
    assert fast > len(bodies) // 3  # most front matter takes the libyaml path


def test_libyaml_reads_the_corpus_like_the_pure_reader(
    corpus: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = random.Random(22)
    sources = _sources(corpus)
    _compare(sources + _mutations(sources, rng, 1500), rng, monkeypatch)


def test_sources_libyaml_disagrees_on_stay_with_the_pure_reader() -> None:
    """Each known disagreement is kept away from libyaml (the pure reader refuses these)."""
    for body in ("title: a\tb\n", "tags: [a?b]\n", "x: 1\n\ufeff\n", "note: >#\n  x\n",
                 "author: !ion:!str 12\n"):
        assert frontmatter_yaml._PURE_ONLY.search(body), body
        with pytest.raises(ArticleError):
            frontmatter.read(f"---\n{body}---\n", 0, ["title"])
    assert not frontmatter_yaml._PURE_ONLY.search("title: Hello!\nsummary: 'a: b'\n")


def test_pure_only_prefilter_answers_as_the_pattern() -> None:
    import random

    rng = random.Random(5)
    pieces = ["\t", "?", "\ufeff", "#", "!", "|", ">", "-", "+", "1", " ", "\n", "[", "]", "{",
              "}", ",", "a", ":", "|#", ">-#", " !", "a!"]
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        expected = frontmatter_yaml._PURE_ONLY.search(text) is not None
        assert frontmatter_yaml._pure_only(text) is expected, repr(text)
