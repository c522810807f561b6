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
import random
import sqlite3
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ksad_player.core import catalog as catalog_mod
from ksad_player.core.library.identify import Identified, identify_paths
from ksad_player.core.library.index import (
    SCAN_IN_PROGRESS,
    IndexBusy,
    LibraryIndex,
    Track,
    default_path,
    storage_problem,
)
from ksad_player.core.library.scanner import ScanEvent, ScanSummary, drive, scan
from ksad_player.core.match.matcher import Match, Matcher, MatchWeights
from ksad_player.core.play.player import Backend, NullBackend, Player
from ksad_player.core.play.queue import Item, build_queue
from ksad_player.core.tags.reader import Tags


class SessionChange(StrEnum):
    """What a session tells its listeners (the player's own news comes from `player`)."""

    LIBRARY = "library"  # files, matches or links changed: counts and lists are stale
    SCAN_STARTED = "scan-started"  # payload: the ScanRequest
    SCAN_QUEUED = "scan-queued"  # payload: the ScanRequest that waits its turn
    SCAN_FINISHED = "scan-finished"  # payload: the ScanSummary
    SCAN_FAILED = "scan-failed"  # payload: the message, in the user's words
    MOOD = "mood"  # payload: the mood id whose queue was loaded


@dataclass(frozen=True)
class ScanRequest:
    """Folders (or audio files) to add and scan; none: rescan the library. `demo` first
    makes the demo library and adds that."""

    folders: tuple[str, ...] = ()
    demo: bool = False


@dataclass(frozen=True)
class SessionEvent:
    kind: SessionChange
    payload: object = None


SessionListener = Callable[[SessionEvent], None]


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
        self.matcher = Matcher(self.catalog, weights)
        self.index_path = Path(index_path) if index_path else default_path()
        self._index: LibraryIndex | None = None
        self.backend: Backend = backend or NullBackend()
        self.player = Player(self.backend)
        self.listeners: list[SessionListener] = []
        self.rng = random.Random()
        self.order = "shuffle"
        self.current_mood: str | None = None
        self.scanning = False
        self.pending: deque[ScanRequest] = deque()
        self.cancel = threading.Event()
        # Said while another process holds the library: the CLI and the app print it at
        # once (a banner would come too late: it shows once the wait is over).
        self.on_wait: Callable[[str], None] = on_wait or (lambda _m: None)
        self.interrupted = False  # the scan was stopped by closing, not by the user

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
        self.index.sync_catalog(self.matcher)
        return [
            Identified(t.path, t.tags, Match(t.entry_id, t.score, t.reasons), t.error)
            for t in self.index.tracks()
        ]

    def identify(
        self, paths: Iterable[str | os.PathLike[str]], warn: Callable[[str], None]
    ) -> Iterator[Identified]:
        """Files outside the library: walk, read and match, without touching the index."""
        return identify_paths(paths, self.matcher, warn)

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
    ) -> ScanSummary:
        """Run one scan to its end; safe on a worker thread (its own index connection)."""
        folders = list(request.folders)
        if request.demo:
            from ksad_player.core.demo import make_demo

            folders.append(str(make_demo()))
        with LibraryIndex(self.index_path, on_wait=on_wait or self.on_wait) as idx:
            try:
                # One scan of an index at a time, across windows and processes.
                with idx.scan_lock(self.cancel):
                    with idx.transaction():
                        idx.set_meta(SCAN_IN_PROGRESS, "1")  # a scan cut short resumes
                    gen = scan(idx, self.matcher, folders or None, cancel=self.cancel)
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

    def finish_scan(self, outcome: ScanSummary | str) -> ScanRequest | None:
        """A scan ended (a summary) or failed (a message). Returns the next waiting
        request, already started, for the caller to run; None when none waits."""
        self.scanning = False
        if isinstance(outcome, str):
            self._tell(SessionChange.SCAN_FAILED, outcome)
        else:
            self._tell(SessionChange.LIBRARY)
            self._tell(SessionChange.SCAN_FINISHED, outcome)
        if self.pending and not self.cancel.is_set():
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
            summary = self.run_scan(request, on_event)
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
        rows = list(self.matched() if matched is None else matched)
        return build_queue(
            self.catalog, mood_id, rows, order=order or self.order, rng=rng or self.rng
        )

    def play_mood(self, mood_id: str) -> int:
        """Load a mood's queue into the player and start it; the number of tracks."""
        items = [i for i in self.queue_for(mood_id) if i.path not in self.player.state.unplayable]
        self.current_mood = mood_id
        if items:
            self.player.load(items)
            self._tell(SessionChange.MOOD, mood_id)
        return len(items)

    def close(self) -> None:
        """Stop scanning and playing and let go of the index."""
        self.cancel_scan(interrupted=self.scanning)
        self.player.listeners.clear()
        self.backend.stop()
        if self._index is not None:
            self._index.close()
            self._index = None
