"""What the window remembers between runs (geometry, volume, order, repeat, gentle
listening, ReplayGain, palette, mood) and the queue to resume. Where and how settings are
stored changes apart from the window's wiring, so it lives here."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, QTimer

from ksad_player.core import paths
from ksad_player.core.play.player import RepeatMode
from ksad_player.core.session import ResumeState
from ksad_player.ui import choices

if TYPE_CHECKING:
    from ksad_player.ui.main_window import MainWindow


def settings() -> QSettings:
    """Settings live under the XDG config dir, beside the user catalog."""
    return QSettings(str(paths.config_dir() / "settings.ini"), QSettings.Format.IniFormat)


class WindowSettings:
    """Reads the window's settings at start, writes them soon after they change."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.store = settings()
        self.timer = QTimer(window)  # settings are written soon after they change
        self.timer.setSingleShot(True)
        self.timer.setInterval(400)
        self.timer.timeout.connect(window.save_settings)

    def save_soon(self) -> None:
        """Settings change: write them shortly (a crash loses nothing much)."""
        if not self.window._restoring:
            self.timer.start()

    def restore(self) -> None:
        w, s = self.window, self.store
        geometry = s.value("window/geometry")
        if geometry is not None:
            w.restoreGeometry(geometry)
        else:
            w.resize(QSize(1000, 680))
        volume = int(s.value("player/volume", 80))
        w.transport.volume.setValue(volume)
        w.session.set_volume(volume)
        w.order = str(s.value("player/order", "shuffle"))
        w.moods.set_order(w.order)
        choices.set_order(w, w.order)
        repeat = str(s.value("player/repeat", RepeatMode.OFF.value))
        choices.set_repeat(w, repeat if repeat in tuple(RepeatMode) else RepeatMode.OFF.value)
        choices.set_gentle(w, str(s.value("player/gentle", "false")).lower() == "true")
        gain = str(s.value("player/replaygain", "track"))
        choices.set_replay_gain(w, gain if gain in w.gain_actions else "track")
        style = str(s.value("ui/style", "system"))
        w.apply_style(style if style in w.style_actions else "system", save=False)
        last = s.value("player/mood")
        if last and last in w.moods.buttons:
            w.current_mood = str(last)
            w.moods.check(w.current_mood)

    def restore_queue(self) -> bool:
        """The last queue comes back, paused at its track and position."""
        w = self.window
        raw = self.store.value("player/resume")
        if not raw:
            return False
        try:
            data = json.loads(str(raw))
            state = ResumeState(
                tuple(str(p) for p in data["paths"]),
                int(data["index"]),
                int(data["position_ms"]),
                data.get("mood"),
            )
        except (ValueError, KeyError, TypeError):
            return False  # an unreadable saved queue is simply not brought back
        if not w.session.restore(state):
            return False
        w.listen.show_queue()
        cur = w.player.current
        if cur:
            w.transport.set_position(w.session.resume_position_ms or 0, round(cur.duration * 1000))
        w._update_transport()
        return True

    def save(self) -> None:
        w, s = self.window, self.store
        s.setValue("window/geometry", w.saveGeometry())
        s.setValue("player/volume", w.transport.volume.value())
        s.setValue("player/order", w.order)
        s.setValue("player/repeat", w.player.state.repeat.value)
        s.setValue("player/gentle", "true" if w.session.gentle else "false")
        if w.current_mood:
            s.setValue("player/mood", w.current_mood)
        if w.filled:
            r = w.session.resume_state()
            s.setValue(
                "player/resume",
                json.dumps(
                    {
                        "paths": list(r.paths),
                        "index": r.index,
                        "position_ms": r.position_ms,
                        "mood": r.mood,
                    }
                ),
            )
        s.sync()
