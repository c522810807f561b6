"""From a mood and the matched library to the ordered list of tracks the player plays."""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass

from ksad_player.core.catalog import Catalog, Entry
from ksad_player.core.tags import Tags

ORDERS = ("shuffle", "arc")
COMFORT = "comfort"


@dataclass(frozen=True)
class Item:
    """One queued track: the catalog entry, the file to play and what the player shows."""

    entry: Entry
    path: str
    title: str
    artist: str
    duration: float
    blurb: str
    has_cover: bool = False

    @property
    def artist_keys(self) -> frozenset[str]:
        from ksad_player.core.match.normalize import key  # its tables cost a rescan 14 ms

        return frozenset(key(a.name) for a in self.entry.artists)


def _quality(tags: Tags, score: float) -> tuple[object, ...]:
    """Lossless over lossy, higher bitrate, real tags over a file-name guess, surer match."""
    real_tags = tags.title_source == "tag" and tags.artist_source == "tag"
    return (tags.lossless, tags.bitrate, real_tags, score, tags.duration, tags.path)


def best_copies(matched: Iterable[tuple[Tags, str, float]]) -> dict[str, Tags]:
    """entry id -> the best file among (tags, entry id, score) triples."""
    best: dict[str, tuple[tuple[object, ...], Tags]] = {}
    for tags, entry_id, score in matched:
        q = _quality(tags, score)
        if entry_id not in best or q > best[entry_id][0]:
            best[entry_id] = (q, tags)
    return {k: v[1] for k, v in best.items()}


def item_for(entry: Entry, tags: Tags) -> Item:
    """The queue item for a catalog entry played from this file."""
    return Item(
        entry=entry,
        path=tags.path,
        title=entry.title,
        artist=entry.credit,
        duration=tags.duration,
        blurb=entry.blurb,
        has_cover=tags.has_cover,
    )


def space_artists(items: list[Item]) -> list[Item]:
    """Reorder as little as possible so no artist plays twice in a row where avoidable."""
    out = list(items)
    for i in range(1, len(out)):
        if not out[i].artist_keys & out[i - 1].artist_keys:
            continue
        for j in range(i + 1, len(out)):
            if not out[j].artist_keys & out[i - 1].artist_keys:
                out.insert(i, out.pop(j))
                break
        else:
            # Nothing later fits here; try to tuck the clash earlier where it fits.
            item = out[i]
            for j in range(i - 1):
                before = out[j - 1].artist_keys if j > 0 else frozenset()
                if not item.artist_keys & (before | out[j].artist_keys):
                    out.insert(j, out.pop(i))
                    break
    return out


def build_queue(
    catalog: Catalog,
    mood_id: str,
    matched: Iterable[tuple[Tags, str, float]],
    *,
    order: str = "shuffle",
    rng: random.Random | None = None,
) -> list[Item]:
    """The mood's songs found in the library, one file each, in the chosen order.

    shuffle: a (seedable) random order. arc ("lift me up"): the deepest songs of the mood
    first, easing toward the songs that also comfort, ending on comfort songs.
    """
    if catalog.mood(mood_id) is None:
        raise ValueError(f"unknown mood {mood_id!r}")
    if order not in ORDERS:
        raise ValueError(f"unknown order {order!r}; choose from {', '.join(ORDERS)}")
    rng = rng or random.Random()
    copies = best_copies(matched)
    present = [e for e in catalog.entries if e.id in copies]
    in_mood = [e for e in present if mood_id in e.moods]
    rng.shuffle(in_mood)
    if order == "shuffle":
        return space_artists([item_for(e, copies[e.id]) for e in in_mood])
    # Stable sorts over a shuffled list: ties vary with the seed, the arc does not.
    in_mood.sort(key=lambda e: (COMFORT in e.moods, -e.intensity))
    tail = [e for e in present if COMFORT in e.moods and e not in in_mood]
    rng.shuffle(tail)
    tail.sort(key=lambda e: -e.intensity)
    return space_artists([item_for(e, copies[e.id]) for e in [*in_mood, *tail]])


def lift_count(items: Iterable[Item], mood_id: str) -> int:
    """How many songs an arc queue adds after the mood's own: the comfort songs at its end."""
    return sum(1 for i in items if mood_id not in i.entry.moods)
