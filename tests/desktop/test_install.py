"""`ksad-player install-desktop`: a launcher the desktop accepts, and a clean uninstall."""

from __future__ import annotations

import configparser
import os
import shlex
import subprocess
from pathlib import Path

from PySide6.QtGui import QImage

from ksad_player.desktop import appid, install
from tests.desktop.conftest import Desk, need


def _entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path, encoding="utf-8")
    return parser["Desktop Entry"]


def test_install_desktop_writes_a_launcher_the_desktop_validates(desk: Desk):
    need("desktop-file-validate", "appstreamcli")
    done = desk.run("install-desktop")
    assert done.returncode == 0, done.stderr
    data = Path(desk.env["XDG_DATA_HOME"])
    desktop = data / "applications" / f"{appid.APP_ID}.desktop"
    metainfo = data / "metainfo" / f"{appid.APP_ID}.metainfo.xml"
    assert str(desktop) in done.stdout

    valid = desk.tool("desktop-file-validate", str(desktop))
    assert valid.returncode == 0 and not valid.stdout.strip(), valid.stdout + valid.stderr
    meta = desk.tool("appstreamcli", "validate", "--no-net", str(metainfo))
    assert meta.returncode == 0, meta.stdout + meta.stderr

    entry = _entry(desktop)
    argv = shlex.split(entry["Exec"])
    assert os.path.isabs(argv[0]) and os.access(argv[0], os.X_OK)
    assert argv[-1] == "%F"
    assert "inode/directory" in entry["MimeType"].split(";")
    assert "audio/mpeg" in entry["MimeType"].split(";")
    assert "audio/x-mpegurl" in entry["MimeType"].split(";")  # playlists open too
    assert "Audio" in entry["Categories"].split(";")
    assert entry["Icon"] == appid.APP_ID
    # The Exec line starts this very installation.
    version = subprocess.run([*argv[:-1], "--version"], capture_output=True, text=True, timeout=30)
    assert version.returncode == 0 and "ksad-player" in version.stdout

    hicolor = data / "icons" / "hicolor"
    assert (hicolor / "scalable" / "apps" / f"{appid.APP_ID}.svg").read_bytes().startswith(b"<svg")
    for size in install.PNG_SIZES:
        image = QImage(str(hicolor / f"{size}x{size}" / "apps" / f"{appid.APP_ID}.png"))
        assert (image.width(), image.height()) == (size, size)
        centre = image.pixelColor(size // 2, size // 2)
        corner = image.pixelColor(0, 0)
        assert centre.alpha() == 255 and corner.alpha() < 255  # the rounded tile, drawn


def test_uninstall_removes_exactly_what_install_wrote(desk: Desk):
    data = Path(desk.env["XDG_DATA_HOME"])
    other = data / "applications" / "someone-else.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\nType=Application\nName=x\nExec=x\n")
    assert desk.run("install-desktop").returncode == 0
    ours = [*install.icon_paths(data), install.desktop_path(data), install.metainfo_path(data)]
    assert all(p.exists() for p in ours)

    done = desk.run("install-desktop", "--uninstall")
    assert done.returncode == 0 and "Removed" in done.stdout
    assert not any(p.exists() for p in ours)
    assert other.exists()
    again = desk.run("install-desktop", "--uninstall")
    assert again.returncode == 0 and "was not in the applications menu" in again.stdout


def test_exec_line_quotes_paths_with_spaces_and_quotes():
    line = install.exec_line(['/opt/my apps/ksad "player"'])
    assert line == '"/opt/my apps/ksad \\\\"player\\\\"" %F'
    assert install.exec_line(["/usr/bin/ksad-player"]) == "/usr/bin/ksad-player %F"
    # A venv in a folder named "100%" must not read as a field code.
    assert install.exec_line(["/home/me/100%/bin/ksad-player"]) == "/home/me/100%%/bin/ksad-player %F"


def test_install_into_an_unusable_place_says_so_in_one_line(desk: Desk, tmp_path: Path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the data folder should be")
    desk.env["XDG_DATA_HOME"] = str(blocked)
    done = desk.run("install-desktop")
    assert done.returncode == 1
    assert done.stderr.startswith("ksad-player: could not install the menu entry:")
    assert "Traceback" not in done.stderr
