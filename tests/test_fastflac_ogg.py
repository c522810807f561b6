"""The FLAC and Ogg (Vorbis, Opus) fast paths against mutagen: the same comments, cover,
length and bitrate from the same files, or a fallback (None).

Files are the template clips tagged here with mutagen — comment keys written exactly as
given, in any case — and damaged copies made by truncation and byte flips.
"""

from __future__ import annotations

import base64
import shutil
import struct
import time
import tracemalloc
import uuid
from pathlib import Path
from typing import Any

import mutagen
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutagen.flac import (
    FLAC,
    CueSheet,
    CueSheetTrack,
    MetadataBlock,
    Picture,
    SeekPoint,
    SeekTable,
    VCFLACDict,
)

from ksad_player.core.tags import fastflac, fastogg, vcomment

from .conftest import DATA

TEMPLATES = ("clip.flac", "clip.ogg", "clip.opus")
KEYS = {
    "title": ("title",),
    "artist": ("artist",),
    "album": ("album",),
    "albumartist": ("albumartist", "album artist"),
    "track": ("tracknumber",),
}
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9"
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
Comments = list[tuple[str, str]]


def fast_read(path: Path) -> Any:
    return (fastflac if path.suffix == ".flac" else fastogg).read(str(path))


def picture(data: bytes) -> Picture:
    pic = Picture()
    pic.type, pic.mime, pic.desc, pic.data = 3, "image/jpeg", "front", data
    return pic


def tagged(
    folder: Path,
    template: str,
    comments: Comments,
    cover: bytes | None = None,
    padding: int | None = None,
) -> Path:
    """A copy of a template clip with exactly these comments (keys as given), written by
    mutagen; a cover goes in a PICTURE block (FLAC) or a METADATA_BLOCK_PICTURE comment."""
    path = folder / f"{uuid.uuid4().hex}{Path(template).suffix}"
    shutil.copyfile(DATA / template, path)
    audio: Any = mutagen.File(path)
    if audio.tags is None:
        audio.add_tags()
    del audio.tags[:]
    audio.tags.extend(comments)
    if cover is not None:
        if isinstance(audio, FLAC):
            audio.add_picture(picture(cover))
        else:
            mbp = base64.b64encode(picture(cover).write()).decode("ascii")
            audio.tags.append(("METADATA_BLOCK_PICTURE", mbp))
    if padding is None:
        audio.save()
    else:
        audio.save(padding=lambda _info: padding)
    return path


def assert_agrees(path: Path, fast: Any) -> None:
    """Every field the scan uses is what mutagen.File gives."""
    audio: Any = mutagen.File(path)
    assert audio is not None, "the fast path read a file mutagen does not know"
    tags = audio.tags
    for name, keys in KEYS.items():
        want = [v for k in keys for v in (tags.get(k, []) if tags is not None else [])]
        assert fast.fields.get(name, []) == want, name
    cover = bool(getattr(audio, "pictures", None)) or (
        tags is not None and ("metadata_block_picture" in tags or "coverart" in tags)
    )
    assert fast.has_cover == cover
    assert fast.length == pytest.approx(audio.info.length, rel=1e-6, abs=1e-12)
    assert fast.bitrate == audio.info.bitrate
    if path.suffix != ".flac":
        assert fast.codec == type(audio).__name__.removeprefix("Ogg").lower()


