"""The rough edges a new user found in the window, each checked as they would notice it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QSlider, QTableView, QWidget

from ksad_player.ui.settings import settings

from .conftest import make_clip
from .test_window import mood, wait_scanned

DEMO_LIKE = [
    ("Fine", "Taeyeon"), ("Stay", "BLACKPINK"), ("Lonely", "Jonghyun"), ("Untitled", "G-Dragon"),
    ("Goodbye", "2NE1"), ("Starlight", "Chani"), ("Wasted", "Younha"), ("LOSER", "BIGBANG"),
    ("Apology", "iKON"),
]  # fmt: skip


def _library(qtbot, window, tmp_path, songs=DEMO_LIKE, seconds=0.6):
    for n, (title, artist) in enumerate(songs):
        make_clip(tmp_path / "lib" / f"{n:02d}.wav", seconds, title, artist, seed=n + 1)
    window.add_paths([str(tmp_path / "lib")])
    wait_scanned(qtbot, window)


def _load(window, ids):
    from ksad_player.core.play.queue import item_for

    by_id = {t.entry_id: t for t in window.tracks}
    window.player.load([item_for(window.catalog.entry(e), by_id[e].tags) for e in ids])


def _inside(child: QWidget, parent: QWidget) -> bool:
    top_left = child.mapTo(parent, QPoint(0, 0))
    return parent.rect().contains(top_left) and parent.rect().contains(
        top_left + QPoint(child.width() - 1, child.height() - 1)
    )


def test_at_640x480_nothing_is_clipped_or_drawn_over(qtbot, open_window, null_backend, tmp_path):
    window = open_window(null_backend)
    _library(qtbot, window, tmp_path)
    window.resize(500, 400)
    assert window.minimumSize().width() == 640 and window.minimumSize().height() == 480
    window.resize(640, 480)
    qtbot.waitUntil(lambda: window.width() == 640)
    QApplication.processEvents()
    for m in window.catalog.moods:
        b = mood(window, m.id)
        assert b.width() >= b.fontMetrics().horizontalAdvance(b.text()), b.text()
        assert _inside(b, window)
    assert window.moods.rows > 1  # the mood bar wrapped instead of squeezing the labels
    _load(window, ["taeyeon-fine", "blackpink-stay"])
    QApplication.processEvents()
    assert window.listen.split.orientation() == Qt.Orientation.Vertical
    now = window.listen.now
    assert now.compact
    cover = now.cover.geometry()
    for name in ("title", "artist", "blurb"):
        w = now.findChild(QLabel, name)
        assert not cover.intersects(w.parentWidget().geometry()), name
    window.resize(1000, 680)
    QApplication.processEvents()
    assert window.listen.split.orientation() == Qt.Orientation.Horizontal and not now.compact
    assert window.moods.rows == 1


def test_the_playing_row_stays_in_view(qtbot, open_window, null_backend, tmp_path):
    window = open_window(null_backend)
    _library(qtbot, window, tmp_path)
    ids = [t.entry_id for t in window.tracks if t.entry_id] * 6  # a long queue
    _load(window, ids)
    window.resize(640, 480)
    QApplication.processEvents()
    view = window.findChild(QTableView, "queue")
    window.player.play_at(len(ids) - 1)
    QApplication.processEvents()
    rect = view.visualRect(view.model().index(len(ids) - 1, 1))
    assert view.viewport().rect().contains(rect.center())


@pytest.mark.vlc
def test_tab_reaches_every_control_and_the_queue_is_one_stop(qtbot, open_window, out_wav, tmp_path):
    window = open_window()
    _library(qtbot, window, tmp_path)
    _load(window, ["taeyeon-fine", "blackpink-stay", "jonghyun-lonely"])
    window.activateWindow()
    view = window.findChild(QTableView, "queue")
    view.setFocus()
    seen = []
    for _ in range(40):
        w = QApplication.focusWidget()
        seen.append(w.objectName() or type(w).__name__)
        qtbot.keyClick(w, Qt.Key.Key_Tab)
    cycle = seen[: seen.index("queue", 1)]
    assert cycle.count("queue") == 1  # one Tab stop, not one per cell
    for name in (
        "previous",
        "play",
        "next",
        "seek",
        "repeat",
        "volume",
        "order",
        "qt_tabwidget_tabbar",
    ):
        assert name in cycle, name
    # The moods are one group: one Tab stop, the arrows move between them.
    first = next(n for n in cycle if n.startswith("mood-"))
    window.findChild(QWidget, first).setFocus()
    reached = set()
    for _ in range(2 * len(window.catalog.moods)):
        reached.add(QApplication.focusWidget().objectName())
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    assert reached == {f"mood-{m.id}" for m in window.catalog.moods}
    # Inside the queue, the arrows move.
    view.setFocus()
    view.setCurrentIndex(view.model().index(0, 1))
    qtbot.keyClick(view, Qt.Key.Key_Down)
    assert view.currentIndex().row() == 1 and QApplication.focusWidget() is view


def test_the_focus_ring_is_visible_on_the_queue(qtbot, open_window, null_backend, tmp_path):
    window = open_window(null_backend)
    _library(qtbot, window, tmp_path)
    _load(window, ["taeyeon-fine"])
    view = window.findChild(QTableView, "queue")
    window.activateWindow()
    window.findChild(QSlider, "volume").setFocus()
    QApplication.processEvents()
    unfocused = view.grab().toImage()
    view.setFocus()
    QApplication.processEvents()
    focused = view.grab().toImage()
    assert view.hasFocus()
    edge = [(x, 1) for x in range(5, view.width() - 5, 7)]
    assert sum(unfocused.pixel(x, y) != focused.pixel(x, y) for x, y in edge) > len(edge) // 2


def test_a_click_on_the_seek_groove_jumps_there_and_the_label_follows_a_drag(
    qtbot, open_window, null_backend
):
    window = open_window(null_backend)
    seek = window.transport.seek
    seek.setEnabled(True)
    window.transport.set_position(0, 200_000)
    wanted = []
    window.transport.seek_requested.connect(wanted.append)
    qtbot.mouseClick(
        seek, Qt.MouseButton.LeftButton, pos=QPoint(seek.width() * 3 // 4, seek.height() // 2)
    )
    assert wanted and wanted[-1] == pytest.approx(150_000, rel=0.05)  # not one page step
    assert window.findChild(QLabel, "elapsed").text() in ("2:29", "2:30", "2:31")
    seek.setSliderDown(True)
    seek.setSliderPosition(61_000)
    assert window.findChild(QLabel, "elapsed").text() == "1:01"
    window.transport.set_position(5_000, 200_000)  # the poll does not yank the handle back
    assert seek.sliderPosition() == 61_000
    seek.setSliderDown(False)
    assert wanted[-1] == 61_000


@pytest.mark.vlc
def test_play_states_agree_from_empty_library_to_the_end_of_the_queue(
    qtbot, open_window, out_wav, tmp_path
):
    window = open_window()
    for name in ("play", "previous", "next"):
        button = getattr(window.transport, name)
        assert not button.isEnabled() and "press a mood" in button.toolTip()
    assert not window.play_action.isEnabled()
    _library(qtbot, window, tmp_path, [("Fine", "Taeyeon")], 0.5)
    assert not window.transport.play.isEnabled()  # a library, but nothing queued yet
    window.play_mood("heartbreak")
    assert window.transport.play.isEnabled() and window.play_action.isEnabled()
    assert "Press a mood" not in window.status_text.text()
    qtbot.waitUntil(lambda: window.player.state.status == "stopped", timeout=10000)
    model = window.listen.queue_model
    assert model.index(0, 0).data() == "■"  # stopped, like the ▶ on the button says
    assert window.transport.play.accessibleDescription() == "paused or stopped"


@pytest.mark.vlc
def test_ctrl_right_leaves_one_row_highlighted(qtbot, open_window, out_wav, tmp_path):
    window = open_window()
    _library(qtbot, window, tmp_path)
    _load(window, ["taeyeon-fine", "blackpink-stay", "jonghyun-lonely"])
    view = window.findChild(QTableView, "queue")
    window.activateWindow()
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert window.player.state.index == 1
    assert [i.row() for i in view.selectionModel().selectedRows()] == [1]


def test_a_song_without_album_leaves_no_empty_line(qtbot, open_window, null_backend, tmp_path):
    window = open_window(null_backend)
    _library(qtbot, window, tmp_path)
    album = window.findChild(QLabel, "album")
    bare = [  # songs the catalog gives no album, drama or year
        t.entry_id for t in window.tracks
        if (e := window.catalog.entry(t.entry_id or "")) and not (e.album or e.drama or e.year)
    ]  # fmt: skip
    assert bare, "the test library needs a song with no album, drama or year"
    _load(window, bare[:1])
    assert not album.isVisibleTo(window)
    window.player.load(window.player.queue[:0])
    _load(window, ["taeyeon-fine"])
    assert album.isVisibleTo(window) and album.toolTip()


def test_scan_summary_gives_the_library_total_with_plurals(
    qtbot, open_window, null_backend, tmp_path
):
    window = open_window(null_backend)
    _library(qtbot, window, tmp_path, [("Fine", "Taeyeon")])
    text = window.status_text.text()
    assert "1 file in your library, 1 catalog song of 40 found (this scan: 1 new file)" in text
    make_clip(tmp_path / "more" / "a.wav", 0.5, "Stay", "BLACKPINK")
    window.add_paths([str(tmp_path / "more")])
    wait_scanned(qtbot, window)
    assert "2 files in your library, 2 catalog songs of 40" in window.status_text.text()


def test_queue_columns_fit_without_a_scrollbar_and_elide_with_tooltips(
    qtbot, open_window, null_backend, tmp_path
):
    window = open_window(null_backend)
    window.resize(1000, 680)
    _library(qtbot, window, tmp_path)
    _load(window, [t.entry_id for t in window.tracks if t.entry_id])
    QApplication.processEvents()
    view = window.findChild(QTableView, "queue")
    header = view.horizontalHeader()
    total = sum(header.sectionSize(c) for c in range(header.count()))
    assert total <= view.viewport().width() and not view.horizontalScrollBar().isVisible()
    assert view.textElideMode() == Qt.TextElideMode.ElideRight
    for col in (1, 2, 4):
        assert "Moods:" in view.model().index(0, col).data(Qt.ItemDataRole.ToolTipRole)


def test_the_arc_queue_says_it_adds_a_song_to_lift_you_up(qtbot, open_window, tmp_path):
    from tests.conftest import PlayingNull

    window = open_window(PlayingNull())
    _library(qtbot, window, tmp_path, [("Fine", "Taeyeon"), ("Starlight", "Chani")])
    window.order = "arc"
    window.session.play_mood("heartbreak")  # queued, without sound
    assert [i.entry.id for i in window.player.queue] == ["taeyeon-fine", "chani-starlight"]
    assert window.status_text.text() == "Playing 1 heartbreak song …and one song to lift you up."


def test_settings_are_written_when_they_change(qtbot, open_window, null_backend):
    window = open_window(null_backend)
    window.findChild(QSlider, "volume").setValue(33)
    window.order_actions["arc"].trigger()
    qtbot.waitUntil(lambda: settings().value("player/volume") in (33, "33"), timeout=3000)
    assert settings().value("player/order") == "arc"
    assert window.isVisible()  # written without quitting


def test_style_forces_the_dark_or_light_palette(qtbot, open_window, null_backend):
    from PySide6.QtGui import QPalette

    window = open_window(null_backend)
    app = QApplication.instance()
    window.style_actions["dark"].trigger()
    assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
    assert settings().value("ui/style") == "dark"
    window.apply_style("light")
    assert app.palette().color(QPalette.ColorRole.Window).lightness() > 180
    window.apply_style("system")


def test_the_style_option_forces_the_palette_from_the_command_line(qtbot):
    import subprocess
    import sys

    from PySide6.QtGui import QPalette

    from ksad_player.ui.app import make_app

    app = make_app(style="dark")  # what `ksad-player --style dark` runs
    assert app.palette().color(QPalette.ColorRole.Window).lightness() < 80
    app = make_app(style="light")
    assert app.palette().color(QPalette.ColorRole.Base).lightness() > 200
    make_app(style="system")
    bad = subprocess.run(
        [sys.executable, "-m", "ksad_player", "--style", "purple"],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert bad.returncode == 2 and "invalid choice: 'purple'" in bad.stderr
    helped = subprocess.run(
        [sys.executable, "-m", "ksad_player", "--help"], capture_output=True, text=True, timeout=30
    )
    assert "--style light|dark" in helped.stdout


def test_the_window_paints_before_it_reads_the_library(qtbot, null_backend, make_track, tmp_path):
    """The speed itself is measured in bench/window.py; here, the order of the work."""
    from PySide6.QtCore import QEvent, QObject

    from ksad_player.core.session import ScanRequest, Session
    from ksad_player.ui.main_window import MainWindow

    make_track("mp3", "k/stay.mp3", title="Stay", artists=["BLACKPINK"])
    first = Session(backend=null_backend)
    first.scan_now(ScanRequest((str(tmp_path / "lib" / "k"),)))
    first.close()
    session = Session(backend=null_backend)
    window = MainWindow(session)
    qtbot.addWidget(window)
    at_paint = []

    class Spy(QObject):
        def eventFilter(self, obj, event):
            if obj is window and event.type() == QEvent.Type.Paint and not at_paint:
                at_paint.append((window.filled, session.index_open, window.listen.currentIndex()))
            return False

    spy = Spy()
    window.installEventFilter(spy)
    window.show()
    qtbot.waitUntil(lambda: window.filled, timeout=5000)
    # Painted with the index still closed, already on the queue page a returning listener
    # will see (not the first-run page for a moment).
    assert at_paint and at_paint[0] == (False, False, 1)
    assert mood(window, "heartbreak").text().endswith("1")  # and filled right after
    window.close()


def test_a_folder_can_be_removed_from_the_library_menu(qtbot, open_window, null_backend, tmp_path):
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QInputDialog

    window = open_window(null_backend)
    _library(qtbot, window, tmp_path, songs=DEMO_LIKE[:3])
    make_clip(tmp_path / "keep" / "x.wav", 0.5, "Wasted", "Younha")
    window.add_paths([str(tmp_path / "keep")])
    wait_scanned(qtbot, window)
    entry = next(
        a for a in window.menuBar().actions()[0].menu().actions()
        if a.text() == "Remove folder from library…"
    )  # fmt: skip
    offered: list[list[str]] = []

    def choose() -> None:  # the real dialog, answered as a user would
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        offered.append(dialog.comboBoxItems())
        dialog.setTextValue(next(i for i in dialog.comboBoxItems() if i.endswith("lib")))
        dialog.accept()

    QTimer.singleShot(0, choose)
    entry.trigger()
    assert len(offered[0]) == 2
    assert window.session.index.folders() == [str(tmp_path / "keep")]
    assert (
        "Removed" in window.status_text.text()
        and "nothing was deleted" in window.status_text.text()
    )
    qtbot.waitUntil(lambda: mood(window, "loneliness").text().endswith("0"), timeout=3000)
    assert (tmp_path / "lib" / "00.wav").is_file()
