"""The window a user lives in: it wires the session to the mood bar, the Listen and
Library tabs, the transport, the menus, drops and settings. The parts live in their own
modules (now_playing, library_panel, scan_controller); this one only connects them."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QProgressBar,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ksad_player.core import paths
from ksad_player.core.catalog import Catalog
from ksad_player.core.library.index import LibraryIndex, Track
from ksad_player.core.play.player import Backend, PlaybackStatus, Player, PlayerChange, RepeatMode
from ksad_player.core.session import ScanRequest, Session, SessionChange, SessionEvent
from ksad_player.core.tags.reader import is_audio_name
from ksad_player.ui.bridge import PlaybackBridge
from ksad_player.ui.library_panel import LibraryPanel
from ksad_player.ui.now_playing import ListenPanel
from ksad_player.ui.scan_controller import ScanController
from ksad_player.ui.widgets import MoodBar, Transport, plain_label


def settings() -> QSettings:
    """Settings live under the XDG config dir, beside the user catalog."""
    return QSettings(str(paths.config_dir() / "settings.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    demo_requested = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.setObjectName("main-window")
        self.setWindowTitle("ksad-player")
        self.setAcceptDrops(True)
        res = paths.resources_dir()
        self.setWindowIcon(QIcon(str(res / "icons" / "ksad-player.svg")))
        needs_rescan = session.open_library()
        self.settings = settings()
        self.bridge = PlaybackBridge()
        self.backend.on_event = self.bridge.forward
        self.bridge.event.connect(self.player.handle, Qt.ConnectionType.QueuedConnection)
        self.player.listeners.append(self._on_player)
        self.tracks: list[Track] = []
        self._build(res)
        self._shortcuts()
        session.listeners.append(self._on_session)
        self.demo_requested.connect(lambda: self.scans.scan(ScanRequest(demo=True)))
        banners = list(session.messages)
        if not self.backend.available:
            banners.insert(0, self.backend.reason + " — browsing, scanning and matching still work.")
        self.set_banner(banners)
        self.transport.set_enabled_reason(self.backend.available, self.backend.reason)
        self.timer = QTimer(self)
        self.timer.setInterval(250)  # the seek bar is polled on the GUI thread
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self._restore_settings()
        self.refresh_library()
        if needs_rescan:
            self.scan([])
        elif self.tracks:
            self.say(
                f"{session.songs_found(self.tracks)} of the catalog's "
                f"{len(self.catalog.entries)} songs are in your library. Press a mood."
            )

    # -- the session's parts, for the window's own code and for tests --------------------
    @property
    def player(self) -> Player:
        return self.session.player

    @property
    def backend(self) -> Backend:
        return self.session.backend

    @property
    def catalog(self) -> Catalog:
        return self.session.catalog

    @property
    def index(self) -> LibraryIndex:
        return self.session.index

    @property
    def scanning(self) -> bool:
        return self.session.scanning

    @property
    def order(self) -> str:
        return self.session.order

    @order.setter
    def order(self, order: str) -> None:
        self.session.order = order

    @property
    def current_mood(self) -> str | None:
        return self.session.current_mood

    @current_mood.setter
    def current_mood(self, mood_id: str | None) -> None:
        self.session.current_mood = mood_id

    # -- building -----------------------------------------------------------------------
    def _build(self, res: Path) -> None:
        central = QWidget()
        outer = QVBoxLayout(central)
        self.banner = plain_label("", "banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet(
            "QLabel { background: #b5483b; color: white; padding: 8px; border-radius: 6px; }"
        )
        self.banner.hide()
        outer.addWidget(self.banner)
        self.moods = MoodBar(self.catalog)
        self.moods.mood_clicked.connect(self.play_mood)
        self.moods.order_changed.connect(self._set_order)
        outer.addWidget(self.moods)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        outer.addWidget(self.tabs, 1)

        self.listen = ListenPanel(self.player, self.catalog, res)
        self.listen.add_folders.connect(self.add_paths)
        self.listen.add_folder_dialog.connect(self.add_folder_dialog)
        self.listen.demo_requested.connect(self.demo_requested)
        self.listen.track_shown.connect(lambda t: self.setWindowTitle(f"{t} · ksad-player"))
        self.queue_view = self.listen.queue_view
        self.now = self.listen.now
        self.tabs.addTab(self.listen, "Listen")
        self.library = LibraryPanel(self.session)
        self.library.say.connect(self.say)
        self.search = self.library.search
        self.entries_view = self.library.entries_view
        self.unmatched_view = self.library.unmatched_view
        self.tabs.addTab(self.library, "Library")

        self.transport = Transport()
        self.transport.play_clicked.connect(self.player.toggle)
        self.transport.next_clicked.connect(self.player.next)
        self.transport.previous_clicked.connect(self.player.previous)
        self.transport.seek_requested.connect(self.backend.seek)
        self.transport.volume_changed.connect(self.backend.set_volume)
        self.transport.repeat_changed.connect(self.player.set_repeat)
        outer.addWidget(self.transport)
        self.setCentralWidget(central)

        bar = self.statusBar()
        self.status_text = plain_label("", "status")
        self.progress = QProgressBar()
        self.progress.setObjectName("scan-progress")
        self.progress.setAccessibleName("Scan progress")
        self.progress.setMaximumWidth(220)
        self.cancel_button = QToolButton()
        self.cancel_button.setObjectName("cancel-scan")
        self.cancel_button.setText("Cancel")
        self.cancel_button.setAccessibleName("Cancel scan")
        bar.addWidget(self.status_text, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()
        self.scans = ScanController(self.session, self.progress, self.cancel_button)
        self.scans.say.connect(self.say)

        menu = self.menuBar().addMenu("&Library")
        add = QAction("Add folder…", self)
        add.setShortcut(QKeySequence("Ctrl+O"))
        add.triggered.connect(self.add_folder_dialog)
        demo = QAction("Add the demo library", self)
        demo.triggered.connect(self.demo_requested)
        rescan = QAction("Rescan all folders", self)
        rescan.triggered.connect(lambda: self.scan([]))
        quit_ = QAction("Quit", self)
        quit_.setShortcut(QKeySequence("Ctrl+Q"))
        quit_.triggered.connect(self.close)
        for a in (add, demo, rescan, quit_):
            menu.addAction(a)
            self.addAction(a)

    def _shortcuts(self) -> None:
        def add(keys: str, slot: object) -> None:
            sc = QShortcut(QKeySequence(keys), self, slot)  # type: ignore[call-overload]
            sc.setContext(Qt.ShortcutContext.WindowShortcut)

        add("Space", self._space)
        add("Ctrl+Right", self.player.next)
        add("Ctrl+Left", self.player.previous)
        add("Ctrl+F", self._focus_search)
        for n, mood in enumerate(self.catalog.moods[:9], 1):
            add(str(n), lambda m=mood.id: self._mood_key(m))

    def _space(self) -> None:
        if self.transport.play.isEnabled():
            self.player.toggle()

    def _mood_key(self, mood_id: str) -> None:
        if self.search.hasFocus():
            return
        if self.moods.buttons[mood_id].isEnabled():
            self.moods.buttons[mood_id].setChecked(True)
            self.play_mood(mood_id)

    def _focus_search(self) -> None:
        self.tabs.setCurrentIndex(1)
        self.library.focus_search()

    # -- the library ----------------------------------------------------------------------
    def refresh_library(self) -> None:
        """Read the index (on this thread: it is a quick local query) and redraw counts."""
        self.tracks = self.session.tracks()
        counts = self.session.mood_counts(self.tracks)
        self.moods.set_counts(counts, self.backend.available, self.backend.reason)
        self.library.refresh(self.tracks)
        self.listen.show_queue(bool(self.tracks) or bool(self.index.folders()))

    def _on_session(self, event: SessionEvent) -> None:
        if event.kind is SessionChange.LIBRARY:
            self.refresh_library()
        elif event.kind is SessionChange.MOOD:
            self.moods.check(str(event.payload))
            self.tabs.setCurrentIndex(0)

    # -- getting music in -----------------------------------------------------------------
    def scan(self, folders: list[str]) -> None:
        """Scan (adding folders to the library); queued behind a scan already running."""
        self.scans.scan(ScanRequest(tuple(folders)))

    def add_paths(self, dropped: list[str]) -> None:
        """Folders and audio files join the library (remembered) and are scanned."""
        keep = [p for p in dropped if os.path.isdir(p) or (os.path.isfile(p) and is_audio_name(p))]
        if not keep:
            self.say("Nothing playable there: drop music folders or audio files.")
            return
        self.listen.show_queue()
        self.scan(keep)

    def add_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a music folder")
        if folder:
            self.add_paths([folder])

    def start_demo(self) -> None:
        self.demo_requested.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths_ = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.add_paths(paths_)

    # -- playing ----------------------------------------------------------------------------
    def play_mood(self, mood_id: str) -> None:
        if not self.backend.available:
            self.say(self.backend.reason)
            return
        self.moods.check(mood_id)
        if not self.session.play_mood(mood_id):
            self.say("None of this mood's songs are in your library yet.")

    def _set_order(self, order: str) -> None:
        self.order = order

    def _on_player(self, what: PlayerChange, player: Player) -> None:
        if what is PlayerChange.STATUS:
            self.transport.set_playing(player.state.status is PlaybackStatus.PLAYING)
        elif what is PlayerChange.SKIPPED:
            self.say(player.last_error)
        elif what is PlayerChange.FINISHED:
            bad = sum(1 for i in player.queue if i.path in player.state.unplayable)
            skipped = (
                f" {bad} file{'s' * (bad != 1)} could not be played and {'were' if bad != 1 else 'was'} skipped."
                if bad
                else ""
            )
            self.say(f"The queue has ended.{skipped} Press a mood to go on.")

    def _tick(self) -> None:
        if self.player.current and self.player.state.status is not PlaybackStatus.STOPPED:
            self.transport.set_position(self.backend.position_ms(), self.backend.duration_ms())

    # -- around the edges ------------------------------------------------------------------
    def say(self, message: str) -> None:
        self.status_text.setText(message)

    def set_banner(self, messages: list[str]) -> None:
        self.banner.setText("\n".join(messages))
        self.banner.setVisible(bool(messages))

    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(QSize(1000, 680))
        volume = int(s.value("player/volume", 80))
        self.transport.volume.setValue(volume)
        self.backend.set_volume(volume)
        self.order = str(s.value("player/order", "shuffle"))
        self.moods.set_order(self.order)
        repeat = str(s.value("player/repeat", RepeatMode.OFF.value))
        if repeat in RepeatMode.__members__.values():
            self.transport.set_repeat(RepeatMode(repeat))
            self.player.set_repeat(repeat)
        last = s.value("player/mood")
        if last and last in self.moods.buttons:
            self.current_mood = str(last)
            self.moods.check(self.current_mood)

    def save_settings(self) -> None:
        s = self.settings
        s.setValue("window/geometry", self.saveGeometry())
        s.setValue("player/volume", self.transport.volume.value())
        s.setValue("player/order", self.order)
        s.setValue("player/repeat", self.player.state.repeat.value)
        if self.current_mood:
            s.setValue("player/mood", self.current_mood)
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.scans.shutdown()
        self.timer.stop()
        self.backend.on_event = lambda _e: None
        self.session.listeners.remove(self._on_session)
        self.session.close()
        super().closeEvent(event)
