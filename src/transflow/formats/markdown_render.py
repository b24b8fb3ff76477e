"""Markdown reassembly, and the Markdown ``Format``: the half of Markdown support a build needs.

A build renders articles whose parse ``sync`` stored (``formats.stored``); it never runs
markdown-it on them. So this module imports no parser: ``MarkdownFormat.parse`` (and a
render whose document carries no spans) loads ``formats.markdown``, the extractor, when
first asked, and a worker process that only renders spares importing markdown-it, its
plugins, PyYAML and the HTML reader (about a tenth of a small build's run). What a render
does is described in ``formats.markdown``'s module docstring ("Reassembly principles").
"""

from __future__ import annotations

from collections.abc import Sequence

from transflow.formats.base import Document, Markup, Segment, Translate, splice
from transflow.formats.markdown_escape import MDX_TEXT_MODES, SOURCE_MODES, Span
from transflow.formats.markdown_escape import encode as encode_span

__all__ = ["EXTRA_KEY", "FORMAT", "MARKUP_KEY", "MDX_FORMAT", "MDX_KEY", "MarkdownFormat",
           "render"]

#: ``Document.extra`` keys a Markdown parse sets: the render spans (``(start, end) -> Span``),
#: the ``Markup`` it was parsed with and whether it was read as MDX.
EXTRA_KEY = "markdown.render"
MARKUP_KEY = "markdown.markup"
MDX_KEY = "markdown.mdx"


def render(doc: Document, translate: Translate, *, force_replace: bool = False) -> str:
    """The source with every translated segment's span replaced.

    ``force_replace`` writes even translations equal to the msgid through the escaping and
    re-prefixing path (conformance checks use it to prove that path is faithful).
    """
    spans = doc.extra.get(EXTRA_KEY)
    if isinstance(spans, dict):
        try:
            return _splice(doc, spans, translate, force_replace)
        except _NoSpan:
            pass  # a segment without its span (only a translated one is asked for its span)
    from transflow.formats.markdown import parse  # a document without its spans

    fields = [s.kind.removeprefix("front matter: ") for s in doc.segments]
    markup = doc.extra.get(MARKUP_KEY)
    spans = parse(
        doc.source,
        front_matter_fields=fields,
        markup=markup if isinstance(markup, Markup) else None,
        mdx=doc.extra.get(MDX_KEY) is True,
    ).extra[EXTRA_KEY]
    assert isinstance(spans, dict)
    return _splice(doc, spans, translate, force_replace)


class _NoSpan(Exception):
    """A translated segment has no span in the document's stored spans."""


def _splice(doc: Document, spans: dict[tuple[int, int], Span], translate: Translate,
            force_replace: bool) -> str:
    """:func:`render` with the spans found (``_NoSpan`` when one is missing)."""
    source = doc.source
    newline = "\r\n" if "\r\n" in source else "\n"
    mdx = doc.extra.get(MDX_KEY) is True

    def encode(segment: Segment, translation: str) -> str:
        span: Span | None = spans.get((segment.start, segment.end))
        if span is None:
            raise _NoSpan
        if mdx and span.mode in MDX_TEXT_MODES:
            from transflow.formats.markdown_html import escape_mdx_text

            translation = escape_mdx_text(translation, segment.text)
        # The span as written is cut out only for the encoders that read it.
        written = source[segment.start : segment.end] if span.mode in SOURCE_MODES else ""
        return encode_span(translation, span, newline, segment.text, written)

    return splice(doc, translate, encode, force=force_replace)


class MarkdownFormat:
    """The ``Format`` for ``.md``/``.markdown`` articles (and, with ``mdx``, ``.mdx``)."""

    name = "markdown"

    def __init__(self, *, mdx: bool = False) -> None:
        self.mdx = mdx
        self.extensions = (".mdx",) if mdx else (".md", ".markdown")

    def parse(
        self, source: str, *, front_matter_fields: Sequence[str] = (), markup: Markup | None = None
    ) -> Document:
        """Split ``source`` into segments (see ``formats.markdown`` for what they are)."""
        from transflow.formats.markdown import parse

        return parse(source, front_matter_fields=front_matter_fields, markup=markup, mdx=self.mdx)

    def render(self, doc: Document, translate: Translate) -> str:
        """Replace each segment's span with its translation; everything else stays."""
        return render(doc, translate)

    def prepare(self) -> None:
        """Load what rendering most articles needs beyond this module: the front-matter
        quoting (not PyYAML: rendering reads no YAML). A parallel build calls it before its
        workers fork."""
        from transflow.formats import frontmatter  # noqa: F401


FORMAT = MarkdownFormat()
#: MDX: Markdown with JSX components, ESM and expressions (see ``formats.markdown.parse``).
MDX_FORMAT = MarkdownFormat(mdx=True)
