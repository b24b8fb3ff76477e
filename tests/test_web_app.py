"""``transflow serve`` through Flask's test client: token, CSRF, escaping, paths, writes."""

from __future__ import annotations

import re
from datetime import date, datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run
from tests.web_helpers import NOW, SEED, SEED_PO, review_workspace
from transflow.config import load_config
from transflow.po import catalog
from transflow.states import State, accept_finding, entry_state
from transflow.web.model import entry_key

flask = pytest.importorskip("flask")

from transflow.web.app import create_app, csrf_token  # noqa: E402

TOKEN = "test-token-0123456789"
DAY = date(2026, 11, 30)
XSS = "<img src=x onerror=alert(1)>"


def _app(root: Path, reviewer: str | None = "Jane Doe") -> Any:
    config = load_config(explicit=root / "transflow.toml")
    app = create_app(config, token=TOKEN, reviewer=reviewer, today=lambda: DAY,
                     now=lambda: datetime(2026, 11, 30, 12, 30).astimezone())
    app.testing = True
    return app


@pytest.fixture()
def root(tmp_path: Path) -> Path:
    return review_workspace(tmp_path)


@pytest.fixture()
def client(root: Path) -> Any:
    c = _app(root).test_client()
    assert c.get(f"/?token={TOKEN}").status_code == 303
    return c


def _entries(root: Path) -> list[Any]:
    return list(catalog.active_entries(catalog.load(root / SEED_PO)))


def _post(client: Any, url: str, **form: str) -> Any:
    return client.post(url, data={"csrf": csrf_token(TOKEN), **form})


def _action(entry: Any, action: str) -> str:
    return f"/a/nl/{SEED}/entry/{entry_key(entry.msgctxt, entry.msgid)}/{action}"


# --- access token --------------------------------------------------------------------------
@pytest.mark.parametrize("url", ["/", f"/a/nl/{SEED}", "/?token=wrong"])
def test_pages_need_the_token(root: Path, url: str) -> None:
    response = _app(root).test_client().get(url)
    assert response.status_code == 403
    assert "token" in response.get_data(as_text=True)


def test_the_token_becomes_an_httponly_strict_cookie(root: Path) -> None:
    c = _app(root).test_client()
    response = c.get(f"/?token={TOKEN}")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    page = c.get("/")
    assert page.status_code == 200
    assert "Content-Security-Policy" in page.headers
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]


def test_a_foreign_host_header_is_refused(client: Any) -> None:
    assert client.get("/", headers={"Host": "evil.example:8737"}).status_code == 400


