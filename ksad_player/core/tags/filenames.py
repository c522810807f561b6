"""Guessing artist and title from a path when the tags are missing or useless."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import PurePath

from ksad_player.core.match.normalize import is_useless_artist, strip_track_number

_SEP = re.compile(r"\s+[-–—]\s+|\s*[–—]\s*")
_FOLDER_NOISE = re.compile(r"^(?:cd|disc|disk)\s*\d+$|^\d{4}$|^music$|^mp3s?$|^downloads?$", re.I)


@dataclass(frozen=True)
class PathGuess:
    """What a file's name and folders suggest. `folder_artists` are weaker guesses."""

    title: str
    artists: tuple[str, ...]
    folder_artists: tuple[str, ...]


def readable(name: str) -> str:
    """A file or folder name as text: undecodable bytes tried as CP949 (old Korean
    Windows), else shown as U+FFFD."""
    raw = os.fsencode(name)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp949")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "replace")


def _clean(text: str) -> str:
    return " ".join(readable(text).replace("_", " ").split())


def guess(path: str | PurePath) -> PathGuess:
    """'01 Artist - Title', 'Artist - Title', '01. Title' with the artist from a folder."""
    p = PurePath(path)
    stem = _clean(p.stem)
    stem = strip_track_number(stem)
    parts = [s.strip() for s in _SEP.split(stem, maxsplit=1)]
    artists: tuple[str, ...] = ()
    title = stem
    if len(parts) == 2 and parts[0] and parts[1]:
        artists, title = (parts[0],), parts[1]
    folders: list[str] = []
    for parent in list(p.parents)[:2]:
        name = _clean(parent.name)
        if not name or _FOLDER_NOISE.match(name) or is_useless_artist(name):
            continue
        # "Artist - Album" folders name the artist first.
        left = _SEP.split(name, maxsplit=1)[0].strip()
        folders.extend(dict.fromkeys(x for x in (left, name) if x))
    return PathGuess(title.strip(), artists, tuple(dict.fromkeys(folders)))
