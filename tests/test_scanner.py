"""Scanning as it happens on real disks: big, deep, odd, changing, interrupted."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ksad_player.core.library.index import LibraryIndex, default_path
from ksad_player.core.library.scanner import ScanProblem, ScanProgress, scan

from .conftest import DATA, copy_template
from .test_index import drain


def many(root: Path, n: int, per_folder: int = 100) -> Path:
    """n copies of one tagged clip (hard links: cheap), spread over folders."""
    from ksad_player.core.tags.writer import TagSpec, write_tags

    lib = root / "many"
    for i in range(n):
        if i % 50_000 == 0:  # a file system allows only so many links to one file
            master = root / f"master{i}.mp3"
            copy_template("mp3", master)
            write_tags(master, TagSpec("Stay", ("BLACKPINK",)))
        folder = lib / f"f{i // per_folder:04d}"
        if i % per_folder == 0:
            folder.mkdir(parents=True)
        os.link(master, folder / f"{i:06d}.mp3")
    return lib


def test_progress_events_and_summary(make_track, tmp_path, matcher):
    lib = tmp_path / "lib"
    make_track("mp3", "x/stay.mp3", title="Stay", artists=["BLACKPINK"])
    (lib / "x" / "bad.flac").write_bytes(b"fLaC" + b"\0" * 50)
    with LibraryIndex() as idx:
        summary, events = drain(scan(idx, matcher, [str(lib)]))
    progress = [e for e in events if isinstance(e, ScanProgress)]
    problems = [e for e in events if isinstance(e, ScanProblem)]
    assert progress[-1].read == 2 and progress[-1].matched == 1 and progress[-1].errors == 1
    assert progress[-1].folder.endswith("x")
    assert [Path(p.path).name for p in problems] == ["bad.flac"]
    assert (summary.files, summary.matched, summary.errors) == (2, 1, 1)


def test_rescan_reads_only_what_changed_and_removes_what_is_gone(make_track, tmp_path, matcher):
    lib = tmp_path / "lib"
    a = make_track("mp3", "a.mp3", title="Stay", artists=["BLACKPINK"])
    b = make_track("mp3", "b.mp3", title="Fine", artists=["Taeyeon"])
    with LibraryIndex() as idx:
        drain(scan(idx, matcher, [str(lib)]))
        summary, _ = drain(scan(idx, matcher))
        assert (summary.new, summary.changed, summary.removed) == (0, 0, 0)
        from ksad_player.core.tags.writer import TagSpec, write_tags

        write_tags(a, TagSpec("Rain", ("Baekhyun", "Soyou")))
        b.unlink()
        summary, _ = drain(scan(idx, matcher))
        assert (summary.new, summary.changed, summary.removed) == (0, 1, 1)
        assert idx.track(str(a)).entry_id == "baekhyun-soyou-rain"
        assert idx.count() == 1


def test_unplugged_drive_keeps_its_tracks_offline(make_track, tmp_path, matcher):
    drive = tmp_path / "lib"
    make_track("mp3", "stay.mp3", title="Stay", artists=["BLACKPINK"])
    with LibraryIndex() as idx:
        drain(scan(idx, matcher, [str(drive)]))
        drive.rename(tmp_path / "unplugged")
        summary, events = drain(scan(idx, matcher))
        assert summary.removed == 0 and any(
            "not reachable" in getattr(e, "reason", "") for e in events
        )
        assert idx.count() == 1 and idx.tracks()[0].offline
        assert idx.matched() == []  # offline files are not queued
        (tmp_path / "unplugged").rename(drive)
        drain(scan(idx, matcher))
        assert not idx.tracks()[0].offline and len(idx.matched()) == 1


def test_unreadable_subfolder_is_reported_and_its_tracks_kept(make_track, tmp_path):
    lib = tmp_path / "lib"
    make_track("mp3", "open/stay.mp3", title="Stay", artists=["BLACKPINK"])
    make_track("mp3", "locked/fine.mp3", title="Fine", artists=["Taeyeon"])
    run = [sys.executable, "-m", "ksad_player", "scan"]
    assert subprocess.run([*run, str(lib)], capture_output=True).returncode == 0
    (lib / "locked").chmod(0)
    try:
        prefix = (
            ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
            if os.geteuid() == 0
            else []
        )
        r = subprocess.run([*prefix, *run], capture_output=True, text=True)
    finally:
        (lib / "locked").chmod(0o755)
    assert r.returncode == 0 and "locked" in r.stderr and "Permission denied" in r.stderr
    assert "0 removed" in r.stdout and "1 offline" in r.stdout
    with LibraryIndex() as idx:
        assert idx.count() == 2


def test_cancel_keeps_what_was_written(tmp_path, matcher):
    lib = many(tmp_path, 3000)
    cancel = threading.Event()
    with LibraryIndex() as idx:
        gen = scan(idx, matcher, [str(lib)], cancel=cancel)
        for event in gen:
            if isinstance(event, ScanProgress) and event.read:
                cancel.set()
        written = idx.count()
        assert 0 < written < 3000
        summary, _ = drain(scan(idx, matcher))
        assert summary.new == 3000 - written and idx.count() == 3000


def test_sigkill_mid_scan_leaves_a_valid_index_that_the_next_scan_completes(tmp_path):
    lib = many(tmp_path, 6000)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ksad_player", "scan", str(lib)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    db_path = default_path()
    deadline = time.monotonic() + 60
    count = 0
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            db = sqlite3.connect(db_path, timeout=1)
            count = db.execute("SELECT COUNT(*) FROM tracks").fetchone()[0]
            db.close()
        except sqlite3.Error:
            count = 0
        if count:
            break
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGKILL)  # the scanner and its workers, mid-write
    proc.wait()
    assert count > 0
    with LibraryIndex() as idx:
        assert not idx.rebuilt
        assert idx.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        before = idx.count()
        assert before < 6000
        from ksad_player.core import catalog as catalog_mod
        from ksad_player.core.match.matcher import Matcher

        summary, _ = drain(scan(idx, Matcher(catalog_mod.load().catalog)))
        assert summary.new == 6000 - before and idx.count() == 6000


def test_files_vanishing_or_changing_during_a_scan(make_track, tmp_path, matcher):
    lib = tmp_path / "lib"
    gone = make_track("mp3", "gone.mp3", title="Stay", artists=["BLACKPINK"])
    changing = make_track("mp3", "changing.mp3", title="Stay", artists=["BLACKPINK"])
    with LibraryIndex() as idx:
        gen = scan(idx, matcher, [str(lib)])
        first = next(gen)  # the walk is done; nothing read yet
        assert first.phase == "walking"
        gone.unlink()
        from ksad_player.core.tags.writer import TagSpec, write_tags

        write_tags(changing, TagSpec("Fine", ("Taeyeon",)))
        summary, _ = drain(gen)
        assert idx.count() == 1 and idx.track(str(changing)).entry_id == "taeyeon-fine"
        assert summary.errors == 0


def test_non_utf8_names_deep_trees(make_track, tmp_path, matcher):
    lib = tmp_path / "lib"
    raw = os.fsencode(lib / "cp949") + b"/\xc5\xc2\xbf\xac - Fine.mp3"  # "태연 - Fine" in CP949
    os.makedirs(os.path.dirname(raw))
    with open(raw, "wb") as f:
        f.write((DATA / "clip.mp3").read_bytes())
    deep = lib.joinpath(*(["d"] * 200))
    deep.mkdir(parents=True)
    copy_template("mp3", deep / "01 BLACKPINK - Stay.mp3")
    with LibraryIndex() as idx:
        summary, _ = drain(scan(idx, matcher, [str(lib)]))
        assert summary.files == 2 and summary.errors == 0
        by_entry = {t.entry_id: t for t in idx.tracks()}
        assert set(by_entry) == {"taeyeon-fine", "blackpink-stay"}
        assert os.fsencode(by_entry["taeyeon-fine"].path) == raw
        assert by_entry["taeyeon-fine"].tags.artists == ("태연",)


@pytest.mark.slow
def test_a_hundred_thousand_files_in_one_folder(tmp_path, matcher):
    lib = many(tmp_path, 100_000, per_folder=100_000)
    with LibraryIndex() as idx:
        summary, _ = drain(scan(idx, matcher, [str(lib)]))
        assert summary.files == 100_000 and summary.matched == 100_000
        again, _ = drain(scan(idx, matcher))
        assert again.new == again.changed == again.removed == 0


def test_a_scan_off_the_main_thread_still_has_a_time_budget_per_file(make_track, tmp_path, matcher):
    """The window scans small folders on its own thread, where no timer can interrupt a
    read: each file still has a budget, past which it is reported and the scan goes on."""
    from ksad_player.core.tags import TOO_LONG

    for n in range(10):
        make_track("mp3", f"t/{n}.mp3", title="Stay", artists=["BLACKPINK"])
    outcome: dict[str, object] = {}

    def run(budget: float, name: str) -> None:
        with LibraryIndex(tmp_path / f"{name}.sqlite3") as idx:
            events = []
            gen = scan(idx, matcher, [str(tmp_path / "lib" / "t")], file_seconds=budget)
            while True:
                try:
                    events.append(next(gen))
                except StopIteration as stop:
                    outcome[name] = (stop.value, [e for e in events if isinstance(e, ScanProblem)])
                    return

    for budget, name in ((1e-9, "tight"), (20.0, "usual")):
        t = threading.Thread(target=run, args=(budget, name))
        t.start()
        t.join(30)
        assert not t.is_alive()
    tight, problems = outcome["tight"]
    # A read can finish inside the thread switch before the scan looks (a few ms), so not
    # every file need run over; most do, each is reported, and the scan went on to the end.
    assert tight.files == 10 and tight.errors >= 5 and tight.errors + tight.matched == 10
    assert {p.reason for p in problems} == {TOO_LONG} and len(problems) == tight.errors
    usual, problems = outcome["usual"]
    assert usual.matched == 10 and problems == []


def test_a_new_folder_walks_in_one_process_and_a_known_one_is_shared(
    tmp_path, matcher, monkeypatch
):
    """Cold, every file will be read and the other core starts the workers; on a rescan
    the walk is the work, and a forked child takes part of it (bench/scan.py)."""
    from ksad_player.core.library import walk

    lib = many(tmp_path, 60, per_folder=5)  # twelve folders at the top
    forks: list[int] = []
    real_fork = os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(walk, "_split_ok", lambda: True)  # pytest itself may hold threads
    monkeypatch.setattr(walk.os, "fork", counting_fork)
    with LibraryIndex() as idx:
        cold, _ = drain(scan(idx, matcher, [str(lib)], workers=1))
        assert cold.new == 60 and forks == []
        again, _ = drain(scan(idx, matcher, workers=1))
        assert (again.files, again.new, again.removed) == (60, 0, 0) and len(forks) == 1
