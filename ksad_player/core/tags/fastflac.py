"""The scan's fast path for native FLAC: the Vorbis comments matching needs, whether a
cover is there, the length and the bitrate, read from the metadata blocks.

mutagen reads every metadata block whole (padding, seek table, every picture) and parses
every comment. A scan needs five keys, cover presence, the length and the bitrate. This
hops from block header to block header, reads STREAMINFO and the Vorbis comment under a
budget (vcomment.py: only the wanted values are read), and walks a PICTURE block's
length fields without reading the picture. It checks what mutagen checks — a STREAMINFO
with a sample rate, a Vorbis comment and picture whose contents end where their block
does (mutagen trusts the contents over the block size), at most one seek table and
well-formed cue sheets — so that both accept the same files. Anything unusual — an ID3v2
tag before "fLaC", a block running past the end of the file, more blocks than a tagged
file has, a wanted comment over 64 KiB — returns None, and the caller falls back to
mutagen.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from ksad_player.core.tags import vcomment
from ksad_player.core.tags.vcomment import Cursor, Unusual, VorbisRead

MAX_BLOCKS = 1024  # metadata blocks before the audio (a tagged file has a handful)
MAX_CUESHEET = 64 * 1024  # a cue sheet is read whole to check it as mutagen parses it
STREAMINFO, SEEKTABLE, VORBIS_COMMENT, CUESHEET, PICTURE = 0, 3, 4, 5, 6


def _block(f: BinaryIO, start: int, length: int) -> Cursor:
    """A cursor over one block's declared bytes (the caller checked they are in the file)."""
    extents = [(start, length)]
    return Cursor(f, lambda: extents.pop() if extents else None)


def _streaminfo(f: BinaryIO, start: int, length: int) -> float:
    """The length in seconds, as mutagen's StreamInfo computes it."""
    if length < 34:
        raise Unusual("short STREAMINFO")
    f.seek(start)
    data = f.read(34)
    if len(data) != 34:
        raise Unusual("truncated")
    rate = int.from_bytes(data[10:13], "big") >> 4
    if rate == 0:
        raise Unusual("no sample rate")  # mutagen refuses it
    total = int.from_bytes(data[13:18], "big") & 0xFFFFFFFFF
    return float(total / float(rate))


def _picture(f: BinaryIO, start: int, length: int) -> None:
    """Walks a PICTURE block's (big-endian) length fields; its contents must end with the block."""
    cur = _block(f, start, length)
    cur.skip(4)  # picture type
    cur.skip(cur.u32(">"))  # MIME type
    cur.skip(cur.u32(">"))  # description
    cur.skip(16)  # width, height, depth, colours
    cur.skip(cur.u32(">"))  # the picture
    if not cur.exhausted():
        raise Unusual("picture shorter than its block")


def _cuesheet(f: BinaryIO, start: int, length: int) -> None:
    """Checks a cue sheet's counts against its size, as mutagen's strict parse does."""
    if length > MAX_CUESHEET:
        raise Unusual("cue sheet over budget")
    f.seek(start)
    data = f.read(length)
    if len(data) < 396:
        raise Unusual("short cue sheet")
    pos = 396
    for _ in range(data[395]):
        if pos + 36 > len(data):
            raise Unusual("short cue sheet")
        pos += 36 + 12 * data[pos + 35]
    if pos > len(data):
        raise Unusual("short cue sheet")


def _read(f: BinaryIO, file_size: int) -> VorbisRead | None:
    if f.read(4) != b"fLaC":
        return None  # an ID3v2 tag first, or not FLAC: mutagen decides
    pos = 4
    length: float | None = None
    fields: dict[str, list[str]] | None = None
    cover = False
    seektables = cuesheets = 0
    for _ in range(MAX_BLOCKS):
        f.seek(pos)
        head = f.read(4)
        if len(head) < 4:
            raise Unusual("truncated")
        code = head[0] & 0x7F
        start = pos + 4
        pos = start + int.from_bytes(head[1:4], "big")
        if pos > file_size:
            raise Unusual("block runs past the end")
        if code == STREAMINFO:
            seconds = _streaminfo(f, start, pos - start)  # every one must parse
            length = seconds if length is None else length
        elif code == VORBIS_COMMENT:
            cur = _block(f, start, pos - start)
            got, has = vcomment.parse(cur, framing=False)
            if not cur.exhausted():
                raise Unusual("comment shorter than its block")
            if fields is None:  # mutagen keeps the first, but parses every one
                fields, cover = got, cover or has
        elif code == PICTURE:
            _picture(f, start, pos - start)
            cover = True
        elif code == SEEKTABLE:
            seektables += 1
            if seektables > 1:
                raise Unusual("two seek tables")  # mutagen refuses them
        elif code == CUESHEET:
            cuesheets += 1
            if cuesheets > 1:
                raise Unusual("two cue sheets")
            _cuesheet(f, start, pos - start)
        if head[0] & 0x80:
            break
    else:
        raise Unusual("too many blocks")
    if length is None:
        raise Unusual("no STREAMINFO")
    # mutagen: the bytes after the last block, over the length
    bitrate = int(float(file_size - pos) * 8 / length) if length else 0
    return VorbisRead(fields or {}, cover, length, bitrate, "flac")


def read(path: str) -> VorbisRead | None:
    """The fast reading of a FLAC file, or None when mutagen should do it."""
    with open(path, "rb") as f:
        file_size = os.fstat(f.fileno()).st_size
        try:
            return _read(f, file_size)
        except (Unusual, struct.error):
            return None
