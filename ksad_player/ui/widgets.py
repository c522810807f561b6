"""Dumb widgets: they show what they are given and emit what the user wants."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QIcon,
    QMouseEvent,
    QPainter,
    QPalette,
    QPixmap,
    QResizeEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QStyle,
    QTableWidget,
    QTableWidgetItem,
    QToolButton,
    QVBoxLayout,
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
    """One button per catalog mood, in its colour, with how many of its songs you have.

    The buttons keep their whole label and count: when the window is too narrow for one
    row they wrap onto more rows instead of being squeezed."""

    mood_clicked = Signal(str)
    order_changed = Signal(str)

    def __init__(self, catalog: Catalog) -> None:
        super().__init__()
        self.buttons: dict[str, QPushButton] = {}
        self.setObjectName("mood-bar")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.grid = QGridLayout()
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(6)
        outer.addLayout(self.grid, 1)
        self.group = group = QButtonGroup(self)
        group.setExclusive(True)
        for n, mood in enumerate(catalog.moods, 1):
            b = QPushButton(mood.label)
            b.setObjectName(f"mood-{mood.id}")
            b.setCheckable(True)
            b.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            b.setMinimumHeight(40)
            b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            fg = _readable_on(mood.colour)
            b.setStyleSheet(
                f"QPushButton {{ background: {mood.colour}; color: {fg}; border-radius: 8px;"
                f" padding: 6px 10px; font-weight: 600; border: 2px solid transparent; }}"
                # palette(text): dark on the light palette, light on the dark one, so the
                # chosen mood stands out on every mood colour (highlight matched one).
                f"QPushButton:checked {{ border: 3px solid palette(text); }}"
                f"QPushButton:focus {{ border: 2px dashed {fg}; }}"
                f"QPushButton:disabled {{ background: #77777755; color: #88888888; }}"
            )
            b.setProperty("shortcut_number", n)
            b.clicked.connect(lambda _=False, m=mood.id: self.mood_clicked.emit(m))
            group.addButton(b)
            self.buttons[mood.id] = b
        self._moods = {m.id: m for m in catalog.moods}
        self._columns = 0
        self.order = QComboBox()
        self.order.setObjectName("order")
        self.order.setAccessibleName("Order")
        self.order.addItem("Shuffle", "shuffle")
        self.order.addItem("Lift me up (arc)", "arc")
        self.order.setToolTip("Shuffle, or start deep in the mood and end on comfort songs")
        self.order.currentIndexChanged.connect(
            lambda _i: self.order_changed.emit(self.order.currentData())
        )
        outer.addWidget(self.order, 0, Qt.AlignmentFlag.AlignTop)
        self._reflow(len(self.buttons))

    def button_width(self) -> int:
        """The widest button's natural width: label, count and padding never clipped."""
        return max((b.sizeHint().width() for b in self.buttons.values()), default=80)

    def _reflow(self, columns: int) -> None:
        columns = max(1, min(columns, len(self.buttons) or 1))
        if columns == self._columns:
            return
        self._columns = columns
        for b in self.buttons.values():
            self.grid.removeWidget(b)
        for n, b in enumerate(self.buttons.values()):
            self.grid.addWidget(b, n // columns, n % columns)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        room = self.width() - self.order.sizeHint().width() - 12
        self._reflow(room // (self.button_width() + self.grid.spacing()))

    @property
    def rows(self) -> int:
        return -(-len(self.buttons) // max(1, self._columns))

    def set_counts(self, counts: dict[str, int], playable: bool, why_not: str) -> None:
        for mood_id, b in self.buttons.items():
            mood: Mood = self._moods[mood_id]
            n = counts.get(mood_id, 0)
            b.setText(f"{mood.label}  {n}")
            b.setMinimumWidth(b.fontMetrics().horizontalAdvance(b.text()) + 28)
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
        self._columns = 0  # the widths changed: lay out again
        self.resizeEvent(QResizeEvent(self.size(), self.size()))

    def set_order(self, order: str) -> None:
        i = self.order.findData(order)
        if i >= 0:
            self.order.setCurrentIndex(i)

    def uncheck(self) -> None:
        """No mood is playing (a playlist is)."""
        self.group.setExclusive(False)
        for b in self.buttons.values():
            b.setChecked(False)
        self.group.setExclusive(True)

    def check(self, mood_id: str | None) -> None:
        b = self.buttons.get(mood_id or "")
        if b:
            b.setChecked(True)


class SeekSlider(QSlider):
    """A click on the groove jumps there (then drags on), instead of a page step."""

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.maximum() > self.minimum():
            value = QStyle.sliderValueFromPosition(
                self.minimum(), self.maximum(), int(event.position().x()), max(1, self.width())
            )
            self.setSliderPosition(value)
        super().mousePressEvent(event)


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
        self._base_icons = (
            st.standardIcon(QStyle.StandardPixmap.SP_MediaPlay),
            st.standardIcon(QStyle.StandardPixmap.SP_MediaPause),
        )
        self._icons = self._base_icons
        self._playing = False
        self.previous.clicked.connect(self.previous_clicked)
        self.play.clicked.connect(self.play_clicked)
        self.next.clicked.connect(self.next_clicked)
        self.elapsed = plain_label("0:00", "elapsed")
        self.total = plain_label("0:00", "total")
        self.seek = SeekSlider(Qt.Orientation.Horizontal)
        self.seek.setObjectName("seek")
        self.seek.setAccessibleName("Position")
        self.seek.setRange(0, 0)
        self.seek.setSingleStep(5000)
        self.seek.setPageStep(30000)
        self._setting = False
        self.seek.sliderReleased.connect(lambda: self.seek_requested.emit(self.seek.value()))
        self.seek.sliderMoved.connect(lambda v: self.elapsed.setText(fmt_time(v / 1000)))
        self.seek.valueChanged.connect(self._keyboard_seek)
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
        self.repeat.setFocusPolicy(Qt.FocusPolicy.TabFocus)
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
        self._tint_icons()

    def _tint_icons(self) -> None:
        """The standard media icons are drawn dark: redraw them in the palette's text
        colour so they read on the dark palette too."""
        pal = self.palette()
        colour = pal.color(QPalette.ColorRole.ButtonText)
        off = pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
        if off == colour:
            off = pal.color(QPalette.ColorRole.Mid)
        for b in (self.previous, self.play, self.next):
            b.setIcon(tinted(b.property("base_icon"), colour, off))
        self._icons = tuple(tinted(i, colour, off) for i in self._base_icons)  # type: ignore[assignment]
        self.set_playing(self._playing)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._tint_icons()

    def _button(self, name: str, tip: str, icon) -> QToolButton:
        b = QToolButton()
        b.setObjectName(name)
        b.setAccessibleName(name.capitalize())
        b.setToolTip(tip)
        b.setIcon(icon)
        b.setProperty("base_icon", icon)
        b.setIconSize(QSize(28, 28))
        b.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # Tab reaches it, Space presses it
        return b

    def _cycle_repeat(self) -> None:
        mode = self._repeat.following()
        self.set_repeat(mode)
        self.repeat_changed.emit(mode)

    def set_repeat(self, mode: RepeatMode) -> None:
        self._repeat = RepeatMode(mode)
        self.repeat.setText(f"Repeat: {self._repeat.value}")

    def set_playing(self, playing: bool) -> None:
        self._playing = playing
        self.play.setIcon(self._icons[1] if playing else self._icons[0])
        self.play.setAccessibleDescription("playing" if playing else "paused or stopped")

    def _keyboard_seek(self, value: int) -> None:
        """Arrow keys and Page Up/Down on the seek bar seek; our own updates do not."""
        if not self._setting and not self.seek.isSliderDown():
            self.elapsed.setText(fmt_time(value / 1000))
            self.seek_requested.emit(value)

    def set_position(self, pos_ms: int, dur_ms: int) -> None:
        if self.seek.isSliderDown():
            return  # the label follows the handle while dragging
        self._setting = True
        try:
            self.seek.setRange(0, max(0, dur_ms))
            self.seek.setValue(pos_ms)
        finally:
            self._setting = False
        self.elapsed.setText(fmt_time(pos_ms / 1000))
        self.total.setText(fmt_time(dur_ms / 1000))

    def set_enabled_reason(self, enabled: bool, reason: str) -> None:
        """Off (with the reason as tooltip) without libVLC or with nothing to play."""
        tips = ("Previous (Ctrl+Left)", "Play or pause (Space)", "Next (Ctrl+Right)", "")
        for w, tip in zip((self.previous, self.play, self.next, self.seek), tips, strict=True):
            w.setEnabled(enabled)
            w.setToolTip(tip if enabled else reason)


class ShortcutsDialog(QDialog):
    """Every key the window answers to, in two aligned columns (plain text)."""

    def __init__(self, rows: list[tuple[str, str]], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcuts-dialog")
        self.setWindowTitle("Keyboard shortcuts")
        self.rows = rows
        lay = QVBoxLayout(self)
        table = QTableWidget(len(rows), 2)
        table.setObjectName("shortcuts")
        table.setHorizontalHeaderLabels(["Key", "Does"])
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setTabKeyNavigation(False)
        for r, (key, what) in enumerate(rows):
            table.setItem(r, 0, QTableWidgetItem(key))
            table.setItem(r, 1, QTableWidgetItem(what))
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        table.horizontalHeader().setStretchLastSection(True)
        lay.addWidget(table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self.resize(520, 460)

    def text(self) -> str:
        return "\n".join(f"{k}  {t}" for k, t in self.rows)


def _filled(pm: QPixmap, colour: QColor) -> QPixmap:
    out = QPixmap(pm.size())
    out.setDevicePixelRatio(pm.devicePixelRatio())
    out.fill(Qt.GlobalColor.transparent)
    p = QPainter(out)
    p.drawPixmap(0, 0, pm)
    p.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceIn)
    p.fillRect(out.rect(), colour)
    p.end()
    return out


def tinted(icon: QIcon, colour: QColor, disabled: QColor, size: int = 28) -> QIcon:
    """The icon's shape filled with the text colour, and the disabled text colour when off."""
    pm = icon.pixmap(size, size)
    out = QIcon(_filled(pm, colour))
    out.addPixmap(_filled(pm, disabled), QIcon.Mode.Disabled)
    return out


def placeholder_pixmap(svg_path: str, size: QSize) -> QPixmap:
    pm = QPixmap(size)
    pm.fill(Qt.GlobalColor.transparent)
    from PySide6.QtSvg import QSvgRenderer

    renderer = QSvgRenderer(svg_path)
    painter = QPainter(pm)
    renderer.render(painter)
    painter.end()
    return pm
