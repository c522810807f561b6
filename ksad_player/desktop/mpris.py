"""MPRIS2 on the session bus, so media keys and the desktop's media controls drive the
session, and show each song's blurb (xesam:comment) beside its title and cover.

One QDBusVirtualObject answers every call on /org/mpris/MediaPlayer2 (methods,
Properties.Get/GetAll/Set, Introspect), which keeps each wire type in our hands:
Metadata and int64 (`x`) values through `TypedBox`, an explicit empty `as` in
PropertiesChanged, and GetAll's map written entry by entry (`typed_map`) so Position
goes out as `x` there too. One limit of PySide6 shapes the rest: a bare int64 signal
argument needs Qt's own signal relay, so Seeked is sent by a tiny adaptor registered in
the object's place for the moment it takes to emit.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import ClassInfo, QObject, QUrl, Signal
from PySide6.QtDBus import (
    QDBusAbstractAdaptor,
    QDBusArgument,
    QDBusConnection,
    QDBusMessage,
    QDBusObjectPath,
    QDBusVariant,
    QDBusVirtualObject,
)

from ksad_player.core import paths
from ksad_player.core.play.player import PlaybackStatus, Player, PlayerChange, RepeatMode
from ksad_player.core.play.queue import Item
from ksad_player.core.session import Session, SessionChange, SessionEvent
from ksad_player.desktop import appid
from ksad_player.desktop.wire import TypedBox, empty_string_array, typed_map

log = logging.getLogger(__name__)

OBJECT_PATH = "/org/mpris/MediaPlayer2"
ROOT = "org.mpris.MediaPlayer2"
PLAYER = "org.mpris.MediaPlayer2.Player"
PROPS = "org.freedesktop.DBus.Properties"
NO_TRACK = "/org/mpris/MediaPlayer2/TrackList/NoTrack"
TRACK_PREFIX = "/io/github/ksadplayer/KsadPlayer/Track"
MIME_TYPES = [
    "audio/mpeg", "audio/flac", "audio/ogg", "audio/x-vorbis+ogg", "audio/x-opus+ogg",
    "audio/mp4", "audio/x-ms-wma", "audio/x-wav", "audio/x-aiff", "audio/x-wavpack",
]  # fmt: skip
LOOP = {RepeatMode.OFF: "None", RepeatMode.ONE: "Track", RepeatMode.ALL: "Playlist"}
STATUS = {
    PlaybackStatus.PLAYING: "Playing",
    PlaybackStatus.PAUSED: "Paused",
    PlaybackStatus.STOPPED: "Stopped",
}
MAX_COVER_BYTES = 16 * 1024 * 1024
METADATA_FIELDS: dict[str, object] = {
    "mpris:trackid": QDBusObjectPath,
    "xesam:title": str,
    "xesam:artist": "QStringList",
    "xesam:album": str,
    "xesam:comment": "QStringList",
    "xesam:url": str,
    "mpris:length": "qlonglong",
    "mpris:artUrl": str,
}


PING = QDBusMessage.createMethodCall(
    "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus.Peer", "Ping"
)
ROOT_FIELDS: dict[str, object] = {
    "CanQuit": bool,
    "CanRaise": bool,
    "HasTrackList": bool,
    "Identity": str,
    "DesktopEntry": str,
    "SupportedUriSchemes": "QStringList",
    "SupportedMimeTypes": "QStringList",
}


@ClassInfo({"D-Bus Interface": PLAYER})
class _SeekedRelay(QDBusAbstractAdaptor):
    """Qt relays this signal with its declared type: `Seeked(x)`."""

    Seeked = Signal("qlonglong")

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)


INTROSPECTION = """\
<interface name="org.mpris.MediaPlayer2">
  <method name="Raise"/>
  <method name="Quit"/>
  <property name="CanQuit" type="b" access="read"/>
  <property name="CanRaise" type="b" access="read"/>
  <property name="HasTrackList" type="b" access="read"/>
  <property name="Identity" type="s" access="read"/>
  <property name="DesktopEntry" type="s" access="read"/>
  <property name="SupportedUriSchemes" type="as" access="read"/>
  <property name="SupportedMimeTypes" type="as" access="read"/>