PLAIN = [
    ("title", "Through the Night"),
    ("artist", "IU"),
    ("album", "Palette"),
    ("albumartist", "IU"),
    ("tracknumber", "3"),
]
CASES: dict[str, tuple[Comments, bool, int | None]] = {  # comments, cover, padding
    "plain": (PLAIN, False, None),
    "hangul": ([("title", "눈의 꽃"), ("artist", "박효신"), ("album", "미안하다 사랑한다 OST")], False, None),
    "multi-value": ([("artist", "폴킴"), ("title", "안녕"), ("artist", "Paul Kim")], False, None),
    "empty values": ([("title", ""), ("artist", ""), ("album", " "), ("tracknumber", "")], False, None),
    "100 KB title": ([("title", "슬" * 34_000), ("artist", "x")], False, None),
    "5000 comments": ([(f"comment{i}", f"v{i}") for i in range(5000)] + PLAIN, False, None),
    "odd case": ([("TITLE", "a"), ("Title", "b"), ("ArTiSt", "c"), ("TRACKNUMBER", "1/9")], False, None),
    "album artist": ([("album artist", "A"), ("ALBUMARTIST", "B"), ("Album Artist", "C")], False, None),
    "picture": (PLAIN, True, None),
    "coverart key": ([*PLAIN, ("COVERART", "abc")], False, None),
    "empty picture key": ([*PLAIN, ("metadata_block_picture", "")], False, None),
    "padding": (PLAIN, True, 200_000),
    "no padding": (PLAIN, False, 0),
    "no tags at all": ([], False, None),
    "odd keys": ([("titl", "y"), ("title ", "z"), ("x}y", "w"), ("title", "=a=b")], False, None),
}  # fmt: skip


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("template", TEMPLATES)
def test_fast_path_reads_what_mutagen_reads(tmp_path, template, case):
    comments, cover, padding = CASES[case]
    path = tagged(tmp_path, template, comments, JPEG if cover else None, padding)
    fast = fast_read(path)
    if case == "100 KB title":
        assert fast is None, "a wanted comment over the budget goes to mutagen"
        return
    assert fast is not None, "a plainly tagged file must take the fast path"
    assert_agrees(path, fast)


@pytest.mark.parametrize("template", ("clip.ogg", "clip.opus"))
def test_comment_packet_over_many_pages(tmp_path, template):
    """A 600 KB cover spreads the comment packet over ~150 pages; wanted comments on
    either side of it are read, the cover itself is skipped."""
    cover = b"\xff\xd8" + bytes(range(256)) * 2400
    comments = [("title", "앞"), ("artist", "before")]
    path = tagged(tmp_path, template, comments, cover)
    audio: Any = mutagen.File(path)
    audio.tags.extend([("album", "뒤"), ("albumartist", "after")])
    audio.save()
    fast = fast_read(path)
    assert fast is not None and fast.fields["album"] == ["뒤"] and fast.has_cover
    assert_agrees(path, fast)


def test_flac_blocks_it_skips(tmp_path):
    """Seek table, application block, cue sheet and two pictures: skipped or checked."""
    path = tagged(tmp_path, "clip.flac", PLAIN, JPEG)
    audio: Any = FLAC(path)
    table = SeekTable(None)
    table.seekpoints = [SeekPoint(0, 0, 4096), SeekPoint(4096, 900, 4096)]
    audio.seektable = table
    app = MetadataBlock(b"ksad" + bytes(100))
    app.code = 2
    audio.metadata_blocks.append(app)
    cue = CueSheet(None)
    track = CueSheetTrack(1, 0)
    cue.tracks = [track, CueSheetTrack(170, 11025)]
    audio.cuesheet = cue
    audio.add_picture(picture(b"\x89PNG" + bytes(500)))
    second = VCFLACDict()  # a second comment block: mutagen keeps the first
    second.extend([("title", "second"), ("coverart", "x")])
    audio.metadata_blocks.append(second)
    audio.save()
    fast = fastflac.read(str(path))
    assert fast is not None and fast.fields["title"] == ["Through the Night"]
    assert_agrees(path, fast)


