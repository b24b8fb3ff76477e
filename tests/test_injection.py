"""The injection table: 100+ ways to put a live script into a translation; 0 get built.

Every variant is one article of one workspace (sync, check and build run once over all of
them). A variant is *live* when a renderer without URL filtering would publish a script:
the test's own oracle renders the translated page with plain markdown-it (validation and
normalisation of links off, as the campaign's renderer) and reads the HTML as a browser
does (entities decoded, tabs/newlines and leading control characters dropped from URLs).
The table checks itself: each variant must be live per the oracle, so a variant that a
change of syntax made harmless is noticed instead of counted. Then ``check`` must report
``unsafe-markup`` in each hostile catalog, ``build`` must refuse each hostile article, and
the oracle must find nothing live in the built site. An ``accepted`` line for the finding,
written by hand, changes nothing: injected markup can never be accepted.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from markdown_it import MarkdownIt

from tests.helpers import make_workspace, run

# --------------------------------------------------------------------------- the oracle
_RENDERER = MarkdownIt("commonmark", {"html": True})
_RENDERER.validateLink = lambda url: True  # type: ignore[method-assign]
_RENDERER.normalizeLink = lambda url: url  # type: ignore[method-assign]
_URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "poster",
              "background", "srcset", "codebase", "cite"}
_SCRIPT_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "base", "frame"}


def _browser_scheme(url: str) -> str:
    """The scheme a browser sees: C0/space stripped around, tab/CR/LF removed inside."""
    url = re.sub(r"[\t\n\r]", "", url.strip("".join(map(chr, range(0x21)))))
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    return m.group(1).lower() if m else ""


class _Live(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SCRIPT_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.found.append(f"{name}=")
            urls = value.split(",") if name == "srcset" else [value]
            if name == "content" and "url=" in value.lower():
                urls = [value.lower().split("url=", 1)[1]]
            if name in _URL_ATTRS or name == "content":
                for url in urls:
                    if _browser_scheme(url) in ("javascript", "vbscript", "data"):
                        self.found.append(f"{name}={url.strip()[:20]}")

    handle_startendtag = handle_starttag


def live(page: str, *, html_page: bool = False) -> list[str]:
    """What a filter-less renderer would make live in ``page`` (Markdown or an HTML page)."""
    parser = _Live()
    parser.feed(page if html_page else _RENDERER.render(page))
    parser.close()
    return parser.found


# --------------------------------------------------------------------------- the table
@dataclass(frozen=True)
class Variant:
    id: str
    first: str  # translation of the first paragraph
    second: str | None = None  # translation of the second one (reference definitions)
    html_article: bool = False


SPELLINGS = {
    "plain": "javascript:alert(1)",
    "mixed-case": "JavaScript:alert(1)",
    "upper": "JAVASCRIPT:alert(1)",
    "escaped-colon": "javascript\\:alert(1)",
    "entity-s": "java&#115;cript:alert(1)",
    "entity-j": "&#106;avascript:alert(1)",
    "hex-entity": "&#x6A;avascript:alert(1)",
    "hex-entity-upper": "&#X6a;avascript:alert(1)",
    "named-colon": "javascript&colon;alert(1)",
    "numeric-colon": "javascript&#58;alert(1)",
    "hex-colon": "javascript&#x3a;alert(1)",
    "zero-padded": "&#0000106;avascript:alert(1)",
    "tab": "java&#9;script:alert(1)",
    "newline": "java&#10;script:alert(1)",
    "carriage-return": "java&#13;script:alert(1)",
    "leading-space-entity": "&#32;javascript:alert(1)",
    "leading-form-feed": "&#12;javascript:alert(1)",
    "vbscript": "vbscript:msgbox(1)",
    "vbscript-case": "VBScript:msgbox(1)",
    "data-base64": "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "data-html": "data:text/html,%3Cscript%3Ealert(1)%3C/script%3E",
}

LINK_FORMS = {
    "inline": "Lees [klik]({u}) nu.",
    "angle": "Lees [klik](<{u}>) nu.",
    "angle-space": "Lees [klik](< {u}>) nu.",
    "image": "Zie ![plaatje]({u}) hier.",
    "title": 'Lees [klik]({u} "meer") nu.',
    "newline-before": "Lees [klik](\n{u}) nu.",
}

REFERENCE_FORMS = {  # a definition in one entry, its use in another
    "ref-full": ("[r]: {u}", "Lees [klik][r] nu."),
    "ref-collapsed": ("[r]: {u}", "Lees [r][] nu."),
    "ref-shortcut": ('[r]: <{u}> "titel"', "Lees [r] nu."),
}

AUTOLINKS = ["javascript:alert(1)", "JavaScript:alert(1)", "vbscript:msgbox(1)",
             "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="]

HTML_PAYLOADS = {
    "a-href": '<a href="javascript:alert(1)">klik</a>',
    "a-single-quotes": "<a href='javascript:alert(1)'>klik</a>",
    "a-unquoted": "<a href=javascript:alert(1)>klik</a>",
    "a-entity": '<a href="&#106;avascript:alert(1)">klik</a>',
    "a-tab-entity": '<a href="java&#x09;script:alert(1)">klik</a>',
    "a-upper": '<A HREF="JaVaScRiPt:alert(1)">klik</A>',
    "a-leading-space": '<a href=" javascript:alert(1)">klik</a>',
    "a-named-colon": '<a href="javascript&colon;alert(1)">klik</a>',
    "a-vbscript": '<a href="vbscript:msgbox(1)">klik</a>',
    "a-data": '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">klik</a>',
    "img-onerror": "<img src=x onerror=alert(1)>",
    "img-srcset": '<img srcset="javascript:alert(1) 1x">',
    "svg-onload": "<svg onload=alert(1)>",
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "form-action": '<form action="javascript:alert(1)"><button>ok</button></form>',
    "button-formaction": '<button formaction="javascript:alert(1)">ok</button>',
    "object-data": '<object data="javascript:alert(1)"></object>',
    "embed-src": '<embed src="javascript:alert(1)">',
    "script": "<script>alert(1)</script>",
    "meta-refresh": '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "base-href": '<base href="javascript:alert(1)//">',
    "math-xlink": '<math><a xlink:href="javascript:alert(1)">klik</a></math>',
    "details-ontoggle": "<details open ontoggle=alert(1)>x</details>",
    "span-onmouseover": '<span onmouseover="alert(1)">x</span>',
}


def variants() -> list[Variant]:
    table = [Variant(f"md-{form}-{name}", text.format(u=url))
             for form, text in LINK_FORMS.items() for name, url in SPELLINGS.items()]
    table += [Variant(f"md-{form}-{name}", first.format(u=url), second)
              for form, (first, second) in REFERENCE_FORMS.items()
              for name, url in SPELLINGS.items()]
    table += [Variant(f"md-autolink-{i}", f"Lees <{url}> nu.") for i, url in enumerate(AUTOLINKS)]
    table += [Variant(f"md-html-{name}", f"Lees {html} nu.")
              for name, html in HTML_PAYLOADS.items()]
    table += [Variant(f"html-{name}", f"Lees {html} nu.", html_article=True)
              for name, html in HTML_PAYLOADS.items()]
    return table


VARIANTS = variants()
FIRST, SECOND = "First paragraph about magnesium.", "Second paragraph about sleep."
MD_ARTICLE = f"---\ntitle: Injection\n---\n\n# Heading\n\n{FIRST}\n\n{SECOND}\n"
HTML_ARTICLE = f"<h1>Heading</h1>\n<p>{FIRST}</p>\n<p>{SECOND}</p>\n"


def slug(v: Variant) -> str:
    return re.sub(r"[^a-z0-9-]", "-", v.id.lower())


def page_of(v: Variant) -> str:
    """The translated page as transflow would publish it, for the oracle."""
    base = HTML_ARTICLE if v.html_article else MD_ARTICLE
    page = base.replace(FIRST, v.first, 1)
    return page.replace(SECOND, v.second, 1) if v.second is not None else page


def test_the_table_has_100_live_variants() -> None:
    assert len(VARIANTS) >= 100
    assert len({slug(v) for v in VARIANTS}) == len(VARIANTS)
    dead = [v.id for v in VARIANTS if not live(page_of(v), html_page=v.html_article)]
    assert dead == []
    # The five that got through before are in the table.
    firsts = {v.first for v in VARIANTS}
    assert "Lees [klik](javascript\\:alert(1)) nu." in firsts
    assert "Lees [klik](<javascript\\:alert(1)>) nu." in firsts
    assert "Lees [klik](< javascript:alert(1)>) nu." in firsts
    assert any(v.first == "[r]: javascript:alert(1)" and v.second == "Lees [r][] nu."
               for v in VARIANTS)


def translate(po_path: Path, v: Variant | None) -> None:
    """Translate every entry (identically: checks pass) and put the variant in place."""
    po = polib.pofile(str(po_path))
    for entry in po:
        if entry.obsolete:
            continue
        entry.msgstr = entry.msgid
        if v is not None and entry.msgid == FIRST:
            entry.msgstr = v.first
        if v is not None and v.second is not None and entry.msgid == SECOND:
            entry.msgstr = v.second
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
    po.save()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("injection")
    articles = {f"{slug(v)}.{'html' if v.html_article else 'md'}":
                HTML_ARTICLE if v.html_article else MD_ARTICLE for v in VARIANTS}
    articles["clean.md"] = MD_ARTICLE
    make_workspace(root, articles)
    assert run(root, "sync").exit_code == 0
    for v in VARIANTS:
        translate(root / "locales/nl" / f"{slug(v)}.po", v)
    translate(root / "locales/nl/clean.po", None)
    return root


def test_check_reports_unsafe_markup_in_every_hostile_catalog(site: Path) -> None:
    result = run(site, "check", "--errors-only", "--json")
    assert result.exit_code == 3
    flagged = {f["catalog"] for f in json.loads(result.stdout)["findings"]
               if f["check"] == "unsafe-markup" and f["severity"] == "error"}
    missed = [v.id for v in VARIANTS if f"locales/nl/{slug(v)}.po" not in flagged]
    assert missed == []
    assert "locales/nl/clean.po" not in flagged


def test_build_publishes_none_of_them(site: Path) -> None:
    for flags in ([], ["--allow-incomplete"]):
        result = run(site, "build", *flags, "--json")
        assert result.exit_code == 3  # the checks refused articles
        articles = {a["article"]: a for a in json.loads(result.stdout)["articles"]}
        built = [v.id for v in VARIANTS
                 if articles[f"articles/{slug(v)}.{'html' if v.html_article else 'md'}"]["built"]]
        assert built == []
        assert articles["articles/clean.md"]["built"] is True
        pages = [p for p in (site / "dist").rglob("*") if p.suffix in (".md", ".html")]
        assert {p.name for p in pages} == {"clean.md"}
        for p in pages:
            assert live(p.read_text(encoding="utf-8")) == []


def test_a_hand_written_acceptance_changes_nothing(tmp_path: Path) -> None:
    """Injected markup can never be accepted, not even by editing the .po by hand."""
    from transflow.states import acceptance_text

    v = next(v for v in VARIANTS if v.id == "md-inline-escaped-colon")
    make_workspace(tmp_path, {"a.md": MD_ARTICLE})
    assert run(tmp_path, "sync").exit_code == 0
    po_path = tmp_path / "locales/nl/a.po"
    translate(po_path, v)
    po = polib.pofile(str(po_path))
    entry = next(e for e in po if e.msgid == FIRST)
    entry.tcomment = "transflow: accepted " + acceptance_text(
        "unsafe-markup", entry.msgid, entry.msgstr, entry.msgctxt, "Mallory", date(2026, 1, 1))
    po.save()
    checked = run(tmp_path, "check", "--json")
    assert checked.exit_code == 3
    assert any(f["check"] == "unsafe-markup" for f in json.loads(checked.stdout)["findings"])
    built = run(tmp_path, "build", "--allow-incomplete")
    assert built.exit_code == 3
    assert not (tmp_path / "dist/nl/a.md").exists()
    accept = run(tmp_path, "check", "--accept", f"locales/nl/a.po:{entry.linenum}",
                 "unsafe-markup")
    assert accept.exit_code == 1
    assert "can never be accepted" in accept.stderr


def test_the_page_check_alone_refuses_every_script_url(site: Path, tmp_path: Path) -> None:
    """Without any gate, ``build`` still parses each page it publishes: a script URL the
    article does not have (however the Markdown spells it, or an entry defines it for
    another) keeps the page out."""
    from transflow.config import load_config
    from transflow.workflow.build import build

    report = build(load_config(site), output=tmp_path / "out", gates=(),
                   allow_incomplete=True)
    by_article = {a.article: a for a in report.articles}
    links = [v for v in VARIANTS if not v.id.startswith(("md-html-", "html-"))]
    assert len(links) >= 100
    # A definition line in a translation is written escaped (``\[r]: …``, text, not a
    # definition), so those pages are safe and may be built; every other page is refused.
    built = [v for v in links if by_article[f"articles/{slug(v)}.md"].built]
    assert {v.id for v in built} <= {v.id for v in links if v.id.startswith("md-ref-")}
    for v in built:
        page = (tmp_path / "out/nl" / f"{slug(v)}.md").read_text(encoding="utf-8")
        assert live(page) == [], v.id
        assert "\\[r]:" in page
    reason = " ".join(by_article[f"articles/{slug(links[0])}.md"].reasons)
    assert "unsafe markup: the page would have 1 javascript: URL(s)" in reason
    assert by_article["articles/clean.md"].built


#: Script URLs that no Markdown or HTML parser sees as a link, but a site template may turn
#: into one (a Hugo shortcode's parameter, an MDX component's prop): caught by the text net.
PARAMETERS = [
    'Lees {{< button href="javascript:alert(1)" >}}klik{{< /button >}} nu.',
    "Lees {{% link url='&#106;avascript:alert(1)' %}} nu.",
    'Lees {{< figure src="data:text/html;base64,PHNjcmlwdD4=" >}} nu.',
    'Lees <Button href={"javascript:alert(1)"}>klik</Button> nu.',
    'Lees <Button href={"java\tscript:alert(1)"}>klik</Button> nu.',
    "Lees {% include link.html url='vbscript:msgbox(1)' %} nu.",
]
#: Text that mentions the words but carries no URL: never refused.
HARMLESS = ["Data: 2020, meta data: zie tabel.", "Leer JavaScript in een dag.",
            "De data zijn: 1, 2 en 3."]


@pytest.mark.parametrize("text", PARAMETERS)
def test_a_script_url_as_a_parameter_is_unsafe_markup(text: str) -> None:
    from transflow.checks import disallowed_markup

    assert any("javascript:" in p or "data:" in p or "vbscript:" in p
               for p in disallowed_markup(FIRST, text))


@pytest.mark.parametrize("text", HARMLESS)
def test_words_alone_are_not_refused(text: str) -> None:
    from transflow.checks import disallowed_markup

    assert disallowed_markup(FIRST, text) == []
