"""The library index: SQLite memory of folders, files, tags, matches and the user's links.

One file in $XDG_DATA_HOME/ksad-player. WAL mode, one transaction per batch, a schema
version with forward migrations. A corrupt file, or one from a newer version, is moved
aside and rebuilt; the user's links and folders are mirrored to a JSON file beside it at
every change, so a rebuild restores them. Paths are stored as bytes: file names that are
not UTF-8 are real too.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import math
import os
import re
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ksad_player.core import paths
from ksad_player.core.catalog import Catalog
from ksad_player.core.tags import ReadResult, Tags

if TYPE_CHECKING:  # the matcher (rapidfuzz) is imported where a match is made or read
    from ksad_player.core.match.matcher import Match, Matcher, Reason

SCHEMA_VERSION = 1
NEVER = "__never__"  # a link that says: this file is no catalog song


def default_path() -> Path:
    return paths.data_dir() / "library.sqlite3"


def _b(path: str) -> bytes:
    return os.fsencode(path)


def _s(raw: bytes) -> str:
    return os.fsdecode(raw)


def _script(db: sqlite3.Connection, sql: str) -> None:
    """Statements one by one: executescript() would commit the migration's transaction."""
    for statement in sql.split(";"):
        if statement.strip():
            db.execute(statement)


def _v1(db: sqlite3.Connection) -> None:
    _script(
        db,
        """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT);
        CREATE TABLE folders(
            id INTEGER PRIMARY KEY, path BLOB UNIQUE NOT NULL, added REAL NOT NULL);
        CREATE TABLE tracks(
            id INTEGER PRIMARY KEY,
            path BLOB UNIQUE NOT NULL,
            folder_id INTEGER REFERENCES folders(id) ON DELETE CASCADE,
            size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
            format TEXT, title TEXT, artists TEXT, album TEXT, albumartist TEXT,
            tracknumber INTEGER, duration REAL, has_cover INTEGER, lossless INTEGER,
            bitrate INTEGER, title_source TEXT, artist_source TEXT, folder_artists TEXT,
            repaired INTEGER, warning TEXT, error TEXT,
            entry_id TEXT, score REAL, reasons TEXT,
            offline INTEGER NOT NULL DEFAULT 0);
        CREATE INDEX tracks_folder ON tracks(folder_id);
        CREATE INDEX tracks_entry ON tracks(entry_id);
        CREATE TABLE links(path BLOB PRIMARY KEY, entry_id TEXT NOT NULL, created REAL NOT NULL);
        """,
    )


MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {1: _v1}


@dataclass(frozen=True)
class Track:
    """A file as the index knows it, with its effective match (a link wins over the matcher)."""

    tags: Tags | None
    path: str
    error: str | None
    entry_id: str | None
    score: float
    reasons: tuple[Reason, ...]
    linked: bool
    offline: bool


@dataclass(frozen=True)
class FolderInfo:
    path: str
    files: int
    matched: int
    offline: int


_TAG_COLUMNS = (
    "format, title, artists, album, albumartist, tracknumber, duration, has_cover, lossless, "
    "bitrate, title_source, artist_source, folder_artists, repaired, warning"
)


# One encoder for every row: json.dumps with an option builds a new one per call, which
# was a fifth of what making a row cost (a scan makes one per file).
_to_json = json.JSONEncoder(ensure_ascii=False).encode


def _tag_values(t: Tags | None) -> tuple[Any, ...]:
    if t is None:
        return (None,) * 15
    return (
        t.format, t.title, _to_json(t.artists), t.album, t.albumartist,
        t.tracknumber, t.duration, int(t.has_cover), int(t.lossless), t.bitrate,
        t.title_source, t.artist_source, _to_json(t.folder_artists) if t.folder_artists else "[]",
        int(t.repaired), t.warning,
    )  # fmt: skip


def _tags_from(path: str, row: sqlite3.Row | tuple[Any, ...]) -> Tags | None:
    (fmt, title, artists, album, albumartist, tracknumber, duration, has_cover, lossless,
     bitrate, title_source, artist_source, folder_artists, repaired, warning) = row  # fmt: skip
    if fmt is None:
        return None
    return Tags(
        path=path, format=fmt, title=title or "", artists=tuple(json.loads(artists or "[]")),
        album=album or "", albumartist=albumartist or "", tracknumber=tracknumber,
        duration=duration or 0.0, has_cover=bool(has_cover), lossless=bool(lossless),
        bitrate=bitrate or 0, title_source=title_source or "tag",
        artist_source=artist_source or "tag",
        folder_artists=tuple(json.loads(folder_artists or "[]")), repaired=bool(repaired),
        warning=warning,
    )  # fmt: skip


