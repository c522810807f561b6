"""Desktop notifications on a track change, against a fake notification server on a
private bus (dbus-run-session); the window and session run here, offscreen."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from itertools import count
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from PySide6.QtDBus import QDBusConnection
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ksad_player.core.play.player import NullBackend
from ksad_player.core.session import Session
from ksad_player.desktop import appid
from ksad_player.desktop.integrate import attach
from ksad_player.desktop.notifications import first_sentence
from ksad_player.desktop.open_files import play_files
from tests.desktop.conftest import Desk, wait_for

FAKE = Path(__file__).with_name("fake_notifications.py")
_names = count()


@pytest.fixture
def notices(desk: Desk, session_bus: str) -> Iterator[Path]:
    """The fake server runs; yields the file its Notify calls are written to."""
    out = desk.root / "notifications.jsonl"
    env = dict(desk.env, DBUS_SESSION_BUS_ADDRESS=session_bus)
    proc = subprocess.Popen(
        [sys.executable, str(FAKE), str(out)], env=env, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    yield out
    proc.terminate()
    proc.wait(5)


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


@pytest.fixture
def desktop(qtbot, desk: Desk, session_bus: str):
    from ksad_player.ui.main_window import MainWindow

    bus = QDBusConnection.connectToBus(session_bus, f"ksad-test-{next(_names)}")
    assert bus.isConnected()
    session = Session(backend=NullBackend())
    window = MainWindow(session)
    qtbot.addWidget(window)
    d = attach(
        QApplication.instance(), window, session, bus=bus, tray_available=False,
        instance_name=str(desk.root / "instance.socket"),
    )  # fmt: skip
    yield d
    d.close()
    QDBusConnection.disconnectFromBus(bus.name())


def test_a_track_change_out_of_sight_notifies_and_replaces_the_last(desktop, notices, desk):
    session = desktop.session
    assert not desktop.window.isVisible()  # out of sight: the window is not shown
    songs = [str(desk.music / n) for n in ("fine.wav", "stay.wav", "lonely.wav")]
    assert play_files(session, songs) == 3
    wait_for(lambda: len(records(notices)) == 1, 5, "the first notification")
    first = records(notices)[0]
    item = session.player.current
    assert first["summary"] == item.title == "Fine"
    artist, sentence = first["body"].split("\n")
    assert artist == item.artist
    assert sentence == first_sentence(item.blurb) and item.blurb.startswith(sentence)
    assert sentence.endswith(".") and len(sentence) < len(item.blurb)
    assert first["replaces"] == 0 and first["actions"] == []
    assert first["icon"] == appid.ICON_NAME and first["hints"]["desktop-entry"] == appid.APP_ID
    cover = Path(unquote(urlparse(first["hints"]["image-path"]).path))
    assert cover.is_file() and cover.suffix == ".png"

    session.player.next()
    wait_for(lambda: len(records(notices)) == 2, 5, "the second notification")
    second = records(notices)[1]
    assert second["summary"] == "Stay"
    assert second["replaces"] == first["id"]  # one bubble, replaced, not a stack

    desktop.notify_action.setChecked(False)  # the setting turns them off
    session.player.next()
    assert session.player.current.title == "Lonely"
    QTest.qWait(300)
    assert len(records(notices)) == 2


def test_the_window_in_front_gets_no_notification(desktop, notices, desk, qtbot):
    window = desktop.window
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    assert play_files(desktop.session, [str(desk.music / "fine.wav")]) == 1
    QTest.qWait(300)
    assert records(notices) == []


def test_first_sentence_is_bounded_and_keeps_short_text():
    assert first_sentence("One. Two.") == "One."
    assert first_sentence("no full stop at all") == "no full stop at all"
    long = "word " * 500
    cut = first_sentence(long)
    assert cut.endswith("…") and len(cut) <= 201
