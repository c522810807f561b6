"""The library walk: the split walk (a forked child takes part of the tree) must find
exactly what the plain walk finds, on trees with links, loops, odd names and unreadable
folders, and must leave no process behind however it ends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ksad_player.core.library import walk
from ksad_player.core.library.walk import walk_folders, walk_split


def _tree(root: Path, folders: int = 12) -> Path:
    """Artist/album folders with audio and non-audio files, names in Hangul, in odd
    bytes and in upper case, loose files at the top, a link loop and empty folders."""
    lib = root / "lib"
    for a in range(folders):
        for b in range(a % 3 + 1):
            album = lib / f"Artist {a}" / f"앨범 {b}"
            album.mkdir(parents=True)
            for t in range(a % 4 + 1):
                (album / f"{t:02d} 노래 {t}.mp3").write_bytes(b"x" * (a + t))
            (album / "cover.jpg").write_bytes(b"jpg")
            (album / "TRACK.FLAC").write_bytes(b"f")
    (lib / "loose.ogg").write_bytes(b"o")
    (lib / "Empty").mkdir()
    odd = os.fsencode(lib / "Artist 1") + b"/caf\xe9 \xff.opus"
    with open(odd, "wb") as f:
        f.write(b"odd")
    os.symlink(lib, lib / "Artist 2" / "loop")  # back to the top: must end
    return lib


def _files(found: list[walk.Found]) -> list[tuple[bytes, int, int]]:
    return sorted(f for item in found for f in item.files)


@pytest.fixture
def split_allowed(monkeypatch):
    """Fork even if another test left a thread running in this process."""
    forks = []
    real_fork = os.fork

    def counting_fork() -> int:
        pid = real_fork()
        if pid:
            forks.append(pid)
        return pid

    monkeypatch.setattr(walk, "_split_ok", lambda: True)
    monkeypatch.setattr(walk.os, "fork", counting_fork)
    return forks


def _no_child_left(pids: list[int]) -> None:
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_the_split_walk_finds_what_the_plain_walk_finds(tmp_path, split_allowed):
    lib = os.fsencode(_tree(tmp_path))
    plain = list(walk_folders(lib, ordered=False))
    split = list(walk_split(lib))
    assert split_allowed, "the walk was not split: the test would prove nothing"
    assert _files(split) == _files(plain) and len(_files(plain)) > 40
    idents = [f.ident for f in split]
    assert len(idents) == len(set(idents)), "a folder came out twice"
    assert {f.ident for f in split} == {f.ident for f in plain}
    _no_child_left(split_allowed)


def test_a_folder_linked_from_everywhere_keeps_its_one_path(tmp_path, split_allowed):
    """Links to a folder inside the library are not followed: it is walked where it is,
    so its files keep one path, whichever process gets where first, cold or rescan."""
    lib = _tree(tmp_path)
    target = lib / "Artist 5" / "앨범 0"
    for a in range(12):
        os.symlink(target, lib / f"Artist {a}" / "same album")
    outside = tmp_path / "elsewhere"
    (outside / "album").mkdir(parents=True)
    (outside / "album" / "far.mp3").write_bytes(b"far")
    os.symlink(outside / "album", lib / "Artist 7" / "linked from outside")
    for _ in range(3):
        split = list(walk_split(os.fsencode(lib)))
        assert split_allowed
        plain = list(walk_folders(os.fsencode(lib), ordered=False))
        assert _files(split) == _files(plain)
        idents = [f.ident for f in split]
        assert len(idents) == len(set(idents))
        paths = {p for p, _, _ in _files(split)}
        assert not any(b"same album" in p for p in paths)
        assert os.fsencode(target / "00 노래 0.mp3") in paths
        assert os.fsencode(lib / "Artist 7" / "linked from outside" / "far.mp3") in paths


_WALK_IN_A_CHILD = """
import json, os, sys
from ksad_player.core.library import walk
walk._split_ok = lambda: True
found = list(walk.walk_split(os.fsencode(sys.argv[1])))
print(json.dumps({"skipped": sorted(s.path for f in found for s in f.skipped),
                  "files": sum(len(f.files) for f in found)}))
