"""A generated benchmark corpus: N numbered variants of the sample article, every entry translated.

Shared by ``bench_compare.py`` (transflow against its peers) and by hand-run profiles::

    python benchmarks/corpus.py workspace /tmp/ws 2000   # a synced, fully translated workspace

Variant ``i`` is ``sample_articles/magnesium-l-threonate.md`` with ``(i)`` in its title and
heading and ``Variant i.`` after each body paragraph, so most entries are unique per article
while the numbered source list is shared (as a shop's promo block is). The translation of an
entry is the sample's Dutch catalog's, with the variant marks carried over; entries the
catalog lacks keep their source text (a valid translation for every error-level check).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
#: The article the variants are made of: the sample, or another one named by
#: ``TRANSFLOW_BENCH_ARTICLE`` (``bench_compare.py --article``), so the ratios can be
#: measured on articles of another shape (many links, HTML blocks, code) than the sample's.
SAMPLE = Path(os.environ.get("TRANSFLOW_BENCH_ARTICLE")
              or REPO / "sample_articles" / "magnesium-l-threonate.md")
SAMPLE_NL = REPO / "locales" / "nl" / "magnesium-l-threonate.po"
TITLE = "Magnesium L-threonate:"
CONFIG = (
    'articles = "articles"\nlocales = "locales"\noutput = "dist"\nsource_language = "en"\n'
    'languages = ["nl", "en"]\npublish = "translated"\n'
)
_VARIANT = re.compile(r" Variant \d+\.$")
_NUMBERED = re.compile(r"Magnesium L-threonate \((\d+)\):")


def variant(text: str, i: int) -> str:
    """Variant ``i`` of the sample article's text."""
    out = []
    front = text.startswith("---\n")
    for n, line in enumerate(text.split("\n")):
        if front:
            if n and line == "---":
                front = False
        elif line[:1].isalpha() and len(line) > 80:
            line = f"{line} Variant {i}."
        out.append(line.replace(TITLE, f"Magnesium L-threonate ({i}):"))
    return "\n".join(out)


def write_articles(folder: Path, n: int) -> list[Path]:
    """``folder/article-00000.md`` … the N variants."""
    folder.mkdir(parents=True, exist_ok=True)
    text = SAMPLE.read_text(encoding="utf-8")
    paths = []
    for i in range(n):
        path = folder / f"article-{i:05d}.md"
        path.write_text(variant(text, i), encoding="utf-8")
        paths.append(path)
    return paths


def dutch_table() -> dict[str, str]:
    """msgid -> msgstr of the sample's Dutch catalog."""
    import polib

    return {e.msgid: e.msgstr for e in polib.pofile(str(SAMPLE_NL)) if e.msgstr}


def translator() -> Callable[[str], str]:
    """The translation of any entry of the corpus (see the module docstring)."""
    table = dutch_table()

    def translate(msgid: str) -> str:
        body, tail, number = msgid, "", None
        mark = _VARIANT.search(body)
        if mark:
            body, tail = body[: mark.start()], mark.group(0)
        title = _NUMBERED.match(body)
        if title:
            body, number = TITLE + body[title.end():], title.group(1)
        found = table.get(body)
        if found is None:
            return msgid
        if number is not None:
            found = found.replace("threonaat:", f"threonaat ({number}):", 1)
        return found + tail

    return translate


def translate_po_files(folder: Path, translate: Callable[[str], str]) -> int:
    """Fill every ``.po`` under ``folder`` with polib (for the peers' catalogs)."""
    import polib

    count = 0
    for path in sorted(folder.rglob("*.po")):
        po = polib.pofile(str(path))
        for entry in po:
            if entry.msgid and not entry.obsolete:
                entry.msgstr = translate(entry.msgid)
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
                count += 1
        po.save(str(path))
    return count


def translate_transflow(root: Path, translate: Callable[[str], str]) -> int:
    """Fill the workspace's catalogs through transflow's own catalog module (its layout)."""
    from transflow.po import catalog
    from transflow.states import set_translation

    count = 0
    for path in sorted((root / "locales" / "nl").rglob("*.po")):
        cat = catalog.load(path)
        for entry in catalog.active_entries(cat):
            set_translation(entry, translate(entry.msgid))
            count += 1
        catalog.save(cat, path)
    return count


def make_workspace(root: Path, n: int, *, translated: bool = True) -> None:
    """A transflow workspace of N variants, synced and (by default) fully translated."""
    from transflow.config import load_config
    from transflow.workflow.sync import sync

    root.mkdir(parents=True, exist_ok=True)
    (root / "transflow.toml").write_text(CONFIG, encoding="utf-8")
    write_articles(root / "articles", n)
    if translated:
        sync(load_config(root), workers=2)
        translate_transflow(root, translator())


def main(argv: list[str]) -> None:
    """``workspace ROOT N`` | ``articles DIR N`` | ``fill-po DIR`` | ``fill-transflow ROOT``."""
    command, *rest = argv
    if command == "workspace":
        make_workspace(Path(rest[0]), int(rest[1]))
    elif command == "articles":
        write_articles(Path(rest[0]), int(rest[1]))
    elif command == "fill-po":
        translate_po_files(Path(rest[0]), translator())
    elif command == "fill-transflow":
        translate_transflow(Path(rest[0]), translator())
    else:
        raise SystemExit(main.__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
