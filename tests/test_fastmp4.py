"""The MP4 fast path against mutagen: the same tags from the same files, or a fallback.

Files are the template clips (AAC and ALAC) tagged here with mutagen, the way iTunes-style
taggers write them; damaged copies come from truncation and byte flips.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutagen.mp4 import MP4, MP4Cover, MP4FreeForm

from ksad_player.core.library.index import LibraryIndex
from ksad_player.core.library.scanner import drive, scan
from ksad_player.core.tags import fastmp4
from ksad_player.core.tags.reader import MAX_FIELD_CHARS, read_tags

from .conftest import DATA

TEMPLATES = ("clip.m4a", "clip-alac.m4a")
HANGUL = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
ANY = st.characters(blacklist_categories=("Cs",))
text = st.text(st.one_of(HANGUL, ANY), max_size=30)
names = st.lists(text, min_size=1, max_size=3)
JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 8 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(300)
covers = st.lists(st.sampled_from([JPEG, PNG]), max_size=2)
FIELDS = {"title": "©nam", "artist": "©ART", "album": "©alb", "albumartist": "aART"}
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def tagged(
    folder: Path,
    template: str,
    values: dict[str, list[str] | None],
    track: tuple[int, int] | None,
    pictures: list[bytes],
    extra: bool = False,
) -> Path:
    """A copy of a template clip with these tags, written by mutagen."""
    path = folder / f"{uuid.uuid4().hex}.m4a"
    shutil.copyfile(DATA / template, path)
    audio = MP4(path)
    audio.delete()
    for name, atom in FIELDS.items():
        if values.get(name) is not None:
            audio[atom] = values[name]
    if track is not None:
        audio["trkn"] = [track]
    if pictures:
        audio["covr"] = [
            MP4Cover(p, MP4Cover.FORMAT_PNG if p.startswith(b"\x89PNG") else MP4Cover.FORMAT_JPEG)
            for p in pictures
        ]
    if extra:  # items the fast path skips over
        audio["©day"] = ["2016"]
        audio["----:com.apple.iTunes:MOOD"] = [MP4FreeForm(b"sad")]
        audio["cpil"] = True
    audio.save()
    return path


@given(
    template=st.sampled_from(TEMPLATES),
    title=st.none() | names,
    artists=st.none() | names,
    album=st.none() | names,
    albumartist=st.none() | names,
    track=st.none() | st.tuples(st.integers(0, 65535), st.integers(0, 65535)),
    pictures=covers,
    extra=st.booleans(),
)
@SETTINGS
def test_fast_path_reads_what_mutagen_reads(
    tmp_path_factory, template, title, artists, album, albumartist, track, pictures, extra
):
    folder = tmp_path_factory.mktemp("m4a", numbered=True)
    values = {"title": title, "artist": artists, "album": album, "albumartist": albumartist}
    path = str(tagged(folder, template, values, track, pictures, extra))
    fast = fastmp4.read(path)
    assert fast is not None, "a plainly tagged M4A must take the fast path"
    assert fast.has_cover == bool(pictures)
    via_fast = read_tags(path, scan=True)
    via_mutagen = read_tags(path)  # mutagen.File, the general path
    assert via_fast == via_mutagen
    assert via_fast.tags is not None
    assert via_fast.tags.format == ("ALAC" if "alac" in template else "AAC")


def test_hangul_tags_and_cover_reach_the_index(tmp_path):
    """What a user sees after a scan: the Hangul title and artist, the cover flag."""
    lib = tmp_path / "lib"
    lib.mkdir()
    tagged(lib, "clip.m4a", {"title": ["눈의 꽃"], "artist": ["박효신"]}, (3, 12), [JPEG])
    tagged(lib, "clip-alac.m4a", {"title": ["안녕"], "artist": ["폴킴", "Paul Kim"]}, None, [])
    with LibraryIndex(tmp_path / "index.sqlite3") as idx:
        from ksad_player.core import catalog as catalog_mod
        from ksad_player.core.match.matcher import Matcher

        matcher = Matcher(catalog_mod.load_file(catalog_mod.paths.builtin_catalog_path()))
        summary = drive(scan(idx, matcher, [str(lib)], workers=1), lambda _e: None)
        assert summary.errors == 0
        got = sorted((t.tags.title, t.tags.artists, t.tags.has_cover, t.tags.tracknumber,
                      t.tags.format) for t in idx.tracks())  # fmt: skip
    assert got == [
        ("눈의 꽃", ("박효신",), True, 3, "AAC"),
        ("안녕", ("폴킴", "Paul Kim"), False, None, "ALAC"),
    ]


def flip(data: bytes, at: int, mask: int) -> bytes:
    at %= len(data)
    return data[:at] + bytes([data[at] ^ mask]) + data[at + 1 :]


@given(
    template=st.sampled_from(TEMPLATES),
    cut=st.floats(0.0, 1.0),
    flips=st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 255)), max_size=3),
    pictures=covers,
)
@SETTINGS
def test_damaged_files_fall_back_or_agree(tmp_path_factory, template, cut, flips, pictures):
    """Truncated or bit-flipped: the fast path never raises, and what it returns is what
    mutagen returns whenever mutagen can read the file at all."""
    folder = tmp_path_factory.mktemp("bad", numbered=True)
    good = tagged(folder, template, {"title": ["슬픔"], "artist": ["가수"]}, (1, 2), pictures)
    data = good.read_bytes()
    data = data[: max(1, int(len(data) * cut))] if cut < 0.98 else data
    for at, mask in flips:
        data = flip(data, at, mask)
    good.write_bytes(data)
    fast = fastmp4.read(str(good))  # must not raise
    via_fast = read_tags(good, scan=True)
    via_mutagen = read_tags(good)
    if fast is not None and via_mutagen.tags is not None:
        assert via_fast == via_mutagen


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda d: d.replace(b"ftyp", b"xxxx", 1), id="no ftyp"),
        pytest.param(lambda d: d.replace(b"mp4a", b"ac-3", 1), id="other codec"),
        pytest.param(lambda d: d[: d.find(b"moov") + 40], id="moov cut short"),
    ],
)
def test_unusual_files_go_to_mutagen(tmp_path, damage):
    path = tagged(tmp_path, "clip.m4a", {"title": ["x"]}, None, [])
    path.write_bytes(damage(path.read_bytes()))
    assert fastmp4.read(str(path)) is None
    read_tags(path, scan=True)  # mutagen decides, without raising


def test_budget_stops_at_oversized_text(tmp_path):
    """A text item beyond the budget is not read into memory by the fast path."""
    path = tagged(tmp_path, "clip.m4a", {"title": ["x" * (fastmp4.MAX_TEXT + 10)]}, None, [])
    assert fastmp4.read(str(path)) is None
    got = read_tags(path, scan=True)
    # mutagen reads it instead, and the reader's field budget keeps what matching can use
    assert got.tags is not None and got.tags.title == "x" * MAX_FIELD_CHARS
