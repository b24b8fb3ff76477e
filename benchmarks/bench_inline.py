"""markdown-it's inline phase as transflow's parsers run it, against markdown-it's own loops.

The check gate parses the inline markup of every translated text and of its source (links,
images, code spans, emphasis), so on an article with many links that parsing is most of a
cold ``build``. This times, in one process, the dialect's parser (``markdown_parser``: the
rules a position's character allows, link destinations a run at a time, tokens made
without ``Token.__init__``, ``normalize`` skipped without CR or NUL), the checks' parser
(the same without ``text_join``) and the dialect's parser with markdown-it's own loops put
back, on the texts of an article's paragraphs, interleaved, CPU time, medians::

    python benchmarks/bench_inline.py                      # the sample article
    python benchmarks/bench_inline.py --article other.md -r 9

Every parser gives the same tokens (``tests/test_markdown_inline_dispatch.py``). Never part
of the test suite (timings on a shared machine).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it import helpers as markdown_it_helpers
from markdown_it.rules_core.normalize import normalize

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from transflow.checks import links  # noqa: E402
from transflow.formats import format_for  # noqa: E402
from transflow.formats.markdown_dialect import markdown_parser  # noqa: E402


def markdown_its_own() -> MarkdownIt:
    """The dialect's parser with markdown-it's own inline loops, link destinations,
    state and ``normalize`` (what the dialect gave before the inline dispatch)."""
    md = markdown_parser()
    del md.inline.tokenize, md.inline.skipToken, md.inline.parse
    md.helpers = markdown_it_helpers  # type: ignore[assignment]
    md.core.ruler.at("normalize", normalize)
    return md


def texts_of(article: Path) -> list[str]:
    """The msgids transflow extracts from ``article`` (what the checks parse), distinct."""
    document = format_for(article).parse(article.read_text(encoding="utf-8"))
    return list(dict.fromkeys(segment.text for segment in document.segments))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--article", type=Path,
                        default=REPO / "sample_articles" / "magnesium-l-threonate.md")
    parser.add_argument("-r", "--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    texts = texts_of(args.article)
    parsers = {
        "markdown-it's own loops": markdown_its_own(),
        "the dialect's parser": markdown_parser(),
        "the checks' parser": links._md(),
    }
    spent: dict[str, list[float]] = {name: [] for name in parsers}
    for _ in range(args.repeat):
        for name, md in parsers.items():  # interleaved: a drift weighs on each alike
            started = time.process_time()
            for _ in range(20):
                for text in texts:
                    md.parseInline(text, {})
            spent[name].append((time.process_time() - started) / (20 * len(texts)))
    print(f"{args.article.name}: {len(texts)} texts, "
          f"{sum(map(len, texts)) // max(1, len(texts))} characters on average")
    base = statistics.median(spent["markdown-it's own loops"])
    for name, runs in spent.items():
        median = statistics.median(runs)
        print(f"  {name:26} {median * 1e6:7.1f} µs a text  ({median / base:.2f}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
