"""Residue: how much source-language text a reader still sees in a fully translated build.

Usage: ``python scripts/residue.py [--corpus PATH] [--verbose]``; the corpus defaults to
``$TRANSFLOW_CORPUS`` or ``../shared/corpus`` (``tests/fixtures/residue_fresh`` has the same
layout). Measured on every corpus article and pair side (``articles/{en,nl}/*.md`` and
``*.mdx``, ``articles/html/*.html``, ``pairs/**/*.md`` and ``*.mdx``), each taken as a source
article of a throw-away workspace under a temporary folder, configured as ``transflow init``
configures a new workspace (nothing tuned per article):

1. ``sync``, then every entry gets the swap-case pseudo-translation (``Hello`` -> ``hELLO``)
   with code spans, URLs, tags, entities, link destinations and link labels left as they are
   (a shortcode written inside a sentence is swapped with it); entries are marked translated
   and ``build`` writes the pages.
2. Source and built page are rendered the way a reader sees them: Markdown (after its front
   matter) through markdown-it with HTML on, HTML articles as they are; the *visible text* is
   the text outside ``code``/``pre``/``script``/``style`` (and math, ``class="math"``: a
   formula is not prose) plus ``alt``/``title`` attribute values, less URLs and e-mail
   addresses; an MDX article's ``import``/``export`` statements and code spans (also those in
   a component's children on the tag's line) are code. A shortcode
   (``{{< >}}``, ``{{% %}}``, ``{% %}``) is rendered by the page generator, so a reader sees
   neither its name nor its layout: what counts is the quoted values of its
   ``alt``/``title``/``caption`` parameters and its quoted positional values that read as prose
   (two words or more); ``{{ expression }}`` output is not visible text. Markup of Markdown
   extensions the site's processor reads (admonition fences, whose titles stay; kramdown
   attribute lists; task-list boxes; GitHub's ``> [!NOTE]``; MkDocs' ``!!! note "Title"``,
   whose indented body is Markdown) is not text either; nor is an
   MDX comment (``{/* … */}``); in MDX a component tag is read to its
   ``>`` over blank lines, and its ``{…}`` expressions are code (JavaScript: never offered).
3. Residue letters: the letters of the built page's visible words (letter runs) that also
   stand, spelled the same, in the source's visible text; a word whose swapped case also
   stands in the source is ambiguous (``I``/``i``) and not counted. The figure is residue
   letters / visible letters of the built page, per file and in total.

4. Structure: the built page's skeleton (rendered tags and their attribute names, shortcodes
   and their parameter names, admonition fences without titles) must equal the source's; a
   page where it does not is flagged ``STRUCTURE CHANGED`` (a letter count cannot see a
   translation that broke a component or a fence).

``--placeholders`` pseudo-translates only the text DeepL would receive (``mt.placeholders``):
markup sent as a placeholder (an image with its alt, a link destination with its title, inline
HTML with its attributes, a shortcode) stays as written, as a machine translation leaves it, so
what only a separate entry can translate is counted.

The method is general (nothing in it knows the corpus); ``make conformance`` prints it.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from transflow.config import parse_config, starter
from transflow.formats import directives, frontmatter, markdown_html, shortcodes
from transflow.formats.markdown import new_parser
from transflow.mt import placeholders
from transflow.po import catalog
from transflow.states import set_translation
from transflow.workflow.build import build
from transflow.workflow.sync import sync
from transflow.workflow.workspace import catalog_path, discover, read_article

_MD = new_parser()

# What the pseudo-translation leaves as it is, in a msgid.
_KEEP = re.compile(
    r"(`+)(?:.|\n)*?(?<!`)\1(?!`)"  # code spans
    r"|\]\(\s*(?:<[^<>\n]*>|[^\s)]*)"  # link destinations (a title is text: swapped)
    r"|\]\[[^\]]*\]|\[\^[^\]]*\]"  # link labels, footnote labels
    r"|<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\s]*>"  # autolinks
    r"|</?[A-Za-z][^<>]*>|<!--(?:.|\n)*?-->"  # tags, comments
    r"|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);"  # entities
    r"|\b(?:https?|ftp|mailto):[^\s<>()\"']+|\bwww\.[^\s<>()\"']+"  # URLs
    r"|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+",  # e-mail addresses
    re.DOTALL,
)
_URLS = re.compile(
    r"\b(?:https?|ftp|mailto):[^\s<>\"']+|\bwww\.[^\s<>\"']+|[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+"
)
_WORD = re.compile(r"[^\W\d_]+")
#: MDX ``import``/``export`` statements: a block that starts a line with one, to a blank line.
_ESM = re.compile(r"^(?:import|export)\b.*?(?:\n[ \t]*\n|\Z)", re.MULTILINE | re.DOTALL)
#: A one-line code span: MDX reads a component's children as Markdown even on the tag's own
#: line (``<Tab>Use `x`</Tab>``), where markdown-it sees raw HTML and would show the backticks.
_CODE_SPAN = re.compile(r"(?<!`)`(?!`)[^`\n]+(?<!`)`(?!`)")
_EXPRESSION = re.compile(r"\{\{(?![<%]).*?\}\}", re.DOTALL)
_HIDDEN = frozenset({"code", "pre", "script", "style", "template", "textarea", "head"})
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
#: Named shortcode parameters a reader sees (the visible attributes, and a figure caption).
_SHOWN = ("alt", "title", "caption")


_XML_MARKUP = re.compile(r"<[^<>]*>|&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")


def pseudo_placeholders(msgid: str, fmt: str = "markdown") -> str:
    """Swap the case of exactly the text DeepL would receive for ``msgid`` (``--placeholders``):
    what ``mt.placeholders`` sends as a placeholder (an image with its alt, a link's
    destination and title, raw inline HTML with its attributes, a shortcode) stays as written."""
    protected = placeholders.protect(msgid, fmt)
    out: list[str] = []
    pos = 0
    for m in _XML_MARKUP.finditer(protected.text):
        out.append(protected.text[pos : m.start()].swapcase())
        out.append(m.group(0))
        pos = m.end()
    out.append(protected.text[pos:].swapcase())
    return placeholders.restore(protected, "".join(out)).text


def pseudo(msgid: str) -> str:
    """Swap the case of the translatable text of ``msgid``, keeping markup as it is."""
    out: list[str] = []
    pos = 0
    for m in _KEEP.finditer(msgid):
        out.append(msgid[pos : m.start()].swapcase())
        out.append(m.group(0))
        pos = m.end()
    out.append(msgid[pos:].swapcase())
    return "".join(out)


class _Visible(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("alt", "title") and value:
                self.parts.append(value)
        if tag in _HIDDEN or _is_math(attrs) or (self.hidden and tag not in _VOID):
            self.hidden += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("alt", "title") and value:
                self.parts.append(value)

    def handle_endtag(self, tag: str) -> None:
        if self.hidden:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def _is_math(attrs: list[tuple[str, str | None]]) -> bool:
    return any(name == "class" and "math" in (value or "").split() for name, value in attrs)


def _without_shortcodes(page: str) -> str:
    """Each shortcode replaced by what the page generator shows of it (module docstring)."""
    out: list[str] = []
    pos = 0
    for code in shortcodes.scan(page):
        shown = [
            p.value
            for p in code.params
            if p.quote
            and (
                (p.name or "").lower() in _SHOWN
                or (p.name is None and re.search(r"[^\W\d_]\s+[^\W\d_]", p.value))
            )
        ]
        out += [page[pos : code.start], " ", " ".join(shown), " "]
        pos = code.end
    out.append(page[pos:])
    return _EXPRESSION.sub(" ", "".join(out))


_ALERT = re.compile(r"^([ \t]*>[ \t]*)\[![A-Za-z]+\][ \t]*$", re.MULTILINE)
_MDX_COMMENT = re.compile(r"\{/\*.*?\*/\}", re.DOTALL)
_TASK = re.compile(r"^([ \t]*(?:[-*+]|\d+[.)])[ \t]+)\[[ xX]\](?=[ \t])", re.MULTILINE)


def _without_extension_markup(page: str) -> str:
    """Admonition fences (their titles kept), kramdown attribute lists and task-list boxes
    removed: the site's Markdown processor shows none of them as text."""
    out: list[str] = []
    body = False  # inside a Python-Markdown block (``!!! note``): its body is Markdown
    for line in page.split("\n"):
        if body and line.strip() and not line.startswith(("    ", "\t")):
            body = False
        if body:
            line = line[1:] if line.startswith("\t") else line[4:]
        marks = directives.markup_lines(line, [(0, len(line))]) if line.strip() else []
        if marks:
            title = marks[0].title
            body = body or marks[0].indented
            line = line[title[0] : title[1]] if title else ""
        out.append(line)
    return _ALERT.sub(r"\1", _TASK.sub(r"\1", "\n".join(out)))