def _reasons_json(m: Match | None) -> str | None:
    if m is None:
        return None
    return _to_json(
        {
            "verdict": m.verdict,
            "reasons": [[r.field, r.value, r.alias, r.score, r.note] for r in m.reasons],
        }
    )


def _reasons_from(text: str | None) -> tuple[Reason, ...]:
    if not text:
        return ()
    from ksad_player.core.match.matcher import Reason

    return tuple(Reason(*r) for r in json.loads(text).get("reasons", []))


def track_row(r: ReadResult, m: Match | None) -> tuple[Any, ...]:
    """A file as one `tracks` row (without its folder): plain values, cheap to pickle."""
    return (
        _b(r.path), r.size, r.mtime_ns, *_tag_values(r.tags), r.error,
        m.entry_id if m else None, m.score if m else 0.0, _reasons_json(m),
    )  # fmt: skip


def catalog_fingerprint(catalog: Catalog) -> str:
    """Changes whenever anything the matcher reads in the catalog changes."""
    return hashlib.sha256(repr((catalog.entries, catalog.moods)).encode()).hexdigest()[:32]


MIRROR_MAX_BYTES = 64 * 1024 * 1024
_LINK_RE = re.compile(
    r'\{\s*"path"\s*:\s*("(?:[^"\\]|\\.)*")\s*,\s*"entry"\s*:\s*(null|"(?:[^"\\]|\\.)*")\s*\}'
)
_STRING_RE = re.compile(r'"(?:[^"\\]|\\.)*"')


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


def _good_path(value: object) -> bool:
    """A full path that is not the root (nobody's music folder or file)."""
    return (
        isinstance(value, str) and os.path.isabs(value) and "\0" not in value
        and os.path.dirname(value) != value
    )  # fmt: skip


def _salvage(text: str) -> tuple[list[str], list[tuple[str, str | None]]]:
    """From a mirror that is not valid JSON (cut short, a byte flipped), the links and
    folders that are still whole. Linear regular expressions: bounded on any input."""
    links: list[tuple[str, str | None]] = []
    for m in _LINK_RE.finditer(text):
        try:
            path, entry = json.loads(m.group(1)), json.loads(m.group(2))
        except ValueError:
            continue
        if (
            _good_path(path)
            and "\ufffd" not in m.group(0)
            and (entry is None or isinstance(entry, str))
        ):
            links.append((path, entry))
    folders: list[str] = []
    start = text.find('"folders"')
    if start >= 0:
        end = text.find("]", start)
        for m in _STRING_RE.finditer(
            text, start + len('"folders"'), end if end >= 0 else len(text)
        ):
            try:
                value = json.loads(m.group(0))
            except ValueError:
                continue
            if _good_path(value) and "\ufffd" not in value:  # a damaged byte: not this path
                folders.append(value)
    return folders, links


