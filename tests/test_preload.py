"""A parallel command loads what its workers need before they fork.

Forked workers share the parent's imported modules; a module first imported in a worker is
imported once per worker (on a busy machine, four workers: four times the CPU). Each command
is run in a fresh interpreter with the pool replaced by a call in the same process, which
notes the modules the workers' function imports that the parent had not.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

from tests.helpers import REPO_ROOT, make_workspace

#: Runs one command's library function with the pool replaced, and prints (as JSON) the
#: modules its chunks imported that were not loaded when the workers would have forked.
_PROBE = """
import json, sys
from pathlib import Path
from transflow.config import load_config
from transflow.workflow import parallel

late = set()
taken = []

def each_chunk(func, items, *, workers, args=(), on_result):
    before = set(sys.modules)
    chunk = list(items)
    taken.extend(chunk)
    result = func(chunk, *args)
    late.update(set(sys.modules) - before)
    on_result(result)

parallel.each_chunk = each_chunk
parallel.PARALLEL_MIN = 2
config = load_config(Path(sys.argv[2]))
command = sys.argv[1]
if command == "sync":
    from transflow.workflow.sync import sync
    report = sync(config, workers=2)
elif command == "build":
    from transflow.workflow.build import build
    from transflow.workflow.gates import default_gates
    report = build(config, gates=default_gates(config), workers=2)
    assert report.articles and all(a.built for a in report.articles)  # each was rendered
elif command == "check":
    from transflow.workflow.check_run import check
    report = check(config, workers=2)
else:
    from transflow.workflow.status import status
    report = status(config, workers=2)
assert not report.problems, report.problems
print(json.dumps([len(taken), sorted(late)]))
"""


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample articles (Markdown with YAML front matter and HTML blocks, an HTML page),
    synced, then every entry translated (as its source text: the checks pass)."""
    articles = {p.name: p.read_text(encoding="utf-8")
                for p in (REPO_ROOT / "sample_articles").iterdir()}
    root = make_workspace(tmp_path_factory.mktemp("preload"), articles)
    late_imports(root, "sync")
    for path in (root / "locales").rglob("*.po"):
        po = polib.pofile(str(path))
        for entry in po:
            entry.msgstr = entry.msgid
        po.save()
    return root


def late_imports(root: Path, command: str, probe: str = _PROBE) -> list[str]:
    """The modules ``command``'s workers would import themselves (the articles all went
    to the workers: none was answered from the cache)."""
    done = subprocess.run([sys.executable, "-c", probe, command, str(root)],
                          capture_output=True, text=True, check=True)
    count, late = json.loads(done.stdout.strip().splitlines()[-1])
    assert count == len(list((root / "articles").iterdir()))
    return list(late)


@pytest.mark.parametrize("command", ["build", "check", "status"])
def test_workers_import_nothing_their_parent_had_not(workspace: Path, command: str) -> None:
    assert late_imports(workspace, command) == []


@pytest.mark.parametrize("gone", ["locales/templates", "locales"])
def test_a_cold_sync_workers_import_nothing_either(
    workspace: Path, tmp_path: Path, gone: str
) -> None:
    """No cache and no templates: every article is parsed and its template written; with no
    catalogs either, each new catalog's header asks Babel for its Plural-Forms."""
    root = tmp_path / "cold"
    shutil.copytree(workspace, root, ignore=shutil.ignore_patterns(".transflow-cache"))
    shutil.rmtree(root / gone)
    assert late_imports(root, "sync") == []


def test_the_probe_sees_a_module_first_imported_in_a_worker(
    workspace: Path, tmp_path: Path
) -> None:
    """Without the status preload, its workers import the catalog reader: the probe says so."""
    root = tmp_path / "uncounted"  # (no cached counts: the workers run)
    shutil.copytree(workspace, root, ignore=shutil.ignore_patterns(".transflow-cache"))
    probe = _PROBE.replace("import json, sys", "import json, sys, importlib\n"
                           "importlib.import_module = lambda name: None", 1)
    assert "transflow.po.reader" in late_imports(root, "status", probe)
