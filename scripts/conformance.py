"""Measure the Markdown format against the shared conformance corpus and print a report.

Usage: ``python scripts/conformance.py [--corpus PATH] [--perf]``; the corpus defaults to
``$TRANSFLOW_CORPUS`` or ``../shared/corpus``. ``tests/test_markdown_conformance.py`` imports
the measuring functions from here, so the report and the gate cannot drift apart.

Figures, per input set:

* identity: render with every translation equal to its msgid is byte-identical;
* forced: the same through the replace path (escaping, re-prefixing, re-quoting) for every
  single-line segment;
* pseudo: msgstr = ``str.swapcase(msgid)`` keeps markdown-it's token structure (types, tags,
  nesting, markup, attributes case-folded) and code/HTML/math blocks byte-identical;
* inline: each msgid parsed alone is one paragraph (a single inline run);
* po4a: po4a's own UPPERCASE ``.po`` applied, compared with its expected ``.trans``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from markdown_it.token import Token

from transflow.errors import ArticleError
from transflow.formats.base import Document, Segment
from transflow.formats.markdown import BODY_START, new_parser, parse, render

_FULL = new_parser()
_VERBATIM = {"fence", "code_block", "html_block", "math_block", "math_block_label"}
#: Soft breaks fold to spaces by design and text runs may split differently: not structure.
_FOLDED = {"softbreak", "text"}
_WS = re.compile(r"\s+")


@dataclass
class Input:
    name: str
    text: str
    front_matter: bool


@dataclass
class Tally:
    docs: int = 0
    identity: int = 0
    forced_segments: int = 0
    forced_ok: int = 0
    pseudo: int = 0
    msgids: int = 0
    inline: int = 0
    refused: int = 0
    failures: list[str] = field(default_factory=list)


def inputs(corpus: Path) -> dict[str, list[Input]]:
    """Every input set, read in place."""
    sets: dict[str, list[Input]] = {}
    for label, file in (
        ("commonmark-spec", "spec.json"),
        ("gfm-spec", "gfm-spec.json"),
        ("gfm-extensions", "gfm-extensions.json"),
    ):
        examples = json.loads((corpus / "commonmark" / file).read_text(encoding="utf-8"))
        sets[label] = [Input(f"{label}#{ex['example']}", ex["markdown"], False) for ex in examples]
    sets["po4a"] = [
        Input(str(p.relative_to(corpus)), _read(p), True)
        for sub in ("txt-markdown", "commonmark")
        for p in sorted((corpus / "po4a" / sub).glob("*.md"))
    ]
    sets["articles"] = [
        Input(str(p.relative_to(corpus)), _read(p), True)
        for lang in ("en", "nl")
        for p in sorted((corpus / "articles" / lang).glob("*.md"))
    ]
    sets["pairs"] = [
        Input(str(p.relative_to(corpus)), _read(p), True)
        for p in sorted((corpus / "pairs").rglob("*"))
        if p.suffix in (".md", ".mdx")
    ]
    return sets


def _read(path: Path) -> str:
    with path.open(encoding="utf-8", newline="") as handle:
        return handle.read()


def _doc(item: Input) -> Document:
    if not item.front_matter:
        return parse(item.text, front_matter=False)
    mdx = item.name.endswith(".mdx")
    first = parse(item.text, mdx=mdx)
    return parse(item.text, front_matter_fields=list(first.metadata), mdx=mdx)


def signature(text: str) -> list[tuple[object, ...]]:
    """markdown-it's token structure without text (nor soft breaks) (verbatim blocks included)."""
    out: list[tuple[object, ...]] = []

    def walk(tokens: list[Token]) -> None:
        for t in tokens:
            if t.type in _FOLDED:
                continue
            attrs = tuple(sorted((k, str(v).casefold()) for k, v in t.attrs.items()))
            content = t.content if t.type in _VERBATIM else None
            if t.type == "html_block":  # its text is translated now: compare its markup
                content = _WS.sub(" ", t.content).strip().casefold()
            out.append((t.type, t.tag, t.nesting, attrs, t.markup, t.info, content))
            if t.children:
                walk(t.children)

    walk(_FULL.parse(text, {}))
    return out


