"""Window start-up benchmark: how long until the window is on screen with a big library.

    .venv/bin/python bench/window.py --files 20000 [--rounds 5]

Each round is a fresh process (offscreen), timed from launch until the window's first
paint has run (the process exits from inside that paint), for: a bare QMainWindow (the
baseline Qt itself costs), ksad-player with an empty library, and ksad-player with an index
of N tracks; and, for information, until the N-track Library view and counts are filled.
Target: the first painted window with N tracks within 3× the bare QMainWindow.
Appends to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import compileall
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
import sys, os
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
which = sys.argv[1]
if which == "bare":
    app = QApplication([])
    w = QMainWindow(); w.resize(1000, 680)
else:
    from ksad_player.ui.app import make_app
    from ksad_player.ui.main_window import MainWindow
    from ksad_player.core.session import Session
    from ksad_player.playback.vlc_backend import make_backend
    from pathlib import Path
    app = make_app()
    w = MainWindow(Session(backend=make_backend(), index_path=Path(sys.argv[2]) if len(sys.argv) > 2 else None))


class FirstPaint(QObject):
    # The window's first UpdateRequest paints the whole window: run it, then stop.
    def eventFilter(self, obj, event):
        if obj is w and event.type() == QEvent.Type.UpdateRequest:
            w.event(event)
            if which != "filled":
                os._exit(0)
            w.removeEventFilter(self)
        return False


if which == "filled":
    QTimer.singleShot(0, lambda: (w.filled or w._fill(), os._exit(0)))
f = FirstPaint(); w.installEventFilter(f)
w.show()
app.exec()
os._exit(1)
"""


def timed(args: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-c", CHILD, *args], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    return time.perf_counter() - t


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=20000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--out", type=Path, default=HERE / "out")
    ap.add_argument("--no-record", action="store_true")
    args = ap.parse_args()
    from bench.scan import drain, record
    from bench.synth import make_library
    from ksad_player.core import catalog as catalog_mod
    from ksad_player.core.library.index import LibraryIndex
    from ksad_player.core.library.scanner import scan
    from ksad_player.core.match.matcher import Matcher

    lib = make_library(args.out / f"lib-{args.files}", args.files)
    tmp = Path(tempfile.mkdtemp(prefix="ksad-window-"))
    index_path = tmp / "big.sqlite3"
    with LibraryIndex(index_path) as idx:
        drain(scan(idx, Matcher(catalog_mod.load().catalog), [str(lib)]))
        n = idx.count()
    # As installed: the project's modules byte-compiled, like pip does (this machine sets
    # PYTHONDONTWRITEBYTECODE, which would make every start compile them from source).
    compileall.compile_dir(str(ROOT / "ksad_player"), quiet=1)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env = {**env, "QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp / "c"),
           "XDG_DATA_HOME": str(tmp / "d"), "XDG_CACHE_HOME": str(tmp / "k")}  # fmt: skip
    cases = {
        "bare QMainWindow (baseline)": ["bare"],
        "ksad-player, empty library": ["ksad"],
        f"ksad-player, {n:,}-track index": ["ksad", str(index_path)],
        f"ksad-player, {n:,}-track index, Library view filled": ["filled", str(index_path)],
    }
    rows = {}
    for name, case in cases.items():
        timed(case, env)  # warm caches
        times = [timed(case, env) for _ in range(args.rounds)]
        rows[name] = (statistics.median(times), max(times) - min(times))
    base = rows["bare QMainWindow (baseline)"][0]
    big = rows[f"ksad-player, {n:,}-track index"][0]
    lines = [
        f"### window start-up, painted first — {time.strftime('%Y-%m-%d %H:%M')} — {platform.node()}",
        "",
        f"{platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        "time from process launch to the first painted window, offscreen",
        "",
        "| case | median s | spread s | vs baseline |",
        "| --- | ---: | ---: | ---: |",
    ]
    lines += [f"| {k} | {t:.3f} | {s:.3f} | {t / base:.2f}× |" for k, (t, s) in rows.items()]
    ok = big <= 3 * base
    lines += [
        "",
        f"- {'met' if ok else 'MISSED'}: first painted window with {n:,} tracks within 3× a "
        f"bare QMainWindow ({big / base:.2f}×; the views fill right after the first paint)",
    ]
    record("\n".join(lines) + "\n", not args.no_record)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
