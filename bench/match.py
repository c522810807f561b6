"""Matcher benchmark: today's matcher against the one at a baseline commit, in the same run.

    .venv/bin/python bench/match.py [--baseline 47cf433] [--rounds 5] [--others 20000]

The baseline's `ksad_player` is extracted with `git archive` into a temporary folder, and
each matcher runs in a process of its own on the same inputs and the same catalog.json:

- catalog tag forms: every entry as English tags, Korean tags, decorated video-style tags,
  upper case and reversed credits (what the matcher saw before issue 7);
- other songs: random titles and artists that are not in the catalog (most of a library);
- the generated acceptance corpus (tests/corpus/generate.py), for its recall;
- one title of 20,000 letters (the baseline builds all its one-letter deletions).

Prints files/s per input set, the ratio new/baseline, peak RSS, and the corpus recall of
each, and appends the table to bench/RESULTS.md under "Matcher".
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import subprocess
import sys
import tarfile
import tempfile
import time
from io import BytesIO
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _inputs(catalog: Any, n_others: int) -> dict[str, list[tuple[str, tuple[str, ...], str]]]:
    """(title, artists, path) triples per input set; the same for both matchers."""
    rng = random.Random(5)
    forms = []
    for i, e in enumerate(catalog.entries):
        ko_title = next((t for t in e.title_aliases if any("가" <= c <= "힣" for c in t)), e.title)
        ko = [next((x for x in a.aliases if "가" <= x[:1] <= "힣"), a.name) for a in e.artists]
        en = [a.name for a in e.artists]
        forms += [
            (e.title, (e.credit,), f"/m/en/{i}.mp3"),
            (ko_title, (", ".join(ko),), f"/m/ko/{i}.flac"),
            (f"[MV] {e.title} (Official Audio)", (f"{en[0]} ({ko[0]})", *en[1:]), f"/m/d/{i}.m4a"),
            (e.title.upper(), tuple(reversed(en)), f"/m/r/{i}.opus"),
        ]
    words = "love night rain blue heart summer dream road light falling river gone".split()
    others = []
    for i in range(n_others):
        title = " ".join(rng.choice(words) for _ in range(rng.randint(1, 4))).title()
        artist = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 12)))
        others.append((f"{title} {i}" if i % 3 else title, (artist.title(),), f"/m/o/{i}.mp3"))
    huge = [("".join(rng.choice("abcdefgh ") for _ in range(20_000)), ("Someone",), "/m/h.mp3")]
    return {"catalog tag forms": forms, "other songs": others, "20,000-letter title": huge}


def worker(root: str, catalog_path: str, rounds: int, n_others: int) -> None:
    """Runs inside one process, with `root`'s ksad_player first on sys.path."""
    sys.path.insert(0, root)
    sys.path.insert(1, str(ROOT))  # tests.corpus from this tree
    from ksad_player.core import catalog as catalog_mod
    from ksad_player.core.match import normalize
    from ksad_player.core.match.matcher import Matcher
    from ksad_player.core.tags.reader import Tags, _apply_fallbacks
    from tests.corpus.generate import corpus

    assert Path(normalize.__file__).is_relative_to(root)
    catalog = catalog_mod.load_file(Path(catalog_path))
    m = Matcher(catalog)
    sets = _inputs(catalog, n_others)
    out: dict[str, Any] = {"sets": {}}

    def clear() -> None:
        for v in vars(normalize).values():
            if hasattr(v, "cache_clear"):
                v.cache_clear()

    for name, items in sets.items():
        tags = [_apply_fallbacks(Tags(path=p, title=t, artists=a)) for t, a, p in items]
        times = []
        for _ in range(rounds if len(items) > 1 else 1):
            clear()
            start = time.perf_counter()
            for t in tags:
                m.match(t)
            times.append(time.perf_counter() - start)
        # The best round: the least disturbed by other work on a shared machine.
        out["sets"][name] = {"files": len(tags), "best": min(times)}
    cases = corpus(catalog)
    hits = wrong = 0
    for c in cases:
        t = _apply_fallbacks(
            Tags(path=f"/music/{c.path}", title=c.title, artists=c.artists, albumartist=c.albumartist)
        )
        got = m.match(t).entry_id
        hits += bool(c.expected) and got == c.expected
        wrong += bool(got) and got != c.expected
    positives = sum(1 for c in cases if c.expected)
    out["recall"] = hits / positives
    out["cases"] = len(cases)
    out["wrong"] = wrong
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


def _extract(commit: str, into: Path) -> Path:
    data = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit, "ksad_player"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=BytesIO(data)) as tar:
        tar.extractall(into, filter="data")
    return into


def _run(root: Path, args: argparse.Namespace) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", str(root), "--catalog", str(ROOT / "catalog.json")]
    cmd += ["--rounds", str(args.rounds), "--others", str(args.others)]
    r = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=1800)
    if r.returncode:
        raise SystemExit(f"worker in {root} failed:\n{r.stderr}")
    return dict(json.loads(r.stdout.strip().splitlines()[-1]))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default="47cf433")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--others", type=int, default=20_000)
    ap.add_argument("--worker")
    ap.add_argument("--catalog")
    ap.add_argument("--no-write", action="store_true")
    args = ap.parse_args()
    if args.worker:
        worker(args.worker, args.catalog, args.rounds, args.others)
        return
    with tempfile.TemporaryDirectory() as tmp:
        base = _run(_extract(args.baseline, Path(tmp)), args)
    new = _run(ROOT, args)
    rows = [
        "| input | files | baseline files/s | new files/s | new vs baseline |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, b in base["sets"].items():
        n = new["sets"][name]
        bf, nf = b["files"] / b["best"], n["files"] / n["best"]
        rows.append(f"| {name} | {b['files']:,} | {bf:,.0f} | {nf:,.0f} | {nf / bf:.2f}× |")
    rows.append(
        f"| generated corpus: recall (wrong songs) | {new['cases']:,} | "
        f"{base['recall']:.3f} ({base['wrong']}) | {new['recall']:.3f} ({new['wrong']}) | |"
    )
    rows.append(f"| peak RSS MB | | {base['rss_mb']:.0f} | {new['rss_mb']:.0f} | |")
    head = (
        f"### Matcher vs {args.baseline} — {time.strftime('%Y-%m-%d %H:%M')} — "
        f"{platform.node() or 'host'}\n\n{platform.platform()}, Python {platform.python_version()}, "
        f"best of {args.rounds} rounds, caches cleared before each\n"
    )
    text = head + "\n" + "\n".join(rows) + "\n"
    print(text)
    if not args.no_write:
        with open(HERE / "RESULTS.md", "a") as f:
            f.write("\n" + text)


if __name__ == "__main__":
    main()
