"""One window per user: a second `ksad-player [PATH…]` hands its paths to the running
window over a QLocalSocket and exits, instead of opening a second window on the same index.

The wire format is one JSON object per connection, one line: {"paths": [...], "demo": b}.
The server answers "ok". The socket lives in $XDG_RUNTIME_DIR (private to the user) or,
without one, in the temp folder under a name that holds the user id.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from ksad_player.desktop import appid

log = logging.getLogger(__name__)

CONNECT_MS = 150  # a live server answers in well under this
REPLY_MS = 250  # the whole hand-over stays within half a second
MAX_REQUEST = 1 << 20  # bytes; paths beyond this are not a user's command line


@dataclass(frozen=True)
class Request:
    paths: tuple[str, ...] = ()
    demo: bool = False


def socket_name() -> str:
    """A full path, so the name is per user (and per XDG_RUNTIME_DIR, which tests isolate)."""
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if runtime and os.path.isdir(runtime):
        return str(Path(runtime) / f"{appid.APP_ID}.socket")
    uid = os.getuid() if hasattr(os, "getuid") else os.getlogin()
    return str(Path(tempfile.gettempdir()) / f"{appid.APP_ID}-{uid}.socket")


def forward(paths: list[str], *, demo: bool = False, name: str | None = None) -> bool:
    """Hand paths to a running window. True: it took them (this process may exit).
    False: no window runs (or it did not answer): this process opens its own."""
    sock = QLocalSocket()
    sock.connectToServer(name or socket_name())
    if not sock.waitForConnected(CONNECT_MS):
        return False
    absolute = [os.path.abspath(p) for p in paths]
    data = json.dumps({"paths": absolute, "demo": demo}).encode("utf-8", "surrogateescape")
    sock.write(data + b"\n")
    sock.flush()
    ok = False
    if sock.waitForBytesWritten(REPLY_MS) or sock.bytesToWrite() == 0:
        # Written to a live window: it has the paths, even if it is too busy to answer in
        # time. Opening a second window then would handle them twice, on one index.
        ok = True
        while sock.waitForReadyRead(REPLY_MS):
            if b"\n" in bytes(sock.peek(64).data()):
                ok = bytes(sock.readLine().data()).strip() == b"ok"
                break
    sock.disconnectFromServer()
    return ok


def parse(data: bytes) -> Request | None:
    try:
        obj = json.loads(data.decode("utf-8", "surrogateescape"))
    except ValueError:
        return None
    if not isinstance(obj, dict) or not isinstance(obj.get("paths", []), list):
        return None
    return Request(tuple(str(p) for p in obj.get("paths", [])), bool(obj.get("demo", False)))


class InstanceServer(QObject):
    """Listens for later launches; each request goes to `on_request` on the GUI thread."""

    def __init__(self, on_request: Callable[[Request], None], name: str | None = None) -> None:
        super().__init__()
        self.on_request = on_request
        self.name = name or socket_name()
        self.server = QLocalServer(self)
        self.server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self.server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytes] = {}

    def listen(self) -> bool:
        """Take the name. A socket file left by a crash (nobody answers) is removed first."""
        if self.server.listen(self.name):
            return True
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(CONNECT_MS):
            probe.disconnectFromServer()
            log.info("another ksad-player window already listens on %s", self.name)
            return False
        QLocalServer.removeServer(self.name)
        if self.server.listen(self.name):
            return True
        log.warning("single instance is off: %s", self.server.errorString())
        return False

    def close(self) -> None:
        self.server.close()

    def _accept(self) -> None:
        while self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()
            self._buffers[sock] = b""
            sock.readyRead.connect(lambda s=sock: self._read(s))
            sock.disconnected.connect(lambda s=sock: self._drop(s))

    def _drop(self, sock: QLocalSocket) -> None:
        self._buffers.pop(sock, None)
        sock.deleteLater()

    def _read(self, sock: QLocalSocket) -> None:
        buf = self._buffers.get(sock, b"") + bytes(sock.readAll().data())
        if b"\n" not in buf:
            if len(buf) > MAX_REQUEST:
                sock.abort()
            else:
                self._buffers[sock] = buf
            return
        line = buf.split(b"\n", 1)[0]
        self._buffers[sock] = b""
        request = parse(line)
        sock.write(b"ok\n" if request else b"bad\n")
        sock.flush()
        if request is not None:
            self.on_request(request)
