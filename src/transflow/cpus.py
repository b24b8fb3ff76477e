"""How many worker processes a command may run: the CPUs this process can actually use.

``os.cpu_count()`` counts the machine's CPUs, not this process's share of them. In a container
limited to two CPUs on a 64-CPU host (a CI runner, ``docker run --cpus 2``) it says 64, and a
build would fork 64 workers that then queue for two CPUs: 64 imports' worth of memory and
startup for no gain, and more processes fighting over the same cores on a shared machine.
The usable count is the smaller of the CPUs the scheduler lets this process run on (its
affinity mask: ``taskset``, cpusets) and the cgroup's CPU quota (cgroup v2 ``cpu.max``, v1
``cpu.cfs_quota_us`` / ``cpu.cfs_period_us``), rounded up: a quota of 1.5 CPUs still runs two
workers at three quarters of a CPU each, as much work per second as the quota allows.

While other work is running on the machine, the pool's size depends on whom it competes
with (:func:`worker_count`, :func:`pool_size`): the scheduler shares the CPUs fairly between
scheduling groups first (cgroups, and the session groups of ``autogroup``), then between the
tasks of a group. Against tasks of its own group a pool takes two workers more than it has
CPUs; against other groups' work it runs fewer.
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
#: The processes this one can see (``<pid>/stat``, ``<pid>/task``, ``<pid>/cgroup``, …).
PROC = Path("/proc")


def worker_count(*, root: Path = CGROUP_ROOT, proc_cgroup: Path = PROC_CGROUP,
                 proc_stat: Path = PROC_STAT, proc: Path = PROC) -> int:
    """The number of worker processes a command's pool runs (see :func:`pool_size`)."""
    usable = usable_cpus(root=root, proc_cgroup=proc_cgroup)
    machine = os.cpu_count() or usable
    if usable <= 1 or usable < machine:
        return usable  # (pool_size's answer whatever runs: nothing more to read)
    others = others_running(proc_stat)
    alongside = running_alongside(proc) if others else 0
    return pool_size(usable, machine, others, alongside)


#: Workers added to a pool while tasks of its own scheduling group run (see :func:`pool_size`).
EXTRA_WHEN_SHARED = 2


