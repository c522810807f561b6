"""Shared fixtures: isolated XDG folders, real template clips tagged per test, the catalog."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from ksad_player.core import catalog as catalog_mod
from ksad_player.core.match.matcher import Matcher
from ksad_player.core.play.player import NullBackend
from ksad_player.core.tags.writer import TagSpec, write_tags

DATA = Path(__file__).parent / "data"
TEMPLATES = {
    "mp3": "clip.mp3",
    "flac": "clip.flac",
    "ogg": "clip.ogg",
    "opus": "clip.opus",
    "m4a": "clip.m4a",
    "alac": "clip-alac.m4a",
    "wma": "clip.wma",
    "wav": "clip.wav",
    "aiff": "clip.aiff",
    "wv": "clip.wv",
}
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(autouse=True)
def isolated_xdg(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path_factory.mktemp("xdg")
    for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_RUNTIME_DIR"):
        (root / var).mkdir(mode=0o700)
        monkeypatch.setenv(var, str(root / var))
    return root  # XDG_RUNTIME_DIR too: the single-instance socket never meets a real window


def copy_template(fmt: str, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(DATA / TEMPLATES[fmt], dest)
    os.chmod(dest, 0o644)
    return dest


MakeTrack = Callable[..., Path]


@pytest.fixture
def make_track(tmp_path: Path) -> MakeTrack:
    """make_track('mp3', 'Artist/01 x.mp3', title=..., artists=(...), **write options)."""

    def make(
        fmt: str,
        rel: str | None = None,
        *,
        title: str | None = None,
        artists: tuple[str, ...] | list[str] = (),
        album: str | None = None,
        albumartist: str | None = None,
        track: int | None = None,
        cover: bytes | None = None,
        root: Path | None = None,
        **options: object,
    ) -> Path:
        ext = Path(TEMPLATES[fmt]).suffix
        rel = rel or f"{fmt}-{len(list(tmp_path.rglob('*')))}{ext}"
        dest = copy_template(fmt, (root or tmp_path / "lib") / rel)
        spec = TagSpec(title, tuple(artists), album, albumartist, track, cover)
        if any(v is not None and v != () for v in spec.__dict__.values()):
            write_tags(dest, spec, **options)  # type: ignore[arg-type]
        return dest

    return make


@pytest.fixture(scope="session")
def catalog() -> catalog_mod.Catalog:
    return catalog_mod.load_file(catalog_mod.paths.builtin_catalog_path())


@pytest.fixture(scope="session")
def matcher(catalog: catalog_mod.Catalog) -> Matcher:
    return Matcher(catalog)


def _libvlc_available() -> bool:
    try:
        import vlc

        return vlc.Instance("--quiet", "--no-video") is not None
    except Exception:
        return False


_LIBVLC: list[bool] = []


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Tests marked `vlc` skip without libVLC, except in CI, where that is a failure."""
    if "vlc" not in item.keywords:
        return
    if not _LIBVLC:
        _LIBVLC.append(_libvlc_available())
    if _LIBVLC[0]:
        return
    if os.environ.get("CI") == "true":
        pytest.fail("libVLC is missing, and with CI=true a test that needs it may not skip")
    pytest.skip("libVLC is not installed here")


class PlayingNull(NullBackend):
    """A NullBackend that says it can play, for logic tests where libVLC is beside the
    point (an unavailable backend makes the session refuse to play, as it should)."""

    def __init__(self) -> None:
        super().__init__()
        self.available = True
