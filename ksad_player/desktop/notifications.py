"""A desktop notification when the track changes while the window is out of sight:
title, artist, the blurb's first sentence and the cover. Each replaces the last, so a
long evening of songs leaves one bubble, not a stack.

The call goes through a QDBusInterface built from the server's introspection, invoked
with typed arguments, because Notify wants `u` for replaces_id and `as` for the (empty)
actions, which plain Python values would send as `i` and `av`.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable

from PySide6.QtCore import Q_ARG, Q_RETURN_ARG, QMetaObject, QObject, Qt
from PySide6.QtDBus import QDBusConnection, QDBusInterface

from ksad_player.core.play.player import PlaybackStatus, Player, PlayerChange
from ksad_player.core.play.queue import Item
from ksad_player.core.session import Session
from ksad_player.desktop import appid
from ksad_player.desktop.mpris import CoverCache, file_uri

log = logging.getLogger(__name__)

SERVICE = "org.freedesktop.Notifications"
PATH = "/org/freedesktop/Notifications"
TIMEOUT_MS = 2000
SENTENCE = re.compile(r"(.{1,400}?[.!?。])(?=\s|$)", re.DOTALL)


def first_sentence(text: str) -> str:
    """The blurb's first sentence (or its first 200 characters, cut at a word)."""
    text = " ".join(text.split())
    found = SENTENCE.match(text)
    if found:
        return found.group(1)
    if len(text) <= 200:
        return text
    return text[:200].rsplit(" ", 1)[0] + "…"


class Notifier(QObject):
    """Listens to the player; `should_notify()` says whether the window is out of sight
    and notifications are on."""

    def __init__(
        self,
        session: Session,
        should_notify: Callable[[], bool],
        *,
        bus: QDBusConnection | None = None,
        covers: CoverCache | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.should_notify = should_notify
        self.bus = bus or QDBusConnection.sessionBus()
        self.covers = covers or CoverCache()
        self.last_id = 0
        self._iface: QDBusInterface | None = None
        self._markup = False
        self._failed = False
        self._shown_path = ""
        session.player.listeners.append(self._on_player)

    def close(self) -> None:
        if self._on_player in self.session.player.listeners:
            self.session.player.listeners.remove(self._on_player)

    def _interface(self) -> QDBusInterface | None:
        if self._iface is not None or self._failed:
            return self._iface
        if not self.bus.isConnected():
            self._failed = True
            log.info("No D-Bus session bus: no desktop notifications")
            return None
        bus_iface = self.bus.interface()
        names = set(bus_iface.registeredServiceNames().value() or [])
        names |= set(bus_iface.activatableServiceNames().value() or [])
        if SERVICE not in names:
            return None  # perhaps later: a notification daemon may start after us
        iface = QDBusInterface(SERVICE, PATH, SERVICE, self.bus, self)
        iface.setTimeout(TIMEOUT_MS)
        caps = iface.call("GetCapabilities").arguments()
        self._markup = bool(caps) and "body-markup" in (caps[0] or [])
        self._iface = iface
        return iface

    def _on_player(self, what: PlayerChange, player: Player) -> None:
        if what is not PlayerChange.TRACK or player.current is None:
            return
        item = player.current
        if player.state.status is not PlaybackStatus.PLAYING or item.path == self._shown_path:
            return
        if self.should_notify():
            self.notify(item)

    def notify(self, item: Item) -> int:
        """Show (or replace) the notification for `item`; the server's id, 0 when none."""
        iface = self._interface()
        if iface is None:
            return 0
        body = f"{item.artist}\n{first_sentence(item.blurb)}"
        if self._markup:
            body = html.escape(body, quote=False)  # tag text is plain text, never markup
        cover = self.covers.cover_for(item)
        hints = {"image-path": file_uri(cover), "desktop-entry": appid.APP_ID}
        try:
            new_id = QMetaObject.invokeMethod(
                iface, "Notify", Qt.ConnectionType.DirectConnection, Q_RETURN_ARG("uint"),
                Q_ARG("QString", appid.IDENTITY), Q_ARG("uint", self.last_id),
                Q_ARG("QString", appid.ICON_NAME), Q_ARG("QString", item.title),
                Q_ARG("QString", body), Q_ARG("QStringList", []),
                Q_ARG("QVariantMap", hints), Q_ARG("int", -1),
            )  # fmt: skip
        except Exception as exc:  # a broken daemon must not stop the music
            log.info("notification failed: %s", exc)
            return 0
        if isinstance(new_id, int) and new_id:
            self.last_id = new_id
            self._shown_path = item.path
        return self.last_id