</interface>
<interface name="org.mpris.MediaPlayer2.Player">
  <method name="Next"/>
  <method name="Previous"/>
  <method name="Pause"/>
  <method name="PlayPause"/>
  <method name="Stop"/>
  <method name="Play"/>
  <method name="Seek"><arg direction="in" name="Offset" type="x"/></method>
  <method name="SetPosition">
    <arg direction="in" name="TrackId" type="o"/>
    <arg direction="in" name="Position" type="x"/>
  </method>
  <method name="OpenUri"><arg direction="in" name="Uri" type="s"/></method>
  <signal name="Seeked"><arg name="Position" type="x"/></signal>
  <property name="PlaybackStatus" type="s" access="read"/>
  <property name="LoopStatus" type="s" access="readwrite"/>
  <property name="Rate" type="d" access="readwrite"/>
  <property name="Metadata" type="a{sv}" access="read"/>
  <property name="Volume" type="d" access="readwrite"/>
  <property name="Position" type="x" access="read"/>
  <property name="MinimumRate" type="d" access="read"/>
  <property name="MaximumRate" type="d" access="read"/>
  <property name="CanGoNext" type="b" access="read"/>
  <property name="CanGoPrevious" type="b" access="read"/>
  <property name="CanPlay" type="b" access="read"/>
  <property name="CanPause" type="b" access="read"/>
  <property name="CanSeek" type="b" access="read"/>
  <property name="CanControl" type="b" access="read"/>
</interface>
"""


def file_uri(path: str | os.PathLike[str]) -> str:
    return bytes(QUrl.fromLocalFile(os.fspath(path)).toEncoded()).decode("ascii")


def _image_suffix(data: bytes) -> str:
    if data.startswith(b"\x89PNG"):
        return ".png"
    if data.startswith(b"GIF8"):
        return ".gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return ".webp"
    return ".jpg"


class CoverCache:
    """Embedded covers written once to $XDG_CACHE_HOME/ksad-player/covers, because the
    desktop shows art from a file URI; a PNG of the placeholder for songs without one."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or paths.cache_dir() / "covers"
        self._known: dict[str, str] = {}

    def placeholder(self) -> str:
        out = self.root / "placeholder-256.png"
        if not out.exists():
            from ksad_player.desktop.install import render_png

            self.root.mkdir(parents=True, exist_ok=True)
            render_png(paths.resources_dir() / "placeholder-cover.svg", out, 256)
        return str(out)

    def cover_for(self, item: Item) -> str:
        """A path to the item's cover image (cached), or to the placeholder."""
        if not item.has_cover:
            return self.placeholder()
        try:
            st = os.stat(item.path)
        except OSError:
            return self.placeholder()
        key = hashlib.sha1(f"{item.path}\0{st.st_size}\0{st.st_mtime_ns}".encode(
            "utf-8", "surrogateescape")).hexdigest()  # fmt: skip
        if key in self._known:
            return self._known[key]
        found = next(iter(self.root.glob(f"{key}.*")), None) if self.root.is_dir() else None
        if found is None:
            from ksad_player.core.tags.reader import read_cover

            data = read_cover(item.path)
            if not data or len(data) > MAX_COVER_BYTES:
                return self.placeholder()
            self.root.mkdir(parents=True, exist_ok=True)
            found = self.root / f"{key}{_image_suffix(data)}"
            tmp = found.with_suffix(".part")
            tmp.write_bytes(data)
            tmp.replace(found)
        self._known[key] = str(found)
        return str(found)


def track_id(player: Player) -> str:
    """An object path naming the current queue position and song."""
    item = player.current
    if item is None:
        return NO_TRACK
    safe = re.sub(r"[^A-Za-z0-9_]", "_", item.entry.id)[:60]
    return f"{TRACK_PREFIX}/{player.state.index}_{safe}"


