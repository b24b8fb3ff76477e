"""Proof that a file transflow installed still holds what it wrote, told without reading it.

A page a build writes is recorded twice at the end of the run: by the results cache (its
record of the output) and by the CLI's kept answer (the snapshot that lets the next
unchanged build print its answer without running). Both must know the page still holds
what was written; reading every page back cost a 500-article build's parent ~30 ms, alone,
after its workers were done. A :data:`Proof` answers from one ``stat`` instead.

Why that is safe: the temp file had a random hidden name, so nobody wrote to it; the rename
that installed it keeps size, mtime and inode, and sets the ctime. A write after the rename
sets mtime and ctime to its own time. So when size, mtime and inode are still the ones the
temp file had once written, and the ctime is in a later timestamp tick than that mtime, no
write happened (one would have moved the mtime, or, in the same tick as ours, left ctime
equal to mtime). Otherwise the file is read and hashed as before.

Its own small module (standard library only): the kept answer of an unchanged command loads
``workflow.snapshot`` and must load fast.
"""

from __future__ import annotations

import os
import struct

#: The raw SHA-256 of what was written, followed (when the file's state once written is
#: known) by its size, mtime in ns and inode packed as three signed 64-bit integers: one
#: bytes object per page, as 10,000 articles' pages are held at once until the run ends.
Proof = bytes

_STATE = struct.Struct("<qqq")
DIGEST_SIZE = 32


def proof(sha_hex: str, written: tuple[int, int, int] | None) -> Proof:
    """The proof of a file whose content has SHA-256 ``sha_hex`` and whose temp file was
    ``written`` (size, mtime ns, inode) once written (None: unknown, the digest alone)."""
    digest = bytes.fromhex(sha_hex)
    return digest if written is None else digest + _STATE.pack(*written)


def digest(p: Proof) -> bytes:
    """The raw SHA-256 a proof holds."""
    return p[:DIGEST_SIZE]


def still_as_written(st: os.stat_result, p: Proof) -> bool:
    """True when ``st`` shows the file untouched since it was installed as ``p`` records
    (see the module docstring); False when unknown: then it must be read."""
    if len(p) <= DIGEST_SIZE:
        return False
    size: int
    mtime: int
    inode: int
    size, mtime, inode = _STATE.unpack_from(p, DIGEST_SIZE)
    return bool(st.st_size == size and st.st_mtime_ns == mtime and st.st_ino == inode
            and st.st_ctime_ns > mtime)