"""


def test_unreadable_folders_are_skipped_wherever_they_fall(tmp_path):
    lib = _tree(tmp_path)
    everything = len(_files(list(walk_folders(os.fsencode(lib)))))
    locked = [lib / "Artist 3" / "앨범 0", lib / "Artist 4" / "앨범 0"]
    lost = sum(len([p for p in d.iterdir() if p.suffix != ".jpg"]) for d in locked)
    for d in locked:
        d.chmod(0)
    try:  # root reads any folder: take that power away, as CI runs as root
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
        r = subprocess.run(
            [*(prefix if os.geteuid() == 0 else []), sys.executable, "-c", _WALK_IN_A_CHILD, str(lib)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        for d in locked:
            d.chmod(0o755)
    out = json.loads(r.stdout)
    assert out["skipped"] == sorted(str(d) for d in locked)
    assert out["files"] == everything - lost


@pytest.mark.parametrize("dies_at", [1, 2, 3], ids=["before sending", "mid-way", "before its end"])
def test_if_the_child_dies_this_process_walks_its_share(
    tmp_path, split_allowed, monkeypatch, dies_at
):
    """Killed (out of memory, a signal) before its first frame, between frames, or with
    everything sent but its end: nothing is lost and no folder comes out twice."""
    lib = tmp_path / "big"
    for a in range(10):  # the child's share is several frames of folders
        for b in range(80):
            album = lib / f"Artist {a}" / f"Album {b}"
            album.mkdir(parents=True)
            (album / "01.mp3").write_bytes(b"x")
    calls = []
    real_send = walk._send

    def dying(fd, entries):  # in the child
        calls.append(1)
        if len(calls) == dies_at or (dies_at == 3 and entries == [walk.END]):
            os._exit(3)
        real_send(fd, entries)

    monkeypatch.setattr(walk, "_send", dying)
    split = list(walk_split(os.fsencode(lib)))
    assert split_allowed
    plain = list(walk_folders(os.fsencode(lib), ordered=False))
    assert _files(split) == _files(plain) and len(_files(plain)) == 800
    idents = [f.ident for f in split]
    assert len(idents) == len(set(idents)) == len(plain)
    _no_child_left(split_allowed)


def test_only_a_process_with_one_thread_of_any_kind_forks():
    """The window scans on a QThread, which Python's threading does not count."""
    from PySide6.QtCore import QThread

    qt = QThread()
    qt.start()
    try:
        assert not walk._split_ok()
    finally:
        qt.quit()
        qt.wait()
    code = "from ksad_player.core.library import walk; print(walk._split_ok(), walk._cores())"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    ok, cores = r.stdout.split()
    assert ok == str(int(cores) > 1)  # a lone CLI process on two cores does split


def test_stopping_early_ends_the_child(tmp_path, split_allowed):
    lib = os.fsencode(_tree(tmp_path, folders=40))
    cancel = threading.Event()
    gen = walk_split(lib, cancel=cancel)
    next(gen)
    cancel.set()
    list(gen)  # ends without waiting for the child's share
    gen.close()
    assert split_allowed
    _no_child_left(split_allowed)
    gen = walk_split(lib)
    next(gen)
    gen.close()  # a consumer that just stops iterating
    _no_child_left(split_allowed)


def test_no_split_with_other_threads_or_a_small_tree(tmp_path, monkeypatch):
    forks = []

    def no_fork() -> int:
        forks.append(1)
        raise AssertionError("forked")

    monkeypatch.setattr(walk.os, "fork", no_fork)
    small = tmp_path / "small"
    (small / "a").mkdir(parents=True)
    (small / "a" / "x.mp3").write_bytes(b"x")
    assert _files(list(walk_split(os.fsencode(small)))) == _files(
        list(walk_folders(os.fsencode(small)))
    )
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    try:
        lib = os.fsencode(_tree(tmp_path))
        assert _files(list(walk_split(lib))) == _files(list(walk_folders(lib)))
    finally:
        stop.set()
        helper.join()
    assert forks == []


def test_a_library_folder_inside_another_is_walked_as_one_process_walks_it(tmp_path, split_allowed):
    lib = _tree(tmp_path)
    inner = os.fsencode(lib / "Artist 11")
    for n in range(6):  # enough folders inside it to be split
        (lib / "Artist 11" / f"extra {n}").mkdir()
        (lib / "Artist 11" / f"extra {n}" / "x.mp3").write_bytes(b"x")
    seen_plain: set = set()
    list(walk_folders(os.fsencode(lib), seen_plain, ordered=False))
    plain = _files(list(walk_folders(inner, set(seen_plain), ordered=False)))
    seen_split: set = set()
    list(walk_folders(os.fsencode(lib), seen_split, ordered=False))
    split = _files(list(walk_split(inner, set(seen_split))))
    assert split == plain
    assert not split_allowed  # nested: no second process for what was walked already


def test_the_child_holds_no_file_of_the_parent(tmp_path, split_allowed, monkeypatch):
    """A parent killed mid-walk must not leave its index locks held by the child."""
    lib = os.fsencode(_tree(tmp_path))
    lock = open(tmp_path / "held.lock", "w")  # noqa: SIM115 - held across the walk
    report = tmp_path / "child-saw"
    real_send = walk._send

    def spy(fd, entries):  # runs in the child: it says what it holds in a file
        held = sorted(int(n) for n in os.listdir("/proc/self/fd"))
        report.write_text(json.dumps({"lock": lock.fileno() in held, "pipe": fd in held}))
        real_send(fd, entries)

    monkeypatch.setattr(walk, "_send", spy)
    found = list(walk_split(lib))
    lock.close()
    assert split_allowed and _files(found) == _files(list(walk_folders(lib)))
    assert json.loads(report.read_text()) == {"lock": False, "pipe": True}
    _no_child_left(split_allowed)


def test_folders_that_vanish_under_the_child_are_each_reported(
    tmp_path, split_allowed, monkeypatch
):
    """Two of the child's folders are gone by the time it gets there: both are said."""
    import shutil

    lib = os.fsencode(_tree(tmp_path))
    real = walk.walk_folders
    doomed: list[bytes] = []

    def vanishing(path, *args, **kwargs):  # the child's first two folders go away first
        if path != lib and len(doomed) < 2:
            doomed.append(path)
            shutil.rmtree(path)
        return real(path, *args, **kwargs)

    monkeypatch.setattr(walk, "walk_folders", vanishing)
    found = list(walk_split(lib))
    assert split_allowed
    gone = sorted(s.path for f in found for s in f.skipped)
    assert len(set(gone)) == 2  # each said once, neither lost to the other
    assert all(os.path.dirname(g) == os.fsdecode(lib) and not os.path.exists(g) for g in gone)
