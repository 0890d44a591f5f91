"""Every modal question the app asks, in one facade that tests replace with monkeypatch.

Panels never call QMessageBox or QFileDialog directly: a test patches these functions and the
code under test runs without a modal loop that nobody would answer.
"""

from __future__ import annotations

import enum
from collections.abc import Callable

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget


class Choice(enum.Enum):
    SAVE = "save"
    DISCARD = "discard"
    CANCEL = "cancel"


def ask_unsaved(parent: QWidget | None, what: str) -> Choice:
    """Save, discard or stay when leaving an edited form."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Unsaved changes")
    box.setText(f"Save your changes to {what}?")
    box.setInformativeText("Your edits will be lost if you don't save them.")
    box.setStandardButtons(
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel
    )
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    answer = box.exec()
    if answer == QMessageBox.StandardButton.Save:
        return Choice.SAVE
    if answer == QMessageBox.StandardButton.Discard:
        return Choice.DISCARD
    return Choice.CANCEL


def confirm(
    parent: QWidget | None, title: str, text: str, *, ok_text: str = "OK", destructive: bool = False
) -> bool:
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning if destructive else QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(text)
    ok = box.addButton(
        ok_text,
        QMessageBox.ButtonRole.DestructiveRole
        if destructive
        else QMessageBox.ButtonRole.AcceptRole,
    )
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel if destructive else ok)
    box.exec()
    return box.clickedButton() is ok


def ask_reload_after_conflict(parent: QWidget | None, what: str, detail: str) -> bool:
    """Someone else saved the record first: reload theirs (True) or keep editing ours (False)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Changed elsewhere")
    box.setText(f"{what} was changed by someone else while you were editing it.")
    box.setInformativeText(
        "Nothing was overwritten. Reload to see their version (your edits are discarded), "
        "or keep editing and copy what you need first."
    )
    box.setDetailedText(detail)
    reload = box.addButton("Reload", QMessageBox.ButtonRole.AcceptRole)
    box.addButton("Keep Editing", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(reload)
    box.exec()
    return box.clickedButton() is reload


def show_error(parent: QWidget | None, title: str, summary: str, details: str = "") -> None:
    """An error with a one-line summary and the full details (traceback) one click away."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle(title)
    box.setText(summary)
    if details:
        box.setDetailedText(details)
    box.exec()


def show_info(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def ask_export_done(parent: QWidget | None, path: str, summary: str) -> str:
    """After an export: "open", "folder" or "" (close)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("Export finished")
    box.setText(summary)
    box.setInformativeText(path)
    open_button = box.addButton("Open", QMessageBox.ButtonRole.AcceptRole)
    folder_button = box.addButton("Show in Folder", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)  # the QDialogButtonBox form raises TypeError in 6.11
    box.setDefaultButton(open_button)
    box.exec()
    clicked = box.clickedButton()
    if clicked is open_button:
        return "open"
    if clicked is folder_button:
        return "folder"
    return ""


def save_file(parent: QWidget | None, title: str, start: str, filters: str) -> str:
    """A path to write, or "" when cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, title, start, filters)
    return path


def choose_folder(parent: QWidget | None, title: str, start: str) -> str:
    """An existing folder, or "" when cancelled."""
    return QFileDialog.getExistingDirectory(parent, title, start)


def open_url(url: str) -> bool:
    """Hand a web address or file URL to the desktop (browser, PDF viewer, Word)."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl(url))


def open_path(path: str) -> bool:
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices

    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def show_in_folder(path: str) -> bool:
    """Open the folder holding `path` in the file manager."""
    from pathlib import Path

    return open_path(str(Path(path).parent))


def confirm_leave(form: QWidget, *, dirty: bool, what: str, discard: Callable[[], None],
                  save: Callable[[], None]) -> bool:
    """The editors' "unsaved changes" rule: True if `form` may be left now. Otherwise asks; Discard
    reverts and allows leaving, Save starts a save (the caller leaves once it lands), Cancel stays."""
    if not dirty:
        return True
    choice = ask_unsaved(form.window(), what)
    if choice is Choice.DISCARD:
        discard()
        return True
    if choice is Choice.SAVE:
        save()
    return False
