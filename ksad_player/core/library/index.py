"""The library index: SQLite memory of folders, files, tags, matches and the user's links.

One file in $XDG_DATA_HOME/ksad-player. WAL mode, one transaction per batch, a schema
version with forward migrations. A corrupt file, or one from a newer version, is moved
aside and rebuilt; the user's links and folders are mirrored to a JSON file beside it at
every change, so a rebuild restores them. Paths are stored as bytes: file names that are
not UTF-8 are real too.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
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


def _tag_values(t: Tags | None) -> tuple[Any, ...]:
    if t is None:
        return (None,) * 15
    return (
        t.format, t.title, json.dumps(t.artists, ensure_ascii=False), t.album, t.albumartist,
        t.tracknumber, t.duration, int(t.has_cover), int(t.lossless), t.bitrate,
        t.title_source, t.artist_source, json.dumps(t.folder_artists, ensure_ascii=False),
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
    return json.dumps(
        {
            "verdict": m.verdict,
            "reasons": [[r.field, r.value, r.alias, r.score, r.note] for r in m.reasons],
        },
        ensure_ascii=False,
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


class LibraryIndex:
    """Open (creating, migrating or rebuilding as needed) the index at `path`."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.state_path = self.path.with_name(self.path.stem + "-links.json")
        self.messages: list[str] = []
        self.rebuilt = False
        try:
            self.db = self._open()
        except (sqlite3.DatabaseError, _TooNew) as exc:
            self._move_aside(str(exc))
            self.db = self._open()
            self._restore_state()

    # -- opening, migrating, recovering --------------------------------------------------
    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute("PRAGMA foreign_keys=ON")
            if db.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("the index failed its integrity check")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                raise _TooNew(f"the index was written by a newer ksad-player (schema {version})")
            for v in range(version + 1, SCHEMA_VERSION + 1):
                db.execute("BEGIN IMMEDIATE")
                MIGRATIONS[v](db)
                db.execute(f"PRAGMA user_version={v}")
                db.execute("COMMIT")
        except BaseException:
            db.close()
            raise
        return db

    def _move_aside(self, why: str) -> None:
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.broken-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            src = Path(str(self.path) + suffix)
            if src.exists():
                src.replace(Path(str(aside) + suffix))
        self.rebuilt = True
        self.messages.append(f"{why}; moved it to {aside.name} and rebuilt the library index")

    def _restore_state(self) -> None:
        """Folders and links from the JSON mirror; the next scan fills in the files."""
        try:
            state = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        with self.transaction():
            for f in state.get("folders", []):
                self.db.execute(
                    "INSERT OR IGNORE INTO folders(path, added) VALUES (?, ?)", (_b(f), time.time())
                )
            for link in state.get("links", []):
                self.db.execute(
                    "INSERT OR REPLACE INTO links(path, entry_id, created) VALUES (?, ?, ?)",
                    (_b(link["path"]), link["entry"] or NEVER, time.time()),
                )
        self.messages.append(
            f"restored {len(state.get('folders', []))} folder(s) and {len(state.get('links', []))} link(s)"
        )

    def _export_state(self) -> None:
        state = {
            "version": 1,
            "folders": self.folders(),
            "links": [
                {"path": p, "entry": None if e == NEVER else e} for p, e in self.links().items()
            ],
        }
        tmp = self.state_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, ensure_ascii=True, indent=1), encoding="utf-8")
        tmp.replace(self.state_path)

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> LibraryIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- folders ------------------------------------------------------------------------
    def folders(self) -> list[str]:
        return [_s(r[0]) for r in self.db.execute("SELECT path FROM folders ORDER BY path")]

    def add_folder(self, folder: str | os.PathLike[str]) -> int:
        path = os.path.abspath(os.fspath(folder))
        with self.transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO folders(path, added) VALUES (?, ?)", (_b(path), time.time())
            )
        self._export_state()
        return self.folder_id(path)

    def folder_id(self, folder: str) -> int:
        row = self.db.execute("SELECT id FROM folders WHERE path = ?", (_b(folder),)).fetchone()
        if row is None:
            raise KeyError(folder)
        return int(row[0])

    def folder_info(self) -> list[FolderInfo]:
        out = []
        for fid, raw in self.db.execute("SELECT id, path FROM folders ORDER BY path").fetchall():
            files, matched, offline = self.db.execute(
                "SELECT COUNT(*), COUNT(entry_id), COALESCE(SUM(offline), 0) FROM tracks WHERE folder_id = ?",
                (fid,),
            ).fetchone()
            out.append(FolderInfo(_s(raw), files, matched, offline))
        return out

    # -- files --------------------------------------------------------------------------
    def known(self, folder_id: int) -> dict[bytes, tuple[int, int, int]]:
        """path -> (size, mtime_ns, offline) for every file the index holds under a folder."""
        rows = self.db.execute(
            "SELECT path, size, mtime_ns, offline FROM tracks WHERE folder_id = ?", (folder_id,)
        )
        return {r[0]: (r[1], r[2], r[3]) for r in rows}

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
        return int(self.db.execute(
            "SELECT COUNT(*) FROM tracks t LEFT JOIN links l ON l.path = t.path "
            "WHERE t.format IS NOT NULL AND COALESCE(l.entry_id, t.entry_id) IS NOT NULL "
            "AND COALESCE(l.entry_id, '') != ?", (NEVER,),
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
        if self.meta("catalog") == fp:
            return 0
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

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db
        self.outer = False

    def __enter__(self) -> sqlite3.Connection:
        if not self.db.in_transaction:
            self.db.execute("BEGIN IMMEDIATE")
            self.outer = True
        return self.db

    def __exit__(self, exc_type: object, *_: object) -> None:
        if self.outer:
            self.db.execute("ROLLBACK" if exc_type else "COMMIT")
