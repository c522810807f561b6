"""Dumb widgets: they show what they are given and emit what the user wants."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QToolButton,
    QWidget,
)

from ksad_player.core.catalog import Catalog, Mood
from ksad_player.core.play.player import RepeatMode
from ksad_player.ui.models import fmt_time
from ksad_player.ui.text import plain_tooltip


def plain_label(text: str = "", name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
        label.setAccessibleName(name)
    return label


class ElidedLabel(QLabel):
    """One line that elides with '…' and shows the whole text in its tooltip."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setObjectName(name)
        self.setAccessibleName(name)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_full_text(self, text: str) -> None:
        self._full = text
        self.setToolTip(plain_tooltip(text) if text else "")
        self.setAccessibleDescription(text)
        self._elide()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(10, self.width())
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, width))


def _readable_on(colour: str) -> str:
    c = QColor(colour)
    return (
        "#111111" if (0.299 * c.red() + 0.587 * c.green() + 0.114 * c.blue()) > 150 else "#ffffff"
    )


class MoodBar(QWidget):
    """One button per catalog mood, in its colour, with how many of its songs you have."""

    mood_clicked = Signal(str)
    order_changed = Signal(str)

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        group = QButtonGroup(self)
        group.setExclusive(True)
        for n, mood in enumerate(catalog.moods, 1):
            b = QPushButton(mood.label)
            b.setObjectName(f"mood-{mood.id}")
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            b.setMinimumHeight(40)
            b.setMinimumWidth(70)  # narrow screens squeeze the buttons rather than the window
            b.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            fg = _readable_on(mood.colour)
            b.setStyleSheet(
                f"QPushButton {{ background: {mood.colour}; color: {fg}; border-radius: 8px;"
                f" padding: 6px 14px; font-weight: 600; border: 2px solid transparent; }}"
                f"QPushButton:checked {{ border: 2px solid palette(highlight); }}"
                f"QPushButton:disabled {{ background: #77777755; color: #88888888; }}"
            )
            b.setProperty("shortcut_number", n)
            b.clicked.connect(lambda _=False, m=mood.id: self.mood_clicked.emit(m))
            group.addButton(b)
            self.buttons[mood.id] = b
            row.addWidget(b, 1)
        self._moods = {m.id: m for m in catalog.moods}
        self.order = QComboBox()
        self.order.setObjectName("order")
        self.order.setAccessibleName("Order")
        self.order.addItem("Shuffle", "shuffle")
        self.order.addItem("Lift me up (arc)", "arc")
        self.order.setToolTip("Shuffle, or start deep in the mood and end on comfort songs")
        self.order.currentIndexChanged.connect(
            lambda _i: self.order_changed.emit(self.order.currentData())
        )
        row.addWidget(self.order)

    def set_counts(self, counts: dict[str, int], playable: bool, why_not: str) -> None:
        for mood_id, b in self.buttons.items():
            mood: Mood = self._moods[mood_id]
            n = counts.get(mood_id, 0)
            b.setText(f"{mood.label}  {n}")
            key = b.property("shortcut_number")
            hint = f" (key {key})" if key and key <= 9 else ""
            b.setAccessibleName(f"{mood.label}: {n} songs in your library")
            if n == 0:
                b.setEnabled(False)
                b.setToolTip(
                    f"No {mood.label.lower()} songs in your library yet: add a folder with some."
                )
            elif not playable:
                b.setEnabled(False)
                b.setToolTip(why_not)
            else:
                b.setEnabled(True)
                b.setToolTip(f"{mood.description} {n} song{'s' * (n != 1)} in your library.{hint}")

    def set_order(self, order: str) -> None:
        i = self.order.findData(order)
        if i >= 0:
            self.order.setCurrentIndex(i)

    def check(self, mood_id: str | None) -> None:
        b = self.buttons.get(mood_id or "")
        if b:
            b.setChecked(True)


