"""The scan's fast path for MP3: the few ID3v2 text frames matching needs, and the length.

Most of a large library is MP3, and mutagen's general frame machinery and MPEG frame
search are the bulk of a scan's time. This reads ID3v2.3/2.4 frame headers one by one,
reading only the text frames it wants (each at most MAX_FRAME_BYTES, so a 10 MB title or
a zlib bomb costs no more than a normal frame) and seeking past covers, then the first
MPEG frame (with its Xing/Info/VBRI header). Frame sizes that iTunes writes as plain
integers into ID3v2.4 tags are recognised as mutagen does. Anything unusual — a whole-tag
unsynchronisation, ID3v2.2, no ID3v2 at all, free-format or non-Layer-III audio —
returns None, and the caller falls back to mutagen.
"""

from __future__ import annotations

import os
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

WANTED = {
    b"TIT2": "title",
    b"TPE1": "artist",
    b"TALB": "album",
    b"TPE2": "albumartist",
    b"TRCK": "track",
}
MAX_FRAME_BYTES = 64 * 1024  # of one wanted text frame, before and after decompression
MAX_FRAMES = 4096  # frame headers looked at in one tag
_ENCODINGS = {0: "latin-1", 1: "utf-16", 2: "utf-16-be", 3: "utf-8"}
# kbit/s for MPEG-1 and MPEG-2/2.5 Layer III by bitrate index.
_BITRATES = {
    1: (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320),
    2: (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160),
}
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


class Damaged(Exception):
    """The file is an MP3 whose tag cannot be right; the message says why, for a user."""


@dataclass(frozen=True)
class FastMP3:
    fields: dict[str, list[tuple[str, bool]]]  # name -> [(text, was Latin-1)]
    has_cover: bool
    length: float
    bitrate: int


def _syncsafe(b: bytes) -> int:
    return (b[0] << 21) | (b[1] << 14) | (b[2] << 7) | b[3]


def _plain(b: bytes) -> int:
    return int(struct.unpack(">I", b)[0])


def _walk(f: BinaryIO, start: int, end: int, size_of: Callable[[bytes], int]) -> tuple[int, int]:
    """(frames we know the look of, how far the last one ends past the tag): the measure
    mutagen uses to tell syncsafe sizes from plain ones in an ID3v2.4 tag."""
    pos, known = start, 0
    for _ in range(MAX_FRAMES):
        if pos + 10 > end:
            break
        f.seek(pos)
        head = f.read(10)
        if len(head) < 10 or head[0] == 0:
            return known, 0  # padding: the sizes led here cleanly
        if (head[:4].isalnum() and head[:4].isupper()) or head[:4].isdigit():
            known += 1
        pos += 10 + size_of(head[4:8])
    return known, pos - end


def _choose_sizes(f: BinaryIO, start: int, end: int) -> Callable[[bytes], int]:
    bpi, bpi_off = _walk(f, start, end, _syncsafe)
    plain, plain_off = _walk(f, start, end, _plain)
    if plain > bpi or (plain == bpi and bpi_off >= 1 and plain_off <= 1):
        return _plain
    return _syncsafe


def _split_values(raw: bytes, enc: int) -> list[str]:
    """The values of a text frame, each decoded on its own, so a BOM starts each UTF-16
    value rather than ending up inside the second and later ones."""
    if enc in (1, 2):
        parts, start, i = [], 0, 0
        while True:
            i = raw.find(b"\x00\x00", i)
            if i < 0:
                parts.append(raw[start:])
                break
            if (i - start) % 2:
                i += 1
                continue
            parts.append(raw[start:i])
            start = i = i + 2
    else:
        parts = raw.split(b"\x00")
    out = []
    order = "utf-16-be" if enc == 2 or parts[0][:2] == b"\xfe\xff" else "utf-16-le"
    for part in parts:
        if enc == 1 and part[:2] not in (b"\xff\xfe", b"\xfe\xff"):
            text = part[: len(part) - len(part) % 2].decode(order, "replace")  # no BOM of its own
        elif enc in (1, 2):
            text = part[: len(part) - len(part) % 2].decode(_ENCODINGS[enc], "replace")
        else:
            text = part.decode(_ENCODINGS[enc], "replace")
        text = text.replace("\ufeff", "").strip()
        if text:
            out.append(text)
    return out