def _read_mirror(path: Path) -> tuple[list[str], list[tuple[str, str | None]], list[str]]:
    """(folders, links, problems) from the links mirror, checked like a user catalog."""
    try:
        with path.open("rb") as f:
            raw = f.read(MIRROR_MAX_BYTES + 1)
    except FileNotFoundError:
        return [], [], []
    except OSError as exc:
        return [], [], [f"it cannot be read ({exc.strerror or exc})"]
    if len(raw) > MIRROR_MAX_BYTES:
        return [], [], [f"it is larger than {MIRROR_MAX_BYTES // 2**20} MB"]
    text = raw.decode("utf-8", "replace")
    try:
        state = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        folders, links = _salvage(text)
        return folders, links, [f"it is not UTF-8 text (byte {exc.start + 1})"]
    except RecursionError:
        return [], [], ["it is nested too deeply to be a links file"]
    except ValueError as exc:
        folders, links = _salvage(text)
        where = (
            f" (line {exc.lineno}, column {exc.colno})"
            if isinstance(exc, json.JSONDecodeError)
            else ""
        )
        return folders, links, [f"it is not valid JSON{where}"]
    if not isinstance(state, dict):
        return [], [], ["it holds no object with folders and links"]
    problems: list[str] = []
    raw_folders = state.get("folders", [])
    if isinstance(raw_folders, str):
        problems.append("'folders' is one text instead of a list; read as one folder")
        raw_folders = [raw_folders]
    elif not isinstance(raw_folders, list):
        problems.append(f"'folders' is not a list ({_shown(raw_folders)})")
        raw_folders = []
    folders = []
    for n, f in enumerate(raw_folders, 1):
        if _good_path(f):
            folders.append(f)
        else:
            problems.append(f"folder {n} is not a music folder's full path ({_shown(f)})")
    raw_links = state.get("links", [])
    if not isinstance(raw_links, list):
        problems.append(f"'links' is not a list ({_shown(raw_links)})")
        raw_links = []
    links = []
    for n, link in enumerate(raw_links, 1):
        if not isinstance(link, dict):
            problems.append(f"link {n} is not an object ({_shown(link)})")
        elif not _good_path(link.get("path")):
            problems.append(f"link {n} has no absolute path ({_shown(link.get('path'))})")
        elif not (
            link.get("entry") is None or (isinstance(link.get("entry"), str) and link["entry"])
        ):
            problems.append(f"link {n} names no song ({_shown(link.get('entry'))})")
        else:
            links.append((link["path"], link.get("entry")))
    return folders, links, problems


class IndexUnavailable(Exception):
    """The index cannot be used as asked; the message is in the user's words."""


class IndexBusy(IndexUnavailable):
    """Another process holds the index locked for longer than we wait."""


class IndexReadOnly(IndexUnavailable):
    """A write was asked of an index whose file or folder is not writable."""


class _Broken(Exception):
    """The file failed its integrity check or is not a database: it may be moved aside."""


# SQLite's primary result codes that say "busy", "not writable" or "damaged".
_BUSY = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_CORRUPT = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB
_UNWRITABLE = {3, 8, 14, 23}  # SQLITE_PERM, SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_AUTH
_FULL = 13  # SQLITE_FULL
_IOERR = 10  # SQLITE_IOERR: on Linux also what a full disk can give
WAITING = "the library is in use by another ksad-player; waiting…"
SCAN_WAITING = "another scan of this library is running; this one starts when it ends…"
SCAN_IN_PROGRESS = "scan"  # meta key: set while a scan runs, so an interrupted one resumes


def _user_version(db: sqlite3.Connection) -> Callable[[], int]:
    return lambda: int(db.execute("PRAGMA user_version").fetchone()[0])


def _code(exc: sqlite3.Error) -> int:
    return (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF


def storage_problem(exc: BaseException, path: Path) -> IndexUnavailable | None:
    """A full or failing disk under the index, in the user's words (None: something else)."""
    if isinstance(exc, sqlite3.Error):
        if _code(exc) not in (_FULL, _IOERR):
            return None
    elif not (isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EIO)):
        return None
    try:
        full = shutil.disk_usage(path.parent).free < 1024 * 1024
    except OSError:
        full = False
    said_full = _code(exc) == _FULL if isinstance(exc, sqlite3.Error) else exc.errno == errno.ENOSPC
    what = "is full" if full or said_full else "failed to write"
    return IndexUnavailable(
        f"the disk holding the library index {path} {what}; "
        "what was saved before is kept — free some space and try again"
    )


def default_wait() -> float:
    """Seconds to wait for another process's lock (KSAD_INDEX_WAIT, default 30)."""
    try:
        return max(0.0, float(os.environ.get("KSAD_INDEX_WAIT", "30")))
    except ValueError:
        return 30.0


def _unwritable(path: Path) -> str:
    """Why the index cannot be written ('' when it can), naming what is not writable."""
    folder = path.parent
    if not folder.exists():
        return ""
    if not os.access(folder, os.W_OK):
        return f"the folder {folder} is not writable"
    if path.exists() and not os.access(path, os.W_OK):
        return f"the file {path} is not writable"
    return ""


class _Connection(sqlite3.Connection):
    """Notes damage (SQLITE_CORRUPT, SQLITE_NOTADB) met by any statement, so that closing
    leaves no stamp that would let the next open skip its integrity check."""

    damaged = False

    def _noting(self, run: Callable[..., sqlite3.Cursor], *args: Any) -> sqlite3.Cursor:
        try:
            return run(*args)
        except sqlite3.DatabaseError as exc:
            self.damaged = self.damaged or _code(exc) in _CORRUPT
            raise

    def execute(self, *args: Any) -> sqlite3.Cursor:
        return self._noting(super().execute, *args)

    def executemany(self, *args: Any) -> sqlite3.Cursor:
        return self._noting(super().executemany, *args)


