"""`match --json` names every file so that a program can open it again, whatever its bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys


def test_json_paths_round_trip_to_the_real_bytes_of_non_utf8_names(make_track, tmp_path):
    # Two names that differ only in bytes that are not UTF-8 (Latin-1 and CP949 leftovers):
    # printed with U+FFFD both would read "…\ufffd Fine.mp3" and neither could be opened.
    raw = [b"bad-\xff Fine.mp3", b"bad-\xfe Fine.mp3", b"good.mp3"]
    for name in raw:
        make_track("mp3", os.fsdecode(name), title="Fine", artists=["Taeyeon"])
    lib = tmp_path / "lib"
    assert sorted(os.listdir(os.fsencode(lib))) == sorted(raw)
    r = subprocess.run(
        [sys.executable, "-m", "ksad_player", "match", str(lib), "--json"],
        capture_output=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    out = r.stdout.decode("utf-8")  # the output itself is valid UTF-8 text
    rows = json.loads(out)
    real = {os.fsencode(row["path"]) for row in rows}
    assert real == {os.path.join(os.fsencode(lib), n) for n in raw}
    for row in rows:
        with open(os.fsencode(row["path"]), "rb") as f:  # each one opens
            assert f.read(3)
        assert row["entry"] == "taeyeon-fine"
    shown = sorted(os.path.basename(row["display_path"]) for row in rows)
    assert shown == ["bad-\ufffd Fine.mp3", "bad-\ufffd Fine.mp3", "good.mp3"]
    # The plain listing prints the readable form and does not crash on the odd bytes.
    plain = subprocess.run(
        [sys.executable, "-m", "ksad_player", "match", str(lib)], capture_output=True, timeout=120
    )
    assert plain.returncode == 0, plain.stderr
    assert plain.stdout.decode("utf-8").count("\ufffd") == 2
