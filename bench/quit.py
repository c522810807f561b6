"""Quit benchmark: how long from closing the window until the process has exited.

    .venv/bin/python bench/quit.py [--files 3000] [--rounds 5]

Each round is a fresh process (offscreen). The clock starts when the window is closed and
stops when the process has exited (workers, forkserver and libVLC let go), for: a bare
QMainWindow (the baseline Qt itself costs), ksad-player idle, and ksad-player closed in
the middle of a scan of N files. Appends to bench/RESULTS.md. The target: under 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import sys, time

def main():
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow
    which = sys.argv[1]
    if which == "bare":
        app = QApplication([])
        w = QMainWindow(); w.resize(1000, 680); w.show()
    else:
        from ksad_player.core.session import Session
        from ksad_player.playback.vlc_backend import make_backend
        from ksad_player.ui.app import make_app
        from ksad_player.ui.main_window import MainWindow
        app = make_app()
        w = MainWindow(Session(backend=make_backend())); w.show()
        if which == "scan":
            w.scan([sys.argv[2]])

    def close():
        if which == "scan" and "Reading tags" not in w.status_text.text():
            QTimer.singleShot(10, close)
            return
        print(time.time(), flush=True)
        w.close()
        app.quit()

    QTimer.singleShot(300, close)
    app.exec()

if __name__ == "__main__":
    main()
"""


def timed(args: list[str], env: dict[str, str], script: Path) -> float:
    p = subprocess.run([sys.executable, str(script), *args], env=env, check=True,
                       capture_output=True, text=True)  # fmt: skip
    end = time.time()
    return end - float(p.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=3000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args()
    from bench.scan import record
    from bench.synth import make_library

    lib = make_library(args.out / f"lib-{args.files}", args.files)
    tmp = Path(tempfile.mkdtemp(prefix="ksad-quit-"))
    script = tmp / "child.py"
    script.write_text(CHILD)
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp / "c"),
           "XDG_DATA_HOME": str(tmp / "d"), "XDG_CACHE_HOME": str(tmp / "k")}  # fmt: skip
    cases = {
        "bare QMainWindow (baseline)": ["bare"],
        "ksad-player, idle": ["idle"],
        f"ksad-player, during a scan of {args.files:,} files": ["scan", str(lib)],
    }
    rows = {}
    for name, case in cases.items():
        times = []
        for _ in range(args.rounds):
            for f in (tmp / "d").rglob("*"):  # a fresh library: the scan has work to do
                if f.is_file():
                    f.unlink()
            times.append(timed(case, env, script))
        rows[name] = (statistics.median(times), max(times) - min(times))
    base = rows["bare QMainWindow (baseline)"][0]
    worst = max(t for t, _ in rows.values())
    lines = [
        f"### quit — {time.strftime('%Y-%m-%d %H:%M')} — {platform.node()}",
        "",
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        "time from closing the window to the process's exit, offscreen",
        "",
        "| case | median s | spread s | vs baseline |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [f"| {k} | {t:.3f} | {s:.3f} | {t / base:.2f}× |" for k, (t, s) in rows.items()]
    ok = worst < 0.5
    lines += ["", f"- {'met' if ok else 'MISSED'}: quitting under 0.5 s ({worst:.2f} s at worst)"]
    record("\n".join(lines) + "\n", not args.no_record)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
