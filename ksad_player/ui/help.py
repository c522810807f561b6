"""The Help menu's dialogs (keyboard shortcuts, About): what the player can tell about
itself changes apart from how the window is wired, so it lives here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMainWindow, QMessageBox

from ksad_player import __version__
from ksad_player.core.catalog import Catalog
from ksad_player.ui.widgets import ShortcutsDialog


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str]]:
    """Every shortcut the window answers to, from its menus and keys."""
    rows = [
        (a.shortcut().toString(QKeySequence.SequenceFormat.NativeText), a.text())
        for a in window.actions()
        if not a.shortcut().isEmpty()
    ]
    rows.append(("1 … 9", "Play a mood, in the mood bar's order"))
    rows.append(("Delete", "Remove the selected songs from the queue"))
    rows.append(("Tab, Shift+Tab", "Move between controls; arrows move inside the queue"))
    return rows


def shortcuts_dialog(window: QMainWindow) -> ShortcutsDialog:
    """The list of shortcuts, opened (not modal to the app) over the window."""
    box = ShortcutsDialog(shortcut_rows(window), window)
    box.open()
    return box


def about_text(catalog: Catalog) -> str:
    """The version, what the player is for, the catalog's sources and libVLC's version."""
    from ksad_player.playback.vlc_backend import libvlc_version

    vlc = libvlc_version() or "not available"
    sources = "\n".join(f"  • {s.label}" for s in catalog.sources)
    return (
        f"ksad-player {__version__}\n\n"
        "Sad K-pop and K-drama OST songs from your own music, played by mood, with a "
        "word on why each one hurts.\n\n"
        f"The catalog draws on three articles:\n{sources}\n\n"
        "Licence: MIT. No audio, lyrics or article text ships with it.\n"
        f"libVLC in use: {vlc}"
    )


def about_box(window: QMainWindow, catalog: Catalog) -> QMessageBox:
    """The About box, plain text, opened over the window."""
    box = QMessageBox(window)
    box.setObjectName("about-dialog")
    box.setWindowTitle("About ksad-player")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setText(about_text(catalog))
    box.setIconPixmap(window.windowIcon().pixmap(64, 64))
    box.open()
    return box
