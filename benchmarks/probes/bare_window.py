"""Baseline: a bare PySide6 window with a 1000-row table over a custom model; prints time to first paint."""

from __future__ import annotations

import json
import os
import sys
import time

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, Qt
from PySide6.QtWidgets import QApplication, QMainWindow, QTableView


class Model(QAbstractTableModel):
    def rowCount(self, parent=QModelIndex()):  # noqa: B008
        return 0 if parent.isValid() else 1000

    def columnCount(self, parent=QModelIndex()):  # noqa: B008
        return 0 if parent.isValid() else 6

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{index.row()},{index.column()}"
        return None


class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            start = float(os.environ["BENCH_T0"])
            print(json.dumps({"first_paint_s": time.time() - start}), flush=True)
            QApplication.instance().quit()
        return False


def main() -> None:
    app = QApplication(sys.argv)
    win = QMainWindow()
    view = QTableView()
    view.setModel(Model(view))
    win.setCentralWidget(view)
    win.resize(1440, 900)
    spy = FirstPaint()
    view.viewport().installEventFilter(spy)
    win.show()
    app.exec()


if __name__ == "__main__":
    main()
