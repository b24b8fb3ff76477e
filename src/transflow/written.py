"""Whether a file transflow installed still holds what it wrote, told without reading it.

Its own small module (standard library only) because the kept answer of an unchanged
command (``workflow.snapshot``) must load fast, and staging (``atomic``) and the results
cache (``workflow.cache``) ask the same question.
"""

from __future__ import annotations

import os

#: (size, mtime ns, inode) of a staged file once written (``atomic.StagedFile.written``).
Written = tuple[int, int, int]


def still_as_written(st: os.stat_result, written: Written | None) -> bool:
    """True when a file installed from a staged one (``written``: its temp file's size,
    mtime and inode once written) provably still holds what was written, without reading it.

    Why: a rename keeps size, mtime and inode, and sets the ctime. Nobody writes to a temp
    file (a random hidden name); a write after the rename sets the mtime and ctime to its
    own time. So when size, mtime and inode are still the ones written and the ctime is in a
    later timestamp tick than that mtime, no write happened since (one would have moved the
    mtime, or, in the same tick as ours, left the ctime equal to it). Otherwise: read it.
    """
    return (written is not None and st.st_ctime_ns > st.st_mtime_ns
            and (st.st_size, st.st_mtime_ns, st.st_ino) == written)
