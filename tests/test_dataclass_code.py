"""The methods ``@dataclass`` writes, kept compiled between runs (``transflow.dataclass_code``).

Each case runs in a fresh interpreter: the table is installed once per process, into the
``dataclasses`` module, as the ``transflow`` program does.
"""

from __future__ import annotations

import json
import marshal
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from transflow import dataclass_code

#: Classes of every shape ``@dataclass`` writes differently: frozen (``__setattr__``,
#: ``__hash__``), slots (a new class), ordering, keyword-only fields, defaults and factories,
#: ``__post_init__`` with an ``InitVar``, a ``ClassVar``, and no ``__eq__``.
CLASSES = '''
import dataclasses
from dataclasses import InitVar, dataclass, field
from typing import ClassVar

@dataclass(frozen=True, slots=True)
class Point:
    x: int
    y: int = 0

@dataclass(order=True)
class Ranked:
    rank: int
    names: list[str] = field(default_factory=list)
    kind: ClassVar[str] = "ranked"

@dataclass(kw_only=True)
class Options:
    width: int = 79
    wrap: bool = True

@dataclass(eq=False)
class Seeded:
    seed: InitVar[int]
    value: int = 0

    def __post_init__(self, seed: int) -> None:
        self.value = seed * 2

CLASSES = [Point, Ranked, Options, Seeded]
'''

#: Prints what the classes' methods are (their code objects' parts) and do, and how many texts
#: were compiled; argv: the table's file ("" for dataclasses as they are), then "force" to
#: write it even where Python writes no bytecode.
PROBE = '''
import builtins, dataclasses, hashlib, json, marshal, sys
from transflow import dataclass_code

def shape(code):
    """Everything a code object is made of (its marshal bytes vary with reference counts)."""
    return repr([
        code.co_code, code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars,
        code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount, code.co_flags,
        code.co_name, code.co_qualname, code.co_filename, code.co_firstlineno,
        code.co_linetable, code.co_exceptiontable, code.co_stacksize,
        [shape(c) if hasattr(c, "co_code") else repr(c) for c in code.co_consts],
    ])

compiled = []
real_compile = builtins.compile
def counting(*args, **kwargs):
    compiled.append(1)
    return real_compile(*args, **kwargs)
dataclass_code.compile = counting
if sys.argv[1]:
    dataclass_code.install(sys.argv[1])
namespace = {}
exec(compile(CLASSES_SOURCE, "classes", "exec"), namespace)
methods = {}
for cls in namespace["CLASSES"]:
    for name in ("__init__", "__repr__", "__eq__", "__hash__", "__setattr__", "__delattr__",
                 "__lt__", "__le__", "__gt__", "__ge__"):
        function = cls.__dict__.get(name)
        code = getattr(function, "__code__", None)
        if code is not None:
            methods[f"{cls.__name__}.{name}"] = hashlib.sha256(shape(code).encode()).hexdigest()
Point, Ranked, Options, Seeded = namespace["CLASSES"]
p = Point(1, 2)
try:
    p.x = 3
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
behaviour = [repr(p), p == Point(1, 2), hash(p) == hash((1, 2)), frozen,
             Ranked(1) < Ranked(2), repr(Options(width=10)), Seeded(4).value,
             Seeded(1) == Seeded(1)]
if len(sys.argv) > 2:
    dataclass_code.save(force=True)
print(json.dumps({"methods": methods, "behaviour": behaviour, "compiled": len(compiled)}))
'''


def probe(table: Path | None, *, force: bool = False, dont_write: bool = False) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    if dont_write:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    script = f"CLASSES_SOURCE = {CLASSES!r}\n{textwrap.dedent(PROBE)}"
    argv = [sys.executable, "-c", script, str(table) if table else ""]
    if force:
        argv.append("force")
    done = subprocess.run(argv, capture_output=True, text=True, env=env, check=True)
    return json.loads(done.stdout)


