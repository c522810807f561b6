"""Desktop tests: the real app in subprocesses (offscreen), on a private session bus
started by dbus-run-session, with isolated XDG folders and libVLC writing to a WAV."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest

from tests.ui.conftest import make_clip

# (file, title as tagged, artist as tagged): heartbreak gets two songs, loneliness three.
SONGS = [
    ("fine.wav", "Fine", "Taeyeon"),
    ("stay.wav", "Stay", "BLACKPINK"),
    ("lonely.wav", "Lonely", "Jonghyun"),
    ("breathe.wav", "Breathe", "Lee Hi"),
]
CLI = [sys.executable, "-m", "ksad_player"]


def need(*tools: str) -> None:
    missing = [t for t in tools if shutil.which(t) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"missing tools in CI: {missing} (./dev installs them)")
        pytest.skip(f"needs {', '.join(missing)} (./dev installs them)")


def make_song(path: Path, title: str, artist: str, seconds: float, seed: int) -> Path:
    """A tagged WAV of a soft melody, long enough to still play while a test looks."""
    return make_clip(path, seconds, title, artist, seed)


def wait_for(check: Callable[[], object], timeout: float = 10.0, what: str = "") -> object:
    end = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > end:
            raise AssertionError(f"timed out waiting for {what or check}")
        time.sleep(0.05)


@pytest.fixture(scope="module")
def session_bus() -> Iterator[str]:
    """A private session bus for this module's tests: dbus-run-session runs a child that
    prints the bus address and sleeps; ending the child ends the bus."""
    need("dbus-run-session")
    proc = subprocess.Popen(
        ["dbus-run-session", "--", sys.executable, "-c",
         "import os, sys, time; print(os.environ['DBUS_SESSION_BUS_ADDRESS'], flush=True); "
         "sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    address = proc.stdout.readline().strip()
    assert address, "dbus-run-session gave no bus"
    yield address
    assert proc.stdin is not None
    proc.stdin.close()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@dataclass
class Desk:
    """One isolated user: XDG folders, runtime dir, WAV output, bus, and the music."""

    root: Path
    env: dict[str, str]
    wav: Path
    music: Path

    def run(
        self, *args: str, timeout: float = 20, **kw: object
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*CLI, *args], env=self.env, capture_output=True, text=True, timeout=timeout, **kw
        )  # type: ignore[call-overload]

    def tool(self, *argv: str, timeout: float = 10) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            list(argv), env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def wav_bytes(self) -> int:
        return self.wav.stat().st_size if self.wav.exists() else 0


@pytest.fixture(scope="session")
def songs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four tagged songs, synthesized once; each test gets its own copy."""
    folder = tmp_path_factory.mktemp("songs")
    for n, (name, title, artist) in enumerate(SONGS):
        make_song(folder / name, title, artist, seconds=12, seed=n + 1)
    return folder


@pytest.fixture
def desk(tmp_path: Path, isolated_xdg: Path, songs: Path) -> Desk:
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    wav = tmp_path / "vlc-out.wav"
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        XDG_RUNTIME_DIR=str(runtime),
        KSAD_VLC_ARGS=f"--aout=afile --audiofile-file={wav}",
        PYTHONUNBUFFERED="1",
    )
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    music = shutil.copytree(songs, tmp_path / "music")
    return Desk(tmp_path, env, wav, music)


def _listening(path: Path) -> bool:
    probe = socket.socket(socket.AF_UNIX)
    try:
        probe.connect(str(path))
    except OSError:
        return False
    finally:
        probe.close()
    return True


@pytest.fixture
def start_app(desk: Desk) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """start_app(*args): the window in a subprocess; waits until it listens for a second
    launch (its socket exists); stopped (and its output kept) at the end."""
    procs: list[subprocess.Popen[str]] = []

    def start(*args: str, wait_socket: bool = True) -> subprocess.Popen[str]:
        log = open(desk.root / f"app-{len(procs)}.log", "w")  # noqa: SIM115
        proc = subprocess.Popen(
            [*CLI, *args], env=desk.env, stdout=log, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )  # fmt: skip
        procs.append(proc)
        if wait_socket:
            sock = Path(desk.env["XDG_RUNTIME_DIR"]) / "io.github.ksadplayer.KsadPlayer.socket"
            wait_for(lambda: _listening(sock) or proc.poll() is not None, 20, "the window")
            assert proc.poll() is None, (desk.root / f"app-{len(procs) - 1}.log").read_text()
        return proc

    yield start
    for proc in procs:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
