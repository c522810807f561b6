"""The scan's fast path for MP3: the few ID3v2 text frames matching needs, and the length.

Most of a large library is MP3, and mutagen's general frame machinery and MPEG frame
search are the bulk of a scan's time. This reads ID3v2.3/2.4 text frames and the first
MPEG frame (with its Xing/Info/VBRI header) directly. Anything unusual — unsynchronised
or compressed tags, extended headers, ID3v2.2, no ID3v2 at all, free-format or non-Layer-III
audio — returns None, and the caller falls back to mutagen, which handles everything.
"""

from __future__ import annotations

import os
import struct
from dataclasses import dataclass

WANTED = {
    b"TIT2": "title",
    b"TPE1": "artist",
    b"TALB": "album",
    b"TPE2": "albumartist",
    b"TRCK": "track",
}
_ENCODINGS = {0: "latin-1", 1: "utf-16", 2: "utf-16-be", 3: "utf-8"}
# kbit/s for MPEG-1 and MPEG-2/2.5 Layer III by bitrate index.
_BITRATES = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


@dataclass(frozen=True)
class FastMP3:
    fields: dict[str, list[tuple[str, bool]]]  # name -> [(text, was Latin-1)]
    has_cover: bool
    length: float
    bitrate: int


def _syncsafe(b: bytes) -> int:
    return (b[0] << 21) | (b[1] << 14) | (b[2] << 7) | b[3]


def _frames(data: bytes, major: int) -> tuple[dict[str, list[tuple[str, bool]]], bool] | None:
    fields: dict[str, list[tuple[str, bool]]] = {}
    cover = False
    pos = 0
    end = len(data)
    while pos + 10 <= end:
        fid = data[pos : pos + 4]
        if fid[0] == 0:
            break  # padding
        raw_size = data[pos + 4 : pos + 8]
        size = _syncsafe(raw_size) if major == 4 else struct.unpack(">I", raw_size)[0]
        flags = data[pos + 9]
        body_start = pos + 10
        pos = body_start + size
        if pos > end or not fid.isalnum():
            return None
        if fid == b"APIC":
            cover = True
            continue
        name = WANTED.get(fid)
        if name is None:
            continue
        if (major == 4 and flags & 0x4F) or (major == 3 and flags & 0xE0):
            return None  # grouped, compressed, encrypted or unsynchronised frame
        body = data[body_start:pos]
        if not body:
            continue
        encoding = _ENCODINGS.get(body[0])
        if encoding is None:
            return None
        try:
            text = body[1:].decode(encoding)
        except UnicodeDecodeError:
            return None
        values = [v.strip() for v in text.split("\x00") if v.strip()]
        fields.setdefault(name, []).extend((v, body[0] == 0) for v in values)
    return fields, cover


def _mpeg_length(f: object, start: int, file_size: int) -> tuple[float, int] | None:
    f.seek(start)  # type: ignore[attr-defined]
    head = f.read(160)  # type: ignore[attr-defined]
    if len(head) < 40 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return None
    version = (head[1] >> 3) & 3  # 3: MPEG-1, 2: MPEG-2, 0: MPEG-2.5
    layer = (head[1] >> 1) & 3
    bitrate_index = head[2] >> 4
    rate_index = (head[2] >> 2) & 3
    mono = (head[3] >> 6) == 3
    if layer != 1 or version == 1 or rate_index == 3 or bitrate_index in (0, 15):
        return None  # not Layer III, reserved, or free format
    rate = _RATES[version][rate_index]
    kbps = _BITRATES[1 if version == 3 else 2][bitrate_index]
    samples = 1152 if version == 3 else 576
    side = (17 if mono else 32) if version == 3 else (9 if mono else 17)
    frames = None
    xing = head[4 + side : 8 + side]
    if xing in (b"Xing", b"Info"):
        flags = struct.unpack(">I", head[8 + side : 12 + side])[0]
        if flags & 1:
            frames = struct.unpack(">I", head[12 + side : 16 + side])[0]
    elif head[36:40] == b"VBRI":
        frames = struct.unpack(">I", head[50:54])[0]
    audio_bytes = file_size - start
    if frames:
        length = frames * samples / rate
        return length, int(audio_bytes * 8 / length) if length else kbps * 1000
    return audio_bytes * 8 / (kbps * 1000), kbps * 1000


def read(path: str) -> FastMP3 | None:
    """The fast reading of an MP3 file, or None when mutagen should do it."""
    with open(path, "rb") as f:
        header = f.read(10)
        if len(header) < 10 or header[:3] != b"ID3" or header[3] not in (3, 4):
            return None
        flags = header[5]
        if flags & 0xC0:  # unsynchronisation or an extended header
            return None
        size = _syncsafe(header[6:10])
        data = f.read(size)
        if len(data) < size:
            return None
        parsed = _frames(data, header[3])
        if parsed is None:
            return None
        start = 10 + size + (10 if flags & 0x10 else 0)
        file_size = os.fstat(f.fileno()).st_size
        f.seek(file_size - 128)
        if f.read(3) == b"TAG":
            file_size -= 128
        mpeg = _mpeg_length(f, start, file_size)
    if mpeg is None:
        return None
    fields, cover = parsed
    return FastMP3(fields, cover, mpeg[0], mpeg[1])
