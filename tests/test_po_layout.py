"""po.layout: catalogs written byte-identical to GNU ``msgcat`` (golden and differential tests)."""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import json
import random
import subprocess
import sys
from collections.abc import Iterator
from itertools import accumulate
from pathlib import Path
from typing import Any

import polib
import pytest

from transflow.errors import CatalogError
from transflow.po import _unitables
from transflow.po.layout import _line_breaks, render_po, wrap_string

GENERATOR = Path(__file__).resolve().parent.parent / "scripts" / "generate_unitables.py"

HEADER = (
    'msgid ""\n'
    'msgstr ""\n'
    '"Project-Id-Version: transflow\\n"\n'
    '"MIME-Version: 1.0\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n'
    '"Content-Transfer-Encoding: 8bit\\n"\n'
)


def new_catalog() -> Any:
    po = polib.POFile()
    po.metadata = {
        "Project-Id-Version": "transflow",
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
    }
    return po


def render_one(**fields: Any) -> str:
    """The text of one entry (header stripped), rendered from a fresh catalog."""
    po = new_catalog()
    po.append(polib.POEntry(**fields))
    text = render_po(po)
    assert text.startswith(HEADER + "\n")
    return text[len(HEADER) + 1 :]


# --------------------------------------------------------------------------- golden cases

LONG = (
    "Transflow keeps Dutch and English versions of articles aligned through gettext "
    "catalogs, one entry per paragraph."
)

GOLDEN: list[tuple[str, dict[str, Any], str]] = [
    ("short", {"msgid": "Hello", "msgstr": "Hallo"}, 'msgid "Hello"\nmsgstr "Hallo"\n'),
    (
        "wrap after spaces, 77 columns of text, keyword gets an empty first line",
        {"msgid": LONG, "msgstr": ""},
        'msgid ""\n'
        '"Transflow keeps Dutch and English versions of articles aligned through "\n'
        '"gettext catalogs, one entry per paragraph."\n'
        'msgstr ""\n',
    ),
    (
        "exactly 71 columns still fit after msgid",
        {"msgid": "x" * 60 + " abcdefghij", "msgstr": ""},
        'msgid "' + "x" * 60 + ' abcdefghij"\nmsgstr ""\n',
    ),
    (
        "72 columns do not",
        {"msgid": "x" * 60 + " abcdefghijk", "msgstr": ""},
        'msgid ""\n"' + "x" * 60 + ' abcdefghijk"\nmsgstr ""\n',
    ),
    (
        "a trailing space counts: the piece 'word ' must fit",
        {"msgid": "y" * 70 + " z " + "w" * 10, "msgstr": ""},
        'msgid ""\n"' + "y" * 70 + ' z "\n"' + "w" * 10 + '"\nmsgstr ""\n',
    ),
    (
        "a URL breaks after a slash before a letter; a long word overflows its line",
        {"msgid": "See https://example.org/" + "a" * 80 + " now", "msgstr": ""},
        'msgid ""\n"See https://example.org/"\n"' + "a" * 80 + ' "\n"now"\nmsgstr ""\n',
    ),
    (
        "newlines: break after each \\n, never before the final one",
        {"msgid": "line one\nline two\n", "msgstr": "a\n"},
        'msgid ""\n"line one\\n"\n"line two\\n"\nmsgstr "a\\n"\n',
    ),
    (
        "escapes: quote, backslash, tab",
        {"msgid": 'say "hi"\\\tnow', "msgstr": ""},
        'msgid "say \\"hi\\"\\\\\\tnow"\nmsgstr ""\n',
    ),
    (
        "CJK characters are two columns wide and break anywhere",
        {"msgid": "漢字" * 20, "msgstr": ""},
        'msgid ""\n"' + "漢字" * 19 + '"\n"漢字"\nmsgstr ""\n',
    ),
    (
        "hyphen and slash break before letters, not before digits",
        {"msgid": "a" * 70 + " well-known and/or 3-4", "msgstr": ""},
        'msgid ""\n"' + "a" * 70 + ' well-"\n"known and/or 3-4"\nmsgstr ""\n',
    ),
    (
        "comments, references wrapped at 79 columns, duplicates dropped, flags normalised",
        {
            "msgid": "Title",
            "msgstr": "Titel",
            "tcomment": "first line\n\n  indented",
            "comment": "heading 2",
            "occurrences": [
                (f"sample_articles/a-rather-long-name-{n}.md", str(n)) for n in range(4)
            ]
            + [("sample_articles/a-rather-long-name-0.md", "0"), ("./x.md", ""), ("y.md", "")],
            "flags": ["mt-draft", "python-format", "fuzzy", "no-wrap", "c-format"],
        },
        "# first line\n#\n#   indented\n#. heading 2\n"
        "#: sample_articles/a-rather-long-name-0.md:0\n"
        "#: sample_articles/a-rather-long-name-1.md:1\n"
        "#: sample_articles/a-rather-long-name-2.md:2\n"
        "#: sample_articles/a-rather-long-name-3.md:3 x.md y.md\n"
        "#, fuzzy, c-format, python-format, no-wrap\n"
        'msgid "Title"\nmsgstr "Titel"\n',
    ),
    (
        "a comment line ending in a backslash gets a space, or gettext would join the lines",
        {"msgid": "b", "msgstr": "", "tcomment": "C:\\\nnext", "comment": "x\\"},
        '# C:\\ \n# next\n#. x\\ \nmsgid "b"\nmsgstr ""\n',
    ),
    (
        "fuzzy is dropped from an untranslated entry",
        {"msgid": "a", "msgstr": "", "flags": ["fuzzy"]},
        'msgid "a"\nmsgstr ""\n',
    ),
    (
        "previous fields, wrapped with their #| prefix (74 columns of text)",
        {
            "msgid": "new",
            "msgstr": "nieuw",
            "flags": ["fuzzy"],
            "msgctxt": "ctx",
            "previous_msgctxt": "old ctx",
            "previous_msgid": LONG,
        },
        "#, fuzzy\n"
        '#| msgctxt "old ctx"\n'
        '#| msgid ""\n'
        '#| "Transflow keeps Dutch and English versions of articles aligned through "\n'
        '#| "gettext catalogs, one entry per paragraph."\n'
        'msgctxt "ctx"\nmsgid "new"\nmsgstr "nieuw"\n',
    ),
    (
        "plurals",
        {"msgid": "one file", "msgid_plural": "%d files", "msgstr_plural": {0: "één", 1: "veel"}},
        'msgid "one file"\nmsgid_plural "%d files"\nmsgstr[0] "één"\nmsgstr[1] "veel"\n',
    ),
    (
        "no-wrap keeps a long line but still breaks after \\n",
        {"msgid": LONG + "\n" + LONG, "msgstr": "", "flags": ["no-wrap"]},
        f'#, no-wrap\nmsgid ""\n"{LONG}\\n"\n"{LONG}"\nmsgstr ""\n',
    ),
]


