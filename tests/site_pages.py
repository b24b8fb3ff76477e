"""What a rendered bilingual site must show for one article (shared by the site-build tests).

Both pages exist at their URLs with the right ``<html lang>``, each links to the other
(``<a hreflang=… href=…>`` in the page's ``#translations`` navigation), and each shows its
own language's text only: every plain paragraph's translation is on the target page and its
source is not, and the other way round.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from transflow.po import catalog


def catalog_texts(po_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """(every entry, the body entries without front matter) as msgid -> msgstr."""
    entries = list(catalog.active_entries(catalog.load(po_path)))
    every = {e.msgid: e.msgstr for e in entries}
    body = {e.msgid: e.msgstr for e in entries if not e.comment.startswith("front matter")}
    return every, body


def visible_text(page: str) -> str:
    """The visible text of ``<main>``: tags dropped, entities decoded, spaces folded."""
    main = re.search(r'<main id="content">(.*)</main>', page, re.S)
    assert main is not None
    body = re.sub(r"<[^>]+>", " ", main.group(1))
    return " ".join(html.unescape(body).split())


def plain(text: str) -> str | None:
    """A segment text a generator shows as written (no markup, no typographic quotes)."""
    if re.search(r"[*_`\[\]<>&\"'|\\]|--|\.\.\.", text) or len(text) < 40:
        return None
    return " ".join(text.split())


def assert_pair(public: Path, name: str, urls: dict[str, str], source: str, target: str,
                body: dict[str, str]) -> None:
    """The checks of the module docstring for one article rendered into ``public``."""
    pages = {}
    for lang, url in urls.items():
        page_file = public / url.strip("/") / "index.html"
        assert page_file.is_file(), f"{name}: no {lang} page at {url}"
        pages[lang] = page_file.read_text(encoding="utf-8")
        assert f'<html lang="{lang}">' in pages[lang], f"{name}: {url} is not in {lang}"
    for lang, other in ((source, target), (target, source)):
        link = f'<a hreflang="{other}" href="{urls[other]}">'
        assert link in pages[lang], f"{name}: the {lang} page does not link {urls[other]}"
    shown = {lang: visible_text(page) for lang, page in pages.items()}
    checked = 0
    for msgid, msgstr in body.items():
        original, translation = plain(msgid), plain(msgstr)
        if original is None or translation is None or original == translation:
            continue
        assert translation in shown[target], f"{name}: a translation is missing on {target}"
        assert original not in shown[target], f"{name}: {source} text on the {target} page"
        assert original in shown[source], f"{name}: a source paragraph is missing"
        assert translation not in shown[source], f"{name}: {target} text on the {source} page"
        checked += 1
    assert checked >= 3, f"{name}: too few plain paragraphs to compare"