class Transport(QWidget):
    """Play/pause, previous, next, seek with times, volume, repeat."""

    play_clicked = Signal()
    next_clicked = Signal()
    previous_clicked = Signal()
    seek_requested = Signal(int)
    volume_changed = Signal(int)
    repeat_changed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        row = QHBoxLayout(self)
        st = self.style()
        self.previous = self._button(
            "previous",
            "Previous (Ctrl+Left)",
            st.standardIcon(QStyle.StandardPixmap.SP_MediaSkipBackward),
        )
        self.play = self._button(
            "play", "Play or pause (Space)", st.standardIcon(QStyle.StandardPixmap.SP_MediaPlay)
        )
        self.next = self._button(
            "next", "Next (Ctrl+Right)", st.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward)
        )
        self._icons = (
            st.standardIcon(QStyle.StandardPixmap.SP_MediaPlay),
            st.standardIcon(QStyle.StandardPixmap.SP_MediaPause),
        )
        self.previous.clicked.connect(self.previous_clicked)
        self.play.clicked.connect(self.play_clicked)
        self.next.clicked.connect(self.next_clicked)
        self.elapsed = plain_label("0:00", "elapsed")
        self.total = plain_label("0:00", "total")
        self.seek = QSlider(Qt.Orientation.Horizontal)
        self.seek.setObjectName("seek")
        self.seek.setAccessibleName("Position")
        self.seek.setRange(0, 0)
        self.seek.sliderReleased.connect(lambda: self.seek_requested.emit(self.seek.value()))
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setObjectName("volume")
        self.volume.setAccessibleName("Volume")
        self.volume.setRange(0, 100)
        self.volume.setValue(80)
        self.volume.setMaximumWidth(120)
        self.volume.valueChanged.connect(self.volume_changed)
        self.repeat = QToolButton()
        self.repeat.setObjectName("repeat")
        self.repeat.setAccessibleName("Repeat")
        self.repeat.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.repeat.clicked.connect(self._cycle_repeat)
        self._repeat = RepeatMode.OFF
        self.set_repeat(RepeatMode.OFF)
        for w in (self.previous, self.play, self.next, self.elapsed):
            row.addWidget(w)
        row.addWidget(self.seek, 1)
        row.addWidget(self.total)
        row.addWidget(self.repeat)
        vol = plain_label("Volume", "volume-label")
        row.addWidget(vol)
        row.addWidget(self.volume)

    def _button(self, name: str, tip: str, icon) -> QToolButton:
        b = QToolButton()
        b.setObjectName(name)
        b.setAccessibleName(name.capitalize())
        b.setToolTip(tip)
        b.setIcon(icon)
        b.setIconSize(QSize(28, 28))
        b.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return b

    def _cycle_repeat(self) -> None:
        mode = self._repeat.following()
        self.set_repeat(mode)
        self.repeat_changed.emit(mode)

    def set_repeat(self, mode: RepeatMode) -> None:
        self._repeat = RepeatMode(mode)
        self.repeat.setText(f"Repeat: {self._repeat.value}")

    def set_playing(self, playing: bool) -> None:
        self.play.setIcon(self._icons[1] if playing else self._icons[0])
        self.play.setAccessibleDescription("playing" if playing else "paused or stopped")

    def set_position(self, pos_ms: int, dur_ms: int) -> None:
        if not self.seek.isSliderDown():
            self.seek.setRange(0, max(0, dur_ms))
            self.seek.setValue(pos_ms)
        self.elapsed.setText(fmt_time(pos_ms / 1000))
        self.total.setText(fmt_time(dur_ms / 1000))

    def set_enabled_reason(self, enabled: bool, reason: str) -> None:
        for w in (self.previous, self.play, self.next, self.seek):
            w.setEnabled(enabled)
            if not enabled:
                w.setToolTip(reason)


def placeholder_pixmap(svg_path: str, size: QSize) -> QPixmap:
    pm = QPixmap(size)
    pm.fill(Qt.GlobalColor.transparent)
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(svg_path)
    painter = QPainter(pm)
    renderer.render(painter)
    painter.end()
    return pm
