"""Run per-article work on every core: chunks of articles in worker processes, in order.

Parsing Markdown and rendering catalogs is pure-Python CPU work, so large runs (thousands of
articles) use a process pool. Workers never make files visible: they stage them and hand the
staged names back, and the parent commits each article's files together, as a sequential run
does. A failing chunk does not leak the staged files of the others: every finished result
still reaches ``on_result`` before the first error is raised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


def map_chunks(
    func: Callable[..., R],
    items: Sequence[T],
    *,
    workers: int,
    args: tuple[Any, ...] = (),
    on_result: Callable[[R], None] | None = None,
) -> list[R]:
    """``[func(chunk, *args) for chunk in chunks(items)]`` computed by ``workers`` processes.

    ``func`` must be a module-level function and its arguments picklable. Results come back
    in the order of the chunks; ``on_result`` sees each one as soon as it arrives.
    """
    # Imported here: multiprocessing is not needed by a run that turns out small.
    from concurrent.futures import ProcessPoolExecutor, as_completed

    chunks: list[list[T]] = []
    start = 0
    for size in chunk_sizes(len(items), workers):
        chunks.append(list(items[start : start + size]))
        start += size
    results: list[R | None] = [None] * len(chunks)
    error: BaseException | None = None
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(func, chunk, *args): i for i, chunk in enumerate(chunks)}
        for future in as_completed(futures):
            try:
                result = future.result()
            except BaseException as exc:  # keep collecting so no finished result is lost
                error = error or exc
                for other in futures:
                    other.cancel()
                continue
            if on_result is not None:
                on_result(result)
            results[futures[future]] = result
    if error is not None:
        raise error
    return [r for r in results if r is not None]
