"""Shared pieces of the campaign tests: a seeded workspace, a polib "translator", the CLI.

The campaign runs transflow the way a user does (``python -m transflow`` in a subprocess, so
it can be killed and so it races for real with a translator saving in another process or
thread) against a workspace big enough for a run to take a moment. Everything is seeded;
nothing asserts a duration.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

import polib

CONFIG = """\
articles = "articles"
locales = "locales"
output = "dist"
source_language = "en"
languages = ["nl", "en"]
publish = "translated"
"""

WORDS = ("magnesium", "sleep", "dose", "enzyme", "muscle", "study", "review", "night", "brain",
         "calm", "tablet", "water", "mineral", "evening", "food", "body", "heart", "sport",
         "form", "citrate")


def paragraph(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 20))]
    return f"Paragraph {n}: " + " ".join(words).capitalize() + "."


def make_articles(root: Path, seed: int, count: int, paragraphs: int,
                  twins: bool = False) -> None:
    """``count`` English articles of ``paragraphs`` paragraphs, plus one shared promo line.

    With ``twins``, the second half of the articles repeats the first half's paragraphs
    (so translation memory has exact matches for them).
    """
    rng = random.Random(seed)
    (root / "transflow.toml").write_text(CONFIG, encoding="utf-8")
    folder = root / "articles"
    folder.mkdir(parents=True, exist_ok=True)
    bodies: list[list[str]] = []
    for a in range(count):
        if twins and a >= count // 2:
            paras = bodies[a - count // 2]
        else:
            paras = [paragraph(rng, p) for p in range(paragraphs)]
        bodies.append(paras)
        body = [f"# Article {a}", *paras, "Order one of our products now."]
        (folder / f"a{a:03d}.md").write_text("\n\n".join(body) + "\n", encoding="utf-8")


def edit_articles(root: Path, seed: int) -> None:
    """Change the first paragraph of every article, so the next sync rewrites every catalog."""
    rng = random.Random(seed)
    for path in sorted((root / "articles").glob("*.md")):
        lines = path.read_text(encoding="utf-8").split("\n\n")
        lines[1] = paragraph(rng, 0) + " Changed."
        path.write_text("\n\n".join(lines), encoding="utf-8")


def transflow(root: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run the real command line in ``root``."""
    result = subprocess.run([sys.executable, "-m", "transflow", *args], cwd=root,
                            capture_output=True, text=True, env=_env(), check=False)
    if check and result.returncode != 0:
        raise AssertionError(f"transflow {' '.join(args)}: {result.stderr}")
    return result


def start(root: Path, *args: str) -> subprocess.Popen[str]:
    """Start the command line in ``root`` without waiting for it."""
    return subprocess.Popen([sys.executable, "-m", "transflow", *args], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
                            env=_env())


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # CAMPAIGN_SRC runs the campaign against another checkout (to see it fail there).
    src = os.environ.get("CAMPAIGN_SRC") or str(Path(__file__).resolve().parents[1] / "src")
    env["PYTHONPATH"] = src + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("DEEPL_AUTH_KEY", None)
    return env


def polib_save(po: polib.POFile, path: Path) -> None:
    """Save as editors do: a temp file beside the catalog, then a rename over it."""
    fd, tmp = tempfile.mkstemp(prefix=".poedit-", suffix=".po", dir=path.parent)
    os.close(fd)
    po.save(tmp)
    os.replace(tmp, path)


@dataclass
class Translator:
    """Edits entries of the catalogs in a loop (polib, temp + rename) until stopped.

    Edits only entries whose msgid the running command keeps (``keep(msgid)``), and
    remembers the last text it wrote to each, so that ``lost`` can count the edits that
    did not survive.
    """

    catalogs: list[Path]
    seed: int
    keep: object = None
    limit: int = 5000
    made: int = 0
    latest: dict[tuple[Path, str], str] = field(default_factory=dict)
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        rng = random.Random(self.seed)
        while not self.stop.is_set() and self.made < self.limit:
            path = rng.choice(self.catalogs)
            try:
                po = polib.pofile(str(path), wrapwidth=79)
            except (OSError, ValueError):
                continue
            entries = [e for e in po if e.msgid and not e.obsolete
                       and (self.keep is None or self.keep(e.msgid))]  # type: ignore[operator]
            if not entries:
                continue
            entry = rng.choice(entries)
            text = f"Vertaling {self.made} door een mens"
            entry.msgstr = text
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            polib_save(po, path)
            self.latest[(path, entry.msgid)] = text
            self.made += 1

    def lost(self) -> list[tuple[str, str]]:
        """Edits whose text is not in the catalog at the end."""
        missing = []
        cache: dict[Path, dict[str, str]] = {}
        for (path, msgid), text in self.latest.items():
            if path not in cache:
                cache[path] = {e.msgid: e.msgstr for e in polib.pofile(str(path))
                               if not e.obsolete}
            if cache[path].get(msgid) != text:
                missing.append((path.name, msgid))
        return missing

    def __enter__(self) -> Translator:
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join()


def temp_files(root: Path) -> list[str]:
    """Temp files (transflow's naming, or the older ``.name.random.tmp``) in the workspace."""
    return sorted(str(p.relative_to(root)) for p in root.rglob(".*")
                  if p.name.endswith((".transflow-tmp", ".tmp")))


def tree(root: Path, *folders: str) -> dict[str, bytes]:
    """The files of ``folders`` (relative path -> bytes), dates masked in catalogs."""
    out = {}
    for name in folders:
        for path in sorted((root / name).rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                if path.suffix in (".po", ".pot"):
                    data = b"\n".join(line for line in data.split(b"\n")
                                      if b"-Date:" not in line)
                out[str(path.relative_to(root))] = data
    return out