def pool_size(usable: int, machine: int, others: int, alongside: int | None = None) -> int:
    """Workers for ``usable`` CPUs of a ``machine`` where ``others`` other tasks are running,
    ``alongside`` of them in this process's scheduling group (None: not known, taken as all).

    The scheduler is fair between groups first (cgroups, and ``autogroup``'s sessions), then
    between the tasks of a group, and the two cases call for opposite answers:

    * **Other tasks of this group** (a load started from the same shell or job): the
      balancer counts running tasks per CPU, not each task's share. On two CPUs with one
      other busy process, two workers stay together on one CPU while the other process
      keeps the second to itself: the pool gets one CPU's worth and runs no faster than one
      process. More workers than CPUs give the balancer tasks to spread. Measured with one
      CPU kept busy: a cold ``build`` of 2,000 articles took 2.12 s with two workers,
      1.79 s with three and 1.74 s with four; a cold ``sync`` of 500, 0.76 s, 0.65 s and
      0.62 s (medians of 8). Ninja likewise runs two jobs more than CPUs by default.
    * **Only other groups' tasks** (another session, another container or job): the pool
      gets its group's share, however many workers it runs, and each worker more only adds
      its own start and the switching between them. Measured on two CPUs, one CPU kept busy
      from another session, a cold ``build`` of 500 articles: 0.75 s in one process, 0.82 s
      with two workers, 0.91 s with four (``sync``: 0.79, 0.88 and 1.02 s; medians of 8).
      A busy task of another group takes at most one CPU, and all of them together at most
      half of them (their share when they are one group): the pool keeps the rest.

    On an idle machine extra workers only cost switching (the 2,000-article build: 1.25 s
    with two, 1.33 s with three), and only where this process sees the whole machine does
    the count mean anything (in a slice of a larger host the running tasks counted are
    mostly on other CPUs): one worker per usable CPU then.
    """
    if usable <= 1 or usable < machine or others <= 0:
        return usable
    if alongside is None or alongside > 0:
        return usable + EXTRA_WHEN_SHARED
    return max(1, usable - min(others, usable // 2))


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


def running_alongside(proc: Path = PROC) -> int | None:
    """How many tasks besides this process's own are running (or ready to run) in its
    scheduling group, among the processes it can see; None when it cannot tell.

    The group is the task group the scheduler shares the CPUs between (:func:`_group`).
    Tasks this process cannot see (another container's) are in another cgroup: never its
    group's. One pass over ``proc``: a small read per process (a few more for one that is
    running), made only while other tasks are running (:func:`worker_count`).
    """
    me = os.getpid()
    sessions = _sessions_grouped(proc, str(me))
    mine = _group(proc, str(me), sessions)
    if mine is None:
        return None
    count = 0
    try:
        entries = list(os.scandir(proc))
    except OSError:
        return None
    for entry in entries:
        name = entry.name
        if name.isdigit() and name != str(me):
            running = _running_tasks(entry.path)
            if running and _group(proc, name, sessions) == mine:
                count += running
    return count


def _running_tasks(folder: str) -> int:
    """The running (or runnable) threads of the process whose ``/proc`` folder this is."""
    state, threads = _state(os.path.join(folder, "stat"))
    if threads <= 1:
        return 1 if state == b"R" else 0
    try:
        tasks = [t.path for t in os.scandir(os.path.join(folder, "task"))]
    except OSError:
        return 1 if state == b"R" else 0
    return sum(1 for task in tasks if _state(os.path.join(task, "stat"))[0] == b"R")


def _state(path: str) -> tuple[bytes, int]:
    """(state letter, number of threads) from a ``stat`` file; (b"", 0) when unreadable.
    The name in parentheses may hold anything, so the fields are read after its last ``)``:
    the state is the first, the thread count the eighteenth."""
    try:
        with open(path, "rb") as stat:
            text = stat.read()
        fields = text[text.rindex(b")") + 2 :].split()
        return fields[0], int(fields[17])
    except (OSError, ValueError, IndexError):
        return b"", 0


def _group(proc: Path, pid: str, sessions: bool) -> tuple[str, str] | None:
    """The scheduling group of process ``pid``: its CPU cgroup, and within the root cgroup its
    session's autogroup when the kernel groups sessions (``sessions``: ``autogroup`` only
    regroups tasks of the root cgroup). None when its cgroup cannot be read."""
    try:
        lines = (proc / pid / "cgroup").read_text(encoding="utf-8").splitlines()
    except OSError:
        return None
    unified = cpu = None
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[1] == "":
            unified = parts[2]
        elif "cpu" in parts[1].split(","):
            cpu = parts[2]
    path = cpu if cpu is not None else unified
    if path is None:
        return None
    session = ""
    if path == "/" and sessions:
        try:
            session = (proc / pid / "autogroup").read_text(encoding="utf-8").split()[0]
        except (OSError, IndexError):
            session = ""
    return path, session


#: What ``/proc/<pid>/ns/cgroup`` names in the host's own cgroup namespace (the kernel's
#: ``PROC_CGROUP_INIT_INO``): there the cgroup path ``/`` is the root cgroup itself.
INITIAL_CGROUP_NAMESPACE = "cgroup:[4026531835]"


def _sessions_grouped(proc: Path, pid: str) -> bool:
    """True when the kernel gives each session of the root cgroup a scheduling group of its
    own (``autogroup`` on) and process ``pid`` sees the real root cgroup as ``/``: in a
    container's own cgroup namespace, ``/`` is the container's cgroup, whose sessions are
    not grouped. (A kernel without cgroup namespaces has no ``ns/cgroup``: the host's.)"""
    try:
        on = (proc / "sys/kernel/sched_autogroup_enabled").read_text(
            encoding="utf-8").strip() == "1"
    except OSError:
        return False
    try:
        return on and os.readlink(proc / pid / "ns" / "cgroup") == INITIAL_CGROUP_NAMESPACE
    except OSError:
        return on


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
