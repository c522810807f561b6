"""Audio files handed to the player (a second launch, MPRIS OpenUri): the catalog songs
among them are queued and played at once, in the order given."""

from __future__ import annotations

from ksad_player.core.session import Session


def play_files(session: Session, files: list[str]) -> int:
    """Queue and play the catalog songs among `files`, in the order given; how many.

    Through the session, as the window's playlists go: the user's own links count (a file
    marked "not this song" never plays as it; one linked by hand does)."""
    items, _others = session.items_for_paths(files)
    items = [i for i in items if i.path not in session.player.state.unplayable]
    return session.play_items(items)