def single_inline(msgid: str) -> bool:
    tokens = _FULL.parse(msgid, {})
    return [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]


def forced(doc: Document) -> tuple[int, int, list[Segment]]:
    """Single-line segments written through the replace path: (total, identical, failures)."""
    single = [s for s in doc.segments if "\n" not in doc.source[s.start : s.end]]
    ids = {id(s) for s in single}
    out = render(doc, lambda s: s.text if id(s) in ids else None, force_replace=True)
    if out == doc.source:
        return len(single), len(single), []
    bad = []
    for seg in single:
        one = render(doc, lambda s, seg=seg: s.text if s is seg else None, force_replace=True)
        if one != doc.source:
            bad.append(seg)
    return len(single), len(single) - len(bad), bad


def measure(items: list[Input]) -> Tally:
    tally = Tally()
    for item in items:
        tally.docs += 1
        try:
            doc = _doc(item)
        except ArticleError as exc:
            tally.refused += 1
            tally.failures.append(f"{item.name}: refused: {exc}")
            continue
        if render(doc, lambda s: s.text) == item.text:
            tally.identity += 1
        else:
            tally.failures.append(f"{item.name}: identity round trip differs")
        total, ok, bad = forced(doc)
        tally.forced_segments += total
        tally.forced_ok += ok
        tally.failures += [f"{item.name}: forced replace differs for {s.text!r}" for s in bad]
        pseudo = render(doc, lambda s: s.text.swapcase())
        reason = _pseudo_problem(item, doc, pseudo)
        if reason is None:
            tally.pseudo += 1
        else:
            tally.failures.append(f"{item.name}: pseudo-translation: {reason}")
        embedded = _embedded_html(doc)
        for seg in doc.segments:
            if seg.kind.startswith("front matter") or (seg.start, seg.end) in embedded:
                continue
            tally.msgids += 1
            if single_inline(seg.text):
                tally.inline += 1
            else:
                tally.failures.append(f"{item.name}: msgid not one inline run: {seg.text!r}")
    return tally


def _embedded_html(doc: Document) -> set[tuple[int, int]]:
    """Spans of segments found in raw HTML (HTML text, not one Markdown inline run)."""
    spans = doc.extra.get("markdown.render")
    if not isinstance(spans, dict):
        return set()
    return {key for key, span in spans.items() if span.mode in ("html", "html-md", "attr")}


def _pseudo_problem(item: Input, doc: Document, pseudo: str) -> str | None:
    body_src, body_out = item.text, pseudo
    if item.front_matter and doc.metadata:
        again = parse(pseudo)
        if list(again.metadata) != list(doc.metadata):
            return "front-matter keys changed"
        # compare the Markdown bodies only (front matter is not Markdown)
        body_src = item.text[_body_start(doc) :]
        body_out = pseudo[_body_start(again) :]
    a, b = signature(body_src), signature(body_out)
    if a == b:
        return None
    for x, y in zip(a, b, strict=False):
        if x != y:
            return f"token {x[0]}/{x[1]} became {y[0]}/{y[1]}"
    return f"{len(a)} tokens became {len(b)}"


def _body_start(doc: Document) -> int:
    start = doc.extra.get(BODY_START, 0)
    return start if isinstance(start, int) else 0


# --- po4a peer suite --------------------------------------------------------------------


@dataclass
class PeerResult:
    name: str
    outcome: str  # exact | wrapping | same-html | differs
    matched: int
    segments: int


