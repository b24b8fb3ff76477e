"""Build transflow, compiling its hottest modules with mypyc where this machine can.

The project's metadata is in ``pyproject.toml``; this file only adds the compiled modules.
``COMPILED`` are plain, typed Python modules (the ``.po`` line breaking and layout, the
language check, the Markdown segmenter and renderer, the catalog writer, the checks) that
every cold ``sync``, ``build`` and ``check`` runs for every entry. mypyc turns each into a C
extension next to its source: the same code, run without the interpreter loop (a cold
``sync`` takes about 10% fewer instructions per article: ``README.md``, "Compiled modules").

The pure-Python modules stay the reference and the fallback:

* ``TRANSFLOW_PURE_PYTHON=1`` at install time builds nothing; at run time it makes transflow
  import the ``.py`` modules even where compiled ones are installed (see
  ``transflow._modules``);
* without a C compiler, Python's headers or mypyc, or when mypy finds a type error, the build
  says why in one warning (in pip's log: ``pip install -v``) and installs the pure-Python
  package: never a failed install.
"""

from __future__ import annotations

import contextlib
import os
import runpy
import sys
from typing import Any

from setuptools import setup
from setuptools.command.build_ext import build_ext

#: The modules compiled, as source paths: ``transflow._modules.COMPILED``, the one list (the
#: package reads it at run time to tell which modules are compiled; the Makefile to know
#: which edits call for a new compile). Read from its file: the package is not installed yet.
COMPILED = [f"src/{name.replace('.', '/')}.py"
            for name in runpy.run_path("src/transflow/_modules.py")["COMPILED"]]

#: mypy's settings for the compile: the project's own strict ones are for development (and
#: need every dependency's types installed); the build only needs the types to compile, with
#: the libraries it cannot see taken as ``Any`` (mypyc then checks their values at run time).
MYPY_FLAGS = ["--ignore-missing-imports", "--config-file", os.devnull]


def _warn(why: str) -> None:
    print(f"warning: transflow is installed as pure Python (not compiled): {why}",
          file=sys.stderr)


class OptionalBuildExt(build_ext):
    """``build_ext`` that installs the pure-Python modules when any compile fails.

    All or nothing: each module's extension needs the shared one (``transflow__mypyc``), so
    after a failure nothing more is compiled, and what was already built is removed.
    """

    failure: str | None = None

    def run(self) -> None:
        try:
            super().run()
        except Exception as exc:  # e.g. no compiler at all
            self.failure = self.failure or f"{type(exc).__name__}: {exc}"
        if self.failure is not None:
            for ext in self.extensions:
                with contextlib.suppress(OSError):
                    os.unlink(self.get_ext_fullpath(ext.name))
            _warn(self.failure)

    def build_extension(self, ext: Any) -> None:
        if self.failure is not None:
            return
        try:
            super().build_extension(ext)
        except Exception as exc:
            self.failure = f"{ext.name}: {type(exc).__name__}: {str(exc)[:300]}"


def _built_before() -> list[str]:
    """Extensions an earlier compiled build left beside the sources (an editable install
    builds them there): a pure-Python build removes them, or Python would import them."""
    from importlib.machinery import EXTENSION_SUFFIXES

    stems = [path[: -len(".py")] for path in COMPILED] + ["src/transflow__mypyc"]
    return [stem + suffix for stem in stems for suffix in EXTENSION_SUFFIXES
            if os.path.exists(stem + suffix)]


def ext_modules() -> list[Any]:
    """mypyc's extensions for ``COMPILED``, or none (pure Python) when they cannot be made."""
    extensions: list[Any] = []
    if not os.environ.get("TRANSFLOW_PURE_PYTHON"):
        try:
            from mypyc.build import mypycify
        except ImportError:
            _warn("mypyc is not installed")
        else:
            try:
                extensions = list(mypycify([*MYPY_FLAGS, *COMPILED], opt_level="3",
                                           debug_level="0", group_name="transflow"))
            except (Exception, SystemExit) as exc:  # mypy found an error: it exits
                _warn(f"mypyc could not compile: {exc}")
    if not extensions:
        for path in _built_before():
            os.unlink(path)
    return extensions


setup(ext_modules=ext_modules(), cmdclass={"build_ext": OptionalBuildExt})