class Mpris(QDBusVirtualObject):
    """org.mpris.MediaPlayer2(.Player) over one Session."""

    def __init__(
        self,
        session: Session,
        bus: QDBusConnection,
        *,
        raise_window: Callable[[], None],
        quit_app: Callable[[], None],
        covers: CoverCache | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.bus = bus
        self.raise_window = raise_window
        self.quit_app = quit_app
        self.covers = covers or CoverCache()
        self.meta_box = TypedBox(bus, METADATA_FIELDS)
        self.no_track_box = TypedBox(bus, {"mpris:trackid": QDBusObjectPath})
        self.int64_box = TypedBox(bus, {"Position": "qlonglong"})
        self.root_box = TypedBox(bus, ROOT_FIELDS)
        self._relay_holder = QObject()
        self._relay = _SeekedRelay(self._relay_holder)
        self._last: dict[str, Any] = {}
        self.registered = False

    # -- registration ---------------------------------------------------------------------
    def register(self) -> bool:
        if not self.bus.registerVirtualObject(OBJECT_PATH, self):
            log.info("MPRIS: could not export %s on the session bus", OBJECT_PATH)
            return False
        if not self.bus.registerService(appid.MPRIS_BUS_NAME):
            log.info("MPRIS: the name %s is taken; media keys stay with its owner",
                     appid.MPRIS_BUS_NAME)  # fmt: skip
            self.bus.unregisterObject(OBJECT_PATH)
            return False
        self.session.player.listeners.append(self._on_player)
        self.session.listeners.append(self._on_session)
        self._last = self._snapshot()
        self.registered = True
        return True

    def unregister(self) -> None:
        if not self.registered:
            return
        self.registered = False
        if self._on_player in self.session.player.listeners:
            self.session.player.listeners.remove(self._on_player)
        if self._on_session in self.session.listeners:
            self.session.listeners.remove(self._on_session)
        self.bus.unregisterService(appid.MPRIS_BUS_NAME)
        self.bus.unregisterObject(OBJECT_PATH)
        for box in (self.meta_box, self.no_track_box, self.int64_box, self.root_box):
            box.close()

    # -- properties -----------------------------------------------------------------------
    def metadata(self) -> QDBusArgument:
        """The current track's Metadata as a typed a{sv}."""
        player = self.session.player
        item = player.current
        trackid = QDBusObjectPath(track_id(player))
        if item is None:
            return self.no_track_box.get_all({"mpris:trackid": trackid})
        entry = item.entry
        artists = [a.name for a in entry.artists] or [item.artist]
        length_us = int(max(item.duration, self.session.backend.duration_ms() / 1000) * 1e6)
        return self.meta_box.get_all(
            {
                "mpris:trackid": trackid,
                "xesam:title": item.title,
                "xesam:artist": artists,
                "xesam:album": entry.drama or entry.album or "",
                "xesam:comment": [item.blurb],
                "xesam:url": file_uri(item.path),
                "mpris:length": length_us,
                "mpris:artUrl": file_uri(self.covers.cover_for(item)),
            }
        )

    def _player_props(self) -> dict[str, Any]:
        p = self.session.player
        s = p.state
        has = bool(s.queue)
        playable = self.session.backend.available
        return {
            "PlaybackStatus": STATUS[s.status],
            "LoopStatus": LOOP[s.repeat],
            "Rate": 1.0,
            "MinimumRate": 1.0,
            "MaximumRate": 1.0,
            "Volume": self.session.volume / 100.0,
            "CanGoNext": playable
            and has
            and (s.index + 1 < len(s.queue) or s.repeat is not RepeatMode.OFF),
            "CanGoPrevious": playable and p.current is not None,
            "CanPlay": playable,
            "CanPause": playable and p.current is not None,
            "CanSeek": playable and p.current is not None,
            "CanControl": True,
        }

    def _root_props(self) -> dict[str, Any]:
        return {
            "CanQuit": True,
            "CanRaise": True,
            "HasTrackList": False,
            "Identity": appid.IDENTITY,
            "DesktopEntry": appid.APP_ID,
            "SupportedUriSchemes": ["file"],
            "SupportedMimeTypes": MIME_TYPES,
        }

    def _get(self, interface: str, name: str) -> QDBusVariant | None:
        if interface == PLAYER:
            if name == "Metadata":
                return QDBusVariant(self.metadata())
            if name == "Position":
                return self.int64_box.get("Position", self._position_us())
            props = self._player_props()
        elif interface == ROOT:
            props = self._root_props()
            return self.root_box.get(name, props[name]) if name in props else None
        else:
            return None
        return QDBusVariant(props[name]) if name in props else None

    def _position_us(self) -> int:
        """Where the listener is: a restored queue that waits says where it will go on."""
        waiting = self.session.resume_position_ms
        return (waiting if waiting is not None else self.session.backend.position_ms()) * 1000

    def _get_all(self, interface: str) -> dict[str, object] | QDBusArgument | None:
        if interface == ROOT:
            return self.root_box.get_all(self._root_props())
        if interface == PLAYER:
            # Built entry by entry, so that Position goes out as int64 (`x`) like Get's.
            position = self.int64_box.get("Position", self._position_us())
            values: dict[str, QDBusVariant] = {
                k: QDBusVariant(v) for k, v in self._player_props().items()
            }
            values["Metadata"] = QDBusVariant(self.metadata())
            values["Position"] = position
            return typed_map(values)
        return None

    def _set(self, interface: str, name: str, value: object) -> str | None:
        """Writable properties; an error message for anything else."""
        if interface == PLAYER and name == "Volume" and isinstance(value, int | float):
            self.session.set_volume(round(max(0.0, min(1.0, float(value))) * 100))
            self._changed()
            return None
        if interface == PLAYER and name == "LoopStatus" and value in LOOP.values():
            mode = next(m for m, v in LOOP.items() if v == value)
            self.session.player.set_repeat(mode)
            return None
        if interface == PLAYER and name == "Rate" and isinstance(value, int | float):
            return None if float(value) == 1.0 else "only the rate 1.0 is supported"
        return f"{interface}.{name} cannot be set"

    # -- news -----------------------------------------------------------------------------
    def _snapshot(self) -> dict[str, Any]:
        snap = dict(self._player_props())
        item = self.session.player.current
        snap["Metadata"] = (track_id(self.session.player), item.path if item else "")
        return snap

    def _changed(self) -> None:
        """Send PropertiesChanged for what differs from the last time, if anything."""
        if not self.registered:
            return
        now = self._snapshot()
        changed = [k for k, v in now.items() if self._last.get(k) != v]
        self._last = now
        if not changed:
            return
        props = self._player_props()
        values: dict[str, object] = {
            name: self.metadata() if name == "Metadata" else props[name] for name in changed
        }
        signal = QDBusMessage.createSignal(OBJECT_PATH, PROPS, "PropertiesChanged")
        signal.setArguments([PLAYER, values, empty_string_array()])
        self.bus.send(signal)

    def _on_player(self, what: PlayerChange, player: Player) -> None:
        self._changed()

    def _on_session(self, event: SessionEvent) -> None:
        if event.kind is SessionChange.VOLUME:
            self._changed()
        elif event.kind is SessionChange.SEEKED and self.registered:
            self.send_seeked(int(str(event.payload)) * 1000)

    def send_seeked(self, position_us: int) -> None:
        """Seeked(x): our object steps aside for the relay while it emits (one bus round
        trip; a call arriving in that moment is answered by the relay, with an error)."""
        self.bus.unregisterObject(OBJECT_PATH)
        try:
            if self.bus.registerObject(OBJECT_PATH, self._relay_holder):
                self._relay.Seeked.emit(position_us)
                # Qt relays the signal from its D-Bus thread, in order with what we send:
                # one ping to the bus returns once the signal has left.
                self.bus.call(PING)
                self.bus.unregisterObject(OBJECT_PATH)
        finally:
            if not self.bus.registerVirtualObject(OBJECT_PATH, self):
                log.warning("MPRIS: could not take %s back after Seeked", OBJECT_PATH)

    # -- methods --------------------------------------------------------------------------
    def play(self) -> None:
        p = self.session.player
        if p.state.status is PlaybackStatus.PLAYING:
            return
        if p.queue:
            self.session.toggle()  # a queue restored from last time continues where it was
            return
        moods = [self.session.current_mood] if self.session.current_mood else []
        counts = self.session.mood_counts()
        moods += [m.id for m in self.session.catalog.moods if counts.get(m.id)]
        for mood in moods:
            if self.session.play_mood(mood):
                return

    def pause(self) -> None:
        if self.session.player.state.status is PlaybackStatus.PLAYING:
            self.session.toggle()

    def play_pause(self) -> None:
        if self.session.player.state.status is PlaybackStatus.PLAYING:
            self.pause()
        else:
            self.play()

    def seek(self, offset_us: int) -> None:
        if self.session.player.current is None:
            return
        target = self._position_us() // 1000 + offset_us // 1000  # from the saved place too
        duration = self.session.backend.duration_ms()
        if duration > 0 and target >= duration:
            self.session.player.next()
            return
        self.session.seek(max(0, target))

    def set_position(self, track: str, position_us: int) -> None:
        duration = self.session.backend.duration_ms()
        if track != track_id(self.session.player) or position_us < 0:
            return
        if duration > 0 and position_us // 1000 > duration:
            return
        self.session.seek(position_us // 1000)

    def open_uri(self, uri: str) -> str | None:
        url = QUrl(uri)
        if not url.isLocalFile():
            return "only file:// URIs can be opened"
        path = url.toLocalFile()
        from ksad_player.core.tags import is_audio_name
        from ksad_player.desktop.open_files import play_files

        if not (os.path.isfile(path) and is_audio_name(path)):  # never walk a tree here
            return f"{path} is not an audio file"

        return None if play_files(self.session, [path]) else f"{path} is not a catalog song"

    def _call(self, interface: str, member: str, args: list[Any]) -> tuple[list[Any], str | None]:
        """Run one method; (reply arguments, error message or None)."""
        p = self.session.player
        simple: dict[tuple[str, str], Callable[[], None]] = {
            (ROOT, "Raise"): self.raise_window,
            (ROOT, "Quit"): self.quit_app,
            (PLAYER, "Next"): p.next,
            (PLAYER, "Previous"): self.session.previous,
            (PLAYER, "Pause"): self.pause,
            (PLAYER, "PlayPause"): self.play_pause,
            (PLAYER, "Stop"): p.stop,
            (PLAYER, "Play"): self.play,
        }
        if (interface, member) in simple:
            simple[(interface, member)]()
            return [], None
        if interface == PLAYER and member == "Seek" and len(args) == 1:
            self.seek(int(args[0]))
            return [], None
        if interface == PLAYER and member == "SetPosition" and len(args) == 2:
            track = args[0].path() if isinstance(args[0], QDBusObjectPath) else str(args[0])
            self.set_position(track, int(args[1]))
            return [], None
        if interface == PLAYER and member == "OpenUri" and len(args) == 1:
            return [], self.open_uri(str(args[0]))
        if interface == PROPS and member == "Get" and len(args) == 2:
            value = self._get(str(args[0]), str(args[1]))
            return ([value], None) if value is not None else ([], f"no property {args[1]}")
        if interface == PROPS and member == "GetAll" and len(args) == 1:
            everything = self._get_all(str(args[0]))
            return [everything if everything is not None else {}], None
        if interface == PROPS and member == "Set" and len(args) == 3:
            value = args[2].variant() if isinstance(args[2], QDBusVariant) else args[2]
            return [], self._set(str(args[0]), str(args[1]), value)
        return [], f"unknown method {interface}.{member}"

    # -- QDBusVirtualObject ---------------------------------------------------------------
    def introspect(self, path: str) -> str:
        return INTROSPECTION if path == OBJECT_PATH else ""

    def handleMessage(self, message: QDBusMessage, connection: QDBusConnection) -> bool:
        if message.type() != QDBusMessage.MessageType.MethodCallMessage:
            return False
        interface = message.interface()
        if not interface:  # D-Bus allows calls without an interface: find the method
            interface = ROOT if message.member() in ("Raise", "Quit") else PLAYER
        try:
            out, error = self._call(interface, message.member(), list(message.arguments()))
        except Exception as exc:  # a bad call from outside must never take the app down
            log.warning("MPRIS: %s.%s failed: %s", interface, message.member(), exc)
            out, error = [], str(exc)
        if message.isReplyRequired():
            if error is None:
                reply = message.createReply()
                reply.setArguments(out)
            else:
                reply = message.createErrorReply("org.freedesktop.DBus.Error.Failed", error)
            connection.send(reply)
        return True


def start(
    session: Session,
    *,
    raise_window: Callable[[], None],
    quit_app: Callable[[], None],
    bus: QDBusConnection | None = None,
) -> Mpris | None:
    """Export MPRIS on the session bus; None (and one log line) when there is no bus."""
    bus = bus or QDBusConnection.sessionBus()
    if not bus.isConnected():
        log.warning("No D-Bus session bus: media keys and desktop media controls are off")
        return None
    mpris = Mpris(session, bus, raise_window=raise_window, quit_app=quit_app)
    return mpris if mpris.register() else None
