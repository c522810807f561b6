"""`ksad-player install-desktop [--uninstall]`: the menu entry, icons and AppStream
metainfo in $XDG_DATA_HOME, for this user, pointing at this installation's entry point."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ksad_player.core import paths
from ksad_player.desktop import appid

PNG_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
SOURCE_ICON = "icons/ksad-player.svg"
TOOL_TIMEOUT = 20  # seconds for update-desktop-database / gtk-update-icon-cache
_GUI: list[object] = []  # the QGuiApplication render_png made, if it had to


@dataclass
class InstallReport:
    """What was written or removed, and what the cache tools said, for the user."""

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def data_home() -> Path:
    env = os.environ.get("XDG_DATA_HOME", "")
    return Path(env) if os.path.isabs(env) else Path.home() / ".local" / "share"


def desktop_path(home: Path | None = None) -> Path:
    return (home or data_home()) / "applications" / appid.DESKTOP_FILE


def metainfo_path(home: Path | None = None) -> Path:
    return (home or data_home()) / "metainfo" / appid.METAINFO_FILE


def icon_paths(home: Path | None = None) -> list[Path]:
    hicolor = (home or data_home()) / "icons" / "hicolor"
    out = [hicolor / "scalable" / "apps" / f"{appid.ICON_NAME}.svg"]
    out += [hicolor / f"{n}x{n}" / "apps" / f"{appid.ICON_NAME}.png" for n in PNG_SIZES]
    return out


def is_installed(home: Path | None = None) -> bool:
    return desktop_path(home).is_file()


def entry_point() -> list[str]:
    """The command that starts this very installation, absolute (menus have no venv)."""
    beside = Path(sys.executable).parent / "ksad-player"
    if beside.is_file() and os.access(beside, os.X_OK):
        return [str(beside.absolute())]
    found = shutil.which("ksad-player")
    if found:
        return [str(Path(found).absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "ksad_player"]


def exec_line(argv: list[str]) -> str:
    """Exec= value: arguments quoted the Desktop Entry way, then %F for the files."""
    reserved = set(" \t\n\"'\\><~|&;$*?#()`")

    def quote(arg: str) -> str:
        if not arg or any(c in reserved for c in arg):
            escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg)
            arg = f'"{escaped}"'
        # A literal % is written %% (field codes start with %); then the key file's own
        # escape for backslashes.
        return arg.replace("%", "%%").replace("\\", "\\\\")

    return " ".join(quote(a) for a in argv) + " %F"


def render_png(svg: Path, out: Path, size: int) -> None:
    """Render an SVG to a size×size PNG with QtSvg, offscreen (no display needed)."""
    from PySide6.QtCore import QCoreApplication, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    if QCoreApplication.instance() is None:  # the CLI: a display-less app, kept for reuse
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        _GUI.append(QGuiApplication([sys.argv[0] or "ksad-player"]))
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg}: not a valid SVG")
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    out.parent.mkdir(parents=True, exist_ok=True)
    if not image.save(str(out), "PNG"):
        raise OSError(f"could not write {out}")


def _desktop_text(command: list[str]) -> str:
    template = (paths.resources_dir() / appid.DESKTOP_FILE).read_text(encoding="utf-8")
    lines = []
    for line in template.splitlines():
        if line.startswith("Exec="):
            line = "Exec=" + exec_line(command)
        elif line.startswith("TryExec="):
            continue
        elif line.startswith("Icon="):
            line = "Icon=" + appid.ICON_NAME
        lines.append(line)
    if len(command) == 1:
        lines.insert(lines.index(next(x for x in lines if x.startswith("Exec="))),
                     "TryExec=" + command[0].replace("\\", "\\\\"))  # fmt: skip
    return "\n".join(lines) + "\n"


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    if isinstance(data, str):
        tmp.write_text(data, encoding="utf-8")
    else:
        tmp.write_bytes(data)
    tmp.replace(path)


def _refresh_caches(home: Path, report: InstallReport) -> None:
    """Let the menu and the icon theme notice now rather than at the next login."""
    tools = (
        ["update-desktop-database", "-q", str(home / "applications")],
        ["gtk-update-icon-cache", "-q", "-f", "-t", str(home / "icons" / "hicolor")],
    )
    for argv in tools:
        if shutil.which(argv[0]) is None or not Path(argv[-1]).is_dir():
            continue
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=TOOL_TIMEOUT)
        except (OSError, subprocess.TimeoutExpired) as exc:
            report.notes.append(f"{argv[0]} did not finish: {exc}")
            continue
        if done.returncode != 0:
            report.notes.append(f"{argv[0]}: {done.stderr.strip() or done.returncode}")
        else:
            report.notes.append(f"ran {shlex.join(argv[:1])}")


def install(home: Path | None = None, command: list[str] | None = None) -> InstallReport:
    """Write the .desktop file, the icons and the metainfo; refresh the caches."""
    home = home or data_home()
    report = InstallReport()
    res = paths.resources_dir()
    svg = res / SOURCE_ICON
    icons = icon_paths(home)
    _write(icons[0], svg.read_bytes())
    for size, out in zip(PNG_SIZES, icons[1:], strict=True):
        render_png(svg, out, size)
    meta = (res / appid.METAINFO_FILE).read_text(encoding="utf-8")
    _write(metainfo_path(home), meta)
    _write(desktop_path(home), _desktop_text(command or entry_point()))
    report.files = [desktop_path(home), metainfo_path(home), *icons]
    _refresh_caches(home, report)
    return report


def uninstall(home: Path | None = None) -> InstallReport:
    """Remove exactly what `install` wrote (and the folders it left empty)."""
    home = home or data_home()
    report = InstallReport()
    for path in [desktop_path(home), metainfo_path(home), *icon_paths(home)]:
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        report.files.append(path)
        for parent in path.parents:  # drop folders this left empty, up to the data home
            if parent in (home, home / "icons", home / "icons" / "hicolor"):
                break
            try:
                parent.rmdir()
            except OSError:
                break
    _refresh_caches(home, report)
    return report


def main(uninstall_: bool) -> int:
    """The CLI command: say what happened in the user's words."""
    try:
        report = uninstall() if uninstall_ else install()
    except OSError as exc:
        print(f"ksad-player: could not {'remove' if uninstall_ else 'install'} the menu entry: {exc}",
              file=sys.stderr)  # fmt: skip
        return 1
    if uninstall_:
        if report.files:
            print(f"Removed ksad-player from the applications menu ({len(report.files)} files).")
        else:
            print("ksad-player was not in the applications menu.")
    else:
        print(f"ksad-player is in the applications menu: {desktop_path()}")
    for note in report.notes:
        if not note.startswith("ran "):
            print(f"ksad-player: note: {note}", file=sys.stderr)
    return 0
