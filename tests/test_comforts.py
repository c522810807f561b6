"""Listening comforts in the core: gentle listening, resume, the sleep timer, the demo."""

from __future__ import annotations

import random

import pytest

from ksad_player.core.demo import make_demo
from ksad_player.core.play.player import PlaybackStatus
from ksad_player.core.play.queue import build_queue, lift_count
from ksad_player.core.play.sleep import FADE_SECONDS, SleepMode, SleepTimer, fmt_left
from ksad_player.core.session import ResumeState, ScanRequest, Session, SessionChange

from .conftest import PlayingNull


def _session(make_track, tmp_path, songs) -> Session:
    for n, (title, artist) in enumerate(songs):
        make_track("mp3", f"k/{n}.mp3", title=title, artists=[artist])
    s = Session(backend=PlayingNull(), index_path=tmp_path / "i.sqlite3")
    s.scan_now(ScanRequest((str(tmp_path / "lib" / "k"),)))
    return s


LONELY = [("Let Me Out", "Jonghyun"), ("Lonely", "Jonghyun"), ("Everyone Has", "Chungha")]


def test_gentle_listening_leaves_songs_with_a_content_note_out_of_mood_queues(make_track, tmp_path):
    s = _session(make_track, tmp_path, LONELY)
    noted = s.catalog.entry("jonghyun-let-me-out")
    assert noted is not None and noted.content_note
    assert "jonghyun-let-me-out" in {i.entry.id for i in s.queue_for("loneliness")}
    s.gentle = True
    ids = {i.entry.id for i in s.queue_for("loneliness")}
    assert ids == {"jonghyun-lonely", "chungha-everyone-has"}
    assert all(not i.entry.content_note for i in s.queue_for("loneliness", order="arc"))
    s.close()


def test_a_restored_queue_waits_paused_at_its_track_and_position(make_track, tmp_path):
    s = _session(make_track, tmp_path, LONELY)
    s.play_mood("loneliness")
    s.player.next()
    s.backend.seek(1234)
    state = s.resume_state()
    assert state.index == 1 and state.position_ms == 1234 and state.mood == "loneliness"
    s.close()

    again = Session(backend=PlayingNull(), index_path=tmp_path / "i.sqlite3")
    assert again.restore(state)
    p = again.player
    assert [i.path for i in p.queue] == list(state.paths)
    assert p.state.index == 1 and p.state.status is PlaybackStatus.STOPPED
    assert again.resume_position_ms == 1234 and again.resume_state() == state
    again.toggle()  # one press continues from there
    assert p.state.status is PlaybackStatus.PLAYING and p.state.index == 1
    assert again.backend.position_ms() == 1234 and again.resume_position_ms is None
    again.close()

    third = Session(backend=PlayingNull(), index_path=tmp_path / "i.sqlite3")
    assert third.restore(state)
    third.player.play_at(0)  # started some other way: the old position is not kept
    assert third.resume_position_ms is None and third.resume_state().index == 0
    third.close()


def test_restore_drops_files_that_left_and_keeps_the_position_only_on_its_track(
    make_track, tmp_path
):
    s = _session(make_track, tmp_path, LONELY)
    paths = tuple(t.path for t in s.tracks())
    gone = ResumeState((str(tmp_path / "gone.mp3"), *paths), 0, 5000, "loneliness")
    assert s.restore(gone)
    assert len(s.player.queue) == 3 and s.player.state.index == 0
    assert s.resume_position_ms == 0  # its own track left: start the first one from the top
    assert not s.restore(ResumeState((str(tmp_path / "x.mp3"),), 0, 0))  # a queue is loaded
    empty = Session(backend=PlayingNull(), index_path=tmp_path / "i.sqlite3")
    assert not empty.restore(ResumeState((str(tmp_path / "x.mp3"),), 0, 0))
    assert empty.player.queue == []
    s.close()
    empty.close()


