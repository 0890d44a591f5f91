"""ChartCanvas: FigureCanvasQTAgg that scales a chart to the widget instead of re-laying it out.

Imported only once a preview exists, so matplotlib's Qt backend never slows the start-up.
"""

from __future__ import annotations

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class ChartCanvas(FigureCanvasQTAgg):
    """Keeps the figure's size in inches (as exported) and changes its dpi to fit the widget,
    so the preview is the exported chart in miniature: same line breaks, same proportions."""

    def __init__(self, figure: Figure, parent: QWidget | None = None) -> None:
        self._inches = tuple(figure.get_size_inches())
        super().__init__(figure)
        self.setParent(parent)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 90)

    # ---- Public API
    def aspect(self) -> float:
        w, h = self._inches
        return w / h if h else 16 / 9

    # ---- Qt overrides
    def sizeHint(self) -> QSize:
        return QSize(640, int(640 / self.aspect()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        w_in, _ = self._inches
        ratio = self.device_pixel_ratio
        dpi = max(1, event.size().width()) * ratio / w_in
        # matplotlib re-derives dpi from _original_dpi on a screen change; keep both in step so
        # the base handler turns the widget's pixels back into the same inches. A private
        # attribute (so not in matplotlib's stubs); tests/test_library_privates.py guards it.
        self.figure._original_dpi = dpi / ratio  # type: ignore[attr-defined]
        self.figure.set_dpi(dpi)
        super().resizeEvent(event)
