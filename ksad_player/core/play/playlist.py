"""M3U8 playlists: write a queue with #EXTINF durations; read .m3u/.m3u8 into local paths.

Reading is bounded (a size budget and an entry cap) and never fails on a user's file: what
cannot be found is returned as missing, for the window to report.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlparse

from ksad_player.core.play.queue import Item

PLAYLIST_EXTENSIONS = (".m3u", ".m3u8")
MAX_BYTES = 4 * 1024 * 1024  # a playlist of 100,000 long paths still fits
MAX_ENTRIES = 100_000


def is_playlist_name(path: str | os.PathLike[str]) -> bool:
    return str(path).lower().endswith(PLAYLIST_EXTENSIONS)


def _one_line(text: str) -> str:
    """A title or path on one M3U line: line breaks would start a new entry."""
    return " ".join(text.split())


def extinf_seconds(duration: float) -> int:
    """Whole seconds for #EXTINF: -1 when unknown, never 0 for a clip that has sound."""
    return max(1, round(duration)) if duration > 0 else -1


def m3u8_text(items: Iterable[Item]) -> str:
    """The playlist text: #EXTM3U, then per track #EXTINF:seconds,Artist - Title and its path."""
    lines = ["#EXTM3U"]
    for it in items:
        lines.append(
            f"#EXTINF:{extinf_seconds(it.duration)},{_one_line(it.artist)} - {_one_line(it.title)}"
        )
        lines.append(it.path)
    return "\n".join(lines) + "\n"


def write_m3u8(items: Iterable[Item], path: str | os.PathLike[str]) -> int:
    """Write the playlist (UTF-8, atomically); the number of tracks written."""
    items = list(items)
    target = Path(path)
    tmp = target.with_name(target.name + ".part")
    # A file name that is not UTF-8 goes out as the same bytes it has on disk.
    tmp.write_bytes(m3u8_text(items).encode("utf-8", "surrogateescape"))
    os.replace(tmp, target)
    return len(items)


@dataclass
class PlaylistRead:
    """The entries of a playlist that exist as local files, and those that do not."""

    found: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    problem: str = ""  # the playlist itself could not be read, in the user's words


def _decode(data: bytes, m3u8: bool) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if m3u8:  # a few bytes that are not UTF-8: keep them, they may name a real file
            return data.decode("utf-8", errors="surrogateescape")
        return data.decode("latin-1")  # the old .m3u convention: the system's 8-bit code page


def _local(entry: str, folder: Path) -> str | None:
    """The local path an entry names (relative to the playlist's folder), or None for a URL."""
    if "://" in entry:
        url = urlparse(entry)
        if url.scheme != "file":
            return None
        entry = unquote(url.path)
    if "\\" in entry and not os.path.exists(entry):
        entry = entry.replace("\\", "/")  # written on Windows
    p = Path(entry).expanduser()
    return str(p if p.is_absolute() else folder / p)


def read_playlist(path: str | os.PathLike[str]) -> PlaylistRead:
    """Every entry resolved against the playlist's folder, split into found and missing."""
    src = Path(path)
    out = PlaylistRead()
    try:
        with open(src, "rb") as f:
            data = f.read(MAX_BYTES + 1)
    except OSError as exc:
        out.problem = f"could not read {src.name}: {exc.strerror or exc}"
        return out
    if len(data) > MAX_BYTES:
        out.problem = f"{src.name} is larger than a playlist can be; read its first 4 MiB"
        data = data[:MAX_BYTES]
    text = _decode(data, src.suffix.lower() == ".m3u8")
    folder = src.resolve().parent
    seen: set[str] = set()
    for raw in text.splitlines():
        entry = raw.strip()
        if not entry or entry.startswith("#"):
            continue
        if len(out.found) + len(out.missing) >= MAX_ENTRIES:
            out.problem = f"{src.name} has more than {MAX_ENTRIES:,} entries; read the first ones"
            break
        local = _local(entry, folder)
        if local is None:
            out.missing.append(entry)
            continue
        real = os.path.normpath(local)
        if real in seen:
            continue
        seen.add(real)
        (out.found if os.path.isfile(real) else out.missing).append(real)
    return out
