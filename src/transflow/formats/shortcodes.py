"""Shortcodes in Markdown: Hugo ``{{< >}}``/``{{% %}}`` and Liquid ``{% %}`` tags.

A shortcode is template syntax the page generator replaces, so a reader never sees its name
or its layout, only what it renders: a ``caption``, an ``alt``, the Markdown between a pair.
This module finds shortcodes and their parameters with exact offsets; the Markdown format
makes segments of the values worth translating and splices translations back through the one
splice (``base.splice``), keeping every other byte of the shortcode as written.

Why a scanner here and not a library: no maintained Python package parses Hugo shortcodes
(Hugo's own lexer is Go, ``parser/pageparser``), and python-liquid's lexer does not give the
source offsets of a custom tag's arguments, which the byte-exact splice needs. The grammar
followed is the generators' own, kept deliberately small:

* Hugo: ``{{<`` or ``{{%``, an optional ``/`` (closing), a name, then parameters until
  ``>}}``/``%}}``: ``name="value"``, ``name=value``, ``"value"``, ```raw```, ``value``;
  a quoted value may hold ``\\"`` and even ``>}}`` (Hugo's lexer reads quoted values to
  their closing quote). Comments (``{{</* */>}}``) are not shortcodes.
* Liquid (Jekyll, Eleventy, Shopify): ``{%``/``{%-``, a tag name, then arguments until
  ``%}``/``-%}``: ``"value"``, ``'value'`` (no escapes in Liquid strings), ``key="value"``,
  ``key: "value"``, bare words and commas. ``{% raw %}``/``{% comment %}``/``{% highlight %}``
  (and diagram/formula pairs: ``mermaid``, ``katex``, ``math``, ``plantuml``) and Hugo's
  ``highlight``/``code``/``mermaid``/``katex``/``math``/``chart`` pairs are kept whole:
  nothing between them is text.
* Anything the scanner does not understand is not a shortcode and stays byte for byte.

What is a segment (decided by the caller's ``Markup``): a *quoted* value of a named parameter
in ``props`` (``caption``, ``alt``, ``title`` …), and a quoted positional parameter whose
1-based position is configured for the shortcode's name (``image = [2]``). For a name the
workspace does not configure, a quoted positional value is a segment when it reads as prose
(:func:`reads_as_prose`: two words or more, no path, URL, class list or template syntax), so
``{{< details "Why not build on the server?" >}}`` and ``{% youtube "id", "Talk: images on
the web" %}`` are offered while ``"btn btn-primary"`` and ``"(min-width: 40em) 50vw"`` are not;
configuring a name (``details = []`` for none) replaces the guess. Liquid's control tags
(``if``, ``for``, ``case`` …) and Hugo's ``ref``/``relref`` never offer positional values.
Bare values are identifiers, numbers or paths and never segments. A translation is written
back quoted (:func:`encode`): ``"`` becomes ``\\"`` in Hugo; in Liquid the other quote
character is used, or ``&quot;`` when the text holds both; ``%}`` (which ends a Liquid tag
whatever the quotes) becomes ``%&#125;``; line breaks fold to spaces. A Hugo quoted value
may hold ``>}}``: Hugo reads it to the closing quote, and so does :func:`scan`.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from transflow.formats.base import Markup

__all__ = [
    "Param", "Shortcode", "encode", "opaque", "reads_as_prose", "scan", "segments", "split_lines",
    "visible",
]


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter: ``name`` is None for a positional one (``position`` counts those)."""

    name: str | None
    position: int
    #: The value as the generator reads it (quotes removed, Hugo's ``\\"`` unescaped).
    value: str
    #: ``"``, ``'``, ````` or empty (a bare value).
    quote: str
    #: Offsets of the value as written, quotes included.
    start: int
    end: int
    #: False for a value that is only part of its argument (Nunjucks' comma-separated
    #: ``"./img/" + name`` is one argument of three values): never a segment on its own.
    whole: bool = True