def _jsx_tags(page: str) -> str:
    """MDX: each component tag on one line with its ``{…}`` expressions emptied (JS is code),
    as MDX reads a tag whose props run over several lines, blank ones included."""
    out: list[str] = []
    pos = 0
    for m in re.finditer(r"<[A-Z][\w.]*", page):
        if m.start() < pos:
            continue
        end = markdown_html.jsx_tag_end(page, m.start())
        if end < 0:
            continue
        tag = markdown_html.mask_expressions(page, m.start(), end)[m.start() : end]
        tag = re.sub(r"\{[_\s]*\}", '""', re.sub(r"\{\s*\.\.\.[^}]*\}", " ", tag))
        tag = re.sub(r"\s*\n\s*", " ", re.sub(r"_+", "_", tag))
        out += [page[pos : m.start()], tag]
        pos = end
    out.append(page[pos:])
    return "".join(out)


def visible_text(page: str, *, markdown: bool, mdx: bool = False) -> str:
    """The text a reader sees on ``page`` (see the module docstring), URLs and e-mails removed."""
    found = frontmatter.read(page, 1 if page.startswith("\ufeff") else 0, ())
    if found is not None:
        page = page[found.body_start :]
    if mdx:
        page = _jsx_tags(_CODE_SPAN.sub(" ", _ESM.sub("\n", _MDX_COMMENT.sub(" ", page))))
    if markdown:
        page = _without_extension_markup(page)
    page = _without_shortcodes(page)
    rendered = _MD.render(page) if markdown else page
    parser = _Visible()
    parser.feed(rendered)
    parser.close()
    return _URLS.sub(" ", html.unescape(" ".join(parser.parts)))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag + "(" + " ".join(sorted(name for name, _ in attrs)) + ")")

    def handle_endtag(self, tag: str) -> None:
        self.tags.append("/" + tag)


