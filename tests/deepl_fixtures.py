"""pytest plugin: the ``deepl_server`` fixture (a running ``FakeDeepL``) and an engine factory.

Test modules opt in with ``pytest_plugins = ["deepl_fixtures"]``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from deepl_server import FakeDeepL
from transflow.mt.deepl_engine import DeepLEngine


@pytest.fixture
def deepl_server() -> Iterator[FakeDeepL]:
    server = FakeDeepL().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def make_engine(deepl_server: FakeDeepL) -> Callable[..., DeepLEngine]:
    """``make_engine(**options)``: a DeepLEngine aimed at the fake server, never sleeping."""
    sleeps: list[float] = []

    def make(**options: Any) -> DeepLEngine:
        options.setdefault("sleep", sleeps.append)
        options.setdefault("timeout", 1.0)
        key = options.pop("auth_key", "test-key")
        engine = DeepLEngine(key, server_url=deepl_server.url, **options)
        engine.sleeps = sleeps  # type: ignore[attr-defined]
        return engine

    return make
