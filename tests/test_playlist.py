"""M3U8 out (with #EXTINF durations) and .m3u/.m3u8 in: relative paths, missing entries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from ksad_player.core.play import playlist
from ksad_player.core.play.playlist import extinf_seconds, read_playlist, write_m3u8
from ksad_player.core.play.queue import build_queue
from ksad_player.core.session import ScanRequest, Session


def _library(make_track, tmp_path: Path) -> Path:
    make_track("mp3", "k/fine.mp3", title="Fine", artists=["Taeyeon"])
    make_track("flac", "k/stay.flac", title="Stay", artists=["BLACKPINK"])
    make_track("ogg", "k/decoy.ogg", title="Rain Song", artists=["Nobody"])
    return tmp_path / "lib" / "k"


def test_a_queue_written_as_m3u8_reads_back_with_durations(make_track, tmp_path, catalog):
    folder = _library(make_track, tmp_path)
    session = Session(index_path=tmp_path / "i.sqlite3")
    session.scan_now(ScanRequest((str(folder),)))
    items = session.queue_for("heartbreak")
    out = tmp_path / "out" / "heartbreak.m3u8"
    out.parent.mkdir()
    assert write_m3u8(items, out) == 2
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U"
    for item, (inf, path) in zip(items, zip(lines[1::2], lines[2::2], strict=True), strict=True):
        seconds = max(1, round(item.duration))
        assert item.duration > 0 and inf == f"#EXTINF:{seconds},{item.artist} - {item.title}"
        assert path == item.path
    back = read_playlist(out)
    assert back.found == [i.path for i in items] and back.missing == []
    session.close()


def test_relative_entries_resolve_against_the_playlists_folder_and_missing_are_listed(tmp_path):
    music = tmp_path / "music"
    (music / "a").mkdir(parents=True)
    (music / "a" / "one.mp3").write_bytes(b"x")
    (music / "two 둘.flac").write_bytes(b"x")
    pl = music / "lists" / "mine.m3u8"
    pl.parent.mkdir()
    pl.write_text(
        "\ufeff#EXTM3U\n#EXTINF:200,A - One\n../a/one.mp3\n\n"
        f"{music / 'two 둘.flac'}\n../a/gone.mp3\nhttp://radio.example/stream\n"
        "../a/one.mp3\n",  # a repeat is queued once
        encoding="utf-8",
    )
    got = read_playlist(pl)
    assert got.found == [str(music / "a" / "one.mp3"), str(music / "two 둘.flac")]
    assert got.missing == [str(music / "a" / "gone.mp3"), "http://radio.example/stream"]
    assert got.problem == ""


def test_old_m3u_in_latin1_file_urls_and_windows_separators(tmp_path):
    (tmp_path / "café").mkdir()
    song = tmp_path / "café" / "naïve.mp3"
    song.write_bytes(b"x")
    pl = tmp_path / "old.m3u"
    pl.write_bytes(
        b"caf\xe9\\na\xefve.mp3\n" + f"file://{tmp_path}/caf%C3%A9/na%C3%AFve.mp3\n".encode()
    )
    got = read_playlist(pl)
    assert got.found == [str(song)]  # the second line is the same file, by URL


def test_bad_playlists_say_why_and_stay_bounded(tmp_path, monkeypatch):
    assert "could not read" in read_playlist(tmp_path / "nope.m3u8").problem
    monkeypatch.setattr(playlist, "MAX_BYTES", 64)
    big = tmp_path / "big.m3u8"
    big.write_text("\n".join(f"/nowhere/{n:04d}.mp3" for n in range(100)))
    got = read_playlist(big)
    assert "larger than" in got.problem and 0 < len(got.missing) <= 64 // 10
    monkeypatch.setattr(playlist, "MAX_BYTES", 1 << 20)
    monkeypatch.setattr(playlist, "MAX_ENTRIES", 5)
    got = read_playlist(big)
    assert len(got.missing) == 5 and "more than 5" in got.problem


def test_a_file_name_that_is_not_utf8_goes_out_and_comes_back(tmp_path, catalog):
    from ksad_player.core.tags.reader import Tags

    raw = os.fsencode(tmp_path) + b"/caf\xe9 \xff.mp3"  # a Latin-1 name on a UTF-8 system
    with open(raw, "wb") as f:
        f.write(b"x")
    path = os.fsdecode(raw)
    rows = [(Tags(path=path, format="MP3", duration=200.0), "taeyeon-fine", 1.0)]
    out = tmp_path / "odd.m3u8"
    assert write_m3u8(build_queue(catalog, "heartbreak", rows), out) == 1
    assert raw in out.read_bytes()
    assert read_playlist(out).found == [path]


def test_extinf_is_whole_seconds_and_minus_one_when_unknown():
    assert [extinf_seconds(d) for d in (0.0, 0.4, 61.4, 61.6)] == [-1, 1, 61, 62]


def test_line_breaks_in_titles_cannot_start_a_new_entry(catalog):
    from ksad_player.core.play.playlist import m3u8_text
    from ksad_player.core.tags.reader import Tags

    rows = [(Tags(path="/m/x.mp3", format="MP3", duration=61.4), "taeyeon-fine", 1.0)]
    items = build_queue(catalog, "heartbreak", rows)
    evil = [type(items[0])(**{**items[0].__dict__, "title": "Fine\n/etc/passwd"})]
    assert m3u8_text(evil).splitlines() == [
        "#EXTM3U", "#EXTINF:61,Taeyeon - Fine /etc/passwd", "/m/x.mp3",
    ]  # fmt: skip


def test_cli_queue_writes_a_whole_mood_as_m3u8(make_track, tmp_path):
    folder = _library(make_track, tmp_path)
    out = tmp_path / "heartbreak.m3u8"
    env = {**os.environ}
    proc = subprocess.run(
        [sys.executable, "-m", "ksad_player", "queue", "--mood", "heartbreak", str(folder),
         "--m3u8", str(out), "--seed", "1"],
        capture_output=True, text=True, env=env, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Wrote 2 songs" in proc.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("#EXTM3U\n") and text.count("#EXTINF:") == 2
    assert str(folder / "fine.mp3") in text and "decoy" not in text
