"""The bad-input campaign: every case is answered with one ``Error:`` line, never a traceback.

Each row sets up a synced workspace, breaks one thing (a config key of the wrong type, a
file where a folder belongs, a name gettext cannot reference, a full disk), runs a command
and expects exit 1 (or 2 for usage), exactly the ``Error:`` lines listed, nothing else
written. Rows are plain data so new bad inputs are one line each.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.helpers import CONFIG, make_workspace, run, snapshot

Setup = Callable[[Path], object]


def config(extra: str, *, replace: str | None = None) -> Setup:
    """Append ``extra`` to transflow.toml (or replace it whole)."""

    def setup(root: Path) -> None:
        base = CONFIG.format(publish="translated") if replace is None else replace
        (root / "transflow.toml").write_text(base + extra, encoding="utf-8")

    return setup


def raw_config(data: bytes) -> Setup:
    def setup(root: Path) -> None:
        (root / "transflow.toml").write_bytes(data)

    return setup


def pyproject(text: str) -> Setup:
    def setup(root: Path) -> None:
        (root / "transflow.toml").unlink()
        (root / "pyproject.toml").write_text(text, encoding="utf-8")

    return setup


def file_at(rel: str) -> Setup:
    """Put a plain file where transflow needs a folder (removing the folder)."""

    def setup(root: Path) -> None:
        import shutil

        target = root / rel
        if target.is_dir():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("not a folder\n", encoding="utf-8")

    return setup


def symlink(rel: str, to: str) -> Setup:
    def setup(root: Path) -> None:
        outside = root.parent / "outside"
        outside.mkdir(exist_ok=True)
        (outside / "secret.md").write_text("# Secret\n\nDo not publish.\n", encoding="utf-8")
        target = (root / to) if not to.startswith("/") else Path(to)
        (root / rel).symlink_to(target if to != "OUTSIDE" else outside / "secret.md")

    return setup


def article(name: str, text: str = "# Title\n\nA paragraph.\n") -> Setup:
    def setup(root: Path) -> None:
        (root / "articles" / name).write_text(text, encoding="utf-8")

    return setup


def po(text: str) -> Setup:
    """Replace the Dutch catalog with ``text``."""

    def setup(root: Path) -> None:
        (root / "locales/nl/sleep.po").write_text(text, encoding="utf-8")

    return setup


def raw_po(data: bytes) -> Setup:
    def setup(root: Path) -> None:
        (root / "locales/nl/sleep.po").write_bytes(data)

    return setup


def no_space(root: Path) -> None:
    """Every temp-file write fails as on a full disk (patched in-process)."""


@dataclass(frozen=True)
class Case:
    id: str
    setup: Setup
    args: tuple[str, ...]
    errors: tuple[str, ...]
    exit_code: int = 1
    enospc: bool = False
    #: Files the command may still write: one bad article never blocks the others, so their
    #: outputs (and the manifest listing them) are written as usual.
    others: tuple[str, ...] = ()


DEEPL = "[deepl]\n"
IN_THE_WAY = ": a file is in the way where a folder is needed"
CASES = [
    # --- configuration: every key typed, one line each --------------------------------------
    Case("variants-string", config(DEEPL + 'variants = "EN-GB"\n'), ("status",),
         ("deepl.variants: expected a table such as { en = \"EN-GB\" }, got the string "
          "'EN-GB'",)),
    Case("variants-list", config(DEEPL + "variants = [1, 2]\n"), ("sync",),
         ("deepl.variants: expected a table such as { en = \"EN-GB\" }, got a list of 2",)),
    Case("variants-number-value", config(DEEPL + "variants = { en = 5 }\n"), ("sync",),
         ("deepl.variants: expected a table such as { en = \"EN-GB\" }; 'en' is the number 5",)),
    Case("variants-bad-code", config(DEEPL + 'variants = { en = "EN GB!" }\n'), ("sync",),
         ("'en' is the string 'EN GB!', not a DeepL language code",)),
    Case("glossary-number", config(DEEPL + "glossary = 5\n"), ("sync",),
         ("deepl.glossary: expected a file name (a string), got the number 5",)),
    Case("glossary-outside", config(DEEPL + 'glossary = "../g.csv"\n'), ("sync",),
         ("deepl.glossary: expected a file path inside the workspace",)),
    Case("tool-number", config("tool = 5\n"), ("sync",),
         ("tool: expected a table such as [tool.transflow], got the number 5",)),
    Case("tool-transflow-number", pyproject("[tool]\ntransflow = 5\n"), ("sync",),
         ("tool.transflow: expected a table, got the number 5",)),
    Case("tool-transflow-string", pyproject('[tool]\ntransflow = "x"\n'), ("status",),
         ("tool.transflow: expected a table, got the string 'x'",)),
    Case("xff-byte", raw_config(b'articles = "articles"\n# caf\xff\n'), ("sync",),
         ("transflow.toml:2: not valid UTF-8",)),
    Case("invalid-toml", raw_config(b"articles = [\n"), ("sync",), ("invalid TOML",)),
    Case("memory-threshold-bool", config("memory_threshold = true\n"), ("sync",),
         ("memory_threshold: expected a number between 0.5 and 1, got true",)),
    Case("memory-threshold-string", config('memory_threshold = "high"\n'), ("sync",),
         ("memory_threshold: expected a number between 0.5 and 1, got the string 'high'",)),
    Case("memory-threshold-range", config("memory_threshold = 3\n"), ("sync",),
         ("memory_threshold: expected a number between 0.5 and 1, got the number 3",)),
    Case("model-type-number", config(DEEPL + "model_type = 7\n"), ("sync",),
         ('deepl.model_type: expected one of "quality_optimized", "prefer_quality_optimized",'
          ' "latency_optimized", got the number 7',)),
    Case("model-type-unknown", config(DEEPL + 'model_type = "fast"\n'), ("sync",),
         ("deepl.model_type: expected one of",)),
    Case("formality-number", config(DEEPL + "formality = 1\n"), ("sync",),
         ("deepl.formality: expected one of",)),
    Case("timeout-bool", config(DEEPL + "timeout = true\n"), ("sync",),
         ("deepl.timeout: expected a number between 1 and 600, got true",)),
    Case("deepl-number", config("deepl = 5\n"), ("sync",),
         ("deepl: expected a table, got the number 5",)),
    Case("deepl-unknown-option", config(DEEPL + "formalty = \"less\"\n"), ("sync",),
         ("unknown option 'deepl.formalty'",)),
    Case("articles-up", config("", replace='articles = "../../.."\n'), ("sync",),
         ("articles: expected a folder path inside the workspace, got the string '../../..'",)),
    Case("articles-absolute", config("", replace='articles = "/etc"\n'), ("sync",),
         ("articles: expected a folder path inside the workspace",)),
    Case("articles-number", config("", replace="articles = 5\n"), ("sync",),
         ("articles: expected a folder name (a string), got the number 5",)),
    Case("articles-empty", config("", replace='articles = ""\n'), ("sync",),
         ("articles: expected a folder name (a string), got the string ''",)),
    Case("locales-symlink-outside", lambda r: (
        (r / "transflow.toml").write_text('locales = "loc"\n'),
        (r / "loc").symlink_to(r.parent)), ("sync",),
         ("locales: expected a folder path inside the workspace",)),
    Case("output-list", config("", replace='output = ["dist"]\n'), ("build",),
         ("output: expected a folder name (a string), got a list of 1",)),
    Case("languages-string", config("", replace='languages = "nl"\n'), ("sync",),
         ("languages: expected a list of at least two languages",)),
    Case("languages-number-item", config("", replace='languages = ["nl", 5]\n'), ("sync",),
         ("languages: expected a list of at least two languages, e.g. [\"nl\", \"en\"]; "
          "item 2 is the number 5",)),
    Case("languages-unknown", config("", replace='languages = ["nl", "nk"]\n'), ("sync",),
         ("languages: unknown language 'nk'",)),
    Case("languages-twice", config("", replace='languages = ["nl", "nl"]\n'), ("sync",),
         ("languages: a language is listed twice",)),
    Case("source-number", config("", replace="source_language = 3\n"), ("sync",),
         ("source_language: expected a language code such as \"nl\" or \"en-GB\", got the "
          "number 3",)),
    Case("source-not-listed", config("", replace='source_language = "de"\n'), ("sync",),
         ("source_language 'de' is not one of languages",)),
    Case("publish-number", config("", replace="publish = 1\n"), ("build",),
         ('publish: expected one of "reviewed", "translated", got the number 1',)),
    Case("publish-unknown", config("", replace='publish = "done"\n'), ("build",),
         ("publish: unknown state 'done'",)),
    Case("publish-draft", config("", replace='publish = "machine draft"\n'), ("build",),
         ('publish: use "reviewed" or "translated"',)),
    Case("front-matter-string", config("", replace='front_matter = "title"\n'), ("sync",),
         ("front_matter: expected a list of field names, got the string 'title'",)),
    Case("front-matter-number", config("", replace="front_matter = [1]\n"), ("sync",),
         ("front_matter: expected a list of field names; item 1 is the number 1",)),
    Case("unknown-key", config("", replace='artcles = "x"\n'), ("sync",),
         ("unknown configuration key 'artcles'",)),
    Case("two-bad-keys", config("", replace="memory_threshold = true\narticles = 5\n"),
         ("sync",), ("articles: expected a folder name", "memory_threshold: expected a number")),
    Case("config-is-folder", lambda r: ((r / "transflow.toml").unlink(),
                                        (r / "transflow.toml").mkdir(),
                                        (r / "pyproject.toml").write_text("[tool.transflow]\n"
                                                                          'articles = 5\n')),
         ("sync",), ("articles: expected a folder name",)),
    # --- the file system: a file where a folder belongs, paths that cannot exist -----------
    Case("locales-is-file", file_at("locales"), ("sync",), ("locales" + IN_THE_WAY,)),
    Case("locales-nl-is-file", file_at("locales/nl"), ("sync",), ("locales/nl" + IN_THE_WAY,)),
    Case("locales-templates-is-file", file_at("locales/templates"), ("sync",),
         ("locales/templates" + IN_THE_WAY,)),
    Case("dist-is-file", file_at("dist"), ("build", "--allow-incomplete"), ("dist" + IN_THE_WAY,)),
    Case("dist-nl-is-file", file_at("dist/nl"), ("build", "--allow-incomplete"),
         ("dist/nl" + IN_THE_WAY,), others=("dist/manifest.json",)),
    Case("out-under-dev-null", lambda r: None,
         ("build", "--allow-incomplete", "--out", "/dev/null/dist"), ("/dev/null" + IN_THE_WAY,)),
    Case("articles-is-file", file_at("articles"), ("sync",), ("articles folder not found",)),
    Case("article-symlink-outside", symlink("articles/evil.md", "OUTSIDE"), ("sync",),
         ("articles/evil.md: a symlink to",)),
    Case("article-symlink-outside-build", symlink("articles/evil.md", "OUTSIDE"),
         ("build", "--allow-incomplete"), ("articles/evil.md: a symlink to",),
         others=("dist/manifest.json", "dist/en/sleep.md", "dist/nl/sleep.md")),
    Case("article-newline-name", article("bad\nname.md"), ("sync",),
         ("articles/bad\\nname.md: the file name has a control character",)),
    Case("article-tab-name", article("bad\tname.md"), ("sync",),
         ("articles/bad\\tname.md: the file name has a control character",)),
    Case("article-escape-name", article("bad\x1bname.md"), ("status",),
         ("articles/bad\\x1bname.md: the file name has a control character",)),
    Case("article-line-separator-name", article("bad\u2028name.md"), ("sync",),
         ("the file name has a control character",)),
    # --- catalogs and articles that cannot be read -----------------------------------------
    Case("po-unterminated", po('msgid "x"\nmsgstr "open\n'), ("status",),
         ("unterminated string",)),
    Case("po-garbage-line", po("this is not gettext\n"), ("sync",), ("syntax error",)),
    Case("po-duplicate", po('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n'),
         ("check",), ("duplicate entry",)),
    Case("po-latin1-undeclared", raw_po(b'msgid "a"\nmsgstr "caf\xe9"\n'), ("status",),
         ("not valid UTF-8",)),
    Case("po-unknown-charset", raw_po(b'msgid ""\nmsgstr "Content-Type: text/plain; '
                                      b'charset=KLINGON\\n"\n'), ("status",),
         ("unknown charset 'KLINGON'",)),
    Case("po-is-folder", lambda r: ((r / "locales/nl/sleep.po").unlink(),
                                    (r / "locales/nl/sleep.po").mkdir()), ("status",),
         ("locales/nl/sleep.po",)),
    Case("article-latin1", lambda r: (r / "articles/x.md").write_bytes(b"Caf\xe9\n"),
         ("sync",), ("articles/x.md:1: not valid UTF-8",)),
    Case("article-binary", lambda r: (r / "articles/x.md").write_bytes(b"\xff\xfe\x00\x01"),
         ("sync",), ("articles/x.md:1: not a text file",)),
    Case("article-lang-not-configured", article("de.md", "---\nlang: de\n---\n\nHallo.\n"),
         ("sync",), ("lang 'de' is not one of the configured languages",)),
    Case("article-missing-arg", lambda r: None, ("sync", "nope.md"),
         ("nope.md: article not found",)),
    Case("article-outside-arg", lambda r: (r / "else.md").write_text("Hi.\n"),
         ("sync", "else.md"), ("else.md: outside the articles folder",)),
    Case("config-explicit-missing", lambda r: None, ("--config", "nope.toml", "status"),
         ("nope.toml",)),
    Case("config-explicit-folder", lambda r: (r / "cfg").mkdir(), ("--config", "cfg", "status"),
         ("'cfg' is a directory",), 2),
    Case("config-duplicate-key", config("memory_threshold = 0.9\nmemory_threshold = 0.8\n"),
         ("sync",), ("invalid TOML",)),
    Case("config-languages-empty", config("", replace="languages = []\n"), ("sync",),
         ("languages: expected a list of at least two languages",)),
    Case("config-publish-empty", config("", replace='publish = ""\n'), ("build",),
         ("publish:",)),
    Case("config-source-empty", config("", replace='source_language = ""\n'), ("sync",),
         ("source_language: expected a language code",)),
    Case("config-references-number", config("references = 1\n"), ("sync",),
         ("references: expected one of",)),
    Case("config-nul-in-path", config("", replace='articles = "a\\u0000b"\n'), ("sync",),
         ("articles: expected a folder name",)),
    Case("config-deepl-variants-nested", config(DEEPL + "variants = { en = { x = 1 } }\n"),
         ("sync",), ("deepl.variants: expected a table such as",)),
    Case("config-deepl-glossary-list", config(DEEPL + 'glossary = ["g.csv"]\n'), ("sync",),
         ("deepl.glossary: expected a file name",)),
    # --- usage errors: exit 2 ------------------------------------------------------------------
    Case("usage-lang", lambda r: None, ("status", "--lang", "xx"), ("'xx' is not one of",), 2),
    Case("usage-fail-under-word", lambda r: None, ("status", "--fail-under", "abc"),
         ("not a percentage",), 2),
    Case("usage-fail-under-range", lambda r: None, ("status", "--fail-under", "150"),
         ("between 0 and 100",), 2),
    Case("usage-jobs-zero", lambda r: None, ("sync", "--jobs", "0"), ("--jobs",), 2),
    Case("usage-max-chars-negative", lambda r: None, ("translate", "--max-chars", "-1"),
         ("--max-chars",), 2),
    Case("usage-engine", lambda r: None, ("translate", "--engine", "google"), ("--engine",), 2),
    Case("usage-unknown-command", lambda r: None, ("synk",), ("No such command",), 2),
    Case("usage-unknown-option", lambda r: None, ("sync", "--fast"), ("No such option",), 2),
    Case("disk-full-sync", article("new.md"), ("sync",), ("no space left on device",),
         enospc=True),
    Case("disk-full-build", lambda r: None, ("build", "--allow-incomplete"),
         ("no space left on device",), enospc=True),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input_gets_one_line_per_problem_and_writes_nothing(
    tmp_path: Path, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "ws"
    root.mkdir()
    make_workspace(root)
    assert run(root, "sync").exit_code == 0
    case.setup(root)
    before = snapshot(root)
    if case.enospc:
        real = os.write

        def full(fd: int, data: object) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        monkeypatch.setattr("transflow.atomic.os.write", full)
        assert real is not full
    result = run(root, *case.args)
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert "Traceback" not in result.stderr
    assert result.exit_code == case.exit_code, result.stderr
    if case.exit_code == 2:  # click's usage errors: a usage line, then one Error line
        assert len(errors) == 1 and case.errors[0] in errors[0], result.stderr
        return
    assert len(errors) == len(case.errors), result.stderr
    for line, expected in zip(errors, case.errors, strict=True):
        assert expected in line, result.stderr
    lines = result.stderr.splitlines()
    # Besides the problems, only the command's own summary of what went on (per article,
    # the other articles are still processed).
    summary = ("sync: ", "build: ", "built ", "skipped ", "ready = ", "check: ")
    assert all(line.startswith(("Error: ", "Hint: ", *summary)) for line in lines), result.stderr
    after = snapshot(root)
    assert {k: v for k, v in after.items() if k not in case.others} == before
    leftovers = [p for p in root.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
