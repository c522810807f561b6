"""A demo library for people without the songs: short synthesized clips, a different soft
melody each, tagged as thirteen catalog songs spread over every mood (one with a content
note, so that gentle listening can be tried too)."""

from __future__ import annotations

import array
import math
import random
import wave
from pathlib import Path

from ksad_player.core import paths
from ksad_player.core.tags.writer import TagSpec, write_tags

ALBUM = "ksad-player demo"
RATE = 16000
# (entry id, title as tagged, artist as tagged): some in Hangul, as real libraries are.
SONGS = [
    ("taeyeon-fine", "Fine", "태연 (TAEYEON)"),
    ("taeyang-eyes-nose-lips", "눈, 코, 입", "태양"),
    ("im-sun-hae-will-be-back", "Will Be Back", "Im Sun Hae"),
    ("jonghyun-lonely", "Lonely", "종현 (JONGHYUN)"),
    ("blackpink-stay", "STAY", "BLACKPINK"),
    ("ikon-apology", "지못미 (Apology)", "iKON"),
    ("g-dragon-untitled", "무제 (Untitled, 2014)", "G-DRAGON"),
    ("2ne1-goodbye", "안녕 (GOODBYE)", "2NE1"),
    ("lee-sun-hee-windflower", "Windflower", "Lee Sun Hee"),
    ("girls-generation-sailing", "그 여름 (0805)", "소녀시대"),
    ("lee-hi-breathe", "Breathe", "LEE HI"),
    ("chani-starlight", "Starlight", "Chani (SF9)"),
    ("jonghyun-let-me-out", "놓아줘 (Let Me Out)", "종현"),  # has a content note
]
_SCALE = [0, 2, 4, 7, 9, 12, 14, 16]  # a major pentatonic: soft, never harsh


def melody(seed: int, seconds: float) -> array.array[int]:
    """A gentle pentatonic melody with soft attacks, different for every seed."""
    rng = random.Random(seed)
    root = 196.0 * 2 ** (rng.randint(0, 7) / 12)
    beat = rng.choice((0.5, 0.6, 0.75))
    samples = array.array("h")
    t_total = int(seconds * RATE)
    note_len = int(beat * RATE)
    phase = 0.0
    while len(samples) < t_total:
        freq = root * 2 ** (rng.choice(_SCALE) / 12)
        step = 2 * math.pi * freq / RATE
        n = min(note_len, t_total - len(samples))
        for i in range(n):
            env = min(1.0, i / 800) * math.exp(-3.0 * i / note_len)
            value = math.sin(phase) + 0.25 * math.sin(2 * phase)
            samples.append(int(6500 * env * value))
            phase += step
    return samples


def demo_dir() -> Path:
    """In the data dir, beside the index: cache cleaners would delete it from the cache dir."""
    return paths.data_dir() / "demo"


def make_demo(target: Path | None = None, seconds: float = 6.0) -> Path:
    """Write the demo folder (reused when complete; any missing clip is written again)."""
    folder = target or demo_dir()
    done = folder / ".complete"
    if done.exists() and all(
        (folder / f"{n:02d} demo.wav").is_file() for n in range(1, len(SONGS) + 1)
    ):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for n, (_entry, title, artist) in enumerate(SONGS, 1):
        path = folder / f"{n:02d} demo.wav"
        with wave.open(str(path), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(RATE)
            w.writeframes(melody(n, seconds).tobytes())
        write_tags(path, TagSpec(title, (artist,), ALBUM, "ksad-player", n))
    done.write_text(str(len(SONGS)))
    return folder
