"""Small shared widgets: inline field errors, section headings, a placeholder for empty panes, and the
helpers that make a form reachable by keyboard and screen reader."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QKeyEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFrame,
    QLabel,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

# What a date field accepts (see briefing.domain.validate.parse_date), shown as its placeholder.
DATE_HINT = "2026-03-05, 2026-03, March 2026 or 2026"


def is_dark(widget: QWidget | None = None) -> bool:
    palette = widget.palette() if widget is not None else QPalette()
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def error_color(widget: QWidget | None = None) -> QColor:
    return QColor("#ff7b72") if is_dark(widget) else QColor("#c62828")


class ErrorLabel(QLabel):
    """The service's message for one field, shown right under it; hidden while there is none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self._restyling = False
        self._restyle()
        self.hide()

    # ---- Public API
    def show_messages(self, messages: list[str]) -> None:
        if not messages:
            self.clear_error()
            return
        self.setText("\n".join(f"⚠ {m}" for m in messages))
        self.show()

    def clear_error(self) -> None:
        self.clear()
        self.hide()

    # ---- Qt overrides
    def changeEvent(self, event) -> None:
        if event.type() in (event.Type.PaletteChange, event.Type.ApplicationPaletteChange):
            self._restyle()
        super().changeEvent(event)

    def _restyle(self) -> None:
        # Setting the style sheet sends another palette change; the guard stops that echo.
        if self._restyling:
            return
        self._restyling = True
        try:
            self.setStyleSheet(f"color: {error_color(self.parentWidget()).name()};")
        finally:
            self._restyling = False


class Heading(QLabel):
    """A bold section title inside a panel or form."""

    def __init__(self, text: str, parent: QWidget | None = None, *, scale: float = 1.0) -> None:
        super().__init__(text, parent)
        font = QFont(self.font())
        font.setBold(True)
        if scale != 1.0:
            font.setPointSizeF(font.pointSizeF() * scale)
        self.setFont(font)


class MutedLabel(QLabel):
    """Secondary text: the palette's placeholder colour, so it reads as a hint in light and dark."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setWordWrap(True)
        self.setForegroundRole(QPalette.ColorRole.PlaceholderText)


class EmptyState(QWidget):
    """Centred title and hint shown where a pane has nothing to show yet."""

    def __init__(self, title: str, hint: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        self._title = Heading(title, self, scale=1.3)
        self._title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._hint = MutedLabel(hint, self)
        self._hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self._title)
        layout.addWidget(self._hint)
        layout.addStretch(2)

    def set_text(self, title: str, hint: str = "") -> None:
        self._title.setText(title)
        self._hint.setText(hint)


def hline(parent: QWidget | None = None) -> QFrame:
    line = QFrame(parent)
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


def with_error(field: QWidget, error: ErrorLabel) -> QWidget:
    """A form field with its validation message directly beneath it."""
    box = QWidget(field.parentWidget())
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(2)
    layout.addWidget(field)
    layout.addWidget(error)
    return box


def plain(label: str) -> str:
    """A label's text as read aloud: without the mnemonic's "&" (a doubled "&&" is a literal "&")."""
    return label.replace("&&", "\0").replace("&", "").replace("\0", "&")


def named(widget: QWidget, name: str, description: str = "") -> QWidget:
    """Gives `widget` the name (and description) a screen reader announces; returns it."""
    widget.setAccessibleName(name)
    if description:
        widget.setAccessibleDescription(description)
    return widget


def buddy_label(text: str, field: QWidget, parent: QWidget | None = None) -> QLabel:
    """A label whose mnemonic (Alt+letter) focuses `field` itself, never a wrapper around it, and
    whose text is `field`'s accessible name, so a screen reader says what the eye reads."""
    label = QLabel(text, parent or field.parentWidget())
    label.setBuddy(field)
    named(field, plain(text))
    return label


class _CtrlTabLeaves(QObject):
    """Ctrl+Tab (Ctrl+Shift+Tab) moves on from a view as Tab (Shift+Tab) does, the way Qt's text
    editors let Ctrl+Tab out; a view otherwise swallows it."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            modifiers = event.modifiers() & ~Qt.KeyboardModifier.ControlModifier
            QApplication.sendEvent(watched, QKeyEvent(QEvent.Type.KeyPress, event.key(), modifiers))
            return True
        return super().eventFilter(watched, event)


def one_tab_stop(view: QAbstractItemView) -> None:
    """A table is one Tab stop: Tab and Ctrl+Tab leave it (a table walked cell by cell and never
    left, ~700 cells); the arrows move inside it."""
    view.setTabKeyNavigation(False)
    ctrl_tab = _CtrlTabLeaves(view)
    view.installEventFilter(ctrl_tab)


class TitleDelegate(QStyledItemDelegate):
    """Paints a long title with its middle left out ("China’s daily AI … in March 2026"): titles in
    one section often begin alike, so the end tells them apart, and eliding at the right hid it.
    The tooltip holds the whole title."""

    def initStyleOption(self, option: QStyleOptionViewItem,
                        index: QModelIndex | QPersistentModelIndex) -> None:  # Qt override
        super().initStyleOption(option, index)
        widget = option.widget
        if not option.text or widget is None or option.rect.width() <= 0:
            return
        style = widget.style()
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        option.text = option.fontMetrics.elidedText(
            option.text, Qt.TextElideMode.ElideMiddle, max(0, rect.width() - 2 * margin)
        )
        option.textElideMode = Qt.TextElideMode.ElideMiddle
