"""``transflow serve`` as a command: the printed address works, other hosts get a warning."""

from __future__ import annotations

import http.cookiejar
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import run
from tests.test_cli_run import sample_workspace
from transflow.cli.serve import _is_loopback

pytest.importorskip("flask")


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("localhost", True), ("::1", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("192.0.2.1", False), ("example.org", False),
])
def test_loopback_hosts(host: str, loopback: bool) -> None:
    assert _is_loopback(host) is loopback


def test_another_host_is_warned_about(tmp_path: Path) -> None:
    root = sample_workspace(tmp_path)
    # 192.0.2.1 is a documentation address no machine has: the bind fails, nothing is sent.
    result = run(root, "serve", "--host", "192.0.2.1", "--port", "0")
    assert result.exit_code == 1
    assert "Warning: listening on 192.0.2.1" in result.stderr
    assert "Error: cannot listen on 192.0.2.1:0" in result.stderr
    assert "Hint: pick another port" in result.stderr
    assert "Traceback" not in result.stderr


def test_the_printed_address_opens_the_pages(tmp_path: Path) -> None:
    root = sample_workspace(tmp_path)
    proc = subprocess.Popen([sys.executable, "-m", "transflow", "serve", "--port", "0"],
                            cwd=root, stderr=subprocess.PIPE, text=True)
    try:
        url = ""
        deadline = time.monotonic() + 60
        assert proc.stderr is not None
        while not url and time.monotonic() < deadline:
            line = proc.stderr.readline()
            if line.startswith("Open: "):
                url = line.split(" ", 1)[1].strip()
        assert url.startswith("http://127.0.0.1:") and "?token=" in url
        opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        with opener.open(url, timeout=30) as response:
            page = response.read().decode("utf-8")
        assert "magnesium-l-threonate" in page and "published" in page
        bare = url.split("?")[0]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(bare, timeout=30)
        assert refused.value.code == 403
        refused.value.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        if proc.stderr is not None:
            proc.stderr.close()
