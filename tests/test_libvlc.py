"""libVLC is really here and writes audio to a WAV through its afile output."""

from __future__ import annotations

import time
import wave

import pytest

from .conftest import copy_template


@pytest.mark.vlc
def test_libvlc_plays_a_clip_into_a_wav(tmp_path):
    import vlc

    src = copy_template("ogg", tmp_path / "clip.ogg")
    out = tmp_path / "out.wav"
    inst = vlc.Instance(["--quiet", "--no-video", "--aout=afile", f"--audiofile-file={out}"])
    player = inst.media_player_new()
    player.set_media(inst.media_new_path(str(src)))
    player.play()
    deadline = time.monotonic() + 10
    while (
        player.get_state() not in (vlc.State.Ended, vlc.State.Error) and time.monotonic() < deadline
    ):
        time.sleep(0.05)
    assert player.get_state() == vlc.State.Ended
    player.release()
    inst.release()
    with wave.open(str(out)) as w:
        seconds = w.getnframes() / w.getframerate()
    assert 0.4 < seconds < 0.7
