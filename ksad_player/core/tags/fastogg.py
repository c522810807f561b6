"""The scan's fast path for Ogg Vorbis (.ogg, .oga) and Ogg Opus (.opus): the Vorbis
comments matching needs, whether a cover is there, the length and the bitrate.

mutagen joins the whole comment packet in memory (a cover in METADATA_BLOCK_PICTURE can
make it megabytes) and parses every comment. This reads the identification header on the
first page, then follows the comment packet from page to page by the lacing values,
reading only the page headers and, through vcomment.py, the wanted values; the rest of
the packet is skipped. The length comes from the last page, found as mutagen finds it
(the last "OggS" in the file's final 64 KiB, the stream's end-of-stream page), and the
bitrate as mutagen gives it (Vorbis: from the nominal, minimum and maximum bitrates;
Opus: the bytes after the comment pages over the length). Like mutagen it does not check
page CRCs. Anything unusual — a first stream other than Vorbis or Opus, another logical
stream interleaved with the headers, a page out of sequence, a last page without the
end-of-stream flag (mutagen then reads the whole file), a wanted comment over 64 KiB —
returns None, and the caller falls back to mutagen.
"""

from __future__ import annotations

import os
import struct
from typing import BinaryIO

from ksad_player.core.tags import vcomment
from ksad_player.core.tags.vcomment import Cursor, Extent, Unusual, VorbisRead

MAX_PAGES = 8192  # pages of one comment packet (a 30 MB cover in 4 KiB pages)
LAST_PAGE_WINDOW = 256 * 256  # how far from the end mutagen looks for the last page
BUFFER = 32 * 1024  # several 4 KiB pages per system call when walking a long packet
TAIL = 8192  # looked at first: the last "OggS" in it is the last in the window too
_HEADER = struct.Struct("<4sBBqIIiB")
CONTINUED, FIRST, LAST = 1, 2, 4


class _Page:
    """One page's header fields and where its data lies (a plain class: one per page)."""

    __slots__ = ("body", "end", "flags", "granule", "lacing", "sequence", "serial")

    def __init__(self, head: bytes, lacing: bytes, pos: int, file_size: int) -> None:
        magic, version, flags, granule, serial, sequence, _crc, _n = _HEADER.unpack(head)
        if magic != b"OggS" or version != 0:
            raise Unusual("not an Ogg page")
        self.flags: int = flags
        self.granule: int = granule
        self.serial: int = serial
        self.sequence: int = sequence
        self.lacing = lacing
        self.body = pos + 27 + len(lacing)  # file offset of the page's data
        self.end = self.body + sum(lacing)  # file offset after it
        if self.end > file_size:
            raise Unusual("truncated page")

    def first_packet(self) -> tuple[int, bool]:
        """(bytes of the first packet on this page, whether it ends here)."""
        rest = self.lacing.lstrip(b"\xff")
        full = len(self.lacing) - len(rest)
        if rest:
            return 255 * full + rest[0], True
        return 255 * full, False


def _page(f: BinaryIO, pos: int, file_size: int) -> _Page:
    """The page at pos, its header and lacing read in one go, its data checked to be in
    the file."""
    f.seek(pos)
    head = f.read(27 + 255)
    if len(head) < 27 or len(head) < 27 + head[26]:
        raise Unusual("truncated page")
    return _Page(head[:27], head[27 : 27 + head[26]], pos, file_size)


class _Packet:
    """The extents of a packet that starts on `first` and runs on over the following
    pages; each page must belong to the stream, follow in sequence and say it continues."""

    def __init__(self, f: BinaryIO, first: _Page, file_size: int) -> None:
        self._f = f
        self._file_size = file_size
        self._page: _Page | None = None
        self._next: _Page | None = first
        self._pages = 0

    def next_extent(self) -> Extent | None:
        if self._next is None:
            return None
        page = self._page = self._next
        self._pages += 1
        if self._pages > MAX_PAGES:
            raise Unusual("too many pages")
        size, ends = page.first_packet()
        self._next = None
        if not ends:
            following = _page(self._f, page.end, self._file_size)
            if (
                following.serial != page.serial
                or following.sequence != page.sequence + 1
                or not following.flags & CONTINUED
                or not following.lacing
            ):
                raise Unusual("another stream or a page out of sequence")
            self._next = following
        return page.body, size

    def end(self) -> int:
        """The file offset after the page where the packet ends (pages read to there)."""
        while self._next is not None:
            self.next_extent()
        assert self._page is not None
        return self._page.end


