"""The library index: what it remembers, what survives, and how it recovers."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest

from ksad_player.core import catalog as catalog_mod
from ksad_player.core.library.index import SCHEMA_VERSION, LibraryIndex, default_path
from ksad_player.core.library.scanner import drive, scan
from ksad_player.core.match.matcher import Matcher


def drain(gen):
    events = []
    return drive(gen, events.append), events


@pytest.fixture
def lib(make_track, tmp_path):
    make_track("mp3", "a/stay.mp3", title="Stay", artists=["BLACKPINK"], album="Square Two")
    make_track("flac", "a/fine.flac", title="Fine", artists=["태연"])
    make_track("ogg", "b/decoy.ogg", title="Rain", artists=["Taeyeon"])
    make_track("mp3", "b/unknown.mp3", title="Something Else", artists=["Nobody"])
    return tmp_path / "lib"


def test_index_lives_in_xdg_data_home_in_wal_mode(isolated_xdg):
    with LibraryIndex() as idx:
        assert str(default_path()).startswith(str(isolated_xdg / "XDG_DATA_HOME"))
        assert idx.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert idx.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_scan_remembers_tags_matches_and_reasons(lib, matcher):
    with LibraryIndex() as idx:
        summary, _ = drain(scan(idx, matcher, [str(lib)]))
        assert (summary.files, summary.new, summary.matched) == (4, 4, 2)
    with LibraryIndex() as idx:  # a new process would see the same
        stay = idx.track(str(lib / "a" / "stay.mp3"))
        assert stay.entry_id == "blackpink-stay" and stay.tags.album == "Square Two"
        assert {r.field for r in stay.reasons} == {"title", "artist"}
        assert idx.track(str(lib / "b" / "decoy.ogg")).entry_id is None
        assert idx.folders() == [str(lib)]


def test_links_outlive_rescans_rematches_and_restarts(lib, matcher):
    decoy, stay = str(lib / "b" / "decoy.ogg"), str(lib / "a" / "stay.mp3")
    with LibraryIndex() as idx:
        drain(scan(idx, matcher, [str(lib)]))
        idx.link(decoy, "baekhyun-soyou-rain")  # the user knows better
        idx.link(stay, None)  # "never match"
    (lib / "b" / "decoy.ogg").touch()
    with LibraryIndex() as idx:
        summary, _ = drain(scan(idx, matcher))
        assert summary.changed == 1
        idx.rematch(matcher)
        assert idx.track(decoy).entry_id == "baekhyun-soyou-rain" and idx.track(decoy).linked
        assert idx.track(stay).entry_id is None
        ids = {e for _, e, _ in idx.matched()}
        assert "baekhyun-soyou-rain" in ids and "blackpink-stay" not in ids
        idx.unlink(stay)
        assert idx.track(stay).entry_id == "blackpink-stay"


def test_corrupt_index_is_moved_aside_and_rebuilt_with_links(lib, matcher):
    decoy = str(lib / "b" / "decoy.ogg")
    with LibraryIndex() as idx:
        drain(scan(idx, matcher, [str(lib)]))
        idx.link(decoy, "baekhyun-soyou-rain")
    path = default_path()
    path.write_bytes(b"this is not a database at all" * 100)
    for extra in ("-wal", "-shm"):
        path.with_name(path.name + extra).unlink(missing_ok=True)
    with LibraryIndex() as idx:
        assert idx.rebuilt and "moved it to" in idx.messages[0]
        assert idx.folders() == [str(lib)] and idx.count() == 0
        drain(scan(idx, matcher))
        assert idx.count() == 4
        assert idx.track(decoy).entry_id == "baekhyun-soyou-rain"
    assert list(path.parent.glob("library.sqlite3.broken-*"))


def test_index_from_a_newer_version_is_kept_aside(lib, matcher):
    with LibraryIndex() as idx:
        drain(scan(idx, matcher, [str(lib)]))
    db = sqlite3.connect(default_path())
    db.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    db.close()
    with LibraryIndex() as idx:
        assert "newer" in idx.messages[0] and idx.folders() == [str(lib)]
    aside = list(default_path().parent.glob("library.sqlite3.broken-*"))
    assert (
        aside
        and sqlite3.connect(aside[0]).execute("PRAGMA user_version").fetchone()[0]
        == SCHEMA_VERSION + 1
    )


def test_links_are_mirrored_to_json_at_every_change(lib, matcher):
    with LibraryIndex() as idx:
        idx.link(str(lib / "a" / "x.mp3"), "taeyeon-fine")
        state = json.loads(idx.state_path.read_text())
        assert state["links"] == [{"path": str(lib / "a" / "x.mp3"), "entry": "taeyeon-fine"}]
        idx.unlink(str(lib / "a" / "x.mp3"))
        assert json.loads(idx.state_path.read_text())["links"] == []


def test_catalog_change_rematches_from_stored_tags_without_reading_files(lib, matcher, catalog):
    with LibraryIndex() as idx:
        drain(scan(idx, matcher, [str(lib)]))
    # The user's catalog now knows "Something Else" by Nobody.
    user = catalog_mod.paths.user_catalog_path()
    user.parent.mkdir(parents=True)
    user.write_text(
        json.dumps(
            {
                "entries": [
                    {
                        "id": "nobody-something",
                        "title": "Something Else",
                        "artists": [{"name": "Nobody"}],
                        "moods": ["comfort"],
                        "blurb": "Ours. Truly.",
                    }
                ]
            }
        )
    )
    new = Matcher(catalog_mod.load().catalog)
    for f in lib.rglob("*.*"):
        f.chmod(0)  # reading any file now would fail
    with LibraryIndex() as idx:
        summary, _ = drain(scan(idx, new))
        assert summary.rematched >= 1 and summary.changed == 0 and summary.errors == 0
        assert idx.track(str(lib / "b" / "unknown.mp3")).entry_id == "nobody-something"
    for f in lib.rglob("*.*"):
        f.chmod(0o644)


# -- the integrity check, once per change -----------------------------------------------
@pytest.fixture
def checks(monkeypatch):
    """How many times opening the index ran `PRAGMA quick_check` (real SQLite, traced)."""
    from ksad_player.core.library import index as index_mod

    seen: list[str] = []
    real_connect = sqlite3.connect

    def traced(*args, **kwargs):
        db = real_connect(*args, **kwargs)
        db.set_trace_callback(lambda sql: seen.append(sql) if "quick_check" in sql else None)
        return db

    monkeypatch.setattr(index_mod.sqlite3, "connect", traced)
    return seen


def test_an_index_nothing_touched_opens_without_reading_every_page(lib, matcher, checks):
    with LibraryIndex() as idx:
        drain(scan(idx, matcher, [str(lib)]))
    assert len(checks) == 1  # a new file is checked
    with LibraryIndex() as idx:
        assert idx.count() == 4
    assert len(checks) == 1  # closed cleanly by us and untouched since: no check
    other = sqlite3.connect(default_path())  # another program writes to it
    other.execute("UPDATE tracks SET title = 'x' WHERE rowid = 1")
    other.commit()
    other.close()
    with LibraryIndex():
        pass
    assert len(checks) == 2
    with LibraryIndex():  # untouched since that clean close: no check
        held = sqlite3.connect(default_path())
        held.execute("UPDATE tracks SET title = 'y' WHERE rowid = 1")
        held.commit()
        with LibraryIndex():  # written while others have it open (a -wal): checked
            pass
        held.close()
    assert len(checks) == 3


def _damage_tracks(path, pages: int, size: int) -> None:
    """Garbage over the table pages (not the header), the file's times put back."""
    st = os.stat(path)
    with open(path, "r+b") as f:
        for page in range(2, pages):
            f.seek(page * size + 8)
            f.write(b"\xff" * 200)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def _pages(lib, matcher) -> tuple[int, int]:
    with LibraryIndex() as idx:
        drain(scan(idx, matcher, [str(lib)]))
        return (
            idx.db.execute("PRAGMA page_count").fetchone()[0],
            idx.db.execute("PRAGMA page_size").fetchone()[0],
        )


