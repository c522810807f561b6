"""The tray icon, where the desktop has a tray: the moods, play/pause, next, and
show/hide. With it, closing the window can leave the music playing."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QIcon
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from ksad_player.core.play.player import PlaybackStatus, Player, PlayerChange
from ksad_player.core.session import Session, SessionChange, SessionEvent


class Tray(QObject):
    """A menu that drives the session; the icon is shown only when `available`."""

    def __init__(
        self,
        session: Session,
        window: QWidget,
        icon: QIcon,
        *,
        say: Callable[[str], None],
        quit_app: Callable[[], None],
        available: bool | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.window = window
        self.say = say
        self.available = QSystemTrayIcon.isSystemTrayAvailable() if available is None else available
        self.menu = QMenu()
        self.menu.setObjectName("tray-menu")
        self.moods_menu = self.menu.addMenu("Moods")
        self.mood_actions: dict[str, QAction] = {}
        for mood in session.catalog.moods:
            act = self.moods_menu.addAction(mood.label)
            act.setCheckable(True)
            act.triggered.connect(lambda _=False, m=mood.id: self.play_mood(m))
            self.mood_actions[mood.id] = act
        self.menu.addSeparator()
        self.play_action = self.menu.addAction("Play")
        self.play_action.triggered.connect(self.play_pause)
        self.next_action = self.menu.addAction("Next")
        self.next_action.triggered.connect(session.player.next)
        sleep_menu = getattr(window, "sleep_menu", None)
        if sleep_menu is not None:  # the window's own menu: one timer, shown in both places
            self.sleep_action = self.menu.addMenu(sleep_menu)
        self.menu.addSeparator()
        self.show_action = self.menu.addAction("Hide window")
        self.show_action.triggered.connect(self.toggle_window)
        self.quit_action = self.menu.addAction("Quit")
        self.quit_action.triggered.connect(quit_app)
        self.menu.aboutToShow.connect(self.refresh)
        self.icon = QSystemTrayIcon(icon, self)
        self.icon.setToolTip("ksad-player")
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        session.player.listeners.append(self._on_player)
        session.listeners.append(self._on_session)
        self.refresh()
        if self.available:
            self.icon.show()

    @property
    def present(self) -> bool:
        """True when the icon is really in a tray, so a hidden window can come back."""
        return self.available and self.icon.isVisible()

    def close(self) -> None:
        if self._on_player in self.session.player.listeners:
            self.session.player.listeners.remove(self._on_player)
        if self._on_session in self.session.listeners:
            self.session.listeners.remove(self._on_session)
        self.icon.hide()

    # -- actions --------------------------------------------------------------------------
    def play_mood(self, mood_id: str) -> None:
        if not self.session.backend.available:
            self.say(self.session.backend.reason)
            self.refresh()
            return
        if not self.session.play_mood(mood_id):
            self.say("None of this mood's songs are in your library yet.")
        self.refresh()

    def play_pause(self) -> None:
        player = self.session.player
        if not player.queue and self.session.current_mood:
            self.play_mood(self.session.current_mood)
        else:
            self.session.toggle()  # a queue restored from last time continues where it was

    def toggle_window(self) -> None:
        if self.window.isVisible() and not self.window.isMinimized():
            self.window.hide()
        else:
            self.window.showNormal()
            self.window.raise_()
            self.window.activateWindow()
        self.refresh()

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason is QSystemTrayIcon.ActivationReason.Trigger:
            self.toggle_window()
        elif reason is QSystemTrayIcon.ActivationReason.MiddleClick:
            self.play_pause()

    # -- news -----------------------------------------------------------------------------
    def refresh(self) -> None:
        player = self.session.player
        playing = player.state.status is PlaybackStatus.PLAYING
        self.play_action.setText("Pause" if playing else "Play")
        self.play_action.setEnabled(bool(player.queue) or bool(self.session.current_mood))
        self.next_action.setEnabled(bool(player.queue))
        self.show_action.setText(
            "Hide window" if self.window.isVisible() and not self.window.isMinimized()
            else "Show window"
        )  # fmt: skip
        for mood_id, act in self.mood_actions.items():
            act.setChecked(mood_id == self.session.current_mood)
        item = player.current
        self.icon.setToolTip(f"{item.title} — {item.artist}" if item else "ksad-player")

    def _on_player(self, what: PlayerChange, player: Player) -> None:
        if what in (PlayerChange.TRACK, PlayerChange.STATUS, PlayerChange.QUEUE):
            self.refresh()

    def _on_session(self, event: SessionEvent) -> None:
        if event.kind in (SessionChange.MOOD, SessionChange.LIBRARY):
            self.refresh()
