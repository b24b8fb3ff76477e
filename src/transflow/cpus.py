"""How many worker processes a command may run: the CPUs this process can actually use.

``os.cpu_count()`` counts the machine's CPUs, not this process's share of them. In a container
limited to two CPUs on a 64-CPU host (a CI runner, ``docker run --cpus 2``) it says 64, and a
build would fork 64 workers that then queue for two CPUs: 64 imports' worth of memory and
startup for no gain, and more processes fighting over the same cores on a shared machine.
The usable count is the smaller of the CPUs the scheduler lets this process run on (its
affinity mask: ``taskset``, cpusets) and the cgroup's CPU quota (cgroup v2 ``cpu.max``, v1
``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``), rounded up: a quota of 1.5 CPUs still runs two
workers at three quarters of a CPU each, as much work per second as the quota allows.

A pool takes two workers more than that while other work is running on the machine
(:func:`worker_count`): see :func:`pool_size` for why.
"""

from __future__ import annotations

import math
import os
import time
from pathlib import Path

#: Where the kernel shows cgroups (both versions mount here on every mainstream distribution).
CGROUP_ROOT = Path("/sys/fs/cgroup")
PROC_CGROUP = Path("/proc/self/cgroup")
#: The kernel's counters; ``procs_running`` is how many tasks are running or ready to run now.
PROC_STAT = Path("/proc/stat")


def worker_count(*, root: Path = CGROUP_ROOT, proc_cgroup: Path = PROC_CGROUP,
                 proc_stat: Path = PROC_STAT) -> int:
    """The number of worker processes a command's pool runs (see :func:`pool_size`)."""
    usable = usable_cpus(root=root, proc_cgroup=proc_cgroup)
    others = others_running(proc_stat) if usable > 1 else 0
    return pool_size(usable, os.cpu_count() or usable, others)


#: Workers added to a pool while other work is running (see :func:`pool_size`).
EXTRA_WHEN_SHARED = 2


def pool_size(usable: int, machine: int, others: int) -> int:
    """Workers for ``usable`` CPUs of a ``machine`` where ``others`` other tasks are running.

    Why more workers while other work runs: the scheduler balances the number of running
    tasks per CPU, not each task's share. On two CPUs with one other busy process, two
    workers stay together on one CPU while the other process keeps the second to itself:
    the pool gets one CPU's worth and runs no faster than one process. More workers than
    CPUs give the balancer tasks to spread. Measured with one CPU kept busy: a cold
    ``build`` of 2,000 articles took 2.12 s with two workers, 1.79 s with three and 1.74 s
    with four; a cold ``sync`` of 500, 0.76 s, 0.65 s and 0.62 s (medians of 8). Ninja
    likewise runs two jobs more than CPUs by default. On an idle machine extra workers only
    cost switching (that build: 1.25 s with two, 1.33 s with three), so they are added only
    while another task runs, and only where this process sees the whole machine (in a
    slice of a larger host the running tasks counted are mostly on other CPUs).
    """
    if usable > 1 and usable >= machine and others > 0:
        return usable + EXTRA_WHEN_SHARED
    return usable


#: Readings of ``procs_running`` taken, a millisecond apart: the least counts, so that a
#: task that ran only for an instant (a shell, a short helper) is not taken for other work.
SAMPLES = 3


def others_running(proc_stat: Path = PROC_STAT, *, samples: int = SAMPLES) -> int:
    """How many tasks besides this one are running or ready to run (0 when unknown).

    A reading that shows this process alone ends it: the least cannot be lower, so an idle
    machine costs one read and no wait (every command that may start a pool asks this).
    """
    least = 1
    for turn in range(samples):
        if turn:
            time.sleep(0.001)
        count = _procs_running(proc_stat)
        if count is None:
            return 0
        least = count if turn == 0 else min(least, count)
        if least <= 1:
            break
    return max(0, least - 1)  # (this process is one of them)


def _procs_running(proc_stat: Path) -> int | None:
    try:
        with proc_stat.open("rb") as stat:
            for line in stat:
                if line.startswith(b"procs_running "):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def usable_cpus(*, root: Path = CGROUP_ROOT, proc_cgroup: Path = PROC_CGROUP) -> int:
    """The number of CPUs this process can keep busy (at least 1)."""
    if hasattr(os, "sched_getaffinity"):
        count = len(os.sched_getaffinity(0))
    else:  # (macOS, Windows: no affinity mask to read)
        count = os.cpu_count() or 1
    quota = cgroup_quota(root=root, proc_cgroup=proc_cgroup)
    if quota is not None:
        count = min(count, math.ceil(quota))
    return max(1, count)


def cgroup_quota(*, root: Path = CGROUP_ROOT, proc_cgroup: Path = PROC_CGROUP) -> float | None:
    """CPUs' worth of time per period this process's cgroups allow (None: no limit, or no
    cgroups to read). The tightest limit along the cgroup's path counts: a parent's quota
    binds its children too."""
    try:
        lines = proc_cgroup.read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    limits: list[float] = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":  # cgroup v2: one unified hierarchy
            for folder in _ancestors(root, path):
                limits += _v2_limit(folder / "cpu.max")
        elif "cpu" in controllers.split(","):  # cgroup v1: the cpu controller's own hierarchy
            mount = _v1_mount(root, controllers)
            if mount is not None:
                for folder in _ancestors(mount, path):
                    limits += _v1_limit(folder)
    return min(limits) if limits else None


def _ancestors(mount: Path, path: str) -> list[Path]:
    """``mount/path`` and its parents up to ``mount``. Inside a container the path is often
    relative to a namespace whose root is the mount itself: the folders that exist count."""
    folder = mount / path.strip("/")
    found = []
    while True:
        if folder.is_dir():
            found.append(folder)
        if folder == mount or mount not in folder.parents:
            break
        folder = folder.parent
    return found


def _v1_mount(root: Path, controllers: str) -> Path | None:
    for name in (controllers, "cpu,cpuacct", "cpuacct,cpu", "cpu"):
        if (root / name).is_dir():
            return root / name
    return None


def _v2_limit(path: Path) -> list[float]:
    try:
        quota, period = path.read_text(encoding="utf-8").split()[:2]
        if quota != "max" and int(period) > 0:
            return [int(quota) / int(period)]
    except (OSError, ValueError):
        pass
    return []


def _v1_limit(folder: Path) -> list[float]:
    try:
        quota = int((folder / "cpu.cfs_quota_us").read_text(encoding="utf-8"))
        period = int((folder / "cpu.cfs_period_us").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [quota / period] if quota > 0 and period > 0 else []
