"""The context of each review page, shared by the server and the static report.

``Links`` is the only difference between the two: the server links to its routes, the
report to relative ``.html`` files, so a report opens from disk without a server.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from transflow.web.model import BUCKETS, LABELS, ArticleRow, Workspace

#: Passed to templates that show the state names.
HERE = {"buckets": BUCKETS, "labels": LABELS}

SHORTCUTS = (
    ("j / k", "next / previous segment"),
    ("a", "approve the segment"),
    ("u", "remove its approval"),
    ("e", "edit its translation (Ctrl+Enter saves, Esc closes)"),
    ("d", "use the machine draft as your translation"),
    ("1 … 6", "show or hide a state"),
    ("0", "show every state"),
    ("p", "the preview of the built translation"),
    ("Esc", "back to the segments"),
    ("?", "this list"),
)


class Links:
    """Where the pages link to (the server's routes or the report's files)."""

    def index(self) -> str:
        raise NotImplementedError

    def article(self, slug: str, language: str) -> str:
        raise NotImplementedError

    def asset(self, name: str) -> str:
        raise NotImplementedError

    def action(self, slug: str, language: str, key: str, action: str) -> str:
        raise NotImplementedError


def totals(rows: list[ArticleRow]) -> dict[str, int]:
    """Entries per bucket over every article and language."""
    out = dict.fromkeys(BUCKETS, 0)
    for row in rows:
        for lang in row.languages:
            for bucket, n in lang.counts.items():
                out[bucket] += n
    return out


def index_context(ws: Workspace, links: Links) -> dict[str, Any]:
    """What ``index.html`` shows."""
    rows = ws.rows()
    return {
        "rows": rows,
        "totals": totals(rows),
        "built": sum(1 for r in rows if r.built),
        "links": links,
        "here": HERE,
        "publish": ws.config.publish.label,
        "title": "Articles",
    }


def page_context(ws: Workspace, links: Links, slug: str, path: Path,
                 language: str) -> dict[str, Any]:
    """What ``article.html`` shows for one target language."""
    page = ws.page(slug, path, language)
    return {
        "page": page,
        "row": page.row,
        "links": links,
        "here": HERE,
        "shortcuts": SHORTCUTS,
        "title": f"{page.row.article} → {language}",
    }
