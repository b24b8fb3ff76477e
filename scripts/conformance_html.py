"""Conformance report for the HTML format against the shared corpus.

Usage: ``python scripts/conformance_html.py [--corpus PATH]`` (default: $TRANSFLOW_CORPUS, else
``../shared/corpus`` beside the checkout). Measures, over the CommonMark spec's ``html`` fields,
po4a's XHTML inputs, the corpus HTML article and the sample workspace's HTML articles:

* identity round trip (every translation equal to its msgid) — must be byte-exact;
* the forced replace path (msgid spliced in even though it equals the source): byte-exact, or
  equal after whitespace folding;
* pseudo-translation (text swap-cased, tags untouched) keeps the element tree;
* po4a's XHTML peer tests: translate with po4a's UPPERCASE ``.po``, compare with ``.trans``.

The helpers are imported by ``tests/test_html_format.py``, so the tests and the report measure
the same thing.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from transflow.checks.safety import markup_signature
from transflow.formats.html import (
    TRANSLATABLE_ATTRIBUTES,
    fold_whitespace,
    parse,
    render,
)

#: The repository's sample workspace (configured in pyproject.toml).
SAMPLES = Path(__file__).resolve().parent.parent / "sample_articles"

_MARKUP = re.compile(r"<[^>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")


def swapcase_text(text: str) -> str:
    """Swap the case of the text only: tags (``<...>``) and entities stay as written."""
    out: list[str] = []
    pos = 0
    for m in _MARKUP.finditer(text):
        out.append(text[pos : m.start()].swapcase())
        out.append(m.group(0))
        pos = m.end()
    out.append(text[pos:].swapcase())
    return "".join(out)


def tree_signature(source: str) -> list[tuple[str, tuple[tuple[str, str | None], ...]]]:
    """Tags and attributes of a document; translatable attribute values compared caselessly."""
    translatable = {*TRANSLATABLE_ATTRIBUTES, "content"}
    return [
        (
            tag,
            tuple(
                (k, v.casefold() if v is not None and k in translatable else v) for k, v in attrs
            ),
        )
        for tag, attrs in markup_signature(source)
    ]


@dataclass
class Tally:
    name: str
    total: int = 0
    identity: int = 0
    forced_exact: int = 0
    forced_folded: int = 0
    pseudo_tree: int = 0
    failures: dict[str, list[str]] = field(default_factory=dict)

    def fail(self, what: str, label: str) -> None:
        self.failures.setdefault(what, []).append(label)


def measure(tally: Tally, label: str, source: str) -> None:
    """Run the three round trips over one document and count the outcomes."""
    tally.total += 1
    doc = parse(source)
    if render(doc, lambda s: s.text) == source:
        tally.identity += 1
    else:
        tally.fail("identity", label)
    forced = render(doc, lambda s: s.text, keep_identical=False)
    if forced == source:
        tally.forced_exact += 1
    elif fold_whitespace(forced) == fold_whitespace(source) or _equivalent(forced, source):
        tally.forced_folded += 1
    else:
        tally.fail("forced", label)
    pseudo = render(doc, lambda s: swapcase_text(s.text), keep_identical=False)
    if tree_signature(pseudo) == tree_signature(source):
        tally.pseudo_tree += 1
    else:
        tally.fail("pseudo-tree", label)


def _equivalent(a: str, b: str) -> bool:
    """Equal once whitespace is folded everywhere and entities are decoded."""
    squash = re.compile(r"\s+")
    return squash.sub(" ", html.unescape(a)).strip() == squash.sub(" ", html.unescape(b)).strip()


def sources(corpus: Path) -> dict[str, list[tuple[str, str]]]:
    """The document sets, each a list of (label, source)."""
    spec = json.loads((corpus / "commonmark" / "spec.json").read_text(encoding="utf-8"))
    read = lambda p: p.read_bytes().decode("utf-8")  # noqa: E731 (keep CRLF as written)
    return {
        "commonmark spec html": [(f"example {e['example']}", e["html"]) for e in spec],
        "po4a xhtml": [(p.name, read(p)) for p in sorted((corpus / "po4a/xhtml").glob("*.html"))],
        "corpus html articles": [
            (p.name, read(p)) for p in sorted((corpus / "articles/html").glob("*.html"))
        ],
        "sample workspace html": [(p.name, read(p)) for p in sorted(SAMPLES.glob("*.htm*"))],
    }


def load_po(path: Path) -> dict[str, str]:
    """msgid (whitespace folded) -> msgstr of a po4a ``.po``."""
    import polib

    return {
        fold_whitespace(e.msgid): e.msgstr for e in polib.pofile(str(path)) if e.msgid and e.msgstr
    }


_COMMENT = re.compile(r"\s*<!--.*?-->\s*", re.S)


def po4a_peer(corpus: Path) -> list[tuple[str, str, int, int]]:
    """(test, outcome, segments found in the .po, segments) per po4a XHTML test."""
    results = []
    for master in sorted((corpus / "po4a/xhtml").glob("*.html")):
        catalog = load_po(master.with_suffix(".po"))
        doc = parse(master.read_bytes().decode("utf-8"))
        hits = 0

        def lookup(segment: object, catalog: dict[str, str] = catalog) -> str | None:
            nonlocal hits
            text = getattr(segment, "text", "")
            found = catalog.get(text)
            if found is None:  # po4a moves comments out of the msgid
                found = catalog.get(fold_whitespace(_COMMENT.sub(" ", text)))
            if found is not None:
                hits += 1
            return found

        out = render(doc, lookup)  # type: ignore[arg-type]
        expected = master.with_suffix(".trans").read_bytes().decode("utf-8")
        if out == expected:
            outcome = "exact"
        elif _equivalent(out, expected):
            outcome = "modulo whitespace"
        else:
            outcome = "differs"
        results.append((master.name, outcome, hits, len(doc.segments)))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("TRANSFLOW_CORPUS") or str(
        Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
    )
    parser.add_argument("--corpus", default=default)
    args = parser.parse_args(argv)
    corpus = Path(args.corpus)
    if not (corpus / "README.md").is_file():
        print(f"corpus not found at {corpus}", file=sys.stderr)
        return 2
    print(f"HTML conformance over {corpus}\n")
    for name, docs in sources(corpus).items():
        tally = Tally(name)
        for label, source in docs:
            measure(tally, label, source)
        n = tally.total
        print(f"{name}: {n} documents")
        print(f"  identity round trip byte-exact : {tally.identity}/{n}")
        print(f"  forced replace, byte-exact     : {tally.forced_exact}/{n}")
        print(f"  forced replace, equal modulo ws: {tally.forced_folded}/{n}")
        pct = 100.0 * tally.pseudo_tree / n if n else 100.0
        print(f"  pseudo-translation keeps tree  : {tally.pseudo_tree}/{n} ({pct:.1f}%)")
        for what, labels in tally.failures.items():
            print(f"  {what} exceptions: {', '.join(labels[:20])}")
    print("\npo4a XHTML peer tests (UPPERCASE .po -> .trans):")
    for test, outcome, hits, total in po4a_peer(corpus):
        print(f"  {test:<18} {outcome:<18} ({hits}/{total} segments found in po4a's .po)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
