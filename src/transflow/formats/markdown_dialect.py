"""The one Markdown dialect transflow reads: every markdown-it instance comes from here.

The format (what is a segment), the machine-translation placeholders (what DeepL may not
touch) and the checks (what a translation must keep) must agree on what is code, math, a
footnote or a link; three differently configured parsers once disagreed (``$E = mc^2$`` was
math to the format and plain words to DeepL). So each of them builds on ``markdown_parser``
and only instruments it (records positions) or leaves out a phase that cannot change what
is recognised (the block phase alone; ``text_join``, which merges text tokens), never
re-configures its rules. Each instance tries at each position only the inline rules the
character there allows (``markdown_inline_dispatch``: the same tokens, sooner).

The dialect: CommonMark with raw HTML, GFM tables and strikethrough, footnotes (``[^1]``,
``^[inline]``) and dollar math (``$x$``, ``$$x$$`` inline or as a block; no digit right inside
the dollars, so ``$5 and $6`` stays text). Not GFM's bare-URL autolinks: mdit-py-plugins'
version runs during inline parsing and swallows what follows a URL (``https://x.org[^1]``
loses its footnote reference), where GitHub links the URL after parsing. Bare URLs and e-mail
addresses are protected for machine translation as plain-text atoms instead.

The versions of markdown-it-py and mdit-py-plugins this dialect is tested with are pinned in
``pyproject.toml``: a new major version may change what these rules recognise.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common import normalize_url
from markdown_it.rules_core import StateCore
from markdown_it.rules_core.normalize import normalize
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin

from transflow.formats.markdown_inline_dispatch import dispatch_inline_rules

__all__ = ["markdown_parser"]


def markdown_parser() -> MarkdownIt:
    """A new markdown-it instance in transflow's dialect (callers may instrument their own)."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    footnote_plugin(md)
    dollarmath_plugin(md, allow_digits=False, double_inline=True)
    md.normalizeLink = _normalize_link  # type: ignore[method-assign]
    md.normalizeLinkText = _normalize_link_text  # type: ignore[method-assign]
    md.core.ruler.at("normalize", _normalize)
    dispatch_inline_rules(md)  # the same tokens, without the calls that cannot match
    return md


def _normalize(state: StateCore) -> None:
    """markdown-it's ``normalize`` core rule (``\r\n`` and ``\r`` to ``\n``, NUL to U+FFFD),
    skipped when the text has neither: it rewrites every line ending, two passes over the
    whole text that every parse (an article's, each translated text's in the check gate)
    made for nothing."""
    if "\r" in state.src or "\0" in state.src:
        normalize(state)


# markdown-it's own functions, remembered per URL: each is a pure function of its argument
# (parse the URL, punycode the host, percent-encode), so the tokens are the same. Why: on an
# article with many links, normalising each link's destination (``mdurl.parse``) was a
# fifth of ``build``'s time, and a site links the same pages from article after article.
_normalize_link = lru_cache(maxsize=4096)(normalize_url.normalizeLink)
_normalize_link_text = lru_cache(maxsize=4096)(normalize_url.normalizeLinkText)
