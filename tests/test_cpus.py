"""How many workers a command may fork: affinity and cgroup CPU quotas, on fake cgroup trees."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from transflow.cpus import (
    INITIAL_CGROUP_NAMESPACE,
    cgroup_quota,
    others_running,
    pool_size,
    running_alongside,
    usable_cpus,
    worker_count,
)


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
    ("usable", "machine", "others", "alongside", "workers"),
    [
        (2, 2, 0, 0, 2),  # an idle machine: one worker per CPU
        (2, 2, 1, 1, 4),  # another busy task of this group: two workers more
        (2, 2, 5, 5, 4),  # however many there are: two more, not a race for the machine
        (8, 8, 1, 1, 10),
        (2, 2, 1, None, 4),  # whose, not known (no /proc to read): taken as this group's
        (2, 2, 1, 0, 1),  # another group's busy task takes one CPU: one worker, no pool
        (2, 2, 6, 0, 1),
        (8, 8, 1, 0, 7),  # ... and no more than one
        (8, 8, 3, 0, 5),
        (8, 8, 9, 0, 4),  # other groups together: at most half the machine
        (8, 8, 9, 2, 10),  # some of this group's among them: two more
        (1, 1, 3, 3, 1),  # one CPU: no pool to grow (a second process would only switch)
        (2, 64, 7, 7, 2),  # a slice of a larger host: its running tasks are on other CPUs
    ],
)
def test_pool_size(usable: int, machine: int, others: int, alongside: int | None,
                   workers: int) -> None:
    assert pool_size(usable, machine, others, alongside) == workers


def _process(proc: Path, pid: int, *, state: str = "S", cgroup: str = "0::/\n",
             autogroup: str = "/autogroup-1 nice 0\n", threads: list[str] | None = None,
             name: str = "python3") -> None:
    """A process as ``/proc/<pid>`` shows it: its ``stat`` (state, thread count), ``cgroup``,
    ``autogroup`` and, for a multi-threaded one, each thread's ``task/<tid>/stat``."""
    folder = proc / str(pid)
    folder.mkdir(parents=True)
    count = len(threads) if threads else 1
    rest = " ".join(["1"] * 16)  # ppid … nice: fields 4 to 19
    (folder / "stat").write_text(f"{pid} ({name}) {state} {rest} {count} 0 0\n",
                                 encoding="utf-8")
    (folder / "cgroup").write_text(cgroup, encoding="utf-8")
    (folder / "autogroup").write_text(autogroup, encoding="utf-8")
    for n, thread_state in enumerate(threads or []):
        task = folder / "task" / str(pid + n)
        task.mkdir(parents=True)
        (task / "stat").write_text(f"{pid + n} ({name}) {thread_state} {rest} {count} 0 0\n",
                                   encoding="utf-8")


def _proc(tmp_path: Path, *, autogroup: bool = True, mine: str = "0::/\n",
          namespace: str | None = INITIAL_CGROUP_NAMESPACE) -> Path:
    """A /proc holding this process (running: itself is left out), in cgroup ``mine``,
    session group 1, and cgroup namespace ``namespace`` (None: a kernel without them)."""
    proc = tmp_path / "proc"
    (proc / "sys/kernel").mkdir(parents=True)
    (proc / "sys/kernel/sched_autogroup_enabled").write_text("1\n" if autogroup else "0\n",
                                                           encoding="utf-8")
    _process(proc, os.getpid(), state="R", cgroup=mine)
    if namespace is not None:
        (proc / str(os.getpid()) / "ns").mkdir()
        (proc / str(os.getpid()) / "ns" / "cgroup").symlink_to(namespace)
    return proc


