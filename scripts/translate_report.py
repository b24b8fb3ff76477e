"""Draft the sample workspace (and the corpus articles) from empty catalogs through the real
``deepl`` client and the test suite's fake DeepL server; print what was billed and sent.

    python scripts/translate_report.py [--corpus PATH]

Figures: unique texts and their billable characters (computed from the catalogs alone),
characters billed by the server, requests, segments whose draft keeps the source's markup,
and what a rerun sends (it must be nothing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from deepl_server import FakeDeepL  # noqa: E402
from transflow import mt  # noqa: E402
from transflow.config import load_config  # noqa: E402
from transflow.mt.deepl_engine import DeepLEngine  # noqa: E402
from transflow.mt.placeholders import structure  # noqa: E402
from transflow.po import catalog  # noqa: E402
from transflow.states import State, entry_state, transflow_lines  # noqa: E402
from transflow.workflow.sync import sync  # noqa: E402
from transflow.workflow.translate import translate  # noqa: E402


def report(name: str, articles: Path) -> None:
    root = Path(tempfile.mkdtemp(prefix="transflow-translate-"))
    try:
        # Always a copy: configured paths must stay inside the workspace.
        shutil.copytree(articles, root / "articles")
        articles = Path("articles")
        (root / "transflow.toml").write_text(
            f'articles = "{articles}"\nsource_language = "en"\nlanguages = ["nl", "en"]\n',
            encoding="utf-8")
        config = load_config(root)
        sync(config)
        seen: set[tuple[str, str]] = set()
        unique_chars = targets = 0
        for lang in config.languages:
            for path in sorted((config.locales / lang).rglob("*.po")):
                for entry in catalog.active_entries(catalog.load(path)):
                    if entry_state(entry) != State.UNTRANSLATED:
                        continue
                    targets += 1
                    fmt = "html" if entry.occurrences[0][0].endswith(".html") else "markdown"
                    protected = mt.protect(entry.msgid, fmt)
                    if (lang, entry.msgid) in seen or not protected.needs_translation:
                        continue
                    seen.add((lang, entry.msgid))
                    unique_chars += protected.billable_characters
        server = FakeDeepL().start()
        try:
            engine = DeepLEngine("report-key", server_url=server.url, timeout=5.0)
            result = translate(config, engine=engine)
            billed = server.used.get("report-key", 0)
            requests = len(server.translate_requests())
            intact = total = 0
            for lang in config.languages:
                for path in sorted((config.locales / lang).rglob("*.po")):
                    for entry in catalog.active_entries(catalog.load(path)):
                        fmt = "html" if entry.occurrences[0][0].endswith(".html") else "markdown"
                        total += 1
                        intact += (structure(entry.msgstr, fmt) == structure(entry.msgid, fmt)
                                   and not transflow_lines(entry.tcomment, "problem"))
            before = len(server.requests)
            translate(config, engine=DeepLEngine("report-key", server_url=server.url))
            rerun = len(server.requests) - before
        finally:
            server.stop()
        print(f"{name}: {targets} segments to draft, {len(seen)} unique texts with "
              f"{unique_chars} billable characters; billed {billed} in {requests} request(s) "
              f"({result.total('memory_exact')} memory hits); markup intact {intact}/{total} "
              f"({100 * intact / max(total, 1):.1f}%); rerun sent {rerun} request(s)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path,
                        default=Path(os.environ.get("TRANSFLOW_CORPUS", REPO.parent / "shared"
                                                    / "corpus")))
    args = parser.parse_args()
    report("sample workspace", REPO / "sample_articles")
    if (args.corpus / "articles").is_dir():
        report("corpus articles", args.corpus / "articles")


if __name__ == "__main__":
    main()
