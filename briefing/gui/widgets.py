"""Small shared widgets: inline field errors, section headings, a placeholder for empty panes."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget


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
