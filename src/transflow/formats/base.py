"""The contract every article format keeps: one parser that both extracts and reassembles.

Invariants (tested for every format):

* ``render(doc, lambda s: s.text)`` (every translation equal to its source) returns
  ``doc.source`` byte for byte;
* ``render`` replaces only the ``[start, end)`` spans of the segments and leaves every
  other character of the source exactly as it was;
* segments come in document order, and ``line`` is the 1-based line of ``start``;
* spans never overlap, except an *inner* segment (``anchor`` set): a value written inside a
  piece of markup that its enclosing segment carries as written (the ``title`` of an
  ``<abbr>`` in a paragraph, the title of a Markdown link, a shortcode parameter). Its span
  lies inside the anchor, and the anchor inside the enclosing segment's span.

Formats never import polib, deepl or click: they turn text into segments and back.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from itertools import accumulate
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Segment:
    """One translatable unit of an article.

    ``text`` is the msgid: inline markup as written, soft line breaks folded to one space,
    container prefixes (``> ``, list indentation) removed. ``start``/``end`` are character
    offsets into the source string that ``render`` replaces; ``kind`` is the human
    description written as the extracted comment (``heading 2``, ``list item``,
    ``front matter: title``).
    """

    text: str
    kind: str
    line: int
    start: int
    end: int
    #: For an inner segment: the ``[start, end)`` of the markup that holds its value (the
    #: raw ``<abbr title="…">`` tag), which the enclosing segment's msgid carries as written.
    anchor: tuple[int, int] | None = None


def _segment_maker() -> Callable[[str, str, int, int, int, tuple[int, int] | None], Segment]:
    """``Segment(text, kind, line, start, end, anchor)`` made at half the cost: a frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__``; this sets its
    slots directly (every segment a parse makes, or a build loads, is made here)."""
    new = object.__new__
    slots = [Segment.__dict__[name].__set__ for name in Segment.__slots__]
    if (len(slots) != 6 or list(Segment.__slots__) != [f.name for f in fields(Segment)]
            or hasattr(Segment, "__post_init__")):
        return Segment  # pragma: no cover - a Segment of another shape: its own __init__
    set_text, set_kind, set_line, set_start, set_end, set_anchor = slots

    def make(text: str, kind: str, line: int, start: int, end: int,
             anchor: tuple[int, int] | None = None) -> Segment:
        segment = new(Segment)
        set_text(segment, text)
        set_kind(segment, kind)
        set_line(segment, line)
        set_start(segment, start)
        set_end(segment, end)
        set_anchor(segment, anchor)
        return segment

    return make


#: ``Segment(...)`` (same arguments, same object) at half the cost: see ``_segment_maker``.
new_segment = _segment_maker()


@dataclass(slots=True)
class Document:
    """A parsed article: the source string, its segments, and its front-matter scalars."""

    source: str
    segments: list[Segment]
    metadata: Mapping[str, str] = field(default_factory=dict)
    #: Format-private data ``render`` needs (e.g. container prefixes per segment).
    extra: dict[str, object] = field(default_factory=dict)
    #: Input the format read leniently rather than refused (``line N: what happened``).
    warnings: list[str] = field(default_factory=list)


#: The fields a workspace translates unless it configures ``front_matter``: what themes of
#: Hugo, Jekyll, Eleventy, Docusaurus and Astro show on the page or in its meta tags. A field
#: the article does not have costs nothing; taxonomy (``tags``, ``categories``) is left alone
#: because translating it would change the site's URLs. ``og.*`` is Open Graph's share card,
#: ``sidebar.label`` and ``hero.actions[].text`` Starlight's navigation label and hero buttons,
#: ``sidebar[].title``/``text`` Minimal Mistakes' sidebar, ``eleventyNavigation.title`` the
#: label of Eleventy's navigation plugin.
DEFAULT_FRONT_MATTER = (
    "title", "description", "summary", "summary[]", "excerpt", "subtitle", "linkTitle",
    "sidebar_label", "seo.title", "seo.description", "hero.title", "hero.subtitle",
    "hero.tagline", "hero.description", "faq[].question", "faq[].answer", "header.caption",
    "image.alt", "og.title", "og.description", "sidebar.label", "sidebar[].title",
    "sidebar[].text", "hero.actions[].text", "eleventyNavigation.title",
)


#: Props and named shortcode parameters whose string values are segments, by default.
#: Beyond the HTML names: ``text`` (a button's or badge's words: ``{{< alert text="…" >}}``,
#: ``<Badge text="New"/>``), ``summary`` (a details shortcode's line), ``subtitle``, ``header``
#: (Docsy's card and tab headers), ``content`` (Jekyll's ``{% include note.html content="…" %}``),
#: ``quote`` (a quote component's words), ``message`` and ``heading`` (alert includes) and
#: ``attr`` (Hugo's figure attribution line).
DEFAULT_PROPS = (
    "title", "description", "alt", "caption", "label", "aria-label", "placeholder",
    "text", "summary", "subtitle", "header", "content", "quote", "message", "heading", "attr",
)

#: Eleventy's image shortcode, ``{% image "src", "alt" %}``, and the notice shortcode's title
#: (hugo-notice and Hugo themes: ``{{< notice warning "Title" >}}``; shown above the box).
DEFAULT_SHORTCODES: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("image", (2,)),
    ("notice", (2,)),
)


@dataclass(frozen=True, slots=True)
class Markup:
    """What a format offers inside embedded markup (the workspace's ``props``/``shortcodes``).

    ``props`` names the MDX component props and named shortcode parameters whose string
    values are translated; ``shortcodes`` maps a shortcode name to the 1-based positions of
    the positional parameters that are (``image = [2]``: the second).
    """

    props: tuple[str, ...] = DEFAULT_PROPS
    shortcodes: tuple[tuple[str, tuple[int, ...]], ...] = DEFAULT_SHORTCODES

    def positions(self, name: str) -> tuple[int, ...] | None:
        """The translated positional parameters of shortcode ``name``; None when the
        workspace does not configure that name (then a quoted value that reads as prose is
        offered, see ``shortcodes.reads_as_prose``); ``()`` when it configures none."""
        return next((p for n, p in self.shortcodes if n == name), None)


#: Given a segment, the translation to put in its place, or ``None`` to keep the source.
Translate = Callable[[Segment], "str | None"]


def splice(
    doc: Document,
    translate: Translate,
    encode: Callable[[Segment, str], str],
    *,
    force: bool = False,
) -> str:
    """The reassembly loop every format shares: replace each translated span, keep the rest.

    A segment is left as written when ``translate`` gives None, an empty or blank text, or
    the msgid itself (unless ``force``: conformance checks use it to prove the replace path
    is faithful). ``encode`` turns a translation into what is written in the span (escaping,
    container prefixes, quoting); every byte between spans is copied unchanged.

    Inner segments (``anchor`` set) are applied to what their enclosing segment writes: each
    place where that text still carries the anchor exactly as the source wrote it gets the
    anchor with the inner translation in the value's place. A translator who changed the
    markup in the enclosing translation (wrote another ``title``) wins; the inner entry is
    then not used there. Why not separate spans: the tag is part of the sentence a
    translator (or DeepL, as a placeholder) moves around, so the value has no fixed place.
    """
    source = doc.source
    out: list[str] = []
    pos = 0
    segments = doc.segments
    count = len(segments)
    i = 0
    while i < count:
        segment = segments[i]
        i += 1
        if segment.anchor is None and (i == count or segments[i].anchor is None):
            # No inner segment (most): _written's answer, told without the calls.
            translation = translate(segment)
            if (translation is None or not translation.strip()
                    or (translation == segment.text and not force)):
                continue
            out.append(source[pos : segment.start])
            out.append(encode(segment, translation))
            pos = segment.end
            continue
        inner: list[Segment] = []
        while i < count and segments[i].anchor is not None and (
            segments[i].start < segment.end
        ):
            inner.append(segments[i])
            i += 1
        if segment.anchor is not None:
            continue  # an inner segment without an enclosing one: nothing carries it
        written = _written(segment, translate, encode, force)
        edits: dict[tuple[int, int], list[tuple[Segment, str]]] = {}
        for child in inner:
            value = _written(child, translate, encode, force)
            if value is not None and child.anchor is not None:
                edits.setdefault(child.anchor, []).append((child, value))
        if written is None and not edits:
            continue
        if written is None:
            written = source[segment.start : segment.end]
        for (a_start, a_end), values in edits.items():
            anchor = source[a_start:a_end]
            changed = anchor
            for child, value in sorted(values, key=lambda cv: -cv[0].start):
                changed = changed[: child.start - a_start] + value + changed[child.end - a_start :]
            written = written.replace(anchor, changed)
            if "\n" in anchor:  # as a msgid folds it: a translation writes it on one line
                written = written.replace(_fold(anchor), _fold(changed))
        out.append(source[pos : segment.start])
        out.append(written)
        pos = segment.end
    out.append(source[pos:])
    return "".join(out)


_FOLD = re.compile(r"[ \t]*\r?\n[ \t>]*")


def _fold(text: str) -> str:
    """Markup spread over lines as a msgid carries it: each line break and the indentation
    or block-quote markers after it as one space."""
    return _FOLD.sub(" ", text)


def outer(segments: Sequence[Segment]) -> list[Segment]:
    """``segments`` without inner ones: what aligning two versions of an article compares."""
    return [s for s in segments if s.anchor is None]


def enclosed(segments: Sequence[Segment]) -> list[Segment]:
    """``segments`` (in order) without inner segments that no enclosing segment carries
    (its text was not offered after all): an entry for them could never be used."""
    kept: list[Segment] = []
    end = -1
    for segment in segments:
        if segment.anchor is None:
            kept.append(segment)
            end = segment.end
        elif segment.anchor[0] < end:
            kept.append(segment)
    return kept


def _written(
    segment: Segment, translate: Translate, encode: Callable[[Segment, str], str], force: bool
) -> str | None:
    """What ``splice`` writes for ``segment``, or None to keep the source's bytes."""
    translation = translate(segment)
    if translation is None or not translation.strip():
        return None
    if translation == segment.text and not force:
        return None
    return encode(segment, translation)


class Format(Protocol):
    """An article format: ``parse`` and ``render`` live in one module so they cannot drift."""

    name: str
    extensions: tuple[str, ...]

    def parse(
        self, source: str, *, front_matter_fields: Sequence[str] = (), markup: Markup | None = None
    ) -> Document:
        """Split ``source`` into segments. Raises ``ArticleError`` for input it refuses.

        ``markup`` says which component props and shortcode parameters are segments
        (formats without components or shortcodes ignore it).
        """
        ...

    def render(self, doc: Document, translate: Translate) -> str:
        """Return the source with each segment replaced by ``translate(segment)``."""
        ...


def line_starts(text: str) -> list[int]:
    """The offset where each line of ``text`` starts (after each ``\\n``), found in C."""
    return [0, *accumulate(map(_PLUS_ONE, map(len, text.split("\n")[:-1])))]


_PLUS_ONE = (1).__add__
