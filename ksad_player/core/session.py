"""One session of ksad-player: the core, built once, that every front end drives.

The CLI, the window, MPRIS, the tray and the single-instance server all hold the same
Session and listen to it, so none of them rebuilds catalog → matcher → index → catalog
sync on its own, and a scan, a link or a mood pressed anywhere is seen everywhere.

Threads: everything here runs on the thread that owns the session, except `run_scan`,
which may run on a worker thread. It opens its own index connection and reads only parts
of the session that never change after start-up (catalog, matcher, index path).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ksad_player.core import catalog as catalog_mod
from ksad_player.core.library.index import (
    SCAN_IN_PROGRESS,
    IndexBusy,
    LibraryIndex,
    Track,
    default_path,
    storage_problem,
)
from ksad_player.core.library.scanner import ScanEvent, ScanSummary, drive, scan
from ksad_player.core.tags import Tags

if TYPE_CHECKING:
    import random

    # Matching and reading files import rapidfuzz and mutagen, and playing imports the
    # player: each on first use, so that a command-line rescan pays for none (bench/scan.py).
    from ksad_player.core.library.identify import Identified
    from ksad_player.core.match.matcher import Matcher, MatchWeights
    from ksad_player.core.play.player import Backend, Player, PlayerChange
    from ksad_player.core.play.queue import Item
    from ksad_player.core.play.sleep import SleepTimer


class SessionChange(StrEnum):
    """What a session tells its listeners (the player's own news comes from `player`)."""

    LIBRARY = "library"  # files, matches or links changed: counts and lists are stale
    SCAN_STARTED = "scan-started"  # payload: the ScanRequest
    SCAN_QUEUED = "scan-queued"  # payload: the ScanRequest that waits its turn
    SCAN_FINISHED = "scan-finished"  # payload: the ScanSummary
    SCAN_FAILED = "scan-failed"  # payload: the message, in the user's words
    MOOD = "mood"  # payload: the mood id whose queue was loaded
    VOLUME = "volume"  # payload: the new volume, 0-100
    SEEKED = "seeked"  # payload: the position jumped to, in ms
    SLEEP = "sleep"  # the sleep timer was set, cancelled or has stopped the music


@dataclass(frozen=True)
class ScanRequest:
    """Folders (or audio files) to add and scan; none: rescan the library. `demo` first
    makes the demo library and adds that."""

    folders: tuple[str, ...] = ()
    demo: bool = False


@dataclass(frozen=True)
class ResumeState:
    """Where listening stopped: the queue's files, the track and the position in it."""

    paths: tuple[str, ...] = ()
    index: int = -1
    position_ms: int = 0
    mood: str | None = None


@dataclass(frozen=True)
class SessionEvent:
    kind: SessionChange
    payload: object = None


SessionListener = Callable[[SessionEvent], None]


class _MatcherWhenNeeded:
    """What a scan gets for a matcher: the catalog (whose fingerprint says whether stored
    matches are current) at once, the session's Matcher only when a file is matched."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self.catalog = session.catalog

    def __getattr__(self, name: str) -> Any:
        return getattr(self._session.matcher, name)


class Session:
    """The catalog with the user's overlay, the matcher, the library index, the scan
    queue, mood queues and the player."""

    def __init__(
        self,
        *,
        backend: Backend | None = None,
        index_path: Path | None = None,
        user_catalog: Path | None = None,
        builtin_catalog: Path | None = None,
        weights: MatchWeights | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        loaded = catalog_mod.load(user_catalog, builtin_catalog)
        self.catalog = loaded.catalog
        self.messages: list[str] = list(loaded.warnings)  # for a banner or stderr
        self._weights = weights  # the matcher is built on first use (see `matcher`)
        self.index_path = Path(index_path) if index_path else default_path()
        self._index: LibraryIndex | None = None
        self._backend = backend
        self.listeners: list[SessionListener] = []
        self.order = "shuffle"
        self.current_mood: str | None = None
        self.scanning = False
        self.pending: deque[ScanRequest] = deque()
        self.cancel = threading.Event()
        # Said while another process holds the library: the CLI and the app print it at
        # once (a banner would come too late: it shows once the wait is over).
        self.on_wait: Callable[[str], None] = on_wait or (lambda _m: None)
        self.interrupted = False  # the scan was stopped by closing, not by the user
        self.gentle = False  # gentle listening: songs with a content note stay out of moods
        self.volume = 100  # what the user set (MPRIS and the tray read it); sleep fades below it
        # (path, ms) a restored queue continues from: a path, not an index, so that rows
        # removed above it cannot point it at another song.
        self._resume_at: tuple[str, int] | None = None

    # -- the parts that play, made on first use -------------------------------------------
    @cached_property
    def backend(self) -> Backend:
        from ksad_player.core.play.player import NullBackend

        return self._backend or NullBackend()

    @cached_property
    def player(self) -> Player:
        from ksad_player.core.play.player import Player

        player = Player(self.backend)
        player.listeners.append(self._forget_resume)
        player.listeners.append(self._sleep_follows)
        return player

    @cached_property
    def sleep(self) -> SleepTimer:
        from ksad_player.core.play.sleep import SleepTimer

        return SleepTimer()

    @cached_property
    def rng(self) -> random.Random:
        import random

        return random.Random()

    @cached_property
    def matcher(self) -> Matcher:
        """Built on first use: a rescan that reads no file and finds the catalog unchanged
        never needs it (see `_MatcherWhenNeeded`)."""
        from ksad_player.core.match.matcher import Matcher

        return Matcher(self.catalog, self._weights)

    # -- telling --------------------------------------------------------------------------
    def _tell(self, kind: SessionChange, payload: object = None) -> None:
        event = SessionEvent(kind, payload)
        for listener in list(self.listeners):
            listener(event)

    # -- the library ----------------------------------------------------------------------
    @property
    def index(self) -> LibraryIndex:
        """The library index, opened on first use (recovering it if it must)."""
        if self._index is None:
            self._index = LibraryIndex(self.index_path, on_wait=self.on_wait)
            self.messages.extend(self._index.messages)
        return self._index

    @property
    def index_open(self) -> bool:
        return self._index is not None

    def open_library(self) -> bool:
        """Open the index and bring its matches up to date with the catalog. True when the
        index was rebuilt, or its last scan was interrupted, and its folders need a scan."""
        idx = self.index
        if idx.folders() and (idx.rebuilt or idx.sync_catalog(self.matcher)):
            self._tell(SessionChange.LIBRARY)
        # A scan cut short (quit, kill, power cut) goes on by itself at this start.
        resume = idx.meta(SCAN_IN_PROGRESS) is not None and not idx.read_only
        return (idx.rebuilt or resume) and bool(idx.folders())

    def tracks(self) -> list[Track]:
        return self.index.tracks()

    def has_library(self) -> bool:
        return bool(self.index.folders()) or self.index.count() > 0

    def matched(self) -> list[tuple[Tags, str, float]]:
        return self.index.matched()

    def mood_counts(self, tracks: Iterable[Track] | None = None) -> dict[str, int]:
        """How many of each mood's songs the library has, online."""
        rows = self.tracks() if tracks is None else tracks
        ids = (t.entry_id for t in rows if t.entry_id and not t.offline)
        return catalog_mod.mood_counts(self.catalog, ids)

    def songs_found(self, tracks: Iterable[Track] | None = None) -> int:
        rows = self.tracks() if tracks is None else tracks
        return len({t.entry_id for t in rows if t.entry_id and not t.offline})

    def library_matches(self) -> list[Identified]:
        """Every indexed file with its match, brought up to date with the catalog first."""
        from ksad_player.core.library.identify import Identified
        from ksad_player.core.match.matcher import Match

        self.index.sync_catalog(self.matcher)
        return [
            Identified(t.path, t.tags, Match(t.entry_id, t.score, t.reasons), t.error)
            for t in self.index.tracks()
        ]

    def identify(
        self, paths: Iterable[str | os.PathLike[str]], warn: Callable[[str], None]
    ) -> Iterator[Identified]:
        """Files outside the library: walk, read and match, without touching the index."""
        from ksad_player.core.library.identify import identify_paths

        return identify_paths(paths, self.matcher, warn)

    def remove_folder(self, folder: str, *, wait: float | None = None) -> int:
        """Take a folder out of the library: its files leave the index (not the disk) and
        the queue; returns how many. Not during a scan, which may be walking it: this
        session's is refused (RuntimeError), another process's is waited for, `wait`
        seconds at most (then IndexBusy; None: as long as it takes)."""
        if self.scanning:
            raise RuntimeError("a scan is running; remove the folder when it has finished")
        with self.index.scan_lock(self.cancel, wait=wait):
            forgotten = self.index.remove_folder(folder)
        if forgotten and "player" in self.__dict__:  # a player made already (not the CLI)
            self.player.remove_paths(set(forgotten))
        self._tell(SessionChange.LIBRARY)
        return len(forgotten)

    def link(self, path: str, entry_id: str) -> None:
        """The user says: this file is that song (outlives rescans and rebuilds)."""
        self.index.link(path, entry_id)
        self._tell(SessionChange.LIBRARY)

    def never(self, path: str) -> None:
        """The user says: this file is no catalog song."""
        self.index.link(path, None)
        self._tell(SessionChange.LIBRARY)

    def forget(self, path: str) -> None:
        """The matcher decides again for this file."""
        self.index.unlink(path)
        self._tell(SessionChange.LIBRARY)

    # -- scanning -------------------------------------------------------------------------
    def request_scan(self, request: ScanRequest) -> bool:
        """True: the caller runs it now (`run_scan`, then `finish_scan`). False: a scan is
        under way and this one waits its turn; `finish_scan` hands it out later."""
        if self.scanning:
            self.pending.append(request)
            self._tell(SessionChange.SCAN_QUEUED, request)
            return False
        self.scanning = True
        self.cancel.clear()
        self.interrupted = False
        self._tell(SessionChange.SCAN_STARTED, request)
        return True

    def run_scan(
        self,
        request: ScanRequest,
        on_event: Callable[[ScanEvent], object] | None = None,
        on_wait: Callable[[str], None] | None = None,
        *,
        here: bool = False,
    ) -> ScanSummary:
        """Run one scan to its end. Safe on a worker thread: it opens its own index
        connection, unless `here` says it runs on the session's thread (`scan_now`)."""
        folders = list(request.folders)
        if request.demo:
            from ksad_player.core.demo import make_demo

            folders.append(str(make_demo()))
        idx = self.index if here else LibraryIndex(self.index_path, on_wait=on_wait or self.on_wait)
        try:
            # One scan of an index at a time, across windows and processes.
            with idx.scan_lock(self.cancel):
                with idx.transaction():
                    idx.set_meta(SCAN_IN_PROGRESS, "1")  # a scan cut short resumes
                matcher = cast("Matcher", _MatcherWhenNeeded(self))
                gen = scan(idx, matcher, folders or None, cancel=self.cancel)
                summary = drive(gen, on_event or (lambda _e: None))
                if not self.interrupted:
                    with idx.transaction():
                        idx.db.execute("DELETE FROM meta WHERE key = ?", (SCAN_IN_PROGRESS,))
                return summary
        except IndexBusy:
            if self.cancel.is_set():  # stopped while waiting for the other scan
                return ScanSummary(cancelled=True)
            raise
        except (sqlite3.Error, OSError) as exc:
            raise storage_problem(exc, self.index_path) or exc from None
        finally:
            if not here:
                idx.close()

    def finish_scan(self, outcome: ScanSummary | str) -> ScanRequest | None:
        """A scan ended (a summary) or failed (a message). Returns the next waiting
        request, already started, for the caller to run; None when none waits."""
        self.scanning = False
        if isinstance(outcome, str):
            self._tell(SessionChange.SCAN_FAILED, outcome)
        else:
            self._tell(SessionChange.LIBRARY)
            self._tell(SessionChange.SCAN_FINISHED, outcome)
        if self.pending:  # cancelling cleared what waited then; these came after
            nxt = self.pending.popleft()
            self.request_scan(nxt)
            return nxt
        self.pending.clear()
        return None

    def scan_now(
        self, request: ScanRequest, on_event: Callable[[ScanEvent], object] | None = None
    ) -> ScanSummary:
        """Request, run and finish a scan on this thread (the CLI's way)."""
        if not self.request_scan(request):
            raise RuntimeError("a scan is already running in this session")
        try:
            summary = self.run_scan(request, on_event, here=True)
        except BaseException:
            self.scanning = False
            raise
        self.pending.clear()
        self.finish_scan(summary)
        return summary

    def cancel_scan(self, *, interrupted: bool = False) -> None:
        """Stop the running scan (what was read is kept) and drop the waiting ones.
        `interrupted`: the program is closing, so the scan resumes at the next start."""
        self.interrupted = self.interrupted or interrupted
        self.cancel.set()
        self.pending.clear()

    # -- playing --------------------------------------------------------------------------
    def queue_for(
        self,
        mood_id: str,
        matched: Iterable[tuple[Tags, str, float]] | None = None,
        *,
        order: str | None = None,
        rng: random.Random | None = None,
    ) -> list[Item]:
        """The queue a mood plays: the library's (or `matched`'s) songs in that mood."""
        from ksad_player.core.play.queue import build_queue

        rows = self._gentle_rows(self.matched() if matched is None else matched)
        return build_queue(
            self.catalog, mood_id, rows, order=order or self.order, rng=rng or self.rng
        )

    def _gentle_rows(
        self, rows: Iterable[tuple[Tags, str, float]]
    ) -> list[tuple[Tags, str, float]]:
        """Gentle listening leaves out the songs that carry a content note."""
        if not self.gentle:
            return list(rows)
        noted = {e.id for e in self.catalog.entries if e.content_note}
        return [r for r in rows if r[1] not in noted]

    def play_mood(self, mood_id: str) -> int:
        """Load a mood's queue into the player and start it; the number of tracks."""
        if not self.backend.available:  # nothing can play: load nothing, claim nothing
            return 0
        items = [i for i in self.queue_for(mood_id) if i.path not in self.player.state.unplayable]
        if items:
            self.current_mood = mood_id
            self._resume_at = None
            self.player.load(items)
            self._tell(SessionChange.MOOD, mood_id)
        return len(items)

    def items_for_paths(self, paths: Iterable[str]) -> tuple[list[Item], list[str]]:
        """Queue items for these files, in order: (catalog songs, files that are none).

        Library files are looked up in the index; others are read and matched."""
        from ksad_player.core.play.queue import item_for

        by_path = {t.path: t for t in self.tracks()}
        outside = [p for p in paths if p not in by_path]
        found = {
            r.path: (r.tags, r.match.entry_id)
            for r in (self.identify(outside, lambda _m: None) if outside else ())
            if r.tags and r.match and r.match.entry_id
        }
        items: list[Item] = []
        others: list[str] = []
        for p in paths:
            t = by_path.get(p)
            tags, entry_id = (t.tags, t.entry_id) if t else found.get(p, (None, None))
            entry = self.catalog.entry(entry_id) if entry_id else None
            if tags is None or entry is None or (t is not None and t.offline):
                others.append(p)
            else:
                items.append(item_for(entry, tags))
        return items, others

    def play_items(self, items: list[Item]) -> int:
        """Play these items as the queue (a playlist the user opened)."""
        if items:
            self._resume_at = None
            self.current_mood = None
            self.player.load(items)
        return len(items)

    # -- resuming -------------------------------------------------------------------------
    def resume_state(self) -> ResumeState:
        """What to save so that the next start comes back here."""
        p = self.player
        if self._resume_at is not None:
            path, pos = self._resume_at
            paths = [i.path for i in p.queue]
            index = paths.index(path) if path in paths else p.state.index
        else:
            index, pos = p.state.index, (self.backend.position_ms() if p.current else 0)
        return ResumeState(tuple(i.path for i in p.queue), index, max(0, pos), self.current_mood)

    def restore(self, state: ResumeState) -> bool:
        """Bring a saved queue back, paused at its track and position; True when it did.
        Files that left the library are dropped; the position survives only on its track."""
        from ksad_player.core.play.player import PlayerChange

        if not state.paths or self.player.queue:
            return False
        items, _others = self.items_for_paths(list(state.paths))
        if not items:
            return False
        want = state.paths[state.index] if 0 <= state.index < len(state.paths) else ""
        index = next((n for n, i in enumerate(items) if i.path == want), 0)
        pos = state.position_ms if items[index].path == want else 0
        self.current_mood = state.mood
        self.player.load(items, start=None)
        self.player.state.index = index
        self._resume_at = (items[index].path, pos)
        self.player._tell(PlayerChange.TRACK)
        self.player._tell(PlayerChange.STATUS)
        return True

    def _forget_resume(self, what: PlayerChange, player: Player) -> None:
        """Playing started some other way (a double click, `player.toggle`): the saved
        position no longer says where the listener is."""
        from ksad_player.core.play.player import PlaybackStatus, PlayerChange

        if what is PlayerChange.STATUS and player.state.status is not PlaybackStatus.STOPPED:
            self._resume_at = None
        elif what is PlayerChange.QUEUE and self._resume_at is not None:
            cur = player.current  # the waiting song was removed: its position means nothing
            if cur is None or cur.path != self._resume_at[0]:
                self._resume_at = None

    @property
    def resume_position_ms(self) -> int | None:
        """The position a restored queue waits at (None once it plays)."""
        return self._resume_at[1] if self._resume_at else None

    def restore_seek(self, ms: int) -> None:
        """Seeking a restored queue that waits: it will continue from there."""
        if self._resume_at is not None:
            self._resume_at = (self._resume_at[0], max(0, int(ms)))

    def toggle(self) -> None:
        """Play/pause; a restored queue continues where it was left."""
        from ksad_player.core.play.player import PlaybackStatus

        if not self.backend.available:  # the window disables Play; MPRIS and the tray ask too
            return
        cur = self.player.current
        waiting = self._resume_at
        self._resume_at = None
        if (
            waiting is not None
            and cur is not None
            and cur.path == waiting[0]
            and self.player.state.status is PlaybackStatus.STOPPED
        ):
            pos = waiting[1]
            self.backend.start_next_at(pos)
            self.player.play_at(self.player.state.index)
            if pos > 0:  # not where a new track starts: MPRIS clients must hear it (Seeked)
                self._tell(SessionChange.SEEKED, pos)
            return
        self.player.toggle()

    # -- volume and the sleep timer ------------------------------------------------------
    def set_volume(self, volume: int) -> None:
        """Set the volume (clamped to 0-100) so every front end that shows it hears."""
        volume = max(0, min(100, int(volume)))
        if volume == self.volume:
            return
        self.volume = volume
        self.backend.set_volume(volume)
        self._tell(SessionChange.VOLUME, volume)

    def previous(self) -> None:
        """Back to the start of the song if it has played a while (a jump MPRIS clients
        must hear as Seeked), else the song before."""
        restart = self.player.current is not None and (
            self.backend.position_ms() > 3000 or self.player.state.index <= 0
        )
        self.player.previous()
        if restart:
            self._tell(SessionChange.SEEKED, 0)

    def seek(self, position_ms: int) -> None:
        """Jump within the current track; listeners hear where (MPRIS sends Seeked).
        A restored queue that waits paused continues from there when played."""
        if self.player.current is None:
            return
        position_ms = max(0, int(position_ms))
        if self._resume_at is not None:
            self.restore_seek(position_ms)
        else:
            self.backend.seek(position_ms)
        self._tell(SessionChange.SEEKED, position_ms)

    def sleep_after_minutes(self, minutes: int) -> None:
        self.sleep.after_minutes(minutes, time.monotonic())
        self._tell(SessionChange.SLEEP)

    def sleep_after_track(self) -> None:
        """Stop when the song playing now ends (with nothing playing there is no song to
        wait for, and a timer left armed would stop the next thing played)."""
        from ksad_player.core.play.player import PlaybackStatus

        if self.player.current is None or self.player.state.status is PlaybackStatus.STOPPED:
            return
        self.sleep.after_track(self.player.state.index)
        self.player.stop_after_current = True  # exact at the end, even on repeat-one
        self._tell(SessionChange.SLEEP)

    def _sleep_follows(self, what: PlayerChange, player: Player) -> None:
        """"After this song" is done once playing stops (the song ended, or was stopped):
        the timer goes off at once, its volume given back, not at the next tick."""
        from ksad_player.core.play.player import PlaybackStatus, PlayerChange
        from ksad_player.core.play.sleep import SleepMode

        if (
            what is PlayerChange.STATUS
            and player.state.status is PlaybackStatus.STOPPED
            and self.sleep.mode is SleepMode.END_OF_TRACK
        ):
            self.sleep_cancel()

    def sleep_cancel(self) -> None:
        self.sleep.cancel()
        self.player.stop_after_current = False
        self.backend.set_volume(self.volume)
        self._tell(SessionChange.SLEEP)

    def sleep_tick(self, now: float | None = None) -> str:
        """Fade and, when it is time, stop; called a few times a second by the front end.
        Returns what is left, for a status bar ("" when the timer is off)."""
        from ksad_player.core.play.player import PlaybackStatus
        from ksad_player.core.play.sleep import SleepMode

        if not self.sleep.active:
            return ""
        now = time.monotonic() if now is None else now
        if (
            self.sleep.mode is SleepMode.END_OF_TRACK
            and self.player.state.status is PlaybackStatus.STOPPED
        ):  # the queue ended (or was stopped) first: the timer's work is done
            self.sleep_cancel()
            return ""
        playing = self.player.state.status is PlaybackStatus.PLAYING
        pos, dur = (self.backend.position_ms(), self.backend.duration_ms()) if playing else (0, 0)
        if self.sleep.due(now, pos, dur, self.player.state.index):
            self.sleep.cancel()
            self.player.stop_after_current = False
            self.player.stop()
            self.backend.set_volume(self.volume)
            self._tell(SessionChange.SLEEP)
            return ""
        if playing:
            self.backend.set_volume(round(self.volume * self.sleep.factor(now, pos, dur)))
        return self.sleep.describe(now, pos, dur)

    def close(self) -> None:
        """Stop scanning and playing and let go of the index."""
        self.cancel_scan(interrupted=self.scanning)
        if "player" in self.__dict__:  # made on first use: the CLI never made one
            self.player.listeners.clear()
        if "backend" in self.__dict__:
            self.backend.stop()
        if self._index is not None:
            self._index.close()
            self._index = None
