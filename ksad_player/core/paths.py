"""Where ksad-player reads and writes: XDG directories and the data shipped with it."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_cache_path, user_config_path, user_data_path

APP = "ksad-player"
_PACKAGE = Path(__file__).resolve().parents[1]  # installed as plain files, never zipped
_CHECKOUT = _PACKAGE.parent


def config_dir() -> Path:
    """$XDG_CONFIG_HOME/ksad-player (platformdirs honours the XDG variables)."""
    return user_config_path(APP)


def data_dir() -> Path:
    return user_data_path(APP)


def cache_dir() -> Path:
    return user_cache_path(APP)


def user_catalog_path() -> Path:
    return config_dir() / "catalog.json"


def _shipped(name: str) -> Path:
    """A file in the wheel's ksad_player/data, or at the checkout's top level when editable."""
    packaged = _PACKAGE / "data" / name  # (importlib.resources would cost a rescan 5 ms)
    return packaged if packaged.exists() else _CHECKOUT / name


def builtin_catalog_path() -> Path:
    return _shipped("catalog.json")


def resources_dir() -> Path:
    return _shipped("resources")
