"""Which of transflow's modules run compiled, and the switch that runs them all as Python.

``setup.py`` compiles :data:`COMPILED` with mypyc where the machine can (a C extension beside
each ``.py``; Python imports the extension first). The ``.py`` modules are the reference: the
tests run against both (``tests/test_compiled.py``), and ``TRANSFLOW_PURE_PYTHON=1`` makes a
process import the sources even where extensions are installed (:func:`prefer_sources`, set
up by ``transflow/__init__.py``), to compare the two or to debug.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
from collections.abc import Sequence
from types import ModuleType

#: The modules ``setup.py`` compiles, in the order mypyc is given them (the Makefile reads
#: this list too: keep one name per line).
COMPILED = (
    "transflow.po.linebreak",
    "transflow.po.layout",
    "transflow.po.model",
    "transflow.po.catalog",
    "transflow.language_guess",
    "transflow.formats.markdown",
    "transflow.formats.markdown_inner",
    "transflow.formats.frontmatter",
    "transflow.formats.frontmatter_yaml",
    "transflow.checks.numbers",
    "transflow.checks.text",
    "transflow.formats.markdown_render",
    "transflow.formats.markdown_escape",
    "transflow.formats.stored",
    "transflow.formats.shortcodes",
    "transflow.formats.directives",
    "transflow.checks.links",
    "transflow.checks.tags",
    "transflow.checks.suite",
)


class _SourceFinder(importlib.abc.MetaPathFinder):
    """Finds a compiled module's ``.py`` before the path finder finds its extension."""

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        if fullname not in COMPILED or not path:
            return None
        name = fullname.rpartition(".")[2]
        for folder in path:
            source = os.path.join(folder, f"{name}.py")
            if os.path.isfile(source):
                return importlib.util.spec_from_file_location(fullname, source)
        return None


def prefer_sources() -> None:
    """Import :data:`COMPILED` from their ``.py`` files from now on (modules this process
    imported already stay as they are)."""
    if not any(isinstance(finder, _SourceFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _SourceFinder())


def compiled() -> list[str]:
    """The modules of :data:`COMPILED` this process runs compiled (imports them)."""
    suffixes = tuple(importlib.machinery.EXTENSION_SUFFIXES)
    return [name for name in COMPILED
            if (getattr(importlib.import_module(name), "__file__", None) or "").endswith(suffixes)]


def describe() -> str:
    """How this process runs transflow, for ``transflow --version``."""
    done = compiled()
    if not done:
        asked = os.environ.get("TRANSFLOW_PURE_PYTHON")
        return "pure Python, as TRANSFLOW_PURE_PYTHON asks" if asked else "pure Python"
    return f"{len(done)} of {len(COMPILED)} hot modules compiled with mypyc"
