"""Run per-article work on every core: chunks of articles in worker processes, in order.

Parsing Markdown and rendering catalogs is pure-Python CPU work, so large runs (thousands of
articles) use a process pool. Workers never make files visible: they stage them and hand the
staged names back, and the parent commits each article's files together, as a sequential run
does. A failing chunk does not leak the staged files of the others: every finished result
still reaches ``on_result`` before the first error is raised.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Below this many items, starting worker processes costs more than it saves.
PARALLEL_MIN = 64


def worth_it(items: Sequence[object], workers: int) -> bool:
    """True when a pool pays for itself."""
    return workers > 1 and len(items) >= PARALLEL_MIN


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
    # About eight chunks per worker: the last chunk to finish keeps one worker busy while
    # the others idle, so chunks are kept small next to the share of each (four per
    # worker left a worker a sixth of a 500-article build alone at the end).
    size = max(4, min(64, len(items) // (workers * 8) or 1))
    chunks = [list(items[i : i + size]) for i in range(0, len(items), size)]
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