def test_sleep_timer_fades_over_the_last_ten_seconds_then_stops(make_track, tmp_path):
    s = _session(make_track, tmp_path, LONELY)
    heard = []
    s.listeners.append(lambda e: e.kind is SessionChange.SLEEP and heard.append(s.sleep.mode))
    s.set_volume(80)
    s.play_mood("loneliness")
    s.sleep_after_minutes(15)
    start = s.sleep.deadline - 15 * 60
    assert s.sleep_tick(start) == "Sleep in 15:00" and s.backend.volume == 80
    assert s.sleep_tick(s.sleep.deadline - FADE_SECONDS / 2) == "Sleep in 0:05"
    assert s.backend.volume == 40  # half way through the fade
    assert s.player.state.status is PlaybackStatus.PLAYING
    assert s.sleep_tick(s.sleep.deadline + 0.1) == ""
    assert s.player.state.status is PlaybackStatus.STOPPED
    assert s.backend.volume == 80 and not s.sleep.active  # ready for the next listening
    assert heard == [SleepMode.TIMER, SleepMode.OFF]


def test_sleep_after_this_song_stops_when_the_song_is_left():
    t = SleepTimer()
    t.after_track(2)
    assert t.factor(0, 100_000, 200_000) == 1.0
    assert t.factor(0, 195_000, 200_000) == pytest.approx(0.5)
    assert not t.due(0, 150_000, 200_000, track=2)
    assert t.due(0, 199_900, 200_000, track=2)  # the last moment of the song
    assert t.due(0, 0, 0, track=3)  # the player moved on
    assert t.describe(0, 140_000, 200_000) == "Sleep after this song (1:00)"
    t.cancel()
    assert not t.active and t.factor(0) == 1.0 and not t.due(0)
    assert [fmt_left(x) for x in (0, 59.2, 3600)] == ["0:00", "1:00", "1:00:00"]


def test_arc_queue_counts_the_songs_added_to_lift_you_up(catalog):
    from ksad_player.core.tags.reader import Tags

    rows = [
        (Tags(path=f"/m/{e}.mp3", format="MP3", duration=200.0), e, 1.0)
        for e in ("taeyeon-fine", "younha-wasted", "chani-starlight")
    ]
    arc = build_queue(catalog, "heartbreak", rows, order="arc", rng=random.Random(3))
    assert [i.entry.id for i in arc][-1] == "chani-starlight"
    assert lift_count(arc, "heartbreak") == 1
    assert lift_count(build_queue(catalog, "heartbreak", rows), "heartbreak") == 0


def test_the_demo_lives_in_the_data_dir_and_comes_back_when_cleaned(isolated_xdg):
    folder = make_demo(seconds=0.2)
    assert folder.is_relative_to(isolated_xdg / "XDG_DATA_HOME")
    clip = folder / "03 demo.wav"
    clip.unlink()
    assert make_demo(seconds=0.2) == folder and clip.is_file()


def test_gentle_listening_can_be_tried_on_the_demo(isolated_xdg, tmp_path):
    s = Session(backend=PlayingNull(), index_path=tmp_path / "idx.sqlite3")
    make_demo(seconds=0.2)  # short clips, the demo's songs
    s.scan_now(ScanRequest(demo=True))
    noted = {e.id for e in s.catalog.entries if e.content_note}
    in_demo = {t.entry_id for t in s.tracks() if t.entry_id} & noted
    assert in_demo, "no demo song has a content note"
    mood = s.catalog.entry(sorted(in_demo)[0]).moods[0]
    assert {i.entry.id for i in s.queue_for(mood)} & in_demo
    s.gentle = True
    assert not {i.entry.id for i in s.queue_for(mood)} & in_demo


@pytest.mark.parametrize("repeat", ["off", "all", "one"])
def test_sleep_after_this_song_stops_at_its_end_even_on_repeat_one(make_track, tmp_path, repeat):
    """Decided when the end comes, not by a tick that could miss a repeat's restart."""
    from ksad_player.core.play.player import EventKind, PlaybackEvent

    s = _session(make_track, tmp_path, LONELY)
    s.backend.duration_ms = lambda: 200_000  # a song that has length (libVLC's own: below)
    s.play_mood("loneliness")
    s.player.set_repeat(repeat)
    first = s.player.current
    started = []
    real_play = s.backend.play
    s.backend.play = lambda path: (started.append(path), real_play(path))[1]
    s.sleep_after_track()
    s.player.handle(PlaybackEvent(EventKind.ENDED, first.path))
    assert s.player.state.status is PlaybackStatus.STOPPED
    assert started == []  # nothing began, not even for a moment
    assert s.sleep_tick() == "" and not s.sleep.active  # the timer's work is done
    s.player.toggle()  # the next listening is not cut short
    s.player.handle(PlaybackEvent(EventKind.ENDED, s.player.current.path))
    assert s.player.state.status is PlaybackStatus.PLAYING and started
