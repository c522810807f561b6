"""The listener's standing choices (order, repeat, volume, gentle listening, ReplayGain,
palette): each sets the session or the app, checks its menu entry and is remembered.
What a choice does changes apart from where its controls sit, so it lives here as
functions taking the window; the mood bar, transport, menus and settings call them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from ksad_player.core.play.player import RepeatMode

if TYPE_CHECKING:
    from ksad_player.ui.main_window import MainWindow


def set_order(w: MainWindow, order: str) -> None:
    w.order = order
    if order in w.order_actions:
        w.order_actions[order].setChecked(True)
    w.save_soon()


def choose_order(w: MainWindow, order: str) -> None:
    w.moods.set_order(order)  # the combo tells set_order


def set_repeat(w: MainWindow, mode: str, from_menu: bool = False) -> None:
    w.player.set_repeat(mode)
    w.transport.set_repeat(RepeatMode(mode))
    w.repeat_actions[mode].setChecked(True)
    w.save_soon()


def cycle_repeat(w: MainWindow) -> None:
    set_repeat(w, w.player.state.repeat.following())


def set_volume(w: MainWindow, volume: int) -> None:
    w.session.set_volume(volume)
    w.save_soon()


def set_gentle(w: MainWindow, on: bool) -> None:
    w.session.gentle = bool(on)
    w.gentle_action.setChecked(bool(on))
    if w.filled:  # at start the library is drawn once, after the first paint
        w.refresh_library()
    w.save_soon()


def set_replay_gain(w: MainWindow, mode: str) -> None:
    w.gain_actions[mode].setChecked(True)
    if w._restoring:
        return  # read from the settings just now: nothing to write
    w.settings.setValue("player/replaygain", mode)
    w.settings.sync()
    apply = getattr(w.backend, "set_replay_gain", None)
    if callable(apply):
        apply(mode)  # libVLC starts again with the new mode; the song goes on
    words = {"none": "off", "track": "per track", "album": "per album"}
    w.say(f"Even loudness (ReplayGain): {words[mode]}.")


def apply_style(w: MainWindow, style: str, save: bool = True) -> None:
    """Force the light or dark palette (or follow the system's)."""
    from ksad_player.ui.app import style_app

    app = QApplication.instance()
    if isinstance(app, QApplication) and not w._restoring:
        style_app(app, style)
    if style in w.style_actions:
        w.style_actions[style].setChecked(True)
    if save:
        w.settings.setValue("ui/style", style)
        w.settings.sync()