@dataclass(frozen=True, slots=True)
class Shortcode:
    """One shortcode tag as written in the source."""

    #: ``hugo`` or ``liquid``.
    syntax: str
    name: str
    closing: bool
    start: int
    end: int
    params: tuple[Param, ...]


_OPEN = re.compile(r"\{\{([<%])|\{%(-?)")
_SPACE = re.compile(r"\s*")
_NAME = re.compile(r"[A-Za-z_][\w.\-/]*")
_HUGO_VALUE = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`=]+?(?=\s|[>%]\}\}|$)', re.DOTALL)
_LIQUID_VALUE = re.compile(r"\"[^\"]*\"|'[^']*'|[^\s,\"']+?(?=[\s,]|-?%\}|$)")
_KEY = re.compile(r"([A-Za-z_][\w\-]*)\s*([=:])\s*")
#: Liquid blocks whose body is not Liquid: kept whole, never scanned.
_OPAQUE = {
    "raw": "endraw", "comment": "endcomment", "highlight": "endhighlight",
    "mermaid": "endmermaid", "katex": "endkatex", "math": "endmath", "plantuml": "endplantuml",
}
#: Hugo pairs whose body is code, not text (``{{< highlight go >}}`` … ``{{< /highlight >}}``,
#: a diagram, a formula, a chart's JSON, ``code-toggle``: a configuration shown as TOML, YAML
#: and JSON tabs, as Hugo's own documentation writes it).
_HUGO_OPAQUE = frozenset(
    {"highlight", "code", "raw", "mermaid", "katex", "math", "chart", "plantuml", "diagram",
     "code-toggle"}
)


def scan(text: str, start: int = 0, end: int | None = None) -> list[Shortcode]:
    """Every shortcode in ``text[start:end]``, in order, without overlaps."""
    stop = len(text) if end is None else end
    found: list[Shortcode] = []
    pos = start
    while True:
        m = _OPEN.search(text, pos, stop)
        if m is None:
            return found
        code = _hugo(text, m, stop) if m.group(1) else _liquid(text, m, stop)
        if code is None:
            pos = m.start() + 2
            continue
        if code.syntax == "liquid" and code.name in _OPAQUE:
            # The body is not Liquid: the whole block is one tag without parameters.
            closer = re.compile(r"\{%-?\s*" + _OPAQUE[code.name] + r"\s*-?%\}")
            after = closer.search(text, code.end, stop)
            end = after.end() if after else stop
            code = Shortcode("liquid", code.name, False, code.start, end, ())
        elif code.syntax == "hugo" and code.name in _HUGO_OPAQUE and not code.closing:
            closer = re.compile(r"\{\{[<%]\s*/\s*" + re.escape(code.name) + r"\s*[>%]\}\}")
            after = closer.search(text, code.end, stop)
            if after:
                code = Shortcode("hugo", code.name, False, code.start, after.end(), ())
        found.append(code)
        pos = code.end


def _hugo(text: str, m: re.Match[str], stop: int) -> Shortcode | None:
    delim = m.group(1)
    close = (">}}" if delim == "<" else "%}}")
    pos = _SPACE.match(text, m.end(), stop).end()  # type: ignore[union-attr]
    closing = text.startswith("/", pos)
    if closing:
        pos = _SPACE.match(text, pos + 1, stop).end()  # type: ignore[union-attr]
    name = _NAME.match(text, pos, stop)
    if name is None:
        return None  # a comment ({{</* */>}}) or something else
    pos = name.end()
    params: list[Param] = []
    positional = 0
    while True:
        pos = _SPACE.match(text, pos, stop).end()  # type: ignore[union-attr]
        if text.startswith(close, pos):
            return Shortcode("hugo", name.group(), closing, m.start(), pos + 3, tuple(params))
        key = _KEY.match(text, pos, stop)
        if key and key.group(2) == "=":
            pos = key.end()
        value = _HUGO_VALUE.match(text, pos, stop)
        if value is None or value.end() == pos:
            return None
        raw = value.group()
        quote = raw[0] if raw[0] in "\"`" else ""
        decoded = raw[1:-1] if quote else raw
        if quote == '"':
            decoded = decoded.replace('\\"', '"')
        if key and key.group(2) == "=":
            params.append(Param(key.group(1), 0, decoded, quote, value.start(), value.end()))
        else:
            positional += 1
            params.append(Param(None, positional, decoded, quote, value.start(), value.end()))
        pos = value.end()


