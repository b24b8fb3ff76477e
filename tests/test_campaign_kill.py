"""Campaign: ``kill -9`` at seeded moments of ``sync`` and ``build``, then any command.

After the kill, whatever command runs next (``status`` here, a read-only one) finishes an
interrupted commit from the journal or leaves the files as they were, and removes the temp
files of the killed run: 0 temp files, and each article's files (its template and catalogs,
or its published pair) are either all as before or all as a clean run leaves them, never a
mix (each article is committed on its own, so articles may differ from each other). A rerun
then equals a clean run. Half of the kills are timed on the commit itself (when the journal
appears), the other half at seeded moments of the whole run. Nothing asserts a duration.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from tests.campaign import edit_articles, make_articles, start, temp_files, transflow, tree

ARTICLES, PARAGRAPHS, KILLS = 30, 12, 6


def _kill(root: Path, args: tuple[str, ...], rng: random.Random, on_commit: bool,
          span: float) -> str:
    """Start the command and kill -9 it at a seeded moment (or right into its commit)."""
    journal = root / ".transflow-cache" / "journal.json"
    process = start(root, *args)
    if on_commit:
        deadline = time.monotonic() + 60
        while not journal.exists() and process.poll() is None and time.monotonic() < deadline:
            pass
        time.sleep(rng.uniform(0, 0.004))
    else:
        time.sleep(rng.uniform(0.05, span))
    if process.poll() is not None:
        return "finished"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    if journal.exists():
        return "killed in the commit"
    return "killed"


def _by_article(files: dict[str, bytes]) -> dict[str, dict[str, bytes]]:
    """Files grouped by article (``nl/a001.po`` and ``templates/a001.pot`` -> ``a001``)."""
    groups: dict[str, dict[str, bytes]] = {}
    for rel, data in files.items():
        groups.setdefault(Path(rel).stem, {})[rel] = data
    return groups


def _prepare(root: Path) -> None:
    root.mkdir()
    make_articles(root, seed=11, count=ARTICLES, paragraphs=PARAGRAPHS)
    transflow(root, "sync")
    edit_articles(root, seed=12)


@pytest.mark.parametrize("command", ["sync", "build"])
def test_kill_9_then_any_command_leaves_no_temp_files_and_no_mix(tmp_path: Path,
                                                                   command: str) -> None:
    args = ("sync",) if command == "sync" else ("build", "--allow-incomplete")
    folder = "locales" if command == "sync" else "dist"
    base = tmp_path / "base"
    _prepare(base)
    if command == "build":
        transflow(base, "sync")
    before = tree(base, folder)
    clean = tmp_path / "clean"
    shutil.copytree(base, clean)
    started = time.monotonic()
    transflow(clean, *args)
    span = time.monotonic() - started  # only to spread the kill moments over a run
    after = tree(clean, folder)
    assert after != before
    rng = random.Random(13)
    outcomes = {"before": 0, "after": 0}
    kills: dict[str, int] = {}
    for n in range(KILLS):
        work = tmp_path / f"kill{n}"
        shutil.copytree(base, work)
        how = _kill(work, args, rng, on_commit=n % 2 == 0, span=span)
        kills[how] = kills.get(how, 0) + 1
        transflow(work, "status", check=False)  # any command
        assert temp_files(work) == [], f"kill {n}"
        state = tree(work, folder)
        for slug, files in _by_article(state).items():
            old, new = _by_article(before).get(slug), _by_article(after).get(slug)
            assert files in (old, new), f"kill {n}: {slug} is a mix of old and new files"
            outcomes["before" if files == old else "after"] += 1
        transflow(work, *args)
        assert tree(work, folder) == after, f"kill {n}: a rerun differs from a clean run"
        assert temp_files(work) == []
    print(f"{command}: {kills}; articles after the next command: {outcomes}")
    assert kills.get("killed in the commit", 0) + kills.get("killed", 0) > 0
