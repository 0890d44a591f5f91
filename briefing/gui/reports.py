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
    QHeaderView,
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
from briefing.gui.widgets import ErrorLabel, with_error
from briefing.gui.workers import Failure

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
    """New Report… (key, title, edition, colours, sections) or Edit Report… (the same fields, key
    renamable). Nothing here touches the database on the GUI thread: an edited report is read, and
    every save written, on the window's operations, with the form disabled and a busy line meanwhile.
    The service validates; a refusal is shown under the field it names and the dialog stays open."""

    def __init__(self, parent: QWidget | None, ctx: AppContext, save: Callable[[ReportDraft], Report],
                 report_key: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reportDialog")
        self.setWindowTitle("Edit Report" if report_key else "New Report")
        self.ctx = ctx
        self._save = save
        self._loaded = report_key is None
        self.saved: Report | None = None
        self.key = QLineEdit(self)
        self.key.setObjectName("reportKey")
        self.key.setPlaceholderText("gulf-energy-2026-q2")
        self.title = QLineEdit(self)
        self.title.setObjectName("reportTitle")
        self.subtitle = QLineEdit(self)
        self.edition = QLineEdit(self)
        self.edition.setObjectName("reportEdition")
        self.palette_edit = QLineEdit(self)
        self.palette_edit.setObjectName("reportPalette")
        self.palette_edit.setPlaceholderText("#1F6F8B, #8E44AD, … (empty: the house colours)")
        self.palette_edit.setToolTip("The report's chart colours, in order, as #RRGGBB")
        self.accents_edit = QLineEdit(self)
        self.accents_edit.setObjectName("reportAccents")
        self.accents_edit.setPlaceholderText("board=#1F6F8B, residents=#8E44AD, default=#1F6F8B")
        self.accents_edit.setToolTip("Each audience's accent (cover band, rules, highlighted series), as "
                                     "AUDIENCE=#RRGGBB; text in it is darkened until it reads")
        self.errors: dict[str, ErrorLabel] = {}
        for name in ("key", "title", "subtitle", "edition", "palette", "accents"):
            self.errors[name] = ErrorLabel(self)
            self.errors[name].setObjectName(f"reportError_{name}")
        self.sections = QTableWidget(0, 3, self)
        self.sections.setObjectName("reportSections")
        self.sections.setHorizontalHeaderLabels(["Key", "Heading", "Short name"])
        header = self.sections.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.sections.setWordWrap(False)
        add = QPushButton("&Add Section", self)
        add.clicked.connect(lambda: self.add_section())
        remove = QPushButton("&Remove Section", self)
        remove.clicked.connect(lambda: self.sections.removeRow(self.sections.currentRow()))
        self.error = QLabel("", self)
        self.error.setObjectName("reportError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        self.busy = QLabel("", self)
        self.busy.setObjectName("reportBusy")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Key", with_error(self.key, self.errors["key"]))
        form.addRow("&Title", with_error(self.title, self.errors["title"]))
        form.addRow("S&ubtitle", with_error(self.subtitle, self.errors["subtitle"]))
        form.addRow("&Edition", with_error(self.edition, self.errors["edition"]))
        form.addRow("&Palette", with_error(self.palette_edit, self.errors["palette"]))
        form.addRow("Acce&nts", with_error(self.accents_edit, self.errors["accents"]))
        row = QHBoxLayout()
        row.addWidget(add)
        row.addWidget(remove)
        row.addStretch(1)
        self.fields = QWidget(self)
        inner = QVBoxLayout(self.fields)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addLayout(form)
        inner.addWidget(QLabel("Sections, in reading order:", self.fields))
        inner.addWidget(self.sections, 1)
        inner.addLayout(row)
        layout = QVBoxLayout(self)
        layout.addWidget(self.fields, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.busy)
        layout.addWidget(self.buttons)
        self.resize(680, 560)
        if report_key is not None:
            self._set_busy("Loading the report…")
            ctx.ops.run(lambda _t: ctx.service.get_report(report_key), label="Load report",
                        success=self._fill, failure=self._load_failed)

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
        # Both as typed: the service checks them with the rest, so every bad field is named at once.
        colours = {"palette": self.palette_edit.text(), "accents": self.accents_edit.text()}
        return ReportDraft(key=self.key.text(), title=self.title.text(), subtitle=self.subtitle.text(),
                           edition=self.edition.text(), sections=tuple(r for r in rows if any(r)),
                           colours=colours)

    def submit(self) -> None:
        if not self._loaded:
            return
        self._clear_errors()
        draft = self.draft()
        self._set_busy("Saving…")
        self.ctx.ops.write(lambda _t: self._save(draft), label="Save report", success=self._saved,
                           failure=self._save_failed)

    def refusal(self) -> str:
        """Every message the form shows now, one a line (empty when none)."""
        labels = [*self.errors.values(), self.error]
        return "\n".join(label.text() for label in labels if label.isVisibleTo(self) and label.text())

    # ---- Internals
    def _set_busy(self, text: str) -> None:
        self.fields.setEnabled(not text)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not text)
        self.busy.setText(text)
        self.busy.setVisible(bool(text))
        self.setCursor(Qt.CursorShape.BusyCursor if text else Qt.CursorShape.ArrowCursor)

    def _fill(self, report: Report) -> None:
        self.key.setText(report.key)
        self.title.setText(report.title)
        self.subtitle.setText(report.subtitle)
        self.edition.setText(report.edition)
        self.palette_edit.setText(", ".join(report.colours.palette))
        self.accents_edit.setText(", ".join(f"{k}={v}" for k, v in report.colours.accents))
        for sec in report.sections:
            self.add_section(sec.key, sec.title, sec.short)
        self._loaded = True
        self._set_busy("")

    def _load_failed(self, failure: Failure) -> None:
        self.busy.hide()
        self.error.setText(f"Could not load the report: {failure.summary}")
        self.error.show()
        self.setCursor(Qt.CursorShape.ArrowCursor)  # the form stays disabled: there is nothing to edit

    def _saved(self, report: Report) -> None:
        self.saved = report
        self._set_busy("")
        self.accept()

    def _save_failed(self, failure: Failure) -> None:
        self._set_busy("")
        if isinstance(failure.error, ValidationError):
            self._show_refusal(failure.error)
        else:
            self.error.setText(failure.summary)
            self.error.show()

    def _clear_errors(self) -> None:
        for label in self.errors.values():
            label.clear_error()
        self.error.hide()

    def _show_refusal(self, exc: ValidationError) -> None:
        """Each message under its field ("colours.palette.1" under Palette); the rest below the form."""
        rest: list[str] = []
        by_field: dict[str, list[str]] = {}
        for e in exc.errors:
            name, _, item = e.field.removeprefix("colours.").partition(".")
            if name in self.errors:
                # "colours.palette.1: …" says which colour; a message about the field as a whole stands alone.
                by_field.setdefault(name, []).append(f"{e.field}: {e.message}" if item else e.message)
            else:
                rest.append(f"{e.field}: {e.message}")
        for name, messages in by_field.items():
            self.errors[name].show_messages(messages)
        if rest:
            self.error.setText("\n".join(rest))
            self.error.show()


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
        self.report_id = None  # names its report by key: it runs from whichever report is current
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
