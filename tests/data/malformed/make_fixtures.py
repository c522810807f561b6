"""Writes the malformed MP3 fixtures beside this file from ../clip.mp3, by rule, the way
real writers get ID3 wrong. Run it again (python tests/data/malformed/make_fixtures.py) only to
change a fixture; tests read the committed files and the expectations in EXPECTED."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

HERE = Path(__file__).parent
AUDIO = (HERE.parent / "clip.mp3").read_bytes()
TITLE = "Through the Night (the long version, whose title needs more than 127 bytes to spell out, so that a syncsafe reading of its size goes wrong)"
ARTIST = "아이유 (IU)"

# file -> (title, artists) that fastmp3 and mutagen must both read, or None for an error
EXPECTED: dict[str, tuple[str, tuple[str, ...]] | None] = {
    "itunes-v24-plain-sizes.mp3": (TITLE, (ARTIST,)),
    "utf16-multi-value-bom.mp3": ("Rain", ("Baekhyun", "Soyou")),
    "v23-compressed-title.mp3": ("Stay", ("BLACKPINK",)),
    "v24-compressed-bomb.mp3": None,  # read, with the title cut to the field budget
    "truncated-tag.mp3": None,
    "huge-tag-size.mp3": None,
    "frame-past-tag-end.mp3": ("Fine", ("Taeyeon",)),
}


def syncsafe(n: int) -> bytes:
    return bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])


def frame(fid: bytes, body: bytes, *, size: bytes | None = None, flags: bytes = b"\0\0") -> bytes:
    return fid + (size if size is not None else syncsafe(len(body))) + flags + body


def tag(major: int, frames: bytes, *, flags: int = 0, size: int | None = None) -> bytes:
    n = len(frames) if size is None else size
    return b"ID3" + bytes([major, 0, flags]) + syncsafe(n) + frames


def utf8(text: str) -> bytes:
    return b"\x03" + text.encode()


def build() -> dict[str, bytes]:
    out = {}
    # iTunes: ID3v2.4 with frame sizes as plain integers (not syncsafe), UTF-16 text.
    t = b"\x01" + TITLE.encode("utf-16-be").join([b"\xfe\xff", b""])
    a = utf8(ARTIST)
    out["itunes-v24-plain-sizes.mp3"] = tag(
        4,
        frame(b"TIT2", t, size=struct.pack(">I", len(t)))
        + frame(b"TPE1", a, size=struct.pack(">I", len(a))),
    ) + AUDIO
    # Two UTF-16 values, each with its own BOM (as mutagen and many taggers write them).
    two = b"\x01" + "Baekhyun".encode("utf-16") + b"\0\0" + "Soyou".encode("utf-16")
    out["utf16-multi-value-bom.mp3"] = (
        tag(4, frame(b"TIT2", b"\x01" + "Rain".encode("utf-16")) + frame(b"TPE1", two)) + AUDIO
    )
    # ID3v2.3 zlib-compressed frames (flag 0x80, 4-byte decompressed size first).
    def z23(fid: bytes, text: str) -> bytes:
        raw = b"\x00" + text.encode("latin-1")
        body = struct.pack(">I", len(raw)) + zlib.compress(raw)
        return fid + struct.pack(">I", len(body)) + b"\x00\x80" + body

    out["v23-compressed-title.mp3"] = (
        b"ID3\x03\x00\x00"
        + syncsafe(len(z23(b"TIT2", "Stay")) + len(z23(b"TPE1", "BLACKPINK")))
        + z23(b"TIT2", "Stay")
        + z23(b"TPE1", "BLACKPINK")
        + AUDIO
    )
    # A 64 MB title squeezed into about 64 KB: a decompression bomb.
    bomb = zlib.compress(b"\x03" + b"z" * (64 * 1024 * 1024), 9)
    body = syncsafe(64 * 1024 * 1024 + 1) + bomb
    out["v24-compressed-bomb.mp3"] = tag(4, frame(b"TIT2", body, flags=b"\x00\x09")) + AUDIO
    # A tag that says 9,000 bytes in a file that ends long before.
    out["truncated-tag.mp3"] = tag(4, frame(b"TIT2", utf8("Stay")), size=9000)[:812]
    # The tag size field at its largest.
    out["huge-tag-size.mp3"] = b"ID3\x04\x00\x00\x7f\x7f\x7f\x7f" + frame(b"TIT2", utf8("x")) + AUDIO
    # The last frame claims more bytes than the tag has: what it holds still counts.
    good = frame(b"TIT2", utf8("Fine"))
    out["frame-past-tag-end.mp3"] = (
        tag(4, good + b"TPE1" + syncsafe(5000) + b"\0\0" + utf8("Taeyeon")) + AUDIO
    )
    return out


if __name__ == "__main__":
    for name, data in build().items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")
