"""The sleep timer: stop after this song or after some minutes, fading out at the end.

Pure logic over a clock the caller passes in, so it is tested without Qt or libVLC; the
window (and the tray) ask it for the volume factor and whether it is time to stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

FADE_SECONDS = 10.0
MINUTE_CHOICES = (15, 30, 45, 60)


class SleepMode(StrEnum):
    OFF = "off"
    END_OF_TRACK = "end-of-track"  # stop when the current song ends
    TIMER = "timer"  # stop at a deadline


def fmt_left(seconds: float) -> str:
    s = max(0, int(seconds + 0.999))
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}" if h else f"{rest // 60}:{rest % 60:02d}"


@dataclass
class SleepTimer:
    """What the user chose, and when; `factor` and `due` answer for a moment in time."""

    mode: SleepMode = SleepMode.OFF
    deadline: float = 0.0  # monotonic seconds, for TIMER
    minutes: int = 0
    track: int = -1  # the queue index armed, for END_OF_TRACK

    def after_minutes(self, minutes: int, now: float) -> None:
        self.mode, self.minutes, self.deadline = SleepMode.TIMER, minutes, now + minutes * 60.0

    def after_track(self, track: int) -> None:
        self.mode, self.track, self.minutes = SleepMode.END_OF_TRACK, track, 0

    def cancel(self) -> None:
        self.mode, self.minutes, self.track = SleepMode.OFF, 0, -1

    @property
    def active(self) -> bool:
        return self.mode is not SleepMode.OFF

    def left(self, now: float, pos_ms: int = 0, dur_ms: int = 0) -> float | None:
        """Seconds until the music stops; None when off (or the song's length is unknown)."""
        if self.mode is SleepMode.TIMER:
            return max(0.0, self.deadline - now)
        if self.mode is SleepMode.END_OF_TRACK and dur_ms > 0:
            return max(0.0, (dur_ms - pos_ms) / 1000)
        return None

    def factor(self, now: float, pos_ms: int = 0, dur_ms: int = 0) -> float:
        """The volume to play at, 1.0 down to 0.0 over the last FADE_SECONDS."""
        left = self.left(now, pos_ms, dur_ms)
        if left is None or left >= FADE_SECONDS:
            return 1.0
        return max(0.0, left / FADE_SECONDS)

    def due(self, now: float, pos_ms: int = 0, dur_ms: int = 0, track: int = -1) -> bool:
        """Time to stop: the deadline passed, or the armed song ended (or was left)."""
        if self.mode is SleepMode.TIMER:
            return now >= self.deadline
        if self.mode is SleepMode.END_OF_TRACK:
            if track != self.track:
                return True
            return dur_ms > 0 and dur_ms - pos_ms <= 250
        return False

    def describe(self, now: float, pos_ms: int = 0, dur_ms: int = 0) -> str:
        """For the status bar: what is left."""
        if self.mode is SleepMode.TIMER:
            return f"Sleep in {fmt_left(self.deadline - now)}"
        if self.mode is SleepMode.END_OF_TRACK:
            left = self.left(now, pos_ms, dur_ms)
            return "Sleep after this song" + (f" ({fmt_left(left)})" if left is not None else "")
        return ""
