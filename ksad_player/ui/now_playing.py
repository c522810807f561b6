"""The Listen tab: an empty state that offers a way in, or the queue beside what is playing.

It owns the queue view, the now-playing panel (title, artists, album or drama, source,
cover, blurb, content note) and loading covers off the GUI thread.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QSize, QStandardPaths, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
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


class NowPlaying(QFrame):
    """Title, artists, album or drama, source, cover, blurb and content note."""

    COVER = QSize(220, 220)

    def __init__(self, placeholder: QPixmap) -> None:
        super().__init__()
        self.setObjectName("now-playing")
        self.placeholder = placeholder
        lay = QVBoxLayout(self)
        self.cover = plain_label()
        self.cover.setObjectName("cover")
        self.cover.setAccessibleName("Cover")
        self.cover.setFixedSize(self.COVER)
        self.cover.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.cover.setPixmap(placeholder)
        lay.addWidget(self.cover, 0, Qt.AlignmentFlag.AlignHCenter)
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
        self.blurb = plain_label("Press a mood to begin.", "blurb")
        self.blurb.setWordWrap(True)
        self.blurb.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.blurb.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        bf = self.blurb.font()
        bf.setPointSizeF(bf.pointSizeF() * 1.1)
        self.blurb.setFont(bf)
        for w in (self.title, self.artist, self.album, self.source, self.note, self.blurb):
            lay.addWidget(w)
        lay.addStretch(1)
        self.note.hide()
        self._path = ""

    def show_entry(self, entry: Entry | None, path: str, source_label: str) -> None:
        self._path = path
        if entry is None:
            for w in (self.title, self.artist, self.album):
                w.set_full_text("")
            self.source.setText("")
            self.blurb.setText("Press a mood to begin.")
            self.note.hide()
            self.cover.setPixmap(self.placeholder)
            return
        self.title.set_full_text(entry.title)
        self.artist.set_full_text(
            entry.credit + (f"  ·  {entry.artist_korean}" if entry.artist_korean else "")
        )
        where = f"OST of {entry.drama}" if entry.drama else (entry.album or "")
        if entry.year:
            where = f"{where} ({entry.year})" if where else str(entry.year)
        self.album.set_full_text(where)
        self.source.setText(f"From the list “{source_label}”" if source_label else "")
        self.blurb.setText(entry.blurb)
        if entry.content_note:
            self.note.setText(f"Content note: {entry.content_note}")
            self.note.show()
        else:
            self.note.hide()
        self.cover.setPixmap(self.placeholder)

    def set_cover(self, path: str, image: QImage) -> None:
        if path != self._path:
            return
        if image.isNull():
            self.cover.setPixmap(self.placeholder)
        else:
            self.cover.setPixmap(QPixmap.fromImage(image))


class ListenPanel(QStackedWidget):
    """Page 0: the empty state. Page 1: the queue beside the now-playing panel."""

    add_folders = Signal(list)  # paths the empty state offers (the Music folder)
    add_folder_dialog = Signal()
    demo_requested = Signal()
    track_shown = Signal(str)  # "Title — Artist" of the track now shown

    def __init__(self, player: Player, catalog: Catalog, resources: Path) -> None:
        super().__init__()
        self.player = player
        self.catalog = catalog
        self.addWidget(self._empty_state())
        split = QSplitter()
        self.queue_model = QueueModel(player, catalog)
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
            placeholder_pixmap(str(resources / "placeholder-cover.svg"), NowPlaying.COVER)
        )
        split.addWidget(self.now)
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
        self.music_button = QPushButton(f"Add {music}")
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

    def _remove_selected(self) -> None:
        rows = sorted(
            {ix.row() for ix in self.queue_view.selectionModel().selectedRows()}, reverse=True
        )
        for r in rows:
            self.player.remove(r)

    def _on_player(self, what: PlayerChange, player: Player) -> None:
        if what is PlayerChange.QUEUE:
            self.queue_model.refresh()
        elif what is PlayerChange.TRACK:
            item = player.current
            self.queue_model.playing_changed()
            if item:
                src = self.catalog.source(item.entry.source_list)
                self.now.show_entry(item.entry, item.path, src.label if src else "")
                self.track_shown.emit(f"{item.title} — {item.artist}")
                self.queue_view.selectRow(player.state.index)
                if item.has_cover:
                    QThreadPool.globalInstance().start(
                        CoverLoader(item.path, NowPlaying.COVER, self._cover_signals)
                    )
        elif what in (PlayerChange.STATUS, PlayerChange.SKIPPED):
            self.queue_model.playing_changed()