def _liquid(text: str, m: re.Match[str], stop: int) -> Shortcode | None:
    pos = _SPACE.match(text, m.end(), stop).end()  # type: ignore[union-attr]
    name = _NAME.match(text, pos, stop)
    if name is None:
        return None
    tag = name.group()
    closing = tag.startswith("end")
    pos = name.end()
    params: list[Param] = []
    positional = 0
    commas = 0  # Nunjucks (Eleventy) separates arguments with commas: they count positions
    while True:
        pos = _SPACE.match(text, pos, stop).end()  # type: ignore[union-attr]
        closer = re.compile(r"-?%\}").match(text, pos, stop)
        if closer:
            if commas:
                params = _by_argument(params)
            return Shortcode("liquid", tag, closing, m.start(), closer.end(), tuple(params))
        if text.startswith(",", pos) or text.startswith("|", pos):
            if text.startswith(",", pos):
                commas += 1
                params.append(_COMMA)
            pos += 1
            continue
        key = _KEY.match(text, pos, stop)
        if key:
            pos = key.end()
        value = _LIQUID_VALUE.match(text, pos, stop)
        if value is None or value.end() == pos:
            return None
        raw = value.group()
        quote = raw[0] if raw[0] in "\"'" else ""
        decoded = raw[1:-1] if quote else raw
        if key:
            params.append(Param(key.group(1), 0, decoded, quote, value.start(), value.end()))
        else:
            positional += 1
            params.append(Param(None, positional, decoded, quote, value.start(), value.end()))
        pos = value.end()


_COMMA = Param(None, 0, ",", "", -1, -1)


def _by_argument(params: list[Param]) -> list[Param]:
    """Positions counted by comma-separated argument: in ``{% image "./img/" + name, "Alt"
    %}`` the alt is argument 2 (not value 4), and the values of an expression argument are
    marked as parts (``whole=False``)."""
    groups: list[list[Param]] = [[]]
    for param in params:
        if param is _COMMA:
            groups.append([])
        else:
            groups[-1].append(param)
    out: list[Param] = []
    position = 0
    for group in groups:
        positional = [p for p in group if p.name is None]
        if positional:
            position += 1
        for p in group:
            if p.name is None:
                p = Param(None, position, p.value, p.quote, p.start, p.end, len(positional) == 1)
            out.append(p)
    return out


def opaque(text: str) -> list[tuple[int, int]]:
    """Where ``text`` holds code a shortcode pair protects (``{% raw %}``, ``highlight``…):
    nothing inside is text, even paragraphs separated from the tags by blank lines.

    (Whole articles come here: a text without a ``{`` is answered by one ``memchr``, where
    looking for a two-character opener scans the text character by character.)"""
    if "{" not in text or ("{%" not in text and "{{" not in text):
        return []
    return [
        (c.start, c.end)
        for c in scan(text)
        if (c.syntax == "liquid" and c.name in _OPAQUE)
        or (c.syntax == "hugo" and c.name in _HUGO_OPAQUE)
    ]


#: Tags whose positional values are compared or looked up, never shown as they are.
_NOT_SHOWN = frozenset({
    "if", "elsif", "unless", "case", "when", "for", "tablerow", "elif", "ref", "relref",
})
_PROSE_WORD = re.compile(r"[(\"'“‘]?[^\W\d_]+(?:['’][^\W\d_]+)*[.,:;!?)\"'”’]*")
_NOT_PROSE = re.compile(r"[={}|<>\\]|://|^\.{0,2}/|^#")


def reads_as_prose(value: str) -> bool:
    """True when a quoted positional value reads as words a reader sees: two words or more
    made of letters (with their punctuation), and nothing of a path, URL, class list
    (``btn-primary``), media query or template syntax."""
    text = value.strip()
    if _NOT_PROSE.search(text):
        return False
    words = text.split()
    return len(words) >= 2 and sum(1 for w in words if _PROSE_WORD.fullmatch(w)) >= 2


