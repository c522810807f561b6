"""The FLAC and Ogg fast tag readers against mutagen, per file.

    .venv/bin/python bench/fast_readers.py [--rounds 9] [--files 200]

Each template clip (tests/data: clip.flac, clip.ogg, clip.opus) is tagged with mutagen —
title, artists, album, album artist, track number and a 40 KB cover (a PICTURE block in
FLAC, a METADATA_BLOCK_PICTURE comment in Ogg) — and copied `--files` times into a
temporary folder. Each round reads every copy with the fast reader, then with
`mutagen.File` (alternating, so a busy machine slows both alike). Prints µs per file
(best round) and how many times faster the fast reader is. Both read from the page cache
after the first round: this measures parsing, not the disk.
"""

from __future__ import annotations

import argparse
import base64
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

COVER = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 160 + b"\xff\xd9"  # 40 KB


def _tagged(folder: Path, template: str) -> Path:
    import mutagen
    from mutagen.flac import FLAC, Picture

    path = folder / template
    shutil.copyfile(ROOT / "tests" / "data" / template, path)
    audio: Any = mutagen.File(path)
    if audio.tags is None:
        audio.add_tags()
    audio.tags["title"] = ["눈의 꽃"]
    audio.tags["artist"] = ["박효신", "Park Hyo-shin"]
    audio.tags["album"] = ["미안하다 사랑한다 OST"]
    audio.tags["albumartist"] = ["Various Artists"]
    audio.tags["tracknumber"] = ["3"]
    pic = Picture()
    pic.type, pic.mime, pic.data = 3, "image/jpeg", COVER
    if isinstance(audio, FLAC):
        audio.add_picture(pic)
    else:
        audio.tags["metadata_block_picture"] = [base64.b64encode(pic.write()).decode("ascii")]
    audio.save()
    return path


def _best(read: Callable[[str], Any], paths: list[str], best: float) -> float:
    start = time.perf_counter()
    for p in paths:
        read(p)
    return min(best, (time.perf_counter() - start) / len(paths))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--files", type=int, default=200)
    args = ap.parse_args()

    import mutagen

    from ksad_player.core.tags import fastflac, fastogg

    rows = [
        "| format | fast µs/file | mutagen.File µs/file | fast vs mutagen |",
        "| --- | ---: | ---: | ---: |",
    ]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for template, name, fast in (
            ("clip.flac", "FLAC", fastflac.read),
            ("clip.ogg", "Ogg Vorbis", fastogg.read),
            ("clip.opus", "Ogg Opus", fastogg.read),
        ):
            one = _tagged(folder, template)
            paths = []
            for i in range(args.files):
                copy = folder / f"{i}-{template}"
                shutil.copyfile(one, copy)
                paths.append(str(copy))
            assert fast(paths[0]) is not None, f"{template}: the fast path fell back"
            best_fast = best_mutagen = float("inf")
            for _ in range(args.rounds):
                best_fast = _best(fast, paths, best_fast)
                best_mutagen = _best(mutagen.File, paths, best_mutagen)
            rows.append(
                f"| {name} | {best_fast * 1e6:,.0f} | {best_mutagen * 1e6:,.0f} | "
                f"{best_mutagen / best_fast:.1f}× |"
            )
    print(
        f"Fast tag readers vs mutagen {mutagen.version_string} — {platform.platform()}, "
        f"Python {platform.python_version()}; 40 KB cover, best of {args.rounds} rounds "
        f"over {args.files} files\n"
    )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
