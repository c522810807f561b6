"""Playlists in and out of the window: opening (.m3u/.m3u8, by dialog or drop) and
exporting the queue or a mood as M3U8. Files and their dialogs change for other reasons
than the window's wiring, so they live here as functions taking the window."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog

from ksad_player.core.play.playlist import is_playlist_name, read_playlist, write_m3u8

if TYPE_CHECKING:
    from ksad_player.ui.main_window import MainWindow


def dropped_playlists(dropped: list[str]) -> list[str]:
    """The playlist files among dropped paths (the first one is queued)."""
    return [p for p in dropped if os.path.isfile(p) and is_playlist_name(p)]


def open_dialog(window: MainWindow) -> None:
    path, _ = QFileDialog.getOpenFileName(
        window, "Open a playlist", window.folder_dialog_start(), "Playlists (*.m3u *.m3u8)"
    )
    if path:
        open_playlist(window, path)


def open_playlist(window: MainWindow, path: str) -> int:
    """Queue the playlist's tracks that exist and are catalog songs; say what was not."""
    session, backend = window.session, window.backend
    read = read_playlist(path)
    items, others = session.items_for_paths(read.found)
    name = os.path.basename(path)
    if items and backend.available:
        session.play_items(items)
        window.moods.uncheck()
        window.listen.show_queue()
        window.tabs.setCurrentIndex(0)
    parts = [f"{name}: {len(items)} song{'s' * (len(items) != 1)} queued"]
    if read.missing:
        shown = ", ".join(os.path.basename(m) or m for m in read.missing[:3])
        more = f" and {len(read.missing) - 3} more" if len(read.missing) > 3 else ""
        parts.append(f"{len(read.missing)} missing ({shown}{more})")
    if others:
        parts.append(f"{len(others)} not catalog songs")
    if read.problem:
        parts.append(read.problem)
    if items and not backend.available:
        parts.append(backend.reason)
    window.say("; ".join(parts) + ".")
    return len(items) if backend.available else 0


def export_queue_dialog(window: MainWindow) -> None:
    if not window.player.queue:
        window.say("The queue is empty: press a mood first.")
        return
    _export(window, window.player.queue, "queue")


def export_mood_dialog(window: MainWindow, mood_id: str) -> None:
    items = window.session.queue_for(mood_id)
    if not items:
        window.say("None of this mood's songs are in your library yet.")
        return
    _export(window, items, mood_id)


def _export(window: MainWindow, items: list, name: str) -> None:
    start = os.path.join(window.folder_dialog_start(), f"ksad-{name}.m3u8")
    path, _ = QFileDialog.getSaveFileName(window, "Export as M3U8", start, "M3U8 (*.m3u8)")
    if path:
        export_m3u8(window, items, path)


def export_m3u8(window: MainWindow, items: list, path: str) -> None:
    """Write the songs as M3U8 and say how many, or why the file could not be written."""
    try:
        n = write_m3u8(items, path)
    except OSError as exc:
        window.say(f"Could not write {os.path.basename(path)}: {exc.strerror or exc}.")
        return
    window.say(f"Wrote {n} song{'s' * (n != 1)} to {os.path.basename(path)}.")
