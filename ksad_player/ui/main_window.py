"""The window a user lives in: moods, the queue, what is playing and why it hurts."""

from __future__ import annotations

import os
import random
from pathlib import Path

from PySide6.QtCore import (
    QSettings,
    QSize,
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
    QThread,
    QThreadPool,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QIcon,
    QKeySequence,
    QShortcut,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListView,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ksad_player.core import catalog as catalog_mod
from ksad_player.core import paths
from ksad_player.core.index import LibraryIndex, Track
from ksad_player.core.matcher import Matcher
from ksad_player.core.player import Backend, Player
from ksad_player.core.playqueue import build_queue
from ksad_player.core.scanner import ScanProblem, ScanProgress, ScanSummary
from ksad_player.core.tags import is_audio_name
from ksad_player.ui.bridge import CoverLoader, CoverSignals, PlaybackBridge, ScanWorker
from ksad_player.ui.models import ENTRY_ROLE, LINKED_ROLE, PATH_ROLE, QueueModel, library_models
from ksad_player.ui.widgets import MoodBar, NowPlaying, Transport, placeholder_pixmap, plain_label


def settings() -> QSettings:
    """Settings live under the XDG config dir, beside the user catalog."""
    return QSettings(str(paths.config_dir() / "settings.ini"), QSettings.Format.IniFormat)


class MainWindow(QMainWindow):
    scan_requested = Signal(object)

    def __init__(self, backend: Backend, index_path: Path | None = None) -> None:
        super().__init__()
        self.setObjectName("main-window")
        self.setWindowTitle("ksad-player")
        self.setAcceptDrops(True)
        res = paths.resources_dir()
        self.setWindowIcon(QIcon(str(res / "icons" / "ksad-player.svg")))
        loaded = catalog_mod.load()
        self.catalog = loaded.catalog
        self.matcher = Matcher(self.catalog)
        self.index = LibraryIndex(index_path)
        self.index_path = self.index.path
        self.settings = settings()
        self.backend = backend
        self.player = Player(backend)
        self.bridge = PlaybackBridge()
        backend.on_event = self.bridge.forward
        self.bridge.event.connect(self.player.handle, Qt.ConnectionType.QueuedConnection)
        self.player.listeners.append(self._on_player)
        self.tracks: list[Track] = []
        self.current_mood: str | None = None
        self.order = "shuffle"
        self.rng = random.Random()
        self.scanning = False
        self.pending: list[list[str]] = []
        self._build(res)
        self._wire_scanner()
        self._shortcuts()
        banners = list(loaded.warnings) + list(self.index.messages)
        if not backend.available:
            banners.insert(0, backend.reason + " — browsing, scanning and matching still work.")
        self.set_banner(banners)
        self.transport.set_enabled_reason(backend.available, backend.reason)
        self.timer = QTimer(self)
        self.timer.setInterval(250)  # the seek bar is polled on the GUI thread
        self.timer.timeout.connect(self._tick)
        self.timer.start()
        self._restore_settings()
        self.refresh_library()
        if self.index.folders() and (self.index.rebuilt or self.index.sync_catalog(self.matcher)):
            self.refresh_library()
        if self.index.rebuilt:
            self.scan([])
        elif self.tracks:
            found = len({t.entry_id for t in self.tracks if t.entry_id and not t.offline})
            self.say(
                f"{found} of the catalog's {len(self.catalog.entries)} songs are in your library. Press a mood."
            )

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

        # Listen: an empty state, or the queue beside what is playing.
        self.listen = QStackedWidget()
        self.empty = self._empty_state()
        self.listen.addWidget(self.empty)
        split = QSplitter()
        self.queue_model = QueueModel(self.player, self.catalog)
        self.queue_view = QTableView()
        self.queue_view.setObjectName("queue")
        self.queue_view.setAccessibleName("Queue")
        self.queue_view.setModel(self.queue_model)
        self.queue_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue_view.verticalHeader().hide()
        self.queue_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        hh = self.queue_view.horizontalHeader()
        hh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        hh.setStretchLastSection(True)
        self.queue_view.setColumnWidth(0, 28)
        self.queue_view.setColumnWidth(1, 230)
        self.queue_view.setColumnWidth(2, 170)
        self.queue_view.setColumnWidth(3, 50)
        self.queue_view.doubleClicked.connect(lambda ix: self.player.play_at(ix.row()))
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.queue_view, self._remove_selected)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        split.addWidget(self.queue_view)
        self.now = NowPlaying(
            placeholder_pixmap(str(res / "placeholder-cover.svg"), NowPlaying.COVER)
        )
        split.addWidget(self.now)
        split.setSizes([560, 380])
        self.listen.addWidget(split)
        self.tabs.addTab(self.listen, "Listen")
        self.tabs.addTab(self._library_tab(), "Library")

        self.transport = Transport()
        self.transport.play_clicked.connect(self.player.toggle)
        self.transport.next_clicked.connect(self.player.next)
        self.transport.previous_clicked.connect(self.player.previous)
        self.transport.seek_requested.connect(self.backend.seek)
        self.transport.volume_changed.connect(self._set_volume)
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
        self.cancel_button.clicked.connect(self.cancel_scan)
        bar.addWidget(self.status_text, 1)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self.progress.hide()
        self.cancel_button.hide()

        menu = self.menuBar().addMenu("&Library")
        add = QAction("Add folder…", self)
        add.setShortcut(QKeySequence("Ctrl+O"))
        add.triggered.connect(self.add_folder_dialog)
        demo = QAction("Add the demo library", self)
        demo.triggered.connect(self.start_demo)
        rescan = QAction("Rescan all folders", self)
        rescan.triggered.connect(lambda: self.scan([]))
        quit_ = QAction("Quit", self)
        quit_.setShortcut(QKeySequence("Ctrl+Q"))
        quit_.triggered.connect(self.close)
        for a in (add, demo, rescan, quit_):
            menu.addAction(a)
            self.addAction(a)

    def _empty_state(self) -> QWidget:
        w = QWidget()
        w.setObjectName("empty-state")
        lay = QVBoxLayout(w)
        lay.addStretch(1)
        head = plain_label("Your sad songs are waiting.", "empty-title")
        f = head.font()
        f.setPointSizeF(f.pointSizeF() * 1.6)
        head.setFont(f)
        head.setAlignment(Qt.AlignmentFlag.AlignCenter)
        text = plain_label(
            "Drop a music folder (or some songs) anywhere on this window, or add one below. "
            "ksad-player finds the catalog's songs among your files, in English or Hangul tags, "
            "and plays them by mood.",
            "empty-text",
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(head)
        lay.addWidget(text)
        row = QHBoxLayout()
        row.addStretch(1)
        music = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.MusicLocation)
        self.music_button = QPushButton(f"Add {music}")
        self.music_button.setObjectName("add-music")
        self.music_button.setAccessibleName("Add your Music folder")
        self.music_button.clicked.connect(lambda: self.add_paths([music]))
        self.music_button.setVisible(bool(music) and os.path.isdir(music))
        add = QPushButton("Add folder…")
        add.setObjectName("add-folder")
        add.setAccessibleName("Add folder")
        add.clicked.connect(self.add_folder_dialog)
        demo = QPushButton("Try the demo")
        demo.setObjectName("demo")
        demo.setAccessibleName("Try the demo library")
        demo.setToolTip(
            "A dozen short synthesized clips tagged as catalog songs, one for every mood"
        )
        demo.clicked.connect(self.start_demo)
        for b in (self.music_button, add, demo):
            b.setMinimumHeight(36)
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(2)
        return w

    def _library_tab(self) -> QWidget:
        w = QWidget()
        lay = QVBoxLayout(w)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setAccessibleName("Search the library")
        self.search.setPlaceholderText("Search songs, artists and files (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.group_by = QComboBox()
        self.group_by.setObjectName("group-by")
        self.group_by.setAccessibleName("Group by")
        self.group_by.addItem("By mood", "mood")
        self.group_by.addItem("By source list", "source")
        self.group_by.currentIndexChanged.connect(lambda _i: self.refresh_library())
        top.addWidget(self.search, 1)
        top.addWidget(self.group_by)
        lay.addLayout(top)
        split = QSplitter()
        self.entry_proxy = QSortFilterProxyModel(self)
        self.entry_proxy.setRecursiveFilteringEnabled(True)
        self.entry_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.entry_proxy.setFilterKeyColumn(-1)
        self.entries_view = QTreeView()
        self.entries_view.setObjectName("library-entries")
        self.entries_view.setAccessibleName("Catalog songs")
        self.entries_view.setModel(self.entry_proxy)
        self.entries_view.setUniformRowHeights(True)
        self.unmatched_proxy = QSortFilterProxyModel(self)
        self.unmatched_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.unmatched_view = QListView()
        self.unmatched_view.setObjectName("library-unmatched")
        self.unmatched_view.setAccessibleName("Files that matched nothing")
        self.unmatched_view.setModel(self.unmatched_proxy)
        self.search.textChanged.connect(self.entry_proxy.setFilterFixedString)
        self.search.textChanged.connect(self.unmatched_proxy.setFilterFixedString)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(plain_label("Files that matched nothing", "unmatched-label"))
        rl.addWidget(self.unmatched_view)
        split.addWidget(self.entries_view)
        split.addWidget(right)
        split.setSizes([620, 320])
        lay.addWidget(split, 1)
        buttons = QHBoxLayout()
        self.link_button = QPushButton("Link file to song")
        self.link_button.setObjectName("link")
        self.link_button.setAccessibleName("Link the selected file to the selected song")
        self.link_button.setToolTip("Select a song on the left and a file on the right")
        self.link_button.clicked.connect(self.link_selected)
        self.unlink_button = QPushButton("Not this song")
        self.unlink_button.setObjectName("unlink")
        self.unlink_button.setAccessibleName("Unlink the wrong file from the selected song")
        self.unlink_button.setToolTip(
            "The selected song's file is not that song: never match it again"
        )
        self.unlink_button.clicked.connect(self.unlink_selected)
        self.forget_button = QPushButton("Let the matcher decide again")
        self.forget_button.setObjectName("forget-link")
        self.forget_button.setAccessibleName("Forget my link for the selected file")
        self.forget_button.clicked.connect(self.forget_selected)
        for b in (self.link_button, self.unlink_button, self.forget_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        lay.addLayout(buttons)
        return w

    def _shortcuts(self) -> None:
        def add(keys: str, slot) -> None:
            sc = QShortcut(QKeySequence(keys), self, slot)
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
        self.search.setFocus()
        self.search.selectAll()

    # -- the library ----------------------------------------------------------------------
    def refresh_library(self) -> None:
        """Read the index (on this thread: it is a quick local query) and redraw counts."""
        self.tracks = self.index.tracks()
        playable = [t for t in self.tracks if t.entry_id and not t.offline]
        counts = catalog_mod.mood_counts(self.catalog, (t.entry_id for t in playable if t.entry_id))
        self.moods.set_counts(counts, self.backend.available, self.backend.reason)
        entries, unmatched = library_models(
            self.catalog, self.tracks, self.group_by.currentData() or "mood"
        )
        self.entry_proxy.setSourceModel(entries)
        self._entries_model, self._unmatched_model = entries, unmatched
        self.unmatched_proxy.setSourceModel(unmatched)
        self.entries_view.expandAll()
        self.entries_view.setColumnHidden(4, True)  # aliases: searched, not shown
        self.entries_view.header().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        has_library = bool(self.tracks) or bool(self.index.folders())
        self.listen.setCurrentIndex(1 if has_library else 0)

    def _selected(self, view: QAbstractItemView) -> tuple[str | None, str | None, bool]:
        ix = view.currentIndex()
        if not ix.isValid():
            return None, None, False
        return ix.data(ENTRY_ROLE), ix.data(PATH_ROLE), bool(ix.data(LINKED_ROLE))

    def link_selected(self) -> None:
        entry_id, _, _ = self._selected(self.entries_view)
        _, path, _ = self._selected(self.unmatched_view)
        if not entry_id or not path:
            self.say("Select a song on the left and a file on the right, then link them.")
            return
        self.index.link(path, entry_id)
        entry = self.catalog.entry(entry_id)
        self.say(f"Linked {os.path.basename(path)} to {entry.title if entry else entry_id}.")
        self.refresh_library()

    def unlink_selected(self) -> None:
        entry_id, path, _ = self._selected(self.entries_view)
        if not entry_id or not path:
            self.say("Select a song that is in your library to unlink its file.")
            return
        self.index.link(path, None)
        self.say(f"{os.path.basename(path)} will not be matched to a catalog song again.")
        self.refresh_library()

    def forget_selected(self) -> None:
        for view in (self.entries_view, self.unmatched_view):
            _, path, linked = self._selected(view)
            if path and linked:
                self.index.unlink(path)
                self.say(f"The matcher decides again for {os.path.basename(path)}.")
                self.refresh_library()
                return
        self.say("Select a file you linked or unlinked to forget that choice.")

    # -- getting music in -----------------------------------------------------------------
    def _wire_scanner(self) -> None:
        self.scan_thread = QThread(self)
        self.scan_thread.setObjectName("scan-thread")
        self.worker = ScanWorker(self.index_path, self.catalog)
        self.worker.moveToThread(self.scan_thread)
        self.scan_requested.connect(self.worker.run)
        self.worker.progress.connect(self._scan_progress)
        self.worker.problem.connect(self._scan_problem)
        self.worker.finished.connect(self._scan_finished)
        self.worker.failed.connect(self._scan_failed)
        self.scan_thread.start()
        self.problems: list[ScanProblem] = []

    def scan(self, folders: list[str]) -> None:
        """Scan (adding folders to the library); queued behind a scan already running."""
        if self.scanning:
            self.pending.append(folders)
            self.say("Added to the queue: it will be scanned when the current scan ends.")
            return
        self.scanning = True
        self.problems = []
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.say("Scanning…")
        self.scan_requested.emit(folders)

    def cancel_scan(self) -> None:
        self.worker.cancel.set()
        self.pending.clear()
        self.say("Cancelling the scan; everything read so far is kept…")

    def _scan_progress(self, p: ScanProgress) -> None:
        if p.phase == "reading" and p.to_read:
            self.progress.setRange(0, p.to_read)
            self.progress.setValue(p.read)
            self.say(f"Reading tags: {p.read:,} / {p.to_read:,} — {p.folder}")
        else:
            self.say(f"Looking through folders: {p.seen:,} files — {p.folder}")

    def _scan_problem(self, problem: ScanProblem) -> None:
        self.problems.append(problem)

    def _scan_finished(self, s: ScanSummary) -> None:
        self.scanning = False
        self.progress.hide()
        self.cancel_button.hide()
        self.refresh_library()
        skipped = f", {len(self.problems):,} skipped (unreadable)" if self.problems else ""
        state = "Scan cancelled; kept" if s.cancelled else "Library up to date"
        self.say(f"{state}: {s.files:,} files, {s.matched:,} catalog songs{skipped}.")
        if self.pending:
            self.scan(self.pending.pop(0))

    def _scan_failed(self, message: str) -> None:
        self.scanning = False
        self.progress.hide()
        self.cancel_button.hide()
        self.say(f"The scan stopped: {message}. Your library is unchanged.")

    def add_paths(self, dropped: list[str]) -> None:
        """Folders and audio files join the library (remembered) and are scanned."""
        keep = [p for p in dropped if os.path.isdir(p) or (os.path.isfile(p) and is_audio_name(p))]
        if not keep:
            self.say("Nothing playable there: drop music folders or audio files.")
            return
        self.listen.setCurrentIndex(1)
        self.scan(keep)

    def add_folder_dialog(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a music folder")
        if folder:
            self.add_paths([folder])

    def start_demo(self) -> None:
        self.listen.setCurrentIndex(1)
        self.scan([":demo"])

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dragMoveEvent(self, event) -> None:
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
        self.current_mood = mood_id
        self.moods.check(mood_id)
        items = build_queue(
            self.catalog, mood_id, self.index.matched(), order=self.order, rng=self.rng
        )
        items = [i for i in items if i.path not in self.player.state.unplayable]
        if not items:
            self.say("None of this mood's songs are in your library yet.")
            return
        self.player.load(items)
        self.tabs.setCurrentIndex(0)

    def _set_order(self, order: str) -> None:
        self.order = order

    def _set_volume(self, volume: int) -> None:
        self.backend.set_volume(volume)

    def _remove_selected(self) -> None:
        rows = sorted(
            {ix.row() for ix in self.queue_view.selectionModel().selectedRows()}, reverse=True
        )
        for r in rows:
            self.player.remove(r)

    def _on_player(self, what: str, player: Player) -> None:
        if what == "queue":
            self.queue_model.refresh()
        elif what == "track":
            item = player.current
            self.queue_model.playing_changed()
            if item:
                src = self.catalog.source(item.entry.source_list)
                self.now.show_entry(item.entry, item.path, src.label if src else "")
                self.setWindowTitle(f"{item.title} — {item.artist} · ksad-player")
                self.queue_view.selectRow(player.state.index)
                if item.has_cover:
                    self._load_cover(item.path)
        elif what == "status":
            self.transport.set_playing(player.state.status == "playing")
            self.queue_model.playing_changed()
        elif what == "skipped":
            self.say(player.last_error)
            self.queue_model.playing_changed()
        elif what == "finished":
            bad = sum(1 for i in player.queue if i.path in player.state.unplayable)
            skipped = (
                f" {bad} file{'s' * (bad != 1)} could not be played and {'were' if bad != 1 else 'was'} skipped."
                if bad
                else ""
            )
            self.say(f"The queue has ended.{skipped} Press a mood to go on.")

    def _load_cover(self, path: str) -> None:
        if not hasattr(self, "_cover_signals"):
            self._cover_signals = CoverSignals()
            self._cover_signals.loaded.connect(self.now.set_cover)
        QThreadPool.globalInstance().start(CoverLoader(path, NowPlaying.COVER, self._cover_signals))

    def _tick(self) -> None:
        if self.player.current and self.player.state.status != "stopped":
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
        repeat = str(s.value("player/repeat", "off"))
        if repeat in Transport.REPEAT:
            self.transport.set_repeat(repeat)
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
        s.setValue("player/repeat", self.player.state.repeat)
        if self.current_mood:
            s.setValue("player/mood", self.current_mood)
        s.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_settings()
        self.worker.cancel.set()
        self.scan_thread.quit()
        self.scan_thread.wait(5000)
        self.timer.stop()
        self.backend.on_event = lambda _e: None
        self.backend.stop()
        self.index.close()
        super().closeEvent(event)
