"""MPRIS2 with real clients (playerctl, busctl, gdbus) on a bus from dbus-run-session,
against the real app in a subprocess playing through libVLC into a WAV."""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from ksad_player.core.catalog import load_file
from ksad_player.core.paths import builtin_catalog_path
from ksad_player.desktop import appid
from tests.desktop.conftest import Desk, need, wait_for

pytestmark = pytest.mark.vlc
NAME = appid.MPRIS_BUS_NAME
PATH = "/org/mpris/MediaPlayer2"


@pytest.fixture
def player(desk: Desk, session_bus: str, start_app) -> Desk:
    need("playerctl", "busctl", "gdbus")
    desk.env["DBUS_SESSION_BUS_ADDRESS"] = session_bus
    assert desk.run("scan", str(desk.music)).returncode == 0
    start_app()
    wait_for(lambda: "ksad_player" in desk.tool("playerctl", "-l").stdout, 15, "the MPRIS name")
    return desk


def ctl(desk: Desk, *args: str) -> str:
    done = desk.tool("playerctl", "-p", "ksad_player", *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def busctl(desk: Desk, *args: str) -> dict:
    done = desk.tool("busctl", "--user", "--json=short", *args)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def metadata(desk: Desk) -> dict:
    got = busctl(desk, "get-property", NAME, PATH, "org.mpris.MediaPlayer2.Player", "Metadata")
    assert got["type"] == "a{sv}"
    return got["data"]


def test_playerctl_lists_it_and_play_pause_plays_the_music(player: Desk):
    desk = player
    assert ctl(desk, "status") == "Stopped"
    assert metadata(desk)["mpris:trackid"] == {
        "type": "o", "data": "/org/mpris/MediaPlayer2/TrackList/NoTrack"
    }  # fmt: skip
    monitor = subprocess.Popen(
        ["gdbus", "monitor", "--session", "--dest", NAME], env=desk.env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        wait_for(lambda: desk.tool("busctl", "--user", "status", NAME).returncode == 0, 5)
        ctl(desk, "play-pause")  # nothing queued: the first mood with songs starts
        wait_for(lambda: desk.wav_bytes() > 50_000, 15, "libVLC to write audio")
        wait_for(lambda: ctl(desk, "status") == "Playing", 5, "Playing")
    finally:
        monitor.terminate()
        out = monitor.communicate(timeout=5)[0]
    changed = [line for line in out.splitlines() if "PropertiesChanged" in line]
    assert changed, out
    # The exact (sa{sv}as) shape: gdbus prints an empty array with its type, @as [].
    assert all(line.rstrip().endswith(", @as [])") for line in changed), changed
    assert any("'PlaybackStatus': <'Playing'>" in line for line in changed)
    assert any("'mpris:length': <int64 " in line for line in changed)

    ctl(desk, "play-pause")
    wait_for(lambda: ctl(desk, "status") == "Paused", 5, "Paused")
    paused_at = desk.wav_bytes()
    time.sleep(0.5)
    assert desk.wav_bytes() - paused_at < 16_000  # paused: the WAV stops growing


def test_metadata_has_the_spec_types_and_the_blurb(player: Desk):
    desk = player
    ctl(desk, "play")
    wait_for(lambda: "xesam:title" in metadata(desk), 10, "a track")
    meta = metadata(desk)
    types = {k: v["type"] for k, v in meta.items()}
    assert types == {
        "mpris:trackid": "o",
        "xesam:title": "s",
        "xesam:artist": "as",
        "xesam:album": "s",
        "xesam:comment": "as",
        "xesam:url": "s",
        "mpris:length": "x",
        "mpris:artUrl": "s",
    }
    title = meta["xesam:title"]["data"]
    entry = next(e for e in load_file(builtin_catalog_path()).entries if e.title == title)
    assert meta["xesam:comment"]["data"] == [entry.blurb]
    assert meta["xesam:artist"]["data"] == [a.name for a in entry.artists]
    assert 11_000_000 < meta["mpris:length"]["data"] < 13_000_000  # a 12-second song, in µs
    art = urlparse(meta["mpris:artUrl"]["data"])
    assert art.scheme == "file" and Path(unquote(art.path)).is_file()
    assert Path(unquote(urlparse(meta["xesam:url"]["data"]).path)).parent == desk.music

    ctl(desk, "volume", "0.5")  # MPRIS sets the session's volume; the window's slider follows
    volume = busctl(desk, "get-property", NAME, PATH, "org.mpris.MediaPlayer2.Player", "Volume")
    assert volume == {"type": "d", "data": 0.5}

    position = busctl(desk, "get-property", NAME, PATH, "org.mpris.MediaPlayer2.Player", "Position")
    assert position["type"] == "x"
    every = busctl(desk, "call", NAME, PATH, "org.freedesktop.DBus.Properties", "GetAll", "s",
                   "org.mpris.MediaPlayer2.Player")["data"][0]  # fmt: skip
    assert every["Position"]["type"] == "x" and every["Volume"] == {"type": "d", "data": 0.5}
    assert every["PlaybackStatus"] == {"type": "s", "data": "Playing"}
    assert every["CanSeek"]["type"] == "b" and every["Rate"]["type"] == "d"
    assert {k: v["type"] for k, v in every["Metadata"]["data"].items()} == types
    assert 0.0 <= float(ctl(desk, "position")) < 13.0  # playerctl reads it from GetAll
    root = busctl(desk, "call", NAME, PATH, "org.freedesktop.DBus.Properties", "GetAll", "s",
                  "org.mpris.MediaPlayer2")["data"][0]  # fmt: skip
    assert root["DesktopEntry"] == {"type": "s", "data": appid.APP_ID}
    assert root["Identity"]["data"] == "ksad-player"
    assert root["CanRaise"]["data"] is True and root["HasTrackList"]["data"] is False


def test_next_changes_the_title_and_seek_sends_seeked(player: Desk):
    desk = player
    ctl(desk, "play")
    wait_for(lambda: ctl(desk, "metadata", "title"), 10, "a title")
    first = ctl(desk, "metadata", "title")
    ctl(desk, "next")
    wait_for(lambda: ctl(desk, "metadata", "title") != first, 5, "the next title")
    assert ctl(desk, "metadata", "title") in {"Fine", "Stay"}  # heartbreak's two songs

    monitor = subprocess.Popen(
        ["gdbus", "monitor", "--session", "--dest", NAME], env=desk.env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        wait_for(lambda: desk.wav_bytes() > 0, 5)
        time.sleep(0.3)
        ctl(desk, "position", "4+")
        time.sleep(0.5)
    finally:
        monitor.terminate()
        out = monitor.communicate(timeout=5)[0]
    seeked = [line for line in out.splitlines() if "Player.Seeked" in line]
    assert seeked and "(int64 " in seeked[0], out
    assert int(seeked[0].split("int64 ")[1].rstrip(",)")) >= 4_000_000


def test_quit_ends_the_app(player: Desk, start_app):
    done = player.tool("gdbus", "call", "--session", "--dest", NAME, "--object-path", PATH,
                       "--method", "org.mpris.MediaPlayer2.Quit")  # fmt: skip
    assert done.returncode == 0, done.stderr
    wait_for(lambda: "ksad_player" not in player.tool("playerctl", "-l").stdout, 10, "quit")
