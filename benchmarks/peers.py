"""mdpo's steps as a peer runs them: one process, its Python API once per file.

Run with the peers' interpreter (see ``make bench``), never imported by transflow::

    benchmarks/.venv-peers/bin/python benchmarks/peers.py mdpo-extract ARTICLES PO
    benchmarks/.venv-peers/bin/python benchmarks/peers.py mdpo-build ARTICLES PO OUT
"""

from __future__ import annotations

import sys
from pathlib import Path


def mdpo_extract(articles: Path, po: Path) -> None:
    """``md2po`` per article: creates or updates ``po/<name>.po``."""
    from mdpo.md2po import markdown_to_pofile

    po.mkdir(parents=True, exist_ok=True)
    for path in sorted(articles.glob("*.md")):
        markdown_to_pofile(str(path), po_filepath=str(po / f"{path.stem}.po"), save=True)


def mdpo_build(articles: Path, po: Path, out: Path) -> None:
    """``po2md`` per article: writes the translated article to ``out/<name>.md``."""
    from mdpo.po2md import pofile_to_markdown

    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(articles.glob("*.md")):
        pofile_to_markdown(str(path), str(po / f"{path.stem}.po"), save=str(out / path.name))


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    if command == "mdpo-extract":
        mdpo_extract(Path(args[0]), Path(args[1]))
    elif command == "mdpo-build":
        mdpo_build(Path(args[0]), Path(args[1]), Path(args[2]))
    else:
        raise SystemExit(__doc__)
