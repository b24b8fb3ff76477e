"""``transflow report``: the review pages as static, read-only HTML (a CI artifact).

The same templates and the same page data as ``transflow serve``, without the forms: an
index and one page per article and target language, plus the stylesheet and script, all
linked relatively so the folder opens from disk or any static host. Needs Jinja2 only
(part of the ``serve`` extra), not the web framework.

The report is written as one ``Transaction``: every page appears together, or none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, FileSystemLoader, select_autoescape

from transflow.atomic import Transaction
from transflow.config import Config
from transflow.errors import TransflowError
from transflow.web.model import Workspace
from transflow.web.pages import HERE as HERE_STATES
from transflow.web.pages import Links, index_context, page_context
from transflow.workflow.parse_cache import ParseCache

HERE = Path(__file__).parent
ASSETS = ("app.css", "app.js")


class StaticLinks(Links):
    """Relative links between report files, from a page ``depth`` folders below the root."""

    def __init__(self, depth: int) -> None:
        self.prefix = "../" * depth

    def index(self) -> str:
        return f"{self.prefix}index.html"

    def article(self, slug: str, language: str) -> str:
        return f"{self.prefix}{quote(page_path(slug, language))}"

    def asset(self, name: str) -> str:
        return f"{self.prefix}static/{name}"

    def action(self, slug: str, language: str, key: str, action: str) -> str:
        return ""  # the report has no forms


def page_path(slug: str, language: str) -> str:
    """The report file of one article and target language, relative to the report root."""
    return f"a/{language}/{slug}.html"


@dataclass(slots=True)
class ReportResult:
    """What ``write_report`` wrote."""

    out: Path
    pages: int = 0
    articles: int = 0
    problems: list[str] = field(default_factory=list)


def environment() -> Environment:
    """The Jinja2 environment of the report (every value escaped, as in the server)."""
    env = Environment(loader=FileSystemLoader(str(HERE / "templates")),
                      autoescape=select_autoescape(["html"]), trim_blocks=False)
    env.globals["get_flashed_messages"] = lambda **_: []
    return env


def write_report(config: Config, out: Path, *, workspace: Workspace | None = None,
                 progress: Callable[[int, int, str], None] | None = None) -> ReportResult:
    """Write the report into ``out`` (see the module docstring)."""
    ws = workspace or Workspace(config)
    env = environment()
    result = ReportResult(out)
    shared: dict[str, Any] = {"static": True, "workspace_name": config.root.name,
                              "csrf": "", "reviewer": ""}
    paths = ws.articles()
    with Transaction() as transaction:
        top = StaticLinks(0)
        row_template = env.get_template("row.html")
        context = index_context(ws, top, lambda row: row_template.render(
            row=row, links=top, here=HERE_STATES))
        transaction.write(out / "index.html",  # streamed: one row per article
                          env.get_template("index.html").generate(**context, **shared))
        result.pages += 1
        rows = context["rows"]
        del context  # the index's HTML (8 MB at 10,000 articles) is written: not kept
        parses = ParseCache(config, readonly=True)  # the parses sync stored; none written
        parses.plan([paths[row.slug] for row in rows if row.slug in paths])
        for done, row in enumerate(rows, 1):
            if progress is not None:
                progress(done, len(rows), row.article)
            if row.error:
                result.problems.append(row.error)
                continue
            result.articles += 1
            for lang in row.languages:
                depth = 2 + row.slug.count("/")
                try:
                    page = page_context(ws, StaticLinks(depth), row.slug, paths[row.slug],
                                        lang.language, parses=parses)
                except TransflowError as exc:
                    result.problems.append(str(exc))
                    continue
                html = env.get_template("article.html").render(**page, **shared)
                transaction.write(out / page_path(row.slug, lang.language), html)
                result.pages += 1
        for name in ASSETS:
            transaction.write(out / "static" / name,
                              (HERE / "static" / name).read_text(encoding="utf-8"))
    return result
