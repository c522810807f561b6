"""Scanning library folders into the index: walk, compare, read what changed, remove
what is gone.

`scan()` is a generator of progress events that returns a summary, so the CLI prints it,
the window turns it into signals and tests simply drain it. Tag reading and matching run
in worker processes (tag parsing is CPU-bound Python); results are written in batches,
one transaction each, so a scan killed at any moment leaves a valid index that the next
scan continues from.
"""

from __future__ import annotations

import contextlib
import os
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from ksad_player.core.library.index import LibraryIndex, catalog_fingerprint, track_row
from ksad_player.core.library.walk import walk_folders, walk_split
from ksad_player.core.tags import TOO_LONG, ReadResult

if TYPE_CHECKING:  # imported where files are read: a rescan that reads none skips them
    from multiprocessing.connection import Connection

    from ksad_player.core.catalog import Catalog
    from ksad_player.core.match.matcher import Matcher, MatchWeights

IN_PROCESS_BELOW = 400  # fewer files than this are read without starting workers
CHUNK = 64
SEND_EVERY = 64  # results a worker sends at once (or whatever it has after 50 ms)
BATCH = 512


class ScanPhase(StrEnum):
    """Where a scan is: walking folders (counting) or reading tags (a known total)."""

    WALKING = "walking"
    READING = "reading"


@dataclass(frozen=True)
class ScanProgress:
    phase: ScanPhase
    folder: str
    seen: int
    to_read: int
    read: int
    matched: int
    errors: int


@dataclass(frozen=True)
class ScanProblem:
    """A file or folder that could not be read: reported, skipped, never fatal."""

    path: str
    reason: str


@dataclass(frozen=True)
class ScanSummary:
    files: int = 0
    new: int = 0
    changed: int = 0
    removed: int = 0
    matched: int = 0
    errors: int = 0
    offline: int = 0
    rematched: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    problems: tuple[ScanProblem, ...] = field(default=(), repr=False)


ScanEvent = ScanProgress | ScanProblem

# -- worker side --------------------------------------------------------------------------
# Each file gets a budget: FILE_SECONDS of wall time in a worker and WORKER_MEMORY of
# address space. A worker past its time is killed and replaced, the file is reported and
# the rest of its share goes to the others; one that runs out of memory reports the file.
FILE_SECONDS = 20.0
WORKER_MEMORY = 2 * 1024**3
TOO_BIG = "too large to read: reading it needed more memory than a file may use"
CRASHED = "could not be read: reading it stopped the reader"


class Scanned(NamedTuple):
    """One file read and matched, as the index stores it (rows are made in the workers)."""

    path: str
    row: tuple[Any, ...]
    error: str | None
    matched: bool


def _read_and_match(path: str, matcher: Matcher, *, timed: bool = True) -> Scanned | None:
    """Read and match one file; `timed=False` in a worker, whose time the scan bounds."""
    from ksad_player.core.tags.reader import read_tags

    try:
        r = read_tags(path, scan=True, timed=timed)
    except MemoryError:
        r = ReadResult(path, error=TOO_BIG)
    if r.tags is None:
        if not os.path.lexists(path):
            return None  # vanished while we scanned
        return Scanned(path, track_row(r, None), r.error, False)
    m = matcher.match(r.tags)
    return Scanned(path, track_row(r, m), None, m.entry_id is not None)


def _failed(path: str, reason: str) -> Scanned:
    return Scanned(path, track_row(ReadResult(path, error=reason), None), reason, False)


def _die_with_parent(watch: Connection) -> None:
    """Block on a pipe only the scanning process writes to: when it dies, however it
    dies (kill -9 included), the pipe closes and this worker ends at once."""
    with contextlib.suppress(EOFError, OSError):
        watch.recv()
    os._exit(0)


