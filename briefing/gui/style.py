"""The app's style: the platform's own, with check boxes whose box stands out in light and dark palettes."""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOption, QWidget

_CHECKS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck)


def outline_color(palette: QPalette) -> QColor:
    """Text colour 65 % of the way from the background: at least 3:1 against it (WCAG's contrast for a
    control's outline) in light and dark palettes alike. Fusion outlines a box in the window colour
    darkened, which on a dark background is about 1.1:1: an empty box all but vanished."""
    text, base = palette.color(QPalette.ColorRole.Text), palette.color(QPalette.ColorRole.Base)
    mix = 0.65
    return QColor.fromRgbF(
        base.redF() + (text.redF() - base.redF()) * mix,
        base.greenF() + (text.greenF() - base.greenF()) * mix,
        base.blueF() + (text.blueF() - base.blueF()) * mix,
    )


class BriefingStyle(QProxyStyle):
    """Draws every check box (in forms, lists and trees) as the base style does, then outlines its box."""

    def drawPrimitive(  # Qt override
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in _CHECKS or not option.state & QStyle.StateFlag.State_Enabled:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        # The view's own palette, not the item's: an item's foreground (a dimmed, left-out finding)
        # replaces the option's text colour, and would dim its box with it.
        palette = widget.palette() if widget is not None else option.palette
        painter.setPen(QPen(outline_color(palette), 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        box = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.drawRoundedRect(box, 2.0, 2.0)
        painter.restore()


def install_style(app: QApplication) -> None:
    """Wraps the application's style (once) in BriefingStyle."""
    if not isinstance(app.style(), BriefingStyle):
        app.setStyle(BriefingStyle(app.style().name()))
