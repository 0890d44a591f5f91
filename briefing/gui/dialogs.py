"""Every modal question the app asks, and the one door to the desktop (open a file, a folder, a link).

Panels never call QMessageBox, QFileDialog or QDesktopServices directly. Tests answer these real
dialogs from a timer that finds `QApplication.activeModalWidget()`; the only thing they replace is
the desktop opener (`set_opener`), so a test can see which URL would have been opened.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHeaderView,
    QInputDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

Opener = Callable[[QUrl], bool]
_opener: Opener = QDesktopServices.openUrl


def set_opener(opener: Opener | None) -> Opener:
    """Route every open (file, folder, link) through `opener`; None restores the desktop's.
    Returns the previous opener. Tests use it to see what would open without a browser or viewer."""
    global _opener
    previous = _opener
    _opener = opener if opener is not None else QDesktopServices.openUrl
    return previous


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


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """One line of text (a name); None when the user cancels."""
    dialog = QInputDialog(parent)
    dialog.setWindowTitle(title)
    dialog.setLabelText(label)
    dialog.setTextValue(text)
    dialog.setOkButtonText("OK")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.textValue()


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


class Resolution(enum.Enum):
    """How to settle a save that met a newer version."""

    KEEP_MINE = "mine"
    TAKE_THEIRS = "theirs"
    SAVE_COPY = "copy"
    CANCEL = "cancel"


@dataclass(frozen=True)
class FieldPair:
    """One row of a side-by-side comparison: a field as the user has it and as it is saved."""

    label: str
    mine: str
    theirs: str

    @property
    def differs(self) -> bool:
        return self.mine != self.theirs


class ConflictDialog(QDialog):
    """Both versions of a record side by side, field by field, differing rows highlighted."""

    def __init__(
        self, parent: QWidget | None, what: str, pairs: Sequence[FieldPair], theirs_label: str
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle("Changed elsewhere")
        self.setModal(True)
        self.resolution = Resolution.CANCEL
        differing = [p.label for p in pairs if p.differs]
        heading = QLabel(f"{what} was changed by someone else while you were editing it.", self)
        heading.setWordWrap(True)
        font = heading.font()
        font.setBold(True)
        heading.setFont(font)
        if differing:
            n = len(differing)
            lead = f"{n} field{'s' if n != 1 else ''} differ{'' if n != 1 else 's'}: {', '.join(differing)}. "
        else:
            lead = "Both versions hold the same values. "
        summary = QLabel(lead + "Nothing has been overwritten yet; pick which version to keep.", self)
        summary.setObjectName("conflictSummary")
        summary.setWordWrap(True)
        self.table = QTableWidget(len(pairs), 3, self)
        self.table.setObjectName("conflictTable")
        self.table.setHorizontalHeaderLabels(["Field", "Yours (unsaved)", theirs_label])
        self.table.verticalHeader().hide()
        # Rows follow their wrapped text as the columns resize (a long statement beside a short one).
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setWordWrap(True)
        self.table.setTabKeyNavigation(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        highlight.setAlpha(60)
        bold = QFont(self.font())
        bold.setBold(True)
        for row, pair in enumerate(pairs):
            cells = (pair.label, pair.mine, pair.theirs)
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                item.setTextAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
                if pair.differs:
                    item.setBackground(QBrush(highlight))
                    item.setFont(bold)
                    item.setData(Qt.ItemDataRole.AccessibleDescriptionRole, "differs")
                self.table.setItem(row, col, item)
        self.table.setAccessibleName("Your version and theirs, field by field")

        buttons = QDialogButtonBox(self)
        self.keep_mine = self._button(buttons, "Keep &Mine", "keepMine", Resolution.KEEP_MINE,
                                      "Save your version over theirs (one undo step brings theirs back)")
        self.take_theirs = self._button(buttons, "Take &Theirs", "takeTheirs", Resolution.TAKE_THEIRS,
                                        "Show their version; your edits stay one click away")
        self.save_copy = self._button(buttons, "Save Mine as a &Copy", "saveCopy", Resolution.SAVE_COPY,
                                      "Keep theirs and save yours as a new finding")
        cancel = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setToolTip("Keep editing; nothing is saved")
        buttons.rejected.connect(self.reject)
        self.keep_mine.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(buttons)
        self.resize(860, 520)

    def differing_rows(self) -> list[str]:
        """Labels of the highlighted rows, as the user sees them."""
        return [
            item.text()
            for r in range(self.table.rowCount())
            if (item := self.table.item(r, 0)) is not None
            and item.data(Qt.ItemDataRole.AccessibleDescriptionRole) == "differs"
        ]

    def _button(self, box: QDialogButtonBox, text: str, name: str, resolution: Resolution,
                tip: str) -> QPushButton:
        button = box.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        button.setObjectName(name)
        button.setToolTip(tip)
        button.clicked.connect(lambda: self._choose(resolution))
        return button

    def _choose(self, resolution: Resolution) -> None:
        self.resolution = resolution
        self.accept()


def resolve_conflict(
    parent: QWidget | None, what: str, pairs: Sequence[FieldPair], theirs_label: str
) -> Resolution:
    """A save met a newer version: keep mine, take theirs, save mine as a copy, or cancel."""
    dialog = ConflictDialog(parent, what, pairs, theirs_label)
    try:
        dialog.exec()
        return dialog.resolution
    finally:
        dialog.deleteLater()


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
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    box.exec()


def ask_export_done(parent: QWidget | None, path: str, summary: str) -> str:
    """After an export: "open", "folder" or "" (close)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("Export finished")
    box.setText(summary)
    box.setInformativeText(path)
    open_button = box.addButton("Open", QMessageBox.ButtonRole.AcceptRole)
    folder_button = box.addButton("Show in Folder", QMessageBox.ButtonRole.ActionRole)
    # QMessageBox's own enum: PySide6 6.11 refuses QDialogButtonBox.StandardButton here (TypeError).
    box.addButton(QMessageBox.StandardButton.Close)
    box.setDefaultButton(open_button)
    box.exec()
    clicked = box.clickedButton()
    if clicked is open_button:
        return "open"
    if clicked is folder_button:
        return "folder"
    return ""