def skeleton(page: str, *, markdown: bool) -> list[str]:
    """What must survive a translation: the rendered tags with their attribute names, the
    shortcodes (name and parameter names) and the admonition fences without their titles."""
    found = frontmatter.read(page, 1 if page.startswith("\ufeff") else 0, ())
    if found is not None:
        page = page[found.body_start :]
    parser = _Tags()
    parser.feed(_MD.render(page) if markdown else page)
    parser.close()
    # Case apart: the pseudo-translation swaps a shortcode written inside a sentence with it.
    codes = [
        f"{c.syntax}:{'/' if c.closing else ''}{c.name}:"
        f"{','.join(p.name or '' for p in c.params)}".casefold()
        for c in shortcodes.scan(page)
    ]
    fences: list[str] = []
    for line in page.split("\n") if markdown else ():
        for mark in directives.markup_lines(line, [(0, len(line))]) if ":" in line else ():
            fences.append(line[: mark.title[0]] if mark.title else line)
    return parser.tags + codes + fences


@dataclass
class FileResidue:
    name: str
    letters: int
    residue: int
    words: list[str]
    #: False when the built page's skeleton (tags, shortcodes, admonition fences) differs
    #: from the source's: a translation changed structure, which residue alone cannot see.
    same_structure: bool = True
    #: False when the article was not built at all.
    built: bool = True

    @property
    def share(self) -> float:
        return self.residue / self.letters if self.letters else 0.0


def residue(source_visible: str, built_visible: str, name: str = "") -> FileResidue:
    """Count the letters of built words that also stand in the source (see module docstring)."""
    source_words = set(_WORD.findall(source_visible))
    letters = res = 0
    left: list[str] = []
    for word in _WORD.findall(built_visible):
        letters += len(word)
        if word in source_words and word.swapcase() not in source_words:
            res += len(word)
            left.append(word)
    return FileResidue(name, letters, res, left)


@dataclass
class Item:
    name: str
    path: Path
    language: str


def items(corpus: Path) -> list[Item]:
    """Every corpus article and pair side, with the language it is written in."""
    found: list[Item] = []
    for lang in ("en", "nl"):
        for p in sorted((corpus / "articles" / lang).glob("*.md*")):
            if p.suffix not in (".md", ".mdx"):
                continue
            found.append(Item(str(p.relative_to(corpus)), p, lang))
    for p in sorted((corpus / "articles" / "html").glob("*.html")):
        found.append(Item(str(p.relative_to(corpus)), p, "en"))
    for p in sorted((corpus / "pairs").rglob("*")):
        if p.suffix in (".md", ".mdx") and p.stem in ("en", "nl"):
            found.append(Item(str(p.relative_to(corpus)), p, p.stem))
    return found


