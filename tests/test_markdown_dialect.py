"""One Markdown dialect: what the format leaves untranslated is exactly what DeepL never sees.

The format decides which bytes are segments (math and code blocks, footnote labels are not);
``mt.placeholders`` decides which parts of a segment are sent as words. Both read the same
dialect, so math, code and footnote references inside a segment are placeholders, and
look-alikes the dialect reads as text (``$5 and $6``) are sent as text.
"""

from __future__ import annotations

import re

import pytest
from markdown_it.token import Token

from transflow.checks import CheckContext, run_checks
from transflow.formats import markdown_dialect
from transflow.formats.markdown import parse
from transflow.mt.placeholders import protect, restore

_TAG = re.compile(r"<[^>]+>")


def _sent(text: str) -> str:
    """The words DeepL receives for one segment (each placeholder shown as ``·``)."""
    xml = protect(text).text
    return _TAG.sub("·", xml).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")


# (article, what DeepL receives for each segment, in document order)
CASES = [
    (
        "Einstein wrote $E = mc^2$ in 1905.\n",
        ["Einstein wrote · in 1905."],
    ),
    (
        "Display math inline $$\\sum_i x_i$$ too.\n",
        ["Display math inline · too."],
    ),
    (
        "Prices rose from $5 to $6 today.\n",
        ["Prices rose from $5 to $6 today."],
    ),
    (
        "The formula:\n\n$$\nE = mc^2\n$$\n\nEnds here.\n",
        ["The formula:", "Ends here."],
    ),
    (
        "Run `make test` now.\n\n```sh\nmake demo\n```\n\n    indented code\n",
        ["Run · now."],
    ),
    (
        "Magnesium helps[^1] and sleeps[^note].\n\n[^1]: A study in mice.\n"
        "[^note]: Another one.\n",
        ["Magnesium helps· and sleeps·.", "A study in mice.", "Another one."],
    ),
    (
        "See www.example.com or https://example.org/a_b for more.\n",
        ["See · or · for more."],
    ),
    (
        "Mail first_last@example.com or see https://x.org/a_b[^1].\n\n[^1]: Note.\n",
        ["Mail · or see ··.", "Note."],
    ),
]


@pytest.mark.parametrize(("article", "sent"), CASES, ids=[c[0][:24] for c in CASES])
def test_deepl_sees_only_what_the_format_translates(article: str, sent: list[str]) -> None:
    doc = parse(article)
    assert [_sent(s.text) for s in doc.segments] == sent
    for segment in doc.segments:
        protected = protect(segment.text)
        assert restore(protected, protected.text).text == segment.text


_VERBATIM = {
    "math_inline", "math_inline_double", "code_inline", "math_block", "fence", "code_block"
}


def test_math_code_and_footnote_labels_never_reach_deepl() -> None:
    """Every math, code and footnote token the dialect finds is outside the words sent."""
    article = (
        "# Heading with $a_1$ and `x_var`\n\n"
        "Energy $E = mc^2$ and `grep -r`[^src] with $$\\int f$$.\n\n"
        "$$\nF = ma\n$$\n\n"
        "```python\nprint('hello')\n```\n\n"
        "| Cell $z^2$ | `tbl_code` |\n|---|---|\n| p | q |\n\n"
        "[^src]: Feynman, *Lectures*, $\\hbar$ section.\n"
    )
    protected: list[str] = []
    for tok in _walk(markdown_dialect.markdown_parser().parse(article)):
        if tok.type in _VERBATIM:
            protected.append(tok.content.strip())
        elif tok.type in ("footnote_ref", "footnote_reference_open"):
            protected.append("^" + str(tok.meta["label"]))
    assert len(protected) >= 10
    sent = " ".join(_sent(s.text) for s in parse(article).segments)
    for content in protected:
        assert content not in sent, content
    assert "Energy" in sent and "Lectures" in sent


def _walk(tokens: list[Token]) -> list[Token]:
    out: list[Token] = []
    for tok in tokens:
        out.append(tok)
        if tok.children:
            out.extend(_walk(tok.children))
    return out


def test_checks_read_math_as_the_format_does() -> None:
    """``*`` inside math is not emphasis: the checks must not count it as such."""
    source = "If $x*y*z$ holds, stop."
    translation = "Als $x * y * z$ geldt, stop."
    findings = run_checks(source, translation, CheckContext("en", "nl"))
    assert [f for f in findings if f.check == "emphasis"] == []


def test_one_factory_builds_every_parser() -> None:
    """No module configures markdown-it itself: the dialect's factory is the only caller."""
    from pathlib import Path

    root = Path(markdown_dialect.__file__).parents[1]
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if path.name != "markdown_dialect.py"
        and re.search(r"MarkdownIt\(|_plugin\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []
