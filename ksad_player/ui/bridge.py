"""Crossing threads into Qt: libVLC events, scans and cover loading arrive as signals."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QRunnable,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QImage, QImageReader

from ksad_player.core.catalog import Catalog
from ksad_player.core.demo import make_demo
from ksad_player.core.index import LibraryIndex
from ksad_player.core.matcher import Matcher
from ksad_player.core.player import PlaybackEvent
from ksad_player.core.scanner import ScanProblem, ScanProgress, drive, scan
from ksad_player.core.tags import read_cover


class PlaybackBridge(QObject):
    """The backend's callback emits here from libVLC's thread; Qt queues it to the GUI."""

    event = Signal(object)

    def forward(self, event: PlaybackEvent) -> None:
        self.event.emit(event)


class ScanWorker(QObject):
    """Runs scans on its own thread with its own index connection."""

    progress = Signal(object)  # ScanProgress
    problem = Signal(object)  # ScanProblem
    finished = Signal(object)  # ScanSummary
    failed = Signal(str)

    def __init__(self, index_path: Path, catalog: Catalog) -> None:
        super().__init__()
        self.index_path = index_path
        self.catalog = catalog
        self.cancel = threading.Event()

    def _emit(self, event: ScanProgress | ScanProblem) -> None:
        (self.progress if isinstance(event, ScanProgress) else self.problem).emit(event)

    @Slot(object)
    def run(self, folders: Sequence[str]) -> None:
        self.cancel.clear()
        try:
            folders = [str(make_demo()) if f == ":demo" else f for f in folders]
            with LibraryIndex(self.index_path) as idx:
                gen = scan(idx, Matcher(self.catalog), folders or None, cancel=self.cancel)
                summary = drive(gen, self._emit)
            self.finished.emit(summary)
        except Exception as exc:  # a scan must never take the window down
            self.failed.emit(f"{type(exc).__name__}: {exc}")


class CoverSignals(QObject):
    loaded = Signal(str, QImage)


class CoverLoader(QRunnable):
    """Reads an embedded cover off the GUI thread and decodes it already scaled down."""

    def __init__(self, path: str, size: QSize, signals: CoverSignals) -> None:
        super().__init__()
        self.path, self.size, self.signals = path, size, signals

    def run(self) -> None:
        data = read_cover(self.path)
        image = QImage()
        if data:
            buf = QBuffer()
            buf.setData(QByteArray(data))
            buf.open(QIODevice.OpenModeFlag.ReadOnly)
            reader = QImageReader(buf)
            full = reader.size()
            if full.isValid():
                reader.setScaledSize(full.scaled(self.size, Qt.AspectRatioMode.KeepAspectRatio))
            image = reader.read()
        self.signals.loaded.emit(self.path, image)
