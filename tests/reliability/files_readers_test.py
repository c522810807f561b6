"""The tag readers on hostile files: bounded fields, plausible streams, errors in a user's
words, the fast MP3 path agreeing with mutagen, and fuzzing on mutated real clips."""

from __future__ import annotations

import functools
import json
import random
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

import mutagen
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mutagen import id3
from mutagen.flac import FLAC
from mutagen.mp3 import MP3

from ksad_player.core.library.identify import identify_paths
from ksad_player.core.library.index import LibraryIndex
from ksad_player.core.library.scanner import scan
from ksad_player.core.tags import fastmp3
from ksad_player.core.tags.reader import MAX_DURATION, MAX_FIELD_CHARS, read_tags

from ..conftest import DATA, TEMPLATES
from ..test_index import drain

MALFORMED = DATA / "malformed"
sys.path.insert(0, str(MALFORMED))
from make_fixtures import EXPECTED  # noqa: E402

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
TEN_MB = 10 * 1024 * 1024


# -- one 10 MB field costs what a normal one does -----------------------------------------
def _huge_mp3(dest: Path) -> Path:
    shutil.copyfile(DATA / "clip.mp3", dest)
    tags = id3.ID3()
    tags.add(id3.TIT2(encoding=3, text="x" * TEN_MB))
    tags.add(id3.TPE1(encoding=3, text="BTS"))
    tags.save(dest)
    return dest


def _huge_vorbis_comment(dest: Path) -> Path:
    """A 10 MB Vorbis comment, in the FLAC that carries it (mutagen writes it at once;
    writing one into Ogg pages would cost the test seconds)."""
    shutil.copyfile(DATA / "clip.flac", dest)
    flac = FLAC(dest)
    flac["title"] = "y" * TEN_MB
    flac["artist"] = "IU"
    flac.save()
    return dest


@functools.cache
def _bomb_body() -> bytes:
    return zlib.compress(b"\x03" + b"z" * (64 * 1024 * 1024), 6)


def _bomb_mp3(dest: Path, *, unsync_tag: bool = False) -> Path:
    """A zlib-compressed title frame that expands to 64 MB. With the whole-tag
    unsynchronisation flag, the fast path declines and mutagen reads it."""
    body = _bomb_body()
    size = len(body) + 4
    ss = bytes([(size >> 21) & 127, (size >> 14) & 127, (size >> 7) & 127, size & 127])
    frame = b"TIT2" + ss + b"\x00\x09" + b"\x0c\x00\x00\x00" + body
    n = len(frame)
    tag = b"ID3\x04\x00" + bytes([0x80 if unsync_tag else 0])
    tag += bytes([(n >> 21) & 127, (n >> 14) & 127, (n >> 7) & 127, n & 127]) + frame
    dest.write_bytes(tag + (DATA / "clip.mp3").read_bytes())
    return dest


HUGE = {
    "10 MB ID3 title": ("big.mp3", _huge_mp3),
    "10 MB Vorbis comment": ("big.flac", _huge_vorbis_comment),
    "zlib bomb, fast path": ("bomb.mp3", _bomb_mp3),
    "zlib bomb, mutagen path": ("bomb2.mp3", lambda d: _bomb_mp3(d, unsync_tag=True)),
}

PROBE = """
import json, sys
from ksad_player.core.tags.reader import read_tags
r = read_tags(sys.argv[1])
t = r.tags
# the peak of this process's own memory (ru_maxrss would count the parent's at fork)
hwm = next(int(x.split()[1]) for x in open("/proc/self/status") if x.startswith("VmHWM"))
print(json.dumps({"error": r.error, "title": len(t.title) if t else None,
                  "rss_mb": hwm // 1024}))
"""


@functools.cache
def _baseline_mb() -> int:
    return int(_probe(DATA / "clip.mp3")["rss_mb"])  # type: ignore[call-overload]


