"""Drag and drop onto the window: which drags are taken, the paths a drop carries and the
hint that lights the window up meanwhile. How drops look and what they carry changes apart
from what the window does with the paths (`add_paths`), so it lives here."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, Qt
from PySide6.QtWidgets import QLabel, QWidget

from ksad_player.ui.widgets import plain_label


def carries_files(mime: QMimeData) -> bool:
    """A drag worth taking: it names at least one local file or folder."""
    return mime.hasUrls() and any(u.isLocalFile() for u in mime.urls())


def local_paths(mime: QMimeData) -> list[str]:
    """The local files and folders a drop names, in its order."""
    return [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]


def drop_hint(central: QWidget) -> QLabel:
    """The label laid over the window while a drag hovers over it (hidden until then)."""
    hint = plain_label("Drop to add to your library", "drop-hint")
    hint.setParent(central)
    hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
    hint.setStyleSheet(
        "QLabel { background: #7b61c955; border: 3px dashed palette(highlight);"
        " border-radius: 12px; font-size: 18pt; font-weight: 600; }"
    )
    hint.hide()
    return hint


def show_hint(hint: QLabel, central: QWidget, shown: bool) -> None:
    """The window lights up while a drag hovers over it."""
    if shown:
        hint.setGeometry(central.rect().adjusted(8, 8, -8, -8))
        hint.raise_()
    hint.setVisible(shown)
