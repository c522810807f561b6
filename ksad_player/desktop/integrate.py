"""One call, `attach(app, window, session)`, that makes the window a desktop citizen:
one instance, MPRIS2, notifications, the tray, and the launcher in the Help menu.

Everything here drives the window's Session; the window is reached only through its
public face (menuBar, say, add_paths, findChild, an event filter), so its own code
does not need to know any of this exists.
"""

from __future__ import annotations

import contextlib
import logging
import os

from PySide6.QtCore import QEvent, QObject, QSettings, Qt
from PySide6.QtDBus import QDBusConnection
from PySide6.QtGui import QAction, QIcon, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QMainWindow,
    QMenu,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from ksad_player.core import paths
from ksad_player.core.session import Session, SessionChange, SessionEvent
from ksad_player.core.tags import is_audio_name
from ksad_player.desktop import install, mpris
from ksad_player.desktop.notifications import Notifier
from ksad_player.desktop.open_files import play_files
from ksad_player.desktop.single_instance import InstanceServer, Request
from ksad_player.desktop.tray import Tray

log = logging.getLogger(__name__)

NOTIFY_KEY = "desktop/notifications"
TRAY_KEY = "desktop/close-to-tray"
TRAY_TOLD_KEY = "desktop/told-about-tray"
OFFERED_KEY = "desktop/offered-launcher"
INSTALL_TEXT = "Add to applications menu"


def _settings() -> QSettings:
    return QSettings(str(paths.config_dir() / "settings.ini"), QSettings.Format.IniFormat)


def _flag(settings: QSettings, key: str, default: bool) -> bool:
    value = settings.value(key, default)
    return value if isinstance(value, bool) else str(value).lower() in ("true", "1", "yes")


def find_menu(window: QMainWindow, title: str) -> QMenu:
    """The menu bar's menu called `title` (ignoring the & shortcut marker), made if
    missing; a new menu goes before Help, which stays last."""
    plain = title.replace("&", "").lower()
    help_action = None
    for action in window.menuBar().actions():
        menu = action.menu()
        text = action.text().replace("&", "").lower()
        if isinstance(menu, QMenu) and text == plain:
            return menu
        if text == "help":
            help_action = action
    menu = QMenu(title, window.menuBar())
    if help_action is not None:
        window.menuBar().insertMenu(help_action, menu)
    else:
        window.menuBar().addMenu(menu)
    return menu


