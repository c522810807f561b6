"""The window as a user meets it: drop music, press a mood, hear it, read why it hurts."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QSlider, QTableView, QToolButton

from .conftest import make_clip, wav_seconds


def drop(window, *paths: Path) -> None:
    """What a file manager's drag does: enter, move, drop — real events with file URLs."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    pos = QPointF(200, 200)
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter = QDragEnterEvent(pos.toPoint(), *args)  # the only constructors PySide6 offers
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    QApplication.sendEvent(window, QDragMoveEvent(pos.toPoint(), *args))
    QApplication.sendEvent(window, QDropEvent(pos, *args))


def wait_scanned(qtbot, window) -> None:
    qtbot.waitUntil(
        lambda: not window.scanning and "Library up to date" in window.status_text.text(),
        timeout=20000,
    )


def mood(window, mood_id: str) -> QPushButton:
    return window.findChild(QPushButton, f"mood-{mood_id}")


def test_dropping_a_folder_scans_it_and_fills_the_mood_counts(
    qtbot, open_window, make_track, tmp_path
):
    make_track("mp3", "k/stay.mp3", title="Stay", artists=["BLACKPINK"])
    make_track("flac", "k/fine.flac", title="Fine", artists=["태연"])
    make_track("ogg", "k/decoy.ogg", title="Rain", artists=["Taeyeon"])
    window = open_window()
    assert not mood(window, "heartbreak").isEnabled()
    assert "No heartbreak songs" in mood(window, "heartbreak").toolTip()
    drop(window, tmp_path / "lib" / "k")
    wait_scanned(qtbot, window)
    assert (
        mood(window, "heartbreak").text().endswith("2") and mood(window, "heartbreak").isEnabled()
    )
    assert mood(window, "loneliness").text().endswith("1")
    assert not mood(window, "regret").isEnabled()
    assert window.index.folders() == [str(tmp_path / "lib" / "k")]


