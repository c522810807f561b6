"""Audio files handed to the player (a second launch, MPRIS OpenUri): the catalog songs
among them are queued and played at once, in the order given."""

from __future__ import annotations

from ksad_player.core.play.queue import Item
from ksad_player.core.session import Session


def play_files(session: Session, files: list[str]) -> int:
    """Queue and play the catalog songs among `files`, in the order given; how many."""
    items: list[Item] = []
    for found in session.identify(files, lambda _m: None):
        if not (found.tags and found.match and found.match.entry_id):
            continue
        entry = session.catalog.entry(found.match.entry_id)
        if entry is None or found.path in session.player.state.unplayable:
            continue
        items.append(
            Item(
                entry=entry,
                path=found.path,
                title=entry.title,
                artist=entry.credit,
                duration=found.tags.duration,
                blurb=entry.blurb,
                has_cover=found.tags.has_cover,
            )
        )
    if items:
        session.player.load(items)
    return len(items)