def _worker(
    conn: Connection,
    watch: Connection,
    current: Any,
    catalog: Catalog,
    weights: MatchWeights,
    memory: int,
) -> None:
    """Read (index, path) lists from `conn`, answer lists of (index, Scanned | None); the
    index of the file being read is kept in `current`, shared memory the scan can see."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the scanning process's to handle
    threading.Thread(target=_die_with_parent, args=(watch,), daemon=True).start()
    if memory:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    from ksad_player.core.match.matcher import Matcher

    matcher = Matcher(catalog, weights)
    while True:
        try:
            work = conn.recv()
        except (EOFError, OSError):
            return
        if work is None:
            return
        done: list[tuple[int, Scanned | None]] = []
        last = time.monotonic()
        for i, path in work:
            current.value = i
            done.append((i, _read_and_match(path, matcher, timed=False)))
            now = time.monotonic()
            if len(done) >= SEND_EVERY or now - last > 0.05:  # fewer, larger messages
                conn.send(done)
                done, last = [], now
        if done:
            conn.send(done)


_POOL_LOCK = threading.Lock()


def _context() -> Any:
    """forkserver: workers fork from a clean server, safe beside Qt's and libVLC's threads."""
    import multiprocessing

    with _POOL_LOCK:
        ctx = multiprocessing.get_context("forkserver")
        # The reader and matcher load once in the server, not again in every worker.
        ctx.set_forkserver_preload(
            [
                "ksad_player.core.library.scanner",
                "ksad_player.core.tags.reader",
                "ksad_player.core.match.matcher",
            ]
        )
        return ctx


@dataclass
class _Slot:
    """One worker process, the files it holds and when the file it is on must be done."""

    proc: Any
    conn: Connection
    watch: Connection
    current: Any  # the index of the file it is reading (shared memory)
    pending: deque[tuple[int, str]] = field(default_factory=deque)
    deadline: float = 0.0


class _Pool:
    """Worker processes with a per-file time budget; a stalled worker is replaced."""

    def __init__(self, n: int, matcher: Matcher, seconds: float, memory: int) -> None:
        self.ctx = _context()
        self.args = (matcher.catalog, matcher.w, memory)
        self.seconds = seconds
        self.slots = [self._start() for _ in range(n)]

    def _start(self) -> _Slot:
        ours, theirs = self.ctx.Pipe()
        watch_r, watch_w = self.ctx.Pipe(duplex=False)
        current = self.ctx.RawValue("q", -1)
        args = (theirs, watch_r, current, *self.args)
        proc = self.ctx.Process(target=_worker, args=args, daemon=True)
        proc.start()
        theirs.close()
        watch_r.close()
        return _Slot(proc, ours, watch_w, current)

    def give(self, slot: _Slot, work: list[tuple[int, str]]) -> None:
        slot.pending.extend(work)
        slot.deadline = time.monotonic() + self.seconds
        slot.conn.send(work)

    def replace(self, slot: _Slot) -> _Slot:
        """Kill a worker and start another in its place; its unread files come back."""
        self._stop(slot)
        new = self._start()
        self.slots[self.slots.index(slot)] = new
        return new

    def _stop(self, slot: _Slot) -> None:
        with contextlib.suppress(Exception):
            slot.proc.kill()
        for c in (slot.conn, slot.watch):
            c.close()
        slot.proc.join(1)

    def close(self, *, graceful: bool = True) -> None:
        """Idle workers are asked to end; busy or stalled ones (a cancel) are killed."""
        for slot in self.slots:
            with contextlib.suppress(Exception):
                slot.conn.send(None)
        deadline = time.monotonic() + (0.5 if graceful else 0.0)
        for slot in self.slots:
            slot.proc.join(max(0.0, deadline - time.monotonic()))
            self._stop(slot)


def _start_pool(n: int, matcher: Matcher, seconds: float) -> _Pool | None:
    """Worker processes, or None where none can be had (then files are read here)."""
    try:
        return _Pool(n, matcher, seconds, WORKER_MEMORY)
    except (OSError, ValueError):
        return None


class _EarlyPool:
    """Workers started on a thread while the walk goes on: starting the fork server and
    its imports takes a few hundred milliseconds that a cold scan otherwise waits out."""

    def __init__(self, n: int, matcher: Matcher, seconds: float) -> None:
        self.pool: _Pool | None = None
        self.error: BaseException | None = None
        self.taken = False

        def start() -> None:
            try:
                self.pool = _start_pool(n, matcher, seconds)
            except BaseException as exc:  # handed to the scan, as if it had started them
                self.error = exc

        self.thread = threading.Thread(target=start, name="ksad-pool-start", daemon=True)
        self.thread.start()

    def take(self) -> _Pool | None:
        self.thread.join()
        self.taken = True
        if self.error is not None:
            raise self.error
        return self.pool

    def discard(self) -> None:
        """Not used after all (a cancel, or an error): end the workers."""
        if self.taken:
            return
        self.taken = True
        self.thread.join(5.0)  # a fork server that does not answer is left to its thread
        if self.pool is not None:
            self.pool.close(graceful=False)


def _workers(workers: int | None) -> int:
    return workers if workers is not None else (os.cpu_count() or 1)


def _read_pooled(
    items: list[tuple[int, str]],
    pool: _Pool,
    cancel: threading.Event,
) -> Iterator[list[tuple[int, Scanned | None]]]:
    """Results as they come, (item index, result), checking `cancel` ten times a second."""
    from multiprocessing.connection import wait

    todo = deque(items[i : i + CHUNK] for i in range(0, len(items), CHUNK))
    out: list[tuple[int, Scanned | None]] = []
    last = time.monotonic()
    while not cancel.is_set():
        for slot in list(pool.slots):
            if not slot.pending and todo:
                work = todo.popleft()
                try:
                    pool.give(slot, work)
                except OSError:  # it died while idle: a new one takes the work
                    slot.pending.clear()
                    pool.give(pool.replace(slot), work)
        busy = [s for s in pool.slots if s.pending]
        if not busy:
            break
        ready = wait([s.conn for s in busy], timeout=0.1)
        now = time.monotonic()
        for slot in busy:
            if slot.conn in ready:
                try:
                    done = slot.conn.recv()
                except (EOFError, OSError):  # the worker died on the file it was on
                    i, path = _culprit(slot)
                    out.append((i, _failed(path, TOO_BIG if _oom(slot) else CRASHED)))
                    _requeue(todo, pool.replace(slot), slot)
                    continue
                for _ in done:
                    slot.pending.popleft()
                slot.deadline = now + pool.seconds
                out.extend(done)
            elif now > slot.deadline:
                i, path = _culprit(slot)
                out.append((i, _failed(path, TOO_LONG)))
                _requeue(todo, pool.replace(slot), slot)
        if len(out) >= BATCH or (out and now - last > 0.5):
            yield out
            out, last = [], now
    if out:
        yield out


def _culprit(slot: _Slot) -> tuple[int, str]:
    """The file a stalled or dead worker was on, taken out of its share. Files it read but
    had not yet sent stay in the share and are read again."""
    cur = slot.current.value
    for k, (i, path) in enumerate(slot.pending):
        if i == cur:
            del slot.pending[k]
            return i, path
    return slot.pending.popleft()


def _oom(slot: _Slot) -> bool:
    slot.proc.join(0.5)
    return slot.proc.exitcode in (-signal.SIGKILL, 137)


def _requeue(todo: deque[list[tuple[int, str]]], _new: _Slot, old: _Slot) -> None:
    if old.pending:
        todo.appendleft(list(old.pending))
        old.pending.clear()


# -- the scan -----------------------------------------------------------------------------
def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _under(raw: bytes, prefixes: list[bytes]) -> bool:
    return any(raw == p or raw.startswith(p + b"/") for p in prefixes)


def scan(
    index: LibraryIndex,
    matcher: Matcher,
    folders: Sequence[str] | None = None,
    *,
    workers: int | None = None,
    cancel: threading.Event | None = None,
    file_seconds: float = FILE_SECONDS,
) -> Generator[ScanEvent, None, ScanSummary]:
    """Bring the index up to date with the folders (default: all library folders)."""
    early: list[_EarlyPool] = []  # workers started during the walk, once enough files wait
    try:
        return (
            yield from _scan(
                index, matcher, folders, workers, cancel or threading.Event(), file_seconds, early
            )
        )
    finally:
        for pool in early:
            pool.discard()


def _scan(
    index: LibraryIndex,
    matcher: Matcher,
    folders: Sequence[str] | None,
    workers: int | None,
    cancel: threading.Event,
    file_seconds: float,
    early: list[_EarlyPool],
) -> Generator[ScanEvent, None, ScanSummary]:
    started = time.perf_counter()
    n_workers = _workers(workers)
    problems: list[ScanProblem] = []
    rematched = index.sync_catalog(matcher)
    folders = [os.path.abspath(f) for f in (folders or index.folders())]
    for f in folders:
        index.add_folder(f)
    totals = {"files": 0, "new": 0, "changed": 0, "removed": 0, "offline": 0}
    to_read: list[tuple[int, str]] = []
    seen_dirs: set[tuple[int, int]] = set()
    for folder in folders:
        fid = index.folder_id(folder)
        if not os.path.exists(folder):
            reason = "folder is not reachable (unplugged drive?); its tracks are kept offline"
            problem = ScanProblem(folder, reason)
            problems.append(problem)
            yield problem
            index.set_folder_offline(fid, True)
            continue
        known: dict[bytes, tuple[int, int, int]] = {}  # what is left at the end is gone

        def load_known(fid: int = fid, known: dict[bytes, tuple[int, int, int]] = known) -> None:
            index.known(fid, into=known)

        back_online: list[bytes] = []
        skipped: list[bytes] = []
        count = told = 0
        pop = known.pop
        raw_folder = os.fsencode(folder)
        if index.has_tracks(fid):
            walked = walk_split(raw_folder, seen_dirs, cancel=cancel, meanwhile=load_known)
        else:  # new to the index, so every file will be read: the walk stays in this
            # process, leaving the other core to the workers starting (bench/scan.py, cold)
            walked = walk_folders(raw_folder, seen_dirs, ordered=False)
        for found in walked:
            if cancel.is_set():
                break
            for item in found.skipped:
                skipped.append(os.fsencode(item.path))
                problem = ScanProblem(item.path, f"skipped: {item.reason}")
                problems.append(problem)
                yield problem
            for raw, size, mtime_ns in found.files:
                old = pop(raw, None)
                if old is None:
                    totals["new"] += 1
                    to_read.append((fid, os.fsdecode(raw)))
                elif old[0] != size or old[1] != mtime_ns:
                    totals["changed"] += 1
                    to_read.append((fid, os.fsdecode(raw)))
                elif old[2]:
                    back_online.append(raw)
            count += len(found.files)
            if not early and n_workers > 1 and len(to_read) >= IN_PROCESS_BELOW:
                early.append(_EarlyPool(n_workers, matcher, file_seconds))
            if count - told >= 2000:
                told = count
                yield ScanProgress(
                    ScanPhase.WALKING, folder, totals["files"] + count, len(to_read), 0, 0, 0
                )
        totals["files"] += count
        if cancel.is_set():
            break
        kept_offline = [p for p in known if _under(p, skipped)]
        with index.transaction():
            totals["removed"] += index.remove(p for p in known if not _under(p, skipped))
            index.set_offline(kept_offline, True)
            index.set_offline(back_online, False)
        totals["offline"] += len(kept_offline)
        yield ScanProgress(ScanPhase.WALKING, folder, totals["files"], len(to_read), 0, 0, 0)

    read = matched = errors = 0
    if to_read and not cancel.is_set():
        pool = early[0] if early else None
        for batch in _read_all(to_read, matcher, n_workers, cancel, file_seconds, pool):
            by_folder: dict[int, list[tuple[Any, ...]]] = {}
            for fid, result, _path in batch:
                read += 1
                if result is None:
                    totals["removed"] += 1
                    continue
                if result.error:
                    errors += 1
                    problem = ScanProblem(result.path, result.error)
                    problems.append(problem)
                    yield problem
                matched += result.matched
                by_folder.setdefault(fid, []).append(result.row)
            with index.transaction():
                for fid, rows in by_folder.items():
                    index.write_rows(fid, rows)
            yield ScanProgress(ScanPhase.READING, os.path.dirname(batch[-1][2]), totals["files"],
                               len(to_read), read, matched, errors)  # fmt: skip
            if cancel.is_set():
                break
    with index.transaction():
        index.set_meta("catalog", catalog_fingerprint(matcher.catalog))
    return ScanSummary(
        files=totals["files"], new=totals["new"], changed=totals["changed"],
        removed=totals["removed"], matched=index.matched_count(), errors=errors, offline=totals["offline"],
        rematched=rematched, seconds=time.perf_counter() - started,
        cancelled=cancel.is_set(), problems=tuple(problems),
    )  # fmt: skip


def drive(
    gen: Generator[ScanEvent, None, ScanSummary], on_event: Callable[[ScanEvent], object]
) -> ScanSummary:
    """Run a scan to its end, handing each event to `on_event`; the summary comes back."""
    while True:
        try:
            on_event(next(gen))
        except StopIteration as stop:
            return stop.value  # type: ignore[no-any-return]


def _read_guarded(
    path: str, matcher: Matcher, seconds: float, cancel: threading.Event
) -> Scanned | None:
    """Read one file in a daemon thread and wait at most `seconds` (Cancel is heard ten
    times a second). Past that the file is reported as taking too long and the scan goes
    on; the helper is left to finish, or hang on a stalled drive, on its own."""
    out: list[Scanned | None] = []
    helper = threading.Thread(
        target=lambda: out.append(_read_and_match(path, matcher)), name="ksad-read", daemon=True
    )
    helper.start()
    deadline = time.monotonic() + seconds
    while helper.is_alive() and time.monotonic() < deadline and not cancel.is_set():
        helper.join(min(0.1, max(0.0, deadline - time.monotonic())))
    if helper.is_alive():
        return _failed(path, TOO_LONG)
    return out[0] if out else _failed(path, CRASHED)


def _read_all(
    to_read: list[tuple[int, str]],
    matcher: Matcher,
    workers: int,
    cancel: threading.Event,
    file_seconds: float = FILE_SECONDS,
    early: _EarlyPool | None = None,
) -> Iterator[list[tuple[int, Scanned | None, str]]]:
    """Batches of (folder id, result or None if vanished, path), as they are read."""
    paths = [p for _, p in to_read]
    fids = [f for f, _ in to_read]
    done = [False] * len(paths)
    if workers > 1 and len(paths) >= IN_PROCESS_BELOW:
        pool = early.take() if early is not None else _start_pool(workers, matcher, file_seconds)
        if pool is not None:
            try:
                for results in _read_pooled(list(enumerate(paths)), pool, cancel):
                    for i, _ in results:
                        done[i] = True
                    yield [(fids[i], r, paths[i]) for i, r in results]
            except OSError:
                pass  # workers could not be started again: read the rest here
            finally:
                pool.close(graceful=not cancel.is_set())
            if cancel.is_set():
                return
    batch: list[tuple[int, Scanned | None, str]] = []
    # On the main thread the reader's own timer bounds each file; on any other (the
    # window's scan thread) no timer can interrupt a read, so each runs in a helper thread.
    guarded = threading.current_thread() is not threading.main_thread()
    for i, path in enumerate(paths):
        if done[i]:
            continue
        if cancel.is_set():
            return
        result = (
            _read_guarded(path, matcher, file_seconds, cancel)
            if guarded
            else _read_and_match(path, matcher)
        )
        if cancel.is_set():
            return
        batch.append((fids[i], result, path))
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch
