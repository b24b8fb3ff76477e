"""The ``stat`` of each file a command looked at, lent to the snapshot that closes it.

Why: a command whose answer is kept (``cli/replay.py``) ends with a snapshot of every file
it depends on (``snapshot.py``), one ``stat`` call each. A ``build`` of 2,000 articles
after one was edited stats 10,000 files at its end, 8,000 of which it stat'ed already to
trust their digests (the articles, the catalogs, the files it published): those calls were
42 ms of its 0.45 s here. So while a recorder runs, the results cache stats through
:func:`stat`, which remembers each answer, and the snapshot takes a file's stat from here
instead of asking again.

Why a stat taken during the command is as good as one taken at its end: the snapshot
records a file only when it changed before the command started, so the command read what
that stat describes. Any change after the stat was taken gives the file a newer ctime (no
program can set it back), a new inode or a new size, or removes it (its folder's times
change): the next run's check of the snapshot sees a difference and the command runs. An
earlier stat can make a snapshot that never matches again (a file the command wrote after
stat'ing it, when the snapshot was not told it wrote it), never one that matches a change.

Nothing is kept unless :func:`start` was called (only the program's recorder does), so a
library call, a test or a command whose answer is not kept holds no stats.
"""

from __future__ import annotations

import os
import stat as stat_module

from transflow.workflow.snapshot import STATS

#: Each regular file's size, mtime, ctime and inode packed as a snapshot packs them
#: (``snapshot.STATS``), by the name it was stat'ed under; None: not remembering. Packed,
#: not the ``stat_result``: a build of 10,000 articles stats 40,000 files (~0.6 KB each as
#: objects, ~0.2 KB here with the name).
_seen: dict[str, bytes] | None = None
_pack = STATS.pack
_TYPE, _REGULAR = stat_module.S_IFMT(0o170000), stat_module.S_IFREG


def start() -> None:
    """Remember every stat taken through :func:`stat` from now on (until :func:`stop`)."""
    global _seen
    _seen = {}


def stop() -> dict[str, bytes]:
    """The stats remembered since :func:`start` (empty when none), remembering no more."""
    global _seen
    seen, _seen = _seen, None
    return seen if seen is not None else {}


def stat(path: str | os.PathLike[str]) -> os.stat_result:
    """``os.stat(path)``; a regular file's is remembered under ``os.fspath(path)`` while
    :func:`start` is on (a folder, a device, … never: the snapshot stats those itself)."""
    st = os.stat(path)
    if _seen is not None and st.st_mode & _TYPE == _REGULAR:  # (S_ISREG, without a call)
        _seen[path if type(path) is str else os.fspath(path)] = _pack(
            st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)
    return st
