"""Finding the audio files under the paths a user gives, whatever the tree looks like.

The walk works on bytes, the form the OS and the index both keep: a rescan of an
unchanged library decodes no name and encodes no path. It hands out one folder at a time
so that the per-file work is a plain loop, not a generator step.
"""

from __future__ import annotations

import contextlib
import fcntl
import marshal
import os
import select
import signal
import stat
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, NamedTuple

from ksad_player.core.tags import AUDIO_EXTENSIONS, is_audio_name

Warn = Callable[[str], None]
AUDIO_SUFFIXES = frozenset(e.encode() for e in AUDIO_EXTENSIONS)
Ident = tuple[int, int]  # (st_dev, st_ino): a directory, whatever path reached it
NO_IDENT: Ident = (0, 0)  # what a top folder that cannot be stat'ed is given


@dataclass(frozen=True)
class Skipped:
    """A folder or file the walk could not enter or stat, and why."""

    path: str
    reason: str


class Found(NamedTuple):
    """The audio files of one folder, (path, size, mtime_ns), and what could not be read."""

    folder: bytes
    files: list[tuple[bytes, int, int]]
    skipped: list[Skipped]
    ident: Ident = NO_IDENT


def _audio(name: bytes) -> bool:
    """An audio file's name, by its extension (is_audio_name, on bytes)."""
    dot = name.rfind(b".")
    return dot > 0 and name[dot:].lower() in AUDIO_SUFFIXES


def _ignore(_: str) -> None:
    return None


def _why(exc: OSError) -> str:
    return exc.strerror or "cannot be read"


def _inside(root: bytes) -> Callable[[bytes], bool]:
    """Whether a link's target lies in the library folder `root` (resolved once)."""
    real = os.path.realpath(root)
    prefix = real.rstrip(b"/") + b"/"
    return lambda path: (target := os.path.realpath(path)) == real or target.startswith(prefix)


def walk_folders(
    top: bytes,
    seen: set[Ident] | None = None,
    *,
    ordered: bool = True,
    root: bytes | None = None,
) -> Iterator[Found]:
    """Audio files below a folder, folder by folder, depth-first (in name order when
    `ordered`); each directory once (`seen`), so symlink loops end. A link to a folder
    inside the library folder `root` (default: `top`) is not followed: that folder is
    walked where it is, so its files keep one path whichever way a walk goes."""
    seen = set() if seen is None else seen
    inside: Callable[[bytes], bool] | None = None  # made at the first link (realpath is slow)
    try:
        st = os.stat(top)
    except OSError as exc:
        yield Found(top, [], [Skipped(os.fsdecode(top), _why(exc))])
        return
    if not stat.S_ISDIR(st.st_mode):  # a single file can be a library root too
        if _audio(os.path.basename(top)):
            yield Found(os.path.dirname(top), [(top, st.st_size, st.st_mtime_ns)], [])
        return
    seen.add((st.st_dev, st.st_ino))
    suffixes = AUDIO_SUFFIXES
    stack: list[tuple[bytes, Ident]] = [(top, (st.st_dev, st.st_ino))]
    while stack:
        folder, ident = stack.pop()
        dev = ident[0]
        files: list[tuple[bytes, int, int]] = []
        skipped: list[Skipped] = []
        try:
            with os.scandir(folder) as it:
                items = sorted(it, key=lambda d: d.name) if ordered else list(it)
        except OSError as exc:
            yield Found(folder, files, [Skipped(os.fsdecode(folder), _why(exc))], ident)
            continue
        subdirs = []
        for d in items:
            try:
                if d.is_dir():
                    # A plain folder's identity comes free from readdir; only a link
                    # (which may loop back) needs a stat of its target.
                    if d.is_symlink():
                        if inside is None:
                            inside = _inside(top if root is None else root)
                        if inside(d.path):
                            continue
                        s = d.stat()
                        sub = (s.st_dev, s.st_ino)
                    else:
                        sub = (dev, d.inode())
                    if sub not in seen:
                        seen.add(sub)
                        subdirs.append((d.path, sub))
                    continue
                name = d.name  # _audio, inlined: this runs once per file of a library
                dot = name.rfind(b".")
                if dot > 0 and name[dot:].lower() in suffixes and d.is_file():
                    s = d.stat()
                    files.append((d.path, s.st_size, s.st_mtime_ns))
            except OSError as exc:
                skipped.append(Skipped(os.fsdecode(d.path), _why(exc)))
        yield Found(folder, files, skipped, ident)
        stack.extend(reversed(subdirs))


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))  # what this process may use, not the machine
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _split_ok() -> bool:
    """Fork only in a process with one thread of any kind (the CLI): the operating system's
    count, since Qt's, libVLC's and D-Bus threads are unknown to Python's `threading`.
    Where that count cannot be read, never. And only with a second core to use."""
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        return False
    return hasattr(os, "fork") and threads == 1 and _cores() > 1


