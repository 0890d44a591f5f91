"""HistoryDialog: a finding's changes (who, when, each field before and after) and "Restore This Version"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from briefing.domain.errors import ConflictError
from briefing.domain.history import DELETE, HistoryEntry, shown
from briefing.domain.model import Finding
from briefing.gui.context import AppContext
from briefing.gui.undo import EditFindingCommand
from briefing.gui.workers import Failure

_ACTIONS = {"create": "Created", "edit": "Edited", "delete": "Deleted", "restore": "Restored"}
_BEFORE = QColor("#fbe3e4")  # the removed side, as a diff shows it
_AFTER = QColor("#e2f5e6")


_LABELS = {"as_of": "As of", "kind": "Claim kind"}


def _label(field: str) -> str:
    """A history field as the form names it: "Metric 2", "Wording: investors"."""
    if field.startswith("metrics["):
        return f"Metric {field[8:-1]}"
    if field.startswith("wordings."):
        return f"Wording: {field[9:]}"
    return _LABELS.get(field, field.capitalize())


class HistoryDialog(QDialog):
    """Reads the history off the GUI thread; restoring is a versioned save pushed on the undo stack,
    so a save by someone else since this finding was read is refused, never overwritten."""

    # ---- Signals
    sig_loaded = Signal()
    """The history was (re-)read and shown."""

    def __init__(self, ctx: AppContext, finding: Finding, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._finding = finding
        self._entries: list[HistoryEntry] = []
        self._busy = False
        self.setObjectName("findingHistory")
        self.setWindowTitle(f"History of “{finding.title}”")
        self.resize(900, 520)

        self.entries = QListWidget(self)
        self.entries.setObjectName("historyEntries")
        self.entries.setSpacing(2)
        self.entries.currentRowChanged.connect(self._show_entry)
        self.changes = QTableWidget(0, 3, self)
        self.changes.setObjectName("historyChanges")
        self.changes.setHorizontalHeaderLabels(["Field", "Before", "After"])
        self.changes.verticalHeader().hide()
        self.changes.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.changes.setWordWrap(True)
        header = self.changes.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        split = QSplitter(self)
        split.addWidget(self.entries)
        split.addWidget(self.changes)
        split.setSizes([280, 620])

        self.status = QLabel("Loading…", self)
        self.status.setObjectName("historyStatus")
        self.status.setWordWrap(True)
        self.restore_button = QPushButton("&Restore This Version", self)
        self.restore_button.setToolTip("Save the finding as this change left it (undoable)")
        self.restore_button.clicked.connect(self.restore_selected)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        box.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status, 1)
        bottom.addWidget(self.restore_button)
        bottom.addWidget(box)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.reload()

    # ---- Public API
    def reload(self) -> None:
        fid = self._finding.id
        self.ctx.load("history", lambda: self.ctx.service.finding_history(fid), self._loaded)

    def restore_selected(self) -> None:
        entry = self._selected()
        if entry is None or self._busy:
            return
        before = self._finding
        service = self.ctx.service
        self._set_busy(True, f"Restoring version {entry.version}…")

        def saved(result: Finding) -> None:
            self._finding = result
            self.ctx.undo.push(EditFindingCommand(self.ctx, before, result,
                                                  text=f"Restore version {entry.version} of “{result.title}”"))
            self.ctx.events.sig_finding_saved.emit(result)
            self.ctx.events.sig_message.emit(f"Restored “{result.title}” as of version {entry.version}")
            self._set_busy(False, "")
            self.reload()

        def failed(failure: Failure) -> None:
            if isinstance(failure.error, ConflictError):
                why = ("Someone saved this finding since you opened its history; nothing was restored. "
                       "The history is read again: choose the version again.")
            else:
                why = f"Nothing was restored: {failure.summary}"
            self._set_busy(False, why)
            self._refresh_current()

        self.ctx.ops.write(lambda _t: service.restore_version(before.id, entry.id, before.version),
                           label="Restore version", success=saved, failure=failed)

    # ---- Internals
    def _refresh_current(self) -> None:
        fid = self._finding.id

        def got(current: Finding) -> None:
            self._finding = current
            self.reload()

        self.ctx.load("finding", lambda: self.ctx.service.get_finding(fid), got)

    def _loaded(self, entries: list[HistoryEntry]) -> None:
        self._entries = list(reversed(entries))  # newest first
        self.entries.blockSignals(True)
        self.entries.clear()
        for e in self._entries:
            item = QListWidgetItem(f"{e.at:%Y-%m-%d %H:%M} UTC · {e.who}\n"
                                   f"{_ACTIONS.get(e.action, e.action)} · version {e.version}")
            item.setToolTip(f"{e.at:%Y-%m-%d %H:%M:%S} UTC")
            self.entries.addItem(item)
        self.entries.blockSignals(False)
        # A reload after a refused restore keeps the reason on screen: only the first load's
        # "Loading…" (or an empty history) is replaced here.
        if not self._busy and (not entries or self.status.text() == "Loading…"):
            self.status.setText("" if entries else "No changes recorded yet: history starts with the next change.")
        self.entries.setCurrentRow(0 if self._entries else -1)
        self._show_entry(self.entries.currentRow())
        self.sig_loaded.emit()

    def _selected(self) -> HistoryEntry | None:
        row = self.entries.currentRow()
        return self._entries[row] if 0 <= row < len(self._entries) else None

    def _show_entry(self, row: int) -> None:
        entry = self._entries[row] if 0 <= row < len(self._entries) else None
        changes = entry.changes if entry else ()
        self.changes.setRowCount(len(changes))
        bold = QFont(self.font())
        bold.setBold(True)
        for i, c in enumerate(changes):
            name = QTableWidgetItem(_label(c.field))
            name.setFont(bold)
            self.changes.setItem(i, 0, name)
            for col, value, colour in ((1, c.before, _BEFORE), (2, c.after, _AFTER)):
                cell = QTableWidgetItem(shown(value))
                cell.setBackground(QBrush(colour))
                cell.setTextAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                self.changes.setItem(i, col, cell)
        self.changes.resizeRowsToContents()
        self._update_button()

    def _update_button(self) -> None:
        entry = self._selected()
        # A delete's snapshot is the finding as deleted: the row before it restores the same text.
        self.restore_button.setEnabled(not self._busy and entry is not None and entry.action != DELETE
                                       and entry.version != self._finding.version)

    def _set_busy(self, busy: bool, text: str) -> None:
        self._busy = busy
        self.status.setText(text)
        self._update_button()
