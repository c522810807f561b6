"""The sleep timer's menu and its countdown in the status bar. The timer itself is the
session's; this is only how the window (and the tray, which adds the same menu) shows it."""

from __future__ import annotations

from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu

from ksad_player.core.play.sleep import MINUTE_CHOICES, SleepMode
from ksad_player.core.session import Session
from ksad_player.ui.widgets import plain_label


class SleepControls:
    """One menu (Off, after this song, in N minutes) and one status-bar label."""

    def __init__(self, window: QMainWindow, session: Session) -> None:
        self.session = session
        self.label: QLabel = plain_label("", "sleep-left")
        self.label.hide()
        self.menu = QMenu("Sleep timer", window)
        self.menu.setObjectName("sleep-menu")
        choices = [("off", "Off"), ("track", "After this song")]
        choices += [(str(m), f"In {m} minutes") for m in MINUTE_CHOICES]
        group = QActionGroup(window)
        group.setExclusive(True)
        self.actions: dict[str, QAction] = {}
        for value, text in choices:
            a = QAction(text, window)
            a.setCheckable(True)
            a.triggered.connect(lambda _=False, v=value: self.set(v))
            group.addAction(a)
            self.menu.addAction(a)
            window.addAction(a)
            self.actions[value] = a
        self.actions["off"].setChecked(True)

    def set(self, choice: str) -> None:
        """ "off", "track" (after this song) or a number of minutes."""
        if choice == "off":
            self.session.sleep_cancel()
        elif choice == "track":
            self.session.sleep_after_track()
        else:
            self.session.sleep_after_minutes(int(choice))

    def show(self) -> None:
        """The session's timer changed: check its entry and show what is left."""
        sleep = self.session.sleep
        if sleep.mode is SleepMode.OFF:
            key = "off"
        elif sleep.mode is SleepMode.END_OF_TRACK:
            key = "track"
        else:
            key = str(sleep.minutes)
        if key in self.actions:
            self.actions[key].setChecked(True)
        self.tick()

    def tick(self) -> None:
        """The countdown in the status bar, hidden when there is nothing to count."""
        text = self.session.sleep_tick()
        self.label.setText(text)
        self.label.setVisible(bool(text))
