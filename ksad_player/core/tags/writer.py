"""Writing tags into any format we read: for the demo library, the benchmark and tests.

It can also write tags the way old Korean rippers did (CP949 bytes in Latin-1 frames),
so that the repair path is exercised on real files.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

import mutagen
import mutagen.mp3
from mutagen import id3
from mutagen.apev2 import APEv2File
from mutagen.asf import ASF
from mutagen.flac import FLAC, Picture
from mutagen.mp4 import MP4, MP4Cover


@dataclass(frozen=True)
class TagSpec:
    title: str | None = None
    artists: tuple[str, ...] = ()
    album: str | None = None
    albumartist: str | None = None
    track: int | None = None
    cover: bytes | None = None  # JPEG or PNG bytes


def _cp949_as_latin1(text: str) -> str:
    """What a CP949 ripper's bytes look like once mutagen reads them as Latin-1."""
    return text.encode("cp949").decode("latin-1")


def _write_id3(
    path: str, spec: TagSpec, *, version: int, cp949: bool, v1: bool, container: object
) -> None:
    tags = id3.ID3()
    enc = (
        id3.Encoding.LATIN1
        if cp949
        else (id3.Encoding.UTF8 if version == 4 else id3.Encoding.UTF16)
    )

    def text(s: str) -> str:
        return _cp949_as_latin1(s) if cp949 else s

    if spec.title is not None:
        tags.add(id3.TIT2(encoding=enc, text=text(spec.title)))
    if spec.artists:
        values = [text(a) for a in spec.artists]
        tags.add(id3.TPE1(encoding=enc, text=values if version == 4 else ["/".join(values)]))
    if spec.album is not None:
        tags.add(id3.TALB(encoding=enc, text=text(spec.album)))
    if spec.albumartist is not None:
        tags.add(id3.TPE2(encoding=enc, text=text(spec.albumartist)))
    if spec.track is not None:
        tags.add(id3.TRCK(encoding=id3.Encoding.LATIN1, text=str(spec.track)))
    if spec.cover:
        mime = "image/png" if spec.cover.startswith(b"\x89PNG") else "image/jpeg"
        tags.add(
            id3.APIC(encoding=id3.Encoding.LATIN1, mime=mime, type=3, desc="", data=spec.cover)
        )
    if container is None:
        tags.save(path, v2_version=version, v1=2 if v1 else 0)
    else:
        if container.tags is None:  # type: ignore[attr-defined]
            container.add_tags()  # type: ignore[attr-defined]
        for frame in tags.values():  # the container's own ID3 class writes the chunk
            container.tags.add(frame)  # type: ignore[attr-defined]
        container.save(v2_version=version)  # type: ignore[attr-defined]


def write_id3v1_only(path: str, spec: TagSpec, *, cp949: bool = False) -> None:
    """An MP3 with nothing but a 128-byte ID3v1 tag, as the oldest rips have."""
    _write_id3(path, spec, version=3, cp949=cp949, v1=True, container=None)
    id3.delete(path, delete_v1=False, delete_v2=True)


def write_id3v22(path: str, spec: TagSpec) -> None:
    """Prepend an ID3v2.2 tag (3-letter frames), which mutagen reads but cannot write."""
    frames = b""
    for fid, value in (("TT2", spec.title), ("TP1", "/".join(spec.artists)), ("TAL", spec.album)):
        if value:
            data = b"\x01" + value.encode("utf-16")
            frames += fid.encode() + struct.pack(">I", len(data))[1:] + data
    size = len(frames)
    syncsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    with open(path, "rb") as f:
        audio = f.read()
    with open(path, "wb") as f:
        f.write(b"ID3\x02\x00\x00" + syncsafe + frames + audio)


def write_tags(
    path: str | os.PathLike[str],
    spec: TagSpec,
    *,
    id3_version: int = 4,
    cp949: bool = False,
    id3v1: bool = False,
) -> None:
    """Tag a file in place with the tag system its format uses."""
    p = os.fspath(path)
    audio = mutagen.File(p)
    if audio is None:
        raise ValueError(f"{p}: not an audio file mutagen knows")
    if isinstance(audio, mutagen.mp3.MP3):
        _write_id3(p, spec, version=id3_version, cp949=cp949, v1=id3v1, container=None)
        return
    if type(audio).__name__ in {"WAVE", "AIFF"}:
        _write_id3(p, spec, version=id3_version, cp949=cp949, v1=False, container=audio)
        return
    if isinstance(audio, MP4):
        audio.delete()
        t: dict[str, list[object]] = {}
        if spec.title is not None:
            t["©nam"] = [spec.title]
        if spec.artists:
            t["©ART"] = list(spec.artists)
        if spec.album is not None:
            t["©alb"] = [spec.album]
        if spec.albumartist is not None:
            t["aART"] = [spec.albumartist]
        if spec.track is not None:
            t["trkn"] = [(spec.track, 0)]
        if spec.cover:
            fmt = MP4Cover.FORMAT_PNG if spec.cover.startswith(b"\x89PNG") else MP4Cover.FORMAT_JPEG
            t["covr"] = [MP4Cover(spec.cover, imageformat=fmt)]
        audio.update(t)
        audio.save()
        return
    if isinstance(audio, ASF):
        if spec.title is not None:
            audio["Title"] = [spec.title]
        if spec.artists:
            audio["Author"] = list(spec.artists)
        if spec.album is not None:
            audio["WM/AlbumTitle"] = [spec.album]
        if spec.albumartist is not None:
            audio["WM/AlbumArtist"] = [spec.albumartist]
        if spec.track is not None:
            audio["WM/TrackNumber"] = [str(spec.track)]
        audio.save()
        return
    if isinstance(audio, APEv2File) or type(audio).__name__ in {
        "WavPack",
        "MonkeysAudio",
        "Musepack",
    }:
        if audio.tags is None:
            audio.add_tags()
        for k, v in (
            ("Title", spec.title),
            ("Album", spec.album),
            ("Album Artist", spec.albumartist),
        ):
            if v is not None:
                audio.tags[k] = v
        if spec.artists:
            audio.tags["Artist"] = list(spec.artists)
        if spec.track is not None:
            audio.tags["Track"] = str(spec.track)
        audio.save()
        return
    # Vorbis comments: FLAC, Ogg Vorbis, Opus.
    if audio.tags is None:
        audio.add_tags()
    for k, v in (("title", spec.title), ("album", spec.album), ("albumartist", spec.albumartist)):
        if v is not None:
            audio.tags[k] = [v]
    if spec.artists:
        audio.tags["artist"] = list(spec.artists)
    if spec.track is not None:
        audio.tags["tracknumber"] = [str(spec.track)]
    if spec.cover and isinstance(audio, FLAC):
        pic = Picture()
        pic.type, pic.data = 3, spec.cover
        pic.mime = "image/png" if spec.cover.startswith(b"\x89PNG") else "image/jpeg"
        audio.add_picture(pic)
    audio.save()