def test_a_drop_with_nothing_playable_says_so(qtbot, open_window, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    window = open_window()
    drop(window, tmp_path / "notes.txt")
    assert "Nothing playable" in window.status_text.text() and not window.scanning


def test_a_drop_during_a_scan_queues_behind_it(qtbot, open_window, make_track, tmp_path):
    make_track("mp3", "one/stay.mp3", title="Stay", artists=["BLACKPINK"])
    make_track("mp3", "two/fine.mp3", title="Fine", artists=["Taeyeon"])
    window = open_window()
    drop(window, tmp_path / "lib" / "one")
    drop(window, tmp_path / "lib" / "two")
    assert [r.folders for r in window.session.pending] == [(str(tmp_path / "lib" / "two"),)]
    qtbot.waitUntil(
        lambda: (
            not window.scanning
            and not window.session.pending
            and mood(window, "heartbreak").text().endswith("2")
        ),
        timeout=20000,
    )
    assert sorted(window.index.folders()) == [
        str(tmp_path / "lib" / "one"),
        str(tmp_path / "lib" / "two"),
    ]


@pytest.mark.vlc
def test_pressing_a_mood_plays_the_first_song_into_the_wav_and_shows_its_blurb(
    qtbot, open_window, out_wav, tmp_path, catalog
):
    make_clip(tmp_path / "lib" / "fine.wav", 1.2, "Fine", "Taeyeon")
    window = open_window()
    window.add_paths([str(tmp_path / "lib")])
    wait_scanned(qtbot, window)
    qtbot.mouseClick(mood(window, "heartbreak"), Qt.MouseButton.LeftButton)
    assert window.player.current.entry.id == "taeyeon-fine"
    blurb = window.findChild(QLabel, "blurb")
    assert blurb.text() == catalog.entry("taeyeon-fine").blurb
    qtbot.waitUntil(lambda: window.player.state.status == "stopped", timeout=15000)
    qtbot.waitUntil(lambda: out_wav.exists() and out_wav.stat().st_size > 1000, timeout=5000)
    qtbot.wait(300)  # libVLC finalises the WAV header when it closes the output
    assert wav_seconds(out_wav) == pytest.approx(1.2, abs=0.25)


@pytest.mark.vlc
def test_the_next_track_follows_at_the_end_of_the_first(qtbot, open_window, out_wav, tmp_path):
    make_clip(tmp_path / "lib" / "a.wav", 1.0, "Fine", "Taeyeon", seed=1)
    make_clip(tmp_path / "lib" / "b.wav", 2.0, "Stay", "BLACKPINK", seed=2)
    window = open_window()
    window.add_paths([str(tmp_path / "lib")])
    wait_scanned(qtbot, window)
    played = []
    window.player.listeners.append(
        lambda what, p: what == "track" and played.append(p.current.entry.id)
    )
    qtbot.mouseClick(mood(window, "heartbreak"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(played) == 2, timeout=15000)
    first, second = played
    assert {first, second} == {"taeyeon-fine", "blackpink-stay"}
    qtbot.waitUntil(lambda: window.player.state.status == "stopped", timeout=15000)
    qtbot.wait(300)
    expected = 1.0 if second == "taeyeon-fine" else 2.0
    assert wav_seconds(out_wav) == pytest.approx(expected, abs=0.25)
    assert "ended" in window.status_text.text()


@pytest.mark.vlc
def test_transport_next_previous_seek_volume_and_double_click(
    qtbot, open_window, out_wav, tmp_path
):
    for n, (title, artist) in enumerate(
        [("Fine", "Taeyeon"), ("Stay", "BLACKPINK"), ("Rain", "Soyou")]
    ):
        make_clip(tmp_path / "lib" / f"{n}.wav", 6.0, title, artist, seed=n)
    window = open_window()
    window.add_paths([str(tmp_path / "lib")])
    wait_scanned(qtbot, window)
    qtbot.mouseClick(mood(window, "heartbreak"), Qt.MouseButton.LeftButton)
    queue = [i.entry.id for i in window.player.queue]
    assert len(queue) == 3
    nxt = window.findChild(QToolButton, "next")
    prev = window.findChild(QToolButton, "previous")
    qtbot.mouseClick(nxt, Qt.MouseButton.LeftButton)
    assert window.player.current.entry.id == queue[1]
    qtbot.mouseClick(prev, Qt.MouseButton.LeftButton)
    assert window.player.current.entry.id == queue[0]
    # Seek: the position jumps, as the seek bar shows within a tick of the timer.
    qtbot.waitUntil(lambda: window.backend.position_ms() > 0, timeout=5000)
    window.transport.seek_requested.emit(4000)
    qtbot.waitUntil(lambda: window.transport.seek.value() >= 3800, timeout=3000)
    assert window.findChild(QLabel, "elapsed").text() in ("0:04", "0:05")
    # Volume reaches the backend (the WAV output has no volume of its own to read back).
    window.findChild(QSlider, "volume").setValue(35)
    assert window.backend.volume == 35
    # Space pauses and resumes.
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.player.state.status == "paused"
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.player.state.status == "playing"
    # Double-click a row plays it.
    view = window.findChild(QTableView, "queue")
    rect = view.visualRect(view.model().index(2, 1))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.player.current.entry.id == queue[2]
    assert view.model().index(2, 0).data() == "▶"
    # Delete removes a row from the queue.
    view.selectRow(0)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert [i.entry.id for i in window.player.queue] == [queue[1], queue[2]]
    # Ctrl+Left goes back, Ctrl+Right forward.
    qtbot.keyClick(window, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert window.player.current.entry.id in (queue[1], queue[2])


@pytest.mark.vlc
def test_a_file_vlc_cannot_play_is_marked_skipped_and_reported(
    qtbot, open_window, out_wav, tmp_path
):
    bad = make_clip(tmp_path / "lib" / "bad.wav", 1.0, "Fine", "Taeyeon", seed=3)
    make_clip(tmp_path / "lib" / "good.wav", 3.0, "Stay", "BLACKPINK", seed=4)
    window = open_window()
    window.add_paths([str(tmp_path / "lib")])
    wait_scanned(qtbot, window)
    # The tags were read; now the audio itself is destroyed (a half-copied file).
    data = bad.read_bytes()
    start = data.index(b"data") + 8
    bad.write_bytes(data[:start] + b"\x00" * 0)
    window.order = "arc"
    qtbot.mouseClick(mood(window, "heartbreak"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: str(bad) in window.player.state.unplayable, timeout=10000)
    assert window.player.current.entry.id == "blackpink-stay"
    assert "Could not play Fine" in window.status_text.text()
    assert window.queue_view.model().index(0, 0).data() == "✕"
    qtbot.waitUntil(lambda: window.player.state.status == "stopped", timeout=10000)
    assert "1 file could not be played" in window.status_text.text()


def test_without_libvlc_the_app_browses_with_a_banner_and_disabled_play(
    qtbot, open_window, null_backend, make_track, tmp_path
):
    make_track("mp3", "k/stay.mp3", title="Stay", artists=["BLACKPINK"])
    window = open_window(null_backend)
    banner = window.findChild(QLabel, "banner")
    assert banner.isVisible() and "apt-get install libvlc5" in banner.text()
    play = window.findChild(QToolButton, "play")
    assert not play.isEnabled() and "libVLC" in play.toolTip()
    window.add_paths([str(tmp_path / "lib" / "k")])
    wait_scanned(qtbot, window)
    button = mood(window, "heartbreak")
    assert button.text().endswith("1") and not button.isEnabled() and "libVLC" in button.toolTip()


def test_no_libvlc_at_all_falls_back_to_the_null_backend(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "vlc", None)  # as if python-vlc found no libVLC
    from ksad_player.playback.vlc_backend import make_backend

    backend = make_backend()
    assert not backend.available and "apt-get install libvlc5" in backend.reason


def test_hostile_tags_show_as_plain_text(qtbot, open_window, null_backend, make_track, tmp_path):
    make_track("mp3", "x/evil.mp3", title="<img src=x><b>bold</b>", artists=["<i>Someone</i>"])
    window = open_window(null_backend)
    window.add_paths([str(tmp_path / "lib" / "x")])
    wait_scanned(qtbot, window)
    model = window.unmatched_view.model()
    text = model.index(0, 0).data()
    assert text == "<img src=x><b>bold</b> — <i>Someone</i>"
    assert "&lt;img src=x&gt;" in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    for label in window.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.objectName()


def test_empty_state_offers_the_demo_and_it_fills_every_mood(qtbot, open_window, null_backend):
    window = open_window(null_backend)
    assert window.listen.currentWidget().objectName() == "empty-state"
    demo = window.findChild(QPushButton, "demo")
    qtbot.mouseClick(demo, Qt.MouseButton.LeftButton)
    wait_scanned(qtbot, window)
    for m in window.catalog.moods:
        assert not mood(window, m.id).text().endswith(" 0"), m.id
    from ksad_player.core.demo import SONGS

    n = len(SONGS)
    assert f"{n} files in your library, {n} catalog songs of 40 found" in window.status_text.text()
    # The demo lives in the data dir (cache cleaners would take it from the cache dir).
    import os

    assert window.index.folders()[0].startswith(os.environ["XDG_DATA_HOME"])


def test_the_embedded_cover_is_shown_scaled(qtbot, open_window, null_backend, tmp_path):
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    from ksad_player.core.play.queue import build_queue
    from ksad_player.core.tags.writer import TagSpec, write_tags

    image = QImage(1200, 800, QImage.Format.Format_RGB32)
    image.fill(QColor("#c2415d"))
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buf, "PNG")
    clip = make_clip(tmp_path / "lib" / "fine.wav", 1.0, "Fine", "Taeyeon")
    write_tags(clip, TagSpec("Fine", ("Taeyeon",), cover=bytes(data)))
    window = open_window(null_backend)
    window.add_paths([str(tmp_path / "lib")])
    wait_scanned(qtbot, window)
    window.player.load(build_queue(window.catalog, "heartbreak", window.index.matched()))
    cover = window.findChild(QLabel, "cover")
    qtbot.waitUntil(
        lambda: cover.pixmap().toImage().pixelColor(110, 110) == QColor("#c2415d"), timeout=5000
    )
    assert cover.pixmap().width() <= 220 and cover.pixmap().height() <= 220


def test_first_launch_offers_the_music_folder(
    qtbot, open_window, null_backend, tmp_path, monkeypatch, make_track
):
    home = tmp_path / "home"
    make_track("mp3", "Music/stay.mp3", title="Stay", artists=["BLACKPINK"], root=home)
    monkeypatch.setenv("HOME", str(home))
    window = open_window(null_backend)
    button = window.findChild(QPushButton, "add-music")
    assert button.isVisibleTo(window) and button.text() == "Add ~/Music"
    assert button.toolTip() == str(home / "Music")
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    wait_scanned(qtbot, window)
    assert window.index.folders() == [str(home / "Music")]
    assert mood(window, "heartbreak").text().endswith("1")


def test_hangul_has_a_font_and_the_window_an_icon(qtbot, open_window, null_backend):
    from PySide6.QtGui import QFontDatabase, QFontMetrics
    from PySide6.QtWidgets import QApplication

    from ksad_player.ui.app import HANGUL_FONTS, style_app

    app = QApplication.instance()
    style_app(app)
    installed = [f for f in HANGUL_FONTS if f in QFontDatabase.families()]
    assert installed, "no Hangul font installed (./dev installs fonts-noto-cjk)"
    assert installed[0] in app.font().families()
    assert QFontMetrics(app.font()).inFont("태")
    window = open_window(null_backend)
    assert not window.windowIcon().isNull()


def test_files_a_scan_could_not_read_are_named_in_the_status_bar(
    qtbot, open_window, make_track, null_backend, tmp_path
):
    make_track("mp3", "k/stay.mp3", title="Stay", artists=["BLACKPINK"])
    (tmp_path / "lib" / "k" / "empty.mp3").write_bytes(b"")
    (tmp_path / "lib" / "k" / "notes.flac").write_text("not audio at all")
    window = open_window(null_backend)
    drop(window, tmp_path / "lib" / "k")
    wait_scanned(qtbot, window)
    status = window.status_text
    assert "2 files could not be read" in status.text()
    tip = status.toolTip()
    assert "empty.mp3" in tip and "notes.flac" in tip