class _Frames:
    """The child's side of the pipe: length-prefixed marshal frames, read as they come."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buf = bytearray()
        self.ended = False

    def read(self, timeout: float) -> list[Any]:
        """What complete frames have arrived (waiting up to `timeout` for more bytes)."""
        if not self.ended and select.select([self.fd], [], [], timeout)[0]:
            chunk = os.read(self.fd, 1 << 20)
            self.ended = not chunk
            self.buf += chunk
        out: list[Any] = []
        while len(self.buf) >= 4:
            size = int.from_bytes(self.buf[:4], "little")
            if len(self.buf) < 4 + size:
                break
            out.extend(marshal.loads(self.buf[4 : 4 + size]))
            del self.buf[: 4 + size]
        return out


END = ("end",)  # the child's last frame: its whole share was sent


def _send(fd: int, entries: list[Any]) -> None:
    data = marshal.dumps(entries)
    view = memoryview(len(data).to_bytes(4, "little") + data)
    while view:
        view = view[os.write(fd, view) :]


def walk_split(
    top: bytes,
    seen: set[Ident] | None = None,
    *,
    cancel: threading.Event | None = None,
    meanwhile: Callable[[], object] = lambda: None,
    min_folders: int = 4,
) -> Iterator[Found]:
    """`walk_folders` (unordered), with three top-level folders in five walked by a
    forked child. A stat is one system call per file and most of a rescan's time: two
    processes make them side by side (bench/scan.py, unchanged rescan). The child sends
    its folders as it goes and this process takes them in between its own; `meanwhile`
    runs here while the child starts. Each directory comes out once: a folder both
    reached (through a link) is kept from whichever came first. If the child fails, this
    process walks its share itself."""
    seen = set() if seen is None else seen
    try:
        st = os.stat(top)
        with os.scandir(top) as it:
            subdirs = [
                (d.path, (st.st_dev, d.inode())) for d in it if d.is_dir(follow_symlinks=False)
            ]
    except OSError:
        subdirs = []
    nested = any(ident in seen for _p, ident in subdirs)  # a library folder inside another
    if len(subdirs) < min_folders or nested or not _split_ok():
        meanwhile()
        yield from walk_folders(top, seen, ordered=False)
        return
    theirs = [s for i, s in enumerate(subdirs) if i % 5 not in (0, 3)]  # 3 in 5
    theirs_idents = {ident for _p, ident in theirs}
    child_seen = seen | {ident for _p, ident in subdirs} | {(st.st_dev, st.st_ino)}
    try:
        r, w = os.pipe()
        try:
            with contextlib.suppress(OSError):  # room for the child to write ahead (Linux)
                fcntl.fcntl(w, getattr(fcntl, "F_SETPIPE_SZ", 1031), 1 << 20)
            pid = os.fork()
        except OSError:
            os.close(r)
            os.close(w)
            raise
    except OSError:  # no descriptor or process to be had (a limit, memory): walk it here
        meanwhile()
        yield from walk_folders(top, seen, ordered=False)
        return
    seen.update(theirs_idents)  # this side leaves the child's folders alone
    if pid == 0:  # the child: walk its share, send it, end without running any cleanup
        code = 1
        try:
            # Only the pipe is kept: the index's locks and database stay the parent's alone,
            # even if the parent is killed while this walk goes on.
            os.close(r)  # else, with the parent gone, a full pipe would block this forever
            os.closerange(3, w)
            os.closerange(w + 1, os.sysconf("SC_OPEN_MAX"))
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C is the parent's to handle
            out: list[Any] = []
            for path, _ident in theirs:
                for f in walk_folders(path, child_seen, ordered=False, root=top):
                    out.append(
                        (f.folder, f.files, [(k.path, k.reason) for k in f.skipped], f.ident)
                    )
                    if len(out) >= 256:
                        _send(w, out)
                        out = []
            _send(w, out)
            _send(w, [END])  # all of it: anything short of this is a child that failed
            code = 0
        finally:
            os._exit(code)
    os.close(w)
    frames = _Frames(r)
    received: set[Ident] = set()  # the child's folders taken in (given out or dropped)
    complete = False

    def theirs_found(timeout: float) -> Iterator[Found]:
        nonlocal complete
        for entry in frames.read(timeout):
            if entry == END:
                complete = True
                continue
            folder, files, skipped, ident = entry
            if ident != NO_IDENT:  # (a folder that could not even be stat'ed has none)
                received.add(ident)
                if ident in seen and ident not in theirs_idents:
                    continue  # this side walked it already, by another path
                seen.add(ident)
            yield Found(folder, files, [Skipped(p, why) for p, why in skipped], ident)

    try:
        meanwhile()
        for n, found in enumerate(walk_folders(top, seen, ordered=False)):
            yield found
            if n % 32 == 31:
                yield from theirs_found(0)
        while not frames.ended:
            if cancel is not None and cancel.is_set():
                return  # stopped: the child is ended below
            yield from theirs_found(0.1)
        if not complete:  # the child failed (killed, out of memory…): its share here,
            # going back into the folders it sent to find what it had not, giving out only
            # folders not given out already
            again = seen - received
            for path, _ident in theirs:
                for found in walk_folders(path, again, ordered=False, root=top):
                    if found.ident == NO_IDENT or found.ident not in received:
                        yield found
            seen |= again
    finally:
        os.close(r)
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)  # it has ended already, unless the scan stopped
        with contextlib.suppress(OSError):
            os.waitpid(pid, 0)


def walk_tree(
    top: str, seen: set[Ident] | None = None, *, ordered: bool = True
) -> Iterator[tuple[str, int, int] | Skipped]:
    """`walk_folders` file by file, with str paths (surrogate escapes for odd bytes)."""
    decode = os.fsdecode
    for found in walk_folders(os.fsencode(top), seen, ordered=ordered):
        yield from found.skipped
        for raw, size, mtime_ns in found.files:
            yield (decode(raw), size, mtime_ns)


def walk_audio(paths: Iterable[str | os.PathLike[str]], warn: Warn = _ignore) -> Iterator[str]:
    """Absolute paths of audio files under files and folders; problems go to `warn`."""
    seen: set[Ident] = set()
    for top in paths:
        top = os.path.abspath(os.fspath(top))
        if os.path.isdir(top):
            for item in walk_tree(top, seen):
                if isinstance(item, Skipped):
                    warn(f"{item.path}: skipped: {item.reason}")
                else:
                    yield item[0]
        elif os.path.exists(top) and is_audio_name(top):
            yield top
        elif os.path.exists(top):
            warn(f"{top}: not an audio file")
        else:
            warn(f"{top}: cannot open: no such file or folder")
