"""``key: value`` front matter read without PyYAML gives exactly what PyYAML's reading gives.

``frontmatter_flat.read_flat`` answers only for blocks of one-line ``key: value`` pairs and
leaves everything else to ``frontmatter_yaml``. These tests read real front matter, random
mutations of it and generated blocks both ways, and compare everything the two return
wherever the flat reader answers; they also check it answers where it should (the sample
articles' front matter never needs PyYAML).
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_front_matter_libyaml import FIELDS, _mutations, _sources
from transflow.errors import ArticleError
from transflow.formats import frontmatter
from transflow.formats.frontmatter_flat import read_flat
from transflow.formats.frontmatter_yaml import read_yaml

REPO = Path(__file__).resolve().parent.parent

#: Pieces of values and lines, in and out of what the flat reader takes.
VALUES = [
    '"quoted"', '"Café — ‘x’ 😀"', '""', '"a # b"', '"a: b"', '"it\'s"', '"back\\\\slash"',
    "'single'", "''", "'a \"b\" c'", "'it''s'", "plain text", "2026-01-12", "1.5", "yes", "~",
    "null", "http://example.com/a:b", "Note:", "a: b", "C#", "a #b", "-5", "- x", "?x", ":x",
    "[a, b]", "{a: 1}", "&a x", "*a", "!!str 1", "|", ">-", "@x", "`x`", "%x", "a, b", "it's",
    'say "hi"', "x\ty", "x\u00a0y", "x\u2028y", "x\x85y", "trailing   ", "", "é", "a [b] {c}",
    "> x", "| x", "a|b", "a>b", "a&b*c!", "x\ufeff", "'open", '"open', "a'", 'b"',
]  # fmt: skip
TAKEN = ['"quoted"', '"Café — ‘x’ 😀"', '""', '"a # b"', "'single'", "plain text",
         "2026-01-12", "it's", "a, b", "trailing   ", "http://x.org/a:b", "é", "a|b"]
SEPARATORS = [" "] * 8 + ["  ", ""]  # (no space after the colon: not a mapping)
KEYS = ["title", "description", "summary", "lang", "date", "og.title", "seo.description",
        "tags", "note", "excerpt", "_x", "a-b", "2024", "Title", "\"title\"", "title ", "-x"]


def _generated(rng: random.Random, count: int) -> list[str]:
    out = []
    for _ in range(count):
        lines = []
        for _ in range(rng.randint(0, 6)):
            roll = rng.random()
            if roll < 0.92:  # mostly what the flat reader takes
                value = rng.choice(TAKEN if rng.random() < 0.9 else VALUES)
                lines.append(f"{rng.choice(KEYS[:13])}:{rng.choice(SEPARATORS)}{value}")
            elif roll < 0.96:
                lines.append(rng.choice(["", "   ", "# comment", "  - item", "  nested: x"]))
            else:
                lines.append(rng.choice(VALUES))
        out.append("\n".join(lines) + rng.choice(["\n", "\n", "\n", "", "\r\n"]))
    return out


def _yaml(body: str, fields: list[str]) -> object:
    text = f"---\n{body}---\n"
    try:
        return read_yaml(text, 4, 4 + len(body), fields)
    except ArticleError as exc:
        return ("error", str(exc))


def _compare(bodies: list[str], rng: random.Random) -> int:
    answered = 0
    for body in bodies:
        fields = rng.sample([*FIELDS, "lang", "date", "2024", "_x"], rng.randint(1, 7))
        flat = read_flat(f"---\n{body}---\n", 4, 4 + len(body), fields)
        if flat is not None:
            answered += 1
            assert flat == _yaml(body, fields), (body, fields)
    return answered


def test_the_flat_reader_answers_as_pyyaml() -> None:
    rng = random.Random(31)
    sources = _sources(None)
    bodies = sources + _mutations(sources, rng, 2000) + _generated(rng, 6000)
    answered = _compare(bodies, rng)
    assert answered > len(bodies) // 4  # (so the comparison is not empty)


def test_the_flat_reader_answers_on_the_corpus_as_pyyaml(corpus: Path) -> None:
    rng = random.Random(32)
    sources = _sources(corpus)
    _compare(sources + _mutations(sources, rng, 1500), rng)


@pytest.mark.parametrize(
    ("body", "answered"),
    [
        ('title: "A"\nlang: nl\ndate: 2026-01-12\n', True),
        ("title: 'it''s'\n", False),  # an escaped quote: PyYAML's
        ("title: a # note\n", False),  # a comment
        ("draft:\n", False),  # an empty value (a null, written where?)
        ("tags:\n- a\n", False),
        ("title: a\r\n", False),
        ("title: Note:\n", False),  # a colon at the end: YAML refuses it
        ("title: a\n  continued\n", False),
        ("title: \"a\"\n\n   \ndescription: b\n", True),
    ],
)
def test_what_the_flat_reader_takes(body: str, answered: bool) -> None:
    assert (read_flat(f"---\n{body}---\n", 4, 4 + len(body), ["title"]) is not None) is answered


def test_a_flat_value_refused_by_yaml_is_still_an_error() -> None:
    with pytest.raises(ArticleError, match="not valid YAML"):
        frontmatter.read("---\ntitle: Note:\n---\nBody.\n", 0, ["title"])


def test_the_samples_front_matter_never_imports_pyyaml() -> None:
    """A sync of Markdown articles whose front matter is ``key: value`` lines loads no PyYAML."""
    code = (
        "import sys; from pathlib import Path; from transflow.formats import format_for\n"
        f"for p in sorted(Path({str(REPO / 'sample_articles')!r}).glob('*.md')):\n"
        "    format_for(p).parse(p.read_text(encoding='utf-8'))\n"
        "print('yaml' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.strip() == "False"


def test_front_matter_pyyaml_must_read_without_pyyaml_is_one_named_error() -> None:
    """Where PyYAML is missing, flat front matter still reads, and other front matter is
    the article's error naming the package (no traceback)."""
    code = (
        "import sys; sys.modules['yaml'] = None\n"
        "from transflow.errors import ArticleError\n"
        "from transflow.formats import frontmatter\n"
        "print(frontmatter.read('---\\ntitle: a\\n---\\n', 0, ['title']).metadata)\n"
        "try:\n"
        "    frontmatter.read('---\\ntags:\\n- a\\n---\\n', 0, ['title'])\n"
        "except ArticleError as exc:\n"
        "    print(exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines() == [
        "{'title': 'a'}",
        "cannot read this YAML front matter: the Python package 'yaml' is missing",
    ]
