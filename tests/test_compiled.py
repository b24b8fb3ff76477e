"""The modules ``setup.py`` compiles with mypyc give what their Python sources give.

The ``.py`` modules are the reference. Where this checkout's modules are compiled, the same
questions are asked of each compiled function and of its source (loaded under another name),
and the pipeline (``sync``, ``status``, ``check``, ``build``) runs both ways, as separate
processes (``TRANSFLOW_PURE_PYTHON=1`` for the sources), on the sample workspace and the
corpus articles: every file and report is byte for byte the same. Where nothing is compiled
(no C compiler), those tests skip; the switch itself is tested either way.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import polib
import pytest

from tests.conftest import corpus_path
from tests.helpers import REPO_ROOT
from transflow import _modules

needs_compiled = pytest.mark.skipif(
    not _modules.compiled(),
    reason="transflow is not compiled here (no C compiler, or pure Python)")


def _source_copy(name: str) -> ModuleType:
    """Module ``name`` loaded from its ``.py`` under another name (whatever it imports is
    the installed module, compiled or not)."""
    path = REPO_ROOT / "src" / (name.replace(".", "/") + ".py")
    spec = importlib.util.spec_from_file_location(f"_source_of_{name.replace('.', '_')}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # (dataclasses look their module up there)
    spec.loader.exec_module(module)
    return module


def test_the_list_of_compiled_modules_reads_as_the_makefile_reads_it() -> None:
    """``_modules.COMPILED`` is the one list (``setup.py`` runs the file); the Makefile takes
    it line by line (``sed``) to know which edits call for a new compile: one quoted name
    per line, each the name of a source file."""
    source = (REPO_ROOT / "src" / "transflow" / "_modules.py").read_text(encoding="utf-8")
    lines = re.findall(r'^    "(transflow\..*)",$', source, flags=re.MULTILINE)
    assert tuple(lines) == _modules.COMPILED
    for name in _modules.COMPILED:
        assert (REPO_ROOT / "src" / (name.replace(".", "/") + ".py")).is_file(), name


def _env(*, pure: bool) -> dict[str, str]:
    """This environment, for a process that runs the sources (``pure``) or as installed."""
    env = {k: v for k, v in os.environ.items() if k != "TRANSFLOW_PURE_PYTHON"}
    if pure:
        env["TRANSFLOW_PURE_PYTHON"] = "1"
    return env


def _transflow(root: Path, *args: str, pure: bool) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "transflow", *args], cwd=root, env=_env(pure=pure),
                          capture_output=True, text=True, check=False)


def test_the_switch_runs_every_module_from_its_source(tmp_path: Path) -> None:
    out = _transflow(tmp_path, "--version", pure=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout == "transflow, version 0.1.0 (pure Python, as TRANSFLOW_PURE_PYTHON asks)\n"
    code = "import transflow._modules as m; print(m.compiled())"
    found = subprocess.run([sys.executable, "-c", code], env=_env(pure=True), capture_output=True,
                           text=True, check=True)
    assert found.stdout == "[]\n"


def test_the_version_says_how_the_hot_modules_run(tmp_path: Path) -> None:
    out = _transflow(tmp_path, "--version", pure=False)
    # (What is installed, whichever way this process runs: ``make test`` runs it both ways.)
    done = sum(any((REPO_ROOT / "src" / (name.replace(".", "/") + suffix)).exists()
                   for suffix in importlib.machinery.EXTENSION_SUFFIXES)
               for name in _modules.COMPILED)
    expected = (f"{done} of {len(_modules.COMPILED)} hot modules compiled with mypyc" if done
                else "pure Python")
    assert out.stdout == f"transflow, version 0.1.0 ({expected})\n"


def _can_compile() -> bool:
    """Whether this machine has what ``setup.py``'s compile needs besides mypy (a pinned build
    requirement): a C compiler and Python's headers."""
    import sysconfig

    compiler = (os.environ.get("CC", "").split() or ["cc"])[0]
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    return (shutil.which(compiler) is not None or shutil.which("gcc") is not None) and (
        headers.is_file())


@pytest.mark.skipif(bool(os.environ.get("TRANSFLOW_PURE_PYTHON")),
                    reason="pure Python asked for (TRANSFLOW_PURE_PYTHON)")
def test_a_machine_that_can_compile_runs_compiled() -> None:
    """The install falls back to pure Python, quietly, when the compile fails (a type error
    mypy finds only in the build's isolated environment, where the libraries are not
    installed, did so once): the tests all pass, and every command runs slower. Where a
    compiler and Python's headers are present, that fallback is a failure here."""
    if not _can_compile():
        pytest.skip("no C compiler or no Python headers: pure Python is expected")
    done = [name for name in _modules.COMPILED
            if any((REPO_ROOT / "src" / (name.replace(".", "/") + suffix)).exists()
                   for suffix in importlib.machinery.EXTENSION_SUFFIXES)]
    assert done == list(_modules.COMPILED), (
        "installed as pure Python though this machine can compile: "
        "'pip install -v -e .' shows setup.py's warning with the reason")


@needs_compiled
def test_line_breaks_are_the_sources_on_random_texts() -> None:
    from transflow.po import linebreak

    source = _source_copy("transflow.po.linebreak")
    rng = random.Random(21)
    pool = [*"abcXYZ0129 -/\\\"'()[]{}<>.,;:!?%$#@&*+=_|~^`", "«", "—", "’", "é", "ß",
            "\u00ad", "\u200b", "\u2028", "中", "文", "한", "🙂", "\u0301", "\u05d0", "\u0e01"]
    for _ in range(3000):
        text = "".join(rng.choice(pool) for _ in range(rng.randint(0, 120)))
        prohibited = {i for i in range(len(text)) if rng.random() < 0.05}
        width, start = rng.choice(((76, 7), (76, 0), (rng.randint(1, 40), rng.randint(0, 45))))
        args = (text, prohibited, width, start)
        assert linebreak.line_breaks(*args) == source.line_breaks(*args), args
        assert linebreak.breaks_at_all(*args) == source.breaks_at_all(*args), args


