"""Even loudness: the ReplayGain setting reaches libVLC and changes what is heard."""

from __future__ import annotations

import array
import threading
import time
import wave
from pathlib import Path

import pytest

from ksad_player.core.play.player import EventKind
from ksad_player.playback.vlc_backend import REPLAY_GAIN_MODES, VlcBackend, vlc_args


def _rms(path: Path) -> float:
    with wave.open(str(path)) as w:
        frames = w.readframes(w.getnframes())
        width = w.getsampwidth()
    # 16-bit here; libVLC's afile writes float32 on some builds
    samples = array.array("h" if width == 2 else "f", frames)
    return (sum(x * x for x in samples) / max(1, len(samples))) ** 0.5


def _played(src: Path, out: Path, mode: str) -> float:
    args = [a for a in vlc_args(mode)] + ["--aout=afile", f"--audiofile-file={out}"]
    backend = VlcBackend(args, replay_gain=mode)
    ended = threading.Event()
    backend.on_event = lambda e: e.kind in (EventKind.ENDED, EventKind.ERROR) and ended.set()
    backend.play(str(src))
    assert ended.wait(20)
    backend.close()  # closing the output finishes the WAV header
    time.sleep(0.2)
    return _rms(out)


def test_the_mode_is_passed_to_libvlc_defaulting_to_track():
    assert "--audio-replay-gain-mode=track" in vlc_args()
    assert "--audio-replay-gain-mode=album" in vlc_args("album")
    assert "--audio-replay-gain-mode=track" in vlc_args("loud please")  # unknown: the default
    assert REPLAY_GAIN_MODES == ("none", "track", "album")


@pytest.mark.vlc
def test_a_song_tagged_18_db_too_loud_plays_quieter_with_replaygain(make_track, tmp_path):
    from mutagen.oggvorbis import OggVorbis

    # Ogg Vorbis: libVLC reads ReplayGain from its comments (its FLAC demuxer does not).
    src = make_track("ogg", "loud.ogg", title="Fine", artists=["Taeyeon"])
    f = OggVorbis(src)
    f["REPLAYGAIN_TRACK_GAIN"] = "-18.00 dB"
    f["REPLAYGAIN_TRACK_PEAK"] = "1.000000"
    f["REPLAYGAIN_ALBUM_GAIN"] = "-6.00 dB"
    f.save()
    off = _played(src, tmp_path / "off.wav", "none")
    track = _played(src, tmp_path / "track.wav", "track")
    album = _played(src, tmp_path / "album.wav", "album")
    assert off > 0
    assert track / off == pytest.approx(10 ** (-18 / 20), rel=0.25)
    assert album / off == pytest.approx(10 ** (-6 / 20), rel=0.25)


@pytest.mark.vlc
def test_changing_the_mode_applies_at_once(make_track, tmp_path):
    from mutagen.oggvorbis import OggVorbis

    src = make_track("ogg", "loud.ogg", title="Fine", artists=["Taeyeon"])
    f = OggVorbis(src)
    f["REPLAYGAIN_TRACK_GAIN"] = "-18.00 dB"
    f.save()
    out = tmp_path / "out.wav"
    backend = VlcBackend(
        [*vlc_args("none"), "--aout=afile", f"--audiofile-file={out}"], replay_gain="none"
    )
    ended = threading.Event()
    backend.on_event = lambda e: e.kind is EventKind.ENDED and ended.set()

    def play() -> float:
        ended.clear()
        backend.play(str(src))
        assert ended.wait(20)
        time.sleep(0.3)  # the output closes and finishes the WAV
        return _rms(out)

    off = play()
    backend.set_replay_gain("track")
    assert backend.replay_gain == "track"
    track = play()
    backend.close()
    assert track / off == pytest.approx(10 ** (-18 / 20), rel=0.25)


@pytest.mark.vlc
def test_a_mode_change_while_paused_keeps_the_place_and_the_seek(tmp_path):
    """The new libVLC player has no media yet: the paused song's place and length stay
    readable (seek bar, MPRIS, resume), and a seek made then is where it resumes."""
    import wave as wave_mod

    from ksad_player.core.demo import RATE, melody

    src = tmp_path / "long.wav"
    with wave_mod.open(str(src), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(melody(3, 8.0).tobytes())
    out = tmp_path / "out.wav"
    backend = VlcBackend(
        [*vlc_args("none"), "--aout=afile", f"--audiofile-file={out}"], replay_gain="none"
    )
    playing = threading.Event()
    backend.on_event = lambda e: e.kind is EventKind.PLAYING and playing.set()
    backend.play(str(src))
    assert playing.wait(10)
    deadline = time.monotonic() + 10
    while backend.position_ms() < 1000 and time.monotonic() < deadline:
        time.sleep(0.05)
    backend.pause()
    time.sleep(0.3)
    place, length = backend.position_ms(), backend.duration_ms()
    assert place >= 1000 and length >= 7000
    backend.set_replay_gain("track")
    assert backend.position_ms() == place and backend.duration_ms() == length
    backend.seek(5000)
    assert backend.position_ms() == 5000
    playing.clear()
    backend.resume()
    assert playing.wait(10)
    time.sleep(0.3)
    assert backend.position_ms() >= 5000
    backend.close()
