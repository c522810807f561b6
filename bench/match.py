"""Matcher benchmark: today's matcher against the one at a baseline commit, in the same run.

    .venv/bin/python bench/match.py [--baseline 47cf433] [--rounds 9] [--others 20000]

The baseline's `ksad_player` is extracted with `git archive` into a temporary folder and
renamed `ksad_base` (its imports with it), so both matchers live in one process and their
rounds alternate: a busy machine slows both alike. Both get the same Tags and the same
catalog.json. Input sets:

- catalog tag forms: every entry as English tags, Korean tags, decorated video-style tags,
  upper case and reversed credits (the forms the matcher knew before issue 7);
- other songs: random titles and artists that are not in the catalog (most of a library);
- the generated acceptance corpus (tests/corpus/generate.py), for recall and wrong songs;
- one title of 20,000 letters (the baseline builds all its one-letter deletions), with
  the peak memory Python allocates for it.

Prints files/s per set (best round), the ratio new/baseline, and appends the table to
bench/RESULTS.md under a "Matcher" heading.
"""

from __future__ import annotations

import argparse
import importlib
import platform
import random
import re
import subprocess
import sys
import tarfile
import tempfile
import time
import tracemalloc
from io import BytesIO
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))


def _inputs(catalog: Any, n_others: int) -> dict[str, list[tuple[str, tuple[str, ...], str]]]:
    """(title, artists, path) triples per input set; the same for both matchers."""
    rng = random.Random(5)
    forms = []
    for i, e in enumerate(catalog.entries):
        ko_title = next((t for t in e.title_aliases if any("가" <= c <= "힣" for c in t)), e.title)
        ko = [next((x for x in a.aliases if "가" <= x[:1] <= "힣"), a.name) for a in e.artists]
        en = [a.name for a in e.artists]
        forms += [
            (e.title, (e.credit,), f"/m/en/{i:02d} {e.title}.mp3"),
            (ko_title, (", ".join(ko),), f"/m/ko/{i:02d}.flac"),
            (f"[MV] {e.title} (Official Audio)", (f"{en[0]} ({ko[0]})", *en[1:]), f"/m/d/{i}.m4a"),
            (e.title.upper(), tuple(reversed(en)), f"/m/r/{i}.opus"),
        ]
    words = [
        "love",
        "night",
        "rain",
        "blue",
        "heart",
        "summer",
        "dream",
        "road",
        "light",
        "falling",
        "river",
        "gone",
    ]
    others = []
    for i in range(n_others):
        title = " ".join(rng.choice(words) for _ in range(rng.randint(1, 4))).title()
        artist = "".join(
            rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 12))
        )
        t = f"{title} {i}" if i % 3 else title
        others.append((t, (artist.title(),), f"/m/o/{artist}/{i % 20 + 1:02d} {t}.mp3"))
    huge = [("".join(rng.choice("abcdefgh ") for _ in range(20_000)), ("Someone",), "/m/h.mp3")]
    return {"catalog tag forms": forms, "other songs": others, "20,000-letter title": huge}