def segments(code: Shortcode, markup: Markup) -> Iterator[tuple[Param, str]]:
    """The parameters of ``code`` that are segments, each with its kind."""
    if code.closing:
        return
    positions = markup.positions(code.name)
    for param in code.params:
        if not param.quote or not param.whole or not any(ch.isalpha() for ch in param.value):
            continue
        if param.name is not None:
            if param.name in markup.props:
                yield param, f"attribute {param.name} of shortcode {code.name}"
        elif (
            param.position in positions
            if positions is not None
            else code.name not in _NOT_SHOWN and reads_as_prose(param.value)
        ):
            yield param, f"attribute {param.position} of shortcode {code.name}"


_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def encode(translation: str, quote: str, syntax: str) -> str:
    """A parameter translation written back with its quotes (see the module docstring)."""
    text = _LINE_BREAKS.sub(" ", translation.strip())
    if syntax == "liquid":
        text = text.replace("%}", "%&#125;")
        if quote in text:
            other = "'" if quote == '"' else '"'
            if other not in text:
                quote = other
            else:
                text = text.replace(quote, "&quot;" if quote == '"' else "&#39;")
        return quote + text + quote
    if quote == "`":
        return "`" + text.replace("`", "'") + "`"
    # Hugo unescapes only ``\"``; a trailing backslash would escape the closing quote.
    return '"' + text.rstrip("\\").replace('"', '\\"') + '"'


def visible(code: Shortcode) -> list[str]:
    """Quoted values (what a shortcode may show a reader): for measuring, not segmenting."""
    return [p.value for p in code.params if p.quote]


@dataclass(frozen=True, slots=True)
class Split:
    """A paragraph's lines split around the shortcodes that stand on lines of their own."""

    #: Runs of consecutive text lines: (index of the first line, the lines).
    groups: list[tuple[int, list[tuple[int, int]]]]
    #: Shortcodes alone on their lines (their parameters may be segments).
    standalone: list[Shortcode]


def split_lines(text: str, lines: list[tuple[int, int]]) -> Split | None:
    """Split a paragraph given as ``[start, end)`` content spans of its lines.

    ``{{< quote >}}`` / text / ``{{< /quote >}}`` without blank lines is one CommonMark
    paragraph; the text between is Markdown a reader sees, the shortcode lines are not.
    A shortcode written inside a line of text stays part of that text. None when the
    paragraph holds no shortcode.
    """
    codes = scan(text, lines[0][0], lines[-1][1])
    if not codes:
        return None
    # Looked up by bisection (``scan`` gives them in order, without overlaps), not by a
    # walk through all of them from every position: a paragraph of a thousand shortcode
    # lines was quadratic.
    starts = [c.start for c in codes]
    covered: list[bool] = []
    for begin, stop in lines:
        pos, ok = begin, True
        while pos < stop:
            if text[pos] in " \t":
                pos += 1
                continue
            at = bisect_right(starts, pos) - 1
            if at < 0 or pos >= codes[at].end:
                ok = False
                break
            pos = codes[at].end
        covered.append(ok)
    groups: list[tuple[int, list[tuple[int, int]]]] = []
    for index, (line, ok) in enumerate(zip(lines, covered, strict=True)):
        if ok:
            continue
        if groups and groups[-1][0] + len(groups[-1][1]) == index:
            groups[-1][1].append(line)
        else:
            groups.append((index, [line]))
    # A shortcode stands alone when every line it covers part of is covered: those lines
    # are a run, the ones that begin before its end and reach past its start (a line of no
    # width reaches one past its begin); lines are in order, so both bounds are bisections.
    begins = [b for b, _ in lines]
    reaches = [max(e, b + 1) for b, e in lines]
    standalone = [
        code
        for code in codes
        if all(covered[bisect_right(reaches, code.start):bisect_left(begins, code.end)])
    ]
    return Split(groups, standalone)

