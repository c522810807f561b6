"""Scanning library folders into the index: walk, compare, read what changed, remove
what is gone.

`scan()` is a generator of progress events that returns a summary, so the CLI prints it,
the window turns it into signals and tests simply drain it. Tag reading and matching run
in worker processes (tag parsing is CPU-bound Python); results are written in batches,
one transaction each, so a scan killed at any moment leaves a valid index that the next
scan continues from.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, NamedTuple

from ksad_player.core.library.index import LibraryIndex, catalog_fingerprint, track_row
from ksad_player.core.library.walk import Skipped, walk_tree

if TYPE_CHECKING:  # imported where files are read: a rescan that reads none skips them
    import multiprocessing.context

    from ksad_player.core.catalog import Catalog
    from ksad_player.core.match.matcher import Matcher, MatchWeights

IN_PROCESS_BELOW = 400  # fewer files than this are read without starting workers
CHUNK = 64
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
_worker_matcher: Matcher | None = None


def _init_worker(catalog: Catalog, weights: MatchWeights) -> None:
    """Each worker matches with the session's own catalog and weights."""
    from ksad_player.core.match.matcher import Matcher

    global _worker_matcher
    _worker_matcher = Matcher(catalog, weights)


class Scanned(NamedTuple):
    """One file read and matched, as the index stores it (rows are made in the workers)."""

    path: str
    row: tuple[Any, ...]
    error: str | None
    matched: bool


def _read_and_match(path: str, matcher: Matcher) -> Scanned | None:
    from ksad_player.core.tags.reader import read_tags

    r = read_tags(path, scan=True)
    if r.tags is None:
        if not os.path.lexists(path):
            return None  # vanished while we scanned
        return Scanned(path, track_row(r, None), r.error, False)
    m = matcher.match(r.tags)
    return Scanned(path, track_row(r, m), None, m.entry_id is not None)


def _read_chunk(paths: Sequence[str]) -> list[Scanned | None]:
    assert _worker_matcher is not None
    return [_read_and_match(p, _worker_matcher) for p in paths]


_POOL_LOCK = threading.Lock()
_WORKER_MODULES = ["ksad_player.core.tags.reader", "ksad_player.core.match.matcher"]


def _context() -> multiprocessing.context.BaseContext:
    """forkserver: workers fork from a clean server, safe beside Qt's and libVLC's threads."""
    import multiprocessing

    with _POOL_LOCK:
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["ksad_player.core.library.scanner", *_WORKER_MODULES])
        return ctx


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
) -> Generator[ScanEvent, None, ScanSummary]:
    """Bring the index up to date with the folders (default: all library folders)."""
    started = time.perf_counter()
    cancel = cancel or threading.Event()
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
        known = index.known(fid)  # what is left in it at the end is gone
        encode = os.fsencode
        back_online: list[bytes] = []
        skipped: list[bytes] = []
        count = 0
        for item in walk_tree(folder, seen_dirs, ordered=False):
            if cancel.is_set():
                break
            if type(item) is Skipped:
                skipped.append(os.fsencode(item.path))
                problem = ScanProblem(item.path, f"skipped: {item.reason}")
                problems.append(problem)
                yield problem
                continue
            path, size, mtime_ns = item  # type: ignore[misc]
            raw = encode(path)
            count += 1
            old = known.pop(raw, None)
            if old is None:
                totals["new"] += 1
                to_read.append((fid, path))
            elif old[0] != size or old[1] != mtime_ns:
                totals["changed"] += 1
                to_read.append((fid, path))
            elif old[2]:
                back_online.append(raw)
            if count % 2000 == 0:
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
        for batch in _read_all(to_read, matcher, workers, cancel):
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


def _read_all(
    to_read: list[tuple[int, str]], matcher: Matcher, workers: int | None, cancel: threading.Event
) -> Iterator[list[tuple[int, Scanned | None, str]]]:
    """Batches of (folder id, result or None if vanished, path), in order."""
    paths = [p for _, p in to_read]
    fids = [f for f, _ in to_read]
    workers = workers if workers is not None else (os.cpu_count() or 1)
    pos = 0
    if workers > 1 and len(paths) >= IN_PROCESS_BELOW:
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        batch: list[tuple[int, Scanned | None, str]] = []
        try:
            ex = ProcessPoolExecutor(
                workers,
                mp_context=_context(),
                initializer=_init_worker,
                initargs=(matcher.catalog, matcher.w),
            )
        except (OSError, ValueError):
            ex = None
        if ex is not None:
            try:
                for chunk_results in ex.map(_read_chunk, _chunks(paths, CHUNK)):
                    for result in chunk_results:
                        batch.append((fids[pos], result, paths[pos]))
                        pos += 1
                    if len(batch) >= BATCH:
                        yield batch
                        batch = []
                    if cancel.is_set():
                        return
            except (BrokenProcessPool, OSError, EOFError):
                pass  # workers could not start or died: read the rest here
            finally:
                ex.shutdown(wait=True, cancel_futures=True)
            if batch:
                yield batch
    for start in range(pos, len(paths), BATCH):
        if cancel.is_set():
            return
        part = paths[start : start + BATCH]
        yield [(fids[start + i], _read_and_match(p, matcher), p) for i, p in enumerate(part)]
