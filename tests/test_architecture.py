"""The layers stay visible: the core imports no Qt, no libVLC and no UI, at any depth.

Imports are read from the source (AST), so an import inside a function counts too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import ksad_player.core

CORE = Path(ksad_player.core.__file__).parent
FORBIDDEN = ("PySide6", "shiboken6", "vlc", "ksad_player.ui", "ksad_player.playback", "ksad_player.desktop")


def imported_names(source: str) -> set[str]:
    """Every module name an import statement in `source` names, wherever it stands."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute | ast.Name)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


def _forbidden(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FORBIDDEN)


def test_no_core_module_imports_qt_vlc_or_ui_anywhere():
    modules = sorted(CORE.rglob("*.py"))
    assert len(modules) >= 15, "the core's modules were not found"
    bad = {
        str(p.relative_to(CORE)): sorted(n for n in imported_names(p.read_text()) if _forbidden(n))
        for p in modules
    }
    assert {k: v for k, v in bad.items() if v} == {}


def test_the_check_sees_an_import_inside_a_function():
    src = "def f():\n    from PySide6.QtCore import QObject\n    import importlib\n    importlib.import_module('vlc')\n"
    assert {n for n in imported_names(src) if _forbidden(n)} == {
        "PySide6.QtCore",
        "PySide6.QtCore.QObject",
        "vlc",
    }


def test_core_stages_are_packages():
    for stage in ("tags", "match", "library", "play"):
        assert (CORE / stage / "__init__.py").is_file(), stage
    assert (CORE / "session.py").is_file()


def test_core_and_cli_import_without_qt_or_vlc():
    code = (
        "import sys, importlib, pkgutil, ksad_player.core as c\n"
        "sys.modules['PySide6'] = None; sys.modules['vlc'] = None; sys.modules['shiboken6'] = None\n"
        "for m in pkgutil.walk_packages(c.__path__, 'ksad_player.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "import ksad_player.cli\n"
        "print('ok')\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.stdout.strip() == "ok", r.stderr
