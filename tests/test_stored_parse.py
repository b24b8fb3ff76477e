"""A stored parse (``formats.stored``) is indistinguishable from a fresh one, for every format,
over the shared corpus and the sample articles; a bad record is refused, never trusted."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from transflow.errors import TransflowError
from transflow.formats import EXTENSIONS, Document, Markup, Translate, format_for, stored
from transflow.formats.base import DEFAULT_FRONT_MATTER
from transflow.formats.markdown import parse as parse_markdown
from transflow.formats.markdown import render as render_markdown

REPO = Path(__file__).resolve().parent.parent
FIELDS = (*DEFAULT_FRONT_MATTER, "lang")


def _read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _articles(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() in EXTENSIONS:
            yield path


def _round_trip(doc: Document) -> Document:
    """Through JSON text, as the cache stores it (proves the data is JSON-safe)."""
    return stored.load(json.loads(json.dumps(stored.dump(doc))), doc.source)


def _pseudo(segment_text: str) -> str:
    return segment_text.swapcase() + " [ü\n> x|y]"


def _assert_same(path: str, doc: Document, render: Callable[[Document, Translate], str]) -> None:
    loaded = _round_trip(doc)
    assert loaded == doc, path
    assert render(loaded, lambda s: s.text) == render(doc, lambda s: s.text) == doc.source
    pseudo_loaded = render(loaded, lambda s: _pseudo(s.text))
    assert pseudo_loaded == render(doc, lambda s: _pseudo(s.text)), path
    assert pseudo_loaded != doc.source or not doc.segments, path


def _check_folder(folder: Path, markup: Markup | None = None) -> int:
    count = 0
    for path in _articles(folder):
        try:
            source = _read(path)
        except (UnicodeDecodeError, OSError):
            continue
        fmt = format_for(path)
        try:
            first = fmt.parse(source, front_matter_fields=FIELDS, markup=markup)
            # and once more with every front-matter field it has (more segment kinds)
            every = fmt.parse(source, front_matter_fields=(*FIELDS, *first.metadata),
                              markup=markup)
        except TransflowError:  # an input the format refuses: nothing to store
            continue
        for doc in (first, every):
            _assert_same(str(path), doc, fmt.render)
        count += 1
    return count


def test_every_sample_article_round_trips() -> None:
    assert _check_folder(REPO / "sample_articles") >= 5
    assert _check_folder(REPO / "sample_articles", Markup(props=("title", "alt"),
                                                           shortcodes=(("figure", (1, 2)),)))


def test_every_corpus_article_round_trips(corpus: Path) -> None:
    # markdown, mdx, html and text, as the corpus has them
    suffixes = {p.suffix.lower() for p in _articles(corpus)}
    assert {".md", ".mdx", ".html", ".txt"} <= suffixes
    assert _check_folder(corpus) > 250


def test_commonmark_examples_round_trip(corpus: Path) -> None:
    for name in ("spec.json", "gfm-spec.json", "gfm-extensions.json"):
        examples = json.loads((corpus / "commonmark" / name).read_text(encoding="utf-8"))
        for example in examples:
            for mdx in (False, True):
                try:
                    doc = parse_markdown(example["markdown"], front_matter=False, mdx=mdx)
                except TransflowError:
                    continue
                _assert_same(f"{name}#{example['example']}", doc, render_markdown)


@pytest.mark.parametrize("suffix", [".md", ".mdx", ".html", ".txt"])
def test_each_format_keeps_its_render_data(suffix: str) -> None:
    source = (
        "---\ntitle: 'A \"title\"'\nlang: en\n---\n\n# Head\n\n> quoted\n> text\n\n"
        '- item <abbr title="Hello">HI</abbr>\n\n| a | b |\n|---|---|\n| c | d |\n'
        '\n<p title=\'t\'>para</p>\n\n{{< notice warning "Careful now" >}}\n'
    )
    fmt = format_for(f"x{suffix}")
    doc = fmt.parse(source, front_matter_fields=FIELDS)
    assert doc.segments
    _assert_same(suffix, doc, fmt.render)


def test_an_inner_segment_keeps_its_anchor() -> None:
    doc = parse_markdown('Text with <abbr title="Hypertext">HTML</abbr> in it.\n')
    assert any(s.anchor is not None for s in doc.segments)
    assert _round_trip(doc).segments == doc.segments


def _good() -> tuple[dict[str, object], str]:
    source = "# Title\n\nSome *text*.\n"
    return json.loads(json.dumps(stored.dump(parse_markdown(source)))), source


def _broken(change: str) -> object:
    data, _ = _good()
    segments = data["segments"]
    assert isinstance(segments, list)
    extra = data["extra"]
    assert isinstance(extra, dict)
    if change == "version":
        data["v"] = stored.VERSION + 1
    elif change == "not a dict":
        return ["v", 1]
    elif change == "missing key":
        del data["segments"]
    elif change == "segment type":
        segments[0][2] = "1"
    elif change == "text type":
        segments[0][0] = 5
    elif change == "segment past the end":
        segments[0][4] = 10_000
    elif change == "short row":
        segments[0] = segments[0][:3]
    elif change == "bad anchor":
        segments[0] += [5, "x"]
    elif change == "metadata":
        data["metadata"] = {"title": 3}
    elif change == "unknown extra":
        extra["x"] = ["pickle", "cos\nsystem"]
    elif change == "bad span":
        key = next(k for k, v in extra.items() if isinstance(v, list) and v[0] == "spans")
        extra[key][1][0][2] = None
    elif change == "bad markup":
        key = next(k for k, v in extra.items() if isinstance(v, list) and v[0] == "markup")
        extra[key] = ["markup", [1], []]
    elif change == "float":
        extra["y"] = 1.5
    return data


@pytest.mark.parametrize("change", [
    "version", "not a dict", "missing key", "segment type", "text type", "segment past the end",
    "short row", "bad anchor", "metadata", "unknown extra", "bad span", "bad markup", "float",
])
def test_a_bad_record_is_refused(change: str) -> None:
    _, source = _good()
    with pytest.raises(stored.StoredError):
        stored.load(_broken(change), source)


def test_a_value_it_cannot_carry_is_not_dumped() -> None:
    doc = parse_markdown("Text.\n")
    doc.extra["odd"] = object()
    with pytest.raises(stored.StoredError):
        stored.dump(doc)


def test_parser_versions_are_read_without_importing_the_parsers() -> None:
    """A build renders stored parses: asking the parsers' versions (part of a stored parse's
    key) and rendering must not import markdown-it or PyYAML, and the versions read from
    the installed files are the ones the imported packages report."""
    probe = (
        "import sys\n"
        "from transflow.formats import format_for, stored\n"
        "answer = stored.parser_versions('markdown')\n"
        "format_for('a.md')\n"
        "print(sorted(m for m in ('markdown_it', 'yaml', 'mdit_py_plugins') if m in sys.modules))\n"
        "import markdown_it, mdit_py_plugins, yaml\n"
        "expected = [sys.version.split()[0]] + [\n"
        "    f'{m.__name__} {m.__version__}'\n"
        "    + (' C' if getattr(m, '__with_libyaml__', 0) else '')\n"
        "    for m in (markdown_it, mdit_py_plugins, yaml)]\n"
        "print(answer == ', '.join(expected), answer)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout.splitlines()
    assert out[0] == "[]"
    assert out[1].startswith("True"), out[1]
