"""Scan benchmark: ksad-player's scanner against a bare mutagen loop, in the same run.

    .venv/bin/python bench/scan.py --files 20000,100000 [--rounds 3]

Prints files/s, wall time, peak RSS and each figure as a ratio to its baseline, checks the
targets (set for 20,000 files; larger libraries scale them linearly), and with several sizes
checks that the cost per file stays flat. Appends the tables to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mutagen

from bench.synth import make_library, touch_fraction
from ksad_player.core import catalog as catalog_mod
from ksad_player.core.library.index import LibraryIndex
from ksad_player.core.library.scanner import drive, scan
from ksad_player.core.match.matcher import Matcher

HERE = Path(__file__).resolve().parent


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


class PeakRSS:
    """Samples the summed RSS of this process and all its descendants every 10 ms."""

    def __enter__(self) -> PeakRSS:
        self.peak = 0
        self._stop = threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)
        self._t.start()
        return self

    def _run(self) -> None:
        me = os.getpid()
        while not self._stop.is_set():
            total = _rss_kb(me) + sum(_rss_kb(p) for p in _descendants(me))
            self.peak = max(self.peak, total)
            self._stop.wait(0.01)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._t.join()


def bare_walk(root: Path) -> int:
    n = 0
    stack = [str(root)]
    while stack:
        with os.scandir(stack.pop()) as it:
            for d in it:
                if d.is_dir():
                    stack.append(d.path)
                elif d.is_file():
                    d.stat()
                    n += 1
    return n


def reference_loop(root: Path) -> int:
    """What a plain player does: mutagen.File(path, easy=True) on every file, one process."""
    n = 0
    for dirpath, _, files in os.walk(root):
        for name in files:
            if name.startswith("."):
                continue
            f = mutagen.File(os.path.join(dirpath, name), easy=True)
            if f is not None:
                tags = f.tags or {}
                for k in ("title", "artist", "album", "albumartist", "tracknumber"):
                    tags.get(k)
                _ = f.info.length
                n += 1
    return n


def drain(gen) -> object:
    return drive(gen, lambda _event: None)


def record(text: str, enabled: bool) -> None:
    """Print a result and append it to RESULTS.md."""
    print(text)
    if enabled:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write("\n" + text)


def measure(fn: Callable[[], object], rounds: int, setup: Callable[[], None] | None = None):
    times, peaks = [], []
    for _ in range(rounds):
        if setup:
            setup()
        with PeakRSS() as rss:
            t = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t)
        peaks.append(rss.peak)
    return statistics.median(times), (max(times) - min(times)), max(peaks)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", default="20000", help="one size or several, comma-separated")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = ap.parse_args()
    sizes = [int(x) for x in args.files.split(",")]
    results = {n: run_size(n, args) for n in sizes}
    ok = all(r[0] for r in results.values())
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        lines = [f"Cost per file at {large:,} vs {small:,} files (1.00 = perfectly linear):", ""]
        for step, (t_small, _, _) in results[small][1].items():
            t_large = results[large][1][step][0]
            ratio = (t_large / large) / (t_small / small)
            flat = ratio < 1.35
            ok &= flat or step in ("walk + stat", "mutagen loop (reference)")
            lines.append(f"- {step}: {ratio:.2f}{'' if flat else '  (grows faster than linear)'}")
        record("\n".join(lines) + "\n", not args.no_record)
    return 0 if ok else 1


def run_size(n: int, args: argparse.Namespace) -> tuple[bool, dict[str, tuple[float, float, int]]]:
    lib = make_library(args.out / f"lib-{n}", n)
    matcher = Matcher(catalog_mod.load_file(catalog_mod.paths.builtin_catalog_path()))
    tmp = Path(tempfile.mkdtemp(prefix="ksad-bench-"))
    bare_walk(lib)  # warm the page cache for everybody alike
    reference_loop(lib)

    rows: dict[str, tuple[float, float, int]] = {}
    rows["walk + stat"] = measure(lambda: bare_walk(lib), args.rounds)
    rows["mutagen loop (reference)"] = measure(lambda: reference_loop(lib), args.rounds)
    counter = iter(range(10**6))
    state: dict[str, LibraryIndex] = {}

    def fresh() -> None:
        state["idx"] = LibraryIndex(tmp / f"cold-{next(counter)}.sqlite3")

    rows["cold scan"] = measure(
        lambda: drain(scan(state["idx"], matcher, [str(lib)])), args.rounds, fresh
    )
    idx = state["idx"]
    rows["unchanged rescan"] = measure(lambda: drain(scan(idx, matcher)), args.rounds)
    seeds = iter(range(100, 200))
    rows["rescan after touching 1%"] = measure(
        lambda: drain(scan(idx, matcher)),
        args.rounds,
        lambda: touch_fraction(lib, 0.01, next(seeds)),
    )
    rows["full rematch"] = measure(lambda: idx.rematch(matcher), args.rounds)
    assert idx.count() == n, (idx.count(), n)

    walk_t = rows["walk + stat"][0]
    ref_t = rows["mutagen loop (reference)"][0]
    lines = [
        f"### {n:,} files — {time.strftime('%Y-%m-%d %H:%M')} — {platform.node()}",
        "",
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"mutagen {mutagen.version_string}",
        "",
        "| step | median s | spread s | files/s | vs walk | vs reference | peak RSS MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, (t, spread, peak) in rows.items():
        lines.append(
            f"| {name} | {t:.3f} | {spread:.3f} | {n / t:,.0f} | {t / walk_t:.2f}× | "
            f"{ref_t / t:.2f}× faster | {peak / 1024:.0f} |"
        )
    cold = rows["cold scan"]
    scale = max(1.0, n / 20000)  # the targets are set for 20,000 files; time scales linearly
    targets = [
        ("cold scan ≥ 3× the reference's throughput", ref_t / cold[0] >= 3),
        ("unchanged rescan within 2× of walk", rows["unchanged rescan"][0] <= 2 * walk_t),
        ("rescan after 1% within 3× of walk", rows["rescan after touching 1%"][0] <= 3 * walk_t),
        (f"full rematch under {0.5 * scale:.1f} s", rows["full rematch"][0] < 0.5 * scale),
        ("peak RSS under 250 MB", max(r[2] for r in rows.values()) < 250 * 1024),
    ]
    lines.append("")
    lines += [f"- {'met' if ok else 'MISSED'}: {name}" for name, ok in targets]
    record("\n".join(lines) + "\n", not args.no_record)
    return all(ok for _, ok in targets), rows


if __name__ == "__main__":
    sys.exit(main())
