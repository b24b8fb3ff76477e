"""transflow.spool: a list whose memory does not grow with its length."""

from __future__ import annotations

import gc
import weakref

import pytest

from transflow.spool import Spool


class Item:
    def __init__(self, n: int) -> None:
        self.n = n
        self.text = f"item {n} ✓"


@pytest.mark.parametrize("count", [0, 1, 9, 10, 11, 35])
def test_a_spool_gives_back_what_it_was_given_in_order_any_number_of_times(count: int) -> None:
    spool: Spool[tuple[int, str]] = Spool(batch=10)
    for n in range(count):
        spool.append((n, f"é{n}"))
    expected = [(n, f"é{n}") for n in range(count)]
    assert len(spool) == count and bool(spool) == (count > 0)
    assert list(spool) == expected
    assert list(spool) == expected  # again
    spool.append((count, "late"))  # appending after reading
    assert list(spool) == [*expected, (count, "late")]


def test_a_spool_holds_only_its_last_batch() -> None:
    spool: Spool[Item] = Spool(batch=10)
    refs = []
    for n in range(95):
        item = Item(n)
        refs.append(weakref.ref(item))
        spool.append(item)
    del item
    gc.collect()
    alive = [n for n, ref in enumerate(refs) if ref() is not None]
    assert alive == list(range(90, 95))  # the rest is on disk
    assert [i.n for i in spool] == list(range(95))
    assert [i.text for i in spool][-1] == "item 94 ✓"
