"""Quitting the window in the middle of a scan, as a real process: the workers stop with
it, nothing is printed but what a user should see, and the next start finishes the scan.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from ksad_player.core.library.index import LibraryIndex

from ..conftest import copy_template
from .index_locks_test import in_session

APP = r"""
import os, sys, time
os.environ["QT_QPA_PLATFORM"] = "offscreen"

def main():
    from PySide6.QtCore import QTimer
    from ksad_player.core.play.player import NullBackend
    from ksad_player.core.session import Session
    from ksad_player.ui.app import make_app
    from ksad_player.ui.main_window import MainWindow

    app = make_app()
    w = MainWindow(Session(backend=NullBackend("test")))
    w.show()
    if sys.argv[1] == "scan":
        w.scan([sys.argv[2]])

    def close_when_reading():
        if sys.argv[1] == "scan" and "Reading tags" in w.status_text.text():
            started = time.perf_counter()
            w.close()
            print(f"closed {time.perf_counter() - started:.3f}", flush=True)
        elif not w.scanning and "Library up to date" in w.status_text.text():
            print("done", w.status_text.text(), flush=True)
            w.close()
        else:
            QTimer.singleShot(20, close_when_reading)

    QTimer.singleShot(20, close_when_reading)
    app.exec()

if __name__ == "__main__":
    main()
"""




def run_app(*args: str, tmp_path: Path) -> tuple[subprocess.CompletedProcess[str], list[int]]:
    script = tmp_path / "app.py"
    script.write_text(APP)
    p = subprocess.Popen(
        [sys.executable, str(script), *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True, start_new_session=True, env=os.environ.copy(),
    )  # fmt: skip
    out, err = p.communicate(timeout=120)
    time.sleep(0.2)
    return subprocess.CompletedProcess(p.args, p.returncode, out, err), in_session(p.pid)


def test_quitting_during_a_scan_is_clean_and_the_next_start_finishes_it(tmp_path, isolated_xdg):
    lib = tmp_path / "lib"
    for n in range(900):  # enough for the scan's worker processes
        copy_template("mp3", lib / f"d{n % 6}" / f"{n:04}.mp3")
    first, left = run_app("scan", str(lib), tmp_path=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("closed"), first.stdout + first.stderr
    assert "Traceback" not in first.stderr and "closed database" not in first.stderr, first.stderr
    assert left == []  # no worker, forkserver or resource tracker outlives the window
    with LibraryIndex() as idx:
        assert idx.count() < 900  # it quit mid-scan, without waiting for the end
    second, left = run_app("open", tmp_path=tmp_path)
    assert second.returncode == 0 and "Traceback" not in second.stderr, second.stderr
    assert second.stdout.startswith("done Library up to date: 900 files"), second.stdout
    assert left == []
    with LibraryIndex() as idx:
        assert idx.count() == 900 and idx.meta("scan") is None
