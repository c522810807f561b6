"""Finding the audio files under the paths a user gives, whatever the tree looks like."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from ksad_player.core.tags import is_audio_name

Warn = Callable[[str], None]


@dataclass(frozen=True)
class Skipped:
    """A folder or file the walk could not enter or stat, and why."""

    path: str
    reason: str


def _ignore(_: str) -> None:
    return None


def walk_tree(
    top: str, seen: set[tuple[int, int]] | None = None, *, ordered: bool = True
) -> Iterator[tuple[str, int, int] | Skipped]:
    """Audio files below a folder, depth-first (in name order when `ordered`); each
    directory once, so symlink loops end; unreadable folders come out as Skipped."""
    seen = set() if seen is None else seen
    try:
        st = os.stat(top)
    except OSError as exc:
        yield Skipped(top, exc.strerror or "cannot be read")
        return
    if not stat.S_ISDIR(st.st_mode):  # a single file can be a library root too
        if is_audio_name(top):
            yield (top, st.st_size, st.st_mtime_ns)
        return
    seen.add((st.st_dev, st.st_ino))
    stack = [(top, st.st_dev)]
    while stack:
        folder, dev = stack.pop()
        try:
            with os.scandir(folder) as it:
                items = sorted(it, key=lambda d: d.name) if ordered else list(it)
        except OSError as exc:
            yield Skipped(folder, exc.strerror or "cannot be read")
            continue
        subdirs = []
        for d in items:
            try:
                if d.is_dir():
                    # A plain folder's identity comes free from readdir; only a link
                    # (which may loop back) needs a stat of its target.
                    if d.is_symlink():
                        s = d.stat()
                        ident = (s.st_dev, s.st_ino)
                    else:
                        ident = (dev, d.inode())
                    if ident not in seen:
                        seen.add(ident)
                        subdirs.append((d.path, ident[0]))
                elif is_audio_name(d.name) and d.is_file():
                    s = d.stat()
                    yield (d.path, s.st_size, s.st_mtime_ns)
            except OSError as exc:
                yield Skipped(d.path, exc.strerror or "cannot be read")
        stack.extend(reversed(subdirs))


def walk_audio(paths: Iterable[str | os.PathLike[str]], warn: Warn = _ignore) -> Iterator[str]:
    """Absolute paths of audio files under files and folders; problems go to `warn`."""
    seen: set[tuple[int, int]] = set()
    for top in paths:
        top = os.path.abspath(os.fspath(top))
        if os.path.isdir(top):
            for item in walk_tree(top, seen):
                if isinstance(item, Skipped):
                    warn(f"{item.path}: skipped: {item.reason}")
                else:
                    yield item[0]
        elif os.path.exists(top) and is_audio_name(top):
            yield top
        elif os.path.exists(top):
            warn(f"{top}: not an audio file")
        else:
            warn(f"{top}: cannot open: no such file or folder")
