"""The Vorbis comment reading shared by the FLAC and Ogg fast paths (fastflac, fastogg).

A Vorbis comment (vendor, then N "KEY=value" strings, each with a 32-bit length) is read
from a run of file extents — one FLAC metadata block, or the pieces of an Ogg packet spread
over pages — through a Cursor that reads only what it needs: the first bytes of each
comment (enough for the keys we look for) and the values of wanted keys, each under a
budget. Everything else, a cover in METADATA_BLOCK_PICTURE above all, is skipped by
moving the file offset, never read. Keys and values are decoded as mutagen's VComment
does (UTF-8 with "replace"; keys compared in lower case), so both give the same texts.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

# Vorbis comment key (lower case) -> the scan's field name. "album artist" is kept apart
# from "albumartist" so that values come out in the order the mutagen path adds them.
WANTED = {
    b"title": "title",
    b"artist": "artist",
    b"album": "album",
    b"albumartist": "albumartist",
    b"album artist": "album artist",
    b"tracknumber": "track",
}
COVER_KEYS = (b"metadata_block_picture", b"coverart")
KEY_PEEK = 1 + max(len(k) for k in (*WANTED, *COVER_KEYS))  # longest key we look for, "="
MAX_COMMENTS = 10_000  # comments in one block or packet (a tagger writes dozens)
MAX_COMMENT = 64 * 1024  # bytes of one wanted comment
MAX_READ = 4 * 1024 * 1024  # bytes a Cursor reads into memory, all comments together
CHUNK = 16 * 1024  # bytes read at once, so that small comments cost one read
AFTER_SKIP = 512  # bytes read at once just after a skip: most likely one comment's head


@dataclass(frozen=True)
class VorbisRead:
    """What a scan needs of a FLAC or Ogg file, as the mutagen path would give it.

    `fields` maps title, artist, album, albumartist and track to texts in file order,
    raw (empty and untrimmed values kept), "albumartist" holding the values of
    ALBUMARTIST, then those of "ALBUM ARTIST", as reader._from_vorbis adds them."""

    fields: dict[str, list[str]]
    has_cover: bool
    length: float
    bitrate: int
    codec: str  # "flac", "vorbis" or "opus"


class Unusual(Exception):
    """Something the fast path does not handle: mutagen decides."""


Extent = tuple[int, int]  # file offset, length


class Cursor:
    """Reads a run of file extents as one byte stream, under a read budget; skip moves
    the offset and reads nothing. next_extent gives the next extent, or None at the end."""

    def __init__(self, f: BinaryIO, next_extent: Callable[[], Extent | None]) -> None:
        self._f = f
        self._next = next_extent
        self._buf = b""
        self._pos = 0  # in _buf
        self._off = 0  # the unbuffered rest of the current extent
        self._left = 0
        self._skipped = False  # the last move was a skip past the buffer
        self.budget = MAX_READ

    def _advance(self) -> None:
        while self._left == 0:
            extent = self._next()
            if extent is None:
                raise Unusual("the data ends early")
            self._off, self._left = extent

    def read(self, n: int) -> bytes:
        """Exactly n bytes, or Unusual."""
        have = len(self._buf) - self._pos
        if have >= n:
            self._pos += n
            return self._buf[self._pos - n : self._pos]
        parts = [self._buf[self._pos :]]
        n -= have
        self._buf, self._pos = b"", 0
        while n > 0:
            self._advance()
            size = min(self._left, max(n, AFTER_SKIP if self._skipped else CHUNK))
            self._skipped = False
            if size > self.budget:
                raise Unusual("read budget spent")
            self.budget -= size
            self._f.seek(self._off)
            data = self._f.read(size)
            if len(data) != size:
                raise Unusual("truncated")
            self._off += size
            self._left -= size
            take = min(n, size)
            parts.append(data[:take])
            n -= take
            if take < size:
                self._buf, self._pos = data, take
        return b"".join(parts)

    def skip(self, n: int) -> None:
        have = len(self._buf) - self._pos
        if have >= n:
            self._pos += n
            return
        n -= have
        self._buf, self._pos = b"", 0
        while n > 0:
            self._advance()
            step = min(n, self._left)
            self._off += step
            self._left -= step
            n -= step
            self._skipped = True

    def exhausted(self) -> bool:
        """Nothing left in the buffer or the current extent (the caller knows the rest)."""
        return self._pos == len(self._buf) and self._left == 0

    def u32(self, order: str = "<") -> int:
        """A 32-bit unsigned integer, little-endian unless order is ">"."""
        return int(struct.unpack(order + "I", self.read(4))[0])


def parse(cur: Cursor, *, framing: bool) -> tuple[dict[str, list[str]], bool]:
    """(field name -> texts, in file order; whether a cover key is there) of the Vorbis
    comment at the cursor. With framing (Ogg Vorbis), the framing bit must follow, set,
    as mutagen requires; short or malformed data raises Unusual."""
    cur.skip(cur.u32())  # the vendor string
    count = cur.u32()
    if count > MAX_COMMENTS:
        raise Unusual("too many comments")
    raw: dict[str, list[str]] = {}
    cover = False
    for _ in range(count):
        length = cur.u32()
        head = cur.read(min(length, KEY_PEEK))
        eq = head.find(b"=")
        # A key is ASCII, so lower() on its bytes is mutagen's key.lower(); a comment
        # without "=" is mutagen's "unknown<i>", never a key we look for.
        key = head[:eq].lower() if eq >= 0 else b""
        if key in COVER_KEYS:
            cover = True
        name = WANTED.get(key)
        if name is None:
            cur.skip(length - len(head))
            continue
        if length > MAX_COMMENT:
            raise Unusual("comment over budget")
        value = head[eq + 1 :] + cur.read(length - len(head))
        raw.setdefault(name, []).append(value.decode("utf-8", "replace"))
    if framing and not cur.read(1)[0] & 1:
        raise Unusual("framing bit unset")
    albumartist = raw.pop("albumartist", []) + raw.pop("album artist", [])
    if albumartist:
        raw["albumartist"] = albumartist
    return raw, cover
