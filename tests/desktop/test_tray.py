"""The tray menu drives the session; closing the window with a tray keeps the music on;
Help → "Add to applications menu" and the one-time offer on the empty window."""

from __future__ import annotations

from itertools import count
from pathlib import Path

import pytest
from PySide6.QtDBus import QDBusConnection
from PySide6.QtWidgets import QApplication, QMenu, QPushButton, QWidget

from ksad_player.core.play.player import PlaybackStatus
from ksad_player.core.session import ScanRequest, Session
from ksad_player.desktop import appid, install
from ksad_player.desktop.integrate import INSTALL_TEXT, attach, find_menu
from tests.conftest import PlayingNull
from tests.desktop.conftest import Desk

_names = count()


@pytest.fixture
def open_desktop(qtbot, desk: Desk, tmp_path: Path):
    made = []

    def open_(*, tray: bool = True, library: bool = True):
        from ksad_player.ui.main_window import MainWindow

        session = Session(backend=PlayingNull())
        if library:
            session.scan_now(ScanRequest((str(desk.music),)))
        window = MainWindow(session)
        qtbot.addWidget(window)
        window.show()
        no_bus = QDBusConnection.connectToBus(
            f"unix:path={tmp_path}/no-bus", f"none-{next(_names)}"
        )
        d = attach(
            QApplication.instance(), window, session, bus=no_bus, tray_available=tray,
            instance_name=str(tmp_path / f"sock-{len(made)}"),
        )  # fmt: skip
        made.append(d)
        return d

    yield open_
    for d in made:
        d.close()
        d.window.close()


def _action(menu: QMenu, text: str):
    return next(a for a in menu.actions() if a.text() == text)


def test_tray_menu_plays_a_mood_pauses_skips_and_hides(open_desktop):
    d = open_desktop()
    session, tray = d.session, d.tray
    assert tray.present
    assert [a.text() for a in tray.moods_menu.actions()] == [m.label for m in session.catalog.moods]
    heartbreak = next(a for a in tray.moods_menu.actions() if a.text() == "Heartbreak")
    heartbreak.trigger()
    assert session.current_mood == "heartbreak"
    assert {i.title for i in session.player.queue} == {"Fine", "Stay"}
    assert session.player.state.status is PlaybackStatus.PLAYING
    assert heartbreak.isChecked()
    assert tray.play_action.text() == "Pause"

    tray.play_action.trigger()
    assert session.player.state.status is PlaybackStatus.PAUSED
    assert tray.play_action.text() == "Play"
    tray.play_action.trigger()
    first = session.player.current.title
    tray.next_action.trigger()
    assert session.player.current.title != first
    assert tray.icon.toolTip().startswith(session.player.current.title)

    assert tray.show_action.text() == "Hide window"
    tray.show_action.trigger()
    assert not d.window.isVisible()
    assert tray.show_action.text() == "Show window"
    tray.show_action.trigger()
    assert d.window.isVisible()


def test_closing_the_window_with_a_tray_keeps_playing_and_says_so_once(open_desktop, qtbot):
    d = open_desktop()
    d.tray.moods_menu.actions()[0].trigger()
    assert d.session.player.state.status is PlaybackStatus.PLAYING
    told = []
    d.tray.icon.messageClicked.connect(lambda: None)
    d.tray.icon.showMessage = lambda title, text, *a: told.append(title)  # record, offscreen
    d.window.windowHandle().close()  # what the window manager's close button does
    assert not d.window.isVisible()
    assert d.session.player.state.status is PlaybackStatus.PLAYING
    assert d.session.index_open  # the session was not shut down
    assert told == ["ksad-player keeps playing"]
    d.tray.show_action.trigger()
    d.window.windowHandle().close()
    assert told == ["ksad-player keeps playing"]  # said the first time only

    d.tray_action.setChecked(False)  # the setting: closing quits
    d.tray.show_action.trigger()
    d.window.windowHandle().close()
    assert not d.session.index_open


def test_without_a_tray_closing_closes(open_desktop):
    d = open_desktop(tray=False)
    assert not d.tray.present and not d.tray_action.isEnabled()
    d.window.windowHandle().close()
    assert not d.session.index_open


