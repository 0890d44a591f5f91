"""AspectBox: holds the chart preview at its export aspect ratio, centred in whatever space there is."""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget


class AspectBox(QWidget):
    """Centres one child at the largest size with the child's aspect ratio (the chart's preset)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._child: QWidget | None = None
        self._aspect = 16 / 9
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    # ---- Public API
    def set_child(self, child: QWidget | None, aspect: float) -> None:
        if self._child is not None and self._child is not child:
            self._child.hide()
            self._child.setParent(None)
            self._child.deleteLater()
        self._child = child
        self._aspect = aspect if aspect > 0 else 16 / 9
        if child is not None:
            child.setParent(self)
            self._place()
            child.show()

    def child(self) -> QWidget | None:
        return self._child

    # ---- Qt overrides
    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        if self._child is None:
            return
        w, h = self.width(), self.height()
        if w / max(1, h) > self._aspect:
            cw, ch = int(h * self._aspect), h
        else:
            cw, ch = w, int(w / self._aspect)
        self._child.setGeometry((w - cw) // 2, (h - ch) // 2, max(1, cw), max(1, ch))
