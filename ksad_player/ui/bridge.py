"""Crossing threads into Qt: libVLC events and cover loading arrive as signals."""

from __future__ import annotations

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QObject,
    QRunnable,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QImage, QImageReader

from ksad_player.core.play.player import PlaybackEvent


class PlaybackBridge(QObject):
    """The backend's callback emits here from libVLC's thread; Qt queues it to the GUI."""

    event = Signal(object)

    def forward(self, event: PlaybackEvent) -> None:
        self.event.emit(event)


class CoverSignals(QObject):
    loaded = Signal(str, QImage)


class CoverLoader(QRunnable):
    """Reads an embedded cover off the GUI thread and decodes it already scaled down."""

    def __init__(self, path: str, size: QSize, signals: CoverSignals) -> None:
        super().__init__()
        self.path, self.size, self.signals = path, size, signals

    def run(self) -> None:
        # Imported here, on the pool's thread: mutagen stays out of the window's start.
        from ksad_player.core.tags.reader import read_cover

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
