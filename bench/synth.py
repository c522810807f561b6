"""A synthetic music library for the benchmarks: real files, realistic tags, no real music."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

from ksad_player.core.tags.writer import TagSpec, write_tags

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
# (template, share): MP3 with ID3v2.3/2.4, FLAC, M4A, Ogg Vorbis, Opus.
MIX = [
    ("clip.mp3", 0.55),
    ("clip.flac", 0.12),
    ("clip.m4a", 0.13),
    ("clip.ogg", 0.12),
    ("clip.opus", 0.08),
]
HANGUL = "가나다라마바사아자차카타파하그리움사랑이별눈물밤비바람별꽃"


def _cover(rng: random.Random) -> bytes:
    """A JPEG-looking blob of 30–60 KB (its content is never decoded during a scan)."""
    return b"\xff\xd8\xff\xe0" + rng.randbytes(rng.randint(30_000, 60_000)) + b"\xff\xd9"


def _words(rng: random.Random, hangul: bool) -> str:
    if hangul:
        return " ".join(
            "".join(rng.choice(HANGUL) for _ in range(rng.randint(2, 4)))
            for _ in range(rng.randint(1, 3))
        )
    return " ".join(
        rng.choice(
            [
                "Rain",
                "Night",
                "Blue",
                "Memory",
                "Love",
                "Star",
                "Winter",
                "Light",
                "Dream",
                "Tears",
                "Road",
                "Song",
                "Heart",
                "Moon",
            ]
        )
        for _ in range(rng.randint(1, 3))
    )


def make_library(root: Path, n: int, seed: int = 1) -> Path:
    """Create (once) n tagged files under root; a finished library is reused."""
    done = root / ".complete"
    if done.exists() and done.read_text() == str(n):
        return root
    shutil.rmtree(root, ignore_errors=True)
    rng = random.Random(seed)
    templates = {name: (DATA / name).read_bytes() for name, _ in MIX}
    names = [m[0] for m in MIX]
    weights = [m[1] for m in MIX]
    covers = [_cover(rng) for _ in range(8)]
    per_album = 12
    for i in range(n):
        tpl = rng.choices(names, weights)[0]
        hangul = rng.random() < 0.15
        artist = f"Artist {i // (per_album * 4)}" if not hangul else _words(rng, True)
        album_dir = root / f"{artist}" / f"Album {i // per_album}"
        album_dir.mkdir(parents=True, exist_ok=True)
        path = album_dir / f"{i % per_album + 1:02d} {i}{Path(tpl).suffix}"
        path.write_bytes(templates[tpl])
        cover = (
            rng.choice(covers)
            if (tpl in ("clip.mp3", "clip.flac") and rng.random() < 0.3)
            else None
        )
        spec = TagSpec(
            _words(rng, hangul),
            (artist,),
            f"Album {i // per_album}",
            artist,
            i % per_album + 1,
            cover,
        )
        write_tags(path, spec, id3_version=rng.choice((3, 4)))
    done.write_text(str(n))
    return root


def touch_fraction(root: Path, fraction: float, seed: int) -> int:
    """Change the mtime of a fraction of the files, as a tag editor would."""
    rng = random.Random(seed)
    files = [p for p in root.rglob("*") if p.is_file() and p.name != ".complete"]
    chosen = rng.sample(files, max(1, int(len(files) * fraction)))
    for p in chosen:
        st = p.stat()
        os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000 + rng.randint(0, 10**6)))
    return len(chosen)