def _probe(path: Path) -> dict[str, object]:
    """Read one file in a fresh process; its peak memory is the reading's."""
    r = subprocess.run(
        [sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    return json.loads(r.stdout)


@pytest.mark.parametrize("case", sorted(HUGE))
def test_huge_fields_are_read_within_the_field_budget(tmp_path, case):
    name, make = HUGE[case]
    path = make(tmp_path / name)
    baseline = _baseline_mb()
    out = _probe(path)
    assert out["error"] is None
    assert 0 <= out["title"] <= MAX_FIELD_CHARS
    # A 10 MB field may be held once while reading; nothing grows with it beyond that.
    assert out["rss_mb"] < baseline + 120, out


def test_match_on_a_file_with_a_10_mb_title_finishes(tmp_path):
    path = _huge_mp3(tmp_path / "big.mp3")
    r = subprocess.run(
        [sys.executable, "-m", "ksad_player", "match", "--json", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    (rec,) = json.loads(r.stdout)
    assert rec["entry"] is None and len(rec["title"]) <= MAX_FIELD_CHARS


# -- the malformed fixtures, and the fast path against mutagen ----------------------------
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_malformed_mp3_fixtures(name):
    path = MALFORMED / name
    r = read_tags(path)
    want = EXPECTED[name]
    if want is None and r.tags is not None:  # the bomb: read, its title cut to the budget
        assert len(r.tags.title) == MAX_FIELD_CHARS
        return
    if want is None:
        assert r.error and r.error.startswith("damaged MP3: the tag says")
        assert "the file ends after" in r.error
        return
    assert (r.tags.title, r.tags.artists) == want
    m = MP3(path)  # mutagen, the reference, reads the same
    assert str(m.tags["TIT2"]) == want[0]
    if want[1]:
        assert [v for f in m.tags.getall("TPE1") for v in f.text] == list(want[1])


def test_truncated_tag_reason_names_both_sizes():
    r = read_tags(MALFORMED / "truncated-tag.mp3")
    assert r.error == "damaged MP3: the tag says 9,000 bytes, the file ends after 15"


text_values = st.lists(
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\x00\ufeff"),
        min_size=1,
        max_size=40,
    ).filter(str.strip),
    min_size=1,
    max_size=3,
)


@FUZZ
@given(
    version=st.sampled_from([3, 4]),
    encoding=st.sampled_from([0, 1, 2, 3]),
    title=text_values,
    artists=text_values,
    cover=st.booleans(),
)
def test_fastmp3_agrees_with_mutagen_on_generated_id3(
    tmp_path_factory, version, encoding, title, artists, cover
):
    """Whatever mutagen writes, the fast path reads what mutagen reads."""
    if encoding == 0:
        title = [t.encode("latin-1", "replace").decode("latin-1") for t in title]
        artists = [a.encode("latin-1", "replace").decode("latin-1") for a in artists]
    path = tmp_path_factory.mktemp("d") / "t.mp3"
    shutil.copyfile(DATA / "clip.mp3", path)
    tags = id3.ID3()
    tags.add(id3.TIT2(encoding=encoding, text=title))
    tags.add(id3.TPE1(encoding=encoding, text=artists))
    if cover:
        tags.add(id3.APIC(encoding=0, mime="image/png", type=3, data=b"\x89PNG" + b"\0" * 300))
    tags.save(path, v2_version=version)
    fast = fastmp3.read(str(path))
    ref = MP3(path)
    assert fast is not None
    for fid, name in ((b"TIT2", "title"), (b"TPE1", "artist")):
        want = [v.strip() for f in ref.tags.getall(fid.decode()) for v in f.text if v.strip()]
        assert [v for v, _ in fast.fields.get(name, [])] == want
    assert fast.has_cover == cover


@FUZZ
@given(title=st.text(min_size=130, max_size=400).filter(lambda t: "\x00" not in t))
def test_fastmp3_reads_itunes_plain_frame_sizes(tmp_path_factory, title):
    """ID3v2.4 with plain-integer frame sizes, as iTunes writes them, read as mutagen does."""
    import struct

    def frame(fid: bytes, body: bytes) -> bytes:
        return fid + struct.pack(">I", len(body)) + b"\0\0" + body

    body = frame(b"TIT2", b"\x01" + title.encode("utf-16")) + frame(b"TPE1", b"\x03IU")
    n = len(body)
    size = bytes([(n >> 21) & 127, (n >> 14) & 127, (n >> 7) & 127, n & 127])
    path = tmp_path_factory.mktemp("d") / "itunes.mp3"
    path.write_bytes(b"ID3\x04\x00\x00" + size + body + (DATA / "clip.mp3").read_bytes())
    ref = MP3(path)
    fast = fastmp3.read(str(path))
    assert fast is not None
    assert [v for v, _ in fast.fields["title"]] == [str(ref.tags["TIT2"]).strip()]
    assert [v for v, _ in fast.fields["artist"]] == ["IU"]


# -- noise is not music -------------------------------------------------------------------
MAGIC = {
    ".mp3": [
        b"ID3\x03\x00\x00\x00\x00\x00\x00",
        b"\xff\xfb\x90\x64",
        # a tag, then one MPEG frame header and noise: the fast path must look further
        b"ID3\x03\x00\x00\x00\x00\x00\x0bTIT2\x00\x00\x00\x01\x00\x00\x00\xff\xfb\x90\x64",
    ],
    ".flac": [b"fLaC"],
    ".ogg": [b"OggS"],
    ".wav": [b"RIFF\x00\x10\x00\x00WAVEfmt "],
    ".ape": [b"MAC "],
    ".wv": [b"wvpk"],
    ".mpc": [b"MP+", b"MPCK"],
    ".aiff": [b"FORM\x00\x10\x00\x00AIFF"],
    ".m4a": [b"\x00\x00\x00\x20ftypM4A "],
    ".wma": [bytes.fromhex("3026b2758e66cf11a6d900aa0062ce6c")],
}


def _noise(folder: Path, n: int, seed: int) -> list[Path]:
    """Random bytes behind each format's magic number, at sizes from 100 B to 50 KB."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(n):
        ext = rng.choice(sorted(MAGIC))
        path = folder / f"noise{i}{ext}"
        size = rng.choice([100, 1000, 5000, 50_000])
        path.write_bytes(rng.choice(MAGIC[ext]) + rng.randbytes(size))
        out.append(path)
    return out


def test_random_bytes_behind_a_magic_number_are_not_tracks(tmp_path):
    files = _noise(tmp_path / "noise", 300, seed=8)
    accepted = [p.name for p in files if read_tags(p).tags is not None]
    assert accepted == []
    mac = tmp_path / "mac.ape"
    mac.write_bytes(b"MAC " + random.Random(1).randbytes(100))
    r = read_tags(mac)
    assert r.tags is None and "header claims" in r.error


def _mutants(folder: Path, seed: int) -> None:
    """Truncations and byte flips of every real clip, tagged and not."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for fmt, name in sorted(TEMPLATES.items()):
        data = (DATA / name).read_bytes()
        ext = Path(name).suffix
        for k in range(6):
            cut = rng.randrange(1, len(data))
            (folder / f"{fmt}-cut{k}{ext}").write_bytes(data[:cut])
            flipped = bytearray(data)
            for _ in range(rng.randrange(1, 8)):
                flipped[rng.randrange(min(len(data), 600))] ^= 1 << rng.randrange(8)
            (folder / f"{fmt}-flip{k}{ext}").write_bytes(bytes(flipped))
    for name in EXPECTED:
        shutil.copyfile(MALFORMED / name, folder / name)


def test_scan_and_match_agree_on_every_file(tmp_path, matcher):
    lib = tmp_path / "lib"
    _mutants(lib / "mutants", seed=11)
    _noise(lib / "noise", 60, seed=12)
    matched = {
        i.path: (i.error is None, i.match.entry_id if i.match else None)
        for i in identify_paths([str(lib)], matcher, lambda _: None)
    }
    with LibraryIndex() as idx:
        drain(scan(idx, matcher, [str(lib)], workers=1))
        scanned = {t.path: (t.error is None, t.entry_id) for t in idx.tracks()}
    assert scanned == matched
    assert any(ok for ok, _ in matched.values()) and not all(ok for ok, _ in matched.values())


# -- fuzzing: any mutation of a real clip is tags or a clear reason -----------------------
INTERNAL = ("Errno", "Error", "codec", "index out of range", "struct", "unpack", "'", "\\x",
            "None", "Traceback", "object", "int(")  # fmt: skip


def _check(path: Path) -> None:
    r = read_tags(path)
    if r.tags is None:
        assert r.error and r.error.strip(), "an empty reason"
        assert str(path.parent) not in r.error and path.name not in r.error
        assert not any(word in r.error for word in INTERNAL), r.error
    else:
        assert r.error is None
        assert 0 <= r.tags.duration <= MAX_DURATION
        assert len(r.tags.title) <= MAX_FIELD_CHARS
        assert all(len(a) <= MAX_FIELD_CHARS for a in r.tags.artists)


PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f80f00000101000518d84e0000000049454e44ae426082"
)


@functools.cache
def _clips() -> dict[str, bytes]:
    """Every template clip as it is, and tagged (Hangul, a cover, a track number), and the
    malformed fixtures: the seeds the mutations start from."""
    from ksad_player.core.tags.writer import TagSpec, write_tags

    out = {name: (DATA / name).read_bytes() for name in TEMPLATES.values()}
    out.update({f"malformed/{n}": (MALFORMED / n).read_bytes() for n in EXPECTED})
    folder = Path(tempfile.mkdtemp(prefix="ksad-seeds-"))
    for name in TEMPLATES.values():
        path = folder / name
        shutil.copyfile(DATA / name, path)
        write_tags(path, TagSpec("밤편지", ("아이유", "IU"), "Palette", "IU", 3, PNG))
        out[f"tagged/{name}"] = path.read_bytes()
    shutil.rmtree(folder)
    return out


@st.composite
def mutated_clip(draw: st.DrawFn) -> tuple[str, bytes]:
    name = draw(st.sampled_from(sorted(_clips())))
    data = bytearray(_clips()[name])
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["truncate", "flip", "huge", "zero", "insert"]))
        pos = draw(st.integers(0, max(0, min(len(data) - 1, 8192))))
        if op == "truncate":
            data = data[: max(1, pos)]
        elif op == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif op == "huge":  # a size field set to its largest
            data[pos : pos + 4] = draw(st.sampled_from([b"\xff\xff\xff\xff", b"\x7f\x7f\x7f\x7f",
                                                        b"\x7f\xff\xff\xff"]))  # fmt: skip
        elif op == "zero":
            data[pos : pos + 4] = b"\0\0\0\0"
        else:
            data[pos:pos] = draw(st.binary(min_size=1, max_size=16))
    return Path(name).suffix, bytes(data)