def _last_granule(f: BinaryIO, file_size: int, serial: int) -> int:
    """The granule position of the stream's last page, as mutagen's OggPage.find_last
    (finishing=True) finds it without reading the whole file; Unusual otherwise."""
    data = b""
    index = -1
    for window in (TAIL, LAST_PAGE_WINDOW):  # the last "OggS" is most often near the end
        start = max(0, file_size - window)
        f.seek(start)
        data = f.read(file_size - start)
        index = data.rfind(b"OggS")
        if index >= 0 or start == 0:
            break
    if index < 0 or len(data) - index < 27:
        raise Unusual("no last page")
    _magic, version, flags, granule, page_serial, _seq, _crc, segments = _HEADER.unpack_from(
        data, index
    )
    body = index + 27 + segments
    if version != 0 or body > len(data) or body + sum(data[index + 27 : body]) > len(data):
        raise Unusual("damaged last page")
    if page_serial != serial or granule == -1 or not flags & LAST:
        raise Unusual("not the end of the stream")  # mutagen reads every page then
    return int(granule)


def _read(f: BinaryIO, file_size: int) -> VorbisRead | None:
    first = _page(f, 0, file_size)
    size, ends = first.first_packet()
    if not first.flags & FIRST or not ends or len(first.lacing) != size // 255 + 1:
        return None  # the identification packet alone on the first page, or mutagen
    f.seek(first.body)
    ident = f.read(min(size, 64))
    if ident.startswith(b"\x01vorbis") and size >= 28:
        codec, prefix = "vorbis", b"\x03vorbis"
        _channels, rate, most, nominal, least = struct.unpack("<BI3i", ident[11:28])
        if rate == 0:
            return None
        most, nominal, least = max(0, most), max(0, nominal), max(0, least)
        if nominal == 0:
            bitrate = (most + least) // 2
        elif most and most < nominal:
            bitrate = most
        elif least > nominal:
            bitrate = least
        else:
            bitrate = nominal
        pre_skip = 0
    elif ident.startswith(b"OpusHead") and size >= 19:
        codec, prefix, rate, bitrate = "opus", b"OpusTags", 48000, 0
        version, _channels, pre_skip = struct.unpack("<BBH", ident[8:12])
        if version >> 4 != 0:
            return None
    else:
        return None
    second = _page(f, first.end, file_size)
    if (
        second.serial != first.serial
        or second.flags & CONTINUED
        or not second.lacing
        or second.sequence != first.sequence + 1
    ):
        return None
    packet = _Packet(f, second, file_size)
    cur = Cursor(f, packet.next_extent)
    if cur.read(len(prefix)) != prefix:
        return None
    fields, cover = vcomment.parse(cur, framing=codec == "vorbis")
    tags_end = packet.end()
    granule = _last_granule(f, file_size, first.serial)
    length = (granule - pre_skip) / float(rate)
    if length < 0:
        return None
    if codec == "opus":
        bitrate = round((file_size - tags_end) * 8 / length) if length else 0
    return VorbisRead(fields, cover, length, bitrate, codec)


def read(path: str) -> VorbisRead | None:
    """The fast reading of an Ogg Vorbis or Opus file, or None when mutagen should do it."""
    with open(path, "rb", buffering=BUFFER) as f:
        file_size = os.fstat(f.fileno()).st_size
        try:
            return _read(f, file_size)
        except (Unusual, struct.error):
            return None
