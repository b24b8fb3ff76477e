"""The context of each review page, shared by the server and the static report.

``Links`` is the only difference between the two: the server links to its routes, the
report to relative ``.html`` files, so a report opens from disk without a server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from markupsafe import Markup

from transflow.web.model import BUCKETS, LABELS, ArticleRow, Workspace
from transflow.workflow.parse_cache import ParseCache

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


class RowCache:
    """Each article's index rows as HTML, rendered again only when its row was recomputed.

    The workspace keeps an ``ArticleRow`` object until the article's files change, so the
    object's identity says whether its HTML is still right; the index of a large workspace
    then costs a join, not a template run per article.
    """

    def __init__(self) -> None:
        self._html: dict[str, tuple[ArticleRow, Markup]] = {}

    def render(self, rows: list[ArticleRow],
               render_one: Callable[[ArticleRow], str]) -> list[Markup]:
        """The HTML of ``rows``, in order (``render_one`` is called for new rows only)."""
        fresh: dict[str, tuple[ArticleRow, Markup]] = {}
        for row in rows:
            hit = self._html.get(row.slug)
            if hit is None or hit[0] is not row:
                hit = (row, Markup(render_one(row)))  # the template escaped every value
            fresh[row.slug] = hit
        self._html = fresh
        return [fresh[row.slug][1] for row in rows]


def index_context(ws: Workspace, links: Links, render_row: Callable[[ArticleRow], str],
                  cache: RowCache | None = None, *, once: bool = False) -> dict[str, Any]:
    """What ``index.html`` shows; ``render_row`` renders ``row.html`` for one article.

    ``once``: the index is rendered once, streamed (``transflow report``): each row's HTML
    is made as the template reaches it, and the workspace keeps no rows for a next call,
    so the run never holds every row's HTML (8 MB at 10,000 articles) at once."""
    rows = ws.rows(keep=not once)
    row_html: Iterable[Markup] = (
        (Markup(render_row(row)) for row in rows) if once  # the template escaped every value
        else (cache or RowCache()).render(rows, render_row))
    return {
        "rows": rows,
        "row_html": row_html,
        "totals": totals(rows),
        "built": sum(1 for r in rows if r.built),
        "links": links,
        "here": HERE,
        "publish": ws.config.publish.label,
        "title": "Articles",
    }


def page_context(ws: Workspace, links: Links, slug: str, path: Path,
                 language: str, *, parses: ParseCache | None = None,
                 row: ArticleRow | None = None) -> dict[str, Any]:
    """What ``article.html`` shows for one target language (``row``: the article's index
    row, when the caller has it; see ``Workspace.page``)."""
    page = ws.page(slug, path, language, parses=parses, row=row)
    return {
        "page": page,
        "row": page.row,
        "links": links,
        "here": HERE,
        "shortcuts": SHORTCUTS,
        "title": f"{page.row.article} → {language}",
    }
