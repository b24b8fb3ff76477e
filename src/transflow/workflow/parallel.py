"""Run per-article work on every core: chunks of articles in worker processes, in order.

Parsing Markdown and rendering catalogs is pure-Python CPU work, so large runs (thousands of
articles) use a process pool. Workers never make files visible: they stage them and hand the
staged names back, and the parent commits a chunk's articles together (each article whole
or not at all), as a single-process run commits a batch (``COMMIT_BATCH``). A failing chunk
does not leak the staged files of the others: every finished result still reaches
``on_result`` before the first error is raised. Workers end with the command that started
them, however it ends (``_die_with_parent``).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items, starting worker processes costs more than it saves.
PARALLEL_MIN = 64


def worth_it(items: Sequence[object], workers: int) -> bool:
    """True when a pool pays for itself."""
    return workers > 1 and len(items) >= PARALLEL_MIN


#: Bounds of a chunk: a few items at least (each chunk costs a round trip and a commit),
#: and not so many that one holds much memory or leaves the others idle for long.
CHUNK_MIN, CHUNK_MAX = 4, 64


def chunk_sizes(count: int, workers: int) -> list[int]:
    """Sizes of the chunks ``count`` items are cut into, in order: each a quarter of the
    share of one worker in what is left ("guided" scheduling).

    Why: the last chunk to finish keeps one worker busy while the others idle. Equal chunks
    of an eighth of a worker's share still left one core alone for a whole chunk at the end
    of a 500-article sync (~5% of it); chunks that shrink as the work runs out end within a
    few items of each other, with fewer chunks than small equal ones would take.
    """
    sizes: list[int] = []
    left = count
    while left > 0:
        share = -(-left // (workers * 4))  # ceiling
        size = min(left, max(CHUNK_MIN, min(CHUNK_MAX, share)))
        sizes.append(size)
        left -= size
    return sizes


#: Articles a single-process sync or build stages before committing them together, as a
#: pool's chunk is: a commit per article cost a journal write and its renames each time.
#: Each article still goes through whole or not at all (a problem stages nothing of it); a
#: kill loses at most this many articles' work, which the next run redoes (their temp files
#: are removed then).
COMMIT_BATCH = 32


#: Chunks handed to the pool ahead of the one the caller is waiting for, per worker: enough
#: that no worker waits for work while an earlier chunk runs long, few enough that the
#: results finished out of order (held until their turn) stay a handful of chunks.
AHEAD = 2


def each_chunk(
    func: Callable[..., R],
    items: Sequence[T],
    *,
    workers: int,
    args: tuple[Any, ...] = (),
    on_result: Callable[[R], None],
) -> None:
    """``for chunk in chunks(items): on_result(func(chunk, *args))``, ``func`` computed by
    ``workers`` processes; nothing is kept once ``on_result`` returns.

    Why: a run's memory must not grow with its number of items. Results reach
    ``on_result`` in the order of the chunks, each as soon as it and those before it are
    done, and then nothing here refers to them; at most ``workers * AHEAD`` chunks are
    handed out beyond the one awaited, so a result that finished early waits for its turn
    among only a few others (a pool given every chunk at once keeps every result until
    the end, and lets finished ones pile up when the caller is slower than the workers).

    ``func`` must be a module-level function and its arguments picklable. When a chunk
    fails, no further chunk is started, every chunk that still finishes reaches
    ``on_result`` (in order, so the caller commits or drops what it staged), and then the
    first error is raised.
    """
    # Imported here: multiprocessing is not needed by a run that turns out small.
    import multiprocessing
    from concurrent.futures import Future, ProcessPoolExecutor

    if sys.platform.startswith("linux"):
        # Before the workers fork: each one's ``_die_with_parent`` needs it, and imported
        # there it cost every worker ~2 ms of CPU (and the parent imports it to commit).
        import ctypes  # noqa: F401

    bounds: list[tuple[int, int]] = []
    start = 0
    for size in chunk_sizes(len(items), workers):
        bounds.append((start, start + size))
        start += size
    limit = max(1, workers) * AHEAD
    error: BaseException | None = None
    context = multiprocessing.get_context()
    forked = context.get_start_method() == "fork"  # (the command itself is the parent)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context,
                             initializer=_die_with_parent,
                             initargs=(os.getpid() if forked else None,)) as pool:
        waiting: dict[int, Future[R]] = {}  # handed out, not yet given to on_result
        handed = 0
        for turn in range(len(bounds)):
            while error is None and handed < len(bounds) and handed - turn <= limit:
                begin, end = bounds[handed]
                waiting[handed] = pool.submit(func, list(items[begin:end]), *args)
                handed += 1
            future = waiting.pop(turn, None)
            if future is None:  # never handed out: a chunk before it failed
                continue
            try:
                result = future.result()
            except BaseException as exc:  # the rest still reach on_result: none is lost
                if error is None:
                    error = exc
                    for other in waiting.values():
                        other.cancel()  # (one already running finishes, and is delivered)
                continue
            finally:
                del future  # (the future holds the result)
            try:
                on_result(result)
            except BaseException:  # the caller's own failure: start nothing more
                for other in waiting.values():
                    other.cancel()
                raise
            del result
    if error is not None:
        raise error


def each_batch(
    items: Iterable[T],
    work: Callable[[T], R],
    *,
    on_batch: Callable[[list[R]], None],
    drop: Callable[[list[R]], None],
) -> None:
    """``work`` on each item in this process, and ``on_batch`` on each :data:`COMMIT_BATCH`
    results in order (then on the rest): what :func:`each_chunk` does with a pool, for a
    run in one process. When ``work`` fails, the results not yet handed to ``on_batch`` go
    to ``drop`` (the caller removes what they staged), and the error is raised."""
    batch: list[R] = []
    try:
        for item in items:
            batch.append(work(item))
            if len(batch) >= COMMIT_BATCH:
                full, batch = batch, []
                on_batch(full)
    except BaseException:
        drop(batch)
        raise
    on_batch(batch)


_PR_SET_PDEATHSIG = 1
_SIGKILL = 9


def _die_with_parent(parent: int | None) -> None:
    """Run first in each worker: have the kernel end it when the command that started it
    ends (Linux's ``PR_SET_PDEATHSIG``; elsewhere nothing is done). ``parent``: the
    command's process id when it forked the worker itself (None: a fork server did).

    Why: Ctrl+C reaches the whole process group, but a ``kill`` of the command alone (a CI
    timeout, a supervisor, a user) does not: its workers stayed behind for ever, blocked
    writing a result nobody reads, each holding its memory. Killed, a worker leaves at most
    temp files, which the next command removes (``atomic.Journal``).
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, _SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if parent is not None and os.getppid() != parent:
        os._exit(1)  # the command ended before the line above: no signal will come


def map_chunks(
    func: Callable[..., R],
    items: Sequence[T],
    *,
    workers: int,
    args: tuple[Any, ...] = (),
    on_result: Callable[[R], None] | None = None,
) -> list[R]:
    """``[func(chunk, *args) for chunk in chunks(items)]`` computed by ``workers`` processes
    (see :func:`each_chunk`; this one keeps every result, for a caller that needs them all).

    Results come back in the order of the chunks; ``on_result`` sees each one as soon as it
    and those before it arrived.
    """
    results: list[R] = []

    def keep(result: R) -> None:
        if on_result is not None:
            on_result(result)
        results.append(result)

    each_chunk(func, items, workers=workers, args=args, on_result=keep)
    return results
