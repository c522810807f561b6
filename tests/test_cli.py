"""The command line as a user meets it: match, queue, help, bad arguments, odd folders."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .conftest import copy_template


def cli(*args: str, unprivileged: bool = False, env: dict[str, str] | None = None):
    """Run the command; `unprivileged` takes root's power to read any folder away."""
    prefix = []
    if unprivileged and os.geteuid() == 0:
        prefix = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "ksad_player", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture
def library(make_track, tmp_path):
    make_track("mp3", "A/eyes.mp3", title="눈, 코, 입", artists=["태양"])
    make_track("flac", "A/rain.flac", title="Rain", artists=["Baekhyun", "Soyou"])
    make_track("mp3", "A/decoy.mp3", title="Rain", artists=["Taeyeon"])
    make_track("ogg", "B/01 Taeyeon - Fine.ogg")
    make_track(
        "mp3", "B/cp949.mp3", title="이 바보야", artists=["정승환"], id3_version=3, cp949=True
    )
    make_track("m4a", "B/stay.m4a", title="Stay", artists=["BLACKPINK"])
    make_track("opus", "C/breathe.opus", title="한숨", artists=["이하이"])
    (tmp_path / "lib" / "C" / "broken.mp3").write_bytes(b"\xff\xfb" + os.urandom(50))
    (tmp_path / "lib" / "C" / "cover.jpg").write_bytes(b"\xff\xd8 not audio")
    return tmp_path / "lib"


def test_match_json_reports_every_audio_file(library):
    r = cli("match", str(library), "--json")
    assert r.returncode == 0, r.stderr
    rows = {Path(x["path"]).name: x for x in json.loads(r.stdout)}
    assert set(rows) == {
        "eyes.mp3",
        "rain.flac",
        "decoy.mp3",
        "01 Taeyeon - Fine.ogg",
        "cp949.mp3",
        "stay.m4a",
        "breathe.opus",
        "broken.mp3",
    }
    assert all(Path(x["path"]).is_absolute() for x in rows.values())
    assert rows["eyes.mp3"]["entry"] == "taeyang-eyes-nose-lips"
    assert rows["rain.flac"]["entry"] == "baekhyun-soyou-rain"
    assert rows["decoy.mp3"]["entry"] is None and rows["decoy.mp3"]["artist"] == "Taeyeon"
    assert rows["01 Taeyeon - Fine.ogg"]["entry"] == "taeyeon-fine"
    assert rows["cp949.mp3"]["entry"] == "jung-seung-hwan-the-fool"
    assert (rows["cp949.mp3"]["title"], rows["cp949.mp3"]["artist"]) == ("이 바보야", "정승환")
    assert rows["broken.mp3"]["error"] and rows["broken.mp3"]["entry"] is None
    assert all(0 <= x["score"] <= 1 for x in rows.values())
    assert set(rows["eyes.mp3"]) == {
        "path",
        "display_path",
        "entry",
        "score",
        "title",
        "artist",
        "error",
    }


def test_match_plain_lines(library):
    r = cli("match", str(library / "A"))
    lines = r.stdout.strip().splitlines()
    assert r.returncode == 0 and len(lines) == 3
    assert any(line.startswith("taeyang-eyes-nose-lips") for line in lines)


def test_queue_json_is_what_the_player_plays(library):
    r = cli("queue", "--mood", "heartbreak", str(library), "--json", "--seed", "4")
    assert r.returncode == 0, r.stderr
    items = json.loads(r.stdout)
    assert {i["entry"] for i in items} == {
        "taeyang-eyes-nose-lips",
        "baekhyun-soyou-rain",
        "taeyeon-fine",
        "jung-seung-hwan-the-fool",
        "blackpink-stay",
    }
    assert all(i["blurb"] and Path(i["path"]).exists() for i in items)
    again = cli("queue", "--mood", "heartbreak", str(library), "--json", "--seed", "4")
    assert json.loads(again.stdout) == items
    arc = json.loads(
        cli("queue", "--mood", "loneliness", str(library), "--json", "--order", "arc").stdout
    )
    assert arc[-1]["entry"] == "lee-hi-breathe"


