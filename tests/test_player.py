"""The player's state machine over the null backend: what the transport promises."""

from __future__ import annotations

from ksad_player.core.play.player import NullBackend, PlaybackEvent, Player
from ksad_player.core.play.queue import Item


def items(catalog, n=3):
    out = []
    for e in catalog.entries[:n]:
        out.append(Item(e, f"/m/{e.id}.mp3", e.title, e.credit, 200.0, e.blurb))
    return out


class Recording(NullBackend):
    """Remembers what it was asked to play; claims a real track length, so "ended" is real."""

    def __init__(self):
        super().__init__("test")
        self.available = True
        self.played: list[str] = []

    def play(self, path):
        super().play(path)
        self.played.append(path)

    def duration_ms(self):
        return 200_000


def test_end_of_track_plays_the_next_and_the_end_of_the_queue_stops(catalog):
    b = Recording()
    p = Player(b)
    heard = []
    p.listeners.append(lambda what, _p: heard.append(what))
    q = items(catalog)
    p.load(q)
    for _ in range(3):
        p.handle(PlaybackEvent("ended", p.current.path))
    assert b.played == [i.path for i in q]
    assert p.state.status == "stopped" and heard[-1] == "finished"


def test_repeat_all_and_one(catalog):
    b = Recording()
    p = Player(b)
    q = items(catalog, 2)
    p.set_repeat("all")
    p.load(q)
    for _ in range(3):
        p.handle(PlaybackEvent("ended", p.current.path))
    assert b.played == [q[0].path, q[1].path, q[0].path, q[1].path]
    p.set_repeat("one")
    p.handle(PlaybackEvent("ended", p.current.path))
    assert b.played[-1] == q[1].path and p.state.status == "playing"


def test_errors_skip_and_mark_and_late_events_are_ignored(catalog):
    b = Recording()
    p = Player(b)
    q = items(catalog)
    p.load(q)
    p.handle(PlaybackEvent("ended", "/some/older/track.mp3"))  # news about a track we left
    assert p.current.path == q[0].path
    p.handle(PlaybackEvent("error", q[0].path, "broken"))
    assert q[0].path in p.state.unplayable and p.current.path == q[1].path
    assert "Could not play" in p.last_error


def test_toggle_previous_next_remove(catalog):
    b = Recording()
    p = Player(b)
    q = items(catalog)
    p.load(q)
    p.toggle()
    assert p.state.status == "paused"
    p.toggle()
    assert p.state.status == "playing"
    p.next()
    p.next()
    assert p.current.path == q[2].path
    b.seek(10_000)  # well into the track: previous restarts it
    p.previous()
    assert p.current.path == q[2].path and b.position_ms() == 0
    p.previous()
    assert p.current.path == q[1].path
    p.remove(0)
    assert [i.path for i in p.queue] == [q[1].path, q[2].path] and p.current.path == q[1].path
    p.next()
    p.next()
    assert p.state.status == "stopped"


def test_an_end_that_stopping_causes_is_no_news(catalog):
    b = Recording()
    p = Player(b)
    p.load(items(catalog))
    p.stop()
    p.handle(PlaybackEvent("ended", p.current.path))  # libVLC's "ended" for the stop
    assert p.state.index == 0 and b.played == [p.queue[0].path]


def test_no_audio_output_stops_at_the_track_and_says_so(catalog):
    b = Recording()
    p = Player(b)
    heard = []
    p.listeners.append(lambda what, _p: heard.append(what))
    p.load(items(catalog))
    p.handle(PlaybackEvent("no-output", "", "No sound: no device"))
    p.handle(PlaybackEvent("ended", p.current.path))  # it "ended" at once, unheard
    assert "output" in heard and p.output_problem == "No sound: no device"
    assert p.state.index == 0 and p.state.status == "stopped" and not p.state.unplayable


def test_a_missing_file_is_gone_not_unplayable(catalog, tmp_path):
    b = Recording()
    p = Player(b)
    q = items(catalog, 2)
    here = tmp_path / "here.mp3"
    here.write_bytes(b"x")
    q[1] = Item(q[1].entry, str(here), q[1].title, q[1].artist, 200.0, q[1].blurb)
    p.load(q)  # q[0] is /m/….mp3: no such file
    p.handle(PlaybackEvent("error", q[0].path, "VLC is unable to open the MRL"))
    assert "the file is gone" in p.last_error and "unable" not in p.last_error
    assert p.current.path == str(here)
    p.handle(PlaybackEvent("error", str(here), "no audio libVLC can decode"))
    assert "no audio libVLC can decode" in p.last_error
