"""The core stays importable without Qt or libVLC: the CLI and the tests depend on it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import ksad_player.core

CORE = Path(ksad_player.core.__file__).parent


def test_core_imports_neither_qt_nor_vlc():
    code = (
        "import sys, importlib, pkgutil, ksad_player.core as c\n"
        "sys.modules['PySide6'] = None; sys.modules['vlc'] = None\n"
        "for m in pkgutil.iter_modules(c.__path__):\n"
        "    importlib.import_module('ksad_player.core.' + m.name)\n"
        "import ksad_player.cli\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "ok", r.stderr
    assert len(list(CORE.glob("*.py"))) >= 8
