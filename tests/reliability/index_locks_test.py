"""The library index under other processes: locks, concurrent scans, kill -9, a full disk.

Real processes throughout: the CLI as a user runs it, and a second Python process that
holds SQLite's exclusive lock the way another program (or a stuck ksad-player) would.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ksad_player.core.library.index import LibraryIndex
from ksad_player.core.session import Session

from ..conftest import copy_template

# Many processes each: CI runs these (.ci/run); `./dev test -m slow` runs them here.
pytestmark = pytest.mark.slow

HOLDER = r"""
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA locking_mode=EXCLUSIVE")
db.execute("BEGIN EXCLUSIVE")
db.execute("UPDATE meta SET value = value WHERE key = 'catalog'")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("COMMIT")
db.close()
"""


def cli(*args: str, env: dict[str, str] | None = None, **kw) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ksad_player", *args],
        capture_output=True, text=True, timeout=120, env={**os.environ, **(env or {})}, **kw,
    )  # fmt: skip


def hold_lock(index: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process that holds the index exclusively locked for `seconds`."""
    p = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(index), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert p.stdout is not None and p.stdout.readline().strip() == "locked"
    return p


def folder_of(tmp_path: Path, name: str, n: int) -> Path:
    for i in range(n):
        copy_template(
            "mp3" if i % 2 else "ogg", tmp_path / name / f"{i:03}.{'mp3' if i % 2 else 'ogg'}"
        )
    return tmp_path / name


def broken_copies(index: Path) -> list[Path]:
    return sorted(index.parent.glob(index.name + ".broken-*"))


@pytest.fixture
def scanned(tmp_path: Path) -> tuple[Path, Path]:
    lib = folder_of(tmp_path, "lib", 3)
    index = tmp_path / "data" / "library.sqlite3"
    r = cli("scan", str(lib), "--index", str(index))
    assert r.returncode == 0, r.stderr
    return index, lib


def test_a_lock_held_by_another_process_is_waited_for_saying_so(scanned):
    index, lib = scanned
    holder = hold_lock(index, 1.0)
    r = cli("library", "--index", str(index))
    holder.wait(10)
    assert r.returncode == 0, r.stderr
    assert "in use by another ksad-player; waiting" in r.stderr
    assert f"{lib}  3 files" in r.stdout
    assert broken_copies(index) == []


def test_a_lock_held_too_long_stops_with_a_clear_message_and_keeps_the_library(scanned):
    index, lib = scanned
    holder = hold_lock(index, 60)
    try:
        for command in ("library", "scan"):
            r = cli(command, "--index", str(index), env={"KSAD_INDEX_WAIT": "0.3"})
            assert r.returncode == 1, (command, r.stderr)
            assert "in use by another ksad-player" in r.stderr and "Traceback" not in r.stderr
    finally:
        holder.kill()
        holder.wait()
    assert broken_copies(index) == []
    r = cli("library", "--index", str(index))
    assert f"{lib}  3 files" in r.stdout, r.stdout + r.stderr


def test_only_a_file_that_is_no_database_is_moved_aside_and_copies_never_collide(tmp_path):
    index = tmp_path / "library.sqlite3"
    for n in range(3):  # three breakages within the same second
        index.write_bytes(b"not a database " * 200)
        with LibraryIndex(index) as idx:
            assert idx.rebuilt, n
    copies = broken_copies(index)
    assert len(copies) == 3
    assert all(c.read_bytes() == b"not a database " * 200 for c in copies)


def test_concurrent_scans_of_a_new_index_are_all_kept(tmp_path):
    folders = [folder_of(tmp_path, f"f{n}", 4 + n) for n in range(3)]
    for attempt in range(1):
        index = tmp_path / f"new{attempt}" / "library.sqlite3"
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "ksad_player", "scan", str(f), "--index", str(index)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for f in folders
        ]
        outs = [p.communicate(timeout=120) for p in procs]
        for p, (_out, err) in zip(procs, outs, strict=True):
            assert p.returncode == 0, err
            assert "Traceback" not in err and "moved it to" not in err
        with LibraryIndex(index) as idx:
            assert idx.folders() == sorted(str(f) for f in folders)
            assert [i.files for i in idx.folder_info()] == [4, 5, 6]
            assert not idx.rebuilt
        assert broken_copies(index) == []