def _extract_baseline(commit: str, into: Path) -> None:
    """The baseline's package as `ksad_base`, its own imports renamed to match."""
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "ksad_player"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    (into / "ksad_player").rename(into / "ksad_base")
    for f in (into / "ksad_base").rglob("*.py"):
        f.write_text(re.sub(r"\bksad_player\b", "ksad_base", f.read_text(encoding="utf-8")))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default="47cf433")
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--others", type=int, default=20_000)
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()

    from ksad_player.core import catalog as catalog_mod
    from ksad_player.core.match import normalize as new_norm
    from ksad_player.core.match.matcher import Matcher
    from ksad_player.core.tags.reader import Tags, _apply_fallbacks
    from tests.corpus.generate import corpus

    tmp = tempfile.TemporaryDirectory()
    _extract_baseline(args.baseline, Path(tmp.name))
    sys.path.insert(0, tmp.name)
    base_cat = importlib.import_module("ksad_base.core.catalog")
    base_norm = importlib.import_module("ksad_base.core.match.normalize")
    BaseMatcher = importlib.import_module("ksad_base.core.match.matcher").Matcher

    path = ROOT / "catalog.json"
    catalog = catalog_mod.load_file(path)
    matchers = {
        "baseline": (BaseMatcher(base_cat.load_file(path)), base_norm),
        "new": (Matcher(catalog), new_norm),
    }

    def clear(norm: Any) -> None:
        for v in vars(norm).values():
            if hasattr(v, "cache_clear"):
                v.cache_clear()

    def read(t: str, a: tuple[str, ...], p: str, albumartist: str = "") -> Any:
        return _apply_fallbacks(Tags(path=p, title=t, artists=a, albumartist=albumartist))

    rows = [
        "| input | files | baseline files/s | new files/s | new vs baseline |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    seconds: dict[str, dict[str, float]] = {}
    for name, items in _inputs(catalog, args.others).items():
        tags = [read(*x) for x in items]
        best = {k: float("inf") for k in matchers}
        # Small sets get more rounds, so that each figure rests on about as many files.
        rounds = 1 if len(tags) == 1 else max(args.rounds, args.rounds * 2000 // len(tags))
        for _ in range(rounds):
            for k, (m, norm) in matchers.items():  # alternate: equal weather for both
                clear(norm)
                start = time.perf_counter()
                for t in tags:
                    m.match(t)
                best[k] = min(best[k], time.perf_counter() - start)
        b, n = len(tags) / best["baseline"], len(tags) / best["new"]
        rows.append(f"| {name} | {len(tags):,} | {b:,.0f} | {n:,.0f} | {n / b:.2f}× |")
        seconds[name] = best
    # A library as it is: the other songs and every catalog song in its four forms.
    mix = ("catalog tag forms", "other songs")
    files = args.others + len(catalog.entries) * 4
    b, n = (files / sum(seconds[s][k] for s in mix) for k in ("baseline", "new"))
    rows.append(f"| a library: both sets above | {files:,} | {b:,.0f} | {n:,.0f} | {n / b:.2f}× |")
    peaks = {}
    for k, (m, norm) in matchers.items():
        clear(norm)
        tracemalloc.start()
        m.match(read(*_inputs(catalog, 0)["20,000-letter title"][0]))
        peaks[k] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    rows.append(
        f"| peak MB allocated for the 20,000-letter title | | {peaks['baseline']:.1f} | "
        f"{peaks['new']:.2f} | |"
    )
    cases = corpus(catalog)
    tags = [read(c.title, c.artists, f"/music/{c.path}", c.albumartist) for c in cases]
    positives = sum(1 for c in cases if c.expected)
    for k, (m, _) in matchers.items():
        got = [m.match(t).entry_id for t in tags]
        hits = sum(bool(c.expected) and g == c.expected for c, g in zip(cases, got, strict=True))
        wrong = sum(bool(g) and g != c.expected for c, g in zip(cases, got, strict=True))
        peaks[k + " corpus"] = f"recall {hits / positives:.3f}, {wrong} wrong songs"
    rows.append(
        f"| generated corpus ({len(cases):,} files) | | {peaks['baseline corpus']} | "
        f"{peaks['new corpus']} | |"
    )
    head = (
        f"### Matcher vs {args.baseline} — {time.strftime('%Y-%m-%d %H:%M')} — "
        f"{platform.node() or 'host'}\n\n{platform.platform()}, Python "
        f"{platform.python_version()}; both matchers in one process, rounds alternating, "
        f"best of {args.rounds}, caches cleared before each round\n"
    )
    text = head + "\n" + "\n".join(rows) + "\n"
    print(text)
    if not args.no_write:
        with open(HERE / "RESULTS.md", "a", encoding="utf-8") as f:
            f.write("\n" + text)
    tmp.cleanup()


if __name__ == "__main__":
    main()