def damage_bytes(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert data.count(old) == 1 and len(old) == len(new)
    path.write_bytes(data.replace(old, new))


@pytest.mark.parametrize("template", TEMPLATES)
def test_invalid_utf8_and_keys_as_mutagen(tmp_path, template):
    """Invalid UTF-8 in a value is replaced, a non-ASCII key is not a wanted key."""
    comments = [("title", "QéQ"), ("ALBUM", "keep"), ("artist", "é"), ("k", "title=x"),
                ("nokey", "title")]  # fmt: skip
    path = tagged(tmp_path, template, comments)
    damage_bytes(path, b"Q\xc3\xa9Q", b"Q\xa9\xc3Q")
    damage_bytes(path, b"ALBUM=", b"AL\xffUM=")
    damage_bytes(path, b"artist=\xc3\xa9", b"artist=\xc3=")
    damage_bytes(path, b"k=title=x", b"=ktitle=x")  # an empty key: not a valid one
    damage_bytes(path, b"nokey=title", b"nokey-title")  # no "=": mutagen's "unknown4"
    fast = fast_read(path)
    assert fast is not None and fast.fields["title"] == ["Q\ufffd\ufffdQ"]
    assert "album" not in fast.fields and fast.fields["artist"] == ["\ufffd="]
    assert_agrees(path, fast)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: b"ID3\x04\x00\x00\x00\x00\x00\x00" + d, id="ID3v2 first"),
        pytest.param(lambda d: d[:300], id="cut in the blocks"),
        pytest.param(lambda d: d.replace(b"fLaC", b"fLaX"), id="no magic"),
    ],
)
def test_unusual_flac_goes_to_mutagen(tmp_path, damage):
    path = tagged(tmp_path, "clip.flac", PLAIN)
    path.write_bytes(damage(path.read_bytes()))
    assert fastflac.read(str(path)) is None


def test_last_page_without_end_of_stream_goes_to_mutagen(tmp_path):
    """mutagen then reads every page; the fast path leaves that to it."""
    path = tagged(tmp_path, "clip.ogg", PLAIN)
    data = bytearray(path.read_bytes())
    last = data.rindex(b"OggS")
    data[last + 5] &= ~4
    path.write_bytes(bytes(data))
    assert fastogg.read(str(path)) is None
    assert mutagen.File(path) is not None


def flip(data: bytes, at: int, mask: int) -> bytes:
    at %= len(data)
    return data[:at] + bytes([data[at] ^ mask]) + data[at + 1 :]


