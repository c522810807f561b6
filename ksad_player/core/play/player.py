"""What the player is doing, independent of any toolkit or audio library.

The Player owns the queue position, play/pause state and repeat mode, and drives a
Backend (the small playback contract). Backends report through one `on_event` callback,
possibly from their own threads; whoever owns the Player must hand those events to
`Player.handle()` on the thread the Player lives on (the window does this through a Qt
signal). NullBackend plays nothing, for machines without libVLC and for tests of logic.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from ksad_player.core.play.queue import Item


class PlaybackStatus(StrEnum):
    """What the user sees on the play button (MPRIS spells these capitalised)."""

    STOPPED = "stopped"
    PLAYING = "playing"
    PAUSED = "paused"


class RepeatMode(StrEnum):
    """Off, the whole queue, or the one track; the window, settings and MPRIS share these."""

    OFF = "off"
    ALL = "all"
    ONE = "one"

    def following(self) -> RepeatMode:
        """The next mode in the cycle the repeat button steps through."""
        modes = list(RepeatMode)
        return modes[(modes.index(self) + 1) % len(modes)]


class EventKind(StrEnum):
    """What a backend reports about the media it was given."""

    PLAYING = "playing"
    PAUSED = "paused"
    STOPPED = "stopped"
    ENDED = "ended"
    ERROR = "error"
    NO_OUTPUT = "no-output"  # no audio output could be opened: it would play silently


class PlayerChange(StrEnum):
    """What a Player tells its listeners changed."""

    QUEUE = "queue"  # the queue's contents
    TRACK = "track"  # the current track
    STATUS = "status"  # playing, paused, stopped or the repeat mode
    SKIPPED = "skipped"  # a track could not be played; `last_error` says why
    FINISHED = "finished"  # the queue ran out
    OUTPUT = "output"  # the audio output failed; `output_problem` says so, for a banner


REPEAT_MODES = tuple(RepeatMode)


@dataclass(frozen=True)
class PlaybackEvent:
    """What a backend reports, stamped with the path of the media that sent it."""

    kind: EventKind
    path: str = ""
    message: str = ""


class Backend(Protocol):
    """The playback contract every backend implements."""

    on_event: Callable[[PlaybackEvent], None]
    available: bool
    reason: str  # why it is not available, for the user

    def play(self, path: str) -> None: ...
    def start_next_at(self, ms: int) -> None:
        """The next `play` starts this far in (a seek before playing is lost)."""
        ...
    def pause(self) -> None: ...
    def resume(self) -> None: ...
    def stop(self) -> None: ...
    def seek(self, ms: int) -> None: ...
    def set_volume(self, volume: int) -> None: ...
    def position_ms(self) -> int: ...
    def duration_ms(self) -> int: ...
    def close(self) -> None: ...


def _ignore(_: PlaybackEvent) -> None:
    return None


class NullBackend:
    """Accepts every call and plays nothing; says why when it stands in for libVLC."""

    def __init__(self, reason: str = "no playback backend") -> None:
        self.on_event: Callable[[PlaybackEvent], None] = _ignore
        self.available = False
        self.reason = reason
        self.volume = 100
        self._path = ""
        self._pos = 0
        self._start = 0

    def play(self, path: str) -> None:
        self._path, self._pos, self._start = path, self._start, 0

    def start_next_at(self, ms: int) -> None:
        self._start = max(0, ms)

    def pause(self) -> None:
        return None

    def resume(self) -> None:
        return None

    def stop(self) -> None:
        self._path, self._pos = "", 0

    def seek(self, ms: int) -> None:
        self._pos = max(0, ms)

    def set_volume(self, volume: int) -> None:
        self.volume = max(0, min(100, volume))

    def position_ms(self) -> int:
        return self._pos

    def duration_ms(self) -> int:
        return 0

    def close(self) -> None:
        return None


@dataclass
class PlayerState:
    queue: list[Item] = field(default_factory=list)
    index: int = -1
    status: PlaybackStatus = PlaybackStatus.STOPPED
    repeat: RepeatMode = RepeatMode.OFF
    unplayable: set[str] = field(default_factory=set)


Listener = Callable[[PlayerChange, "Player"], None]


class Player:
    """Queue position and transport over a Backend; listeners hear PlayerChange news."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend
        self.state = PlayerState()
        self.listeners: list[Listener] = []
        self.last_error = ""
        self.output_problem = ""  # set when no audio output works: nothing would be heard
        # "Sleep after this song": the end of this song stops, whatever would follow (the
        # next song, or the same one again on repeat-one), decided when the end comes.
        self.stop_after_current = False

    # -- notifications ------------------------------------------------------------------
    def _tell(self, what: PlayerChange) -> None:
        for listener in list(self.listeners):
            listener(what, self)

    @property
    def current(self) -> Item | None:
        s = self.state
        return s.queue[s.index] if 0 <= s.index < len(s.queue) else None

    @property
    def queue(self) -> list[Item]:
        return self.state.queue

    # -- commands -----------------------------------------------------------------------
    def load(self, items: list[Item], *, start: int | None = 0) -> None:
        """Replace the queue; start playing at `start` (None: stay stopped)."""
        self.backend.stop()
        self.stop_after_current = False
        self.state.queue = list(items)
        self.state.index = -1
        self.state.status = PlaybackStatus.STOPPED
        self._tell(PlayerChange.QUEUE)
        if start is not None and items:
            self.play_at(start)
        else:
            self._tell(PlayerChange.STATUS)

    def play_at(self, index: int) -> None:
        if not 0 <= index < len(self.state.queue):
            return
        self.state.index = index
        self.state.status = PlaybackStatus.PLAYING
        self.backend.play(self.state.queue[index].path)
        self._tell(PlayerChange.TRACK)
        self._tell(PlayerChange.STATUS)

    def toggle(self) -> None:
        s = self.state
        if s.status == PlaybackStatus.PLAYING:
            self.backend.pause()
            s.status = PlaybackStatus.PAUSED
        elif s.status == PlaybackStatus.PAUSED:
            self.backend.resume()
            s.status = PlaybackStatus.PLAYING
        elif s.queue:
            self.play_at(max(0, s.index))
            return
        self._tell(PlayerChange.STATUS)

    def stop(self) -> None:
        self.backend.stop()
        self.state.status = PlaybackStatus.STOPPED
        self._tell(PlayerChange.STATUS)

    def next(self) -> None:
        nxt = self._following(self.state.index, manual=True)
        if nxt is None:
            self.stop()
        else:
            self.play_at(nxt)

    def previous(self) -> None:
        """Back to the start of the track if it has played a while, else the one before."""
        if self.backend.position_ms() > 3000 or self.state.index <= 0:
            if self.current:
                self.backend.seek(0)
            return
        self.play_at(self.state.index - 1)

    def remove(self, index: int) -> None:
        s = self.state
        if not 0 <= index < len(s.queue):
            return
        playing_removed = index == s.index
        del s.queue[index]
        if index < s.index:
            s.index -= 1
        self._tell(PlayerChange.QUEUE)
        if playing_removed:
            if s.index < len(s.queue) and s.status != PlaybackStatus.STOPPED:
                self.play_at(s.index)
            else:
                s.index = min(s.index, len(s.queue) - 1)
                self.stop()

    def remove_paths(self, paths: set[str]) -> None:
        """Drop every queued song whose file is in `paths`, at once (one notice): a song
        playing among them stops rather than moving on to one that is leaving too."""
        s = self.state
        keep = [i for i in s.queue if i.path not in paths]
        if len(keep) == len(s.queue):
            return
        current = self.current
        if current is not None and current.path in paths:
            self.backend.stop()
            s.status = PlaybackStatus.STOPPED
            before = sum(1 for i in s.queue[: s.index] if i.path not in paths)
            s.index = min(before, len(keep) - 1)
        elif current is not None:
            s.index = sum(1 for i in s.queue[: s.index] if i.path not in paths)
        s.queue = keep
        self._tell(PlayerChange.QUEUE)
        self._tell(PlayerChange.STATUS)

    def set_repeat(self, mode: RepeatMode | str) -> None:
        self.state.repeat = RepeatMode(mode)  # ValueError for a mode that does not exist
        self._tell(PlayerChange.STATUS)

    def _following(self, index: int, *, manual: bool = False) -> int | None:
        n = len(self.state.queue)
        if n == 0:
            return None
        if self.state.repeat is RepeatMode.ONE and not manual:
            return index
        if index + 1 < n:
            return index + 1
        return 0 if self.state.repeat is not RepeatMode.OFF else None

    # -- what the backend says ----------------------------------------------------------
    def handle(self, event: PlaybackEvent) -> None:
        """Backend events, delivered on the Player's own thread."""
        if event.kind == EventKind.NO_OUTPUT:
            # Not the track's fault: stop where we are (nothing would be heard) and say so.
            self.output_problem = event.message or "no audio output works"
            self.backend.stop()
            self.state.status = PlaybackStatus.STOPPED
            self._tell(PlayerChange.OUTPUT)
            self._tell(PlayerChange.STATUS)
            return
        cur = self.current
        if cur is None or (event.path and event.path != cur.path):
            return  # late news about a track we already left
        if (
            event.kind in (EventKind.ENDED, EventKind.ERROR)
            and self.state.status is PlaybackStatus.STOPPED
        ):
            return  # the end that stopping (or a failed output) causes is no news
        if (
            event.kind == EventKind.ENDED
            and self.backend.available
            and self.backend.duration_ms() <= 0
        ):
            # libVLC "ends" a file it found no audio in at once, without an error.
            event = PlaybackEvent(EventKind.ERROR, event.path, "no audio libVLC can decode")
        if event.kind == EventKind.ENDED:
            if self.stop_after_current:
                self.stop_after_current = False
                self.state.status = PlaybackStatus.STOPPED
                self._tell(PlayerChange.STATUS)
                return
            nxt = self._following(self.state.index)
            if nxt is None:
                self.state.status = PlaybackStatus.STOPPED
                self._tell(PlayerChange.STATUS)
                self._tell(PlayerChange.FINISHED)
            else:
                self.play_at(nxt)
        elif event.kind == EventKind.ERROR:
            self.state.unplayable.add(cur.path)
            reason = event.message or "unplayable file"
            if not os.path.lexists(cur.path):
                reason = "the file is gone: moved, renamed or deleted since the scan"
            self.last_error = f"Could not play {cur.title} ({reason}); skipped"
            self._tell(PlayerChange.SKIPPED)
            # Skip forward without wrapping onto the same broken file forever.
            following = self.state.index + 1
            if following < len(self.state.queue):
                self.play_at(following)
            else:
                self.stop()