class Desktop(QObject):
    """Holds the desktop adaptors for one window and session, and tears them down."""

    def __init__(
        self,
        app: QApplication,
        window: QMainWindow,
        session: Session,
        *,
        bus: QDBusConnection | None = None,
        tray_available: bool | None = None,
        instance_name: str | None = None,
    ) -> None:
        super().__init__(window)
        self.app = app
        self.window = window
        self.session = session
        self.settings = _settings()
        self.quitting = False
        self.install_button: QPushButton | None = None
        self.server = InstanceServer(self.handle_request, instance_name)
        self.listening = self.server.listen()
        self.mpris = mpris.start(
            session, raise_window=self.raise_window, quit_app=self.quit, bus=bus
        )
        self.notifier = Notifier(session, self._should_notify, bus=bus)
        self.tray = Tray(
            session, window, self._icon(), say=self.say, quit_app=self.quit,
            available=tray_available,
        )  # fmt: skip
        self._menus()
        self._volume()
        self._offer_launcher()
        window.installEventFilter(self)
        app.aboutToQuit.connect(self.close)

    def _icon(self) -> QIcon:
        icon = self.app.windowIcon()
        if icon.isNull():
            icon = QIcon(str(paths.resources_dir() / install.SOURCE_ICON))
        return icon

    # -- talking ---------------------------------------------------------------------------
    def say(self, text: str) -> None:
        say = getattr(self.window, "say", None)
        if callable(say):
            say(text)

    def raise_window(self) -> None:
        w = self.window
        if w.isMinimized() or not w.isVisible():
            w.showNormal()
        w.raise_()
        w.activateWindow()
        self.tray.refresh()

    # -- menus -----------------------------------------------------------------------------
    def _menus(self) -> None:
        help_menu = find_menu(self.window, "&Help")
        self.install_action = help_menu.addAction(INSTALL_TEXT)
        self.install_action.triggered.connect(self.install_launcher)
        self.uninstall_action = help_menu.addAction("Remove from applications menu")
        self.uninstall_action.triggered.connect(self.uninstall_launcher)
        settings_menu = find_menu(self.window, "&Settings")
        self.notify_action = settings_menu.addAction("Notify when the song changes")
        self.notify_action.setCheckable(True)
        self.notify_action.setChecked(_flag(self.settings, NOTIFY_KEY, True))
        self.notify_action.toggled.connect(lambda on: self._store(NOTIFY_KEY, on))
        self.tray_action = settings_menu.addAction("Keep playing in the tray when closed")
        self.tray_action.setCheckable(True)
        self.tray_action.setChecked(_flag(self.settings, TRAY_KEY, True))
        self.tray_action.setEnabled(self.tray.available)
        self.tray_action.toggled.connect(lambda on: self._store(TRAY_KEY, on))

        for action in self.window.findChildren(QAction):
            quits = action.shortcut() == QKeySequence("Ctrl+Q")
            if quits or action.text().replace("&", "").lower() == "quit":
                # The window's own Quit closes it; with a tray that would only hide it.
                with contextlib.suppress(RuntimeError, TypeError):
                    action.triggered.disconnect()
                action.triggered.connect(self.quit)

    def _store(self, key: str, value: bool) -> None:
        self.settings.setValue(key, value)
        self.settings.sync()

    # -- the launcher ----------------------------------------------------------------------
    def install_launcher(self) -> bool:
        try:
            report = install.install()
        except (OSError, ValueError) as exc:
            self.say(f"Could not add ksad-player to the applications menu: {exc}")
            return False
        problems = [n for n in report.notes if not n.startswith("ran ")]
        self.say(
            "ksad-player is now in your applications menu."
            + (f" ({'; '.join(problems)})" if problems else "")
        )
        if self.install_button is not None:
            self.install_button.hide()
        return True

    def uninstall_launcher(self) -> None:
        try:
            report = install.uninstall()
        except OSError as exc:
            self.say(f"Could not remove ksad-player from the applications menu: {exc}")
            return
        self.say(
            "ksad-player is no longer in your applications menu."
            if report.files
            else "ksad-player was not in your applications menu."
        )

    def _offer_launcher(self) -> None:
        """The empty window of a first launch, when the launcher is missing, offers it once."""
        if install.is_installed() or _flag(self.settings, OFFERED_KEY, False):
            return
        empty = self.window.findChild(QWidget, "empty-state")
        if empty is not None and not empty.isVisibleTo(self.window):
            return  # a library is showing: Help → Add to applications menu is there
        self._store(OFFERED_KEY, True)
        layout = empty.layout() if empty is not None else None
        if isinstance(layout, QVBoxLayout):
            button = QPushButton("Add ksad-player to your applications menu")
            button.setObjectName("install-desktop")
            button.setAccessibleName(INSTALL_TEXT)
            button.setFlat(True)
            button.setCursor(Qt.CursorShape.PointingHandCursor)
            button.setStyleSheet(
                "QPushButton { border: none; color: palette(link); text-decoration: underline; }"
            )
            button.clicked.connect(self.install_launcher)
            layout.insertWidget(max(0, layout.count() - 1), button)
            button.show()
            self.install_button = button
        else:
            self.say("Tip: Help → Add to applications menu puts ksad-player in your menu.")

    # -- the rest of the window ------------------------------------------------------------
    def _volume(self) -> None:
        """Keep session.volume in step with the window's volume slider, both ways."""
        slider = self.window.findChild(QSlider, "volume")
        if slider is None:
            return
        self.session.volume = slider.value()
        slider.valueChanged.connect(self.session.set_volume)

        def follow(event: SessionEvent) -> None:
            if event.kind is SessionChange.VOLUME and slider.value() != event.payload:
                slider.setValue(int(str(event.payload)))

        self.session.listeners.append(follow)
        self._follow_volume = follow

    def _should_notify(self) -> bool:
        w = self.window
        out_of_sight = not w.isVisible() or w.isMinimized() or not w.isActiveWindow()
        return out_of_sight and self.notify_action.isChecked()

    def handle_request(self, request: Request) -> None:
        """Paths from a later launch: folders join the library, songs play now."""
        existing = [p for p in request.paths if os.path.exists(p)]
        missing = [p for p in request.paths if p not in existing]
        files = [p for p in existing if os.path.isfile(p) and is_audio_name(p)]
        if existing:
            add = getattr(self.window, "add_paths", None)
            if callable(add):
                add(existing)
        if files and self.session.backend.available and not play_files(self.session, files):
            self.say("None of those files is one of the catalog's songs; added to the library.")
        if request.demo:
            start_demo = getattr(self.window, "start_demo", None)
            if callable(start_demo):
                start_demo()
        if missing:
            self.say(f"Not found: {', '.join(missing[:3])}{' …' if len(missing) > 3 else ''}")
        self.raise_window()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Closing the window hides it to the tray when the tray is there (Quit, from the
        window's menu, the tray or MPRIS, sets `quitting` first and really closes)."""
        if (
            watched is self.window
            and event.type() == QEvent.Type.Close
            and not self.quitting
            and self.tray.present
            and self.tray_action.isChecked()
        ):
            event.ignore()
            self.window.hide()
            self.tray.refresh()
            if not _flag(self.settings, TRAY_TOLD_KEY, False):
                self._store(TRAY_TOLD_KEY, True)
                self.tray.icon.showMessage(
                    "ksad-player keeps playing",
                    "The music goes on here in the tray. Quit from this icon's menu, "
                    "or turn this off in Settings.",
                )
            return True
        return False

    def quit(self) -> None:
        self.quitting = True
        self.window.close()
        self.app.quit()

    def close(self) -> None:
        """Tear down (the app quits): from here on, closing the window really closes it."""
        self.quitting = True
        self.window.removeEventFilter(self)
        self.server.close()
        if self.mpris is not None:
            self.mpris.unregister()
        self.notifier.close()
        self.tray.close()
        follow = getattr(self, "_follow_volume", None)
        if follow in self.session.listeners:
            self.session.listeners.remove(follow)


def attach(app: QApplication, window: QMainWindow, session: Session, **options: object) -> Desktop:
    """Wire the desktop adaptors to this window and session (app.py calls this)."""
    return Desktop(app, window, session, **options)  # type: ignore[arg-type]