def po4a_peer(corpus: Path) -> list[PeerResult]:
    import polib

    results = []
    for sub in ("commonmark", "txt-markdown"):
        for md in sorted((corpus / "po4a" / sub).glob("*.md")):
            po_path, trans_path = md.with_suffix(".po"), md.with_suffix(".trans")
            if not po_path.exists() or not trans_path.exists():
                continue
            table = {
                _WS.sub(" ", e.msgid).strip(): e.msgstr
                for e in polib.pofile(str(po_path))
                if e.msgstr
            }
            source = _read(md)
            doc = parse(source, front_matter_fields=list(parse(source).metadata))
            hits = [s for s in doc.segments if _WS.sub(" ", s.text).strip() in table]
            out = render(doc, lambda s, t=table: t.get(_WS.sub(" ", s.text).strip()))
            expected = _read(trans_path)
            if out == expected:
                outcome = "exact"
            elif _WS.sub(" ", out).strip() == _WS.sub(" ", expected).strip():
                outcome = "wrapping"
            elif _html(out) == _html(expected):
                outcome = "same-html"
            else:
                outcome = "differs"
            results.append(PeerResult(f"{sub}/{md.name}", outcome, len(hits), len(doc.segments)))
    return results


def _html(text: str) -> str:
    """Rendered HTML, whitespace folded: po4a re-serialises Markdown, transflow does not."""
    body = text[_body_start(parse(text)) :]
    return _WS.sub(" ", _FULL.render(body)).strip()


# --- report ------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{part}/{whole} ({100 * part / whole:.2f}%)" if whole else "0/0"


def report(corpus: Path, perf: bool = False) -> Iterator[str]:
    totals = Tally()
    for name, items in inputs(corpus).items():
        t = measure(items)
        yield (
            f"{name:16} docs {t.docs:4}  identity {_pct(t.identity, t.docs)}  "
            f"forced {_pct(t.forced_ok, t.forced_segments)}  pseudo {_pct(t.pseudo, t.docs)}  "
            f"inline {_pct(t.inline, t.msgids)}  refused {t.refused}"
        )
        for failure in t.failures:
            yield f"    {failure}"
        for attr in ("docs", "identity", "forced_segments", "forced_ok", "pseudo", "msgids",
                     "inline", "refused"):  # fmt: skip
            setattr(totals, attr, getattr(totals, attr) + getattr(t, attr))
    yield (
        f"{'TOTAL':16} docs {totals.docs:4}  identity {_pct(totals.identity, totals.docs)}  "
        f"forced {_pct(totals.forced_ok, totals.forced_segments)}  "
        f"pseudo {_pct(totals.pseudo, totals.docs)}  inline {_pct(totals.inline, totals.msgids)}"
    )
    peer = po4a_peer(corpus)
    outcomes = ("exact", "wrapping", "same-html", "differs")
    counts = {k: sum(r.outcome == k for r in peer) for k in outcomes}
    yield f"po4a peer suite: {len(peer)} tests: " + ", ".join(f"{k} {v}" for k, v in counts.items())
    for r in peer:
        yield f"    {r.name:40} {r.outcome:9} po entries matched {r.matched}/{r.segments}"
    if perf:
        yield perf_line(corpus)


def perf_line(corpus: Path, rounds: int = 500) -> str:
    seed = corpus.parent / "seed" / "magnesium-l-threonate.txt"
    text = _read(seed)
    started = time.perf_counter()
    for _ in range(rounds):
        doc = parse(text)
        render(doc, lambda s: s.text.swapcase())
    elapsed = time.perf_counter() - started
    return (
        f"perf: parse+render of {seed.name} ({len(text)} chars) x{rounds}: {elapsed:.2f} s "
        f"({1000 * elapsed / rounds:.2f} ms each)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("TRANSFLOW_CORPUS") or str(
        Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
    )
    parser.add_argument("--corpus", default=default, type=Path)
    parser.add_argument("--perf", action="store_true", help="also time parse+render x500")
    args = parser.parse_args(argv)
    if not (args.corpus / "README.md").is_file():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    for line in report(args.corpus, perf=args.perf):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
