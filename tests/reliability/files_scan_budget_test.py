"""Scans under faults, with real processes: a stalled worker, Ctrl+C while workers hang,
and kill -9 of the scanning process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ksad_player.core.library.index import LibraryIndex
from ksad_player.core.library.scanner import TOO_BIG, ScanProblem, scan
from ksad_player.core.tags.reader import TOO_LONG

from ..test_index import drain
from ..test_scanner import many

# Many processes each: CI runs these (.ci/run); `./dev test -m slow` runs them here.
pytestmark = pytest.mark.slow


def _procs() -> dict[int, tuple[int, str, str]]:
    """pid -> (parent pid, state, command line) of every process, from /proc."""
    out = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        out[int(entry)] = (int(fields[1]), fields[0], cmd)
    return out


def descendants(root: int) -> dict[int, str]:
    procs = _procs()
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for pid, (ppid, state, cmd) in procs.items():
            if ppid == parent and pid not in found and state != "Z":
                found[pid] = cmd
                frontier.append(pid)
    return found


def alive(pids) -> list[int]:
    procs = _procs()
    return [p for p in pids if p in procs and procs[p][1] != "Z"]


def workers_of(root: int) -> list[int]:
    """The scan workers: the forkserver's children."""
    tree = descendants(root)
    servers = [p for p, cmd in tree.items() if "forkserver" in cmd]
    procs = _procs()
    return [p for p, (ppid, state, _) in procs.items() if ppid in servers and state != "Z"]


@pytest.mark.parametrize(
    ("fault", "reason"),
    [(signal.SIGSTOP, TOO_LONG), (signal.SIGKILL, TOO_BIG)],
    ids=["stalled (a hung drive)", "killed (the kernel's out-of-memory killer)"],
)
def test_a_stalled_or_killed_worker_is_replaced_and_its_file_reported(
    tmp_path, matcher, fault, reason
):
    lib = many(tmp_path, 1200)
    hit: list[int] = []

    def strike() -> None:  # the first worker seen gets the fault
        deadline = time.monotonic() + 30
        while not hit and time.monotonic() < deadline:
            pids = workers_of(os.getpid())
            if pids:
                os.kill(pids[0], fault)
                hit.append(pids[0])
            time.sleep(0.005)

    spy = threading.Thread(target=strike)
    spy.start()
    with LibraryIndex() as idx:
        summary, events = drain(scan(idx, matcher, [str(lib)], workers=2, file_seconds=1.5))
        spy.join()
        assert hit, "no worker was seen"
        problems = [e for e in events if isinstance(e, ScanProblem)]
        assert [p.reason for p in problems] == [reason]
        assert summary.files == 1200 and idx.count() == 1200
        assert summary.matched == 1199 and summary.errors == 1
        assert not alive(hit)  # the worker was killed, not left behind


def _start_scan(lib: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "ksad_player", "scan", str(lib), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _wait_for_workers(proc: subprocess.Popen[str], n: int = 2) -> list[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        pids = workers_of(proc.pid)
        if len(pids) >= n:
            return pids
        time.sleep(0.01)
    raise AssertionError("the scan started no workers")


def test_ctrl_c_stops_a_scan_whose_workers_hang(tmp_path):
    lib = many(tmp_path, 1200)
    proc = _start_scan(lib)
    try:
        for pid in _wait_for_workers(proc):
            os.kill(pid, signal.SIGSTOP)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130, err
    assert "cancelled" in out and "Traceback" not in err


def test_kill_9_of_the_scan_leaves_no_process_behind(tmp_path):
    lib = many(tmp_path, 1200)
    proc = _start_scan(lib)
    helpers: dict[int, str] = {}
    try:
        _wait_for_workers(proc)
        helpers = descendants(proc.pid)  # forkserver, workers, resource tracker
        assert len(helpers) >= 3
        proc.kill()
        proc.wait()
        deadline = time.monotonic() + 10
        while alive(helpers) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = {p: helpers[p] for p in alive(helpers)}
        assert not left, f"left running after kill -9: {left}"
    finally:
        for p in alive([*helpers, *descendants(proc.pid)]):
            os.kill(p, signal.SIGKILL)


def test_workers_start_while_the_walk_goes_on_and_a_cancel_then_ends_them(
    tmp_path, matcher, monkeypatch
):
    """Once enough files wait to be read, the workers start on a thread during the walk
    (a cold scan no longer waits for them after it); a scan cancelled before it reads
    anything ends them too."""
    from ksad_player.core.library import scanner

    lib = many(tmp_path, 1000, per_folder=10)
    started: list[object] = []
    real_init = scanner._EarlyPool.__init__

    def spy(self, *args, **kwargs):
        real_init(self, *args, **kwargs)
        started.append(self)

    monkeypatch.setattr(scanner._EarlyPool, "__init__", spy)
    with LibraryIndex() as idx:
        summary, _ = drain(scan(idx, matcher, [str(lib)], workers=2))
        assert started and started[0].taken and started[0].pool is not None
        assert (summary.files, summary.new, summary.matched) == (1000, 1000, 1000)
    assert not workers_of(os.getpid())

    cancel = threading.Event()

    def cancel_once_started(self, *args, **kwargs):
        spy(self, *args, **kwargs)
        cancel.set()  # the walk stops at its next folder, before any file is read

    monkeypatch.setattr(scanner._EarlyPool, "__init__", cancel_once_started)
    started.clear()
    with LibraryIndex(tmp_path / "other.sqlite3") as idx:
        summary, _ = drain(scan(idx, matcher, [str(lib)], workers=2, cancel=cancel))
        assert summary.cancelled and idx.count() == 0
    assert started and not workers_of(os.getpid())  # started, then ended: none left
