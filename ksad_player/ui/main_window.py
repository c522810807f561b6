"""The window a user lives in: it wires the session to the mood bar, the Listen and
Library tabs, the transport, the menus, drops and settings. The parts live in their own
modules (now_playing, library_panel, scan_controller, menus, choices, playlists, sleep,
settings, status, drops, help); this one only connects them."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QSize, QStandardPaths, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QIcon,
)
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QFileDialog,
    QInputDialog,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ksad_player.core import paths
from ksad_player.core.catalog import Catalog
from ksad_player.core.display import display_path
from ksad_player.core.library.index import IndexUnavailable, LibraryIndex, Track
from ksad_player.core.library.scanner import ScanSummary
from ksad_player.core.play.player import Backend, PlaybackStatus, Player, PlayerChange
from ksad_player.core.session import ScanRequest, Session, SessionChange, SessionEvent
from ksad_player.core.tags import is_audio_name
from ksad_player.ui import choices, drops, menus, playlists, status
from ksad_player.ui import help as help_dialogs
from ksad_player.ui.bridge import PlaybackBridge
from ksad_player.ui.library_panel import LibraryPanel
from ksad_player.ui.now_playing import ListenPanel, home_path
from ksad_player.ui.scan_controller import ScanController, scan_widgets
from ksad_player.ui.settings import WindowSettings
from ksad_player.ui.sleep import SleepControls
from ksad_player.ui.text import plain_tooltip
from ksad_player.ui.widgets import MoodBar, Transport, plain_label


class MainWindow(QMainWindow):
    demo_requested = Signal()

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.setObjectName("main-window")
        self.setWindowTitle("ksad-player")
        self.setAcceptDrops(True)
        self.setMinimumSize(QSize(640, 480))
        res = paths.resources_dir()
        self.setWindowIcon(QIcon(str(res / "icons" / "ksad-player.svg")))
        self._restoring = True
        self.persist = WindowSettings(self)  # ui/settings.py: read now, written soon after
        self.settings = self.persist.store
        self._ticks_playing = 0
        self.filled = False  # the library view and counts are drawn just after the first paint
        self.bridge = PlaybackBridge()
        self.backend.on_event = self.bridge.forward
        self.bridge.event.connect(self.player.handle, Qt.ConnectionType.QueuedConnection)
        self.player.listeners.append(self._on_player)
        self.tracks: list[Track] = []
        self._build(res)
        menus.mood_keys(self)
        session.listeners.append(self._on_session)
        self.demo_requested.connect(lambda: self.scans.scan(ScanRequest(demo=True)))
        banners = list(session.messages)
        if not self.backend.available:
            banners.insert(
                0, self.backend.reason + " — browsing, scanning and matching still work."
            )
        self.set_banner(banners)
        self._update_transport()
        # Until the library is read, show the page it will most likely need (a stat, no
        # query): the queue for a returning listener, the way in for a new one.
        self.listen.show_queue(self.session.index_path.exists())
        self.timer = QTimer(self)
        self.timer.setInterval(250)  # the seek bar is polled on the GUI thread
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self.persist.restore()
        # Paint first: the index is read and the views filled right after the first paint
        # (see `event`); a window that is never painted fills a moment later anyway.
        self._fill_queued = False
        QTimer.singleShot(1000, self._fill)

    def event(self, event: QEvent) -> bool:
        handled = super().event(event)
        if event.type() == QEvent.Type.UpdateRequest and not self._fill_queued:
            self._fill_queued = True  # the first paint has just run: fill on the next turn
            QTimer.singleShot(0, self._fill)
        return handled

    def _fill(self) -> None:
        """Open the library, draw its counts and lists, bring the last queue back."""
        if self.filled:
            return
        try:
            needs_rescan = self.session.open_library()
        except IndexUnavailable as exc:  # held by another process past the wait, or unusable
            self.filled = True
            self._library_unavailable(str(exc))
            return
        self.refresh_library()
        restored = self.persist.restore_queue()
        self.filled = True
        self._restoring = False
        if needs_rescan:
            self.scan([])
        elif self.player.queue and not restored:
            pass  # a playlist named on the command line is playing and has said so
        elif restored and self.player.current:
            self.say(f"Ready where you left off: {self.player.current.title}. Space continues.")
        elif self.tracks:
            self.say(
                f"{self.session.songs_found(self.tracks)} of the catalog's "
                f"{len(self.catalog.entries)} songs are in your library. Press a mood."
            )

    def _library_unavailable(self, why: str) -> None:
        """Nothing can be shown without the library: say why, and stop without touching it."""
        print(f"ksad-player: error: {why}", file=sys.stderr, flush=True)
        QMessageBox.critical(self, "ksad-player", f"The library cannot be opened: {why}.")
        self.timer.stop()
        self.scans.shutdown()  # its thread must end before the window goes
        QApplication.exit(1)

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
        self.moods.order_changed.connect(lambda o: choices.set_order(self, o))
        outer.addWidget(self.moods)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("tabs")
        outer.addWidget(self.tabs, 1)

        self.listen = ListenPanel(self.player, self.catalog, res)
        self.listen.add_folders.connect(self.add_paths)
        self.listen.add_folder_dialog.connect(self.add_folder_dialog)
        self.listen.demo_requested.connect(self.demo_requested)
        self.listen.track_shown.connect(lambda t: self.setWindowTitle(f"{t} · ksad-player"))
        self.listen.play_row.connect(self.player.play_at)
        self.listen.queue_model.waiting = lambda: self.session.resume_position_ms is not None
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
        self.transport.play_clicked.connect(self.toggle)
        self.transport.next_clicked.connect(self.player.next)
        self.transport.previous_clicked.connect(self.session.previous)
        self.transport.seek_requested.connect(self.session.seek)  # a restored queue waits
        self.transport.volume_changed.connect(lambda v: choices.set_volume(self, v))
        self.transport.repeat_changed.connect(lambda m: choices.set_repeat(self, m))
        outer.addWidget(self.transport)
        self.setCentralWidget(central)
        self.drop_hint = drops.drop_hint(central)  # ui/drops.py

        bar = self.statusBar()
        self.status_text = plain_label("", "status")
        self.progress, self.cancel_button = scan_widgets()
        self.sleep = SleepControls(self, self.session)  # the tray shows its menu too
        self.sleep_menu, self.sleep_actions = self.sleep.menu, self.sleep.actions
        bar.addWidget(self.status_text, 1)
        bar.addPermanentWidget(self.sleep.label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()
        self.scans = ScanController(self.session, self.progress, self.cancel_button)
        self.scans.say.connect(self.say)
        menus.build(self)  # ui/menus.py

    def _space(self) -> None:
        focus = QApplication.focusWidget()
        if isinstance(focus, QAbstractButton) and focus is not self.transport.play:
            focus.click()  # Space presses the button that has the focus ring
        elif self.transport.play.isEnabled():
            self.toggle()

    def toggle(self) -> None:
        """Play or pause; a queue brought back from last time continues where it was."""
        self.session.toggle()
        self._update_transport()

    def _mood_key(self, mood_id: str) -> None:
        focus = QApplication.focusWidget()
        if focus is not None and focus.inherits("QLineEdit"):
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
        counted = self.tracks
        if self.session.gentle:
            noted = {e.id for e in self.catalog.entries if e.content_note}
            counted = [t for t in self.tracks if t.entry_id not in noted]
        counts = self.session.mood_counts(counted)
        self.moods.set_counts(counts, self.backend.available, self.backend.reason)
        self.library.refresh(self.tracks)
        self.listen.show_queue(
            bool(self.tracks) or bool(self.index.folders()) or bool(self.player.queue)
        )
        self._update_transport()

    def _on_session(self, event: SessionEvent) -> None:
        if event.kind is SessionChange.LIBRARY:
            self.refresh_library()
        elif event.kind is SessionChange.MOOD:
            mood_id = str(event.payload)
            self.moods.check(mood_id)
            self.tabs.setCurrentIndex(0)
            self.say(status.queue_words(self.catalog, self.player, mood_id))
            self.save_soon()
        elif event.kind is SessionChange.SCAN_FINISHED and isinstance(event.payload, ScanSummary):
            self._scan_finished(event.payload)
        elif event.kind is SessionChange.SLEEP:
            self.sleep.show()

    def _scan_finished(self, summary: ScanSummary) -> None:
        """Say the library's total and what the scan changed; its problems in a tooltip."""
        shown = status.problem_lines(self.scans.problems)
        words = status.scan_words(
            summary, self.index.count(), self.session.songs_found(), len(self.catalog.entries)
        )
        self.status_text.setToolTip(plain_tooltip("\n".join(shown)) if shown else "")
        self.say(words)

    # -- getting music in -----------------------------------------------------------------
    def scan(self, folders: list[str]) -> None:
        """Scan (adding folders to the library); queued behind a scan already running."""
        self.scans.scan(ScanRequest(tuple(folders)))

    def add_paths(self, dropped: list[str]) -> None:
        """Folders and audio files join the library (remembered) and are scanned;
        playlists (.m3u, .m3u8) are queued."""
        lists = playlists.dropped_playlists(dropped)
        keep = [p for p in dropped if os.path.isdir(p) or (os.path.isfile(p) and is_audio_name(p))]
        if lists:
            self.open_playlist(lists[0])
        if not keep:
            if not lists:
                self.say("Nothing playable there: drop music folders, audio files or playlists.")
            return
        self.listen.show_queue()
        self.scan(keep)

    def folder_dialog_start(self) -> str:
        """Where the add-folder dialog opens: the last folder used, else Music, else home."""
        last = str(self.settings.value("library/last-folder", "") or "")
        if last and os.path.isdir(last):
            return last
        music = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MusicLocation)
        return music if music and os.path.isdir(music) else os.path.expanduser("~")

    def add_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(
            self, "Add a music folder", self.folder_dialog_start()
        )
        if folder:
            self.settings.setValue("library/last-folder", folder)
            self.settings.sync()
            self.add_paths([folder])

    def remove_folder_dialog(self) -> None:
        """Take a folder out of the library: its files leave the index, not the disk."""
        folders = self.session.index.folders()
        if not folders:
            self.say("There is no library folder to remove.")
            return
        if self.session.scanning:
            self.say("A scan is running: remove the folder when it has finished.")
            return
        shown = [home_path(display_path(f)) for f in folders]
        choice, ok = QInputDialog.getItem(
            self, "Remove a folder from the library",
            "The folder's files stay on the disk; they just leave the library.",
            shown, 0, False,
        )  # fmt: skip
        if not ok or choice not in shown:
            return
        folder = folders[shown.index(choice)]
        try:  # no waiting here: another ksad-player's scan may take minutes
            n = self.session.remove_folder(folder, wait=0)
        except RuntimeError:  # a scan began while the dialog was open
            self.say("A scan is running: remove the folder when it has finished.")
            return
        except IndexUnavailable as exc:  # busy in another ksad-player, or read-only
            self.say(f"The folder was not removed: {exc}.")
            return
        self.say(
            f"Removed {shown[folders.index(folder)]} from the library "
            f"({n:,} file{'' if n == 1 else 's'}); nothing was deleted from the disk."
        )

    # -- playlists (ui/playlists.py) ------------------------------------------------------
    def open_playlist(self, path: str) -> int:
        return playlists.open_playlist(self, path)

    def export_m3u8(self, items: list, path: str) -> None:
        playlists.export_m3u8(self, items, path)

    def start_demo(self) -> None:
        self.demo_requested.emit()

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if drops.carries_files(event.mimeData()):
            event.acceptProposedAction()
            self._drop_hint(True)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self._drop_hint(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self._drop_hint(False)
        event.acceptProposedAction()
        self.add_paths(drops.local_paths(event.mimeData()))

    def _drop_hint(self, shown: bool) -> None:
        drops.show_hint(self.drop_hint, self.centralWidget(), shown)

    # -- playing ----------------------------------------------------------------------------
    def play_mood(self, mood_id: str) -> None:
        if not self.backend.available:
            self.say(self.backend.reason)
            return
        self.moods.check(mood_id)
        if not self.session.play_mood(mood_id):
            self.say("None of this mood's songs are in your library yet.")

    def apply_style(self, style: str, save: bool = True) -> None:
        """Force the light or dark palette (or follow the system's); see ui/choices.py."""
        choices.apply_style(self, style, save)

    # -- the sleep timer (ui/sleep.py; the tray adds `sleep_menu` or calls `set_sleep`) ----
    def set_sleep(self, choice: str) -> None:
        """ "off", "track" (after this song) or a number of minutes."""
        self.sleep.set(choice)

    def _update_transport(self) -> None:
        """Play, Previous and Next are on only with libVLC and something to play."""
        has = bool(self.player.queue)
        if not self.backend.available:
            self.transport.set_enabled_reason(False, self.backend.reason)
        elif not has:
            self.transport.set_enabled_reason(False, "Nothing to play yet: press a mood.")
        else:
            self.transport.set_enabled_reason(True, "")
        usable = self.backend.available and has
        for a in (self.play_action, self.next_action, self.previous_action):
            a.setEnabled(usable)

    def _on_player(self, what: PlayerChange, player: Player) -> None:
        if what is PlayerChange.QUEUE:
            self._update_transport()
        elif what is PlayerChange.TRACK:
            self.save_soon()
        if what is PlayerChange.STATUS:
            self.transport.set_playing(player.state.status is PlaybackStatus.PLAYING)
            cur = player.current
            if (
                cur
                and player.state.status is PlaybackStatus.PLAYING
                and (
                    "Press a mood" in self.status_text.text()
                    or "left off" in self.status_text.text()
                )
            ):
                self.say(f"Now playing {cur.title} — {cur.artist}.")
        elif what is PlayerChange.SKIPPED:
            self.say(player.last_error)
        elif what is PlayerChange.OUTPUT:  # no audio output works: a banner, not silence
            shown = [m for m in self.banner.text().split("\n") if m]
            if player.output_problem not in shown:
                self.set_banner([*shown, player.output_problem])
            self.say(player.output_problem)
        elif what is PlayerChange.FINISHED:
            self.say(status.finished_words(player))

    def _tick(self) -> None:
        if self.player.current and self.player.state.status is not PlaybackStatus.STOPPED:
            self.transport.set_position(self.backend.position_ms(), self.backend.duration_ms())
        if self.player.state.status is PlaybackStatus.PLAYING:
            self._ticks_playing += 1
            if self._ticks_playing % 40 == 0:  # every 10 s: where to resume after a crash
                self.save_soon()
        if self.session.sleep.active:
            self.sleep.tick()

    # -- around the edges ------------------------------------------------------------------
    def say(self, message: str) -> None:
        self.status_text.setText(message)

    def set_banner(self, messages: list[str]) -> None:
        self.banner.setText("\n".join(messages))
        self.banner.setVisible(bool(messages))

    def save_soon(self) -> None:
        """Settings change: write them shortly (a crash loses nothing much)."""
        self.persist.save_soon()

    def save_settings(self) -> None:
        self.persist.save()

    def resizeEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        super().resizeEvent(event)
        self.save_soon()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self.update()

    # -- help (the dialogs live in ui/help.py) ------------------------------------------
    def show_shortcuts(self) -> None:
        self.help_box: QWidget = help_dialogs.shortcuts_dialog(self)

    def show_about(self) -> None:
        self.help_box = help_dialogs.about_box(self, self.catalog)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.persist.timer.stop()
        self.save_settings()
        self.scans.shutdown()
        self.timer.stop()
        self.backend.on_event = lambda _e: None
        self.session.listeners.remove(self._on_session)
        self.session.close()
        super().closeEvent(event)
