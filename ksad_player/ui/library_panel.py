"""The Library tab: every catalog song, in the library or missing, and the files that
matched nothing, with search and the user's own links."""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QModelIndex, QObject, QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ksad_player.core.library.index import Track
from ksad_player.core.session import Session
from ksad_player.ui.models import ENTRY_ROLE, LINKED_ROLE, PATH_ROLE, library_models
from ksad_player.ui.widgets import plain_label


class _MiddleElide(QStyledItemDelegate):
    """A path cut in its middle keeps both the folder it starts with and the file name."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideMiddle


class LibraryPanel(QWidget):
    """Browse and correct the matches; every change goes through the session."""

    say = Signal(str)

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setAccessibleName("Search the library")
        self.search.setPlaceholderText("Search catalog songs and artists (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.group_by = QComboBox()
        self.group_by.setObjectName("group-by")
        self.group_by.setAccessibleName("Group by")
        self.group_by.addItem("By mood", "mood")
        self.group_by.addItem("By source list", "source")
        self.group_by.currentIndexChanged.connect(lambda _i: self.refresh(self._tracks))
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
        self.entries_view.viewport().installEventFilter(self)  # columns follow its width
        self.entries_view.setItemDelegateForColumn(3, _MiddleElide(self.entries_view))
        self.unmatched_proxy = QSortFilterProxyModel(self)
        self.unmatched_proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.unmatched_view = QListView()
        self.unmatched_view.setObjectName("library-unmatched")
        self.unmatched_view.setAccessibleName("Files that matched nothing")
        self.unmatched_view.setModel(self.unmatched_proxy)
        # The two lists are searched apart: finding a song by its Hangul title must not
        # hide the file the user wants to link to it.
        self.search.textChanged.connect(self._search_songs)
        self.file_search = QLineEdit()
        self.file_search.setObjectName("file-search")
        self.file_search.setAccessibleName("Search the files that matched nothing")
        self.file_search.setPlaceholderText("Search these files")
        self.file_search.setClearButtonEnabled(True)
        self.file_search.textChanged.connect(self.unmatched_proxy.setFilterFixedString)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(plain_label("Files that matched nothing", "unmatched-label"))
        rl.addWidget(self.file_search)
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
        self._tracks: list[Track] = []

    def _search_songs(self, text: str) -> None:
        self.entry_proxy.setFilterFixedString(text)
        if text:
            self.entries_view.expandAll()  # the groups holding hits open up
        self._span_groups()

    def _span_groups(self) -> None:
        """A group's title ("Heartbreaking music videos  (3/10)") runs across the row:
        sized with the songs, a long one pushed the File column out of the window."""
        root = QModelIndex()
        for row in range(self.entry_proxy.rowCount(root)):
            self.entries_view.setFirstColumnSpanned(row, root, True)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and watched is self.entries_view.viewport():
            self._size_columns()
        return False

    def _size_columns(self) -> None:
        """Song takes the room left; Artist, Status and File get a fifth each and elide
        (their tooltips hold the whole text). No sideways scrolling at any width."""
        header = self.entries_view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        share = max(self.entries_view.viewport().width(), 300) // 5
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, share)

    def refresh(self, tracks: list[Track]) -> None:
        """Redraw both lists from the index's tracks (read once by the window)."""
        self._tracks = tracks
        entries, unmatched = library_models(
            self.session.catalog,
            tracks,
            self.group_by.currentData() or "mood",
            self.session.gentle,
        )
        self.entry_proxy.setSourceModel(entries)
        self._entries_model, self._unmatched_model = entries, unmatched
        self.unmatched_proxy.setSourceModel(unmatched)
        self.entries_view.expandAll()
        self.entries_view.setColumnHidden(4, True)  # aliases: searched, not shown
        self._span_groups()
        self._size_columns()

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _selected(self, view: QAbstractItemView) -> tuple[str | None, str | None, bool]:
        ix = view.currentIndex()
        if not ix.isValid():
            return None, None, False
        return ix.data(ENTRY_ROLE), ix.data(PATH_ROLE), bool(ix.data(LINKED_ROLE))

    def link_selected(self) -> None:
        entry_id, _, _ = self._selected(self.entries_view)
        _, path, _ = self._selected(self.unmatched_view)
        if not entry_id or not path:
            self.say.emit("Select a song on the left and a file on the right, then link them.")
            return
        self.session.link(path, entry_id)
        entry = self.session.catalog.entry(entry_id)
        self.say.emit(f"Linked {os.path.basename(path)} to {entry.title if entry else entry_id}.")

    def unlink_selected(self) -> None:
        entry_id, path, _ = self._selected(self.entries_view)
        if not entry_id or not path:
            self.say.emit("Select a song that is in your library to unlink its file.")
            return
        self.session.never(path)
        self.say.emit(f"{os.path.basename(path)} will not be matched to a catalog song again.")

    def forget_selected(self) -> None:
        for view in (self.entries_view, self.unmatched_view):
            _, path, linked = self._selected(view)
            if path and linked:
                self.session.forget(path)
                self.say.emit(f"The matcher decides again for {os.path.basename(path)}.")
                return
        self.say.emit("Select a file you linked or unlinked to forget that choice.")
