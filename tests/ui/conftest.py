"""Qt tests run offscreen with real widgets; playback through real libVLC into WAV files."""

from __future__ import annotations

import os
import wave
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from ksad_player.core.demo import RATE, melody
from ksad_player.core.play.player import NullBackend
from ksad_player.core.tags.writer import TagSpec, write_tags


def make_clip(path: Path, seconds: float, title: str, artist: str, seed: int = 1) -> Path:
    """A tagged WAV of an exact length (a soft synthesized melody)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(melody(seed, seconds).tobytes())
    write_tags(path, TagSpec(title, (artist,)))
    return path


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        return w.getnframes() / w.getframerate()


@pytest.fixture
def out_wav(tmp_path, monkeypatch) -> Path:
    out = tmp_path / "vlc-out.wav"
    monkeypatch.setenv("KSAD_VLC_ARGS", f"--aout=afile --audiofile-file={out}")
    return out


@pytest.fixture
def open_window(qtbot) -> Callable[..., object]:
    """open_window(backend=None): a MainWindow on the real libVLC backend by default."""
    from ksad_player.core.session import Session
    from ksad_player.playback.vlc_backend import make_backend
    from ksad_player.ui.main_window import MainWindow

    windows = []

    def open_(backend=None):
        w = MainWindow(Session(backend=backend if backend is not None else make_backend()))
        qtbot.addWidget(w)
        w.show()
        windows.append(w)
        qtbot.waitUntil(lambda: w.filled, timeout=5000)  # the views fill just after painting
        return w

    yield open_
    for w in windows:
        if w.isVisible():
            w.close()
        w.backend.close()


@pytest.fixture
def null_backend() -> NullBackend:
    return NullBackend("libVLC is not available (test). Install it: sudo apt-get install libvlc5")
