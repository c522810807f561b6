"""The window's menu bar (Library, Playback, View, Help) and its keys. Which entries the
menus have, in what order and with which shortcuts, changes apart from what the entries
do, so the building lives here and the window keeps the slots."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence, QShortcut
from PySide6.QtWidgets import QMainWindow, QMenu

from ksad_player.ui import choices, playlists

if TYPE_CHECKING:
    from ksad_player.ui.main_window import MainWindow


def action(
    window: QMainWindow, menu: QMenu, text: str, slot: object, keys: str = "", *,
    checkable: bool = False,
) -> QAction:  # fmt: skip
    """A menu entry, its shortcut live in the whole window."""
    a = QAction(text, window)
    if keys:
        a.setShortcut(QKeySequence(keys))
        a.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    a.setCheckable(checkable)
    a.triggered.connect(slot)  # type: ignore[arg-type]
    menu.addAction(a)
    window.addAction(a)
    return a


def radio(
    window: QMainWindow, menu: QMenu, choices: list[tuple[str, str]], slot: Callable[[str], object]
) -> dict[str, QAction]:
    """Checkable entries of which one is checked at a time, each telling `slot` its value."""
    group = QActionGroup(window)
    group.setExclusive(True)
    out = {}
    for value, text in choices:
        a = action(window, menu, text, lambda _=False, v=value: slot(v), checkable=True)
        group.addAction(a)
        out[value] = a
    return out


def build(w: MainWindow) -> None:
    """Fill the menu bar; the actions the window, tray and tests use become its attributes."""
    bar = w.menuBar()
    lib = bar.addMenu("&Library")
    action(w, lib, "Add folder…", w.add_folder_dialog, "Ctrl+O")
    action(w, lib, "Remove folder from library…", w.remove_folder_dialog)
    action(w, lib, "Open playlist…", lambda: playlists.open_dialog(w), "Ctrl+Shift+O")
    action(w, lib, "Add the demo library", w.demo_requested.emit)
    action(w, lib, "Rescan all folders", lambda: w.scan([]))
    action(w, lib, "Search the library", w._focus_search, "Ctrl+F")
    lib.addSeparator()
    action(w, lib, "Quit", w.close, "Ctrl+Q")

    pb = w.playback_menu = bar.addMenu("&Playback")
    w.play_action = action(w, pb, "Play / Pause", w._space, "Space")
    w.next_action = action(w, pb, "Next", w.player.next, "Ctrl+Right")
    w.previous_action = action(w, pb, "Previous", w.session.previous, "Ctrl+Left")
    action(w, pb, "Stop", w.player.stop, "Ctrl+.")
    pb.addSeparator()
    order = pb.addMenu("Order")
    w.order_actions = radio(
        w,
        order,
        [("shuffle", "Shuffle"), ("arc", "Lift me up (arc)")],
        lambda o: choices.choose_order(w, o),
    )
    rep = pb.addMenu("Repeat")
    w.repeat_actions = radio(
        w, rep, [("off", "Off"), ("all", "The whole queue"), ("one", "This song")],
        lambda m: choices.set_repeat(w, m, from_menu=True),
    )  # fmt: skip
    action(w, rep, "Next repeat mode", lambda: choices.cycle_repeat(w), "Ctrl+R")
    pb.addMenu(w.sleep_menu)
    pb.addSeparator()
    w.gentle_action = action(
        w, pb, "Gentle listening (leave out songs with a content note)",
        lambda on: choices.set_gentle(w, on), checkable=True,
    )  # fmt: skip
    gain = pb.addMenu("Even loudness (ReplayGain)")
    w.gain_actions = radio(
        w, gain, [("none", "Off"), ("track", "Per track"), ("album", "Per album")],
        lambda m: choices.set_replay_gain(w, m),
    )  # fmt: skip
    pb.addSeparator()
    action(w, pb, "Export the queue as M3U8…", lambda: playlists.export_queue_dialog(w), "Ctrl+E")
    mood_menu = pb.addMenu("Export a whole mood as M3U8")
    for m in w.catalog.moods:
        action(
            w, mood_menu, m.label + "…",
            lambda _=False, i=m.id: playlists.export_mood_dialog(w, i),
        )  # fmt: skip

    view = bar.addMenu("&View")
    w.style_actions = radio(
        w, view.addMenu("Palette"),
        [("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")],
        w.apply_style,
    )  # fmt: skip
    action(w, view, "Listen", lambda: w.tabs.setCurrentIndex(0), "Ctrl+1")
    action(w, view, "Library", lambda: w.tabs.setCurrentIndex(1), "Ctrl+2")

    help_ = w.help_menu = bar.addMenu("&Help")  # the desktop package adds to it
    action(w, help_, "Keyboard shortcuts", w.show_shortcuts, "F1")
    action(w, help_, "About ksad-player", w.show_about)


def mood_keys(w: MainWindow) -> None:
    """1 … 9 play the mood bar's moods, in its order."""
    for n, mood in enumerate(w.catalog.moods[:9], 1):
        sc = QShortcut(QKeySequence(str(n)), w, lambda m=mood.id: w._mood_key(m))
        sc.setContext(Qt.ShortcutContext.WindowShortcut)
