"""BriefingPanel: pick an audience, tick and drag its findings, watch the PDF preview, export PDF or Word."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from briefing.domain.model import Audience, Finding
from briefing.exporting import ExportJob
from briefing.gui import dialogs
from briefing.gui.briefing_panel.tree import BriefingTree
from briefing.gui.context import AppContext
from briefing.gui.icons import icon
from briefing.gui.undo import AudienceTemplateCommand
from briefing.gui.widgets import EmptyState, Heading, MutedLabel, named
from briefing.gui.workers import Failure, Operation, Token

_FORMATS = {"pdf": ("PDF", "PDF document (*.pdf)"), "docx": ("Word", "Word document (*.docx)")}
_preview_counter = itertools.count(1)


class BriefingPanel(QWidget):
    """Every change to the audience's selection is an undoable template edit; the preview follows."""

    title = "Briefing"

    # ---- Signals
    sig_show_problems = Signal(str)
    """The user asked to see the problems the checks found in this audience's briefing; carries its key."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._audiences: list[Audience] = []
        self._audience: Audience | None = None
        self._findings: list[Finding] = []
        self._preview_op: Operation | None = None
        self._preview_generation = 0
        self._preview_path: Path | None = None
        self._export_op: Operation | None = None
        self._preview_stale = False
        self._build()
        ctx.events.sig_finding_saved.connect(lambda _f: self._data_changed())
        ctx.events.sig_finding_deleted.connect(lambda _i: self._data_changed())
        ctx.events.sig_audience_changed.connect(self._audience_changed_elsewhere)
        ctx.events.sig_chart_saved.connect(lambda _s: self.schedule_preview())
        ctx.settings.sig_changed.connect(self._setting_changed)

    # ---- Public API
    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        service = self.ctx.service
        self.ctx.load("audiences", lambda: (service.list_audiences(), service.list_findings()), self._loaded)

    def audience(self) -> Audience | None:
        return self._audience

    def set_audience(self, key: str) -> None:
        at = self.audience_combo.findData(key)
        if at >= 0:
            self.audience_combo.setCurrentIndex(at)

    def schedule_preview(self) -> None:
        """Rebuild the preview once changes have stopped for the configured delay.

        While the screen is hidden nobody can see the preview, so it is only marked stale and
        rebuilt when the screen is shown: typesetting costs a core for a second or more.
        """
        if self._audience is None:
            return
        if not self.isVisible():
            self._preview_stale = True
            return
        self._preview_stale = False
        self.preview_status.setText("Preview will update…")
        self._preview_timer.start(self.ctx.settings.preview_delay_ms)

    def export(self, fmt: str) -> None:
        """Ask where to save, then write the briefing in the background with a progress dialog."""
        audience = self._audience
        if audience is None:
            self.ctx.events.sig_message.emit("Pick an audience first")
            return
        if self._export_op is not None and not self._export_op.done:
            self.ctx.events.sig_message.emit("An export is already running")
            return
        label, filters = _FORMATS[fmt]
        name = f"{_file_stem(audience.name)}-briefing.{fmt}"
        start = str(Path(self.ctx.settings.export_folder) / name)
        path_text = dialogs.save_file(self, f"Export {label}", start, filters)
        if not path_text:
            return
        path = Path(path_text)
        if path.suffix.lower() != f".{fmt}":
            path = path.with_name(path.name + f".{fmt}")
        self.ctx.settings.export_folder = str(path.parent)
        self._run_export(audience, fmt, path)

    def is_exporting(self) -> bool:
        return self._export_op is not None and not self._export_op.done

    def pdf_document(self) -> QPdfDocument:
        return self.pdf

    def shutdown(self) -> None:
        self._preview_timer.stop()
        for op in (self._preview_op, self._export_op):
            if op is not None and not op.done:
                op.cancel()

    def save_state(self) -> None:
        self.ctx.settings.set_geometry("briefing_splitter", self.splitter.saveState())

    def restore_state(self) -> None:
        state = self.ctx.settings.geometry("briefing_splitter")
        if state is not None:
            self.splitter.restoreState(state)

    # ---- Qt overrides
    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._preview_stale:
            self.schedule_preview()

    # ---- Widgets
    def _build(self) -> None:
        self.audience_combo = QComboBox(self)
        self.audience_combo.setMinimumWidth(220)
        self.audience_combo.currentIndexChanged.connect(self._audience_picked)
        self.description = MutedLabel("", self)
        self.description.setMinimumHeight(self.description.fontMetrics().lineSpacing() * 3)
        self.description.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.tree = BriefingTree(self)
        self.tree.sig_toggled.connect(self._toggled)
        self.tree.sig_reordered.connect(self._reordered)
        self.summary = MutedLabel("", self)
        self.export_pdf = QPushButton(icon("pdf"), "Export PDF…", self)
        self.export_pdf.clicked.connect(lambda: self.export("pdf"))
        self.export_word = QPushButton(icon("word"), "Export Word…", self)
        self.export_word.clicked.connect(lambda: self.export("docx"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.export_word)
        buttons.addWidget(self.export_pdf)
        picker = QHBoxLayout()
        audience_label = Heading("Au&dience", self)
        audience_label.setBuddy(self.audience_combo)
        named(self.audience_combo, "Audience")
        named(self.tree, "Findings in this briefing", "Space ticks or unticks the selected finding")
        picker.addWidget(audience_label)
        picker.addWidget(self.audience_combo, 1)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(12, 10, 6, 10)
        left_layout.setSpacing(8)
        left_layout.addLayout(picker)
        left_layout.addWidget(self.description)
        left_layout.addWidget(
            MutedLabel("Untick a finding to leave it out; drag to reorder within a section.", self)
        )
        left_layout.addWidget(self.tree, 1)
        left_layout.addLayout(buttons)

        self.pdf = QPdfDocument(self)
        self.pdf_view = QPdfView(self)
        self.pdf_view.setDocument(self.pdf)
        self.pdf_view.setPageMode(QPdfView.PageMode.MultiPage)
        self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pdf_view.setPageSpacing(12)
        self.pdf_view.setDocumentMargins(self.pdf_view.documentMargins())
        self.preview_empty = EmptyState(
            "Preparing the preview…", "The briefing is typeset in the background.", self
        )
        self.preview_stack = QStackedWidget(self)
        self.preview_stack.addWidget(self.preview_empty)
        self.preview_stack.addWidget(self.pdf_view)
        self.preview_status = MutedLabel("", self)
        self.pages = MutedLabel("", self)
        self.zoom = QComboBox(self)
        self.zoom.addItem("Fit width", "width")
        self.zoom.addItem("Fit page", "page")
        self.zoom.addItem("100 %", 1.0)
        self.zoom.addItem("150 %", 1.5)
        self.zoom.currentIndexChanged.connect(self._zoom_changed)
        named(self.zoom, "Zoom")
        named(self.pdf_view, "Preview")
        refresh = QToolButton(self)
        refresh.setIcon(icon("refresh"))
        refresh.setToolTip("Rebuild the preview now")
        named(refresh, "Rebuild the preview now")
        refresh.clicked.connect(self._build_preview)
        bar = QHBoxLayout()
        bar.setContentsMargins(10, 6, 10, 6)
        bar.addWidget(Heading("Preview", self))
        bar.addSpacing(8)
        bar.addWidget(self.preview_status, 1)
        bar.addWidget(self.pages)
        bar.addWidget(self.zoom)
        bar.addWidget(refresh)
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        bar_frame = QFrame(self)
        bar_frame.setLayout(bar)
        right_layout.addWidget(bar_frame)
        right_layout.addWidget(self.preview_stack, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([520, 780])
        self.splitter.setStretchFactor(1, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.timeout.connect(self._build_preview)
        self.pdf.statusChanged.connect(self._pdf_status)

    # ---- Internals: audiences and the tree
    def _loaded(self, result: tuple[list[Audience], list[Finding]]) -> None:
        self._audiences, self._findings = result
        current = self._audience.key if self._audience else self.ctx.settings.last_audience
        self.audience_combo.blockSignals(True)
        self.audience_combo.clear()
        for a in self._audiences:
            self.audience_combo.addItem(a.name, a.key)
            self.audience_combo.setItemData(
                self.audience_combo.count() - 1, a.description, Qt.ItemDataRole.ToolTipRole
            )
        at = self.audience_combo.findData(current)
        self.audience_combo.setCurrentIndex(max(at, 0))
        self.audience_combo.blockSignals(False)
        self._audience_picked(self.audience_combo.currentIndex())

    def _audience_picked(self, index: int) -> None:
        if not 0 <= index < len(self._audiences):
            return
        self._audience = self._audiences[index]
        self.ctx.settings.last_audience = self._audience.key
        self.description.setText(self._audience.description)
        self._fill_tree()
        self.schedule_preview()

    def _fill_tree(self) -> None:
        if self._audience is None:
            return
        from briefing.compose import select, validate_template

        template = _plain(self._audience.template)
        excluded = set(template.get("excluded") or ())
        # Select with nothing excluded, so unticked findings still show (unticked) in their section.
        everything = validate_template({**template, "excluded": []}, self._audience.sections)
        selection = select(everything, self._findings)
        titles = {s.key: s.title for s in self._audience.sections or ()}
        sections = [
            (spec.title or titles.get(spec.key, spec.key), list(found))
            for spec, found in selection.sections
            if found
        ]
        self.tree.fill(
            [(title, [(f, f.slug not in excluded) for f in found]) for title, found in sections]
        )
        included = sum(1 for _, found in sections for f in found if f.slug not in excluded)
        total = sum(len(found) for _, found in sections)
        self.summary.setText(f"{included} of {total} findings in {len(sections)} sections")

    def _toggled(self, slug: str, included: bool) -> None:
        audience = self._audience
        if audience is None:
            return
        before = _plain(audience.template)
        excluded = [s for s in before.get("excluded") or () if s != slug]
        if not included:
            excluded.append(slug)
        after = {**before, "excluded": excluded}
        title = self.tree.title_of(slug)
        text = f"{'Include' if included else 'Leave out'} “{_short(title)}” for {audience.name}"
        self._save_template(audience, before, after, text)

    def _reordered(self, slugs: list[str]) -> None:
        audience = self._audience
        if audience is None:
            return
        before = _plain(audience.template)
        after = {**before, "order": slugs}
        self._save_template(audience, before, after, f"Reorder the briefing for {audience.name}")

    def _save_template(
        self, audience: Audience, before: dict[str, Any], after: dict[str, Any], text: str
    ) -> None:
        service = self.ctx.service

        def saved(updated: Audience) -> None:
            self.ctx.undo.push(AudienceTemplateCommand(self.ctx, audience.key, before, after, text))
            self.ctx.events.sig_audience_changed.emit(updated.key)
            self.ctx.events.sig_message.emit(text)

        def failed(failure: Failure) -> None:
            self._fill_tree()  # put the ticks and order back as the database has them
            self.ctx.events.sig_error.emit("Could not change the briefing", failure)

        self.ctx.ops.write(
            lambda _t: service.update_audience(audience.key, template=after),
            label="Save audience",
            success=saved,
            failure=failed,
        )

    def _audience_changed_elsewhere(self, key: str) -> None:
        service = self.ctx.service

        def loaded(audience: Audience) -> None:
            self._audiences = [audience if a.key == key else a for a in self._audiences]
            if self._audience is not None and self._audience.key == key:
                self._audience = audience
                self.description.setText(audience.description)
                self._fill_tree()
                self.schedule_preview()

        self.ctx.ops.run(
            lambda _t: service.get_audience(key),
            label="Reload audience",
            success=loaded,
            failure=self.ctx.events.fail("Could not reload the audience"),
        )

    def _data_changed(self) -> None:
        service = self.ctx.service

        def loaded(findings: list[Finding]) -> None:
            self._findings = findings
            self._fill_tree()
            self.schedule_preview()

        self.ctx.ops.run(
            lambda _t: service.list_findings(),
            label="Reload findings",
            success=loaded,
            failure=self.ctx.events.fail("Could not reload the findings"),
        )

    def _setting_changed(self, key: str) -> None:
        if key == "briefing/author":
            self.schedule_preview()

    # ---- Internals: preview
    def _build_preview(self) -> None:
        audience = self._audience
        if audience is None:
            return
        self._preview_timer.stop()
        if self._preview_op is not None and not self._preview_op.done:
            self._preview_op.cancel()
        self._preview_generation += 1
        generation = self._preview_generation
        service = self.ctx.service
        author = self.ctx.settings.author
        target = _preview_dir() / f"preview-{audience.key}-{next(_preview_counter)}.pdf"
        self.preview_status.setText("Updating preview…")

        job = ExportJob(service.database_url, audience.key, "pdf", str(target), author, service.report_key)
        exporter = self.ctx.exporter

        def work(token: Token) -> Path:
            exporter.run(job, cancelled=lambda: token.cancelled)
            return target

        def cancelled() -> None:
            target.unlink(missing_ok=True)

        self._preview_op = self.ctx.ops.run(
            work,
            label="Preview briefing",
            success=lambda path: self._preview_ready(generation, path),
            failure=self._preview_failed,
            cancelled=cancelled,
        )

    def _preview_ready(self, generation: int, path: Path) -> None:
        if generation != self._preview_generation:
            path.unlink(missing_ok=True)
            return
        previous = self._preview_path
        self._preview_path = path
        page = self.pdf_view.pageNavigator().currentPage() if self.pdf.pageCount() else 0
        self.pdf.load(str(path))
        if previous is not None and previous != path:
            previous.unlink(missing_ok=True)
        if self.pdf.pageCount():
            self.pdf_view.pageNavigator().jump(min(page, self.pdf.pageCount() - 1), QPointF(), 0)
        self.preview_stack.setCurrentWidget(self.pdf_view)
        self.preview_status.setText("Up to date")
        self.pages.setText(f"{self.pdf.pageCount()} pages")

    def _preview_failed(self, failure: Failure) -> None:
        self.preview_status.setText(f"Preview failed: {failure.summary}")
        if self.pdf.pageCount() == 0:
            self.preview_empty.set_text("The preview could not be built", failure.summary)
            self.preview_stack.setCurrentWidget(self.preview_empty)

    def _pdf_status(self, status: QPdfDocument.Status) -> None:
        if status == QPdfDocument.Status.Error:
            self.preview_status.setText("The preview file could not be read")

    def _zoom_changed(self, _index: int) -> None:
        value = self.zoom.currentData()
        if value == "width":
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif value == "page":
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.pdf_view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.pdf_view.setZoomFactor(float(value))

    # ---- Internals: export
    def _run_export(self, audience: Audience, fmt: str, path: Path, *, problems: int | None = None) -> None:
        """Check the briefing, then write it. With problems, the user is asked first (`problems`
        is their count once the user chose to export anyway; the checks then do not run again)."""
        from briefing.gui.checks.model import check_audience

        label = _FORMATS[fmt][0]
        dialog = QProgressDialog(
            f"Exporting the {audience.name} briefing as {label}…", "Cancel", 0, 1000, self
        )
        dialog.setWindowTitle(f"Export {label}")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setValue(0)
        self.progress_dialog = dialog
        service = self.ctx.service
        author = self.ctx.settings.author

        job = ExportJob(service.database_url, audience.key, fmt, str(path), author, service.report_key)
        exporter = self.ctx.exporter

        def work(token: Token) -> Any:
            if problems is None:
                token.progress(0.0, f"Checking the numbers in the {audience.name} briefing…")
                try:
                    found = check_audience(service, audience.key)
                except Exception:  # noqa: BLE001 - a fault in a check must never stop an export
                    found = []
                if found:
                    return _Held(found)
            # In the export process: the GUI thread never waits on reportlab for the GIL.
            return exporter.run(job, progress=token.progress, cancelled=lambda: token.cancelled)

        def progress(fraction: float, message: str) -> None:
            if not dialog.wasCanceled():
                dialog.setValue(int(fraction * 1000))
                if message:
                    dialog.setLabelText(message)

        def close_dialog() -> None:
            dialog.close()
            dialog.deleteLater()
            self.progress_dialog = None

        def done(result: Any) -> None:
            close_dialog()
            if isinstance(result, _Held):
                self._export_held(audience, fmt, path, result.problems)
                return
            kib = max(1, round(result.size / 1024))
            summary = f"Exported the {audience.name} briefing as {label} ({kib:,} KB, {result.seconds:.1f} s)"
            if result.warnings:
                summary += f" with {len(result.warnings)} warning(s):\n" + "\n".join(
                    result.warnings[:5]
                )
            if problems:
                summary += (f"\nExported with {problems} unresolved {'problem' if problems == 1 else 'problems'} "
                            "from the checks (see the Checks screen).")
            self.ctx.events.sig_message.emit(f"Exported {result.path}")
            dialogs.export_finished(self, str(result.path), summary)

        def failed(failure: Failure) -> None:
            close_dialog()
            if type(failure.error).__name__ == "ExportCancelled":
                cancelled()
                return
            self.ctx.events.sig_error.emit(f"Could not export the {label} briefing", failure)

        def cancelled() -> None:
            if self.progress_dialog is dialog:
                close_dialog()
            self.ctx.events.sig_message.emit("Export cancelled; nothing was written")

        self._export_op = self.ctx.ops.run(
            work,
            label=f"Export {label}",
            success=done,
            failure=failed,
            progress=progress,
            cancelled=cancelled,
        )
        dialog.canceled.connect(self._export_op.cancel)
        dialog.show()

    def _export_held(self, audience: Audience, fmt: str, path: Path, problems: list[Any]) -> None:
        from briefing.gui.checks.export_warning import ask_export_with_problems

        choice = ask_export_with_problems(self, audience.name, _FORMATS[fmt][0], problems)
        if choice == "export":
            self._run_export(audience, fmt, path, problems=len(problems))
        elif choice == "show":
            self.ctx.events.sig_message.emit("Export held back; nothing was written")
            self.sig_show_problems.emit(audience.key)
        else:
            self.ctx.events.sig_message.emit("Export cancelled; nothing was written")


class _Held:
    """An export the checks held back: the problems the user is asked about before writing."""

    def __init__(self, problems: list[Any]) -> None:
        self.problems = problems


def _plain(value: Any) -> Any:
    """A template as plain dicts and lists (the stored one is read-only), safe to copy and edit."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _file_stem(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "briefing"


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def _preview_dir() -> Path:
    from briefing.paths import user_cache_dir

    folder = user_cache_dir() / "preview"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
