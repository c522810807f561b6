"""What the status bar says about a mood's queue, a finished scan and an ended queue.
The wording (plurals, the arc's extra songs, content notes) changes apart from the
window's wiring, so it is made here from plain values."""

from __future__ import annotations

import os
from collections.abc import Sequence

from ksad_player.core.catalog import Catalog
from ksad_player.core.library.scanner import ScanProblem, ScanSummary
from ksad_player.core.play.player import Player
from ksad_player.core.play.queue import lift_count


def queue_words(catalog: Catalog, player: Player, mood_id: str) -> str:
    """What the status bar says about a mood's queue (the arc's extra songs included)."""
    mood = catalog.mood(mood_id)
    label = mood.label.lower() if mood else mood_id
    q = player.queue
    extra = lift_count(q, mood_id)
    own = len(q) - extra
    text = f"Playing {own} {label} song{'s' * (own != 1)}"
    if extra == 1:
        text += " …and one song to lift you up"
    elif extra:
        text += f" …and {extra} songs to lift you up"
    noted = sum(1 for i in q if i.entry.content_note)
    if noted:  # said before any of them plays; each note is also shown one song ahead
        text += f". ⚠ marks {'a song' if noted == 1 else f'{noted} songs'} with a content note"
    return text + "."


def _n(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def scan_words(s: ScanSummary, files: int, found: int, catalog_size: int) -> str:
    """The library's total, and what this scan changed, with plurals that agree."""
    state = "Scan cancelled; kept" if s.cancelled else "Library up to date"
    changes = [
        _n(s.new, "new file", "new files") if s.new else "",
        _n(s.changed, "changed", "changed") if s.changed else "",
        _n(s.removed, "removed", "removed") if s.removed else "",
        _n(s.errors, "file could not be read", "files could not be read") if s.errors else "",
    ]
    changed = ", ".join(c for c in changes if c) or "nothing changed"
    return (
        f"{state}: {_n(files, 'file', 'files')} in your library, "
        f"{_n(found, 'catalog song', 'catalog songs')} of {catalog_size} "
        f"found (this scan: {changed})."
    )


def problem_lines(problems: Sequence[ScanProblem]) -> list[str]:
    """The first 20 files a scan could not read, and how many more (for a tooltip)."""
    shown = [f"{os.path.basename(p.path)}: {p.reason}" for p in problems[:20]]
    if len(problems) > 20:
        shown.append(f"…and {len(problems) - 20:,} more")
    return shown


def finished_words(player: Player) -> str:
    """The queue has ended: say so, and how many of its files could not be played."""
    bad = sum(1 for i in player.queue if i.path in player.state.unplayable)
    skipped = (
        f" {bad} file{'s' * (bad != 1)} could not be played and {'were' if bad != 1 else 'was'} skipped."
        if bad
        else ""
    )
    return f"The queue has ended.{skipped} Press a mood to go on."
