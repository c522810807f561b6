"""The mood queue: one best file per song, artists spaced, shuffle seeded, arc lifting up."""

from __future__ import annotations

import itertools
import random

import pytest

from ksad_player.core.play.queue import build_queue
from ksad_player.core.tags.reader import Tags


def lib(catalog, **overrides):
    """One ordinary MP3 per catalog entry, as (tags, entry id, score)."""
    out = []
    for e in catalog.entries:
        t = Tags(
            path=f"/m/{e.id}.mp3",
            format="MP3",
            title=e.title,
            artists=(e.credit,),
            bitrate=192000,
            duration=200.0,
        )
        out.append((t, e.id, 1.0))
    return out


def test_queue_holds_the_moods_songs_once_with_their_blurbs(catalog):
    q = build_queue(catalog, "heartbreak", lib(catalog), rng=random.Random(1))
    ids = [i.entry.id for i in q]
    assert sorted(ids) == sorted(e.id for e in catalog.entries_for("heartbreak"))
    assert all(i.blurb == i.entry.blurb and i.path.endswith(f"{i.entry.id}.mp3") for i in q)


def test_best_copy_wins(catalog):
    base = lib(catalog)
    fine = catalog.entry("taeyeon-fine")
    extra = [
        (
            Tags(
                "/m/fine-128.mp3", format="MP3", title="Fine", artists=("Taeyeon",), bitrate=128000
            ),
            fine.id,
            1.0,
        ),
        (
            Tags(
                "/m/fine.flac",
                format="FLAC",
                title="Fine",
                artists=("Taeyeon",),
                lossless=True,
                bitrate=900000,
            ),
            fine.id,
            0.95,
        ),
        (
            Tags(
                "/m/fine-320.mp3", format="MP3", title="Fine", artists=("Taeyeon",), bitrate=320000
            ),
            fine.id,
            1.0,
        ),
    ]
    q = build_queue(catalog, "heartbreak", base + extra, rng=random.Random(2))
    assert [i.path for i in q if i.entry.id == fine.id] == ["/m/fine.flac"]
    guessed = Tags(
        "/m/guess.mp3",
        format="MP3",
        title="Fine",
        artists=("Taeyeon",),
        bitrate=192000,
        title_source="filename",
        artist_source="filename",
    )
    real = Tags("/m/real.mp3", format="MP3", title="Fine", artists=("Taeyeon",), bitrate=192000)
    q = build_queue(catalog, "heartbreak", [(guessed, fine.id, 1.0), (real, fine.id, 0.9)])
    assert q[0].path == "/m/real.mp3"


@pytest.mark.parametrize("seed", range(20))
def test_no_artist_twice_in_a_row(catalog, seed):
    for mood in ("loneliness", "longing", "regret"):
        for order in ("shuffle", "arc"):
            q = build_queue(catalog, mood, lib(catalog), order=order, rng=random.Random(seed))
            for a, b in itertools.pairwise(q):
                assert not a.artist_keys & b.artist_keys, (mood, order, a.entry.id, b.entry.id)


def test_shuffle_is_reproducible_with_a_seed(catalog):
    one = [i.entry.id for i in build_queue(catalog, "longing", lib(catalog), rng=random.Random(7))]
    two = [i.entry.id for i in build_queue(catalog, "longing", lib(catalog), rng=random.Random(7))]
    other = {
        tuple(
            i.entry.id for i in build_queue(catalog, "longing", lib(catalog), rng=random.Random(s))
        )
        for s in range(8)
    }
    assert one == two and len(other) > 1


def test_arc_starts_deep_and_ends_on_comfort(catalog):
    q = build_queue(catalog, "heartbreak", lib(catalog), order="arc", rng=random.Random(3))
    assert "comfort" not in q[0].entry.moods and q[0].entry.intensity >= 4
    assert "comfort" in q[-1].entry.moods
    assert {i.entry.id for i in q} >= {e.id for e in catalog.entries_for("heartbreak")}
    first_comfort = next(n for n, i in enumerate(q) if "comfort" in i.entry.moods)
    assert all("comfort" in i.entry.moods for i in q[first_comfort + 1 :])


def test_missing_songs_are_simply_absent_and_bad_moods_refused(catalog):
    assert build_queue(catalog, "comfort", []) == []
    with pytest.raises(ValueError):
        build_queue(catalog, "euphoria", [])
