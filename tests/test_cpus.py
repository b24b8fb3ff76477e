"""How many workers a command may fork: affinity and cgroup CPU quotas, on fake cgroup trees."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from transflow.cpus import cgroup_quota, others_running, pool_size, usable_cpus, worker_count


def _tree(tmp_path: Path, proc: str, files: dict[str, str]) -> tuple[Path, Path]:
    root = tmp_path / "cgroup"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    root.mkdir(exist_ok=True)
    proc_cgroup = tmp_path / "proc-cgroup"
    proc_cgroup.write_text(proc, encoding="utf-8")
    return root, proc_cgroup


@pytest.mark.parametrize(
    ("proc", "files", "quota"),
    [
        # cgroup v2, no limit anywhere
        ("0::/ci/job\n", {"ci/job/cpu.max": "max 100000\n", "cpu.max": "max 100000\n"}, None),
        # cgroup v2: the job's own limit, 1.5 CPUs
        ("0::/ci/job\n", {"ci/job/cpu.max": "150000 100000\n"}, 1.5),
        # cgroup v2: a parent's tighter limit binds the child
        ("0::/ci/job\n", {"ci/job/cpu.max": "400000 100000\n", "ci/cpu.max": "200000 100000\n"},
         2.0),
        # cgroup v2 inside a container: the path names the host's cgroup, the mount is its own
        ("0::/docker/abc\n", {"cpu.max": "100000 100000\n"}, 1.0),
        # cgroup v1, combined cpu,cpuacct hierarchy with a quota
        ("4:memory:/x\n3:cpu,cpuacct:/job\n",
         {"cpu,cpuacct/job/cpu.cfs_quota_us": "300000\n",
          "cpu,cpuacct/job/cpu.cfs_period_us": "100000\n"}, 3.0),
        # cgroup v1 without a quota (-1)
        ("3:cpu,cpuacct:/\n",
         {"cpu,cpuacct/cpu.cfs_quota_us": "-1\n", "cpu,cpuacct/cpu.cfs_period_us": "100000\n"},
         None),
        # garbage is no limit, not an error
        ("0::/\n", {"cpu.max": "lots\n"}, None),
        ("not a cgroup line\n", {}, None),
    ],
)
def test_cgroup_quota(
    tmp_path: Path, proc: str, files: dict[str, str], quota: float | None
) -> None:
    root, proc_cgroup = _tree(tmp_path, proc, files)
    assert cgroup_quota(root=root, proc_cgroup=proc_cgroup) == quota


def test_no_cgroups_at_all(tmp_path: Path) -> None:
    assert cgroup_quota(root=tmp_path / "none", proc_cgroup=tmp_path / "missing") is None


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no affinity mask here")
@pytest.mark.parametrize(("quota", "expected"), [("max", None), ("50000", 1), ("150000", 2)])
def test_usable_cpus_is_the_tighter_of_affinity_and_quota(
    tmp_path: Path, quota: str, expected: int | None
) -> None:
    root, proc_cgroup = _tree(tmp_path, "0::/job\n", {"job/cpu.max": f"{quota} 100000\n"})
    affinity = len(os.sched_getaffinity(0))
    want = affinity if expected is None else min(affinity, expected)
    assert usable_cpus(root=root, proc_cgroup=proc_cgroup) == want


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no affinity mask here")
def test_usable_cpus_follows_the_affinity_mask(tmp_path: Path) -> None:
    """A process pinned to one CPU (taskset) runs one worker, whatever the machine has."""
    root, proc_cgroup = _tree(tmp_path, "0::/\n", {})
    before = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(before)})
    try:
        assert usable_cpus(root=root, proc_cgroup=proc_cgroup) == 1
    finally:
        os.sched_setaffinity(0, before)


# ------------------------------------------------------------------ other work running
@pytest.mark.parametrize(
    ("usable", "machine", "others", "workers"),
    [
        (2, 2, 0, 2),  # an idle machine: one worker per CPU
        (2, 2, 1, 4),  # another busy task: two workers more
        (2, 2, 5, 4),  # however many there are: two more, not a race for the machine
        (8, 8, 1, 10),
        (1, 1, 3, 1),  # one CPU: no pool to grow (a second process would only switch)
        (2, 64, 7, 2),  # a slice of a larger host: its running tasks are on other CPUs
    ],
)
def test_pool_size(usable: int, machine: int, others: int, workers: int) -> None:
    assert pool_size(usable, machine, others) == workers


def _stat(tmp_path: Path, running: int) -> Path:
    """A /proc/stat with ``running`` tasks running."""
    path = tmp_path / "stat"
    path.write_text(f"cpu  1 2 3 4\nprocs_running {running}\nprocs_blocked 0\n",
                    encoding="utf-8")
    return path


@pytest.mark.parametrize(("running", "others"), [(1, 0), (2, 1), (4, 3)])
def test_others_running_leaves_this_process_out(tmp_path: Path, running: int,
                                                others: int) -> None:
    assert others_running(_stat(tmp_path, running)) == others


@pytest.mark.parametrize(("readings", "others", "taken"),
                         [([3, 1, 2], 0, 2), ([3, 2, 3], 1, 3), ([1, 4, 4], 0, 1)])
def test_others_running_takes_the_least_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, readings: list[int], others: int,
    taken: int,
) -> None:
    """A task seen running in one reading only (a shell starting, a short helper) is not
    other work: the least of the readings counts, and a reading of this process alone ends
    the sampling (an idle machine waits for nothing)."""
    asked: list[int] = []

    def reading(path: Path) -> int:
        asked.append(readings[len(asked)])
        return asked[-1]

    monkeypatch.setattr("transflow.cpus._procs_running", reading)
    assert others_running(tmp_path / "unused") == others
    assert len(asked) == taken


@pytest.mark.parametrize("text", ["", "procs_running lots\n", "procs_running\n"])
def test_others_running_is_0_when_unknown(tmp_path: Path, text: str) -> None:
    path = tmp_path / "stat"
    path.write_text(text, encoding="utf-8")
    assert others_running(path) == 0
    assert others_running(tmp_path / "missing") == 0


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no affinity mask here")
def test_worker_count_reads_the_machine(tmp_path: Path) -> None:
    root, proc_cgroup = _tree(tmp_path, "0::/\n", {})
    usable = usable_cpus(root=root, proc_cgroup=proc_cgroup)
    whole = usable >= (os.cpu_count() or usable)
    busy = worker_count(root=root, proc_cgroup=proc_cgroup, proc_stat=_stat(tmp_path, 2))
    assert busy == (usable + 2 if usable > 1 and whole else usable)
    idle = worker_count(root=root, proc_cgroup=proc_cgroup, proc_stat=_stat(tmp_path, 1))
    assert idle == usable
