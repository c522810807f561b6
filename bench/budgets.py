"""Reading budgets, measured: what a hostile file costs against a normal one, in the same run.

    .venv/bin/python bench/budgets.py [--rounds 3] [--files 3000]

Each file is read by `read_tags` in a fresh process, so its peak memory is the reading's;
figures are ratios to a plain clip read the same way. Then a scan of --files files is
interrupted (SIGINT) after its workers start and timed until exit, with its workers
running and with them stalled (SIGSTOP); and a scan is killed (SIGKILL) and timed until
no helper process is left. Targets: hostile reads within 10× the time (50 ms floor) and 2× the memory of
a plain clip (a 10 MB Vorbis comment: under 100 MB more, as mutagen holds it whole once);
Ctrl+C under 1 s; no process left 2 s after kill -9.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.reliability.files_readers_test import HUGE  # noqa: E402
from tests.reliability.files_scan_budget_test import (  # noqa: E402
    alive,
    descendants,
    workers_of,
)
from tests.test_scanner import many  # noqa: E402

PROBE = """
import json, sys, time
from ksad_player.core.tags.reader import read_tags
t = time.perf_counter(); r = read_tags(sys.argv[1]); t = time.perf_counter() - t
hwm = next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM"))
print(json.dumps({"s": t, "rss": hwm}))
"""


def probe(path: Path, rounds: int) -> tuple[float, int]:
    runs = []
    for _ in range(rounds):
        out = subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True,
                             text=True, check=True, cwd=ROOT)  # fmt: skip
        runs.append(json.loads(out.stdout))
    return statistics.median(r["s"] for r in runs), max(r["rss"] for r in runs)


def scan_proc(lib: Path, index: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "ksad_player", "scan", str(lib), "--index", str(index)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, cwd=ROOT,
    )  # fmt: skip


def wait_workers(proc: subprocess.Popen[bytes]) -> list[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        pids = workers_of(proc.pid)
        if len(pids) >= 2:
            return pids
        time.sleep(0.005)
    raise SystemExit("the scan started no workers")


def ctrl_c(lib: Path, tmp: Path, stall: bool) -> float:
    proc = scan_proc(lib, tmp / f"i{time.monotonic_ns()}.sqlite3")
    pids = wait_workers(proc)
    if stall:
        for p in pids:
            os.kill(p, signal.SIGSTOP)
    t = time.perf_counter()
    proc.send_signal(signal.SIGINT)
    proc.wait(60)
    return time.perf_counter() - t


def kill_9(lib: Path, tmp: Path) -> float:
    proc = scan_proc(lib, tmp / f"k{time.monotonic_ns()}.sqlite3")
    wait_workers(proc)
    helpers = descendants(proc.pid)
    t = time.perf_counter()
    proc.kill()
    proc.wait()
    while alive(helpers) and time.perf_counter() - t < 30:
        time.sleep(0.01)
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--files", type=int, default=3000)
    args = ap.parse_args()
    ok = True
    print(
        f"# budgets — {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        base_s, base_rss = probe(ROOT / "tests" / "data" / "clip.mp3", args.rounds)
        print(f"{'file':28} {'read s':>8} {'× base':>7} {'peak MB':>8} {'× base':>7}")
        print(
            f"{'plain clip (baseline)':28} {base_s:8.3f} {1:7.1f} {base_rss / 1024:8.0f} {1:7.1f}"
        )
        for case, (name, make) in sorted(HUGE.items()):
            s, rss = probe(make(tmp / name), args.rounds)
            # the wall time of a tiny read is noise; a floor of 50 ms keeps the ratio honest
            ts, tm = s / max(base_s, 0.05), rss / base_rss
            # mutagen holds a Vorbis comment whole while parsing: linear in the field, once
            ok &= ts <= 10 and (tm <= 2 or ("Vorbis" in case and rss < base_rss + 100 * 1024))
            print(f"{case:28} {s:8.3f} {ts:7.1f} {rss / 1024:8.0f} {tm:7.1f}")
        lib = many(tmp, args.files)
        runs = {k: [] for k in ("Ctrl+C, workers running", "Ctrl+C, workers stalled", "kill -9 → no process left")}  # fmt: skip
        for _ in range(args.rounds):
            runs["Ctrl+C, workers running"].append(ctrl_c(lib, tmp, stall=False))
            runs["Ctrl+C, workers stalled"].append(ctrl_c(lib, tmp, stall=True))
            runs["kill -9 → no process left"].append(kill_9(lib, tmp))
        for what, secs in runs.items():
            limit = 2.0 if what.startswith("kill") else 1.0
            ok &= max(secs) < limit
            print(
                f"{what:28} worst {max(secs):6.2f} s, median {statistics.median(secs):6.2f} s (target < {limit} s)"
            )
    print("targets met" if ok else "TARGETS MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
