"""Line icons from assets/icons, tinted with the current palette so they follow light and dark themes."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QByteArray, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from briefing.paths import ASSETS

ICON_DIR = ASSETS / "icons"
APP_ICON = ICON_DIR / "briefing.svg"


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
    return QIcon(_TintedSvgEngine(path.read_text(encoding="utf-8"), normal, disabled))


class _TintedSvgEngine(QIconEngine):
    """Draws the SVG at whatever size and mode Qt asks for, when it asks: nothing is pre-rendered,
    so building the window's icons costs no start-up time."""

    def __init__(self, svg: str, normal: str, disabled: str) -> None:
        super().__init__()
        self._svg = svg
        self._tints = {QIcon.Mode.Normal: normal, QIcon.Mode.Disabled: disabled}
        self._renderers: dict[str, QSvgRenderer] = {}
        self._pixmaps: dict[tuple[int, int, QIcon.Mode], QPixmap] = {}

    # ---- Qt overrides
    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        tint = self._tint(mode)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setOpacity(int(tint[1:3], 16) / 255)
        self._renderer(tint).render(painter, QRectF(rect))
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        return self.scaledPixmap(size, mode, state, 1.0)

    def scaledPixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State, scale: float) -> QPixmap:
        w, h = max(1, round(size.width() * scale)), max(1, round(size.height() * scale))
        key = (w, h, mode)
        px = self._pixmaps.get(key)
        if px is None:
            px = QPixmap(w, h)
            px.fill(Qt.GlobalColor.transparent)
            painter = QPainter(px)
            self.paint(painter, QRect(0, 0, w, h), mode, state)
            painter.end()
            self._pixmaps[key] = px
        out = QPixmap(px)
        out.setDevicePixelRatio(scale)
        return out

    def clone(self) -> QIconEngine:
        return _TintedSvgEngine(self._svg, self._tints[QIcon.Mode.Normal], self._tints[QIcon.Mode.Disabled])

    # ---- Private
    def _tint(self, mode: QIcon.Mode) -> str:
        return self._tints.get(mode, self._tints[QIcon.Mode.Normal])

    def _renderer(self, tint: str) -> QSvgRenderer:
        renderer = self._renderers.get(tint)
        if renderer is None:
            # Qt's SVG renderer ignores currentColor, so the colour is written into the markup.
            renderer = QSvgRenderer(QByteArray(self._svg.replace("currentColor", "#" + tint[3:]).encode()))
            self._renderers[tint] = renderer
        return renderer
