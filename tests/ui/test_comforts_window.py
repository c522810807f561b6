"""Listening comforts as a listener meets them in the window: resume, gentle listening,
the sleep timer, playlists in and out, the Playback and Help menus."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent
from PySide6.QtWidgets import QApplication, QLabel, QPushButton

from ksad_player.ui.settings import settings

from .conftest import make_clip, wav_seconds
from .test_window import drop, mood, wait_scanned


def _library(qtbot, window, tmp_path, songs, seconds=1.0):
    for n, (title, artist) in enumerate(songs):
        make_clip(tmp_path / "lib" / f"{n}.wav", seconds, title, artist, seed=n + 1)
    window.add_paths([str(tmp_path / "lib")])
    wait_scanned(qtbot, window)


def menu_texts(window, title):
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == title)
    return menu, [a.text() for a in menu.actions()]


@pytest.mark.vlc
def test_the_last_queue_comes_back_paused_and_space_continues_where_it_was(
    qtbot, open_window, out_wav, tmp_path
):
    window = open_window()
    _library(qtbot, window, tmp_path, [("Fine", "Taeyeon"), ("Stay", "BLACKPINK")], 4.0)
    window.play_mood("heartbreak")
    window.player.next()  # the last song of the queue: its end is the end of the output
    queue = [i.path for i in window.player.queue]
    qtbot.waitUntil(lambda: window.backend.position_ms() > 0, timeout=5000)
    window.backend.seek(2500)
    qtbot.waitUntil(lambda: window.backend.position_ms() >= 2500, timeout=3000)
    window.toggle()  # pause
    assert window.player.state.status == "paused"
    window.close()

    again = open_window()
    assert [i.path for i in again.player.queue] == queue
    assert again.player.state.index == 1 and again.player.state.status == "stopped"
    model = again.listen.queue_model
    assert model.index(1, 0).data() == "❚❚"  # waiting, paused, where it was left
    assert model.index(0, 0).data() == ""
    assert again.transport.play.isEnabled()
    assert 2400 <= again.transport.seek.value() <= 2900
    assert again.findChild(QLabel, "elapsed").text() in ("0:02", "0:03")
    assert "Space continues" in again.status_text.text()
    qtbot.keyClick(again, Qt.Key.Key_Space)
    assert again.player.state.status == "playing" and model.index(1, 0).data() == "▶"
    qtbot.waitUntil(lambda: again.player.state.status == "stopped", timeout=10000)
    qtbot.wait(400)  # libVLC finishes the WAV when it closes the output
    # Only what was left was heard: 4 s minus the 2.5 s already played.
    assert wav_seconds(out_wav) == pytest.approx(1.5, abs=0.35)


def test_gentle_listening_marks_noted_songs_and_leaves_them_out_of_moods(
    qtbot, open_window, null_backend, tmp_path
):
    from PySide6.QtWidgets import QTreeView

    window = open_window(null_backend)
    songs = [("Let Me Out", "Jonghyun"), ("Lonely", "Jonghyun"), ("Everyone Has", "Chungha")]
    _library(qtbot, window, tmp_path, songs)
    assert mood(window, "loneliness").text().endswith("3")
    _pb, texts = menu_texts(window, "&Playback")
    gentle = window.gentle_action
    assert gentle.text() in texts and not gentle.isChecked()
    gentle.trigger()
    assert window.session.gentle and mood(window, "loneliness").text().endswith("2")
    ids = {i.entry.id for i in window.session.queue_for("loneliness")}
    assert ids == {"jonghyun-lonely", "chungha-everyone-has"}
    tree = window.findChild(QTreeView, "library-entries")
    window.search.setText("Let Me Out")
    head = tree.model().index(0, 0)
    status = tree.model().index(0, 2, head).data()
    assert status == "in your library · content note, left out of moods"
    qtbot.waitUntil(lambda: settings().value("player/gentle") == "true", timeout=3000)


def test_a_content_note_shows_before_its_song_plays(qtbot, open_window, null_backend, tmp_path):
    from ksad_player.core.play.queue import item_for

    window = open_window(null_backend)
    songs = [("Lonely", "Jonghyun"), ("Let Me Out", "Jonghyun")]
    _library(qtbot, window, tmp_path, songs)
    by_id = {t.entry_id: t for t in window.tracks}
    items = [
        item_for(window.catalog.entry(e), by_id[e].tags)
        for e in ("jonghyun-lonely", "jonghyun-let-me-out")
    ]
    window.player.load(items)  # the NullBackend "plays" the first
    note = window.findChild(QLabel, "next-content-note")
    assert note.isVisibleTo(window)
    assert window.catalog.entry("jonghyun-let-me-out").content_note in note.text()
    model = window.listen.queue_model
    assert model.index(1, 1).data().startswith("⚠ ")
    assert "Content note:" in model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert not model.index(0, 1).data().startswith("⚠")
    window.player.next()
    assert not note.isVisibleTo(window)
    assert window.findChild(QLabel, "content-note").isVisibleTo(window)


@pytest.mark.vlc
@pytest.mark.parametrize("repeat", ["off", "one"])
def test_sleep_after_this_song_stops_there_and_the_status_bar_says_so(
    qtbot, open_window, out_wav, tmp_path, repeat
):
    window = open_window()
    _library(qtbot, window, tmp_path, [("Fine", "Taeyeon"), ("Stay", "BLACKPINK")], 1.5)
    window.play_mood("heartbreak")
    window.player.set_repeat(repeat)  # repeat-one: the same song must not start again
    _pb, texts = menu_texts(window, "&Playback")
    assert "Sleep timer" in texts
    names = [a.text() for a in window.sleep_menu.actions()]
    assert names == ["Off", "After this song", *(f"In {m} minutes" for m in (15, 30, 45, 60))]
    window.sleep_actions["track"].trigger()
    label = window.findChild(QLabel, "sleep-left")
    qtbot.waitUntil(lambda: label.text().startswith("Sleep after this song"), timeout=2000)
    qtbot.waitUntil(lambda: window.player.state.status == "stopped", timeout=10000)
    assert window.player.state.index in (0, 1) and not window.session.sleep.active
    assert window.sleep_actions["off"].isChecked() and not label.isVisible()
    assert window.backend.volume == window.transport.volume.value()  # volume back for next time
    qtbot.wait(300)
    assert wav_seconds(out_wav) < 2.2  # one song of 1.5 s, not both


def test_sleep_in_minutes_counts_down_in_the_status_bar(qtbot, open_window, null_backend):
    window = open_window(null_backend)
    window.sleep_actions["30"].trigger()
    label = window.findChild(QLabel, "sleep-left")
    qtbot.waitUntil(
        lambda: label.isVisible() and label.text().startswith("Sleep in 29:"), timeout=2000
    )
    window.set_sleep("off")
    assert not label.isVisible() and window.sleep_actions["off"].isChecked()


def test_dropping_a_playlist_queues_its_songs_and_reports_the_missing(
    qtbot, open_window, out_wav, tmp_path
):
    window = open_window()
    _library(qtbot, window, tmp_path, [("Fine", "Taeyeon"), ("Stay", "BLACKPINK")], 3.0)
    outside = make_clip(tmp_path / "elsewhere" / "rain.wav", 1.0, "Rain", "Baekhyun & Soyou")
    plain = make_clip(tmp_path / "elsewhere" / "hum.wav", 1.0, "Humming", "Nobody")
    lists = tmp_path / "lists"
    lists.mkdir()
    pl = lists / "evening.m3u8"
    pl.write_text(
        f"#EXTM3U\n../lib/1.wav\n../lib/gone.wav\n{outside}\n{plain}\n../lib/0.wav\n",
        encoding="utf-8",
    )
    drop(window, pl)
    ids = [i.entry.id for i in window.player.queue]
    assert ids == ["blackpink-stay", "baekhyun-soyou-rain", "taeyeon-fine"]
    assert window.player.state.status == "playing"
    text = window.status_text.text()
    assert "evening.m3u8: 3 songs queued" in text
    assert "1 missing (gone.wav)" in text and "1 not catalog songs" in text
    # and out again, from the Playback menu's export
    out = tmp_path / "again.m3u8"
    window.export_m3u8(window.player.queue, str(out))
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "#EXTM3U" and lines[1].startswith("#EXTINF:3,BLACKPINK - Stay")
    assert lines[2] == str(tmp_path / "lib" / "1.wav")
    assert "Wrote 3 songs to again.m3u8" in window.status_text.text()
    _pb, texts = menu_texts(window, "&Playback")
    assert "Export the queue as M3U8…" in texts and "Export a whole mood as M3U8" in texts


def test_the_playback_menu_mirrors_the_transport_with_shortcuts(qtbot, open_window, null_backend):
    window = open_window(null_backend)
    pb, texts = menu_texts(window, "&Playback")
    keys = {a.text(): a.shortcut().toString() for a in pb.actions()}
    assert keys["Play / Pause"] == "Space"
    assert keys["Next"] == "Ctrl+Right" and keys["Previous"] == "Ctrl+Left"
    for sub in ("Order", "Repeat", "Sleep timer", "Even loudness (ReplayGain)"):
        assert sub in texts
    window.order_actions["arc"].trigger()
    assert window.moods.order.currentData() == "arc" and window.session.order == "arc"
    window.moods.set_order("shuffle")
    assert window.order_actions["shuffle"].isChecked()
    window.repeat_actions["one"].trigger()
    assert window.player.state.repeat == "one" and window.transport.repeat.text() == "Repeat: one"
    qtbot.keyClick(window, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert window.player.state.repeat == "off" and window.repeat_actions["off"].isChecked()
    assert window.gain_actions["track"].isChecked()  # ReplayGain per track by default
    window.gain_actions["album"].trigger()
    assert settings().value("player/replaygain") == "album"


def test_help_lists_the_shortcuts_and_about_names_version_sources_licence_libvlc(
    qtbot, open_window, null_backend
):
    from ksad_player import __version__
    from ksad_player.playback.vlc_backend import libvlc_version

    window = open_window(null_backend)
    _help, texts = menu_texts(window, "&Help")
    assert texts == ["Keyboard shortcuts", "About ksad-player"]
    window.show_shortcuts()
    shortcuts = window.help_box.text()
    for key, what in (("Space", "Play / Pause"), ("Ctrl+F", "Search"), ("Ctrl+E", "Export")):
        assert any(key in line and what in line for line in shortcuts.splitlines()), key
    window.help_box.close()
    window.show_about()
    about = window.help_box.text()
    assert f"ksad-player {__version__}" in about and "MIT" in about
    for title in (
        "30 Sad K-Pop Songs",
        "5 Emotional Korean Music Videos That Will Break Your Heart",
        "K-Drama OST: My Go-to Songs When I Feel Like Crying",
    ):
        assert title in about
    version = libvlc_version()
    assert (version or "not available") in about
    window.help_box.close()


def test_a_drag_over_the_window_lights_it_up(qtbot, open_window, null_backend, tmp_path):
    window = open_window(null_backend)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path))])
    enter = QDragEnterEvent(
        QPointF(100, 100).toPoint(), Qt.DropAction.CopyAction, mime,
        Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
    )  # fmt: skip
    QApplication.sendEvent(window, enter)
    hint = window.findChild(QLabel, "drop-hint")
    assert hint.isVisible() and hint.width() > window.width() // 2
    QApplication.sendEvent(window, QDragLeaveEvent())
    assert not hint.isVisible()


def test_the_add_folder_dialog_starts_in_music_or_the_last_folder(
    qtbot, open_window, null_backend, tmp_path, monkeypatch
):
    home = tmp_path / "home"
    (home / "Music").mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    window = open_window(null_backend)
    assert window.folder_dialog_start() == str(home / "Music")
    (tmp_path / "last").mkdir()
    window.settings.setValue("library/last-folder", str(tmp_path / "last"))
    assert window.folder_dialog_start() == str(tmp_path / "last")
    assert not window.findChild(QPushButton, "add-music").text().startswith("Add /")


@pytest.mark.vlc
def test_switching_replaygain_while_playing_goes_on_from_the_same_point(
    qtbot, open_window, out_wav, tmp_path
):
    window = open_window()
    _library(qtbot, window, tmp_path, [("Fine", "Taeyeon")], 3.0)
    window.play_mood("heartbreak")
    qtbot.waitUntil(lambda: window.backend.position_ms() >= 1000, timeout=5000)
    window.gain_actions["album"].trigger()
    assert window.backend.replay_gain == "album"
    assert "Even loudness (ReplayGain): per album." in window.status_text.text()
    qtbot.waitUntil(lambda: window.backend.position_ms() >= 1000, timeout=5000)
    assert window.player.state.status == "playing"
    qtbot.waitUntil(lambda: window.player.state.status == "stopped", timeout=10000)
    assert "The queue has ended" in window.status_text.text()
    qtbot.wait(300)
    assert wav_seconds(out_wav) < 2.6  # the rest of the song, not the song again


@pytest.mark.vlc
def test_a_playlist_named_at_start_wins_over_the_saved_queue(qtbot, out_wav, tmp_path):
    import json

    from ksad_player.core.session import ScanRequest, Session
    from ksad_player.playback.vlc_backend import make_backend
    from ksad_player.ui.main_window import MainWindow

    fine = make_clip(tmp_path / "lib" / "fine.wav", 2.0, "Fine", "Taeyeon", seed=1)
    stay = make_clip(tmp_path / "lib" / "stay.wav", 2.0, "Stay", "BLACKPINK", seed=2)
    first = Session()
    first.scan_now(ScanRequest((str(tmp_path / "lib"),)))
    first.close()
    saved = {"paths": [str(fine)], "index": 0, "position_ms": 500, "mood": "heartbreak"}
    settings().setValue("player/resume", json.dumps(saved))
    settings().sync()
    pl = tmp_path / "tonight.m3u"
    pl.write_text("lib/stay.wav\n", encoding="latin-1")
    window = MainWindow(Session(backend=make_backend()))
    qtbot.addWidget(window)
    window.show()
    window.add_paths([str(pl)])  # what `ksad-player tonight.m3u` does right after show
    qtbot.waitUntil(lambda: window.filled, timeout=5000)
    assert [i.path for i in window.player.queue] == [str(stay)]
    assert "tonight.m3u: 1 song queued" in window.status_text.text()
    window.close()
    window.backend.close()
