"""D-Bus wire types PySide6 cannot spell on its own.

PySide6 turns every small Python int into a 32-bit `i`, an empty Python list into `av`,
and a QDBusVariant inside a dict into a variant holding a variant. MPRIS wants int64
(`x`) for lengths and positions, and GNOME Shell rejects a PropertiesChanged whose
invalidated list is not `as`.

So typed values come from Qt itself: a `TypedBox` is a small adaptor whose Q_PROPERTYs
are declared with C++ types (qlonglong, QStringList, QDBusObjectPath…). Reading it back
through a local Properties.Get / GetAll (our own object: Qt answers without the bus)
hands us a QDBusVariant or a QDBusArgument that keeps those types when sent on.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import ClassInfo, Property, QMetaType, QObject
from PySide6.QtDBus import (
    QDBusAbstractAdaptor,
    QDBusArgument,
    QDBusConnection,
    QDBusMessage,
    QDBusVariant,
)

BOX_ROOT = "/io/github/ksadplayer/KsadPlayer/typed"
PROPERTIES = "org.freedesktop.DBus.Properties"
_serial = itertools.count()


def empty_string_array() -> QDBusArgument:
    """An empty array typed `as` (a bare [] would go out as `av`)."""
    arg = QDBusArgument()
    arg.beginArray(QMetaType(QMetaType.Type.QString))
    arg.endArray()
    return arg


def typed_map(values: dict[str, QDBusVariant]) -> QDBusArgument:
    """An `a{sv}` written entry by entry: each variant keeps the type it was made with
    (a dict handed to PySide6 would wrap each value in a second variant)."""
    arg = QDBusArgument()
    arg.beginMap(QMetaType(QMetaType.Type.QString), QMetaType.fromName(b"QDBusVariant"))
    for key, value in values.items():
        arg.beginMapEntry()
        arg.appendVariant(key)
        arg.appendVariant(value)
        arg.endMapEntry()
    arg.endMap()
    return arg


def _getter(name: str) -> Callable[[Any], Any]:
    return lambda self: self.values[name]


class TypedBox:
    """Values with declared D-Bus types, read back as typed QDBusVariant / QDBusArgument.

    `fields` maps a property name (any string, e.g. "mpris:length") to a Qt type: a type
    name such as "qlonglong" or "QStringList", or a Python type (str, bool, float,
    QDBusObjectPath)."""

    def __init__(self, bus: QDBusConnection, fields: dict[str, object]) -> None:
        self.bus = bus
        n = next(_serial)
        self.interface = f"io.github.ksadplayer.KsadPlayer.Typed{n}"
        self.path = f"{BOX_ROOT}/{n}"
        namespace: dict[str, object] = {
            "__init__": lambda self, parent: QDBusAbstractAdaptor.__init__(self, parent)
        }
        for name, qt_type in fields.items():
            namespace[name] = Property(qt_type, _getter(name))
        cls = ClassInfo({"D-Bus Interface": self.interface})(
            type(f"TypedBox{n}", (QDBusAbstractAdaptor,), namespace)
        )
        self._holder = QObject()
        self._adaptor = cls(self._holder)
        self._adaptor.values = {}
        self.ok = bus.registerObject(self.path, self._holder)

    def _call(self, member: str, *args: str) -> Any:
        call = QDBusMessage.createMethodCall(self.bus.baseService(), self.path, PROPERTIES, member)
        call.setArguments([self.interface, *args])
        reply = self.bus.call(call)  # our own object: delivered locally
        out = reply.arguments()
        if reply.type() != QDBusMessage.MessageType.ReplyMessage or not out:
            raise RuntimeError(f"D-Bus type helper failed: {reply.errorMessage()}")
        return out[0]

    def get(self, name: str, value: object) -> QDBusVariant:
        """`value` as a variant of the field's declared type."""
        self._adaptor.values = {name: value}
        got = self._call("Get", name)
        assert isinstance(got, QDBusVariant)
        return got

    def get_all(self, values: dict[str, object]) -> QDBusArgument:
        """Every field (all must be given) as one typed `a{sv}`."""
        self._adaptor.values = dict(values)
        got = self._call("GetAll")
        assert isinstance(got, QDBusArgument)
        return got

    def close(self) -> None:
        self.bus.unregisterObject(self.path)
