"""Finding the audio files under the paths a user gives, whatever the tree looks like."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator

from ksad_player.core.tags import is_audio_name

Warn = Callable[[str], None]


def _ignore(_: str) -> None:
    return None


def walk_audio(paths: Iterable[str | os.PathLike[str]], warn: Warn = _ignore) -> Iterator[str]:
    """Absolute paths of audio files, depth-first, each directory once (no symlink loops).

    Unreadable folders are passed to `warn` and skipped; the walk always completes.
    """
    seen: set[tuple[int, int]] = set()
    for top in paths:
        top = os.path.abspath(os.fspath(top))
        try:
            st = os.stat(top)
        except OSError as exc:
            warn(f"{top}: cannot open: {exc.strerror or exc}")
            continue
        if not os.path.isdir(top):
            if is_audio_name(top):
                yield top
            else:
                warn(f"{top}: not an audio file")
            continue
        stack = [top]
        seen.add((st.st_dev, st.st_ino))
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as it:
                    items = sorted(it, key=lambda d: d.name)
            except OSError as exc:
                warn(f"{folder}: folder skipped: {exc.strerror or exc}")
                continue
            subdirs = []
            for d in items:
                try:
                    if d.is_dir():
                        s = d.stat()
                        ident = (s.st_dev, s.st_ino)
                        if ident not in seen:
                            seen.add(ident)
                            subdirs.append(d.path)
                    elif d.is_file() and is_audio_name(d.name):
                        yield d.path
                except OSError as exc:
                    warn(f"{d.path}: skipped: {exc.strerror or exc}")
            stack.extend(reversed(subdirs))
