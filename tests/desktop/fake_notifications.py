"""A small notification server for tests: owns org.freedesktop.Notifications on the
session bus, writes each Notify call as a JSON line to the file in argv[1], and answers
with ids as a real server does. Its slots carry the spec's exact types, so a call with
the wrong signature (an `i` for replaces_id, an `av` for actions) finds no method."""

from __future__ import annotations

import itertools
import json
import sys

from PySide6.QtCore import ClassInfo, QCoreApplication, QObject, Slot
from PySide6.QtDBus import QDBusAbstractAdaptor, QDBusConnection

ids = itertools.count(1)


@ClassInfo({"D-Bus Interface": "org.freedesktop.Notifications"})
class Server(QDBusAbstractAdaptor):
    def __init__(self, parent: QObject, out: str) -> None:
        super().__init__(parent)
        self.out = out

    @Slot(result="QStringList")
    def GetCapabilities(self) -> list[str]:
        return ["body", "icon-static"]

    @Slot(str, "uint", str, str, str, "QStringList", "QVariantMap", int, result="uint")
    def Notify(self, app, replaces, icon, summary, body, actions, hints, timeout):
        new_id = replaces or next(ids)
        record = {
            "app": app, "replaces": replaces, "icon": icon, "summary": summary, "body": body,
            "actions": list(actions), "hints": {k: str(v) for k, v in hints.items()},
            "timeout": timeout, "id": new_id,
        }  # fmt: skip
        with open(self.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(record) + "\n")
        return new_id


def main() -> None:
    app = QCoreApplication(sys.argv[:1])
    bus = QDBusConnection.sessionBus()
    holder = QObject()
    Server(holder, sys.argv[1])
    ok = bus.registerObject("/org/freedesktop/Notifications", holder)
    ok = ok and bus.registerService("org.freedesktop.Notifications")
    print("ready" if ok else "failed", flush=True)
    app.exec()


if __name__ == "__main__":
    main()
