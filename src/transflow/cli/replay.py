"""The answer of an unchanged command, printed again without running it.

``status``, ``check`` and ``build`` with nothing changed print what they printed last time
and exit with the same code; at 2,000 articles, starting the command line and looking up
every article's cached result takes longer than the answer is worth. So after such a run the
CLI keeps what it printed, with a snapshot of everything the command read
(``workflow/snapshot.py``: the articles, the catalogs, the output for ``build``, the
configuration and transflow's own code). The next identical command line, in the same
folder, checks the snapshot and prints the answer; any difference (an edited catalog, a new
article, a deleted output, a ``touch``) runs the command as usual. A command that wrote
anything or reported a problem keeps no answer; neither do options that change files
(``check --accept``), dry runs or ``--debug``.

This module is imported on every start, before click: it must stay cheap to import.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from transflow import __version__
from transflow.workflow import seen_stats, snapshot

if TYPE_CHECKING:
    from transflow.config import Config

#: Command -> (its flags, its options that take a value) whose answers are kept. Anything
#: else on the command line (another option, ``--``) keeps no answer.
REPLAYABLE: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "status": (frozenset({"--json"}), frozenset({"--lang", "--fail-under"})),
    "check": (frozenset({"--json", "--errors-only"}), frozenset({"--lang"})),
    "build": (frozenset({"--json", "--allow-incomplete", "--strict"}), frozenset()),
}

CONFIG_NAMES = ("transflow.toml", "pyproject.toml")  # as ``config.CONFIG_NAMES``

#: ``ctx.meta`` key a command sets when it wrote or removed files (its answer is not kept).
WROTE_META = "transflow.wrote"
#: ``ctx.meta`` key of a :class:`Rerun`: what a command that wrote files would print if run
#: again with nothing changed (kept instead of what it printed).
RERUN_META = "transflow.rerun"


def replayable(argv: Sequence[str]) -> bool:
    """True for a command line whose answer may be kept and printed again."""
    if not argv or argv[0] not in REPLAYABLE:
        return False
    flags, valued = REPLAYABLE[argv[0]]
    expect_value = False
    for token in argv[1:]:
        if expect_value:
            expect_value = False
            continue
        if not token.startswith("-"):
            continue  # an article
        name, eq, _ = token.partition("=")
        if name in valued:
            expect_value = not eq
        elif token not in flags:
            return False
    return not expect_value


def key_of(argv: Sequence[str], cwd: str) -> str:
    """The answer's key: the command line, the folder it runs in, the interpreter."""
    return snapshot.answer_key("answer", __version__, sys.version, sys.executable, cwd,
                               tuple(argv))


