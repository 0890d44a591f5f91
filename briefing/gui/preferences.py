"""PreferencesDialog: author name for covers, default export folder, preview timing, whose name history records."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from briefing.gui import dialogs
from briefing.gui.settings import Settings
from briefing.gui.widgets import MutedLabel, buddy_label


class PreferencesDialog(QDialog):
    """Edits Settings in place when accepted; Cancel leaves them untouched."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle("Preferences")
        self.setMinimumWidth(520)
        self.author = QLineEdit(settings.author, self)
        self.author.setPlaceholderText("Shown on the cover of exported briefings")
        self.folder = QLineEdit(settings.export_folder, self)
        browse = QPushButton("Choose…", self)
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder, 1)
        folder_row.addWidget(browse)
        self.delay = QSpinBox(self)
        self.delay.setRange(100, 5000)
        self.delay.setSingleStep(100)
        self.delay.setSuffix(" ms")
        self.delay.setValue(settings.preview_delay_ms)
        self.history_who = QComboBox(self)
        self.history_who.addItem("My login name on this computer", "os")
        self.history_who.addItem("My role on the team database", "database")
        self.history_who.setCurrentIndex(max(0, self.history_who.findData(settings.history_who)))
        form = QFormLayout()
        form.addRow(buddy_label("&Author name", self.author, self), self.author)
        # The folder's row is a layout: without an explicit buddy, Alt+E had nowhere to go.
        form.addRow(buddy_label("Default &export folder", self.folder, self), folder_row)
        form.addRow(buddy_label("Preview &delay", self.delay, self), self.delay)
        form.addRow(buddy_label("&History names", self.history_who, self), self.history_who)
        hint = MutedLabel("The briefing preview is rebuilt this long after your last change.", self)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addStretch(1)
        layout.addWidget(buttons)

    # ---- Qt overrides
    def accept(self) -> None:
        self.settings.author = self.author.text()
        if self.folder.text().strip():
            self.settings.export_folder = self.folder.text().strip()
        self.settings.preview_delay_ms = self.delay.value()
        self.settings.history_who = str(self.history_who.currentData())
        self.settings.sync()
        super().accept()

    # ---- Internals
    def _browse(self) -> None:
        folder = dialogs.choose_folder(self, "Default export folder", self.folder.text())
        if folder:
            self.folder.setText(folder)