def _open_at_once(index: str, folder: str, barrier, errors) -> None:
    barrier.wait()
    try:
        with LibraryIndex(Path(index)) as idx:
            idx.add_folder(folder)
            if idx.rebuilt:
                errors.put(f"{folder}: rebuilt: {idx.messages}")
    except Exception as exc:
        errors.put(f"{folder}: {type(exc).__name__}: {exc}")


def test_processes_creating_one_index_at_the_same_instant_all_succeed(tmp_path):
    ctx = multiprocessing.get_context("fork")
    errors = ctx.Queue()
    for attempt in range(8):
        index = tmp_path / f"race{attempt}" / "library.sqlite3"
        barrier = ctx.Barrier(4)
        procs = [
            ctx.Process(target=_open_at_once, args=(str(index), f"/music/{n}", barrier, errors))
            for n in range(4)
        ]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
        problems = []
        while not errors.empty():
            problems.append(errors.get())
        assert problems == [], problems
        with LibraryIndex(index) as idx:
            assert idx.folders() == [f"/music/{n}" for n in range(4)]
        assert broken_copies(index) == []
        mirror = json.loads(index.with_name("library-links.json").read_text())
        assert mirror["folders"] == [f"/music/{n}" for n in range(4)]  # the newest state won


def test_a_second_scan_of_one_index_waits_for_the_first(scanned, tmp_path):
    index, _lib = scanned
    more = folder_of(tmp_path, "more", 2)
    with LibraryIndex(index) as idx, idx.scan_lock():  # a scan under way elsewhere
        p = subprocess.Popen(
            [sys.executable, "-m", "ksad_player", "scan", str(more), "--index", str(index)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert p.stderr is not None
        assert "another scan of this library is running" in p.stderr.readline()
        time.sleep(0.3)
        assert p.poll() is None  # still waiting its turn
    _out, err = p.communicate(timeout=60)
    assert p.returncode == 0, err
    with LibraryIndex(index) as idx:
        assert [i.files for i in idx.folder_info()] == [3, 2]


def in_session(sid: int) -> list[int]:
    """Live processes of a session: the scan and, once it reads, its workers."""
    alive = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            try:
                fields = (d / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[3]) == sid and fields[0] != "Z":
                alive.append(int(d.name))
    return alive


def scan_started(index: Path) -> bool:
    db = sqlite3.connect(f"{index.as_uri()}?mode=ro", uri=True, timeout=5)
    try:
        return db.execute("SELECT 1 FROM meta WHERE key = 'scan'").fetchone() is not None
    except sqlite3.Error:
        return False
    finally:
        db.close()


def test_kill_9_at_random_moments_keeps_links_and_the_next_start_resumes(tmp_path):
    lib = folder_of(tmp_path, "lib", 450)  # enough for the worker processes to start
    index = tmp_path / "data" / "library.sqlite3"
    linked = {str(lib / "001.mp3"): "taeyeon-fine", str(lib / "002.ogg"): None}
    with LibraryIndex(index) as idx:
        idx.add_folder(lib)
        for path, entry in linked.items():
            idx.link(path, entry)
    rng = random.Random(8)
    for _ in range(3):
        p = subprocess.Popen(
            [sys.executable, "-m", "ksad_player", "scan", "--index", str(index)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
        # Kill once the scan reads in its worker processes (or has its scan mark), at a
        # random moment from then on: reading, writing a batch, or finishing.
        deadline = time.monotonic() + 30
        while (
            not scan_started(index) and len(in_session(p.pid)) < 2
            and p.poll() is None and time.monotonic() < deadline
        ):  # fmt: skip
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.6))
        with contextlib.suppress(ProcessLookupError):  # a fast scan may have ended already
            os.killpg(p.pid, signal.SIGKILL)  # the scan and its workers, all at once
        p.wait()
        session = Session(index_path=index)
        try:
            idx = session.index
            assert not idx.rebuilt and broken_copies(index) == []
            assert {p: (None if e == "__never__" else e) for p, e in idx.links().items()} == linked
            # Either the scan had finished (every file is in) or the next start resumes it.
            assert idx.count() == 450 or session.open_library()
        finally:
            session.close()
    mirror = json.loads(index.with_name("library-links.json").read_text())
    assert {x["path"]: x["entry"] for x in mirror["links"]} == linked
    r = cli("scan", "--index", str(index))
    assert r.returncode == 0, r.stderr
    with LibraryIndex(index) as idx:
        assert idx.count() == 450 and idx.track(str(lib / "001.mp3")).entry_id == "taeyeon-fine"
        assert idx.meta("scan") is None  # finished: nothing left to resume


@pytest.fixture
def small_disk(tmp_path):
    """A 3 MB tmpfs (root only), unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("a full disk needs a tmpfs mount, which needs root")
    mnt = tmp_path / "small"
    mnt.mkdir()
    r = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mnt)], capture_output=True
    )
    if r.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {r.stderr.decode(errors='replace').strip()}")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


@pytest.mark.parametrize("room", [0, 96 * 1024], ids=["no-room", "room-for-a-little"])
def test_a_full_disk_stops_the_scan_plainly_and_loses_nothing(small_disk, tmp_path, room):
    lib = folder_of(tmp_path, "lib", 3)
    index = small_disk / "library.sqlite3"
    r = cli("scan", str(lib), "--index", str(index))
    assert r.returncode == 0, r.stderr
    with LibraryIndex(index) as idx:
        idx.link(str(lib / "001.mp3"), "taeyeon-fine")
    reserve = small_disk / "reserve"
    reserve.write_bytes(b"\0" * room)
    filler = small_disk / "filler"
    with filler.open("wb") as f:  # take every byte that is left
        try:
            while True:
                f.write(b"\0" * 65536)
                f.flush()
        except OSError:
            pass
    reserve.unlink()  # opening may work now; the scan fills the disk half way
    big = folder_of(tmp_path, "big", 300)
    r = cli("scan", str(big), "--index", str(index))
    assert r.returncode == 1 and "full" in r.stderr and "Traceback" not in r.stderr, r.stderr
    filler.unlink()
    r = cli("library", "--index", str(index))
    assert r.returncode == 0 and f"{lib}  3 files" in r.stdout, r.stderr
    with LibraryIndex(index) as idx:
        assert not idx.rebuilt and idx.links() == {str(lib / "001.mp3"): "taeyeon-fine"}
    assert broken_copies(index) == []


WINDOW = r"""
import os, sys
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from ksad_player.core.play.player import NullBackend
from ksad_player.ui.app import make_app, run


app = make_app()

def answer():
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMessageBox) and w.isVisible():
            print("box:", w.text(), flush=True)
            w.accept()

timer = QTimer()
timer.timeout.connect(answer)
timer.start(50)
sys.exit(run([], backend=NullBackend("test")))
"""


def test_the_window_says_the_library_is_in_use_and_stops_without_harm(scanned, tmp_path):
    index, _lib = scanned
    data = tmp_path / "xdg-data"
    (data / "ksad-player").mkdir(parents=True)
    home = data / "ksad-player" / "library.sqlite3"
    home.write_bytes(index.read_bytes())
    before = home.read_bytes()
    holder = hold_lock(home, 60)
    try:
        r = subprocess.run(
            [sys.executable, "-c", WINDOW], capture_output=True, text=True, timeout=60,
            env={**os.environ, "XDG_DATA_HOME": str(data), "KSAD_INDEX_WAIT": "0.5"},
        )  # fmt: skip
    finally:
        holder.kill()
        holder.wait()
    assert r.returncode == 1, r.stderr
    assert "in use by another ksad-player; waiting" in r.stderr and "Traceback" not in r.stderr
    assert "box: The library cannot be opened" in r.stdout and "in use" in r.stdout
    assert home.read_bytes() == before and broken_copies(home) == []