# --- CSRF ----------------------------------------------------------------------------------
def test_writes_need_the_csrf_token(client: Any, root: Path) -> None:
    entry = _entries(root)[7]
    before = (root / SEED_PO).read_bytes()
    url = _action(entry, "approve")
    assert client.post(url, data={"base": entry.msgstr}).status_code == 403
    assert client.post(url, data={"base": entry.msgstr, "csrf": TOKEN}).status_code == 403
    foreign = client.post(url, data={"base": entry.msgstr, "csrf": csrf_token(TOKEN)},
                          headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403
    assert (root / SEED_PO).read_bytes() == before
    ok = _post(client, url, base=entry.msgstr)
    assert ok.status_code == 303
    assert entry_state(_entries(root)[7]) is State.REVIEWED


def test_the_reviewer_form_needs_csrf_and_keeps_redirects_local(client: Any) -> None:
    assert client.post("/reviewer", data={"name": "Eve"}).status_code == 403
    response = _post(client, "/reviewer", name="Jan Jansen", next="//evil.example/")
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "transflow_reviewer=" in response.headers["Set-Cookie"]


# --- escaping ------------------------------------------------------------------------------
def test_catalog_text_is_shown_as_text_and_runs_nothing(client: Any, root: Path) -> None:
    path = root / SEED_PO
    cat = catalog.load(path)
    entries = list(catalog.active_entries(cat))
    entries[7].msgstr = XSS
    entries[9].msgstr = "[klik](javascript:alert(1)) <script>alert(2)</script> **vet**"
    entries[9].tcomment = (entries[9].tcomment or "") + "\n<b onmouseover=alert(3)>note</b>"
    catalog.save(cat, path, now=NOW)
    page = client.get(f"/a/nl/{SEED}").get_data(as_text=True)
    assert_inert(page)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # the textarea and base: as text
    assert "<strong>vet</strong>" in page  # Markdown is still rendered
    assert_inert(client.get("/").get_data(as_text=True))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def assert_inert(page: str) -> None:
    """No element the catalog text could have made live: no handler, no foreign script,
    no image, no javascript: link."""
    parser = _Tags()
    parser.feed(page)
    for tag, attrs in parser.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        assert tag not in ("img", "iframe", "object", "embed"), (tag, attrs)
        if tag == "script":
            assert attrs == {"src": "/static/app.js", "defer": None}, attrs
        assert "javascript:" not in (attrs.get("href") or "").lower(), attrs


def test_live_check_escapes_what_is_typed(client: Any, root: Path) -> None:
    entry = _entries(root)[7]
    response = _post(client, _action(entry, "check"), text=XSS + " 2019")
    data = response.get_json()
    assert "<img" not in data["html"]
    assert any(f["check"] == "numbers" for f in data["findings"])


# --- paths ---------------------------------------------------------------------------------
@pytest.mark.parametrize("url", [
    "/a/nl/../../../etc/passwd",
    "/a/nl/..%2f..%2f..%2fetc%2fpasswd",
    "/a/nl/%2e%2e/%2e%2e/transflow.toml",
    "/a/nl//etc/passwd",
    "/a/../locales/nl/magnesium-l-threonate.po",
    "/static/../../../../etc/passwd",
    "/static/..%2f..%2fconfig.py",
    "/static/%2e%2e/model.py",
    f"/a/xx/{SEED}",
    f"/a/en/{SEED}",
])
def test_no_url_reads_outside_the_served_pages(client: Any, url: str) -> None:
    response = client.get(url, follow_redirects=True)
    body = response.get_data(as_text=True)
    assert response.status_code in (400, 404), (url, response.status_code)
    assert "root:" not in body and "import" not in body and "msgid" not in body


def test_no_url_writes_outside_the_workspace(client: Any, root: Path, tmp_path: Path) -> None:
    entry = _entries(root)[7]
    key = entry_key(entry.msgctxt, entry.msgid)
    for url in [f"/a/nl/../../outside/entry/{key}/edit", f"/a/../nl/{SEED}/entry/{key}/edit",
                f"/a/nl/{SEED}/entry/{key}/../../../x/edit", f"/a/en/{SEED}/entry/{key}/edit"]:
        response = _post(client, url, base=entry.msgstr, text="x")
        assert response.status_code in (400, 404, 405), url
    assert not list(tmp_path.parent.glob("outside*"))
    assert _entries(root)[7].msgstr == entry.msgstr


# --- writes are the CLI's writes ----------------------------------------------------------
def test_approve_writes_what_transflow_review_writes(root: Path, tmp_path: Path) -> None:
    twin = review_workspace(tmp_path / "twin")
    client = _app(root).test_client()
    client.get(f"/?token={TOKEN}")
    entries = _entries(root)
    for index in (7, 2):  # translated, machine draft
        assert _post(client, _action(entries[index], "approve"),
                     base=entries[index].msgstr).status_code == 303
    lines = [int(_entries(twin)[i].occurrences[0][1]) for i in (7, 2)]
    result = run(twin, "review", f"sample_articles/{SEED}.md", "--approve",
                 ",".join(map(str, lines)), "--include-drafts", "--reviewer", "Jane Doe")
    assert result.exit_code == 0, result.stderr
    assert _normal(root / SEED_PO, DAY) == _normal(twin / SEED_PO, date.today())


def _normal(path: Path, day: date) -> str:
    text = path.read_text(encoding="utf-8")
    text = re.sub(r'"PO-Revision-Date: [^"]*"', "", text)
    return text.replace(day.isoformat(), "DAY")


def test_edit_unapprove_and_use_draft(client: Any, root: Path) -> None:
    entries = _entries(root)
    assert _post(client, _action(entries[4], "edit"), base="",
                 text="Belangstelling voor MgT nam toe.\r\n").status_code == 303
    assert _post(client, _action(entries[0], "unapprove"), base=entries[0].msgstr).status_code
    assert _post(client, _action(entries[8], "use-draft"), base=entries[8].msgstr).status_code
    after = _entries(root)
    assert after[4].msgstr == "Belangstelling voor MgT nam toe."
    assert entry_state(after[4]) is State.TRANSLATED
    assert entry_state(after[0]) is State.TRANSLATED
    assert entry_state(after[8]) is State.TRANSLATED
    assert "transflow: draft" not in (after[8].tcomment or "")


def test_a_save_made_meanwhile_wins(client: Any, root: Path) -> None:
    """The page showed one text; a translator saved another in their editor: nothing is
    written and the page says to reload."""
    path = root / SEED_PO
    shown = _entries(root)[7]
    cat = catalog.load(path)
    list(catalog.active_entries(cat))[7].msgstr = "Poedit-tekst."
    catalog.save(cat, path, now=NOW)
    before = path.read_bytes()
    response = _post(client, _action(shown, "edit"), base=shown.msgstr, text="Mijn tekst.")
    assert response.status_code == 303
    assert path.read_bytes() == before
    page = client.get(f"/a/nl/{SEED}").get_data(as_text=True)
    assert "changed on disk" in page
    json_response = client.post(_action(shown, "approve"),
                                data={"csrf": csrf_token(TOKEN), "base": shown.msgstr},
                                headers={"Accept": "application/json"})
    assert json_response.status_code == 409


def test_accept_a_finding_writes_what_the_states_module_writes(client: Any, root: Path,
                                                               tmp_path: Path) -> None:
    entry = _entries(root)[9]
    page = client.get(f"/a/nl/{SEED}").get_data(as_text=True)
    assert "not in the source: 2021" in page
    assert _post(client, _action(entry, "accept"), base=entry.msgstr,
                 check="numbers").status_code == 303
    page = client.get(f"/a/nl/{SEED}").get_data(as_text=True)
    assert "accepted by Jane Doe" in page
    twin = review_workspace(tmp_path / "twin")
    cat = catalog.load(twin / SEED_PO)
    accept_finding(list(catalog.active_entries(cat))[9], "numbers", "Jane Doe", DAY)
    catalog.save(cat, twin / SEED_PO, now=NOW)
    assert _normal(root / SEED_PO, DAY) == _normal(twin / SEED_PO, DAY)
    # Markup injection is never accepted: no button, and the action is refused.
    assert _post(client, _action(entry, "accept"), base=entry.msgstr,
                 check="unsafe-markup").status_code == 400


def test_approve_without_a_reviewer_name_is_refused(root: Path) -> None:
    c = _app(root, reviewer=None).test_client()
    c.get(f"/?token={TOKEN}")
    page = c.get(f"/a/nl/{SEED}").get_data(as_text=True)
    assert "Who is reviewing?" in page
    entry = _entries(root)[7]
    assert _post(c, _action(entry, "approve"), base=entry.msgstr).status_code == 400
    _post(c, "/reviewer", name="Jan Jansen", next=f"/a/nl/{SEED}")
    assert _post(c, _action(entry, "approve"), base=entry.msgstr).status_code == 303
    assert "Jan Jansen" in (_entries(root)[7].tcomment or "")


# --- what the pages show -------------------------------------------------------------------
def test_index_and_article_show_states_findings_and_build(client: Any) -> None:
    index = client.get("/").get_data(as_text=True)
    assert "left out" in index and "published" in index
    assert 'data-changed-after-review="1"' in index
    page = client.get(f"/a/nl/{SEED}").get_data(as_text=True)
    for state in ("machine_draft", "needs_work", "untranslated", "translated",
                  "changed_after_review", "reviewed"):
        assert f'data-state="{state}"' in page
    assert "not in the source: 2019" in page
    assert "<del>energy</del><ins>ATP</ins> <del>use</del><ins>binding</ins>" in page
    assert 'id="preview"' in page and "Magnesium" in page


def test_a_save_of_another_entry_meanwhile_is_kept(client: Any, root: Path) -> None:
    """A translator saved entry 3 in their editor after the page was shown; approving entry
    7 in the page keeps their save (the catalog is read right before the write)."""
    path = root / SEED_PO
    shown = _entries(root)
    cat = catalog.load(path)
    list(catalog.active_entries(cat))[3].msgstr = "Door de vertaler bewaard."
    path.write_text(catalog.render(cat), encoding="utf-8")  # as an editor would: no lock
    assert _post(client, _action(shown[7], "approve"), base=shown[7].msgstr).status_code == 303
    after = _entries(root)
    assert after[3].msgstr == "Door de vertaler bewaard."
    assert entry_state(after[7]) is State.REVIEWED