@FUZZ
@given(clip=mutated_clip())
def test_fuzzed_clips_are_tags_or_a_clear_reason(tmp_path_factory, clip):
    ext, data = clip
    path = tmp_path_factory.mktemp("f") / f"song{ext}"
    path.write_bytes(data)
    _check(path)


@pytest.mark.fuzz
@LONG
@given(clip=mutated_clip())
def test_fuzz_long_tag_readers(tmp_path_factory, clip):
    ext, data = clip
    path = tmp_path_factory.mktemp("f") / f"song{ext}"
    path.write_bytes(data)
    _check(path)


def test_read_errors_never_repeat_the_path(tmp_path, make_track):
    gone = tmp_path / "gone.mp3"
    gone.symlink_to(tmp_path / "nowhere.mp3")
    folder = tmp_path / "dir.mp3"
    folder.mkdir()
    for p in (gone, folder):
        r = read_tags(p)
        assert r.error and str(tmp_path) not in r.error and "Errno" not in r.error


def test_mutagen_is_still_the_reference_for_every_template():
    """The plausibility rule keeps every real clip (tiny as they are)."""
    for name in TEMPLATES.values():
        r = read_tags(DATA / name)
        assert r.tags is not None, (name, r.error)
        assert mutagen.File(DATA / name) is not None


def test_a_read_past_its_time_budget_is_reported_and_the_next_one_runs(tmp_path, monkeypatch):
    """The per-file timer of the calling process (match, small scans, each worker)."""
    from ksad_player.core.tags import reader

    path = _huge_vorbis_comment(tmp_path / "big.flac")  # a tenth of a second or so
    monkeypatch.setattr(reader, "READ_SECONDS", 0.002)
    assert read_tags(path).error == reader.TOO_LONG
    monkeypatch.undo()
    r = read_tags(path)  # the timer is disarmed: a normal budget reads it
    assert r.tags is not None and r.tags.artists == ("IU",)
    assert read_tags(DATA / "clip.mp3").tags is not None