@pytest.fixture(scope="module")
def base_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Tagged files (with a cover) to damage, made once."""
    folder = tmp_path_factory.mktemp("base")
    comments = [("TITLE", "슬픔"), ("artist", "가수"), ("artist", "B"), ("tracknumber", "1")]
    return {t: tagged(folder, t, comments, JPEG).read_bytes() for t in TEMPLATES}


def check_damaged(folder: Path, template: str, data: bytes) -> None:
    path = folder / f"{uuid.uuid4().hex}{Path(template).suffix}"
    path.write_bytes(data)
    fast = fast_read(path)  # raises nothing: OSError only, and not here
    if fast is not None:
        assert_agrees(path, fast)


def damaged(base: bytes, cut: float, flips: list[tuple[int, int]], tail: bool) -> bytes:
    data = base
    if cut < 0.98:
        n = max(1, int(len(data) * cut))
        data = data[-n:] if tail else data[:n]
    for at, mask in flips:
        data = flip(data, at, mask)
    return data


DAMAGE = {
    "template": st.sampled_from(TEMPLATES),
    "cut": st.floats(0.0, 1.0),
    "flips": st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), max_size=3),
    "tail": st.booleans(),
}


@given(**DAMAGE)
@SETTINGS
def test_damaged_files_fall_back_or_agree(tmp_path, base_files, template, cut, flips, tail):
    """Truncated or bit-flipped: the fast path never raises, and what it returns is what
    mutagen returns."""
    check_damaged(tmp_path, template, damaged(base_files[template], cut, flips, tail))


@given(
    template=st.sampled_from(TEMPLATES),
    at=st.integers(0, 2000),
    value=st.integers(0, 2**32 - 1),
)
@SETTINGS
def test_header_fields_overwritten(tmp_path, base_files, template, at, value):
    """A 32-bit field anywhere in the headers set to any value (lengths, counts)."""
    data = base_files[template]
    at %= len(data) - 4
    check_damaged(tmp_path, template, data[:at] + struct.pack("<I", value) + data[at + 4 :])


@pytest.mark.fuzz
@given(**DAMAGE)
@settings(max_examples=5000, deadline=None)
def test_damaged_files_long(tmp_path_factory, template, cut, flips, tail):
    base = BASES.setdefault(
        template,
        tagged(tmp_path_factory.mktemp("b"), template, PLAIN, JPEG).read_bytes(),
    )
    check_damaged(tmp_path_factory.mktemp("d"), template, damaged(base, cut, flips, tail))


BASES: dict[str, bytes] = {}


RANDOM_KEYS = ["title", "Title", "ARTIST", "album", "albumartist", "Album Artist", "tracknumber",
               "genre", "coverart", "x"]  # fmt: skip


@given(
    template=st.sampled_from(TEMPLATES),
    comments=st.lists(
        st.tuples(
            st.sampled_from(RANDOM_KEYS),
            st.text(max_size=20),
        ),
        max_size=8,
    ),
)
@settings(max_examples=30, deadline=None)
def test_random_comments(tmp_path_factory, template, comments):
    folder = tmp_path_factory.mktemp("c", numbered=True)
    path = tagged(folder, template, comments)
    fast = fast_read(path)
    assert fast is not None
    assert_agrees(path, fast)


def bounded(path: Path) -> None:
    """read returns quickly, and allocates little, whatever the file claims."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        fast_read(path)
    finally:
        seconds = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert seconds < 1.0
    assert peak < vcomment.MAX_READ + 1024 * 1024


def test_flac_comment_claiming_huge_sizes(tmp_path):
    """A VORBIS_COMMENT block that declares 2**32-1 comments, then a 4 GB comment."""
    blocks = (DATA / "clip.flac").read_bytes()
    streaminfo = blocks[4:42]
    audio = blocks[42 + 4 + 14 + 4 + 8192 :]
    for count, length, key in (
        (2**32 - 1, 1, b"title="),
        (1, 2**32 - 1, b"title="),
        (1, 2**32 - 1, b"genre="),
        (9000, 5, b"title"),
    ):
        body = struct.pack("<II", 0, count) + struct.pack("<I", length) + key + bytes(1000)
        block = bytes([0x84]) + len(body).to_bytes(3, "big") + body
        path = tmp_path / f"{uuid.uuid4().hex}.flac"
        path.write_bytes(b"fLaC" + bytes([streaminfo[0] & 0x7F]) + streaminfo[1:] + block + audio)
        bounded(path)
        assert fastflac.read(str(path)) is None


@pytest.mark.parametrize("template", ("clip.ogg", "clip.opus"))
def test_ogg_comment_claiming_huge_sizes(tmp_path, template):
    """The comment packet's vendor length, count and a comment's length set to huge."""
    base = tagged(tmp_path, template, [("title", "x" * 50), ("genre", "y")]).read_bytes()
    prefix = b"\x03vorbis" if template == "clip.ogg" else b"OpusTags"
    vendor_at = base.index(prefix) + len(prefix)
    count_at = vendor_at + 4 + struct.unpack("<I", base[vendor_at : vendor_at + 4])[0]
    title_at = base.index(b"title=") - 4
    genre_at = base.index(b"genre=") - 4
    for at in (vendor_at, count_at, title_at, genre_at):
        for value in (2**32 - 1, 2**31, 9999):
            path = tmp_path / f"{uuid.uuid4().hex}{Path(template).suffix}"
            path.write_bytes(base[:at] + struct.pack("<I", value) + base[at + 4 :])
            bounded(path)
            fast = fast_read(path)
            if fast is not None:
                assert_agrees(path, fast)
