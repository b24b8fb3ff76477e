"""The pages one article publishes: a file per language, placed by the layout, with its
front matter made right for that language.

``build`` decides *whether* an article is published; this module decides *where* each
language goes (``site.layout``) and *what* its front matter says (``site.frontmatter``):
the translated slug, the URL keys rewritten by the configured rule, and a translation key
shared by every language. With ``[site] source_file = "keep"`` the article itself is the
source-language page (Hugo's translation by file name, translations written beside it): it
is listed, never written and never removed.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from transflow.config import Config
from transflow.site import frontmatter, layout
from transflow.workflow.workspace import Article


@dataclass(frozen=True, slots=True)
class Page:
    """One language's file of an article."""

    language: str
    dest: Path
    #: The text to write; None when there is nothing to write (not rendered, or ``kept``).
    text: str | None
    #: True for the article itself standing in as its source-language page.
    kept: bool = False


def pages(config: Config, article: Article, out: Path, rendered: dict[str, str]) -> list[Page]:
    """Every language's page of ``article`` under ``out``, source language first.

    ``rendered`` maps the target languages that could be rendered to their text; the
    others get a page without text (so a stale file of theirs can be removed).
    """
    source = article.source_language
    result: list[Page] = []
    # A layout that places the source-language page on the article itself (articles inside
    # the site's content folder) must never rewrite the article: it is kept, as with "keep".
    suffix = article.path.suffix
    own = out / layout.destination(config.layout, article.slug, suffix, source, source)
    keep = config.site.source_file == "keep" or _same_file(own, article.path)
    for lang in [source, *config.targets_for(source)]:
        if lang == source and keep:
            result.append(Page(lang, article.path, None, kept=True))
            continue
        dest = own if lang == source else (
            out / layout.destination(config.layout, article.slug, suffix, lang, source))
        text = article.text if lang == source else rendered.get(lang)
        if text is not None and article.fmt.name == "markdown":
            text = frontmatter.rewrite(text, changes(config, article, lang, text, keep=keep))
        result.append(Page(lang, dest, text))
    return result


def _same_file(a: Path, b: Path) -> bool:
    """True when ``a`` and ``b`` name one file (``b`` exists: it is the article)."""
    return a.absolute() == b.absolute() or (a.exists() and a.samefile(b))


def changes(
    config: Config, article: Article, lang: str, text: str, *, keep: bool | None = None
) -> frontmatter.Changes:
    """The front-matter changes of ``lang``'s page (``text``: the page as rendered;
    ``keep``: the article itself is its source-language page, default from the config)."""
    site = config.site
    if keep is None:
        keep = site.source_file == "keep"
    # A key only links the pages when every language carries it: an untouched source page
    # cannot, so then the generator's own link by file path (x.md, x.en.md) is left to work.
    shared = site.translation_key and not keep
    defaults = {site.translation_key: article.slug} if shared else {}
    if lang == article.source_language:
        return frontmatter.Changes(defaults=defaults)
    values: dict[str, str] = {}
    new_slug: str | None = None
    if site.slug in ("title", "segment"):  # the page's own front matter is read only then
        meta = frontmatter.metadata(text)
        if site.slug == "title" and isinstance(meta.get("title"), str):
            new_slug = frontmatter.slugify(str(meta["title"]))
        elif site.slug == "segment" and isinstance(meta.get("slug"), str):
            new_slug = frontmatter.slugify(str(meta["slug"]))
    if new_slug:
        values["slug"] = new_slug
    url = None
    # A URL rule only matters for the URL keys the page has: without one (most pages), the
    # article's old slug is not even looked up.
    if (site.urls or new_slug) and frontmatter.has_key(text, site.url_keys):
        old_slug = frontmatter.value(article.text, "slug")
        if site.urls or (new_slug and isinstance(old_slug, str)):
            url = frontmatter.url_rule(
                site.urls, layout.language_code(lang),
                old_slug if isinstance(old_slug, str) else None, new_slug,
            )
    return frontmatter.Changes(values=values, url=url, url_keys=site.url_keys, defaults=defaults)
