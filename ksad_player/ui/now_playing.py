"""The Listen tab: an empty state that offers a way in, or the queue beside what is playing.

It owns the queue view, the now-playing panel (title, artists, album or drama, source,
cover, blurb, content note) and loading covers off the GUI thread.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, QSize, QStandardPaths, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QResizeEvent, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QBoxLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ksad_player.core.catalog import Catalog, Entry
from ksad_player.core.play.player import Player, PlayerChange
from ksad_player.ui.bridge import CoverLoader, CoverSignals
from ksad_player.ui.models import QueueModel
from ksad_player.ui.widgets import ElidedLabel, placeholder_pixmap, plain_label


def home_path(path: str) -> str:
    """~/Music rather than /home/someone/Music: shorter, and what people call it."""
    home = os.path.expanduser("~")
    if home and home != "/" and (path == home or path.startswith(home + os.sep)):
        return "~" + path[len(home) :]
    return path


class NowPlaying(QFrame):
    """Title, artists, album or drama, source, cover, blurb and content note.

    Wide: the cover above the text. Compact (a narrow window): a smaller cover beside it."""

    COVER = QSize(220, 220)
    SMALL_COVER = QSize(96, 96)

    def __init__(self, placeholder: QPixmap) -> None:
        super().__init__()
        self.setObjectName("now-playing")
        self.placeholder = placeholder
        self.compact = False
        self.box = QBoxLayout(QBoxLayout.Direction.TopToBottom, self)
        self.cover = plain_label()
        self.cover.setObjectName("cover")
        self.cover.setAccessibleName("Cover")
        self.cover.setFixedSize(self.COVER)
        self.cover.setScaledContents(False)
        self.cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._pixmap = placeholder
        self.cover.setPixmap(placeholder)
        self.box.addWidget(self.cover, 0, Qt.AlignmentFlag.AlignHCenter)
        text = QWidget()
        lay = QVBoxLayout(text)
        lay.setContentsMargins(0, 0, 0, 0)
        self.box.addWidget(text, 1)
        self.title = ElidedLabel("title")
        f = self.title.font()
        f.setPointSizeF(f.pointSizeF() * 1.5)
        f.setBold(True)
        self.title.setFont(f)
        self.artist = ElidedLabel("artist")
        self.album = ElidedLabel("album")
        self.source = plain_label("", "source")
        self.source.setWordWrap(True)
        self.note = plain_label("", "content-note")
        self.note.setWordWrap(True)
        self.note.setStyleSheet(
            "QLabel { background: #8a6d3b33; border-radius: 6px; padding: 6px; }"
        )
        self.next_note = plain_label("", "next-content-note")
        self.next_note.setWordWrap(True)
        self.next_note.setStyleSheet(
            "QLabel { background: #8a6d3b22; border-radius: 6px; padding: 6px; }"
        )
        self.blurb = plain_label("Press a mood to begin.", "blurb")
        self.blurb.setWordWrap(True)
        self.blurb.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.blurb.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bf = self.blurb.font()
        bf.setPointSizeF(bf.pointSizeF() * 1.1)
        self.blurb.setFont(bf)
        for w in (self.title, self.artist, self.album, self.source, self.note, self.blurb):
            lay.addWidget(w)
        lay.addWidget(self.next_note)
        lay.addStretch(1)
        for w in (self.note, self.next_note, self.album, self.source):
            w.hide()
        self._path = ""

    def set_compact(self, compact: bool) -> None:
        """A narrow window: a small cover beside the text, so nothing is drawn over it."""
        if compact == self.compact:
            return
        self.compact = compact
        self.box.setDirection(
            QBoxLayout.Direction.LeftToRight if compact else QBoxLayout.Direction.TopToBottom
        )
        self.box.setAlignment(
            self.cover,
            Qt.AlignmentFlag.AlignTop if compact else Qt.AlignmentFlag.AlignHCenter,
        )
        self.cover.setFixedSize(self.SMALL_COVER if compact else self.COVER)
        self._show_cover()

    def _show_cover(self) -> None:
        self.cover.setPixmap(
            self._pixmap.scaled(
                self.cover.size(),
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )

    def show_next(self, entry: Entry | None) -> None:
        """The song after this one carries a content note: say so before it plays."""
        if entry is not None and entry.content_note:
            self.next_note.setText(f"Next up, {entry.title}: {entry.content_note}")
            self.next_note.show()
        else:
            self.next_note.hide()

    def show_entry(self, entry: Entry | None, path: str, source_label: str) -> None:
        self._path = path
        if entry is None:
            for w in (self.title, self.artist, self.album):
                w.set_full_text("")
            self.source.setText("")
            self.blurb.setText("Press a mood to begin.")
            for w in (self.note, self.next_note, self.album, self.source):
                w.hide()
            self._pixmap = self.placeholder
            self._show_cover()
            return
        self.title.set_full_text(entry.title)
        self.artist.set_full_text(
            entry.credit + (f"  ·  {entry.artist_korean}" if entry.artist_korean else "")
        )
        where = f"OST of {entry.drama}" if entry.drama else (entry.album or "")
        if entry.year:
            where = f"{where} ({entry.year})" if where else str(entry.year)
        self.album.set_full_text(where)
        self.album.setVisible(bool(where))  # no empty line where there is no album
        self.source.setText(f"From the list “{source_label}”" if source_label else "")
        self.source.setVisible(bool(source_label))
        self.blurb.setText(entry.blurb)
        if entry.content_note:
            self.note.setText(f"Content note: {entry.content_note}")
            self.note.show()
        else:
            self.note.hide()
        self._pixmap = self.placeholder
        self._show_cover()

    def set_cover(self, path: str, image: QImage) -> None:
        if path != self._path:
            return
        self._pixmap = self.placeholder if image.isNull() else QPixmap.fromImage(image)
        self._show_cover()


class ListenPanel(QStackedWidget):
    """Page 0: the empty state. Page 1: the queue beside the now-playing panel."""

    add_folders = Signal(list)  # paths the empty state offers (the Music folder)
    add_folder_dialog = Signal()
    demo_requested = Signal()
    play_row = Signal(int)  # the user chose a queue row (double click or Enter)
    track_shown = Signal(str)  # "Title — Artist" of the track now shown

    NARROW = 860  # below this width the now-playing panel goes under the queue

    def __init__(self, player: Player, catalog: Catalog, resources: Path) -> None:
        super().__init__()
        self.player = player
        self.catalog = catalog
        self.addWidget(self._empty_state())
        self.split = split = QSplitter()
        split.setChildrenCollapsible(False)
        self.queue_model = QueueModel(player, catalog)
        self.queue_view = QTableView()
        self.queue_view.setObjectName("queue")
        self.queue_view.setAccessibleName("Queue")
        self.queue_view.setModel(self.queue_model)
        self.queue_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.queue_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.queue_view.verticalHeader().hide()
        self.queue_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.queue_view.setWordWrap(False)
        # One Tab stop: arrows move inside, Tab moves on to the next control.
        self.queue_view.setTabKeyNavigation(False)
        self.queue_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.queue_view.setStyleSheet(
            "QTableView { border: 1px solid palette(mid); padding: 1px; }"
            "QTableView:focus { border: 2px solid palette(highlight); padding: 0px; }"
        )
        hh = self.queue_view.horizontalHeader()
        hh.setMinimumSectionSize(24)
        hh.setStretchLastSection(False)
        fixed = QHeaderView.ResizeMode.Fixed
        for col, mode in enumerate(
            (fixed, QHeaderView.ResizeMode.Stretch, QHeaderView.ResizeMode.Stretch,
             QHeaderView.ResizeMode.ResizeToContents, QHeaderView.ResizeMode.Stretch)
        ):  # fmt: skip
            hh.setSectionResizeMode(col, mode)
        self.queue_view.setColumnWidth(0, 28)
        self.queue_view.doubleClicked.connect(lambda ix: self.play_row.emit(ix.row()))
        self.queue_view.activated.connect(lambda ix: self.play_row.emit(ix.row()))
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.queue_view, self._remove_selected)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        split.addWidget(self.queue_view)
        self.now = NowPlaying(
            placeholder_pixmap(str(resources / "placeholder-cover.svg"), NowPlaying.COVER)
        )
        self.now_scroll = QScrollArea()
        self.now_scroll.setObjectName("now-playing-scroll")
        self.now_scroll.setWidgetResizable(True)
        self.now_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.now_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.now_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.now_scroll.setWidget(self.now)
        self.now.setMinimumWidth(240)
        split.addWidget(self.now_scroll)
        split.setSizes([560, 380])
        self.addWidget(split)
        self._cover_signals = CoverSignals()
        self._cover_signals.loaded.connect(self.now.set_cover)
        player.listeners.append(self._on_player)

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
        self.music_button = QPushButton(f"Add {home_path(music)}")
        self.music_button.setToolTip(music)
        self.music_button.setObjectName("add-music")
        self.music_button.setAccessibleName("Add your Music folder")
        self.music_button.clicked.connect(lambda: self.add_folders.emit([music]))
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
        demo.clicked.connect(self.demo_requested)
        for b in (self.music_button, add, demo):
            b.setMinimumHeight(36)
            row.addWidget(b)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addStretch(2)
        return w

    def show_queue(self, shown: bool = True) -> None:
        self.setCurrentIndex(1 if shown else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        narrow = self.width() < self.NARROW
        want = Qt.Orientation.Vertical if narrow else Qt.Orientation.Horizontal
        if self.split.orientation() != want:
            self.split.setOrientation(want)
            self.now.set_compact(narrow)
            total = self.height() if narrow else self.width()
            self.split.setSizes([total * 55 // 100, total * 45 // 100])
        self.scroll_to_playing()

    def scroll_to_playing(self) -> None:
        """Keep the playing row in view."""
        i = self.player.state.index
        if 0 <= i < self.queue_model.rowCount():
            self.queue_view.scrollTo(self.queue_model.index(i, 1))

    def mark_playing(self) -> None:
        """Select just the playing row (whatever modifier keys are held: selectRow would
        add to the selection while Ctrl is down) and keep it in view."""
        i = self.player.state.index
        if not 0 <= i < self.queue_model.rowCount():
            return
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self.queue_view.selectionModel().setCurrentIndex(self.queue_model.index(i, 1), flags)
        self.scroll_to_playing()

    def _show_next(self) -> None:
        q, i = self.player.queue, self.player.state.index
        self.now.show_next(q[i + 1].entry if i >= 0 and i + 1 < len(q) else None)

    def _remove_selected(self) -> None:
        rows = sorted(
            {ix.row() for ix in self.queue_view.selectionModel().selectedRows()}, reverse=True
        )
        for r in rows:
            self.player.remove(r)

    def _on_player(self, what: PlayerChange, player: Player) -> None:
        if what is PlayerChange.QUEUE:
            self.queue_model.refresh()
            self._show_next()
        elif what is PlayerChange.TRACK:
            item = player.current
            self.queue_model.playing_changed()
            self._show_next()
            if item:
                src = self.catalog.source(item.entry.source_list)
                self.now.show_entry(item.entry, item.path, src.label if src else "")
                self.track_shown.emit(f"{item.title} — {item.artist}")
                self.mark_playing()
                if item.has_cover:
                    QThreadPool.globalInstance().start(
                        CoverLoader(item.path, NowPlaying.COVER, self._cover_signals)
                    )
        elif what in (PlayerChange.STATUS, PlayerChange.SKIPPED):
            self.queue_model.playing_changed()
