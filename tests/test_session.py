"""The one Session: every front end drives it, and what one does the others see."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

import ksad_player
from ksad_player.core.library.index import LibraryIndex
from ksad_player.core.match.matcher import MatchWeights
from ksad_player.core.play.player import NullBackend, PlaybackStatus, PlayerChange
from ksad_player.core.session import ScanRequest, Session, SessionChange

from .conftest import PlayingNull

PACKAGE = Path(ksad_player.__file__).parent


def _heard(session: Session) -> list[SessionChange]:
    kinds: list[SessionChange] = []
    session.listeners.append(lambda e: kinds.append(e.kind))
    return kinds


@pytest.fixture
def library(make_track, tmp_path):
    make_track("mp3", "a/stay.mp3", title="Stay", artists=["BLACKPINK"])
    make_track("flac", "a/fine.flac", title="Fine", artists=["Taeyeon"])
    make_track("ogg", "b/other.ogg", title="Some Other Song", artists=["Nobody"])
    return tmp_path / "lib"


def test_front_ends_build_no_core_of_their_own():
    """Only the session builds a catalog, matcher or index: the CLI and the Qt layers
    drive it. (Reading the source: a call anywhere counts.)"""
    builders = {"Matcher", "LibraryIndex", "load", "load_file"}
    offenders = []
    for path in [
        PACKAGE / "cli.py",
        *(PACKAGE / "ui").rglob("*.py"),
        *(PACKAGE / "desktop").rglob("*.py"),
    ]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                f = node.func
                name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
                owner = getattr(f.value, "id", "") if isinstance(f, ast.Attribute) else ""
                if name in {"Matcher", "LibraryIndex"} or (
                    name in builders and owner in {"catalog_mod", "catalog"}
                ):
                    offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {name}")
    # `catalog check` validates a file the user names: that is its job, not a rebuild.
    offenders = [o for o in offenders if not o.startswith("cli.py") or "load_file" not in o]
    assert offenders == []


def test_a_scan_fills_the_library_and_tells_listeners(library, tmp_path):
    session = Session(index_path=tmp_path / "idx.sqlite3")
    heard = _heard(session)
    summary = session.scan_now(ScanRequest((str(library),)))
    assert (summary.files, summary.matched) == (3, 2)
    assert heard == [SessionChange.SCAN_STARTED, SessionChange.LIBRARY, SessionChange.SCAN_FINISHED]
    assert session.songs_found() == 2
    counts = session.mood_counts()
    assert counts["heartbreak"] >= 1 and sum(counts.values()) >= 2
    assert not session.scanning


def test_a_second_scan_waits_its_turn_and_cancel_drops_the_waiting(library, tmp_path):
    session = Session(index_path=tmp_path / "idx.sqlite3")
    heard = _heard(session)
    first, second = ScanRequest((str(library / "a"),)), ScanRequest((str(library / "b"),))
    assert session.request_scan(first) is True
    assert session.request_scan(second) is False  # the window's drop during a scan
    assert list(session.pending) == [second]
    nxt = session.finish_scan(session.run_scan(first))
    assert nxt == second and session.scanning  # handed out, already started
    session.finish_scan(session.run_scan(nxt))
    assert sorted(session.index.folders()) == [str(library / "a"), str(library / "b")]
    assert heard.count(SessionChange.SCAN_QUEUED) == 1
    # Cancelling drops what waits.
    session.request_scan(first)
    session.request_scan(second)
    session.cancel_scan()
    assert session.finish_scan("stopped") is None and not session.pending
    assert heard[-1] is SessionChange.SCAN_FAILED


def test_a_failed_scan_is_reported_in_words_and_frees_the_queue(tmp_path):
    session = Session(index_path=tmp_path / "idx.sqlite3")
    messages: list[object] = []
    session.listeners.append(
        lambda e: messages.append(e.payload) if e.kind is SessionChange.SCAN_FAILED else None
    )
    session.request_scan(ScanRequest())
    assert session.finish_scan("the disk went away") is None
    assert messages == ["the disk went away"] and not session.scanning


def test_the_demo_is_a_request_not_a_path(tmp_path):
    session = Session(index_path=tmp_path / "idx.sqlite3")
    summary = session.scan_now(ScanRequest(demo=True))
    assert summary.matched >= 10
    assert not any(":demo" in f for f in session.index.folders())


def test_pressing_a_mood_loads_the_player_and_tells_everyone(library, tmp_path):
    session = Session(backend=PlayingNull(), index_path=tmp_path / "idx.sqlite3")
    session.scan_now(ScanRequest((str(library),)))
    heard = _heard(session)
    changes: list[PlayerChange] = []
    session.player.listeners.append(lambda what, _p: changes.append(what))
    n = session.play_mood("heartbreak")
    assert n >= 1 and len(session.player.queue) == n
    assert session.player.state.status is PlaybackStatus.PLAYING
    assert session.current_mood == "heartbreak"
    assert SessionChange.MOOD in heard and PlayerChange.TRACK in changes
    assert all("heartbreak" in item.entry.moods for item in session.player.queue)


def test_a_mood_with_no_songs_loads_nothing(library, tmp_path):
    session = Session(backend=PlayingNull(), index_path=tmp_path / "idx.sqlite3")
    session.scan_now(ScanRequest((str(library),)))
    empty = next(m.id for m in session.catalog.moods if session.mood_counts().get(m.id, 0) == 0)
    assert session.play_mood(empty) == 0
    assert session.player.queue == [] and session.current_mood is None


def test_without_playback_nothing_claims_to_play(library, tmp_path):
    """No libVLC: the window disables Play, and MPRIS or the tray asking changes nothing."""
    session = Session(backend=NullBackend("no libVLC"), index_path=tmp_path / "idx.sqlite3")
    session.scan_now(ScanRequest((str(library),)))
    assert session.play_mood("heartbreak") == 0
    session.toggle()
    assert session.player.state.status is PlaybackStatus.STOPPED and session.current_mood is None


def test_a_scan_asked_for_after_cancel_still_runs(library, tmp_path):
    session = Session(index_path=tmp_path / "idx.sqlite3")
    first, later = ScanRequest((str(library / "a"),)), ScanRequest((str(library / "b"),))
    session.request_scan(first)
    session.cancel_scan()  # the user pressed Cancel, then dropped another folder
    assert session.request_scan(later) is False
    assert session.finish_scan(session.run_scan(first)) == later


def test_a_restored_queue_resumes_its_own_song_after_rows_are_removed(library, tmp_path):
    from ksad_player.core.session import ResumeState

    session = Session(backend=PlayingNull(), index_path=tmp_path / "idx.sqlite3")
    session.scan_now(ScanRequest((str(library),)))
    paths = tuple(sorted(t.path for t in session.tracks() if t.entry_id))
    assert session.restore(ResumeState(paths, 1, 90_000, None))
    heard = _heard(session)
    waiting = session.player.current.path
    session.player.remove(0)  # a row above the waiting song goes
    assert session.resume_state().paths[session.resume_state().index] == waiting
    session.toggle()
    assert session.player.current.path == waiting
    assert session.backend.position_ms() == 90_000
    assert SessionChange.SEEKED in heard  # MPRIS clients hear the unexpected position


def test_removing_the_waiting_song_forgets_its_position(library, tmp_path):
    from ksad_player.core.session import ResumeState

    session = Session(backend=PlayingNull(), index_path=tmp_path / "idx.sqlite3")
    session.scan_now(ScanRequest((str(library),)))
    paths = tuple(sorted(t.path for t in session.tracks() if t.entry_id))
    assert session.restore(ResumeState(paths, 0, 90_000, None))
    session.player.remove(0)
    assert session.resume_position_ms is None
    session.toggle()
    assert session.backend.position_ms() == 0  # the next song starts at its start


def test_sleep_after_this_song_ends_with_the_queue(library, tmp_path):
    session = Session(backend=PlayingNull(), index_path=tmp_path / "idx.sqlite3")
    session.scan_now(ScanRequest((str(library),)))
    session.sleep_after_track()
    assert not session.sleep.active  # nothing plays: there is no song to wait for
    session.play_mood("heartbreak")
    session.sleep_after_track()
    assert session.sleep.active
    session.player.stop()  # the queue ended before the timer saw the song end
    assert session.sleep_tick() == "" and not session.sleep.active
    session.play_mood("heartbreak")
    session.sleep_tick()
    assert session.player.state.status is PlaybackStatus.PLAYING  # the next mood is not cut


def test_links_go_through_the_session_and_outlive_it(library, tmp_path):
    index = tmp_path / "idx.sqlite3"
    session = Session(index_path=index)
    session.scan_now(ScanRequest((str(library),)))
    heard = _heard(session)
    other = str(library / "b" / "other.ogg")
    session.link(other, "bts-butterfly")
    stay = str(library / "a" / "stay.mp3")
    session.never(stay)
    assert heard == [SessionChange.LIBRARY, SessionChange.LIBRARY]
    session.close()
    again = Session(index_path=index)
    by_path = {t.path: t.entry_id for t in again.tracks()}
    assert by_path[other] == "bts-butterfly" and by_path[stay] is None
    again.forget(stay)
    assert {t.path: t.entry_id for t in again.tracks()}[stay] is not None


def test_scan_workers_match_with_the_sessions_weights(library, tmp_path, monkeypatch):
    """Custom weights reach the worker processes (they were lost there once)."""
    import ksad_player.core.library.scanner as scanner

    monkeypatch.setattr(scanner, "IN_PROCESS_BELOW", 1)  # use worker processes even for 3 files
    strict = Session(
        index_path=tmp_path / "strict.sqlite3",
        weights=MatchWeights(min_title=1.01, title_only=1.01),
    )
    assert strict.scan_now(ScanRequest((str(library),))).matched == 0
    usual = Session(index_path=tmp_path / "usual.sqlite3")
    assert usual.scan_now(ScanRequest((str(library),))).matched == 2


def test_catalog_changes_rematch_on_open(library, tmp_path):
    index = tmp_path / "idx.sqlite3"
    Session(index_path=index).scan_now(ScanRequest((str(library),)))
    with LibraryIndex(index) as idx:
        idx.set_meta("catalog", "an older catalog")
        idx.db.execute("UPDATE tracks SET entry_id=NULL")
    session = Session(index_path=index)
    heard = _heard(session)
    assert session.open_library() is False  # no rescan needed: tags are stored
    assert heard == [SessionChange.LIBRARY]
    assert session.songs_found() == 2


def test_previous_after_a_while_restarts_the_song_and_says_so(library, tmp_path):
    session = Session(backend=PlayingNull(), index_path=tmp_path / "idx.sqlite3")
    session.scan_now(ScanRequest((str(library),)))
    session.play_mood("heartbreak")
    session.backend.seek(5000)
    heard: list[object] = []
    session.listeners.append(lambda e: heard.append((e.kind, e.payload)))
    session.previous()
    assert session.backend.position_ms() == 0 and session.player.state.index == 0
    assert heard == [(SessionChange.SEEKED, 0)]  # MPRIS sends Seeked for the jump


def test_a_removed_folder_leaves_the_library_and_the_queue_but_not_the_disk(library, tmp_path):
    session = Session(backend=PlayingNull(), index_path=tmp_path / "idx.sqlite3")
    a, b = str(library / "a"), str(library / "b")
    session.scan_now(ScanRequest((a, b)))
    stay, fine = str(library / "a" / "stay.mp3"), str(library / "a" / "fine.flac")
    session.never(fine)  # the user's word about a file in the folder that leaves: kept
    session.play_mood("heartbreak")
    assert session.player.current.path == stay
    kinds = _heard(session)
    assert session.remove_folder(a) == 2
    assert SessionChange.LIBRARY in kinds
    assert session.index.folders() == [b] and session.index.count() == 1
    assert stay not in [i.path for i in session.player.queue]
    assert session.player.state.status is PlaybackStatus.STOPPED  # not on to a leaving song
    assert (library / "a" / "stay.mp3").is_file()  # only the library forgot it
    assert fine in session.index.links()  # for if the folder comes back
    mirror = json.loads(session.index.state_path.read_text())
    assert mirror["folders"] == [b] and [x["path"] for x in mirror["links"]] == [fine]
    with pytest.raises(KeyError):
        session.remove_folder(str(library / "nowhere"))
    session.request_scan(ScanRequest((b,)))  # a scan under way: not while it may walk it
    with pytest.raises(RuntimeError):
        session.remove_folder(b)


def test_removing_a_folder_waits_for_another_process_scan_or_says_it_is_busy(
    library, tmp_path
):
    from ksad_player.core.library.index import IndexBusy

    index = tmp_path / "idx.sqlite3"
    session = Session(index_path=index)
    session.scan_now(ScanRequest((str(library / "a"), str(library / "b"))))
    other = LibraryIndex(index)  # another ksad-player, scanning
    with other.scan_lock():
        with pytest.raises(IndexBusy):
            session.remove_folder(str(library / "a"), wait=0)
        assert len(session.index.folders()) == 2  # nothing was changed
    other.close()
    assert session.remove_folder(str(library / "a"), wait=0) == 2
