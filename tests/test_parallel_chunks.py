"""workflow.parallel: how a run is cut into chunks for the worker processes."""

from __future__ import annotations

import pytest

from transflow.workflow import parallel


@pytest.mark.parametrize(("count", "workers"), [(1, 2), (3, 2), (64, 2), (500, 2), (2000, 2),
                                                (10000, 2), (500, 4), (777, 3)])
def test_chunks_cover_every_item_once_and_shrink_towards_the_end(count: int,
                                                                 workers: int) -> None:
    sizes = parallel.chunk_sizes(count, workers)
    assert sum(sizes) == count
    assert all(0 < s <= parallel.CHUNK_MAX for s in sizes)
    assert all(s >= parallel.CHUNK_MIN for s in sizes[:-1])
    assert sizes == sorted(sizes, reverse=True)  # largest first: the run ends on small ones
    if count >= 500:
        # the last chunks are a few items, so the workers finish within a few items of
        # each other, and there are not many more chunks than equal ones would make
        assert sizes[-workers:] == [parallel.CHUNK_MIN] * (workers - 1) + [sizes[-1]]
        assert len(sizes) <= count // parallel.CHUNK_MAX + 8 * workers * 4


def test_map_chunks_keeps_the_order_of_the_items() -> None:
    items = list(range(300))
    seen: list[list[int]] = []
    chunks = parallel.map_chunks(_double, items, workers=2, on_result=seen.append)
    assert [x for chunk in chunks for x in chunk] == [2 * i for i in items]
    assert sorted(x for chunk in seen for x in chunk) == [2 * i for i in items]
    assert [len(c) for c in chunks] == parallel.chunk_sizes(300, 2)


def _double(chunk: list[int]) -> list[int]:
    return [2 * i for i in chunk]