def test_a_second_process_compiles_nothing_and_makes_the_same_methods(tmp_path: Path) -> None:
    table = tmp_path / "pycache" / "methods"
    plain = probe(None)
    first = probe(table)
    assert first["compiled"] > 10 and table.exists()  # written at exit
    second = probe(table)
    assert second["compiled"] == 0  # every text found
    assert plain["methods"] == first["methods"] == second["methods"]
    assert plain["behaviour"] == first["behaviour"] == second["behaviour"]
    assert plain["behaviour"] == ["Point(x=1, y=2)", True, True, True, True,
                                  "Options(width=10, wrap=True)", 8, False]


@pytest.mark.parametrize("content", [
    b"",
    b"not marshal",
    marshal.dumps((b"\x00\x00\r\n", {})),  # another interpreter's magic number
    marshal.dumps([1, 2]),
    lambda: marshal.dumps((dataclass_code.importlib.util.MAGIC_NUMBER, {"x": "not bytes"})),
    lambda: marshal.dumps((dataclass_code.importlib.util.MAGIC_NUMBER, {1: b""})),
])
def test_a_bad_table_is_an_empty_one_and_is_written_again(tmp_path: Path, content) -> None:
    table = tmp_path / "methods"
    table.write_bytes(content() if callable(content) else content)
    found = probe(table)
    assert found["compiled"] > 10 and found["behaviour"] == probe(None)["behaviour"]
    assert probe(table)["compiled"] == 0  # rewritten, whole, at the first run's exit


def test_a_text_whose_code_is_not_code_is_compiled(tmp_path: Path) -> None:
    table = tmp_path / "methods"
    probe(table)
    magic, kept = marshal.loads(table.read_bytes())
    table.write_bytes(marshal.dumps((magic, {text: marshal.dumps(1) for text in kept})))
    found = probe(table)
    assert found["compiled"] == len(kept)
    assert found["methods"] == probe(None)["methods"]
    assert probe(table)["compiled"] == 0  # written again with the code compiled


def test_no_table_is_written_where_python_writes_no_bytecode(tmp_path: Path) -> None:
    table = tmp_path / "methods"
    probe(table, dont_write=True)
    assert not table.exists()
    probe(table, dont_write=True, force=True)  # as make does (populate)
    assert probe(table, dont_write=True)["compiled"] == 0


def test_a_folder_that_cannot_be_written_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be", encoding="utf-8")
    found = probe(blocker / "pycache" / "methods", force=True)
    assert found["behaviour"] == probe(None)["behaviour"]
    assert not list(tmp_path.glob("**/*.tmp"))


def test_the_table_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In this process: at most MAX_TEXTS texts, this run's first."""
    monkeypatch.setattr(dataclass_code, "MAX_TEXTS", 3)
    monkeypatch.setattr(dataclass_code, "_path", str(tmp_path / "methods"))
    monkeypatch.setattr(dataclass_code, "_new", True)
    used = {f"def f{i}(): return {i}": compile(f"def f{i}(): return {i}", "<string>", "exec")
            for i in range(2)}
    monkeypatch.setattr(dataclass_code, "_codes", used)
    monkeypatch.setattr(dataclass_code, "_kept", {f"old {i}": b"" for i in range(5)})
    assert dataclass_code.save(force=True)
    _, kept = marshal.loads((tmp_path / "methods").read_bytes())
    assert list(kept) == [*used, "old 0"]


def test_the_program_installs_it() -> None:
    """``transflow`` runs its commands with the table installed (after an unchanged
    command's kept answer was not found), and leaves the builtin ``exec`` alone."""
    script = textwrap.dedent("""
        import atexit, builtins, dataclasses, sys
        from transflow import dataclass_code
        def report():
            print(dataclasses.__dict__.get("exec") is dataclass_code._exec,
                  builtins.exec is not dataclass_code._exec, file=sys.stderr)
        atexit.register(report)
        sys.argv = ["transflow", "--version"]
        from transflow.cli import run
        run()
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().endswith("True True")


def test_the_path_is_beside_the_bytecode() -> None:
    path = Path(dataclass_code.cache_path())
    assert path.parent.name == "__pycache__" or sys.pycache_prefix
    assert path.name == f"dataclass_code.{sys.implementation.cache_tag}.methods"