@pytest.mark.parametrize(
    "args",
    [
        ["queue", str(Path.cwd())],  # no --mood
        ["queue", "--mood", "heartbreak", "--order", "sideways", "."],
        ["scan", "--bogus"],
        ["catalog"],
        ["frobnicate-not-a-path", "--bogus"],
        ["match", ".", "--nope"],
    ],
)
def test_bad_arguments_get_one_line_and_exit_2(args):
    r = cli(*args)
    assert r.returncode == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "error" in r.stderr


def test_unknown_mood_is_a_usage_error(library):
    r = cli("queue", "--mood", "euphoria", str(library))
    assert r.returncode == 2 and "heartbreak" in r.stderr


@pytest.mark.parametrize("args", [[], ["match"], ["queue"], ["catalog"], ["catalog", "check"]])
def test_help_everywhere(args):
    r = cli(*args, "--help")
    assert r.returncode == 0 and "usage:" in r.stdout


def test_symlink_loops_and_deep_trees_are_walked_once(make_track, tmp_path):
    lib = tmp_path / "lib"
    make_track("mp3", "X/song.mp3", title="Stay", artists=["BLACKPINK"])
    (lib / "X" / "loop").symlink_to(lib)
    (lib / "X" / "self").symlink_to(lib / "X")
    deep = lib.joinpath(*[f"d{i}" for i in range(60)])
    deep.mkdir(parents=True)
    copy_template("mp3", deep / "deep.mp3")
    r = cli("match", str(lib), "--json")
    names = [Path(x["path"]).name for x in json.loads(r.stdout)]
    assert r.returncode == 0 and sorted(names) == ["deep.mp3", "song.mp3"]


def test_unreadable_folder_is_skipped_with_a_warning(make_track, tmp_path):
    root = tmp_path / "perm"
    try:
        make_track("mp3", "ok/stay.mp3", title="Stay", artists=["BLACKPINK"], root=root)
        make_track("mp3", "locked/fine.mp3", title="Fine", artists=["Taeyeon"], root=root)
        os.chmod(root / "locked", 0o000)
        r = cli("match", str(root), "--json", unprivileged=True)
        assert r.returncode == 0, r.stderr
        assert [Path(x["path"]).name for x in json.loads(r.stdout)] == ["stay.mp3"]
        assert "locked" in r.stderr and "skipped" in r.stderr
    finally:
        os.chmod(root / "locked", 0o755)


def test_non_utf8_and_korean_file_names(make_track, tmp_path):
    lib = tmp_path / "lib"
    make_track("mp3", "한국어/01 태연 - Fine.mp3")
    raw = os.fsencode(lib) + b"/\xb5\xbf\xc0\xcc.mp3"  # CP949 bytes in a file name
    with open(raw, "wb") as f:
        f.write((Path(__file__).parent / "data" / "clip.mp3").read_bytes())
    r = cli("match", str(lib), "--json")
    rows = json.loads(r.stdout)
    assert r.returncode == 0 and len(rows) == 2
    assert any(x["entry"] == "taeyeon-fine" for x in rows)
    assert any("\ufffd" in x["display_path"] for x in rows)


def test_no_subcommand_opens_the_window():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "ksad_player"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    from ksad_player.desktop.single_instance import socket_name

    try:
        # The window is up once it listens for a second launch; then it stays, waiting.
        deadline = time.monotonic() + 20
        while not os.path.exists(socket_name()) and time.monotonic() < deadline:
            assert proc.poll() is None, proc.communicate()[1]
            time.sleep(0.05)
        assert os.path.exists(socket_name())
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=0.5)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "Traceback" not in err


def test_scan_library_and_commands_that_read_the_index(library, tmp_path):
    other = tmp_path / "other.sqlite3"
    r = cli("scan", str(library), "--index", str(other))
    assert r.returncode == 0, r.stderr
    assert "8 files: 8 new" in r.stdout and "1 unreadable" in r.stdout
    assert "the library has 6 matched files" in r.stdout
    again = cli("scan", "--index", str(other))
    assert "8 files: 0 new, 0 changed, 0 removed" in again.stdout
    listing = cli("library", "--index", str(other))
    assert str(library) in listing.stdout and "8 files, 6 matched" in listing.stdout
    rows = json.loads(cli("match", "--json", "--index", str(other)).stdout)
    assert len(rows) == 8 and sum(1 for x in rows if x["entry"]) == 6
    queue = json.loads(cli("queue", "--mood", "heartbreak", "--json", "--index", str(other)).stdout)
    assert len(queue) == 5
    # The default index is a different, still empty one.
    assert "No library folders yet" in cli("library").stdout


