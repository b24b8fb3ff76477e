"""Shared fixtures: the conformance corpus (read in place, never copied) and tool probes."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def corpus_path() -> Path | None:
    """``$TRANSFLOW_CORPUS``, else ``../shared/corpus`` beside the checkout; None if absent."""
    env = os.environ.get("TRANSFLOW_CORPUS")
    candidates = [Path(env)] if env else []
    candidates += [REPO.parent / "shared" / "corpus", REPO / ".." / ".." / "shared" / "corpus"]
    for candidate in candidates:
        if (candidate / "README.md").is_file():
            return candidate.resolve()
    return None


def pytest_sessionstart(session: pytest.Session) -> None:
    """Stop at once when a compiled module (see ``setup.py``) is older than its source: Python
    would import the extension, so the tests would run code that is not the source's."""
    from importlib.machinery import EXTENSION_SUFFIXES

    stale = []
    for source in sorted((REPO / "src" / "transflow").rglob("*.py")):
        for suffix in EXTENSION_SUFFIXES:
            built = source.with_name(source.stem + suffix)
            if built.exists() and built.stat().st_mtime < source.stat().st_mtime:
                stale.append(source.relative_to(REPO).as_posix())
    if stale:
        pytest.exit(f"compiled before their last edit: {', '.join(stale)}; run 'make test' "
                    "(it compiles them again) or 'make clean'", returncode=2)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test that asks for the corpus or the gettext tools carries that marker by itself,
    so ``make test-fast`` (``-m "not corpus and not gettext"``) leaves every such test out."""
    for item in items:
        names = getattr(item, "fixturenames", ())
        if "corpus" in names:
            item.add_marker(pytest.mark.corpus)
        if "gettext_tools" in names:
            item.add_marker(pytest.mark.gettext)


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The shared corpus folder; tests that need it are skipped cleanly when it is absent."""
    found = corpus_path()
    if found is None:
        pytest.skip("conformance corpus not found (set TRANSFLOW_CORPUS)")
    return found


@pytest.fixture(scope="session")
def gettext_tools() -> None:
    """Skip when GNU gettext is missing (.ci/run installs it)."""
    for tool in ("msgcat", "msgmerge", "msgfmt"):
        if shutil.which(tool) is None:
            pytest.skip(f"GNU gettext tool {tool!r} not installed")
