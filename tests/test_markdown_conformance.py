"""The Markdown format measured against the shared corpus (see ``scripts/conformance.py``).

Gates: identity round trip byte-exact for every input (also through the forced replace path
for every single-line segment), pseudo-translation keeps the token structure for ≥ 99% of the
inputs, ≥ 99% of msgids are one inline run. The po4a peer comparison is a report: only that
it runs is asserted.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

pytestmark = pytest.mark.corpus

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "conformance.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("transflow_conformance", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses need the module registered
    spec.loader.exec_module(module)
    return module


conformance = _load()


@pytest.fixture(scope="module")
def tallies(corpus: Path) -> dict[str, Any]:
    return {name: conformance.measure(items) for name, items in conformance.inputs(corpus).items()}


def test_every_input_set_is_present(tallies: dict[str, Any]) -> None:
    docs = {name: t.docs for name, t in tallies.items()}
    assert docs["commonmark-spec"] == 655
    assert docs["gfm-spec"] == 671
    assert docs["gfm-extensions"] == 28
    assert docs["po4a"] >= 20 and docs["articles"] >= 19 and docs["pairs"] >= 24


def test_identity_round_trip_is_byte_exact(tallies: dict[str, Any]) -> None:
    for name, t in tallies.items():
        assert t.refused == 0, (name, t.failures)
        assert t.identity == t.docs, (name, t.failures)
        assert t.forced_ok == t.forced_segments, (name, t.failures)


def test_pseudo_translation_keeps_structure(tallies: dict[str, Any]) -> None:
    docs = sum(t.docs for t in tallies.values())
    kept = sum(t.pseudo for t in tallies.values())
    exceptions = [f for t in tallies.values() for f in t.failures if "pseudo" in f]
    assert kept / docs >= 0.99, exceptions


def test_msgids_are_single_inline_runs(tallies: dict[str, Any]) -> None:
    msgids = sum(t.msgids for t in tallies.values())
    inline = sum(t.inline for t in tallies.values())
    assert msgids > 3000
    assert inline / msgids >= 0.99


def test_po4a_peer_report_runs(corpus: Path, capsys: pytest.CaptureFixture[str]) -> None:
    results = conformance.po4a_peer(corpus)
    assert len(results) >= 20
    assert all(r.outcome in ("exact", "wrapping", "same-html", "differs") for r in results)
    assert conformance.main(["--corpus", str(corpus)]) == 0
    out = capsys.readouterr().out
    assert "po4a peer suite:" in out and "TOTAL" in out


def test_perf_line_measures_the_seed_article(corpus: Path) -> None:
    """The timing itself is a benchmark (``benchmarks/bench_formats.py``), never asserted."""
    seed = corpus.parent / "seed" / "magnesium-l-threonate.txt"
    if not seed.is_file():
        pytest.skip("seed article not found")
    line = conformance.perf_line(corpus, rounds=2)
    assert line.startswith(f"perf: parse+render of {seed.name}") and "x2:" in line
