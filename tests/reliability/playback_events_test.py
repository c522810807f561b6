"""Playback through the real libVLC when things go wrong: late events, a file deleted
after the scan, no working audio output.

Audio goes to a WAV (KSAD_VLC_ARGS="--aout=afile …") or, to make the output fail on
purpose, to an ALSA device that does not exist.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the window test's widgets

import contextlib

from ksad_player.core.play.player import EventKind, PlaybackEvent, Player, PlayerChange
from ksad_player.core.play.queue import Item

from ..conftest import copy_template

pytestmark = pytest.mark.vlc


def backend_for(monkeypatch, tmp_path: Path, args: str | None = None):
    monkeypatch.setenv(
        "KSAD_VLC_ARGS", args or f"--aout=afile --audiofile-file={tmp_path / 'out.wav'}"
    )
    from ksad_player.playback.vlc_backend import VlcBackend

    return VlcBackend()


def items(catalog, *paths: Path) -> list[Item]:
    entry = catalog.entries[0]
    return [Item(entry=entry, path=str(p), title=f"T{n}", artist="A", duration=0.5, blurb="")
            for n, p in enumerate(paths)]  # fmt: skip


def test_a_late_event_is_stamped_with_the_media_that_sent_it(monkeypatch, tmp_path):
    """libVLC is held inside the first track's "playing" callback while the next track
    starts; what the first track says afterwards must still carry its own path."""
    first = copy_template("ogg", tmp_path / "first.ogg")
    second = copy_template("wav", tmp_path / "second.wav")
    backend = backend_for(monkeypatch, tmp_path)
    events: list[PlaybackEvent] = []
    moved_on = threading.Event()

    def on_event(e: PlaybackEvent) -> None:
        events.append(e)
        if e.kind is EventKind.PLAYING and e.path == str(first):
            moved_on.wait(1.0)  # a busy GUI thread: this news is handled late

    backend.on_event = on_event
    try:
        backend.play(str(first))
        deadline = time.monotonic() + 5
        while not events and time.monotonic() < deadline:
            time.sleep(0.01)
        starter = threading.Thread(target=backend.play, args=(str(second),))
        starter.start()  # the user pressed Next
        time.sleep(0.2)
        moved_on.set()
        starter.join(10)
        deadline = time.monotonic() + 10
        while not any(e.kind is EventKind.ENDED and e.path == str(second) for e in events):
            assert time.monotonic() < deadline, events
            time.sleep(0.02)
    finally:
        backend.close()
    about_second = [e.kind for e in events if e.path == str(second)]
    # Nothing the first track said is charged to the second: it played, ended, and
    # stopped at most once (the first one's stop, sent late, carries the first's path).
    assert about_second[0] is EventKind.PLAYING, events
    assert about_second.count(EventKind.ENDED) == 1, events
    assert about_second.count(EventKind.STOPPED) <= 1, events


def test_a_file_deleted_after_the_scan_is_reported_as_gone(monkeypatch, tmp_path, catalog):
    gone = copy_template("ogg", tmp_path / "gone.ogg")
    here = copy_template("wav", tmp_path / "here.wav")
    gone.unlink()
    backend = backend_for(monkeypatch, tmp_path)
    events: queue.Queue[PlaybackEvent] = queue.Queue()
    backend.on_event = events.put
    player = Player(backend)
    told: list[PlayerChange] = []
    player.listeners.append(lambda what, _p: told.append(what))
    try:
        player.load(items(catalog, gone, here))
        deadline = time.monotonic() + 10
        while PlayerChange.FINISHED not in told and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                player.handle(events.get(timeout=0.2))
    finally:
        backend.close()
    assert "the file is gone" in player.last_error and "T0" in player.last_error
    assert player.state.unplayable == {str(gone)}
    assert PlayerChange.FINISHED in told  # the next track played to its end


def test_no_working_audio_output_is_said_and_playback_stops(monkeypatch, tmp_path, catalog):
    clips = [copy_template("wav", tmp_path / f"c{n}.wav") for n in range(3)]
    backend = backend_for(
        monkeypatch, tmp_path, "--aout=alsa --alsa-audio-device=ksad-no-such-device"
    )
    events: queue.Queue[PlaybackEvent] = queue.Queue()
    backend.on_event = events.put
    player = Player(backend)
    told: list[PlayerChange] = []
    player.listeners.append(lambda what, _p: told.append(what))
    try:
        player.load(items(catalog, *clips))
        deadline = time.monotonic() + 5
        while PlayerChange.OUTPUT not in told and time.monotonic() < deadline:
            with contextlib.suppress(queue.Empty):
                player.handle(events.get(timeout=0.2))
        time.sleep(0.5)
        while not events.empty():
            player.handle(events.get())
    finally:
        backend.close()
    assert PlayerChange.OUTPUT in told and "No sound" in player.output_problem
    # It did not race silently through the queue: it stopped at the first track.
    assert player.state.index == 0 and player.state.status.value == "stopped"
    assert PlayerChange.FINISHED not in told and not player.state.unplayable


def test_the_window_shows_a_banner_when_no_audio_output_works(qtbot, monkeypatch, tmp_path):
    from PySide6.QtCore import Qt

    from ksad_player.core.session import Session
    from ksad_player.playback.vlc_backend import make_backend
    from ksad_player.ui.main_window import MainWindow

    from ..ui.conftest import make_clip
    from ..ui.test_window import mood, wait_scanned

    make_clip(tmp_path / "lib" / "fine.wav", 1.0, "Fine", "Taeyeon")
    monkeypatch.setenv("KSAD_VLC_ARGS", "--aout=alsa --alsa-audio-device=ksad-no-such-device")
    window = MainWindow(Session(backend=make_backend()))
    qtbot.addWidget(window)
    window.show()
    try:
        window.add_paths([str(tmp_path / "lib")])
        wait_scanned(qtbot, window)
        assert not window.banner.isVisible()
        qtbot.mouseClick(mood(window, "heartbreak"), Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "No sound" in window.banner.text(), timeout=5000)
        assert window.banner.isVisible() and window.player.state.status.value == "stopped"
    finally:
        window.close()
        window.backend.close()
