"""``transflow serve`` in a real browser: headless Chromium driven through Selenium.

Skips cleanly without Selenium, Debian's ``chromium`` or its ``chromium-driver`` (``.ci/run``
installs them); the system chromedriver is used, nothing is downloaded. A screenshot of the
article page is kept as a test artifact under ``$TRANSFLOW_ARTIFACTS`` (default: the test's
tmp_path), never in the repository.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import run
from tests.web_helpers import SEED, SEED_PO, review_workspace
from transflow.cli.review_ui import TO_REVIEW, run_review
from transflow.config import load_config
from transflow.po import catalog
from transflow.states import State, accept_finding, entry_state
from transflow.web.model import entry_key

webdriver = pytest.importorskip("selenium.webdriver")
pytest.importorskip("flask")

from selenium.common.exceptions import (  # noqa: E402
    StaleElementReferenceException,
    WebDriverException,
)
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as ec  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from transflow.web.app import create_app  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver") or (
    "/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)

pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER),
                                reason="Debian chromium and chromium-driver not installed")

TOKEN = "browser-test-token"
REVIEWER = "Jane Doe"
APPROVED = (7, 2)  # translated, machine draft (entry indexes in catalog order)
EDITED = 5  # translated, with a numbers finding the edit removes
ACCEPTED = 9  # translated, with a numbers finding the reviewer accepts


def fixed(translation: str) -> str:
    """The edit: the invented year goes, and one word changes."""
    return translation.replace(" (zie 2019).", "").replace("Vervolgonderzoek", "Verder onderzoek")


@pytest.fixture()
def server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    root = review_workspace(tmp_path / "ws")
    config = load_config(explicit=root / "transflow.toml")
    app = create_app(config, token=TOKEN, reviewer=None)
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_port}", root
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture()
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("SE_OFFLINE", "true")  # never let Selenium Manager download anything
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1400,1000", "--lang=en"):
        options.add_argument(arg)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(DRIVER))
    driver.implicitly_wait(2)
    try:
        yield driver
    finally:
        driver.quit()


def _entries(root: Path) -> list[Any]:
    return list(catalog.active_entries(catalog.load(root / SEED_PO)))


def _segment(driver: Any, entry: Any) -> Any:
    return driver.find_element(By.CSS_SELECTOR,
                               f'article.seg[data-key="{entry_key(entry.msgctxt, entry.msgid)}"]')


def _click(driver: Any, element: Any) -> None:
    """Scroll the element to the middle (clear of the sticky header) and click it."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def _wait_page(driver: Any) -> None:
    """Until the page is loaded and its script has run (it marks the body)."""
    WebDriverWait(driver, 20).until(lambda d: d.execute_script(
        "return document.readyState === 'complete' && document.body.classList.contains('js')"))


def _navigate(driver: Any, action: Any) -> None:
    """Do ``action`` (a click or key that submits a form or follows a link) and wait for the
    page it leads to: until the old document is gone, then until the new one is ready.
    Waiting only for something the new page shows is not enough: an element looked up while
    the old page is still there goes stale as soon as the new one replaces it."""
    old = driver.find_element(By.TAG_NAME, "html")
    action()
    WebDriverWait(driver, 20).until(lambda _d: _gone(old))
    _wait_page(driver)


def _gone(element: Any) -> bool:
    """True once ``element``'s document was replaced. Chromium reports that either as a
    stale element or, at some moments of the swap, as an inspector error naming the node."""
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc.msg):
            return True
        raise
    return False


