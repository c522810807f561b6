"""One contract, every backend: what the Player relies on holds for libVLC and the null one."""

from __future__ import annotations

import queue
import time

import pytest

from ksad_player.core.play.player import NullBackend, PlaybackEvent

from .conftest import copy_template


def vlc_backend(tmp_path, monkeypatch):
    monkeypatch.setenv("KSAD_VLC_ARGS", f"--aout=afile --audiofile-file={tmp_path / 'out.wav'}")
    from ksad_player.playback.vlc_backend import VlcBackend

    return VlcBackend()


@pytest.fixture(params=["null", pytest.param("vlc", marks=pytest.mark.vlc)])
def backend(request, tmp_path, monkeypatch):
    b = NullBackend("test") if request.param == "null" else vlc_backend(tmp_path, monkeypatch)
    yield b
    b.close()


def test_contract(backend, tmp_path):
    events: queue.Queue[PlaybackEvent] = queue.Queue()
    backend.on_event = events.put
    clip = copy_template("wav", tmp_path / "clip.wav")
    assert isinstance(backend.available, bool) and isinstance(backend.reason, str)
    backend.set_volume(150)
    backend.set_volume(-3)
    backend.set_volume(40)
    backend.play(str(clip))
    backend.pause()
    backend.resume()
    backend.seek(100)
    assert backend.position_ms() >= 0 and backend.duration_ms() >= 0
    if backend.available:
        deadline = time.monotonic() + 10
        kinds = []
        while "ended" not in kinds and time.monotonic() < deadline:
            try:
                ev = events.get(timeout=0.5)
            except queue.Empty:
                continue
            kinds.append(ev.kind)
            assert ev.path == str(clip)
        assert "playing" in kinds and "ended" in kinds
        assert backend.duration_ms() == pytest.approx(500, abs=100)
    else:
        assert "test" in backend.reason
    backend.stop()