def test_scan_of_a_missing_folder_is_a_usage_error(tmp_path):
    r = cli("scan", str(tmp_path / "nope"))
    assert r.returncode == 2 and "not a folder" in r.stderr


def _gui(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(
        [sys.executable, "-m", "ksad_player", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_index(count: int, timeout: float = 30) -> int:
    import sqlite3
    import time

    from ksad_player.core.library.index import default_path

    deadline = time.monotonic() + timeout
    n = 0
    while time.monotonic() < deadline:
        try:
            db = sqlite3.connect(default_path(), timeout=1)
            n = db.execute("SELECT COUNT(*) FROM tracks").fetchone()[0]
            db.close()
        except sqlite3.Error:
            n = 0
        if n >= count:
            break
        time.sleep(0.1)
    return n


def test_paths_on_the_command_line_join_the_library(library):
    proc = _gui(str(library))
    try:
        assert _wait_for_index(8) == 8
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def test_demo_flag_brings_the_demo_library():
    from ksad_player.core.demo import SONGS

    proc = _gui("--demo")
    try:
        assert _wait_for_index(len(SONGS)) == len(SONGS)
    finally:
        proc.terminate()
        _, err = proc.communicate(timeout=10)
    assert "Traceback" not in err


def test_help_imports_no_heavy_module():
    """--help must start fast: no tag reader, matcher, scanner or Qt behind it."""
    code = (
        "import sys, contextlib, io\n"
        "from ksad_player import cli\n"
        "with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "    cli.main(['--help'])\n"
        "heavy = [m for m in ('mutagen', 'rapidfuzz', 'anyascii', 'multiprocessing', 'sqlite3',\n"
        "                     'PySide6', 'vlc', 'ksad_player.core.session') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "[]", r.stdout + r.stderr


def test_queue_order_choices_are_the_queue_orders():
    from ksad_player.cli import ORDER_CHOICES
    from ksad_player.core.play.queue import ORDERS

    assert ORDER_CHOICES == ORDERS


def test_library_counts_agree_with_match_once_links_are_made(library, tmp_path):
    from ksad_player.core.library.index import LibraryIndex

    index = tmp_path / "linked.sqlite3"
    assert cli("scan", str(library), "--index", str(index)).returncode == 0
    with LibraryIndex(index) as idx:
        idx.link(str(library / "A" / "decoy.mp3"), "taeyeon-fine")  # the user's own link
        idx.link(str(library / "A" / "eyes.mp3"), None)  # "not this song"
        idx.link(str(library / "B" / "stay.m4a"), None)
    rows = json.loads(cli("match", "--json", "--index", str(index)).stdout)
    matched = sum(1 for x in rows if x["entry"])
    assert matched == 5  # 6 found by the matcher, one more linked, two refused
    listing = cli("library", "--index", str(index)).stdout
    assert f"{library}  8 files, {matched} matched" in listing
    assert f"total: 8 files, {matched} matched, 3 manual links" in listing


def test_library_remove_forgets_a_folder_and_says_so(library, tmp_path):
    other = tmp_path / "other.sqlite3"
    assert (
        cli("scan", str(library / "A"), str(library / "B"), "--index", str(other)).returncode == 0
    )
    r = cli("library", "--remove", str(library / "A"), "--index", str(other))
    assert r.returncode == 0, r.stderr
    assert "3 files forgotten (nothing deleted from the disk)" in r.stdout
    assert str(library / "A") + "  " not in r.stdout and str(library / "B") in r.stdout
    assert (library / "A" / "eyes.mp3").is_file()
    bad = cli("library", "--remove", str(library / "nope"), "--index", str(other))
    assert bad.returncode == 2 and "not a library folder" in bad.stderr
