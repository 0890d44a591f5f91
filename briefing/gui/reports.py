"""The library of reports in the window: the switcher, the New/Edit Report dialog, and report deletion
with its undo. The window works on one current report (the service's); switching re-reads every panel."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from briefing.domain.errors import ValidationError
from briefing.domain.model import Report, ReportDraft
from briefing.gui.undo import ServiceCommand

if TYPE_CHECKING:
    from briefing.domain.editions import EditionDiff
    from briefing.gui.context import AppContext
    from briefing.services.service import ReportSnapshot


class ReportSwitcher(QComboBox):
    """The toolbar's list of reports; choosing one asks the window to switch to it."""

    # ---- Signals
    sig_chosen = Signal(str)
    """The user picked a report (its key)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportSwitcher")
        self.setAccessibleName("Current report")
        self.setToolTip("The report every screen works on")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.activated.connect(lambda i: self.sig_chosen.emit(str(self.itemData(i))))

    # ---- Public API
    def set_reports(self, reports: list[Report], current: str) -> None:
        self.blockSignals(True)
        self.clear()
        for r in reports:
            self.addItem(_label(r), r.key)
            self.setItemData(self.count() - 1, f"{r.key} · {len(r.sections)} sections", Qt.ItemDataRole.ToolTipRole)
        self.setCurrentIndex(max(0, self.findData(current)))
        self.blockSignals(False)


def _label(r: Report) -> str:
    return r.title if not r.edition or r.edition in r.title else f"{r.title} ({r.edition})"


class ReportDialog(QDialog):
    """New Report… (key, title, edition, sections) or Edit Report… (the same fields, key renamable).
    The service validates; a refusal is shown in the dialog, which stays open."""

    def __init__(self, parent: QWidget | None, save: Callable[[ReportDraft], Report],
                 report: Report | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle("Edit Report" if report else "New Report")
        self._save = save
        self.saved: Report | None = None
        self.key = QLineEdit(report.key if report else "", self)
        self.key.setObjectName("reportKey")
        self.key.setPlaceholderText("gulf-energy-2026-q2")
        self.title = QLineEdit(report.title if report else "", self)
        self.title.setObjectName("reportTitle")
        self.subtitle = QLineEdit(report.subtitle if report else "", self)
        self.edition = QLineEdit(report.edition if report else "", self)
        self.edition.setObjectName("reportEdition")
        self.sections = QTableWidget(0, 3, self)
        self.sections.setObjectName("reportSections")
        self.sections.setHorizontalHeaderLabels(["Key", "Heading", "Short name"])
        self.sections.horizontalHeader().setStretchLastSection(True)
        for s in report.sections if report else ():
            self.add_section(s.key, s.title, s.short)
        add = QPushButton("&Add Section", self)
        add.clicked.connect(lambda: self.add_section())
        remove = QPushButton("&Remove Section", self)
        remove.clicked.connect(lambda: self.sections.removeRow(self.sections.currentRow()))
        self.error = QLabel("", self)
        self.error.setObjectName("reportError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel,
                                   self)
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Key", self.key)
        form.addRow("&Title", self.title)
        form.addRow("S&ubtitle", self.subtitle)
        form.addRow("&Edition", self.edition)
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Sections, in reading order:", self))
        layout.addWidget(self.sections, 1)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(640, 480)

    # ---- Public API
    def add_section(self, key: str = "", title: str = "", short: str = "") -> None:
        row = self.sections.rowCount()
        self.sections.insertRow(row)
        for col, text in enumerate((key, title, short)):
            self.sections.setItem(row, col, QTableWidgetItem(text))

    def draft(self) -> ReportDraft:
        def cell(row: int, col: int) -> str:
            item = self.sections.item(row, col)
            return item.text() if item is not None else ""

        rows = [(cell(r, 0), cell(r, 1), cell(r, 2)) for r in range(self.sections.rowCount())]
        return ReportDraft(key=self.key.text(), title=self.title.text(), subtitle=self.subtitle.text(),
                           edition=self.edition.text(), sections=tuple(r for r in rows if any(r)))

    def submit(self) -> None:
        try:
            self.saved = self._save(self.draft())
        except ValidationError as exc:
            self.error.setText("\n".join(f"{e.field}: {e.message}" for e in exc.errors) or str(exc))
            self.error.show()
            return
        self.accept()


def changes_text(diff: EditionDiff) -> str:
    """The diff as the What Changed box shows it: new, changed (field, old → new), dropped."""
    lines = [f"{len(diff.added)} new, {len(diff.changed)} changed, {len(diff.removed)} dropped."]
    lines += [f"New: {f.title}" for f in diff.added]
    for c in diff.changed:
        lines.append(f"Changed: {c.new.title}")
        lines += [f"    {x.field}: {x.old or '—'} → {x.new or '—'}" for x in c.fields]
    lines += [f"Dropped: {f.title}" for f in diff.removed]
    return "\n".join(lines)


class DeleteReportCommand(ServiceCommand):
    """A deleted report held whole: undo re-creates it (sections, audiences, charts, findings)."""

    def __init__(self, ctx: AppContext, snapshot: ReportSnapshot, switch: Callable[[str], None]) -> None:
        super().__init__(ctx, f"Delete report “{snapshot.report.title[:40]}”")
        self.snapshot = snapshot
        self._switch = switch

    def do(self) -> str:
        self.snapshot = self.ctx.service.delete_report(self.snapshot.report.key)
        return ""

    def revert(self) -> str:
        return self.ctx.service.restore_report(self.snapshot).key

    def announce(self, result: str) -> None:
        # Back on the restored report; after a redo, on whichever report the service now defaults to.
        self._switch(result or self.ctx.service.list_reports()[0].key)
