"""HTML and injected markup: ``unsafe-markup`` and ``html-tags``, plus :func:`disallowed_markup`.

``unsafe-markup`` runs in every format, because a translator must never be able to inject
script into the site; it reuses the HTML format's judgement and adds script URLs in Markdown
links. ``html-tags`` compares the remaining, harmless tags by count, ignoring the dangerous
elements ``unsafe-markup`` already reports, so each defect is reported once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache

from .registry import CheckContext, define
from .safety import DANGEROUS_TAGS
from .safety import disallowed_markup as html_disallowed_markup
from .script_urls import markdown_script_urls, text_script_urls
from .text import _CODE_SPAN, _HTML_COMMENT, _HTML_TAG, _counter_diff, _strip_footnote_sups


def _tags(text: str) -> list[tuple[str, str, str]]:
    """(closing slash, lowercased name, attribute text) of every HTML tag, comments removed
    (looked for only in a text with ``<!--``, which a comment cannot be written without)."""
    if "<!--" in text:
        text = _HTML_COMMENT.sub(" ", text)
    return [(m.group(1), m.group(2).lower(), m.group(3)) for m in _HTML_TAG.finditer(text)]


def disallowed_markup(source: str, translation: str) -> list[str]:
    """Script-capable markup the translation adds: the ``unsafe-markup`` findings.

    HTML is judged by :func:`transflow.formats.html.disallowed_markup` (forbidden tags such
    as ``<script>``/``<iframe>``, ``on…=`` handlers, script URLs in attributes, ``style=``,
    comments, unterminated tags), minus its plain "adds tag" findings, which the
    ``html-tags`` check owns; Markdown link and image destinations, autolinks and link
    definitions with a ``javascript:``-like scheme, as a CommonMark parser resolves them
    (:mod:`.script_urls`), are added here, and, when nothing else was found, a script URL
    anywhere in the text (a shortcode or component parameter a template may link).
    Markup already in the source is the author's.
    """
    return list(_disallowed_markup(source, translation))


@lru_cache(maxsize=512)
def _disallowed_markup(source: str, translation: str) -> tuple[str, ...]:
    """:func:`disallowed_markup`, remembered: build's markup gate and the quality gate's
    check run both ask it of every entry of an article, one after the other."""
    problems = [p for p in html_disallowed_markup(source, translation)
                if not p.startswith("adds tag ")]
    added = markdown_script_urls(translation) - markdown_script_urls(source)
    problems += [f"adds a {scheme}: URL in a Markdown link" for scheme in sorted(added)]
    if not problems:  # the last net: a script URL as a shortcode or component parameter
        text = text_script_urls(translation) - text_script_urls(source)
        problems += [f"adds a {scheme}: URL in its text (a shortcode or component "
                     "parameter?)" for scheme in sorted(text)]
    return tuple(problems)


def may_add_markup(source: str, translation: str) -> bool:
    """False only when :func:`disallowed_markup` finds nothing: neither text has a ``<``
    and the translation has neither ``:`` nor ``&``. Then the HTML judgement has no tag,
    comment or opener to compare (it answers nothing without a ``<``), the translation holds
    no Markdown script URL (``could_have_script_url`` needs a ``:`` or ``&``; nothing minus
    the source's is nothing) and no script URL in its text (the same two characters)."""
    return ("<" in source or "<" in translation or ":" in translation
            or "&" in translation)


def _may_be_unsafe(source: str, translation: str, ctx: CheckContext) -> bool:
    """The pre-filter of ``unsafe-markup``: :func:`may_add_markup`."""
    return may_add_markup(source, translation)


@define("unsafe-markup", "error", "script-capable HTML (<script>, <iframe>, on…=, javascript:)",
        may_find=_may_be_unsafe, markup_only=True)
def check_unsafe_markup(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """Runs in every format: a translator must not be able to inject code into the site."""
    yield from disallowed_markup(source, translation)


def _may_have_tags(source: str, translation: str, ctx: CheckContext) -> bool:
    """The pre-filter of ``html-tags``: the check's own first test (a tag needs a ``<``;
    plain text has no tags to compare)."""
    return ctx.format in ("markdown", "html") and ("<" in source or "<" in translation)


@define("html-tags", "error", "HTML tags added or missing compared with the source",
        may_find=_may_have_tags, markup_only=True)
def check_html_tags(source: str, translation: str, ctx: CheckContext) -> Iterable[str]:
    """Tags may be reordered with the sentence, so their counts are compared, not their order."""
    if ctx.format not in ("markdown", "html") or ("<" not in source and "<" not in translation):
        return

    def names(text: str) -> Counter[str]:
        if ctx.format == "markdown" and "`" in text:  # a code span needs a backtick
            text = _CODE_SPAN.sub(" ", text)
        text = _strip_footnote_sups(text)
        return Counter(
            f"<{slash}{name}>" for slash, name, _ in _tags(text) if name not in DANGEROUS_TAGS
        )

    missing, added = _counter_diff(names(source), names(translation))
    if added:
        yield "tags not in the source: " + ", ".join(added)
    if missing:
        yield "tags missing: " + ", ".join(missing)