def export_finished(parent: QWidget | None, path: str, summary: str) -> str:
    """Say an export landed and do what the user picks: open the file (or the folder of images),
    show it in its folder, or close. Returns the choice ("open", "folder" or "")."""
    choice = ask_export_done(parent, path, summary)
    target = Path(path)
    if choice == "open":
        open_path(path)
    elif choice == "folder":
        open_path(path) if target.is_dir() else show_in_folder(path)
    return choice


def save_file(parent: QWidget | None, title: str, start: str, filters: str) -> str:
    """A path to write, or "" when cancelled. The platform's own dialog where there is one."""
    dialog = QFileDialog(parent, title, start, filters)
    dialog.setObjectName("saveFileDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.selectFile(start)
    if not dialog.exec():
        return ""
    files = dialog.selectedFiles()
    return files[0] if files else ""


def open_file(parent: QWidget | None, title: str, start: str, filters: str) -> str:
    """An existing file to read, or "" when cancelled."""
    dialog = QFileDialog(parent, title, start, filters)
    dialog.setObjectName("openFileDialog")
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    if not dialog.exec():
        return ""
    files = dialog.selectedFiles()
    return files[0] if files else ""


def choose_folder(parent: QWidget | None, title: str, start: str) -> str:
    """An existing folder, or "" when cancelled."""
    dialog = QFileDialog(parent, title, start)
    dialog.setObjectName("chooseFolderDialog")
    dialog.setFileMode(QFileDialog.FileMode.Directory)
    dialog.setOption(QFileDialog.Option.ShowDirsOnly, True)
    if not dialog.exec():
        return ""
    files = dialog.selectedFiles()
    return files[0] if files else ""


def choose_colour(parent: QWidget | None, title: str, start: str) -> str:
    """A colour as "#RRGGBB", or "" when cancelled. Qt's own dialog, so it looks and answers the
    same on every platform (and in tests)."""
    dialog = QColorDialog(QColor(start), parent)
    dialog.setObjectName("chooseColourDialog")
    dialog.setWindowTitle(title)
    dialog.setOption(QColorDialog.ColorDialogOption.DontUseNativeDialog, True)
    if not dialog.exec():
        return ""
    return dialog.selectedColor().name().upper()


def open_url(url: str) -> bool:
    """Hand a web address or file URL to the desktop (browser, PDF viewer, Word)."""
    return _opener(QUrl(url))


def open_path(path: str) -> bool:
    return _opener(QUrl.fromLocalFile(str(Path(path).resolve())))


def show_in_folder(path: str) -> bool:
    """Open the folder holding `path` in the file manager."""
    return open_path(str(Path(path).resolve().parent))


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
