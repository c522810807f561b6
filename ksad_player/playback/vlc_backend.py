"""The libVLC backend: one vlc.Instance for the app, one media player.

libVLC calls back on its own threads and is not re-entrant: a callback here only builds a
PlaybackEvent and passes it to `on_event`, which must hand it to the GUI thread (a queued
Qt signal). Nothing here is ever called from a libVLC callback.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable

from ksad_player.core.play.player import EventKind, NullBackend, PlaybackEvent

INSTALL_HINT = "sudo apt-get install libvlc5 vlc-plugin-base"


REPLAY_GAIN_MODES = ("none", "track", "album")  # libVLC's spelling; "none" is off


def vlc_args(replay_gain: str = "track") -> list[str]:
    """Base options, the ReplayGain mode, plus KSAD_VLC_ARGS, split like a shell would."""
    extra = shlex.split(os.environ.get("KSAD_VLC_ARGS", ""))
    gain = replay_gain if replay_gain in REPLAY_GAIN_MODES else "track"
    return ["--quiet", "--no-video", "--no-xlib", f"--audio-replay-gain-mode={gain}", *extra]


def libvlc_version() -> str:
    """The libVLC in use, e.g. "3.0.21 Vetinari"; "" without libVLC."""
    try:
        import vlc

        raw = vlc.libvlc_get_version()
    except Exception:
        return ""
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


class VlcBackend:
    """Backend over python-vlc."""

    def __init__(self, args: list[str] | None = None, replay_gain: str = "track") -> None:
        import vlc  # raises ImportError/OSError when libVLC is missing

        self._vlc = vlc
        self.replay_gain = replay_gain
        self._args = list(args if args is not None else vlc_args(replay_gain))
        self.on_event: Callable[[PlaybackEvent], None] = lambda _e: None
        self.available = True
        self.reason = ""
        self._path = ""
        self._start_ms = 0
        self._paused_at: tuple[str, int] | None = None  # paused across a rebuild
        self.volume = 100
        self._open()

    def _open(self) -> None:
        """One libVLC instance and media player with the current options."""
        vlc = self._vlc
        self.instance = vlc.Instance(self._args)
        if self.instance is None:
            raise OSError("libVLC could not start with these options")
        self.player = self.instance.media_player_new()
        em = self.player.event_manager()
        et = vlc.EventType
        for vlc_event, kind in (
            (et.MediaPlayerPlaying, EventKind.PLAYING),
            (et.MediaPlayerPaused, EventKind.PAUSED),
            (et.MediaPlayerStopped, EventKind.STOPPED),
            (et.MediaPlayerEndReached, EventKind.ENDED),
            (et.MediaPlayerEncounteredError, EventKind.ERROR),
        ):
            em.event_attach(vlc_event, self._forward, kind)

    def set_replay_gain(self, mode: str) -> None:
        """Change the ReplayGain mode now. libVLC reads it when its instance starts, so the
        instance is made again; a song playing goes on from where it was."""
        if mode not in REPLAY_GAIN_MODES or mode == self.replay_gain:
            return
        state = self.player.get_state()
        playing = state == self._vlc.State.Playing
        paused = state == self._vlc.State.Paused
        path, pos = self._path, self.position_ms()
        self._args = [a for a in self._args if not a.startswith("--audio-replay-gain-mode=")]
        self._args.append(f"--audio-replay-gain-mode={mode}")
        self.player.stop()
        self.player.release()
        self.instance.release()
        self.replay_gain = mode
        self._open()
        self.player.audio_set_volume(self.volume)
        if playing and path:
            self.start_next_at(pos)
            self.play(path)
        elif paused and path:
            self._path, self._paused_at = path, (path, pos)

    def _forward(self, _event: object, kind: EventKind) -> None:
        # On a libVLC thread: build a value, hand it on, touch nothing else.
        self.on_event(PlaybackEvent(kind, self._path))

    def play(self, path: str) -> None:
        self._path = path
        self._paused_at = None
        media = self.instance.media_new_path(path)
        if self._start_ms > 0:  # set_time before the media plays is ignored: an option is not
            media.add_option(f":start-time={self._start_ms / 1000:.3f}")
            self._start_ms = 0
        self.player.set_media(media)
        media.release()
        if self.player.play() == -1:
            self.on_event(PlaybackEvent(EventKind.ERROR, path, "libVLC refused to start it"))
        self.player.audio_set_volume(self.volume)  # some outputs reset it per track

    def start_next_at(self, ms: int) -> None:
        """The next `play` starts this far in (resuming where the listener left off)."""
        self._start_ms = max(0, int(ms))

    def pause(self) -> None:
        self.player.set_pause(1)

    def resume(self) -> None:
        if self._paused_at is not None:  # paused, then the instance was made again
            path, pos = self._paused_at
            self._paused_at = None
            self.start_next_at(pos)
            self.play(path)
            return
        self.player.set_pause(0)

    def stop(self) -> None:
        self.player.stop()

    def seek(self, ms: int) -> None:
        self.player.set_time(max(0, int(ms)))

    def set_volume(self, volume: int) -> None:
        self.volume = max(0, min(100, int(volume)))
        self.player.audio_set_volume(self.volume)

    def position_ms(self) -> int:
        return max(0, self.player.get_time())

    def duration_ms(self) -> int:
        return max(0, self.player.get_length())

    def close(self) -> None:
        self.player.stop()
        self.player.release()
        self.instance.release()


def make_backend(replay_gain: str = "track") -> VlcBackend | NullBackend:
    """libVLC when it is there; otherwise a NullBackend that says how to install it."""
    try:
        return VlcBackend(replay_gain=replay_gain)
    except Exception as exc:  # ImportError, OSError, NameError from a broken python-vlc
        return NullBackend(
            f"libVLC is not available ({type(exc).__name__}). Install it: {INSTALL_HINT}"
        )
