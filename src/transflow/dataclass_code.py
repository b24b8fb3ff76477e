"""The methods ``@dataclass`` writes, compiled once and kept, as Python keeps compiled modules.

Why: ``@dataclass`` writes each class's ``__init__``, ``__repr__`` and ``__eq__`` (and, for a
frozen class, ``__hash__``, ``__setattr__`` and ``__delattr__``) as source text and compiles
each text with ``exec`` when the class is made. A command imports some forty dataclasses
(its own, markdown-it's, …): compiling their ~180 methods was 98 M of the 631 M
instructions of a one-article ``build`` (callgrind, Python 3.11), a sixth of what every
command costs before it reads an article. The code compiled from a text is always the same,
so it is kept in a file beside the package's bytecode and a later process runs it instead of
compiling the text again.

How: :func:`install` gives the ``dataclasses`` module an ``exec`` of its own (a module
global, found before the builtin) that looks the text up first. Nothing else changes: the
same text, compiled as ``exec`` compiles it, run with the same namespaces. Only the
``transflow`` program installs it (``cli.run``), never an import of the library; ``make``
fills the file for every module (``python -m transflow.dataclass_code``, as ``compileall``
does for the modules), and a run that compiled something new adds it at exit.

Invariants:

* **the same methods**: a text only ever runs as the code compiled from exactly that text,
  under a file for this interpreter (its cache tag in the name, its magic number inside);
* **never an error**: a missing, unreadable, corrupt or foreign file is an empty table; a
  folder that cannot be written to (an installed package) is not written to, and neither
  is one when Python writes no bytecode (``PYTHONDONTWRITEBYTECODE``), but by ``make``;
* **bounded**: at most :data:`MAX_TEXTS` texts are kept, those the writing run used first
  (so the texts of classes since changed are the ones dropped);
* **trusted as ``__pycache__`` is**: whoever can write the file can write the ``.pyc`` files
  beside it.
"""

from __future__ import annotations

import builtins
import contextlib
import importlib.util
import marshal
import os
import sys
from types import CodeType
from typing import Any

#: The most texts the file keeps (a command uses ~200; every module together ~400).
MAX_TEXTS = 2048

#: What dataclasses' ``exec`` would compile under ("<string>": its methods' file name).
_FILENAME = "<string>"

#: The texts read from the file, each with its code as ``marshal`` bytes (unmarshalled only
#: when its class is made: a command makes fewer than half of them), and those compiled or
#: unmarshalled by this process.
_kept: dict[str, bytes] = {}
_codes: dict[str, CodeType] = {}
#: The file (set by :func:`install`), and whether a text was compiled that it lacks.
_path = ""
_new = False


def cache_path() -> str:
    """The file: ``__pycache__/dataclass_code.<cache tag>.methods`` beside this module's
    bytecode (under ``sys.pycache_prefix`` when one is set, as the bytecode is)."""
    return importlib.util.cache_from_source(__file__).removesuffix(".pyc") + ".methods"


def _load(path: str) -> dict[str, bytes]:
    """The table kept in ``path``; empty when there is none or it is not one of ours."""
    try:
        with open(path, "rb") as handle:
            magic, table = marshal.loads(handle.read())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if magic != importlib.util.MAGIC_NUMBER or not isinstance(table, dict):
        return {}
    if not all(type(k) is str and type(v) is bytes for k, v in table.items()):
        return {}
    return table


def _code(text: str) -> CodeType:
    """The code of ``text``: kept, or compiled as ``exec`` compiles a text (the calling
    module, dataclasses, has no ``__future__`` flags to pass on: none are inherited)."""
    global _new
    blob = _kept.get(text)
    if blob is not None:
        with contextlib.suppress(ValueError, EOFError, TypeError):
            code = marshal.loads(blob)
            if type(code) is CodeType:
                _codes[text] = code
                return code
    _kept.pop(text, None)  # (not code: written again from what is compiled now)
    code = _codes[text] = compile(text, _FILENAME, "exec", dont_inherit=True)
    _new = True
    return code


def _exec(source: Any, globals: Any = None, locals: Any = None, /, **kwargs: Any) -> None:
    """``exec``, with a text compiled before taken from the table (see the module doc)."""
    if type(source) is str:
        source = _codes.get(source) or _code(source)
    builtins.exec(source, globals, locals, **kwargs)


def install(path: str | None = None) -> None:
    """Make ``dataclasses`` take its methods' code from the file at ``path`` (default:
    :func:`cache_path`) and compile only texts it has not seen; what it compiled is added to
    the file when the process exits. Calling it again does nothing."""
    global _path
    if _path:
        return
    import atexit
    import dataclasses

    _path = path or cache_path()
    _kept.update(_load(_path))
    dataclasses.exec = _exec  # type: ignore[attr-defined]
    atexit.register(save)


def save(*, force: bool = False) -> bool:
    """Write the table when this process compiled a text it did not have (``force``: even
    where Python writes no bytecode); True when written. Never raises."""
    global _new
    path = _path
    if not (path and _new) or (sys.dont_write_bytecode and not force):
        return False
    # Those this process used first, then the others kept, up to the bound.
    table: dict[str, bytes] = {}
    for text, code in _codes.items():
        if len(table) >= MAX_TEXTS:
            break
        table[text] = _kept.get(text) or marshal.dumps(code)  # read from the file: as read
    for text, blob in _kept.items():
        if len(table) >= MAX_TEXTS:
            break
        table.setdefault(text, blob)
    temp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(temp, "wb") as handle:
            handle.write(marshal.dumps((importlib.util.MAGIC_NUMBER, table)))
        os.replace(temp, path)  # whole or not at all: a reader never sees half a table
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        return False
    _new = False
    return True


def populate() -> int:
    """Import every module of transflow with the table installed and write it (``make``
    runs this after compiling the modules); the number of texts kept."""
    global _new
    import pkgutil

    import transflow

    install()
    for module in pkgutil.walk_packages(transflow.__path__, "transflow."):
        if module.name.endswith("__main__"):
            continue  # (runs the program)
        with contextlib.suppress(Exception):  # an optional dependency missing: skipped
            importlib.import_module(module.name)
    _new = True
    save(force=True)
    return len(_codes)


if __name__ == "__main__":  # ``python -m transflow.dataclass_code``: this module's own copy
    from transflow import dataclass_code

    print(f"{dataclass_code.populate()} dataclass method text(s) kept in "
          f"{dataclass_code.cache_path()}")
