"""The modal dialogs of briefing.gui.dialogs, answered by a timer that finds the active modal widget."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

# Bound at import, before the autouse `script` fixture scripts the module's dialogs.
from briefing.gui.dialogs import ask_export_done


def test_the_export_finished_box_offers_open_folder_and_close(qtbot: QtBot) -> None:
    seen: list[list[str]] = []

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):  # not shown yet: look again shortly
            QTimer.singleShot(20, answer)
            return
        seen.append(sorted(b.text().replace("&", "") for b in box.buttons()))
        close = box.button(QMessageBox.StandardButton.Close)
        assert close is not None
        close.click()

    QTimer.singleShot(0, answer)
    assert ask_export_done(None, "/tmp/briefing.pdf", "Saved briefing.pdf") == ""
    assert seen == [["Close", "Open", "Show in Folder"]]
