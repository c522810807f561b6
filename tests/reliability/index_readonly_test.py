"""A library index that is not writable: reading works, writing says why, nothing moves.

Tests run as root in CI, and root writes anywhere: `setpriv` takes that power away from
the command, as a user without write access would run it.
"""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    prefix = []
    if os.geteuid() == 0:
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner", "--"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "ksad_player", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def digest(folder: Path) -> dict[str, str]:
    """The index, its links mirror and any copy beside them (SQLite's -wal/-shm aside)."""
    return {
        p.name: hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.iterdir())
        if not p.name.endswith(("-wal", "-shm"))
    }


@pytest.fixture
def index(tmp_path, make_track):
    make_track("mp3", "lib/stay.mp3", title="Stay", artists=["BLACKPINK"], root=tmp_path)
    make_track("ogg", "lib/other.ogg", title="Something", artists=["Nobody"], root=tmp_path)
    index = tmp_path / "data" / "library.sqlite3"
    r = subprocess.run(
        [sys.executable, "-m", "ksad_player", "scan", str(tmp_path / "lib"), "--index", str(index)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert r.returncode == 0, r.stderr
    return index


@pytest.mark.parametrize("what", ["folder", "file"])
def test_a_read_only_index_reads_and_refuses_writes_plainly(index, tmp_path, what):
    lib = tmp_path / "lib"
    locked = index.parent if what == "folder" else index
    before = digest(index.parent)
    locked.chmod(stat.S_IRUSR | stat.S_IXUSR if what == "folder" else stat.S_IRUSR)
    try:
        r = cli("library", "--index", str(index))
        assert r.returncode == 0, r.stderr
        assert f"{lib}  2 files, 1 matched" in r.stdout and "read-only" in r.stderr
        r = cli("match", "--index", str(index))
        assert r.returncode == 0 and "blackpink-stay" in r.stdout, r.stderr
        r = cli("queue", "--mood", "heartbreak", "--index", str(index))
        assert r.returncode == 0 and "Stay" in r.stdout, r.stderr
        for args in (["scan"], ["scan", str(lib)]):
            r = cli(*args, "--index", str(index))
            assert r.returncode == 1, r.stderr
            assert "not writable" in r.stderr and "Traceback" not in r.stderr
            assert str(locked) in r.stderr  # it names what is not writable
    finally:
        index.parent.chmod(0o755)
        index.chmod(0o644)
    assert digest(index.parent) == before  # nothing moved aside, nothing rewritten
    assert not list(index.parent.glob("*.broken-*"))


def test_an_index_that_cannot_be_created_says_where(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    data.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        r = cli("library", "--index", str(data / "library.sqlite3"))
    finally:
        data.chmod(0o755)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert f"{data} is not writable" in r.stderr