def test_running_alongside_counts_this_groups_running_tasks(tmp_path: Path) -> None:
    proc = _proc(tmp_path)
    me = os.getpid()
    _process(proc, me + 1, state="R")  # same session group: counted
    _process(proc, me + 2, state="R", autogroup="/autogroup-7 nice 0\n")  # another session
    _process(proc, me + 3, state="S")  # same group, asleep
    _process(proc, me + 4, state="D")  # waiting for the disk: not running either
    _process(proc, me + 5, state="S", threads=["S", "R", "R"])  # two threads running
    _process(proc, me + 6, state="R", name="a) R (b")  # a name with parentheses in it
    assert running_alongside(proc) == 4


def test_other_cgroups_are_other_groups_whatever_their_session(tmp_path: Path) -> None:
    """A task of another cgroup (a container, a CI job) is never this group's; within a
    cgroup other than the root one, sessions are not groups (autogroup regroups only the
    root cgroup's tasks); with autogroup off, no session is."""
    proc = _proc(tmp_path, mine="1:cpu,cpuacct:/job\n0::/x\n")
    me = os.getpid()
    _process(proc, me + 1, state="R", cgroup="1:cpu,cpuacct:/other\n0::/x\n")
    _process(proc, me + 2, state="R", cgroup="1:cpu,cpuacct:/job\n0::/y\n",
             autogroup="/autogroup-9 nice 0\n")
    assert running_alongside(proc) == 1  # the second: same CPU cgroup, another session
    quiet = _proc(tmp_path / "off", autogroup=False)
    _process(quiet, me + 1, state="R", autogroup="/autogroup-9 nice 0\n")
    assert running_alongside(quiet) == 1


@pytest.mark.parametrize(("namespace", "alongside"), [
    (INITIAL_CGROUP_NAMESPACE, 0),  # the host's: "/" is the root cgroup, sessions are groups
    (None, 0),  # a kernel without cgroup namespaces: the host's too
    ("cgroup:[4026532512]", 1),  # a container's: "/" is its cgroup, sessions are not groups
])
def test_sessions_are_groups_only_in_the_real_root_cgroup(
    tmp_path: Path, namespace: str | None, alongside: int
) -> None:
    proc = _proc(tmp_path, namespace=namespace)
    _process(proc, os.getpid() + 1, state="R", autogroup="/autogroup-7 nice 0\n")
    assert running_alongside(proc) == alongside


def test_running_alongside_is_none_without_a_readable_proc(tmp_path: Path) -> None:
    assert running_alongside(tmp_path / "missing") is None


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
    whole = usable > 1 and usable >= (os.cpu_count() or usable)
    proc = _proc(tmp_path)
    _process(proc, os.getpid() + 1, state="R", autogroup="/autogroup-7 nice 0\n")

    def count() -> int:
        return worker_count(root=root, proc_cgroup=proc_cgroup, proc_stat=_stat(tmp_path, 2),
                            proc=proc)

    assert count() == (max(1, usable - 1) if whole else usable)  # another session's task
    _process(proc, os.getpid() + 2, state="R")  # and one of this session's
    assert count() == (usable + 2 if whole else usable)
    idle = worker_count(root=root, proc_cgroup=proc_cgroup, proc_stat=_stat(tmp_path, 1),
                        proc=proc)
    assert idle == usable


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="no /proc here")
def test_running_alongside_sees_a_busy_child_on_the_real_proc() -> None:
    """On the machine itself: a busy process started from here (same cgroup, same session)
    is this group's running task."""
    busy = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        stat = Path(f"/proc/{busy.pid}/stat")
        deadline = time.monotonic() + 30

        def spinning() -> bool:  # past its start (0.2 s of CPU), so in its loop: running
            fields = stat.read_bytes().rsplit(b")", 1)[1].split()
            return int(fields[11]) + int(fields[12]) >= os.sysconf("SC_CLK_TCK") // 5

        while not spinning():
            assert time.monotonic() < deadline, "the busy child never ran"
            time.sleep(0.01)
        found = running_alongside()
        assert found is not None and found >= 1
    finally:
        busy.kill()
        busy.wait()
