"""Briefing's main window, built as run_gui builds it; prints time from launch to first paint and heavy imports."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time

from PySide6.QtCore import QEvent, QObject, QSettings
from PySide6.QtWidgets import QApplication

HEAVY = ("matplotlib", "reportlab", "docx", "pptx", "sqlalchemy", "pypdf")


class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and not getattr(self, "done", False):
            self.done = True
            start = float(os.environ["BENCH_T0"])
            heavy = [m for m in HEAVY if m in sys.modules]
            print(json.dumps({"first_paint_s": time.time() - start, "heavy_modules": heavy}), flush=True)
            QApplication.instance().quit()
        return False


def main() -> None:
    from briefing.gui.app import create_application
    from briefing.gui.main_window import MainWindow
    from briefing.gui.settings import Settings

    app = create_application()
    ini = os.path.join(tempfile.mkdtemp(), "settings.ini")
    window = MainWindow(Settings(QSettings(ini, QSettings.Format.IniFormat)))
    spy = FirstPaint()
    window.installEventFilter(spy)
    window.show()
    app.exec()


if __name__ == "__main__":
    main()