def workspace_config(language: str) -> dict[str, object]:
    """What ``transflow init --source-language LANGUAGE`` writes (nothing tuned per article),
    publishing translated entries (the pseudo-translation is never reviewed)."""
    table = tomllib.loads(starter(language, ["nl", "en"]))
    return {**table, "publish": "translated"}


def measure_language(
    work: Path, language: str, group: list[Item], as_engine: bool = False
) -> list[FileResidue]:
    """Sync, pseudo-translate and build one workspace of articles written in ``language``."""
    root = work / language
    articles = root / "articles"
    names: dict[Path, Item] = {}
    for n, item in enumerate(group):
        dest = articles / f"{n:03d}-{item.path.parent.name.replace('.', '_')}-{item.path.name}"
        dest.parent.mkdir(parents=True, exist_ok=True)
        text = item.path.read_bytes()
        if item.path.suffix != ".html":
            text = _with_lang(text, language)
        dest.write_bytes(text)
        names[dest.resolve()] = item
    config = parse_config(workspace_config(language), root=root)
    sync(config, use_cache=False)
    target = next(lang for lang in config.languages if lang != language)
    for path in discover(config, None):
        article = read_article(config, path)
        po_path = catalog_path(config, target, article.slug)
        cat = catalog.load(po_path)
        fmt = placeholders.normalize_format(article.fmt.name)
        for entry in catalog.active_entries(cat):
            text = pseudo_placeholders(entry.msgid, fmt) if as_engine else pseudo(entry.msgid)
            set_translation(entry, text)
        catalog.save(cat, po_path)
    build(config, allow_incomplete=True)
    results: list[FileResidue] = []
    for path, item in names.items():
        article = read_article(config, path)
        out = config.output / target / (article.slug + path.suffix)
        markdown, mdx = path.suffix != ".html", path.suffix == ".mdx"
        source = path.read_text(encoding="utf-8")
        src = visible_text(source, markdown=markdown, mdx=mdx)
        built = out.read_text(encoding="utf-8") if out.is_file() else source
        built_text = visible_text(built, markdown=markdown, mdx=mdx)
        result = residue(src, built_text, item.name)
        result.built = out.is_file()
        result.same_structure = skeleton(source, markdown=markdown) == skeleton(
            built, markdown=markdown
        )
        results.append(result)
    return results


def _with_lang(data: bytes, language: str) -> bytes:
    """Articles keep their own ``lang:``; the workspace's source language covers the rest."""
    return data


def measure(corpus: Path, as_engine: bool = False) -> list[FileResidue]:
    """Residue of every corpus article and pair side, sorted by name (``as_engine``: the
    pseudo-translation of :func:`pseudo_placeholders`)."""
    everything = items(corpus)
    work = Path(tempfile.mkdtemp(prefix="transflow-residue-"))
    try:
        results: list[FileResidue] = []
        for language in ("en", "nl"):
            group = [i for i in everything if i.language == language]
            if group:  # a corpus may hold articles in one language only
                results += measure_language(work, language, group, as_engine)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return sorted(results, key=lambda r: r.name)


def report(corpus: Path, verbose: bool = False, as_engine: bool = False) -> Iterator[str]:
    results = measure(corpus, as_engine)
    yield "residue (visible source-language letters after a full pseudo-translation):"
    for r in results:
        flags = ("" if r.same_structure else "  STRUCTURE CHANGED") + (
            "" if r.built else "  NOT BUILT")
        yield f"    {r.name:78} {r.residue:6}/{r.letters:6} {100 * r.share:6.2f}%{flags}"
        if verbose and r.words:
            yield "        " + " ".join(sorted(set(r.words)))[:400]
    letters = sum(r.letters for r in results)
    res = sum(r.residue for r in results)
    share = 100 * res / letters if letters else 0.0
    yield f"residue TOTAL {len(results)} files: {res}/{letters} letters ({share:.2f}%)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default = os.environ.get("TRANSFLOW_CORPUS") or str(
        Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
    )
    parser.add_argument("--corpus", default=default, type=Path)
    parser.add_argument("--verbose", action="store_true", help="list the residue words")
    parser.add_argument(
        "--placeholders",
        action="store_true",
        help="swap only the text DeepL receives (markup sent as placeholders stays as written)",
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "README.md").is_file():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 2
    for line in report(args.corpus, args.verbose, args.placeholders):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