def test_quit_from_the_tray_ends_the_session(open_desktop):
    d = open_desktop()
    quits = []
    d.app.aboutToQuit.connect(lambda: quits.append(1))
    d.app.quit = lambda: quits.append("quit")  # the test's own event loop keeps running
    d.tray.quit_action.trigger()
    assert quits == ["quit"]
    assert not d.window.isVisible() and not d.session.index_open


def test_help_menu_adds_the_launcher_and_the_empty_window_offers_it_once(open_desktop, desk):
    d = open_desktop(library=False)
    empty = d.window.findChild(QWidget, "empty-state")
    offer = empty.findChild(QPushButton, "install-desktop")
    assert offer is not None and offer.isVisibleTo(d.window)
    assert not install.is_installed()
    offer.click()
    assert install.is_installed()
    assert install.desktop_path().name == f"{appid.APP_ID}.desktop"
    assert not offer.isVisibleTo(d.window)
    assert "applications menu" in d.window.status_text.text()

    help_menu = find_menu(d.window, "&Help")
    _action(help_menu, "Remove from applications menu").trigger()
    assert not install.is_installed()
    _action(help_menu, INSTALL_TEXT).trigger()
    assert install.is_installed()

    install.uninstall()
    again = open_desktop(library=False)  # a later launch: offered once, not again
    assert again.window.findChild(QPushButton, "install-desktop") is None


def test_a_window_with_a_library_does_not_spend_the_offer(open_desktop, tmp_path, monkeypatch):
    d = open_desktop(library=True)
    assert d.window.findChild(QPushButton, "install-desktop") is None
    d.window.close()
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "new-data"))  # an empty library
    empty = open_desktop(library=False)
    assert empty.window.findChild(QPushButton, "install-desktop") is not None


def test_a_forwarded_launch_adds_plays_and_brings_the_window_back(open_desktop, desk, qtbot):
    from ksad_player.desktop.single_instance import Request

    d = open_desktop(library=False)
    d.window.hide()
    song = desk.music / "breathe.wav"
    d.handle_request(Request((str(desk.music), str(song), str(desk.root / "gone.mp3"))))
    assert d.window.isVisible()  # back in front
    assert d.session.player.current.title == "Breathe"  # the file plays at once
    assert d.session.player.state.status is PlaybackStatus.PLAYING
    assert "gone.mp3" in d.window.status_text.text()  # what was missing is said
    qtbot.waitUntil(lambda: str(desk.music) in d.session.index.folders(), timeout=10000)


def test_the_session_volume_and_the_window_slider_follow_each_other(open_desktop):
    from PySide6.QtWidgets import QSlider

    d = open_desktop(library=False)
    slider = d.window.findChild(QSlider, "volume")
    d.session.set_volume(130)  # clamped
    assert d.session.volume == 100 and slider.value() == 100
    d.session.set_volume(30)
    assert slider.value() == 30 and d.session.backend.volume == 30
    slider.setValue(55)
    assert d.session.volume == 55


def test_the_tray_has_the_sleep_timer_and_it_is_the_windows_one(open_desktop):
    d = open_desktop()
    tray, session = d.tray, d.session
    d.tray.moods_menu.actions()[0].trigger()
    sleep = next(a.menu() for a in tray.menu.actions() if a.text() == "Sleep timer")
    _action(sleep, "In 30 minutes").trigger()
    assert session.sleep.active and session.sleep.minutes == 30
    # One timer: the window's Playback menu shows the choice made in the tray.
    assert d.window.sleep_actions["30"].isChecked()
    _action(sleep, "Off").trigger()
    assert not session.sleep.active


def test_play_from_the_tray_continues_a_restored_queue_where_it_was(open_desktop):
    from ksad_player.core.session import ResumeState

    d = open_desktop()
    session = d.session
    paths = tuple(t.path for t in session.tracks() if t.entry_id)
    d.window.close()  # a fresh start: nothing queued yet
    fresh = Session(backend=PlayingNull())
    assert fresh.restore(ResumeState(paths, 1, 4000, "heartbreak"))
    backend = fresh.backend
    fresh_tray_play = type(d.tray).play_pause
    d.tray.session = fresh
    fresh_tray_play(d.tray)
    assert fresh.player.state.index == 1 and fresh.player.state.status is PlaybackStatus.PLAYING
    assert backend.position_ms() == 4000  # not from the start of the track
