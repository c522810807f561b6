"""Reading tags from every format VLC plays, old Korean rips included, and surviving bad files."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from mutagen import id3

from ksad_player.core.tags import reader as tags_mod
from ksad_player.core.tags.writer import TagSpec, write_id3v1_only, write_id3v22

from .conftest import DATA, TEMPLATES, copy_template

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f"
    b"\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00\x00"
    b"\x00IEND\xaeB`\x82"
)


@pytest.fixture(params=[False, True], ids=["full", "scan"])
def read_tags(request):
    """Every reading test runs through the full reader and the scan's fast path."""
    return functools.partial(tags_mod.read_tags, scan=request.param)


@pytest.mark.parametrize("fmt", sorted(TEMPLATES))
def test_every_format_reads_all_fields(make_track, fmt, read_tags):
    path = make_track(
        fmt, title="눈, 코, 입", artists=["태양"], album="Rise", albumartist="Taeyang", track=3
    )
    r = read_tags(path)
    assert r.error is None
    t = r.tags
    assert (t.title, t.artists, t.album, t.albumartist, t.tracknumber) == (
        "눈, 코, 입",
        ("태양",),
        "Rise",
        "Taeyang",
        3,
    )
    assert 0.3 < t.duration < 1.0
    assert t.title_source == "tag" and t.artist_source == "tag"


@pytest.mark.parametrize("fmt", ["mp3", "flac", "m4a", "wav"])
def test_embedded_cover_is_noticed(make_track, fmt, read_tags):
    with_cover = read_tags(make_track(fmt, title="Fine", artists=["Taeyeon"], cover=PNG)).tags
    without = read_tags(make_track(fmt, title="Fine", artists=["Taeyeon"])).tags
    assert with_cover.has_cover and not without.has_cover


def test_lossless_and_bitrate_are_known(make_track, read_tags):
    flac = read_tags(make_track("flac", title="a", artists=["b"])).tags
    alac = read_tags(make_track("alac", title="a", artists=["b"])).tags
    mp3 = read_tags(make_track("mp3", title="a", artists=["b"])).tags
    assert flac.lossless and alac.lossless and alac.format == "ALAC"
    assert not mp3.lossless and mp3.bitrate == 32000


@pytest.mark.parametrize("version", [3, 4])
def test_id3v2_versions_and_multiple_artists(make_track, version, read_tags):
    path = make_track("mp3", title="Rain", artists=["Baekhyun", "Soyou"], id3_version=version)
    tags = read_tags(path).tags
    assert tags.title == "Rain"
    assert "Baekhyun" in tags.artist and "Soyou" in tags.artist


def test_id3v22_is_read(tmp_path, read_tags):
    path = copy_template("mp3", tmp_path / "old.mp3")
    write_id3v22(str(path), TagSpec("LOSER", ("BIGBANG",), "MADE"))
    t = read_tags(path).tags
    assert (t.title, t.artists, t.album) == ("LOSER", ("BIGBANG",), "MADE")


def test_id3v1_only_is_read(tmp_path, read_tags):
    path = copy_template("mp3", tmp_path / "v1.mp3")
    write_id3v1_only(str(path), TagSpec("Goodbye", ("2NE1",)))
    assert path.read_bytes()[:3] != b"ID3"
    t = read_tags(path).tags
    assert (t.title, t.artists) == ("Goodbye", ("2NE1",))


@pytest.mark.parametrize(
    "title,artist",
    [
        ("이 바보야", "정승환"),
        ("그 여름 (0805)", "소녀시대"),
        ("Fine", "태연"),
        ("아름답고도 아프구나", "비투비"),
    ],
)
def test_cp949_in_latin1_id3v23_frames_is_repaired(make_track, title, artist, read_tags):
    path = make_track("mp3", title=title, artists=[artist], album="앨범", id3_version=3, cp949=True)
    raw = id3.ID3(path)
    assert raw["TPE1"].encoding == id3.Encoding.LATIN1 and raw["TPE1"].text[0] != artist
    t = read_tags(path).tags
    assert (t.title, t.artists, t.album) == (title, (artist,), "앨범")
    assert t.repaired


def test_cp949_in_id3v1_is_repaired(tmp_path, read_tags):
    path = copy_template("mp3", tmp_path / "v1.mp3")
    write_id3v1_only(str(path), TagSpec("한숨", ("이하이",)), cp949=True)
    t = read_tags(path).tags
    assert (t.title, t.artists) == ("한숨", ("이하이",))


