"""A bad environment for libVLC: the window still opens, without playback, saying why.

Each case runs in its own process (python-vlc reads PYTHON_VLC_* once, at import).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

WINDOW = r"""
import json, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QToolButton
from ksad_player.ui.app import make_app
from ksad_player.core.session import Session
from ksad_player.playback.vlc_backend import make_backend
from ksad_player.ui.main_window import MainWindow
app = make_app()
w = MainWindow(Session(backend=make_backend()))
w.show()
app.processEvents()
play = w.findChild(QToolButton, "play")
print(json.dumps({"banner": w.banner.text() if w.banner.isVisible() else "",
                  "play": play.isEnabled(), "tip": play.toolTip()}))
w.close()
"""

CASES = {
    "lib-path": ({"PYTHON_VLC_LIB_PATH": "/nonexistent"}, ["PYTHON_VLC_LIB_PATH", "/nonexistent"]),
    "module-path": ({"PYTHON_VLC_MODULE_PATH": "/nonexistent"}, ["PYTHON_VLC_MODULE_PATH"]),
    "unclosed-quote": ({"KSAD_VLC_ARGS": '--aout="pulse'}, ["KSAD_VLC_ARGS", "quot"]),
    "unknown-option": (
        {"KSAD_VLC_ARGS": "--no-such-vlc-option-ksad"},
        ["KSAD_VLC_ARGS", "--no-such"],
    ),
}


@pytest.mark.vlc
@pytest.mark.parametrize("case", CASES)
def test_a_bad_libvlc_setting_opens_the_window_without_playback_and_names_it(case, tmp_path):
    env_extra, words = CASES[case]
    env = {**os.environ, **env_extra}
    r = subprocess.run(
        [sys.executable, "-c", WINDOW], capture_output=True, text=True, timeout=60, env=env
    )
    assert r.returncode == 0, r.stderr
    shown = json.loads(r.stdout.strip().splitlines()[-1])
    assert not shown["play"]
    for word in words:
        assert word in shown["banner"] and word in shown["tip"], shown
    # The blame is on the setting, not on a missing libVLC.
    assert "apt-get install" not in shown["banner"], shown
