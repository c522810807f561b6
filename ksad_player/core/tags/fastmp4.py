"""The scan's fast path for MP4 audio (.m4a): the few iTunes text items matching needs,
whether a cover is there, and the length, read straight from the atoms.

mutagen builds the whole atom tree and parses every item of the tag, and M4A is the
slowest format of a scan. A scan needs four text items, the track number, cover presence,
the length and the bitrate. This walks only moov → trak → mdia (mdhd, hdlr, stsd) and
moov → udta → meta → ilst, seeking past everything else (the audio, sample tables, cover
bytes), and reads each atom it needs under a size budget. It follows mutagen's choices
(the first audio track, the first udta/meta/ilst, the first stsd entry) so that both
give the same answer. Anything unusual — no ftyp first, a 64-bit or open-ended atom
inside moov, a codec other than AAC or ALAC, an item that is not UTF-8 text, more atoms
than a tagged file has — returns None, and the caller falls back to mutagen.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

WANTED = {
    b"\xa9nam": "title",
    b"\xa9ART": "artist",
    b"\xa9alb": "album",
    b"aART": "albumartist",
}
MAX_TOP_ATOMS = 64  # ftyp, free, mdat, moov… a real file has a handful
MAX_CHILDREN = 512  # atoms in one container (ilst items, traks)
MAX_TRAKS = 16
MAX_TEXT = 64 * 1024  # one text item, all its values
MAX_SMALL = 4096  # mvhd, mdhd, hdlr, trkn
MAX_STSD = 64 * 1024
MAX_COVERS = 64


@dataclass(frozen=True)
class FastMP4:
    fields: dict[str, list[str]]  # name -> texts, in file order
    has_cover: bool
    length: float
    bitrate: int
    codec: str  # "mp4a" (AAC) or "alac"


class _Unusual(Exception):
    """Something this reader does not handle: mutagen decides."""


Atom = tuple[bytes, int, int]  # name, payload start, end


def _children(f: BinaryIO, start: int, end: int, limit: int = MAX_CHILDREN) -> Iterator[Atom]:
    """The atoms between start and end, by their 8-byte headers (nothing else is read)."""
    pos = start
    count = 0
    while pos + 8 <= end:
        count += 1
        if count > limit:
            raise _Unusual("too many atoms")
        f.seek(pos)
        head = f.read(8)
        if len(head) < 8:
            raise _Unusual("truncated")
        size, name = struct.unpack(">I4s", head)
        if size < 8 or pos + size > end:
            raise _Unusual("64-bit, open-ended or overlong atom")
        yield name, pos + 8, pos + size
        pos += size
    if pos != end:
        raise _Unusual("trailing bytes")


def _first(f: BinaryIO, parent: Atom, name: bytes, skip: int = 0) -> Atom | None:
    for child in _children(f, parent[1] + skip, parent[2]):
        if child[0] == name:
            return child
    return None


def _payload(f: BinaryIO, atom: Atom, budget: int) -> bytes:
    size = atom[2] - atom[1]
    if size > budget:
        raise _Unusual("atom over budget")
    f.seek(atom[1])
    data = f.read(size)
    if len(data) != size:
        raise _Unusual("truncated")
    return data


def _top_level(f: BinaryIO, file_size: int) -> Atom:
    """moov, found by hopping over the top-level atoms (mdat may be 64-bit or open-ended)."""
    pos = 0
    first = True
    for _ in range(MAX_TOP_ATOMS):
        if pos + 8 > file_size:
            break
        f.seek(pos)
        head = f.read(16)
        size, name = struct.unpack(">I4s", head[:8])
        if first and name != b"ftyp":
            raise _Unusual("not an ISO media file")
        first = False
        start = pos + 8
        if size == 1:
            if len(head) < 16:
                raise _Unusual("truncated")
            size = struct.unpack(">Q", head[8:16])[0]
            start += 8
            if size < 16:
                raise _Unusual("bad 64-bit size")
        elif size == 0:
            size = file_size - pos
        elif size < 8:
            raise _Unusual("bad size")
        if name == b"moov":
            if start != pos + 8 or pos + size > file_size:
                raise _Unusual("unusual moov")
            return name, start, pos + size
        pos += size
    raise _Unusual("no moov")


def _data_items(payload: bytes) -> Iterator[tuple[int, bytes]]:
    """(flags, value) of each `data` atom of an ilst item, as mutagen splits them."""
    pos = 0
    while pos < len(payload):
        if pos + 16 > len(payload):
            raise _Unusual("truncated data atom")
        size, name, version_flags = struct.unpack(">I4sI", payload[pos : pos + 12])
        if name != b"data" or size < 16 or pos + size > len(payload):
            raise _Unusual("not a plain data atom")
        yield version_flags & 0xFFFFFF, payload[pos + 16 : pos + size]
        pos += size


def _has_cover(f: BinaryIO, covr: Atom) -> bool:
    """A covr item holds at least one picture; only the headers are read."""
    pictures = 0
    for name, start, end in _children(f, covr[1], covr[2], MAX_COVERS):
        if name == b"data" and end - start >= 8:
            pictures += 1
        elif name != b"name":
            raise _Unusual("unexpected atom in covr")
    return pictures > 0


def _tags(f: BinaryIO, moov: Atom) -> tuple[dict[str, list[str]], bool]:
    fields: dict[str, list[str]] = {}
    cover = False
    udta = _first(f, moov, b"udta")
    meta = _first(f, udta, b"meta") if udta else None
    if meta is not None and meta[2] - meta[1] < 4:
        raise _Unusual("short meta")
    ilst = _first(f, meta, b"ilst", skip=4) if meta else None  # meta is a full atom
    if ilst is None:
        return fields, cover
    for item in _children(f, ilst[1], ilst[2]):
        name = WANTED.get(item[0])
        if name is not None:
            for flags, value in _data_items(_payload(f, item, MAX_TEXT)):
                if flags not in (0, 1):  # implicit or UTF-8, as mutagen accepts
                    raise _Unusual("not text")
                try:
                    fields.setdefault(name, []).append(value.decode("utf-8"))
                except UnicodeDecodeError as exc:
                    raise _Unusual("not UTF-8") from exc
        elif item[0] == b"trkn":
            for _flags, value in _data_items(_payload(f, item, MAX_SMALL)):
                if len(value) < 6:
                    raise _Unusual("short trkn")
                fields.setdefault("track", []).append(str(struct.unpack(">H", value[2:4])[0]))
        elif item[0] == b"covr":
            cover = _has_cover(f, item) or cover
    return fields, cover


def _duration(data: bytes) -> float:
    """Seconds from an mdhd or mvhd payload (both keep timescale, duration at one place)."""
    if len(data) < 4:
        raise _Unusual("short header")
    version = data[0]
    if version == 0 and len(data) >= 20:
        unit, length = struct.unpack(">2I", data[12:20])
    elif version == 1 and len(data) >= 32:
        unit, length = struct.unpack(">IQ", data[20:32])
    else:
        raise _Unusual("unknown header version")
    if unit == 0:
        raise _Unusual("no timescale")
    return float(length / unit)


def _descriptor_length(data: bytes, pos: int) -> tuple[int, int]:
    value = 0
    for _ in range(4):
        if pos >= len(data):
            raise _Unusual("truncated descriptor")
        b = data[pos]
        pos += 1
        value = (value << 7) | (b & 0x7F)
        if not b >> 7:
            return value, pos
    raise _Unusual("bad descriptor length")


def _esds_bitrate(data: bytes) -> int:
    """avgBitrate of the decoder config inside an esds payload (ISO 14496-1)."""
    if len(data) < 5 or data[0] != 0 or data[4] != 0x03:
        raise _Unusual("unexpected esds")
    _, pos = _descriptor_length(data, 5)
    if pos + 3 > len(data):
        raise _Unusual("short ES descriptor")
    es_flags = data[pos + 2]
    pos += 3
    if es_flags & 0x80:
        pos += 2  # dependsOn_ES_ID
    if es_flags & 0x40:
        if pos >= len(data):
            raise _Unusual("short ES descriptor")
        pos += 1 + data[pos]  # URL
    if es_flags & 0x20:
        pos += 2  # OCR_ES_Id
    if pos >= len(data) or data[pos] != 0x04:
        raise _Unusual("no decoder config")
    _, pos = _descriptor_length(data, pos + 1)
    if pos + 13 > len(data):
        raise _Unusual("short decoder config")
    return int(struct.unpack(">I", data[pos + 9 : pos + 13])[0])


def _codec(f: BinaryIO, stbl: Atom) -> tuple[str, int]:
    """The first sample entry's codec and bitrate, as mutagen's MP4Info gives them."""
    stsd = _first(f, stbl, b"stsd")
    if stsd is None:
        return "", 0
    data = _payload(f, stsd, MAX_STSD)
    if len(data) < 8 or data[0] != 0:
        raise _Unusual("unusual stsd")
    if struct.unpack(">I", data[4:8])[0] == 0:
        return "", 0
    if len(data) < 16:
        raise _Unusual("short stsd")
    size, codec = struct.unpack(">I4s", data[8:16])
    entry = data[16 : 8 + size]
    if size < 8 + 28 + 8 or 8 + size > len(data):
        raise _Unusual("short sample entry")
    extra_size, extra_name = struct.unpack(">I4s", entry[28:36])
    extra = entry[36 : 28 + extra_size]
    if extra_size < 8 or 28 + extra_size > len(entry):
        raise _Unusual("short codec box")
    if codec == b"mp4a" and extra_name == b"esds":
        return "mp4a", _esds_bitrate(extra)
    if codec == b"alac" and extra_name == b"alac":
        if len(extra) < 24 or extra[0] != 0:
            raise _Unusual("unusual alac cookie")
        if extra[8] != 0:  # compatibleVersion: mutagen leaves the bitrate at 0
            return "alac", 0
        return "alac", int(struct.unpack(">I", extra[20:24])[0])
    raise _Unusual("codec other than AAC or ALAC")


def _stream(f: BinaryIO, moov: Atom) -> tuple[float, int, str]:
    """Length, bitrate and codec of the first audio track (mvhd's length without one)."""
    mvhd: Atom | None = None
    traks = 0
    for child in _children(f, moov[1], moov[2]):
        if child[0] == b"mvhd" and mvhd is None:
            mvhd = child
        if child[0] != b"trak":
            continue
        traks += 1
        if traks > MAX_TRAKS:
            raise _Unusual("too many tracks")
        mdia = _first(f, child, b"mdia")
        hdlr = _first(f, mdia, b"hdlr") if mdia else None
        if mdia is None or hdlr is None:
            raise _Unusual("track without a handler")
        if _payload(f, hdlr, MAX_SMALL)[8:12] != b"soun":
            continue
        mdhd = _first(f, mdia, b"mdhd")
        if mdhd is None:
            raise _Unusual("audio track without mdhd")
        length = _duration(_payload(f, mdhd, MAX_SMALL))
        minf = _first(f, mdia, b"minf")
        stbl = _first(f, minf, b"stbl") if minf else None
        if stbl is None:
            raise _Unusual("audio track without sample table")
        codec, bitrate = _codec(f, stbl)
        return length, bitrate, codec
    if mvhd is None:
        raise _Unusual("no track, no mvhd")
    return _duration(_payload(f, mvhd, MAX_SMALL)), 0, ""


def read(path: str) -> FastMP4 | None:
    """The fast reading of an MP4 audio file, or None when mutagen should do it."""
    with open(path, "rb") as f:
        file_size = os.fstat(f.fileno()).st_size
        try:
            moov = _top_level(f, file_size)
            length, bitrate, codec = _stream(f, moov)
            fields, cover = _tags(f, moov)
        except (_Unusual, struct.error):
            return None
    if length <= 0 or codec not in ("mp4a", "alac"):
        return None
    return FastMP4(fields, cover, length, bitrate, codec)
