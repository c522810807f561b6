"""What the command line loads before it can answer: the start-up a user waits for.

Times live in bench/ (startup.py, scan.py); these tests keep the imports that made them
fast from coming back, in real processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

LOADED = (
    "import sys\n"
    "from ksad_player.cli import main\n"
    "try:\n"
    "    main(sys.argv[2:])\n"
    "except SystemExit:\n"
    "    pass\n"
    "print('loaded:', *(m for m in sys.argv[1].split(',') if m in sys.modules))\n"
)


def loaded(modules: tuple[str, ...], *args: str) -> set[str]:
    """Which of `modules` a real `ksad-player ARGS` process has imported when it is done."""
    r = subprocess.run(
        [sys.executable, "-c", LOADED, ",".join(modules), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    assert "Traceback" not in r.stderr, r.stderr
    line = r.stdout.splitlines()[-1]
    assert line.startswith("loaded:"), r.stdout
    return set(line.split()[1:])


def test_help_loads_only_argparse():
    """json, pathlib, random, signal and typing each cost more than a bare start; shutil
    (with zlib, bz2 and lzma) comes from argparse's help width unless we size it."""
    stdlib = ("json", "pathlib", "random", "signal", "typing", "shutil", "collections.abc")
    assert loaded(stdlib, "--help") == set()


HEAVY = (
    "mutagen",
    "rapidfuzz",
    "multiprocessing",
    "concurrent.futures",
    "ksad_player.core.tags.reader",
    "ksad_player.core.match.matcher",
)


def test_unchanged_rescan_reads_nothing_and_loads_no_reader(make_track, tmp_path: Path):
    """A rescan that finds nothing changed neither imports the tag reader, the matcher or
    the worker pool, nor builds the Matcher; one changed file brings the reader back."""
    song = make_track("m4a", "Artist/01 a.m4a", title="눈물", artists=["가수"])
    make_track("mp3", "Artist/02 b.mp3", title="Rain", artists=["Someone"])
    index = str(tmp_path / "index.sqlite3")
    assert {"mutagen", "ksad_player.core.tags.reader"} <= loaded(
        HEAVY, "scan", "--index", index, str(song.parent)
    )
    assert loaded(HEAVY, "scan", "--index", index) == set()

    st = song.stat()
    os.utime(song, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))
    assert {"mutagen", "ksad_player.core.tags.reader", "ksad_player.core.match.matcher"} <= loaded(
        HEAVY, "scan", "--index", index
    )


def test_an_unchanged_rescan_loads_nothing_that_plays(make_track, tmp_path: Path):
    make_track("mp3", "Artist/01 a.mp3", title="Rain", artists=["Someone"])
    index = str(tmp_path / "index.sqlite3")
    playing = ("ksad_player.core.play.player", "ksad_player.core.play.queue")
    loaded(playing, "scan", "--index", index, str(tmp_path / "lib"))
    assert loaded(playing, "scan", "--index", index) == set()


def test_the_window_module_loads_no_tag_reader():
    """The window paints before anything reads a file: mutagen and the matcher load later
    (a cover on the cover thread, matching when a scan needs it). bench/window.py times it."""
    code = (
        "import sys\n"
        "import ksad_player.ui.main_window, ksad_player.desktop.integrate\n"
        "print(*(m for m in ('mutagen', 'rapidfuzz', 'ksad_player.core.tags.reader') "
        "if m in sys.modules))\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == ""
