"""Reading and writing tags: mutagen, fast paths, mojibake repair, file-name guesses.

The records every stage shares (Tags, ReadResult) and the audio file names live here, in
the package itself, so that walking, the index, the matcher and the queue can use them
without importing mutagen: an unchanged rescan reads no file and never needs it.
"""

from __future__ import annotations

from dataclasses import dataclass

# Said of a file whose reading ran past its time budget (reader, scan workers, the CLI).
TOO_LONG = "took too long to read; skipped (the file may be damaged or on a stalled drive)"

AUDIO_EXTENSIONS = frozenset(
    [
        ".mp3",
        ".mp2",
        ".flac",
        ".ogg",
        ".oga",
        ".opus",
        ".m4a",
        ".m4b",
        ".mp4",
        ".aac",
        ".alac",
        ".wma",
        ".asf",
        ".wav",
        ".wave",
        ".aif",
        ".aiff",
        ".aifc",
        ".ape",
        ".wv",
        ".mpc",
        ".mp+",
        ".mpp",
        ".spx",
    ]
)


@dataclass(frozen=True)
class Tags:
    """A file's tags as read (after repair), plus what matching and queueing weigh."""

    path: str
    format: str = ""
    title: str = ""
    artists: tuple[str, ...] = ()
    album: str = ""
    albumartist: str = ""
    tracknumber: int | None = None
    duration: float = 0.0
    has_cover: bool = False
    lossless: bool = False
    bitrate: int = 0
    title_source: str = "tag"  # "tag" or "filename"
    artist_source: str = "tag"  # "tag", "filename", "albumartist", "folder" or "none"
    folder_artists: tuple[str, ...] = ()
    repaired: bool = False
    warning: str | None = None

    @property
    def artist(self) -> str:
        return ", ".join(self.artists)


@dataclass(frozen=True)
class ReadResult:
    path: str
    tags: Tags | None = None
    error: str | None = None
    size: int = 0
    mtime_ns: int = 0


def is_audio_name(name: str) -> bool:
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in AUDIO_EXTENSIONS
