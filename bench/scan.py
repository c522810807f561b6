"""Scan benchmark: `ksad-player scan` as whole processes against baselines in the same run.

    .venv/bin/python bench/scan.py --files 20000[,100000] [--rounds 5] [--no-record]

Every case is a fresh process, as a user runs it, in interleaved rounds:

- walk + stat: a bare Python walk that stats every file (bench/baseline.py walk), the
  floor for a rescan that reads nothing;
- mutagen loop: `mutagen.File(path, easy=True)` on every file in one process
  (bench/baseline.py mutagen), what a plain player does: the reference for a cold scan;
- cold scan: `ksad-player scan --index NEW FOLDER`;
- unchanged rescan: `ksad-player scan --index SAME`, nothing changed;
- rescan after touching 1%: the same after a tag editor touched 1% of the files.

Full rematch (no command runs it alone) is timed inside this process. Peak RSS is sampled
in one extra round. Targets are set for 20,000 files; larger libraries scale them
linearly, and with several sizes the cost per file must stay flat. Appends the tables to
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Generator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import mutagen

from bench.proc import (
    HERE,
    PYTHON,
    Case,
    child_env,
    entry_point,
    machine,
    measure,
    record,
    run,
    stamp,
)
from bench.synth import MIX, make_library, touch_fraction

BASELINE = str(HERE / "baseline.py")
__all__ = ["drain", "record"]  # bench/window.py builds its index with these


def drain(gen: Generator[Any, None, Any]) -> object:
    """Run a scan generator in this process to its end; its summary comes back."""
    from ksad_player.core.library.scanner import drive

    return drive(gen, lambda _event: None)


def run_size(n: int, args: argparse.Namespace) -> tuple[bool, dict[str, float]]:
    lib = str(make_library(args.out / f"lib-{n}", n))
    tmp = Path(tempfile.mkdtemp(prefix="ksad-bench-"))
    env = child_env(tmp)
    ksad = entry_point()
    main_index = str(tmp / "library.sqlite3")
    run([*ksad, "scan", "--index", main_index, lib], env)  # the library the rescans use

    cold_cmd = [*ksad, "scan", "--index", "", lib]
    counter = iter(range(10**6))

    def fresh_index() -> None:
        """A new, empty index for each cold scan (the last one's files removed)."""
        if cold_cmd[-2]:
            for p in tmp.glob(Path(cold_cmd[-2]).name + "*"):
                p.unlink()
        cold_cmd[-2] = str(tmp / f"cold-{next(counter)}.sqlite3")

    seeds = iter(range(100, 10**6))

    def touch() -> None:
        touch_fraction(Path(lib), 0.01, next(seeds))
    cases = [
        Case("walk + stat (baseline)", [PYTHON, BASELINE, "walk", lib]),
        Case("mutagen loop (reference)", [PYTHON, BASELINE, "mutagen", lib]),
        Case("cold scan", cold_cmd, fresh_index),
        Case("unchanged rescan", [*ksad, "scan", "--index", main_index]),
        Case(
            "rescan after touching 1%",
            [*ksad, "scan", "--index", main_index],
            touch,
        ),
    ]
    measure(cases, env, args.rounds)
    peaks, tree_cpu = {}, {}
    for c in cases:  # one more round for memory: the sampler must not disturb the timing
        if c.setup:
            c.setup()
        sampled = run(c.cmd, env, rss=True)
        peaks[c.name], tree_cpu[c.name] = sampled.rss_kb / 1024, sampled.tree_cpu

    rematch = _rematch_seconds(Path(main_index), args.rounds)
    walk, ref = cases[0], cases[1]
    lines = [
        stamp(f"{n:,} files, whole processes"),
        "",
        f"{machine()}, mutagen {mutagen.version_string}; formats: "
        + ", ".join(f"{Path(t).suffix[1:]} {share:.0%}" for t, share in MIX),
        "",
        "| step | median s | spread s | files/s | vs walk | vs reference | CPU s, all processes | peak RSS MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for c in cases:
        lines.append(
            f"| {c.name} | {c.wall:.3f} | {c.spread:.3f} | {n / c.wall:,.0f} | "
            f"{c.wall / walk.wall:.2f}× | {ref.wall / c.wall:.2f}× faster | "
            f"{tree_cpu[c.name]:.2f} | {peaks[c.name]:.0f} |"
        )
    lines.append(f"| full rematch (in-process) | {rematch:.3f} | | {n / rematch:,.0f} | | | | |")
    cold, unchanged, touched = cases[2], cases[3], cases[4]
    scale = max(1.0, n / 20000)
    targets = [
        (f"cold scan ≥ 3× the reference's throughput ({ref.wall / cold.wall:.2f}×)",
         ref.wall / cold.wall >= 3),
        (f"unchanged rescan within 1.5× of walk ({unchanged.wall / walk.wall:.2f}×)",
         unchanged.wall <= 1.5 * walk.wall),
        (f"rescan after 1% within 3× of walk ({touched.wall / walk.wall:.2f}×)",
         touched.wall <= 3 * walk.wall),
        (f"full rematch under {0.5 * scale:.1f} s", rematch < 0.5 * scale),
        ("peak RSS under 250 MB", max(peaks.values()) < 250),
    ]  # fmt: skip
    lines.append("")
    lines += [f"- {'met' if ok else 'MISSED'}: {name}" for name, ok in targets]
    record("\n".join(lines) + "\n", not args.no_record)
    per_case = {c.name: c.wall for c in cases} | {"full rematch": rematch}
    return all(ok for _, ok in targets), per_case


def _rematch_seconds(index_path: Path, rounds: int) -> float:
    from ksad_player.core import catalog as catalog_mod
    from ksad_player.core.library.index import LibraryIndex
    from ksad_player.core.match.matcher import Matcher

    matcher = Matcher(catalog_mod.load_file(catalog_mod.paths.builtin_catalog_path()))
    times = []
    with LibraryIndex(index_path) as idx:
        for _ in range(rounds):
            t = time.perf_counter()
            idx.rematch(matcher)
            times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", default="20000", help="one size or several, comma-separated")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = ap.parse_args()
    sizes = [int(x) for x in args.files.split(",")]
    results = {n: run_size(n, args) for n in sizes}
    ok = all(r[0] for r in results.values())
    if len(sizes) > 1:
        small, large = min(sizes), max(sizes)
        lines = [f"Cost per file at {large:,} vs {small:,} files (1.00 = perfectly linear):", ""]
        for step, t_small in results[small][1].items():
            t_large = results[large][1][step]
            ratio = (t_large / large) / (t_small / small)
            flat = ratio < 1.35
            ok &= flat or step.startswith(("walk", "mutagen"))
            lines.append(f"- {step}: {ratio:.2f}{'' if flat else '  (grows faster than linear)'}")
        record("\n".join(lines) + "\n", not args.no_record)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