@pytest.mark.parametrize(
    ("fields", "expected"), [(f, e) for _, f, e in GOLDEN], ids=[n for n, _, _ in GOLDEN]
)
def test_golden_entry(fields: dict[str, Any], expected: str) -> None:
    assert render_one(**fields) == expected


@pytest.mark.gettext
def test_golden_texts_are_what_msgcat_writes(gettext_tools: None, tmp_path: Path) -> None:
    """The expectations above are not hand-made guesses: msgcat leaves each one unchanged."""
    text = HEADER + "".join("\n" + expected for _, _, expected in GOLDEN)
    (tmp_path / "golden.po").write_text(text, encoding="utf-8")
    out = subprocess.run(
        ["msgcat", str(tmp_path / "golden.po")], capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert out == text


def test_obsolete_entries_go_last_and_untranslated_ones_vanish() -> None:
    po = new_catalog()
    po.append(polib.POEntry(msgid="gone", msgstr="weg", obsolete=True, previous_msgid="went"))
    po.append(polib.POEntry(msgid="never translated", msgstr="", obsolete=True))
    po.append(polib.POEntry(msgid="live", msgstr="levend"))
    po.append(polib.POEntry(msgid=LONG, msgstr="x", obsolete=True))
    assert render_po(po) == (
        HEADER + '\nmsgid "live"\nmsgstr "levend"\n'
        '\n#~| msgid "went"\n#~ msgid "gone"\n#~ msgstr "weg"\n'
        '\n#~ msgid ""\n'
        '#~ "Transflow keeps Dutch and English versions of articles aligned through "\n'
        '#~ "gettext catalogs, one entry per paragraph."\n#~ msgstr "x"\n'
    )


def test_header_comment_and_fuzzy_header() -> None:
    po = new_catalog()
    po.header = "Dutch translation\nCopyright nobody"
    po.metadata_is_fuzzy = True
    assert render_po(po) == "# Dutch translation\n# Copyright nobody\n#, fuzzy\n" + HEADER


def test_catalog_without_header_has_no_header_entry() -> None:
    po = polib.POFile()
    po.append(polib.POEntry(msgid="a", msgstr="b"))
    assert render_po(po) == 'msgid "a"\nmsgstr "b"\n'
    assert render_po(polib.POFile()) == ""


def test_duplicate_entries_are_refused() -> None:
    po = new_catalog()
    po.append(polib.POEntry(msgid="a", msgstr="b"))
    po.append(polib.POEntry(msgid="a", msgstr="c"))
    with pytest.raises(CatalogError, match="duplicate"):
        render_po(po)
    po[1].msgctxt = "other"
    assert 'msgctxt "other"' in render_po(po)


def test_wrap_string_keyword_lines() -> None:
    assert wrap_string("msgid", "") == ['msgid ""']
    assert wrap_string("msgstr", "a\nb", prefix="#~ ") == ['#~ msgstr ""', '#~ "a\\n"', '#~ "b"']


def test_polib_round_trip_is_stable() -> None:
    po = new_catalog()
    po.header = "comment"
    for n, text in enumerate(_random_texts(random.Random(5), 300)):
        po.append(_random_entry(random.Random(n), text, text[::-1], n, obsolete=False))
    first = render_po(po)
    again = render_po(polib.pofile(first))
    assert again == first
    reparsed = polib.pofile(first)
    with_previous = [e for e in reparsed if e.previous_msgid is not None]
    assert with_previous and all(e.previous_msgid for e in with_previous)
    assert any(e.msgctxt for e in reparsed)


# --------------------------------------------------------------------------- generators


def _paragraphs(path: Path) -> Iterator[str]:
    text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
    for block in text.split("\n\n"):
        lines = [line.strip() for line in block.splitlines()]
        if any(lines):
            yield " ".join(line for line in lines if line)
            if len(lines) > 1:
                yield "\n".join(lines)  # also as a multi-line string


def corpus_texts(corpus: Path) -> list[str]:
    """Paragraphs of the articles and pairs, and the CommonMark spec examples."""
    texts: list[str] = []
    for folder in ("articles", "pairs"):
        for path in sorted((corpus / folder).rglob("*")):
            if path.suffix in (".md", ".html", ".markdown"):
                texts.extend(_paragraphs(path))
    spec = corpus / "commonmark" / "spec.json"
    if spec.is_file():
        for example in json.loads(spec.read_text(encoding="utf-8")):
            texts.append(example["markdown"])
            texts.extend(example["markdown"].splitlines())
    return texts


_POOL = (
    list(" -/\\\"'()[]{}<>.,;:!?%$#@&*+=_|~^`0123456789\t")
    + list("éüëï–—…«»„“”‘’·•€£©°×")
    + ["\u00a0", "\u200b", "\u0301", "一", "。", "、", "「", "」", "ア", "가", "\U0001f600"]
    + ["https://example.org/path?q=1&r=2", "e.g.", "word-", "**bold**", "[link](x.md)"]
)


def _random_texts(rng: random.Random, count: int) -> Iterator[str]:
    words = ["transflow", "de", "het", "catalogus", "segment", "a", "ab", "x" * 30, "y" * 85]
    for _ in range(count):
        parts: list[str] = []
        for _ in range(rng.randint(0, 60)):
            roll = rng.random()
            if roll < 0.5:
                parts.append(rng.choice(words))
            elif roll < 0.8:
                parts.append(" ")
            elif roll < 0.97:
                parts.append(rng.choice(_POOL))
            else:
                parts.append("\n")
        yield "".join(parts)


def _random_entry(rng: random.Random, msgid: str, msgstr: str, n: int, obsolete: bool) -> Any:
    entry = polib.POEntry(msgid=msgid or f"empty {n}", msgstr=msgstr, obsolete=obsolete)
    if rng.random() < 0.2:
        entry.msgctxt = f"ctx {n} " + msgstr[:90]
    if rng.random() < 0.3:
        entry.tcomment = "reviewed: sha1=abc\n" + msgstr[:50].replace("\n", " ").strip()
    if not obsolete and rng.random() < 0.6:
        entry.comment = "heading 2"
        entry.occurrences = [
            (
                f"sample_articles/{'deep/' * rng.randint(0, 4)}article-{k}.md",
                str(rng.randint(1, 9999)),
            )
            for k in range(rng.randint(1, 9))
        ]
    if rng.random() < 0.3:
        entry.flags = ["fuzzy"] + (["no-wrap"] if rng.random() < 0.1 else [])
    if rng.random() < 0.15:
        entry.previous_msgid = msgstr[::-1] + " " + msgid[:100]
        if rng.random() < 0.3:
            entry.previous_msgctxt = "old context"
    if rng.random() < 0.05:
        entry.msgid_plural = msgid + " (plural)"
        entry.msgstr_plural = {0: msgstr, 1: msgstr[:40]}
    return entry


def build_catalog(texts: list[str], seed: int) -> Any:
    rng = random.Random(seed)
    po = new_catalog()
    po.header = "Differential test catalog"
    seen: set[tuple[str | None, str]] = set()
    for n, msgid in enumerate(texts):
        msgstr = texts[(n * 7 + 3) % len(texts)] if rng.random() < 0.8 else ""
        entry = _random_entry(rng, msgid, msgstr, n, obsolete=rng.random() < 0.08)
        key = (entry.msgctxt, entry.msgid)
        if key not in seen:
            seen.add(key)
            po.append(entry)
    return po


def msgcat_equal(po: Any, tmp_path: Path) -> tuple[int, int, list[str]]:
    """Render, run plain ``msgcat``, and compare entry blocks: (blocks, equal, first diffs)."""
    mine = render_po(po)
    source = tmp_path / "in.po"
    source.write_text(mine, encoding="utf-8")
    result = subprocess.run(
        ["msgcat", str(source), "-o", str(tmp_path / "out.po")], capture_output=True, check=False
    )
    assert result.returncode == 0, result.stderr.decode()
    theirs = (tmp_path / "out.po").read_text(encoding="utf-8")
    a, b = mine.split("\n\n"), theirs.split("\n\n")
    equal = sum(x == y for x, y in zip(a, b, strict=False))
    diffs = [f"{x!r}\n!=\n{y!r}" for x, y in zip(a, b, strict=False) if x != y][:3]
    if len(a) != len(b):
        diffs.append(f"{len(a)} blocks written, msgcat wrote {len(b)}")
    return len(a), equal, diffs


# --------------------------------------------------------------------------- differential


@pytest.mark.gettext
def test_msgcat_keeps_generated_catalog_byte_identical(gettext_tools: None, tmp_path: Path) -> None:
    texts = list(_random_texts(random.Random(1), 4000))
    blocks, equal, diffs = msgcat_equal(build_catalog(texts, seed=1), tmp_path)
    assert (equal, diffs) == (blocks, [])


@pytest.mark.gettext
@pytest.mark.corpus
def test_msgcat_keeps_corpus_catalog_byte_identical(
    gettext_tools: None, corpus: Path, tmp_path: Path
) -> None:
    texts = corpus_texts(corpus)
    assert len(texts) > 1000
    blocks, equal, diffs = msgcat_equal(build_catalog(texts, seed=2), tmp_path)
    assert (equal, diffs) == (blocks, [])


def _libunistring() -> Any:
    name = ctypes.util.find_library("unistring")
    if name is None:
        pytest.skip("libunistring not installed")
    lib = ctypes.CDLL(name)
    if not hasattr(lib, "libunistring_unilbrkprop"):
        pytest.skip("this libunistring does not export its line breaking table")
    return lib


def _generator() -> Any:
    spec = importlib.util.spec_from_file_location("generate_unitables", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_tables_are_what_the_generator_derives_from_installed_libunistring() -> None:
    """The committed tables are libunistring's own (what msgcat on this machine uses), and the
    committed module is exactly what ``scripts/generate_unitables.py`` writes from them."""
    lib = _libunistring()
    generator = _generator()
    tables = generator.derive(lib)
    assert tables.lb_start == _unitables.LB_START
    assert tables.lb_class == _unitables.LB_CLASS
    assert tables.width_start == _unitables.WIDTH_START
    assert tables.width == _unitables.WIDTH
    assert tables.pair_table == _unitables.PAIR_TABLE
    text = generator.render(tables, generator.library_version(lib))
    assert text == Path(_unitables.__file__).read_text(encoding="utf-8")


def test_generated_module_is_compact() -> None:
    """Generated data ships compact: a few hundred lines, not one number per line."""
    lines = Path(_unitables.__file__).read_text(encoding="utf-8").count("\n")
    assert lines < 400
    assert _unitables.LB_START[0] == 0 and list(_unitables.LB_START) == sorted(
        set(_unitables.LB_START)
    )
    assert len(_unitables.LB_START) == len(_unitables.LB_CLASS)
    assert len(_unitables.WIDTH_START) == len(_unitables.WIDTH)
    assert len(_unitables.PAIR_TABLE) == 33 * 33


def test_line_breaks_match_libunistring() -> None:
    """The Python line breaking equals u8_width_linebreaks_v2, the call behind msgcat's wrap()."""
    lib = _libunistring()
    func = lib.u8_width_linebreaks_v2
    func.argtypes = [ctypes.c_char_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int]
    func.argtypes += [ctypes.c_char_p, ctypes.c_char_p, ctypes.c_char_p]
    rng = random.Random(4)
    extra = ["\u200d", "\u05d0", "\u05be", "\U0001f1f3", "\U0001f3fb", "\u2028", "\u0e01", "\u00ad"]
    for text in _random_texts(rng, 3000):
        text = text.replace("\n", rng.choice(extra))
        data = text.encode("utf-8")
        offsets = list(accumulate((len(ch.encode("utf-8")) for ch in text), initial=0))[:-1]
        prohibited = [i for i in range(len(text)) if rng.random() < 0.05]
        overrides = bytearray(len(data))
        for i in prohibited:
            overrides[offsets[i]] = 1  # UC_BREAK_PROHIBITED
        width, start = rng.randint(5, 80), rng.randint(0, 20)
        out = ctypes.create_string_buffer(len(data))
        func(data, len(data), width, start, 0, bytes(overrides), b"UTF-8", out)
        expected = [i for i, off in enumerate(offsets) if out.raw[off] == 2]  # UC_BREAK_POSSIBLE
        assert _line_breaks(text, prohibited, width, start) == expected, (text, width, start)


def test_the_wrapped_fields_kept_stay_within_their_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache of wrapped fields is bounded by what its texts cost, not by their number:
    16,384 whole msgids once made a worker's memory grow by ~20 MiB over a long sync."""
    from transflow.po import layout

    monkeypatch.setattr(layout, "WRAP_BUDGET", 40_000)
    monkeypatch.setattr(layout, "_wrapped", {})
    monkeypatch.setattr(layout, "_wrapped_old", {})
    monkeypatch.setattr(layout, "_wrapped_cost", 0)

    def cost(cache: dict[tuple[Any, ...], tuple[str, ...]]) -> int:
        return sum(layout._wrap_cost(key[1]) for key in cache)

    texts = [f"Paragraph {n}: " + "word " * (50 + n % 400) for n in range(300)]
    first = []
    for text in texts:
        first.append(layout.wrap_string("msgid", text))
        layout.wrap_string("msgstr", "")  # in use all along
        assert cost(layout._wrapped) == layout._wrapped_cost <= 20_000
        assert cost(layout._wrapped_old) <= 20_000
    # what was let go is wrapped again to the same lines; what is in use stays
    assert ("msgid", texts[0], "", True, layout.PAGE_WIDTH, "") not in layout._wrapped_old
    assert ("msgstr", "", "", True, layout.PAGE_WIDTH, "") in layout._wrapped
    assert [layout.wrap_string("msgid", t) for t in texts] == first
    assert ("msgid", texts[-1], "", True, layout.PAGE_WIDTH, "") in layout._wrapped
    # a field that costs more than half the budget is wrapped, and not kept
    huge = "long " * 4000
    young, old = dict(layout._wrapped), dict(layout._wrapped_old)
    assert layout.wrap_string("msgid", huge) == layout._wrap("msgid", huge, "", True,
                                                             layout.PAGE_WIDTH, "")
    assert (layout._wrapped, layout._wrapped_old) == (young, old)


def test_only_short_portions_are_kept_for_their_header_lines() -> None:
    from transflow.po import layout

    before = layout._portion_lines.cache_info().currsize
    long_line = "x " * layout.PORTION_KEPT
    layout.wrap_string("msgid", f"first\n{long_line}\nlast {before}\n")
    after = layout._portion_lines.cache_info().currsize
    assert after - before <= 1  # ("last …\n"; the long portion is not kept)


@pytest.mark.parametrize("page_width", [1, 8, 9, 10, 11, 79, 2**31 - 1])
@pytest.mark.parametrize("wrap", [True, False])
def test_an_empty_msgstr_is_written_as_wrapping_it_would(page_width: int, wrap: bool) -> None:
    """``render_entry`` writes an empty msgstr without the cache: the same line. (An
    obsolete entry with an empty msgstr is not written at all.)"""
    from transflow.po import layout

    entry = polib.POEntry(msgid="Hello", msgstr="")
    if not wrap:
        entry.flags.append("no-wrap")
    lines = layout.render_entry(entry, page_width=page_width)
    expected = layout._wrap("msgstr", "", "", wrap, page_width, "")
    assert lines[-len(expected):] == expected