@needs_compiled
def test_function_words_are_the_sources_on_random_texts() -> None:
    from transflow import language_guess

    source = _source_copy("transflow.language_guess")
    rng = random.Random(22)
    words = ["the", "de", "and", "en", "het", "don't", "it’s", "Café", "naïve", "`code`",
             "<b>", "https://x.nl/a", "a@b.nl", "]( x )", "über", "ΚΑΙ", "中文", "\n", " ", ","]
    for _ in range(2000):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 60)))
        assert language_guess.count_function_words(text) == \
            source.count_function_words(text), text


def _po_files(corpus: Path | None) -> list[Path]:
    found = sorted((REPO_ROOT / "locales").rglob("*.po*"))
    if corpus is not None:
        found += sorted((corpus / "po").glob("*.po"))
    return found


@needs_compiled
def test_catalogs_are_laid_out_as_the_source_lays_them_out() -> None:
    from transflow.po import layout

    source = _source_copy("transflow.po.layout")
    for path in _po_files(corpus_path()):
        po = polib.pofile(str(path))
        for width in (79, 40):
            assert layout.render_po(po, page_width=width) == \
                source.render_po(po, page_width=width), path


def _workspace(root: Path, corpus: Path | None) -> Path:
    """The sample workspace, with the corpus articles (English) beside its own."""
    shutil.copytree(REPO_ROOT / "sample_articles", root / "sample_articles")
    shutil.copytree(REPO_ROOT / "locales", root / "locales")
    if corpus is not None:
        for path in sorted((corpus / "articles" / "en").glob("*.md")):
            shutil.copy(path, root / "sample_articles" / path.name)
    (root / "transflow.toml").write_text(
        'articles = "sample_articles"\nsource_language = "en"\nlanguages = ["nl", "en"]\n'
        'publish = "reviewed"\n', encoding="utf-8")
    return root


#: A catalog header's dates: the minute each run wrote it (the two runs may straddle one).
_STAMP = re.compile(rb'^"(POT-Creation-Date|PO-Revision-Date): [^"\n]*\\n"$', re.M)


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): _STAMP.sub(rb'"\1: (when)\\n"', p.read_bytes())
            for p in sorted(root.rglob("*"))
            if p.is_file() and ".transflow-cache" not in p.parts}


@needs_compiled
def test_the_pipeline_writes_the_same_files_compiled_and_pure(tmp_path: Path) -> None:
    corpus = corpus_path()
    runs: dict[bool, tuple[dict[str, bytes], list[Any]]] = {}
    for pure in (False, True):
        root = _workspace(tmp_path / ("pure" if pure else "compiled"), corpus)
        outputs = []
        for args in (("sync", "--json"), ("status", "--json"), ("check", "--json"),
                     ("build", "--allow-incomplete", "--json")):
            out = _transflow(root, *args, pure=pure)
            assert out.returncode in (0, 3), (args, out.stderr)
            outputs.append((args, out.returncode, json.loads(out.stdout), out.stderr))
        runs[pure] = (_files(root), outputs)
    compiled_files, compiled_outputs = runs[False]
    pure_files, pure_outputs = runs[True]
    assert compiled_outputs == pure_outputs
    assert compiled_files.keys() == pure_files.keys()
    for name, data in compiled_files.items():
        assert data == pure_files[name], name


#: Run in a process of its own (compiled, or pure with TRANSFLOW_PURE_PYTHON=1): for every
#: catalog and Markdown file of the corpus (sys.argv[1]), a digest of what the compiled
#: modules make of it (the catalog rendered; the segments, front matter, warnings and
#: function-word counts), or of the error they raise.
_DIGESTS = """
import hashlib, json, sys
from pathlib import Path
from transflow.po import catalog
from transflow.formats.markdown import parse
from transflow.language_guess import count_function_words
found = {}
for path in sorted(Path(sys.argv[1]).rglob("*")):
    if path.suffix in (".po", ".pot"):
        make = lambda: catalog.render(catalog.load(path))
    elif path.suffix in (".md", ".markdown", ".mdx"):
        def make():
            text = path.read_text(encoding="utf-8", errors="replace")
            doc = parse(text, mdx=path.suffix == ".mdx")
            return repr(([(s.text, s.kind, s.line, s.start, s.end) for s in doc.segments],
                         doc.metadata, doc.warnings, count_function_words(text)))
    else:
        continue
    try:
        made = make()
    except Exception as exc:
        made = f"{type(exc).__name__}: {exc}"
    found[str(path)] = hashlib.sha256(made.encode("utf-8", "surrogatepass")).hexdigest()
print(json.dumps(found))
"""


@needs_compiled
def test_every_corpus_catalog_and_article_reads_the_same_compiled_and_pure(
        corpus: Path) -> None:
    """The corpus's catalogs (many writers) and Markdown files (the peers' test suites, the
    CommonMark spec's): what the compiled modules make of each, errors included, is what
    their sources make of it."""
    answers = []
    for pure in (False, True):
        done = subprocess.run([sys.executable, "-c", _DIGESTS, str(corpus)], env=_env(pure=pure),
                              capture_output=True, text=True, check=True)
        answers.append(json.loads(done.stdout))
    compiled, source = answers
    assert len(compiled) > 100
    assert compiled == source