class LibraryIndex:
    """Open (creating, migrating or rebuilding as needed) the index at `path`.

    A lock held by another process is waited for, saying so through `on_wait`, up to
    `wait` seconds (then IndexBusy): a busy index is never taken for a broken one. Only
    a failed integrity check or a file that is not a database is moved aside. An index
    that is not writable opens read-only: reads work, writes raise IndexReadOnly.
    """

    def __init__(
        self,
        path: Path | None = None,
        *,
        wait: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        self.path = Path(path) if path else default_path()
        self.state_path = self.path.with_name(self.path.stem + "-links.json")
        self.lock_path = self.path.with_name(self.path.name + ".lock")
        self.scan_lock_path = self.path.with_name(self.path.name + ".scan-lock")
        self.checked_path = self.path.with_name(self.path.name + ".checked")
        self.messages: list[str] = []
        self.rebuilt = False
        self.wait = default_wait() if wait is None else wait
        self.on_wait = on_wait or (lambda _m: None)
        self._told = False
        self._holding = False
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise IndexReadOnly(
                f"cannot create the folder for the library index, {self.path.parent}: "
                f"{exc.strerror or exc}"
            ) from None
        self.read_only = _unwritable(self.path)
        if self.read_only:
            if not self.path.exists():
                raise IndexReadOnly(f"cannot create the library index: {self.read_only}")
            self.db = self._open_read_only()
            self.messages.append(
                f"the library index is read-only ({self.read_only}): it is shown as it is; "
                "scanning and linking are off"
            )
            return
        with self._index_lock():
            try:
                self.db = self._open()
            except (_Broken, _TooNew) as exc:
                self._move_aside(str(exc))
                self.db = self._open()
                self._restore_state()

    # -- waiting for other processes ------------------------------------------------------
    def _waiting(
        self, message: str, deadline: float, cancel: threading.Event | None = None
    ) -> None:
        """Say once that we wait; sleep a little; give up past the deadline."""
        if cancel is not None and cancel.is_set():
            raise IndexBusy("stopped while waiting for the library")
        if time.monotonic() > deadline:
            raise IndexBusy(
                f"the library index {self.path} is in use by another ksad-player; "
                "try again when it has finished (nothing was changed)"
            )
        if not self._told:
            self._told = True
            self.on_wait(message)
        time.sleep(0.05)

    def _retry(self, step: Callable[[], Any]) -> Any:
        """Run one SQLite step, waiting while another process holds the index locked."""
        deadline = time.monotonic() + self.wait
        while True:
            try:
                return step()
            except sqlite3.OperationalError as exc:
                if _code(exc) not in _BUSY:
                    raise
            self._waiting(WAITING, deadline)

    @contextlib.contextmanager
    def _file_lock(
        self, path: Path, message: str, *, forever: bool = False,
        cancel: threading.Event | None = None, wait: float | None = None,
    ) -> Iterator[None]:  # fmt: skip
        """An exclusive flock on `path` (processes and connections alike wait for it)."""
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            limit = self.wait if wait is None else wait
            deadline = math.inf if forever else time.monotonic() + limit
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    self._waiting(message, deadline, cancel)
            yield
        finally:
            os.close(fd)  # releases the lock

    @contextlib.contextmanager
    def _index_lock(self) -> Iterator[None]:
        """Held while opening (create, migrate, move aside) and while writing the mirror:
        one process at a time, so the newest state is the one the mirror keeps."""
        if self._holding:
            yield
            return
        with self._file_lock(self.lock_path, WAITING):
            self._holding = True
            try:
                yield
            finally:
                self._holding = False

    def scan_lock(
        self, cancel: threading.Event | None = None, *, wait: float | None = None
    ) -> contextlib.AbstractContextManager[None]:
        """Held for a whole scan (and while a folder is removed): scans of one index (two
        windows, the CLI and a window) run one after the other. Waits as long as it takes,
        or `wait` seconds, or until `cancel` is set (then IndexBusy)."""
        self.check_writable()
        self._told = False
        return self._file_lock(
            self.scan_lock_path, SCAN_WAITING, forever=wait is None, cancel=cancel, wait=wait
        )

    def check_writable(self) -> None:
        if self.read_only:
            raise IndexReadOnly(
                f"the library index is read-only ({self.read_only}); nothing was changed"
            )

    # -- opening, migrating, recovering --------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(
            self.path, timeout=0.2, isolation_level=None, check_same_thread=False,
            factory=_Connection,
        )  # fmt: skip
        try:
            self._retry(lambda: db.execute("PRAGMA journal_mode=WAL").fetchone())
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            if (
                not self._unchanged_since_check()
                and self._retry(lambda: db.execute("PRAGMA quick_check").fetchone()[0]) != "ok"
            ):
                raise _Broken("the index failed its integrity check")
            version = self._retry(lambda: db.execute("PRAGMA user_version").fetchone()[0])
            if version < SCHEMA_VERSION:
                self._retry(lambda: db.execute("BEGIN IMMEDIATE"))
                # Read again under the write lock: another process may have just made it.
                version = db.execute("PRAGMA user_version").fetchone()[0]
                for v in range(version + 1, SCHEMA_VERSION + 1):
                    MIGRATIONS[v](db)
                    db.execute(f"PRAGMA user_version={v}")
                db.execute("COMMIT")
            if version > SCHEMA_VERSION:
                raise _TooNew(f"the index was written by a newer ksad-player (schema {version})")
            db.execute(f"PRAGMA busy_timeout={int(min(self.wait, 30) * 1000)}")
        except sqlite3.Error as exc:
            db.close()
            code = _code(exc)
            if code in _CORRUPT:
                raise _Broken(f"the index is damaged ({exc})") from None
            if code in _UNWRITABLE:
                raise IndexReadOnly(
                    f"the library index {self.path} cannot be written ({exc})"
                ) from None
            raise storage_problem(exc, self.path) or exc from None
        except BaseException:
            db.close()
            raise
        return db

    def _open_read_only(self) -> sqlite3.Connection:
        """Open without writing anything, not even WAL's shared-memory file if it cannot."""
        uri = self.path.resolve().as_uri()
        last: sqlite3.Error | None = None
        for mode in ("mode=ro", "immutable=1"):
            try:
                db = sqlite3.connect(
                    f"{uri}?{mode}", uri=True, timeout=0.2, isolation_level=None,
                    check_same_thread=False,
                )  # fmt: skip
                version = self._retry(_user_version(db))
            except sqlite3.Error as exc:
                last = exc
                if _code(exc) in _CORRUPT:
                    break
                continue
            if version != SCHEMA_VERSION:
                db.close()
                raise IndexReadOnly(
                    f"the library index is read-only ({self.read_only}) and from another "
                    f"version of ksad-player (schema {version}); it was left as it is"
                )
            return db
        raise IndexReadOnly(
            f"the library index cannot be read ({last}) and is read-only ({self.read_only}); "
            "it was left as it is"
        )

    def _move_aside(self, why: str) -> None:
        """Keep the broken file under a name no other broken copy has (never overwritten)."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        n = 0
        while True:
            aside = self.path.with_name(f"{self.path.name}.broken-{stamp}" + (f"-{n}" if n else ""))
            try:
                os.link(self.path, aside)  # fails if that name is taken: nothing is overwritten
                self.path.unlink()
                break
            except FileExistsError:
                n += 1
            except OSError:  # no hard links here: a rename to a name not taken
                if not aside.exists():
                    self.path.replace(aside)
                    break
                n += 1
        for suffix in ("-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                src.replace(Path(str(aside) + suffix))
        self.rebuilt = True
        self.messages.append(f"{why}; moved it to {aside.name} and rebuilt the library index")

    def _restore_state(self) -> None:
        """Folders and links from the JSON mirror; the next scan fills in the files.

        The mirror is checked like a user catalog: what is valid is restored, the rest
        is named in a warning, and a damaged mirror is copied aside before it is rewritten.
        """
        folders, links, problems = _read_mirror(self.state_path)
        if problems:
            kept = self._keep_damaged_mirror()
            self.messages.append(
                f"the links file {self.state_path.name} is damaged: " + "; ".join(problems[:5])
                + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
                + (f"; kept a copy as {kept}" if kept else "")
                + "; restored what was valid"
            )  # fmt: skip
        if not folders and not links and not self.state_path.exists():
            return
        now = time.time()
        with self.transaction():
            for f in folders:
                self.db.execute(
                    "INSERT OR IGNORE INTO folders(path, added) VALUES (?, ?)", (_b(f), now)
                )
            for path, entry in links:
                self.db.execute(
                    "INSERT OR REPLACE INTO links(path, entry_id, created) VALUES (?, ?, ?)",
                    (_b(path), entry or NEVER, now),
                )
        self.messages.append(f"restored {len(folders)} folder(s) and {len(links)} link(s)")
        if problems:
            self._export_state()  # the mirror now holds what was restored, and only that

    def _keep_damaged_mirror(self) -> str:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        n = 0
        while True:
            copy = self.state_path.with_name(
                f"{self.state_path.name}.damaged-{stamp}" + (f"-{n}" if n else "")
            )
            try:
                os.link(self.state_path, copy)
                return copy.name
            except FileExistsError:
                n += 1
            except OSError:
                return ""

    def _export_state(self) -> None:
        with self._index_lock():
            self._write_state()

    def _write_state(self) -> None:
        state = {
            "version": 1,
            "folders": self.folders(),
            "links": [
                {"path": p, "entry": None if e == NEVER else e} for p, e in self.links().items()
            ],
        }
        tmp = self.state_path.with_name(f"{self.state_path.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps(state, ensure_ascii=True, indent=1), encoding="utf-8")
            tmp.replace(self.state_path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)  # the old mirror stays whole
            raise storage_problem(exc, self.path) or exc from None

    def transaction(self) -> _Transaction:
        """One write transaction; waits (saying so) for another process's lock."""
        self.check_writable()
        return _Transaction(self)

    def close(self) -> None:
        damaged = getattr(self.db, "damaged", False)
        self.db.close()
        if damaged:  # a statement met damage: the next open checks (and rebuilds)
            with contextlib.suppress(OSError):
                self.checked_path.unlink(missing_ok=True)
        elif not self.read_only:
            self._stamp_checked()

    # -- the integrity check, once per change ---------------------------------------------
    # `PRAGMA quick_check` reads every page (10 ms per 20,000 tracks). A file that nothing
    # has touched since a ksad-player closed it cleanly is the file that passed then: the
    # close leaves a stamp of it, and an open that finds the same file (same inode, size
    # and mtime, no write-ahead log left over) skips the check. Any other writer, a crash,
    # a restore from backup or damage written to the file changes the stamp.
    def _stamp(self) -> str | None:
        st = None
        try:
            st = os.stat(self.path)
            wal = os.stat(str(self.path) + "-wal").st_size
        except FileNotFoundError:
            wal = 0
        except OSError:
            return None
        if wal or st is None:
            return None  # another connection is open, or the last one did not close
        # ctime too: no tool can set it back, so a copy kept with its times (cp -p, a
        # backup restored) or a write with the mtime put back still changes the stamp.
        return f"{st.st_dev} {st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"

    def _unchanged_since_check(self) -> bool:
        try:
            saved = self.checked_path.read_text(encoding="ascii")
        except (OSError, ValueError):
            return False
        return saved == self._stamp()

    def _stamp_checked(self) -> None:
        stamp = self._stamp()
        tmp = self.checked_path.with_name(f"{self.checked_path.name}.{os.getpid()}.tmp")
        try:
            if stamp is None:
                self.checked_path.unlink(missing_ok=True)
                return
            tmp.write_text(stamp, encoding="ascii")
            tmp.replace(self.checked_path)
        except OSError:
            tmp.unlink(missing_ok=True)  # no stamp: the next open checks, that is all

    def __enter__(self) -> LibraryIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- folders ------------------------------------------------------------------------
    def folders(self) -> list[str]:
        return [_s(r[0]) for r in self.db.execute("SELECT path FROM folders ORDER BY path")]

    def add_folder(self, folder: str | os.PathLike[str]) -> int:
        path = os.path.abspath(os.fspath(folder))
        try:
            return self.folder_id(path)  # known already: nothing to write (every rescan)
        except KeyError:
            pass
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO folders(path, added) VALUES (?, ?)", (_b(path), time.time())
            )
        self._export_state()
        return self.folder_id(path)

    def remove_folder(self, folder: str | os.PathLike[str]) -> list[str]:
        """Forget a library folder and the files the index holds under it (the files
        themselves are not touched; the user's links stay, for if it comes back). Returns
        the paths forgotten; KeyError when it is no library folder."""
        fid = self.folder_id(os.path.abspath(os.fspath(folder)))
        with self.transaction():
            rows = self.db.execute("SELECT path FROM tracks WHERE folder_id = ?", (fid,))
            forgotten = [_s(r[0]) for r in rows.fetchall()]
            self.db.execute("DELETE FROM tracks WHERE folder_id = ?", (fid,))
            self.db.execute("DELETE FROM folders WHERE id = ?", (fid,))
        self._export_state()
        return forgotten

    def folder_id(self, folder: str) -> int:
        row = self.db.execute("SELECT id FROM folders WHERE path = ?", (_b(folder),)).fetchone()
        if row is None:
            raise KeyError(folder)
        return int(row[0])

    def folder_info(self) -> list[FolderInfo]:
        out = []
        for fid, raw in self.db.execute("SELECT id, path FROM folders ORDER BY path").fetchall():
            files, matched, offline = self.db.execute(  # links applied, as matched_count
                "SELECT COUNT(*), COALESCE(SUM(t.format IS NOT NULL "
                "AND COALESCE(l.entry_id, t.entry_id) IS NOT NULL "
                "AND COALESCE(l.entry_id, '') != ?), 0), COALESCE(SUM(t.offline), 0) "
                "FROM tracks t LEFT JOIN links l ON l.path = t.path WHERE t.folder_id = ?",
                (NEVER, fid),
            ).fetchone()
            out.append(FolderInfo(_s(raw), files, matched, offline))
        return out

    # -- files --------------------------------------------------------------------------
    def known(
        self, folder_id: int, into: dict[bytes, tuple[int, int, int]] | None = None
    ) -> dict[bytes, tuple[int, int, int]]:
        """path -> (size, mtime_ns, offline) for every file the index holds under a folder,
        added to `into` when given (a scan fills the dict it already holds)."""
        out = {} if into is None else into
        for path, size, mtime_ns, offline in self.db.execute(
            "SELECT path, size, mtime_ns, offline FROM tracks WHERE folder_id = ?", (folder_id,)
        ):
            out[path] = (size, mtime_ns, offline)
        return out

    def has_tracks(self, folder_id: int) -> bool:
        row = self.db.execute("SELECT 1 FROM tracks WHERE folder_id = ? LIMIT 1", (folder_id,))
        return row.fetchone() is not None

    def write_rows(self, folder_id: int, rows: Iterable[tuple[Any, ...]]) -> None:
        """Store rows made by `track_row` (the scan's workers make them, off this process)."""
        self.db.executemany(
            f"INSERT INTO tracks(folder_id, path, size, mtime_ns, {_TAG_COLUMNS}, error, entry_id, score, reasons) "
            f"VALUES ({', '.join('?' * 23)}) "
            "ON CONFLICT(path) DO UPDATE SET folder_id=excluded.folder_id, size=excluded.size, "
            "mtime_ns=excluded.mtime_ns, "
            + ", ".join(f"{c.strip()}=excluded.{c.strip()}" for c in _TAG_COLUMNS.split(","))
            + ", error=excluded.error, entry_id=excluded.entry_id, score=excluded.score, "
            "reasons=excluded.reasons, offline=0",
            ((folder_id, *row) for row in rows),
        )

    def remove(self, raw_paths: Iterable[bytes]) -> int:
        cur = self.db.executemany("DELETE FROM tracks WHERE path = ?", ((p,) for p in raw_paths))
        return cur.rowcount

    def set_offline(self, raw_paths: Iterable[bytes], offline: bool) -> None:
        self.db.executemany(
            "UPDATE tracks SET offline = ? WHERE path = ? AND offline != ?",
            ((int(offline), p, int(offline)) for p in raw_paths),
        )

    def set_folder_offline(self, folder_id: int, offline: bool) -> None:
        with self.transaction():
            self.db.execute(
                "UPDATE tracks SET offline = ? WHERE folder_id = ?", (int(offline), folder_id)
            )

    def _rows(self, where: str = "", args: tuple[Any, ...] = ()) -> Iterator[Track]:
        q = (
            f"SELECT t.path, {_TAG_COLUMNS}, t.error, t.entry_id, t.score, t.reasons, t.offline, l.entry_id "
            f"FROM tracks t LEFT JOIN links l ON l.path = t.path {where} ORDER BY t.path"
        )
        for row in self.db.execute(q, args):
            path = _s(row[0])
            link = row[21]
            entry = row[17]
            if link is not None:
                entry = None if link == NEVER else link
            yield Track(
                tags=_tags_from(path, row[1:16]), path=path, error=row[16], entry_id=entry,
                score=1.0 if link and link != NEVER else (row[18] or 0.0),
                reasons=_reasons_from(row[19]), linked=link is not None, offline=bool(row[20]),
            )  # fmt: skip

    def tracks(self) -> list[Track]:
        return list(self._rows())

    def track(self, path: str) -> Track | None:
        return next(self._rows("WHERE t.path = ?", (_b(path),)), None)

    def matched(self, *, include_offline: bool = False) -> list[tuple[Tags, str, float]]:
        """(tags, entry id, score) for every playable matched file, links applied."""
        return [
            (t.tags, t.entry_id, t.score)
            for t in self._rows()
            if t.entry_id and t.tags and (include_offline or not t.offline)
        ]

    def matched_count(self) -> int:
        """Files that play as a catalog song (links applied), the way `matched()` counts."""
        # Matched files without a link (the entry index: `>= ''` is "any text"), plus the
        # linked ones: a count over the matches and links, not over every file.
        return int(self.db.execute(
            "SELECT (SELECT COUNT(*) FROM tracks t WHERE t.entry_id >= '' "
            "AND t.format IS NOT NULL AND NOT EXISTS (SELECT 1 FROM links l WHERE l.path = t.path))"
            " + (SELECT COUNT(*) FROM links l JOIN tracks t ON t.path = l.path "
            "WHERE l.entry_id != ? AND t.format IS NOT NULL)", (NEVER,),
        ).fetchone()[0])  # fmt: skip

    def count(self) -> int:
        return int(self.db.execute("SELECT COUNT(*) FROM tracks").fetchone()[0])

    # -- the user's links ---------------------------------------------------------------
    def links(self) -> dict[str, str]:
        return {
            _s(p): e for p, e in self.db.execute("SELECT path, entry_id FROM links ORDER BY path")
        }

    def link(self, path: str, entry_id: str | None) -> None:
        """Tie a file to an entry, or with None say it is never a catalog song."""
        with self.transaction():
            self.db.execute(
                "INSERT OR REPLACE INTO links(path, entry_id, created) VALUES (?, ?, ?)",
                (_b(path), entry_id or NEVER, time.time()),
            )
        self._export_state()

    def unlink(self, path: str) -> None:
        """Forget the user's decision: the matcher decides again."""
        with self.transaction():
            self.db.execute("DELETE FROM links WHERE path = ?", (_b(path),))
        self._export_state()

    # -- the catalog --------------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def sync_catalog(self, matcher: Matcher) -> int:
        """Rematch from stored tags when the catalog changed since the last match; count."""
        fp = catalog_fingerprint(matcher.catalog)
        if self.meta("catalog") == fp or self.read_only:
            return 0  # read-only: shown as stored (the message at opening says so)
        return self.rematch(matcher)

    def rematch(self, matcher: Matcher) -> int:
        """Match every stored file again without reading any file; returns how many changed."""
        rows = self.db.execute(
            f"SELECT path, {_TAG_COLUMNS}, entry_id, score FROM tracks WHERE format IS NOT NULL"
        )
        updates = []
        for row in rows.fetchall():
            tags = _tags_from(_s(row[0]), row[1:16])
            if tags is None:
                continue
            m = matcher.match(tags)
            if m.entry_id != row[16] or m.score != row[17]:
                updates.append((m.entry_id, m.score, _reasons_json(m), row[0]))
        with self.transaction():
            self.db.executemany(
                "UPDATE tracks SET entry_id=?, score=?, reasons=? WHERE path=?", updates
            )
            self.set_meta("catalog", catalog_fingerprint(matcher.catalog))
        return len(updates)


class _TooNew(Exception):
    pass


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on error; nests as a no-op."""

    def __init__(self, index: LibraryIndex) -> None:
        self.index = index
        self.db = index.db
        self.outer = False

    def __enter__(self) -> sqlite3.Connection:
        if not self.db.in_transaction:
            self.index._told = False
            self.index._retry(lambda: self.db.execute("BEGIN IMMEDIATE"))
            self.outer = True
        return self.db

    def __exit__(self, exc_type: object, *_: object) -> None:
        if self.outer:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")
