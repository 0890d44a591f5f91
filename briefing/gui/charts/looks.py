"""The chart form's colour per series (a swatch button on each series row, the report's palette
offered first) and its axis range fields (blank is automatic)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidgetItem,
    QMenu,
    QToolButton,
    QWidget,
)

from briefing.domain.colours import MARK_CONTRAST, PAGE, contrast
from briefing.gui import dialogs
from briefing.gui.widgets import named

AUTOMATIC = ""
COLOUR_ROLE = Qt.ItemDataRole.UserRole + 7


def swatch(colour: str, size: int = 14) -> QIcon:
    pix = QPixmap(size, size)
    pix.fill(QColor(colour) if colour else QColor(0, 0, 0, 0))
    return QIcon(pix)


def mark_colours(palette: Sequence[str]) -> list[str]:
    """The palette's colours a chart mark can use: those that reach 3:1 on the white page (the
    house palette's yellow does not), as the spec's validation asks."""
    return [c.upper() for c in palette if contrast(c, PAGE) >= MARK_CONTRAST]


class ColourButton(QToolButton):
    """The current series' colour: a swatch; its menu offers Automatic, the report's palette, then
    any colour. One button follows the series list's current row (an index widget per row would
    take the row's clicks, so its check box could no longer be ticked)."""

    # ---- Signals
    sig_changed = Signal(str)
    """The series' colour changed ("" is automatic)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colour = AUTOMATIC
        self._name = "the series"
        self.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.setMenu(QMenu(self))
        self.set_palette(())

    # ---- Public API
    def set_palette(self, palette: Sequence[str]) -> None:
        menu = self.menu()
        menu.clear()
        menu.addAction("Automatic", lambda: self.set_colour(AUTOMATIC, emit=True))
        menu.addSeparator()
        for c in mark_colours(palette):
            menu.addAction(swatch(c), c, lambda c=c: self.set_colour(c, emit=True))
        menu.addSeparator()
        menu.addAction("Other Colour…", self._other)

    def set_target(self, name: str, colour: str) -> None:
        """Show (and from now on change) this series' colour."""
        self._name = name
        self._colour = colour.upper()
        self._show()

    def colour(self) -> str:
        return self._colour

    def set_colour(self, colour: str, *, emit: bool = False) -> None:
        colour = colour.upper()
        if colour == self._colour:
            return
        self._colour = colour
        self._show()
        if emit:
            self.sig_changed.emit(colour)

    # ---- Internals
    def _show(self) -> None:
        self.setIcon(swatch(self._colour) if self._colour else QIcon())
        self.setText(f"Colour: {self._colour or 'Automatic'}")
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        shown = self._colour or "automatic"
        named(self, f"Colour of {self._name}", f"now {shown}")
        self.setToolTip(f"Colour of {self._name}: {shown}")

    def _other(self) -> None:
        picked = dialogs.choose_colour(self, f"Colour of {self._name}", self._colour or "#0072B2")
        if picked:
            # Too light a colour is kept here and refused on Save, by name, under the form.
            self.set_colour(picked, emit=True)


def show_colour(item: QListWidgetItem, colour: str) -> None:
    """A series row shows its colour as a swatch before its name (none while automatic)."""
    item.setData(COLOUR_ROLE, colour)
    item.setIcon(swatch(colour) if colour else QIcon())


def item_colour(item: QListWidgetItem) -> str:
    return str(item.data(COLOUR_ROLE) or "")


def axis_edit(placeholder: str, parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setPlaceholderText(placeholder)
    edit.setMaximumWidth(140)
    return edit


def axis_value(text: str) -> float | int | None:
    """The number typed in an axis field, None when blank; ValueError for anything else."""
    cleaned = text.strip().replace(",", "").replace("\u202f", "").replace(" ", "")
    if not cleaned:
        return None
    value = float(cleaned)
    if value != value or value in (float("inf"), float("-inf")):
        raise ValueError(text)
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


def axis_text(value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return ""
    return f"{value:g}" if isinstance(value, float) else str(value)