def _frame_body(raw: bytes, flags: int, major: int) -> bytes | None:
    """A frame's text bytes after grouping, length, unsynchronisation and compression;
    None when it is encrypted. Decompression stops at MAX_FRAME_BYTES."""
    if major == 4:
        if flags & 0x04:
            return None
        if flags & 0x40:
            raw = raw[1:]
        if flags & 0x01:
            raw = raw[4:]
        if flags & 0x02:
            raw = raw.replace(b"\xff\x00", b"\xff")
        compressed = bool(flags & 0x08)
    else:
        if flags & 0x40:
            return None
        compressed = bool(flags & 0x80)
        if compressed:
            raw = raw[4:]
        if flags & 0x20:
            raw = raw[1:]
    if compressed:
        try:
            raw = zlib.decompressobj().decompress(raw, MAX_FRAME_BYTES)
        except zlib.error:
            return b""
    return raw


def _frames(
    f: BinaryIO, start: int, end: int, major: int
) -> tuple[dict[str, list[tuple[str, bool]]], bool]:
    fields: dict[str, list[tuple[str, bool]]] = {}
    cover = False
    size_of = _choose_sizes(f, start, end) if major == 4 else _plain
    pos = start
    for _ in range(MAX_FRAMES):
        if pos + 10 > end:
            break
        f.seek(pos)
        head = f.read(10)
        fid = head[:4]
        if len(head) < 10 or fid[0] == 0 or not fid.isalnum():
            break  # padding, or garbage where padding should be (mutagen stops too)
        size = size_of(head[4:8])
        body_start = pos + 10
        pos = body_start + size
        size = min(size, end - body_start)  # a last frame running past the tag: what it holds
        if fid == b"APIC":
            cover = True
            continue
        name = WANTED.get(fid)
        if name is None or size <= 0:
            continue
        body = _frame_body(f.read(min(size, MAX_FRAME_BYTES)), head[9], major)
        if not body or body[0] not in _ENCODINGS:
            continue
        values = _split_values(body[1:], body[0])
        fields.setdefault(name, []).extend((v, body[0] == 0) for v in values)
    return fields, cover


def _frame_size(h: bytes) -> int:
    version, bitrate_index, rate_index = (h[1] >> 3) & 3, h[2] >> 4, (h[2] >> 2) & 3
    if bitrate_index in (0, 15) or rate_index == 3 or version == 1:
        return 0
    kbps = _BITRATES[1 if version == 3 else 2][bitrate_index]
    per = 144 if version == 3 else 72
    return per * kbps * 1000 // _RATES[version][rate_index] + ((h[2] >> 1) & 1)


def _frames_follow(f: BinaryIO, start: int, file_size: int, first: bytes, count: int = 3) -> bool:
    """True when `count` frames (or as many as the file holds) follow one another, each
    header where the last one's size says, with the first one's version, layer and rate:
    a cheap sign that this is an MPEG stream and not noise that starts like one."""
    pos, head = start, first
    for _ in range(count - 1):
        size = _frame_size(head)
        if size < 24:
            return False
        pos += size
        if pos + 4 > file_size:
            return True  # the file ends with whole frames
        f.seek(pos)
        head = f.read(4)
        if len(head) < 4 or head[0] != 0xFF or (head[1] & 0xFE) != (first[1] & 0xFE):
            return False
        if (head[2] & 0x0C) != (first[2] & 0x0C):
            return False
    return True


def _mpeg_length(f: BinaryIO, start: int, file_size: int) -> tuple[float, int] | None:
    f.seek(start)
    head = f.read(160)
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
    if not _frames_follow(f, start, file_size, head[:4]):
        return None  # one frame header by chance in noise: mutagen looks harder
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
    """The fast reading of an MP3 file, or None when mutagen should do it.

    Raises Damaged when the tag cannot be right (it claims more bytes than the file has)."""
    with open(path, "rb") as f:
        header = f.read(10)
        if len(header) < 10 or header[:3] != b"ID3" or header[3] not in (3, 4):
            return None
        flags = header[5]
        if flags & 0x80:  # unsynchronisation of the whole tag
            return None
        size = _syncsafe(header[6:10])
        file_size = os.fstat(f.fileno()).st_size
        if 10 + size > file_size:
            raise Damaged(
                f"damaged MP3: the tag says {size:,} bytes, the file ends after {file_size - 10:,}"
            )
        start, end = 10, 10 + size
        if flags & 0x40:  # an extended header: skip it
            ext = f.read(4)
            start += (_syncsafe(ext) if header[3] == 4 else _plain(ext) + 4) if len(ext) == 4 else 0
        fields, cover = _frames(f, start, end, header[3])
        audio_start = end + (10 if flags & 0x10 else 0)
        f.seek(file_size - 128)
        if file_size >= 128 and f.read(3) == b"TAG":
            file_size -= 128
        mpeg = _mpeg_length(f, audio_start, file_size)
    if mpeg is None:
        return None
    return FastMP3(fields, cover, mpeg[0], mpeg[1])
