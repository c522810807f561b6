"""The libVLC backend: one vlc.Instance for the app, one media player.

libVLC calls back on its own threads and is not re-entrant: a callback here only builds a
PlaybackEvent and passes it to `on_event`, which must hand it to the GUI thread (a queued
Qt signal). Nothing here is ever called from a libVLC callback.

Each media carries its own event callback, bound to its own path: an event that libVLC
sends late about the previous track is stamped with that track's path, so the Player's
filter for late news works. libVLC's log tells when no audio output can be opened; that
becomes a NO_OUTPUT event (the window shows a banner) instead of silent playback.
"""

from __future__ import annotations

import os
import shlex
from collections import deque
from collections.abc import Callable
from typing import Any

from ksad_player.core.play.player import EventKind, NullBackend, PlaybackEvent

INSTALL_HINT = "sudo apt-get install libvlc5 vlc-plugin-base"
LOG_ERROR = 4  # libVLC's LIBVLC_ERROR level
# The format string libVLC logs when the audio output (device, server, file) cannot open.
OUTPUT_FAILED = b"failed to create audio output"
KEEP_MEDIA = 4  # the media we still hold (and hear late events from)


class BackendUnavailable(Exception):
    """libVLC cannot be used here; the message says why in the user's words."""


REPLAY_GAIN_MODES = ("none", "track", "album")  # libVLC's spelling; "none" is off


def vlc_args(replay_gain: str = "track") -> list[str]:
    """Base options, the ReplayGain mode, plus KSAD_VLC_ARGS, split like a shell would
    (ValueError if KSAD_VLC_ARGS is malformed)."""
    extra = shlex.split(os.environ.get("KSAD_VLC_ARGS", ""))
    gain = replay_gain if replay_gain in REPLAY_GAIN_MODES else "track"
    return ["--quiet", "--no-video", "--no-xlib", f"--audio-replay-gain-mode={gain}", *extra]


def libvlc_version() -> str:
    """The libVLC in use, e.g. "3.0.21 Vetinari"; "" without libVLC."""
    try:
        raw = _import_vlc().libvlc_get_version()
    except Exception:
        return ""
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _import_vlc() -> Any:
    """python-vlc, or BackendUnavailable naming the setting that stops it. (python-vlc
    calls sys.exit() at import when PYTHON_VLC_LIB_PATH or PYTHON_VLC_MODULE_PATH is wrong.)"""
    try:
        import vlc
    except (Exception, SystemExit) as exc:
        for var in ("PYTHON_VLC_LIB_PATH", "PYTHON_VLC_MODULE_PATH"):
            value = os.environ.get(var)
            if value is not None:
                raise BackendUnavailable(
                    f"libVLC could not be loaded: {var} is set to {value!r}, which is not "
                    f"{'the libVLC library' if var.endswith('LIB_PATH') else 'its plugin folder'}. "
                    f"Unset it or fix it"
                ) from None
        raise BackendUnavailable(
            f"libVLC is not available ({type(exc).__name__}). Install it: {INSTALL_HINT}"
        ) from None
    return vlc


