"""workflow.parallel: how a run is cut into chunks for the worker processes."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

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


class Boxed:
    """A result the parent can hold a weak reference to (a list cannot be)."""

    def __init__(self, values: list[int]) -> None:
        self.values = values


def _boxed(chunk: list[int]) -> Boxed:
    return Boxed([2 * i for i in chunk])


def test_each_chunk_hands_results_over_in_order_and_keeps_none() -> None:
    """What the caller drops is gone: a run's memory follows what the caller keeps, not
    its number of chunks (map_chunks once kept every result until the run ended)."""
    import gc
    import weakref

    items = list(range(300))
    values: list[int] = []
    handed: list[weakref.ref[Boxed]] = []
    alive_before: list[int] = []

    def take(result: Boxed) -> None:
        gc.collect()
        alive_before.append(sum(ref() is not None for ref in handed))
        values.extend(result.values)
        handed.append(weakref.ref(result))

    parallel.each_chunk(_boxed, items, workers=2, on_result=take)
    gc.collect()
    assert values == [2 * i for i in items]  # in the order of the items
    assert len(handed) == len(parallel.chunk_sizes(300, 2))
    assert alive_before == [0] * len(handed)  # none of the earlier results still held
    assert all(ref() is None for ref in handed)


def _fail_on_100(chunk: list[int]) -> list[int]:
    if 100 in chunk:
        raise ValueError("a hundred")
    return chunk


def test_each_chunk_hands_over_every_finished_chunk_before_raising() -> None:
    """The caller commits or drops what each finished chunk staged: none is lost."""
    sizes = parallel.chunk_sizes(300, 2)
    bad = next(n for n in range(len(sizes)) if sum(sizes[: n + 1]) > 100)
    assert bad >= 2
    seen: list[int] = []
    with pytest.raises(ValueError, match="a hundred"):
        parallel.each_chunk(_fail_on_100, list(range(300)), workers=2,
                            on_result=seen.extend)
    before = sum(sizes[:bad])
    assert seen[:before] == list(range(before))  # the chunks before it, in order
    assert 100 not in seen and len(seen) == len(set(seen)) and seen == sorted(seen)


def _noted(chunk: list[int], folder: str) -> list[int]:
    Path(folder, f"{chunk[0]}").touch()  # (each chunk computed leaves a file)
    return chunk


def test_each_chunk_starts_nothing_more_once_the_caller_fails(tmp_path: Path) -> None:
    """A caller that cannot take a result (say, its commit failed) stops the run: the
    chunks not handed out yet are never computed (an executor given every chunk at once
    computed them all before the error came through)."""
    taken: list[list[int]] = []

    def take(result: list[int]) -> None:
        taken.append(result)
        raise OSError("disk full")

    items = list(range(2000))
    with pytest.raises(OSError, match="disk full"):
        parallel.each_chunk(_noted, items, workers=2, args=(str(tmp_path),), on_result=take)
    assert len(taken) == 1
    computed = len(list(tmp_path.iterdir()))
    assert computed <= 1 + 2 * parallel.AHEAD + 1 < len(parallel.chunk_sizes(2000, 2))


_KILLED_RUN = """
import os, sys, time
from transflow.workflow import parallel

def work(chunk, folder):
    open(os.path.join(folder, str(os.getpid())), "w").close()
    time.sleep(120)  # blocked, as a worker waiting to hand over a result
    return chunk

if __name__ == "__main__":
    parallel.each_chunk(work, list(range(8)), workers=2, args=(sys.argv[1],),
                        on_result=lambda result: None)
"""


def _running(pid: int) -> bool:
    """True while ``pid`` runs (a zombie left for a reaper counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_end_when_the_command_is_killed(tmp_path: Path) -> None:
    """A ``kill`` reaches the command alone (Ctrl+C reaches its workers too): its workers must
    not stay behind, blocked for ever with their memory."""
    script = tmp_path / "run.py"
    script.write_text(_KILLED_RUN, encoding="utf-8")
    pids = tmp_path / "pids"
    pids.mkdir()
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}
    command = subprocess.Popen([sys.executable, str(script), str(pids)], env=env)
    try:
        for _ in range(600):  # until both workers run (a minute at most)
            if len(list(pids.iterdir())) == 2:
                break
            time.sleep(0.1)
        workers = [int(p.name) for p in pids.iterdir()]
        assert len(workers) == 2 and all(_running(pid) for pid in workers)
        command.send_signal(signal.SIGTERM)
        command.wait(timeout=60)
        for _ in range(600):
            if not any(_running(pid) for pid in workers):
                break
            time.sleep(0.1)
        assert [pid for pid in workers if _running(pid)] == []
    finally:
        command.kill()
        for path in pids.iterdir():
            with contextlib.suppress(ProcessLookupError):
                os.kill(int(path.name), signal.SIGKILL)


@pytest.mark.parametrize(("count", "batches"), [(0, [[]]), (3, [[0, 1, 2]]),
                                                (4, [[0, 1, 2, 3], []]),
                                                (9, [[0, 1, 2, 3], [4, 5, 6, 7], [8]])])
def test_each_batch_hands_over_the_results_in_batches_in_order(
    monkeypatch: pytest.MonkeyPatch, count: int, batches: list[list[int]]
) -> None:
    monkeypatch.setattr(parallel, "COMMIT_BATCH", 4)
    seen: list[list[int]] = []
    parallel.each_batch(range(count), lambda i: i, on_batch=seen.append,
                        drop=lambda rest: pytest.fail(f"dropped {rest}"))
    assert seen == batches


def test_each_batch_drops_only_what_was_not_handed_over(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "COMMIT_BATCH", 4)
    seen: list[list[int]] = []
    dropped: list[list[int]] = []

    def work(i: int) -> int:
        if i == 6:
            raise KeyboardInterrupt
        return i

    with pytest.raises(KeyboardInterrupt):
        parallel.each_batch(range(9), work, on_batch=seen.append, drop=dropped.append)
    assert seen == [[0, 1, 2, 3]]
    assert dropped == [[4, 5]]
