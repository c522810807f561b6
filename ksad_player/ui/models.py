"""Qt models over core objects: the play queue and the library as the user browses it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QStandardItem, QStandardItemModel

from ksad_player.core.catalog import Catalog
from ksad_player.core.library.index import Track
from ksad_player.core.play.player import PlaybackStatus, Player
from ksad_player.ui.text import one_line, plain_tooltip

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1
PATH_ROLE = Qt.ItemDataRole.UserRole + 2
LINKED_ROLE = Qt.ItemDataRole.UserRole + 3
Index = QModelIndex | QPersistentModelIndex


def fmt_time(seconds: float) -> str:
    s = max(0, round(seconds))
    return f"{s // 60}:{s % 60:02d}"


class QueueModel(QAbstractTableModel):
    """The player's queue: title, artist, duration, moods; the playing row marked."""

    HEADERS = ("", "Title", "Artist", "Time", "Moods")
    NOTE_MARK = "⚠ "  # a content note: shown in the queue, before the song plays

    def __init__(self, player: Player, catalog: Catalog) -> None:
        super().__init__()
        self.player = player
        self.catalog = catalog
        # True while a restored queue waits, paused, at its track (nothing loaded yet).
        self.waiting: Callable[[], bool] = lambda: False

    def glyph(self, row: int) -> str:
        """The playing row's mark agrees with the play button: ▶ playing, ❚❚ paused,
        ■ stopped (the queue ended); other rows none; ✕ a file that could not play."""
        if self.player.queue[row].path in self.player.state.unplayable:
            return "✕"
        if row != self.player.state.index:
            return ""
        status = self.player.state.status
        if status is PlaybackStatus.PLAYING:
            return "▶"
        if status is PlaybackStatus.PAUSED or self.waiting():
            return "❚❚"
        return "■"

    def refresh(self) -> None:
        self.beginResetModel()
        self.endResetModel()

    def playing_changed(self) -> None:
        if self.rowCount():
            self.dataChanged.emit(self.index(0, 0), self.index(self.rowCount() - 1, 0))

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.player.queue)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self.HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self.player.queue):
            return None
        item = self.player.queue[index.row()]
        playing = index.row() == self.player.state.index
        col = index.column()
        moods = ", ".join(m.label for m in self.catalog.moods if m.id in item.entry.moods)
        note = item.entry.content_note
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return self.glyph(index.row())
            title = (self.NOTE_MARK if note else "") + item.title
            return (None, title, item.artist, fmt_time(item.duration), moods)[col]
        if role == Qt.ItemDataRole.ToolTipRole and col:
            lines = [f"{item.title} — {item.artist}", f"Moods: {moods}", item.path]
            if note:
                lines.insert(1, f"Content note: {note}")
            return plain_tooltip("\n".join(lines))
        if role == Qt.ItemDataRole.FontRole and playing:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.ForegroundRole and item.path in self.player.state.unplayable:
            return QBrush(QColor("#999999"))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            state = "playing, " if playing else ""
            return f"{state}{item.title} by {item.artist}"
        return None


def library_models(
    catalog: Catalog, tracks: list[Track], group_by: str, gentle: bool = False
) -> tuple[QStandardItemModel, QStandardItemModel]:
    """(entries grouped by mood or source list, with status; files that matched nothing).
    Songs with a content note are marked (and, with gentle listening, said to be left out)."""
    by_entry: dict[str, Track] = {}
    for t in tracks:
        if t.entry_id and not t.offline:
            best = by_entry.get(t.entry_id)
            if best is None or (t.linked, t.score) > (best.linked, best.score):
                by_entry[t.entry_id] = t
    entries = QStandardItemModel()
    entries.setHorizontalHeaderLabels(["Song", "Artist", "Status", "File", "Also known as"])
    if group_by == "source":
        groups = [
            (s.label, [e for e in catalog.entries if e.source_list == s.id])
            for s in catalog.sources
        ]
        others = [e for e in catalog.entries if not catalog.source(e.source_list)]
        if others:
            groups.append(("Your own entries", others))
    else:
        groups = [(m.label, list(catalog.entries_for(m.id))) for m in catalog.moods]
    for label, members in groups:
        found = sum(1 for e in members if e.id in by_entry)
        head = QStandardItem(f"{label}  ({found}/{len(members)})")
        head.setEditable(False)
        row_of_heads = [head] + [QStandardItem("") for _ in range(4)]
        for cell in row_of_heads[1:]:
            cell.setEditable(False)
        for e in members:
            t = by_entry.get(e.id)
            status = (
                ("in your library (your link)" if t.linked else "in your library")
                if t
                else "missing"
            )
            if e.content_note:
                status += " · content note" + (", left out of moods" if gentle else "")
            aliases = " / ".join([*e.title_aliases, *(n for a in e.artists for n in a.aliases)])
            cells = [QStandardItem(e.title), QStandardItem(e.credit), QStandardItem(status),
                     QStandardItem(t.path if t else ""), QStandardItem(aliases)]  # fmt: skip
            for c in cells:
                c.setEditable(False)
                c.setData(e.id, ENTRY_ROLE)
                c.setData(t.path if t else "", PATH_ROLE)  # never None: PySide6 miscounts it
                c.setData(bool(t and t.linked), LINKED_ROLE)
            note = f"\n\nContent note: {e.content_note}" if e.content_note else ""
            cells[0].setToolTip(plain_tooltip(e.blurb + note))
            cells[2].setToolTip(plain_tooltip(e.content_note or status))
            cells[3].setToolTip(plain_tooltip(t.path if t else "not found in your library"))
            if not t:
                for c in cells:
                    c.setForeground(QBrush(QColor("#8a8a8a")))
            head.appendRow(cells)
        entries.appendRow(row_of_heads)
    unmatched = QStandardItemModel()
    for t in tracks:
        if t.entry_id is None and t.tags is not None:
            tags = t.tags
            text = one_line(f"{tags.title or '?'} — {tags.artist or '?'}")
            item = QStandardItem(text)
            item.setEditable(False)
            item.setData(t.path, PATH_ROLE)
            item.setData(t.linked, LINKED_ROLE)
            item.setToolTip(
                plain_tooltip(
                    f"{text}\n{t.path}" + ("\n(you said: never match)" if t.linked else "")
                )
            )
            unmatched.appendRow(item)
    return entries, unmatched