class VlcBackend:
    """Backend over python-vlc."""

    def __init__(self, args: list[str] | None = None, replay_gain: str = "track") -> None:
        if args is None:
            try:
                args = vlc_args(replay_gain)
            except ValueError as exc:
                raise BackendUnavailable(
                    f"KSAD_VLC_ARGS cannot be read ({exc}): quote it as a shell would"
                ) from None
        self._vlc = _import_vlc()
        self._args = list(args)
        self.replay_gain = replay_gain
        self.on_event: Callable[[PlaybackEvent], None] = lambda _e: None
        self.available = True
        self.reason = ""
        self.output_failed = False
        self.volume = 100
        self._path = ""
        self._start_ms = 0
        self._paused_at: tuple[str, int] | None = None  # paused across a rebuild
        self._length_ms = 0  # the paused song's length, while the new player has no media
        self._media: deque[tuple[Any, Any, list[EventKind]]] = deque()
        self._open()

    def _open(self) -> None:
        """One libVLC instance and media player with the current options."""
        vlc = self._vlc
        self.instance = vlc.Instance(self._args)
        if self.instance is None:
            extra = os.environ.get("KSAD_VLC_ARGS", "")
            raise BackendUnavailable(
                f"libVLC refused the options in KSAD_VLC_ARGS ({extra!r})"
                if extra.strip()
                else "libVLC is installed but could not start (are its plugins installed? "
                f"{INSTALL_HINT})"
            )
        self.player = self.instance.media_player_new()
        self._log_cb = vlc.CallbackDecorators.LogCb(self._log)
        self.instance.log_set(self._log_cb, None)

    def _release(self) -> None:
        self.player.stop()
        for media, em, _ in self._media:
            em.event_detach(self._vlc.EventType.MediaStateChanged)
            media.release()
        self._media.clear()
        self.player.release()
        self.instance.log_unset()
        self.instance.release()

    def set_replay_gain(self, mode: str) -> None:
        """Change the ReplayGain mode now. libVLC reads it when its instance starts, so the
        instance is made again; a song playing goes on from where it was."""
        if mode not in REPLAY_GAIN_MODES or mode == self.replay_gain:
            return
        state = self.player.get_state()
        playing = state == self._vlc.State.Playing
        paused = state == self._vlc.State.Paused
        path, pos, self._length_ms = self._path, self.position_ms(), self.duration_ms()
        self._args = [a for a in self._args if not a.startswith("--audio-replay-gain-mode=")]
        self._args.append(f"--audio-replay-gain-mode={mode}")
        on_event, self.on_event = self.on_event, lambda _e: None  # no "stopped" from the swap
        self._release()
        self.replay_gain = mode
        self._open()
        self.on_event = on_event
        self.player.audio_set_volume(self.volume)
        if playing and path:
            self.start_next_at(pos)
            self.play(path)
        elif paused and path:
            self._path, self._paused_at = path, (path, pos)

    # -- on libVLC's threads: build a value, hand it on, touch nothing else ---------------
    def _media_state(self, event: Any, path: str, sent: list[EventKind]) -> None:
        state = self._vlc.State
        kind = {
            state.Playing: EventKind.PLAYING,
            state.Paused: EventKind.PAUSED,
            state.Stopped: EventKind.STOPPED,
            state.Ended: EventKind.ENDED,
            state.Error: EventKind.ERROR,
        }.get(state(event.u.new_state))
        if kind is None:
            return
        ending = (EventKind.ENDED, EventKind.ERROR)
        if kind in ending and any(k in ending for k in sent):
            return  # libVLC says "ended" again when the media is let go: one ending each
        sent.append(kind)
        self.on_event(PlaybackEvent(kind, path))

    def _log(
        self, _data: object, level: int, _ctx: object, fmt: bytes | None, _args: object
    ) -> None:
        if level >= LOG_ERROR and fmt == OUTPUT_FAILED and not self.output_failed:
            self.output_failed = True
            self.on_event(PlaybackEvent(EventKind.NO_OUTPUT, "", NO_OUTPUT_MESSAGE))

    # -- the contract -----------------------------------------------------------------------
    def play(self, path: str) -> None:
        self.output_failed = False  # said again at each try while the output still fails
        self._path = path
        self._paused_at = None
        media = self.instance.media_new_path(path)
        if self._start_ms > 0:  # set_time before the media plays is ignored: an option is not
            media.add_option(f":start-time={self._start_ms / 1000:.3f}")
            self._start_ms = 0
        sent: list[EventKind] = []
        em = media.event_manager()
        em.event_attach(self._vlc.EventType.MediaStateChanged, self._media_state, path, sent)
        self._media.append((media, em, sent))
        self.player.set_media(media)
        while len(self._media) > KEEP_MEDIA:
            old, old_em, _ = self._media.popleft()
            old_em.event_detach(self._vlc.EventType.MediaStateChanged)
            old.release()
        if self.player.play() == -1:
            self.on_event(PlaybackEvent(EventKind.ERROR, path, "libVLC refused to start it"))
        self.player.audio_set_volume(self.volume)  # some outputs reset it per track

    def pause(self) -> None:
        self.player.set_pause(1)

    def start_next_at(self, ms: int) -> None:
        """The next `play` starts this far in (resuming where the listener left off)."""
        self._start_ms = max(0, int(ms))

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
        if self._paused_at is not None:  # paused across a rebuild: resume from there
            self._paused_at = (self._paused_at[0], max(0, int(ms)))
            return
        self.player.set_time(max(0, int(ms)))

    def set_volume(self, volume: int) -> None:
        self.volume = max(0, min(100, int(volume)))
        self.player.audio_set_volume(self.volume)

    def position_ms(self) -> int:
        if self._paused_at is not None:
            return self._paused_at[1]
        return max(0, self.player.get_time())

    def duration_ms(self) -> int:
        if self._paused_at is not None:
            return self._length_ms
        return max(0, self.player.get_length())

    def close(self) -> None:
        self.on_event = lambda _e: None
        self._release()


NO_OUTPUT_MESSAGE = (
    "No sound: libVLC could not open an audio output (no sound device, or the sound "
    "server is not running). Check your sound settings; playback is paused."
)


def make_backend(replay_gain: str = "track") -> VlcBackend | NullBackend:
    """libVLC when it is there; otherwise a NullBackend that says why, in the user's words."""
    try:
        return VlcBackend(replay_gain=replay_gain)
    except BackendUnavailable as exc:
        return NullBackend(str(exc))
    except Exception as exc:  # OSError, NameError from a broken python-vlc
        return NullBackend(
            f"libVLC is not available ({type(exc).__name__}). Install it: {INSTALL_HINT}"
        )