def workspace_root(cwd: str) -> str | None:
    """The nearest folder at or above ``cwd`` with a configuration file (where the cache is);
    a ``pyproject.toml`` without transflow's table finds none there, and nothing is replayed."""
    folder = cwd
    while True:
        if any(os.path.isfile(os.path.join(folder, n)) for n in CONFIG_NAMES):
            return folder
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def replay(
    argv: Sequence[str],
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int | None:
    """Print the kept answer of ``argv`` and return its exit code, when nothing it depends
    on changed; None when the command has to run."""
    if not replayable(argv):
        return None
    cwd = os.getcwd()
    root = workspace_root(cwd)
    if root is None:
        return None
    found = snapshot.load_answer(root, key_of(argv, cwd))
    if found is None:
        return None
    output, code = found
    streams = (stdout or sys.stdout, stderr or sys.stderr)
    for index, text in output:
        stream = streams[index]
        stream.write(text)
        stream.flush()
    return code


class _Tee:
    """A text stream that writes through and keeps what was written (in order, per stream)."""

    def __init__(self, stream: TextIO, index: int, chunks: snapshot.Printed) -> None:
        self.passthrough = stream
        self._index = index
        self._chunks = chunks

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # click tells text streams from binary ones this way
            raise TypeError("write() argument must be str")
        written = self.passthrough.write(text)
        self._chunks.append((self._index, text))
        return written

    def __getattr__(self, name: str) -> Any:
        return getattr(self.passthrough, name)  # flush, isatty, encoding, fileno, …


def unrecorded(stream: TextIO) -> TextIO:
    """The stream under a recording (for a progress bar, which is not part of the answer)."""
    inner = getattr(stream, "passthrough", None)
    return inner if inner is not None else stream


@dataclass(slots=True)
class Rerun:
    """The answer of running a command again right after it wrote files: what it would print,
    and every file that answer claims (absolute path -> SHA-256 of what the command wrote
    there, or None for a file it found as it had to be)."""

    chunks: snapshot.Printed = field(default_factory=snapshot.Printed)
    #: Absolute names -> a ``written.Proof`` (raw SHA-256, and the file's state once
    #: written when known) or None. Made absolute by the command, once (a cold build of
    #: 10,000 articles claims 20,000 files: no second, relative copy).
    written: dict[str, bytes | None] = field(default_factory=dict)


class _Collect:
    """A text stream that only keeps what is written to it (see :func:`captured`)."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self, index: int, chunks: snapshot.Printed) -> None:
        self._index = index
        self._chunks = chunks

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError("write() argument must be str")
        self._chunks.append((self._index, text))
        return len(text)

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False


def captured(render: Callable[[], None]) -> snapshot.Printed:
    """What ``render`` prints (stdout 0, stderr 1, in order), printed nowhere."""
    chunks = snapshot.Printed()
    saved = (sys.stdout, sys.stderr)
    sys.stdout = _Collect(0, chunks)
    sys.stderr = _Collect(1, chunks)
    try:
        render()
    finally:
        sys.stdout, sys.stderr = saved
    return chunks


class Recorder:
    """Keeps what one replayable command prints, and stores it when the command succeeded."""

    def __init__(self, argv: Sequence[str], started_ns: int) -> None:
        self.argv = tuple(argv)
        self.started = started_ns
        self.chunks = snapshot.Printed()
        #: The stats the command took (``seen_stats``), for the snapshot (once stopped).
        self.seen: dict[str, bytes] = {}
        self._saved = (sys.stdout, sys.stderr)
        sys.stdout = _Tee(sys.stdout, 0, self.chunks)
        sys.stderr = _Tee(sys.stderr, 1, self.chunks)
        seen_stats.start()

    def stop(self) -> None:
        """Stop recording (the streams are the original ones again, stats are no longer
        remembered)."""
        sys.stdout, sys.stderr = self._saved
        seen = seen_stats.stop()
        if seen:
            self.seen = seen

    def keep(
        self, config: Config | None, code: int, *, wrote: bool = False,
        rerun: Rerun | None = None,
    ) -> None:
        """Store the answer with a snapshot of what it depends on, when that can be trusted.
        After a run that wrote or removed files, what it printed is not the answer of the
        next run: only a :class:`Rerun` is kept then, with the digests of what was written."""
        self.stop()
        if config is None or config.path is None or code not in (0, 3):
            return
        if wrote and rerun is None:
            return
        if snapshot.journal_pending(config.root):
            return
        written = rerun.written if wrote and rerun is not None else {}
        seen, self.seen = self.seen, {}
        blob = take_snapshot(config, self.argv[0], self.started, written, seen)
        written.clear()  # consumed (the snapshot took the claims it found out of it)
        seen.clear()
        if blob is not None:
            chunks = rerun.chunks if wrote and rerun is not None else self.chunks
            cwd = os.getcwd()
            snapshot.store_answer(config.root, key_of(self.argv, cwd), blob, chunks, code)


def take_snapshot(
    config: Config, command: str, started_ns: int,
    written: dict[str, bytes | None] | None = None,
    seen: dict[str, bytes] | None = None,
) -> bytes | None:
    """The snapshot of everything ``command`` reads in this workspace (None when it cannot
    be trusted: something changed lately, or during the command). ``written``: the files a
    build claims (see :class:`Rerun`), in an output folder apart from the sources;
    ``seen``: the stats the command took of files (``seen_stats``), used in place of
    stat'ing them again."""
    import transflow

    shot = snapshot.Snapshot(started_ns, written, seen=seen)
    if command == "build":
        out = config.output
        apart = not any(out.is_relative_to(f) or f.is_relative_to(out)
                        for f in (config.articles, config.locales))
        shot.folder(out, written_into=apart)
        shot.file(config.manifest_path, written_into=apart)
    shot.folder(config.articles)
    shot.folder(config.locales)
    if command != "status" and config.deepl.glossary is not None:
        shot.file(config.deepl.glossary)
    assert config.path is not None
    folder = os.getcwd()
    while True:  # every configuration file looked for on the way up, there or not
        for name in CONFIG_NAMES:
            shot.file(os.path.join(folder, name))
        parent = os.path.dirname(folder)
        if folder == str(config.root) or parent == folder:
            break
        folder = parent
    shot.file(config.path)
    shot.folder(os.path.dirname(transflow.__file__), skip=("__pycache__",))
    return shot.encode()


def started_now() -> int:
    """The clock a recording starts from (before the command reads anything)."""
    return time.time_ns()