def test_damage_inside_an_index_closed_cleanly_is_found_at_the_next_open(lib, matcher):
    pages, size = _pages(lib, matcher)
    assert pages > 3
    _damage_tracks(default_path(), pages, size)  # even with its mtime put back
    with LibraryIndex() as idx:
        assert idx.rebuilt and idx.folders() == [str(lib)]
    assert list(default_path().parent.glob("library.sqlite3.broken-*"))


def test_damage_no_stamp_could_see_is_rebuilt_once_a_statement_meets_it(lib, matcher):
    """Bit rot leaves size and times alone. The open that trusts the stamp then meets the
    damage in a statement: that closing leaves no stamp, and the next open rebuilds."""
    pages, size = _pages(lib, matcher)
    path = default_path()
    _damage_tracks(path, pages, size)
    probe = LibraryIndex.__new__(LibraryIndex)  # the stamp as if nothing had changed
    probe.path = path
    (path.parent / "library.sqlite3.checked").write_text(probe._stamp() or "", encoding="ascii")
    with LibraryIndex() as idx:
        assert not idx.rebuilt  # trusted the stamp
        with pytest.raises(sqlite3.DatabaseError):
            idx.tracks()
    assert not (path.parent / "library.sqlite3.checked").exists()
    with LibraryIndex() as idx:
        assert idx.rebuilt and idx.folders() == [str(lib)]