@pytest.mark.parametrize(
    "name",
    [
        "Beyoncé",
        "Motörhead",
        "Sigur Rós",
        "café",
        "Björk",
        "Ágætis byrjun",
        "Måneskin",
        "Åsa",
        "Françoise Hardy",
    ],
)
def test_genuine_latin1_is_left_alone(make_track, name, read_tags):
    path = make_track("mp3", title=name, artists=[name], id3_version=3)
    tags = id3.ID3(path)
    for fid in ("TIT2", "TPE1"):  # make sure the frames really are Latin-1
        tags[fid].encoding = id3.Encoding.LATIN1
    tags.save(path, v2_version=3)
    t = read_tags(path).tags
    assert (t.title, t.artists, t.repaired) == (name, (name,), False)


@pytest.mark.parametrize(
    "rel,title,artist",
    [
        ("Taeyeon - Fine.mp3", "Fine", ("Taeyeon",)),
        ("03 Taeyang - Eyes, Nose, Lips.mp3", "Eyes, Nose, Lips", ("Taeyang",)),
        ("03. 태양 - 눈, 코, 입.mp3", "눈, 코, 입", ("태양",)),
        ("Jonghyun/The Story/05. Lonely.mp3", "Lonely", ()),
        ("BIGBANG/MADE/01_LOSER.mp3", "LOSER", ()),
        ("Lee_Hi_-_Breathe.mp3", "Breathe", ("Lee Hi",)),
    ],
)
def test_file_name_fallback_when_tags_are_missing(make_track, rel, title, artist, read_tags):
    t = read_tags(make_track("mp3", rel)).tags
    assert t.title == title and t.title_source == "filename"
    assert t.artists == artist
    if not artist:
        assert t.artist_source == "folder" and Path(rel).parts[0] in t.folder_artists


@pytest.mark.parametrize(
    "title,artist", [("Track 01", "Unknown Artist"), ("", ""), ("트랙 3", "Various Artists")]
)
def test_useless_tags_fall_back_to_the_file_name(make_track, title, artist, read_tags):
    t = read_tags(
        make_track(
            "mp3", "01 Soyou - I Miss You.mp3", title=title, artists=[artist] if artist else []
        )
    ).tags
    assert (t.title, t.artists) == ("I Miss You", ("Soyou",))


def test_real_tags_beat_the_file_name(make_track, read_tags):
    t = read_tags(
        make_track("mp3", "01 Somebody - Something.mp3", title="Stay", artists=["BLACKPINK"])
    ).tags
    assert (t.title, t.artists, t.title_source) == ("Stay", ("BLACKPINK",), "tag")


def test_bad_files_are_reported_not_raised(tmp_path, read_tags):
    lib = tmp_path / "bad"
    lib.mkdir()
    (lib / "zero.mp3").write_bytes(b"")
    (lib / "noise.flac").write_bytes(os.urandom(3000))
    (lib / "text.mp3").write_text("this is not audio at all " * 50)
    (lib / "truncated.flac").write_bytes((DATA / "clip.flac").read_bytes()[:300])
    (lib / "half.m4a").write_bytes((DATA / "clip.m4a").read_bytes()[:200])
    (lib / "gone.mp3").symlink_to(lib / "nowhere.mp3")
    results = {p.name: read_tags(p) for p in lib.iterdir()}
    assert "0 bytes" in results["zero.mp3"].error
    assert "cannot open" in results["gone.mp3"].error
    for name in ("noise.flac", "text.mp3", "truncated.flac", "half.m4a"):
        assert results[name].tags is None and results[name].error, name


def test_unreadable_file_is_reported(make_track):
    path = make_track("mp3", title="x", artists=["y"])
    path.chmod(0)
    # Root reads any file; without its DAC capabilities it meets the mode like anyone.
    prefix = (
        ["setpriv", "--bounding-set=-dac_override,-dac_read_search", "--"]
        if os.geteuid() == 0
        else []
    )
    code = (
        "import sys; from ksad_player.core.tags.reader import read_tags as r; print(r(sys.argv[1]).error)"
    )
    r = subprocess.run(
        [*prefix, sys.executable, "-c", code, str(path)], capture_output=True, text=True
    )
    assert r.stdout.startswith("cannot open: Permission denied"), r.stderr


def test_mislabelled_file_is_read_by_content(tmp_path, make_track, read_tags):
    ogg = make_track("ogg", title="Hush", artists=["Lasse Lindh"])
    fake = tmp_path / "hush.mp3"
    shutil.copyfile(ogg, fake)
    r = read_tags(fake)
    assert r.tags.title == "Hush" and r.tags.format == "Vorbis"
    assert "content is Vorbis" in r.tags.warning
