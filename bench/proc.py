"""Timing whole processes for the benchmarks: wall time, CPU time and peak memory.

Every case runs as its own process, the way a user starts it, and rounds interleave the
cases so that a busy moment of the machine hits them all alike. Ratios compare medians
measured in the same run.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable


def entry_point() -> list[str]:
    """The installed `ksad-player` script beside this interpreter (pip's wrapper), or -m."""
    script = Path(PYTHON).parent / "ksad-player"
    return [str(script)] if script.exists() else [PYTHON, "-m", "ksad_player"]


def child_env(tmp: Path) -> dict[str, str]:
    """The environment a user has: bytecode caches written and used (an installed package
    has them), isolated XDG folders so that no real library is touched."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        (tmp / var).mkdir(parents=True, exist_ok=True)
        env[var] = str(tmp / var)
    return env


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    kids = [int(x) for x in f.read().split()]
                out += kids
                todo += kids
        except OSError:
            pass
    return out


def _cpu_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


class PeakRSS:
    """Samples a process tree every 10 ms (default: this process's): the peak of its
    summed RSS, and the CPU time of every process in it, workers included, which the
    rusage of one child misses when they are not its own children."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid = pid or os.getpid()
        self.peak = 0
        self.ticks: dict[int, int] = {}

    @property
    def cpu(self) -> float:
        return sum(self.ticks.values()) / _TICK

    def __enter__(self) -> PeakRSS:
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self) -> None:
        while not self._stop.is_set():
            tree = [self.pid, *_descendants(self.pid)]
            self.peak = max(self.peak, sum(_rss_kb(p) for p in tree))
            for p in tree:
                self.ticks[p] = max(self.ticks.get(p, 0), _cpu_ticks(p))
            self._stop.wait(0.01)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


@dataclass(frozen=True)
class Run:
    wall: float  # seconds, launch to exit
    cpu: float  # user + system seconds of the process and the children it waited for
    rss_kb: int  # peak summed RSS of the process tree
    tree_cpu: float = 0.0  # sampled CPU seconds of the whole tree (with rss=True only)


def run(cmd: Sequence[str], env: dict[str, str], *, rss: bool = False) -> Run:
    """One whole process, output discarded; fails loudly when it fails."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = PeakRSS(proc.pid) if rss else None
    if sampler:
        sampler.__enter__()
    assert proc.stderr is not None
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if sampler:
        sampler.__exit__()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{err.decode()}")
    cpu = usage.ru_utime + usage.ru_stime
    if sampler is None:
        return Run(wall, cpu, 0)
    return Run(wall, cpu, sampler.peak, max(cpu, sampler.cpu))


@dataclass
class Case:
    name: str
    cmd: Sequence[str]
    setup: Callable[[], None] | None = None
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def spread(self) -> float:
        walls = [r.wall for r in self.runs]
        return max(walls) - min(walls)

    @property
    def rss_mb(self) -> float:
        return max(r.rss_kb for r in self.runs) / 1024


def measure(cases: list[Case], env: dict[str, str], rounds: int, *, rss: bool = False) -> None:
    """Rounds of every case in turn (interleaved), after one unrecorded warm-up each."""
    for case in cases:
        if case.setup:
            case.setup()
        run(case.cmd, env)
    for _ in range(rounds):
        for case in cases:
            if case.setup:
                case.setup()
            case.runs.append(run(case.cmd, env, rss=rss))


def machine() -> str:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {load:.2f} at the start"
    )


def record(text: str, enabled: bool) -> None:
    """Print a result and append it to RESULTS.md."""
    print(text)
    if enabled:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write("\n" + text)


def stamp(title: str) -> str:
    return f"### {title} — {time.strftime('%Y-%m-%d %H:%M')} — {platform.node()}"
