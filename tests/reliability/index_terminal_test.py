"""Terminal injection: names and tags with control characters print as visible escapes.

A file name can hold ESC (retitle or clear the terminal), BEL, CR (overwrite a line) or
a newline (fake a line of output). Every line the CLI prints for people shows them the
way `ls -b` does; JSON keeps them, as JSON escapes.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata

import pytest

CONTROLS = [
    "\x1b]0;owned\x07",
    "\x1b[2J",
    "\r",
    "\nFAKE: 0 files",
    "\x08",
    "\x7f",
    "\x9b",
    "\u202e",
]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ksad_player", *args], capture_output=True, text=True, timeout=120
    )


def raw_controls(text: str) -> set[str]:
    """Control and direction characters in output, besides the newlines ending its lines."""
    return {
        ch for ch in text.replace("\n", "")
        if unicodedata.category(ch) == "Cc" or ch in "\u202e\u2028\u2029"
    }  # fmt: skip


@pytest.fixture
def hostile(make_track, tmp_path):
    lib = tmp_path / "lib"
    for n, c in enumerate(CONTROLS):
        make_track("mp3", f"dir{c}/stay{c}{n}.mp3", title=f"Stay{c}", artists=[f"BLACKPINK{c}"])
    (lib / f"bad\x1b[31m{os.sep[:0]}.mp3").write_bytes(b"\xff\xfb" + b"\x00" * 40)
    return lib


def test_every_control_character_has_a_visible_escape():
    from ksad_player.core.display import for_terminal

    for c in CONTROLS:
        shown = for_terminal(f"a{c}b")
        assert not any(ch in shown for ch in "\x1b\x07\r\n\x08\x7f\x9b\u202e"), repr(shown)
        assert shown.startswith("a\\") and shown.endswith("b")
    assert for_terminal("a\\nb") == "a\\\\nb"  # a real backslash is not an escape
    assert for_terminal("한글 é ✓") == "한글 é ✓"


def test_match_queue_library_and_warnings_print_no_raw_controls(hostile, tmp_path):
    index = str(tmp_path / "index.sqlite3")
    outputs = [
        cli("scan", str(hostile), "--index", index, "-v"),
        cli("match", str(hostile)),
        cli("match", "--index", index),
        cli("queue", "--mood", "heartbreak", str(hostile)),
        cli("queue", "--mood", "heartbreak", "--index", index),
        cli("library", "--index", index),
    ]
    for r in outputs:
        assert r.returncode == 0, r.stderr
        assert raw_controls(r.stdout) == set() and raw_controls(r.stderr) == set(), r.args
        assert "\nFAKE" not in r.stdout and "\nFAKE" not in r.stderr
    match = outputs[1].stdout.splitlines()
    assert len(match) == len(CONTROLS) + 1  # one line per file, none faked
    assert any("\\e]0;owned\\a" in line for line in match)
    queue = outputs[3].stdout.splitlines()
    assert len(queue) == 2 and "\\u202e" in queue[0]  # one song: its number line, its blurb
    assert "bad\\e[31m.mp3" in outputs[0].stderr


def test_json_keeps_control_characters_as_json_escapes(hostile):
    r = cli("match", str(hostile), "--json")
    assert r.returncode == 0 and "\x1b" not in r.stdout and "\\u001b" in r.stdout
    paths = {row["path"] for row in json.loads(r.stdout)}
    assert any("\x1b]0;owned\x07" in p for p in paths)
    r = cli("queue", "--mood", "heartbreak", str(hostile), "--json")
    assert any("\u202e" in row["path"] for row in json.loads(r.stdout))