def _artifacts(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("TRANSFLOW_ARTIFACTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_review_in_the_browser_writes_what_the_cli_writes(
    server: tuple[str, Path], browser: Any, tmp_path: Path
) -> None:
    base, root = server
    entries = _entries(root)
    wait = WebDriverWait(browser, 20, ignored_exceptions=[StaleElementReferenceException])

    # The index: every article, and the seed article's row shows its findings.
    browser.get(f"{base}/?token={TOKEN}")
    rows = browser.find_elements(By.CSS_SELECTOR, "#articles tr.article")
    assert len(rows) == 5
    seed_row = browser.find_element(By.CSS_SELECTOR, f'tr[data-article$="{SEED}.md"]')
    assert seed_row.get_attribute("data-needs-work") == "1"
    assert "left out" in seed_row.text
    _navigate(browser, seed_row.find_element(By.LINK_TEXT, SEED).click)
    assert browser.current_url.endswith(f"/a/nl/{SEED}")

    # The reviewer's name is asked once, then remembered.
    assert browser.find_element(By.ID, "ask-reviewer").is_displayed()
    name = browser.find_element(By.ID, "reviewer-name")
    name.send_keys(REVIEWER)
    _navigate(browser, name.submit)
    assert not browser.find_elements(By.ID, "ask-reviewer")
    assert browser.find_element(By.ID, "reviewer-name").get_attribute("value") == REVIEWER

    # Approve one segment with the button, another with the keyboard (j/k + a).
    approve = _segment(browser, entries[APPROVED[0]]).find_element(By.CSS_SELECTOR,
                                                                   "button.approve")
    _navigate(browser, lambda: _click(browser, approve))
    assert _segment(browser, entries[APPROVED[0]]).get_attribute("data-state") == "reviewed"
    _click(browser, _segment(browser, entries[APPROVED[1]]).find_element(By.CSS_SELECTOR,
                                                                         ".meta"))
    _navigate(browser, lambda: browser.find_element(By.TAG_NAME, "body").send_keys("j", "k",
                                                                                   "a"))
    assert _segment(browser, entries[APPROVED[1]]).get_attribute("data-state") == "reviewed"

    # Edit one: the textarea holds the current translation, checks refresh as you type.
    seg = _segment(browser, entries[EDITED])
    assert "2019" in seg.find_element(By.CSS_SELECTOR, "ul.findings").text
    _click(browser, seg.find_element(By.CSS_SELECTOR, "details.edit summary"))
    area = seg.find_element(By.CSS_SELECTOR, "textarea")
    assert area.get_attribute("value") == entries[EDITED].msgstr
    wait.until(lambda d: "2019" in seg.find_element(By.CSS_SELECTOR, ".live-findings").text)
    new_text = fixed(entries[EDITED].msgstr)
    assert new_text != entries[EDITED].msgstr
    area.clear()
    area.send_keys(new_text)
    wait.until(lambda d: "no findings" in seg.find_element(By.CSS_SELECTOR,
                                                             ".live-findings").text)
    _navigate(browser, lambda: area.send_keys(Keys.CONTROL, Keys.ENTER))
    assert _segment(browser, entries[EDITED]).get_attribute("data-state") == "translated"
    assert "Verder onderzoek" in _segment(browser, entries[EDITED]).text
    assert not _segment(browser, entries[EDITED]).find_elements(By.CSS_SELECTOR,
                                                                 "ul.findings li")

    # Accept a finding: it stays listed, marked as accepted, without its button.
    finding = _segment(browser, entries[ACCEPTED]).find_element(
        By.CSS_SELECTOR, 'ul.findings li[data-check="numbers"]')
    assert "2021" in finding.text
    accept = finding.find_element(By.CSS_SELECTOR, "form.accept button")
    _navigate(browser, lambda: _click(browser, accept))
    assert "accepted by Jane Doe" in _segment(browser, entries[ACCEPTED]).find_element(
        By.CSS_SELECTOR, 'ul.findings li[data-check="numbers"]').text

    # Filter by state: hide reviewed segments; exactly the others stay visible.
    segments = browser.find_elements(By.CSS_SELECTOR, "article.seg")
    states = [s.get_attribute("data-state") for s in segments]
    _click(browser, browser.find_element(By.CSS_SELECTOR, 'label.chip[data-state="reviewed"]'))
    shown = [s.get_attribute("data-state") for s in segments if s.is_displayed()]
    assert "reviewed" not in shown
    assert len(shown) == len([s for s in states if s != "reviewed"]) > 0
    browser.find_element(By.TAG_NAME, "body").send_keys("0")
    assert all(s.is_displayed() for s in segments)

    # The preview of the built translation is one key away.
    browser.find_element(By.TAG_NAME, "body").send_keys("p")
    preview = wait.until(ec.visibility_of_element_located((By.ID, "preview")))
    assert "Magnesium" in preview.text
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    browser.execute_script("window.scrollTo(0, 0)")
    shot = _artifacts(tmp_path) / "article-page.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000

    # The .po file: exactly what `transflow review` writes for the same decisions.
    twin = review_workspace(tmp_path / "twin")
    lines = ",".join(str(int(_entries(twin)[i].occurrences[0][1])) for i in APPROVED)
    result = run(twin, "review", f"sample_articles/{SEED}.md", "--approve", lines,
                 "--include-drafts", "--reviewer", REVIEWER)
    assert result.exit_code == 0, result.stderr
    _edit_in_terminal_session(twin / SEED_PO, EDITED, new_text)
    cat = catalog.load(twin / SEED_PO)
    accept_finding(list(catalog.active_entries(cat))[ACCEPTED], "numbers", REVIEWER, date.today())
    catalog.save(cat, twin / SEED_PO, now=datetime.now(UTC))
    assert _normal(root / SEED_PO) == _normal(twin / SEED_PO)
    after = _entries(root)
    assert [entry_state(after[i]) for i in (*APPROVED, EDITED)] == [
        State.REVIEWED, State.REVIEWED, State.TRANSLATED]


def _edit_in_terminal_session(path: Path, index: int, text: str) -> None:
    """Make the edit through the terminal review session (skip to the entry, e, quit)."""
    cat = catalog.load(path)
    entries = list(catalog.active_entries(cat))
    shown = [e for e in entries if entry_state(e) in TO_REVIEW]
    keys = iter(["s"] * shown.index(entries[index]) + ["e", "q"])
    run_review(entries, reviewer=REVIEWER, day=date.today(), read_key=lambda: next(keys),
               write=lambda _: None, edit=lambda _current, _about: text,
               save=lambda: catalog.save(cat, path, now=datetime.now(UTC)))


def _normal(path: Path) -> str:
    return re.sub(r'"PO-Revision-Date: [^"]*"', "", path.read_text(encoding="utf-8"))
