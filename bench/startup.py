"""Command-line start-up: `ksad-player --help` against a bare `python -c pass`, same venv.

    .venv/bin/python bench/startup.py [--rounds 40] [--imports] [--no-record]

Whole processes, interleaved rounds: the bare interpreter (the baseline), the installed
entry-point script `ksad-player --help`, `python -m ksad_player --help` and `--version`.
Target: --help within 4x the bare start. `--imports` also lists what --help imports
beyond the bare interpreter, slowest first (min of 5 runs of -X importtime).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.proc import PYTHON, Case, child_env, entry_point, machine, measure, record, stamp

TARGET = 4.0


def imports(cmd: list[str], env: dict[str, str], runs: int = 5) -> dict[str, tuple[int, int]]:
    """module -> (cumulative µs, depth), the minimum over runs."""
    best: dict[str, tuple[int, int]] = {}
    for _ in range(runs):
        err = subprocess.run(
            [PYTHON, "-X", "importtime", *cmd], env=env, capture_output=True, text=True
        ).stderr
        for line in err.splitlines():
            m = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
            if m:
                cum, depth, name = int(m[1]), (len(m[2]) - 1) // 2, m[3]
                best[name] = (min(cum, best.get(name, (cum, 0))[0]), depth)
    return best


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--imports", action="store_true", help="list --help's own imports")
    ap.add_argument("--no-record", action="store_true", help="do not append to RESULTS.md")
    args = ap.parse_args()
    env = child_env(Path(tempfile.mkdtemp(prefix="ksad-bench-")))
    head = machine()
    script = entry_point()
    cases = [
        Case("python -c pass (baseline)", [PYTHON, "-c", "pass"]),
        Case("ksad-player --help (entry-point script)", [*script, "--help"]),
        Case("python -m ksad_player --help", [PYTHON, "-m", "ksad_player", "--help"]),
        Case("ksad-player --version", [*script, "--version"]),
    ]
    measure(cases, env, args.rounds)
    base = cases[0]
    lines = [
        stamp("command-line start-up"),
        "",
        head,
        "",
        "| case | median ms | spread ms | CPU ms | vs bare (wall) | vs bare (CPU) |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for c in cases:
        lines.append(
            f"| {c.name} | {c.wall * 1e3:.1f} | {c.spread * 1e3:.1f} | {c.cpu * 1e3:.1f} | "
            f"{c.wall / base.wall:.2f}× | {c.cpu / max(base.cpu, 1e-6):.2f}× |"
        )
    lines.append("")
    ok = True
    for c in cases[1:3]:
        met = c.wall <= TARGET * base.wall
        ok &= met
        lines.append(f"- {'met' if met else 'MISSED'}: {c.name} within {TARGET:g}× the bare start")
    record("\n".join(lines) + "\n", not args.no_record)

    if args.imports:
        bare = imports(["-c", "pass"], env)
        mine = imports([*(script if len(script) == 1 else script[1:]), "--help"], env)
        extra = sorted(
            ((cum, name) for name, (cum, depth) in mine.items() if depth == 0 and name not in bare),
            reverse=True,
        )
        print("Top-level imports of --help beyond a bare start (min of 5, ms):")
        for cum, name in extra:
            print(f"  {cum / 1000:6.1f}  {name}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
