"""The baselines the scan benchmark compares with, each run as its own process.

    python bench/baseline.py walk FOLDER      # a bare walk + stat of every file
    python bench/baseline.py mutagen FOLDER   # what a plain player does, one process

Standard library and mutagen only: nothing of ksad-player is imported.
"""

from __future__ import annotations

import os
import sys


def bare_walk(root: str) -> int:
    n = 0
    stack = [root]
    while stack:
        with os.scandir(stack.pop()) as it:
            for d in it:
                if d.is_dir():
                    stack.append(d.path)
                elif d.is_file():
                    d.stat()
                    n += 1
    return n


def mutagen_loop(root: str) -> int:
    """mutagen.File(path, easy=True) on every file, the fields a player shows, the length."""
    import mutagen

    n = 0
    for dirpath, _, files in os.walk(root):
        for name in files:
            if name.startswith("."):
                continue
            f = mutagen.File(os.path.join(dirpath, name), easy=True)
            if f is not None:
                tags = f.tags or {}
                for k in ("title", "artist", "album", "albumartist", "tracknumber"):
                    tags.get(k)
                _ = f.info.length
                n += 1
    return n


if __name__ == "__main__":
    mode, folder = sys.argv[1], sys.argv[2]
    print({"walk": bare_walk, "mutagen": mutagen_loop}[mode](folder))
