"""One window per user: a second launch hands its paths over and leaves (real processes)."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest

from tests.desktop.conftest import Desk, wait_for

pytestmark = pytest.mark.vlc


def _library_lists(desk: Desk, folder: Path, files: int) -> bool:
    out = desk.run("library").stdout
    return str(folder) in out and f"{files} files" in out


def test_second_launch_hands_folders_and_files_to_the_running_window(desk: Desk, start_app):
    first = start_app()
    t0 = time.monotonic()
    second = desk.run(str(desk.music), timeout=10)
    took = time.monotonic() - t0
    assert second.returncode == 0, second.stderr
    assert took < 5, "the second launch opened a window of its own instead of leaving"
    # The running window added the folder to its library and scanned it.
    wait_for(lambda: _library_lists(desk, desk.music, 4), 20, "the forwarded folder")
    assert first.poll() is None

    # An audio file is queued and played at once: the WAV libVLC writes grows.
    assert desk.wav_bytes() == 0
    song = desk.music / "lonely.wav"
    assert desk.run(str(song), timeout=10).returncode == 0
    wait_for(lambda: desk.wav_bytes() > 50_000, 15, "the forwarded song to play")


def test_a_socket_left_by_a_crash_does_not_stop_the_next_window(desk: Desk, start_app):
    stale = Path(desk.env["XDG_RUNTIME_DIR"]) / "io.github.ksadplayer.KsadPlayer.socket"
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(str(stale))
    dead.close()  # the file stays, nobody listens: what a killed window leaves
    assert stale.exists()
    start_app()
    second = desk.run(str(desk.music), timeout=10)
    assert second.returncode == 0
    wait_for(lambda: _library_lists(desk, desk.music, 4), 20, "the forwarded folder")


def test_subcommands_and_missing_bus_leave_the_window_alone(desk: Desk, start_app):
    desk.env["DBUS_SESSION_BUS_ADDRESS"] = f"unix:path={desk.root / 'no-bus'}"
    first = start_app()
    # A subcommand runs on its own, beside the window, and does not hand anything over.
    queue = desk.run("queue", "--mood", "heartbreak", str(desk.music))
    assert queue.returncode == 0 and "Fine" in queue.stdout and "Stay" in queue.stdout
    time.sleep(0.5)
    assert first.poll() is None
    first.terminate()
    first.wait(10)
    log = (desk.root / "app-0.log").read_text()
    bus_lines = [line for line in log.splitlines() if "D-Bus" in line]
    assert len(bus_lines) == 1, log
    assert "media keys" in bus_lines[0]
