"""Line icons from assets/icons, tinted with the current palette so they follow light and dark themes."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRectF, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from briefing.paths import ASSETS

ICON_DIR = ASSETS / "icons"
APP_ICON = ICON_DIR / "briefing.svg"
_SIZES = (16, 20, 24, 32, 48)


def icon(name: str, color: QColor | None = None) -> QIcon:
    """The named icon drawn in `color` (default: the palette's button text), with a disabled state."""
    palette = QGuiApplication.palette()
    normal = color or palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.ButtonText)
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText)
    return _tinted(
        name, normal.name(QColor.NameFormat.HexArgb), disabled.name(QColor.NameFormat.HexArgb)
    )


def app_icon() -> QIcon:
    return QIcon(str(APP_ICON))


@lru_cache(maxsize=256)
def _tinted(name: str, normal: str, disabled: str) -> QIcon:
    path = ICON_DIR / f"{name}.svg"
    if not path.is_file():
        return QIcon()
    svg = path.read_text(encoding="utf-8")
    out = QIcon()
    for mode, tint in ((QIcon.Mode.Normal, normal), (QIcon.Mode.Disabled, disabled)):
        # Qt's SVG renderer ignores currentColor, so the colour is written into the markup.
        renderer = QSvgRenderer(QByteArray(svg.replace("currentColor", "#" + tint[3:]).encode()))
        alpha = int(tint[1:3], 16) / 255
        for size in _SIZES:
            for ratio in (1, 2):
                px = QPixmap(size * ratio, size * ratio)
                px.setDevicePixelRatio(ratio)
                px.fill(Qt.GlobalColor.transparent)
                painter = QPainter(px)
                painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                painter.setOpacity(alpha)
                renderer.render(painter, QRectF(0, 0, size, size))
                painter.end()
                out.addPixmap(px, mode)
    return out
