"""Application wiring: the QApplication, its look, the playback backend and the window."""

from __future__ import annotations

import sys

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QGuiApplication, QIcon, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox

from ksad_player.core import paths
from ksad_player.core.library.index import IndexUnavailable
from ksad_player.core.play.player import Backend
from ksad_player.core.session import Session
from ksad_player.playback.vlc_backend import make_backend
from ksad_player.ui.main_window import MainWindow
from ksad_player.ui.settings import settings

HANGUL_FONTS = (
    "Noto Sans CJK KR",
    "Noto Sans KR",
    "NanumGothic",
    "Malgun Gothic",
    "Apple SD Gothic Neo",
)


def _dark_palette() -> QPalette:
    p = QPalette()
    base, text, panel = QColor("#1e1f2e"), QColor("#e6e4f0"), QColor("#26283a")
    for role, colour in (
        (QPalette.ColorRole.Window, panel), (QPalette.ColorRole.WindowText, text),
        (QPalette.ColorRole.Base, base), (QPalette.ColorRole.AlternateBase, panel),
        (QPalette.ColorRole.Text, text), (QPalette.ColorRole.Button, panel),
        (QPalette.ColorRole.ButtonText, text), (QPalette.ColorRole.Highlight, QColor("#7b61c9")),
        (QPalette.ColorRole.HighlightedText, QColor("#ffffff")),
        (QPalette.ColorRole.ToolTipBase, base), (QPalette.ColorRole.ToolTipText, text),
        (QPalette.ColorRole.PlaceholderText, QColor("#8d8aa3")),
    ):  # fmt: skip
        p.setColor(role, colour)
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor("#6f6c85"))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText, QColor("#6f6c85"))
    return p


STYLES = ("system", "light", "dark")


def style_app(app: QApplication, style: str | None = None) -> None:
    """A calm look that follows the system's dark or light choice (or the one forced with
    --style or the View menu); Hangul always renders."""
    app.setStyle("Fusion")
    dark = app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    if style in ("light", "dark"):
        dark = style == "dark"
    app.setPalette(_dark_palette() if dark else app.style().standardPalette())
    app.setProperty("ksad_dark", dark)
    font = QFont(app.font())
    available = set(QFontDatabase.families())
    fallbacks = [f for f in HANGUL_FONTS if f in available]
    font.setFamilies([font.family(), *fallbacks])
    app.setFont(font)


def make_app(argv: list[str] | None = None, style: str | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    QGuiApplication.setApplicationName("ksad-player")
    QGuiApplication.setApplicationDisplayName("ksad-player")
    from ksad_player.desktop.appid import APP_ID

    QGuiApplication.setDesktopFileName(APP_ID)  # ties the window to the installed launcher
    app.setWindowIcon(QIcon(str(paths.resources_dir() / "icons" / "ksad-player.svg")))
    if style is None:
        style = str(settings().value("ui/style", "system"))
    style_app(app, style)  # type: ignore[arg-type]
    return app  # type: ignore[return-value]


def run(
    paths_: list[str],
    *,
    demo: bool = False,
    backend: Backend | None = None,
    style: str | None = None,
) -> int:
    app = make_app(style=style)
    gain = str(settings().value("player/replaygain", "track"))
    session = Session(
        backend=backend or make_backend(gain),
        on_wait=lambda m: print(f"ksad-player: {m}", file=sys.stderr, flush=True),
    )
    try:
        window = MainWindow(session)
    except IndexUnavailable as exc:  # held by another process past the wait, or unusable
        print(f"ksad-player: error: {exc}", file=sys.stderr)
        QMessageBox.critical(None, "ksad-player", f"The library cannot be opened: {exc}.")
        session.backend.close()
        return 1
    if style:
        window.apply_style(style, save=False)
    window.show()
    from ksad_player.desktop.integrate import attach

    desktop = attach(app, window, session)  # one instance, MPRIS, notifications, tray
    if demo:
        window.start_demo()
    if paths_:
        window.add_paths([str(p) for p in paths_])
    code = int(app.exec())
    desktop.close()
    return code
