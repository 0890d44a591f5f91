"""BriefingPanel: pick and manage audiences, tick and reorder a working selection of their findings,
watch the PDF preview follow the change, save the selection, keep it as a new audience or export it once."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPointF, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QMenu,
    QProgressDialog,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from briefing.domain.charts import ChartSpec
from briefing.domain.errors import ValidationError
from briefing.domain.model import Audience, Finding
from briefing.exporting import ExportJob
from briefing.gui import dialogs
from briefing.gui.briefing_panel.form import AudienceForm
from briefing.gui.briefing_panel.selection import SaveSelectionCommand, SelectionCommand
from briefing.gui.briefing_panel.tree import SLUG_ROLE, BriefingTree
from briefing.gui.context import AppContext
from briefing.gui.icons import icon
from briefing.gui.undo import AudienceRecordCommand
from briefing.gui.widgets import EmptyState, Heading, MutedLabel, named
from briefing.gui.workers import Failure, Operation, Token

# How wide the left pane grows when the Details tab opens (pixels): the form's tables fit at 1280x720.
FORM_WIDTH = 640
_FORMATS = {"pdf": ("PDF", "PDF document (*.pdf)"), "docx": ("Word", "Word document (*.docx)")}
_preview_counter = itertools.count(1)


class BriefingPanel(QWidget):
    """Ticks and moves change a working selection per audience (undoable, never written on their
    own): the preview and exports show it; Save writes it to the audience (one undoable step),
    "Save as New Audience…" keeps it as a variant, Revert drops it."""

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
        self.progress_dialog: QProgressDialog | None = None  # while an export runs
        # Unsaved selections, by audience key: the template as the user has trimmed it.
        self._working: dict[str, dict[str, Any]] = {}
        # What the preview should show once built: a finding's or section's title (see _focus_on).
        self._focus: str = ""
        self._charts: list[ChartSpec] = []
        self._form_dirty = False
        self._build()
        ctx.events.sig_finding_saved.connect(lambda _f: self._data_changed())
        ctx.events.sig_finding_deleted.connect(lambda _i: self._data_changed())
        ctx.events.sig_audience_changed.connect(self._audience_changed_elsewhere)
        ctx.events.sig_chart_saved.connect(lambda _s: self.schedule_preview())
        ctx.events.sig_database_changed.connect(self.refresh)  # another process wrote: re-read
        ctx.settings.sig_changed.connect(self._setting_changed)

    # ---- Public API
    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        service = self.ctx.service
        self.ctx.load("audiences", lambda: (service.list_audiences(), service.list_findings(),
                                            service.list_charts(None)), self._loaded)

    def audience(self) -> Audience | None:
        return self._audience

    def template(self) -> dict[str, Any]:
        """The current audience's template as shown: its working selection, else the saved one."""
        if self._audience is None:
            return {}
        return self._working.get(self._audience.key) or _plain(self._audience.template)

    def is_dirty(self, key: str | None = None) -> bool:
        """True while the audience (default: the current one) has an unsaved selection."""
        key = key or (self._audience.key if self._audience else "")
        return key in self._working

    def set_working(self, key: str, template: dict[str, Any], focus: str = "", *, refill: bool = True) -> None:
        """Make `template` the audience's working selection (the saved one: no longer dirty).
        `refill=False` when the tree already shows it (the user's own tick or move: rebuilding the
        tree inside its own itemChanged would delete the item Qt is still handling)."""
        audience = next((a for a in self._audiences if a.key == key), None)
        if audience is None:
            return
        if template == _plain(audience.template):
            self._working.pop(key, None)
        else:
            self._working[key] = template
        if self._audience is not None and self._audience.key == key:
            self._focus = focus
            if refill:
                self._fill_tree()
            else:
                self._update_summary()
                self._show_dirty()
            self.schedule_preview()

    def save_form(self) -> None:
        """Save the Details form (name, description, template) as one undoable step; errors land
        under the fields they name and nothing is written."""
        audience = self._audience
        if audience is None:
            return
        from briefing.compose import validate_template
        from briefing.domain.text import clean_text

        name, description, after = self.form.audience_name(), self.form.audience_description(), self.form.template()
        errors = self.form.key_errors()
        for check in (lambda: validate_template(after, audience.sections),
                      lambda: clean_text(name, "name", max_length=120, required=True),
                      lambda: clean_text(description, "description", max_length=2000, multiline=True)):
            try:
                check()
            except ValidationError as exc:
                # The form's own key check names the section being edited; drop the template's
                # duplicate of it, which names the other section of a repeated pair.
                named_keys = {e.field for e in errors}
                errors += [e for e in exc.errors if not (e.field.endswith(".key") and named_keys)]
        if errors:
            self.form.show_errors(ValidationError(errors, "audience"))
            self.ctx.events.sig_message.emit("The audience was not saved: see the marked fields")
            return
        self.form.show_errors(None)
        service = self.ctx.service
        before_sections = _plain(audience.template).get("sections")
        focus = self.form.section_title.text() or self.form.section_title.placeholderText()

        def work(_t: Token) -> Audience:
            return service.update_audience(audience.key, name=name, description=description, template=after)

        def done(updated: Audience) -> None:
            self._form_dirty = False
            working = self._working.get(audience.key)
            if working is not None:  # keep the unsaved ticks and order over the new details
                rebased: dict[str, Any] = {**after, **{k: working[k] for k in ("excluded", "order") if k in working}}
                self._working[audience.key] = rebased
            self._focus = focus if after.get("sections") != before_sections else ""
            self._push_record(audience, updated, f"Edit the details of “{_short(updated.name)}”")

        def failed(failure: Failure) -> None:
            if isinstance(failure.error, ValidationError):
                self.form.show_errors(failure.error)
            else:
                self.ctx.events.sig_error.emit("Could not save the audience", failure)

        self.ctx.ops.write(work, label="Save audience", success=done, failure=failed)

    def form_is_dirty(self) -> bool:
        return self._form_dirty

    def confirm_leave(self, then: Any = None) -> bool:
        """Closing the window: True if nothing is unsaved here, else whether the user lets it go."""
        unsaved = [a.name for a in self._audiences if a.key in self._working]
        if self._form_dirty and self._audience is not None:
            unsaved.append(f"the details of {self._audience.name}")
        if not unsaved:
            return True
        return dialogs.confirm(self.window(), "Unsaved briefing changes",
                               f"Close without saving the changes to {', '.join(unsaved)}?",
                               ok_text="Close Without Saving", destructive=True)

    def save_selection(self) -> None:
        """Write the working selection to the audience: one undoable step."""
        audience = self._audience
        if audience is None or audience.key not in self._working:
            return
        after = self._working[audience.key]
        self._save_template(audience, _plain(audience.template), after,
                            f"Save the selection for {audience.name}")

    def keep_working(self, key: str, template: dict[str, Any] | None) -> None:
        """After an undo or redo of a Save: the selection is unsaved again (`template`) or saved (None)."""
        if template is None:
            self._working.pop(key, None)
        else:
            self._working[key] = template

    def revert_selection(self) -> None:
        audience = self._audience
        if audience is None or audience.key not in self._working:
            return
        self._change_selection(_plain(audience.template), f"Revert the selection for {audience.name}",
                               refill=True)

    def save_selection_as_new(self) -> None:
        """Keep the working selection as a new audience; the original stays as saved."""
        audience = self._audience
        if audience is None:
            return
        template = self.template()
        self._create_audience(f"{audience.name} (variant)", audience.description, template,
                              "Save as New Audience", keep_from=audience.key)

    def export_selection_once(self) -> None:
        """Export the briefing as it is ticked now, without saving the selection."""
        self.export("pdf")

    def new_audience(self, *, from_full: bool = False) -> None:
        if from_full:
            # The report's first audience is its full briefing (audiences are data: none is named here).
            full = self._audiences[0] if self._audiences else None
            template = _plain(full.template) if full is not None else {}
        else:
            template = {"version": 1, "sections": []}
        self._create_audience("New audience", "", template,
                              "New Audience from the Full Report" if from_full else "New Blank Audience")

    def duplicate_audience(self) -> None:
        audience = self._audience
        if audience is not None:
            self._create_audience(f"{audience.name} (copy)", audience.description, self.template(),
                                  "Duplicate Audience")

    def rename_audience(self) -> None:
        audience = self._audience
        if audience is None:
            return
        name = dialogs.ask_text(self, "Rename Audience", "Name:", audience.name)
        if name is None or name.strip() == audience.name:
            return
        service = self.ctx.service

        def done(after: Audience) -> None:
            self._push_record(audience, after, f"Rename “{_short(audience.name)}” to “{_short(after.name)}”")

        self.ctx.ops.write(lambda _t: service.update_audience(audience.key, name=name), label="Rename audience",
                           success=done, failure=self._refused("Could not rename the audience"))

    def delete_audience(self) -> None:
        audience = self._audience
        if audience is None:
            return
        if audience.builtin:
            dialogs.show_info(self, "Delete Audience", f"“{audience.name}” is built in and cannot be deleted. "
                              "Reset to Default brings back its shipped template.")
            return
        if not dialogs.confirm(self, "Delete Audience", f"Delete the audience “{audience.name}”? "
                               "Edit ▸ Undo brings it back.", ok_text="Delete", destructive=True):
            return
        service = self.ctx.service

        def done(_none: None) -> None:
            self._working.pop(audience.key, None)
            self._push_record(audience, None, f"Delete audience “{_short(audience.name)}”")

        self.ctx.ops.write(lambda _t: service.delete_audience(audience.key), label="Delete audience",
                           success=done, failure=self._refused("Could not delete the audience"))

    def reset_audience(self) -> None:
        audience = self._audience
        if audience is None or not audience.builtin:
            return
        if not dialogs.confirm(self, "Reset to Default", f"Put “{audience.name}” back as it shipped? Its "
                               "selection, order and texts are replaced; Edit ▸ Undo brings them back.",
                               ok_text="Reset", destructive=True):
            return
        service = self.ctx.service

        def done(after: Audience) -> None:
            self._working.pop(audience.key, None)
            self._push_record(audience, after, f"Reset “{_short(audience.name)}” to default")

        self.ctx.ops.write(lambda _t: service.reset_audience(audience.key), label="Reset audience",
                           success=done, failure=self._refused("Could not reset the audience"))

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
        self.tree.sig_sections_moved.connect(self._sections_moved)
        self.summary = MutedLabel("", self)
        self.export_pdf = QPushButton(icon("pdf"), "Export PDF…", self)
        self.export_pdf.clicked.connect(lambda: self.export("pdf"))
        self.export_word = QPushButton(icon("word"), "Export Word…", self)
        self.export_word.clicked.connect(lambda: self.export("docx"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.export_word)
        buttons.addWidget(self.export_pdf)
        self.audience_menu = QMenu(self)
        self.act_new_blank = self._menu_action("New Blank Audience…", self.new_audience)
        self.act_new_full = self._menu_action("New Audience from the Full Report…",
                                              lambda: self.new_audience(from_full=True))
        self.act_duplicate = self._menu_action("Duplicate…", self.duplicate_audience)
        self.audience_menu.addSeparator()
        self.act_rename = self._menu_action("Rename…", self.rename_audience)
        self.act_reset = self._menu_action("Reset to Default…", self.reset_audience)
        self.act_delete = self._menu_action("Delete…", self.delete_audience)
        # A push button with a menu: its size counts the menu arrow (a tool button's drew over its text).
        self.audience_button = QPushButton("Audience", self)
        self.audience_button.setToolTip("New, duplicate, rename, reset or delete audiences")
        self.audience_button.setMenu(self.audience_menu)
        self.audience_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        picker = QHBoxLayout()
        audience_label = Heading("Au&dience", self)
        audience_label.setBuddy(self.audience_combo)
        named(self.audience_combo, "Audience")
        named(self.tree, "Findings in this briefing", "Space ticks or unticks the selected finding")
        picker.addWidget(audience_label)
        picker.addWidget(self.audience_combo, 1)
        picker.addWidget(self.audience_button)
        # Shown while the selection differs from the saved audience.
        self.selection_state = MutedLabel("", self)
        self.revert_button = QPushButton("Revert", self)
        self.revert_button.setToolTip("Drop the unsaved ticks and order")
        self.revert_button.clicked.connect(self.revert_selection)
        self.save_as_button = QPushButton("Save as New Audience…", self)
        self.save_as_button.clicked.connect(self.save_selection_as_new)
        self.export_once_button = QPushButton(icon("pdf"), "Export This Selection Once…", self)
        self.export_once_button.setToolTip("Export a PDF of the briefing as ticked now; the audience stays as saved")
        self.export_once_button.clicked.connect(self.export_selection_once)
        self.save_button = QPushButton("Save", self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save_selection)
        dirty = QHBoxLayout()
        dirty.addStretch(1)
        dirty.addWidget(self.revert_button)
        dirty.addWidget(self.save_as_button)
        dirty.addWidget(self.export_once_button)
        dirty.addWidget(self.save_button)
        self.dirty_bar = QFrame(self)
        self.dirty_bar.setObjectName("selectionBar")
        self.dirty_bar.setFrameShape(QFrame.Shape.StyledPanel)
        # The state on its own line: beside four buttons it was squeezed into a narrow column.
        bar_layout = QVBoxLayout(self.dirty_bar)
        bar_layout.setContentsMargins(8, 6, 8, 6)
        bar_layout.setSpacing(4)
        bar_layout.addWidget(self.selection_state)
        bar_layout.addLayout(dirty)
        self.dirty_bar.hide()
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(12, 10, 6, 10)
        left_layout.setSpacing(8)
        left_layout.addLayout(picker)
        left_layout.addWidget(self.description)
        selection = QWidget(self)
        selection_layout = QVBoxLayout(selection)
        selection_layout.setContentsMargins(0, 6, 0, 0)
        selection_layout.addWidget(
            MutedLabel("Untick a finding or a whole section to leave it out; drag or press Alt+Up/Down "
                       "to reorder. Changes stay here until you save them.", self)
        )
        selection_layout.addWidget(self.tree, 1)
        selection_layout.addWidget(self.dirty_bar)
        self.form = AudienceForm(self)
        self.form.sig_edited.connect(self._form_edited)
        self.form.sig_save.connect(self.save_form)
        self.form.sig_revert.connect(self._load_form)
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(selection, "Findings")
        self.tabs.addTab(self.form, "Details")
        self.tabs.currentChanged.connect(self._tab_changed)
        left_layout.addWidget(self.tabs, 1)
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

    def _tab_changed(self, index: int) -> None:
        """The Details form needs room its three-column tables can share: widen the left pane to
        FORM_WIDTH when it is narrower (the preview keeps the rest; the user's own wider split stays)."""
        if self.tabs.widget(index) is not self.form:
            return
        left, right = self.splitter.sizes()
        total = left + right
        want = min(FORM_WIDTH, int(total * 0.6))
        if left < want:
            self.splitter.setSizes([want, total - want])

    # ---- Internals: audiences and the tree
    def _loaded(self, result: tuple[list[Audience], list[Finding], list[ChartSpec]]) -> None:
        if self._audience is not None and result == (self._audiences, self._findings, self._charts):
            return  # a refresh that found nothing new: the tree, the edits and the preview stay
        self._audiences, self._findings, self._charts = result
        keys = {a.key for a in self._audiences}
        self._working = {k: t for k, t in self._working.items() if k in keys}
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
        leaving = self._audience
        picked = self._audiences[index]
        if (leaving is not None and leaving.key != picked.key and self._form_dirty
                and not dialogs.confirm_leave(self.form, dirty=True, what=f"the details of “{leaving.name}”",
                                              discard=self._drop_form, save=self.save_form)):
            self.audience_combo.blockSignals(True)  # stay: the form keeps its edits
            self.audience_combo.setCurrentIndex(max(self.audience_combo.findData(leaving.key), 0))
            self.audience_combo.blockSignals(False)
            return
        if leaving is None or leaving.key != picked.key or not self._form_dirty:
            self._audience = picked
            self._load_form()
        self._audience = picked
        self.ctx.settings.last_audience = self._audience.key
        self.description.setText(self._audience.description)
        self.act_reset.setEnabled(self._audience.builtin)
        self.act_delete.setEnabled(not self._audience.builtin)
        self._fill_tree()
        self.schedule_preview()

    def _fill_tree(self) -> None:
        if self._audience is None:
            return
        from briefing.compose import select, validate_template

        template = self.template()
        excluded = set(template.get("excluded") or ())
        # Select with nothing excluded, so unticked findings still show (unticked) in their section.
        everything = validate_template({**template, "excluded": []}, self._audience.sections)
        selection = select(everything, self._findings)
        shown = [(spec, list(found)) for spec, found in selection.sections if found]
        titles = {s.key: s.title for s in self._audience.sections or ()}
        sections = [(spec.title or titles.get(spec.key, spec.key), found) for spec, found in shown]
        closing = everything.what_this_means.key if everything.what_this_means else None
        keys = [None if spec.key == closing else spec.key for spec, _ in shown]
        self.tree.fill(
            [(title, [(f, f.slug not in excluded) for f in found]) for title, found in sections], keys
        )
        included = sum(1 for _, found in sections for f in found if f.slug not in excluded)
        total = sum(len(found) for _, found in sections)
        self.summary.setText(f"{included} of {total} findings in {len(sections)} sections")
        self._show_dirty()

    def _update_summary(self) -> None:
        total = len(self.tree.slugs())
        included = total - len(self.tree.excluded())
        self.summary.setText(f"{included} of {total} findings in {self.tree.topLevelItemCount()} sections")

    def _load_form(self) -> None:
        audience = self._audience
        if audience is None:
            return
        self.form.load(audience, _plain(audience.template), self._findings, self._charts)
        self._form_dirty = False
        self.tabs.setTabText(1, "Details")

    def _drop_form(self) -> None:
        self._form_dirty = False

    def _form_edited(self) -> None:
        self._form_dirty = True
        self.tabs.setTabText(1, "Details •")

    def _show_dirty(self) -> None:
        audience = self._audience
        dirty = audience is not None and audience.key in self._working
        self.dirty_bar.setVisible(dirty)
        if dirty and audience is not None:
            saved = set(_plain(audience.template).get("excluded") or ())
            now = set(self._working[audience.key].get("excluded") or ())
            parts = []
            if now - saved:
                parts.append(f"{len(now - saved)} left out")
            if saved - now:
                parts.append(f"{len(saved - now)} put back")
            if (self._working[audience.key].get("order") or []) != (_plain(audience.template).get("order") or []):
                parts.append("reordered")
            self.selection_state.setText(f"Unsaved selection ({', '.join(parts) or 'changed'})")
            self.save_button.setText(f"Save to “{_short(audience.name, 24)}”")

    def _toggled(self, slugs: list[str], included: bool) -> None:
        audience = self._audience
        if audience is None or not slugs:
            return
        before = self.template()
        excluded = [s for s in before.get("excluded") or () if s not in slugs]
        if not included:
            excluded += slugs
        after = {**before, "excluded": excluded}
        what = f"“{_short(self.tree.title_of(slugs[0]))}”" if len(slugs) == 1 else f"{len(slugs)} findings"
        text = f"{'Include' if included else 'Leave out'} {what} for {audience.name}"
        self._change_selection(after, text, focus=self._focus_on(slugs[0], included))

    def _reordered(self, slugs: list[str]) -> None:
        audience = self._audience
        if audience is None:
            return
        item = self.tree.currentItem()
        moved = item.data(0, SLUG_ROLE) if item is not None else None
        after = {**self.template(), "order": slugs}
        self._change_selection(after, f"Reorder the briefing for {audience.name}",
                               focus=self._focus_on(moved, True) if moved else "")

    def _sections_moved(self, keys: list[str]) -> None:
        """The shown sections in their new order; sections that show nothing keep their places."""
        audience = self._audience
        if audience is None:
            return
        template = self.template()
        raw = [({"key": r} if isinstance(r, str) else dict(r))
               for r in (template.get("sections") or [{"key": s.key} for s in audience.sections or ()])]
        by_key = {r.get("key"): r for r in raw}
        places = [i for i, r in enumerate(raw) if r.get("key") in keys]
        moved = [by_key[k] for k in keys if k in by_key]
        for place, section in zip(places, moved):
            raw[place] = section
        item = self.tree.currentItem()
        title = item.text(0) if item is not None else ""
        self._change_selection({**template, "sections": raw}, f"Move “{_short(title)}” for {audience.name}",
                               focus=title)

    def _change_selection(self, after: dict[str, Any], text: str, focus: str = "", *, refill: bool = False) -> None:
        """One undoable step in the working selection (nothing is written)."""
        audience = self._audience
        if audience is None:
            return
        before = self.template()
        self.set_working(audience.key, after, focus, refill=refill)
        self.ctx.undo.push(SelectionCommand(self, audience.key, before, after, text, focus))
        self.ctx.events.sig_message.emit(text)

    def _focus_on(self, slug: str, included: bool) -> str:
        """The words the preview should show after a change to `slug`: the finding itself, or, when it
        was left out, the next finding still in its section, else the section's heading."""
        item = self.tree.item_for(slug)
        if item is None:
            return ""
        if included:
            return self._opening(slug)
        parent = item.parent()
        if parent is None:
            return self._opening(slug)
        siblings = [c for j in range(parent.childCount()) if (c := parent.child(j)) is not None]
        after = siblings[siblings.index(item) + 1:] + siblings[: siblings.index(item)][::-1]
        kept = next((s for s in after if s.checkState(0) == Qt.CheckState.Checked), None)
        return self._opening(kept.data(0, SLUG_ROLE)) if kept is not None else parent.text(0)

    def _opening(self, slug: str) -> str:
        """The first words the briefing prints of a finding: its text's, for the title is printed only
        when the text does not say it again (compose's editing pass). Cut at the first sentence's end,
        where a citation marker may follow, and kept short enough to stay on one page."""
        finding = next((f for f in self._findings if f.slug == slug), None)
        if finding is None or self._audience is None:
            return self.tree.title_of(slug)
        words = re.split(r"(?<=[.!?…])\s", finding.wording_for(self._audience.key).strip())[0].split()
        out: list[str] = []
        for word in words:
            if len(" ".join([*out, word])) > 50:
                break
            out.append(word)
        return " ".join(out).rstrip(".!?…")

    def _save_template(
        self, audience: Audience, before: dict[str, Any], after: dict[str, Any], text: str
    ) -> None:
        service = self.ctx.service

        def saved(updated: Audience) -> None:
            self._working.pop(audience.key, None)
            self.ctx.undo.push(SaveSelectionCommand(self, audience.key, before, after, text))
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
        # Created, renamed, reset or deleted too: re-read the list (the combo shows names).
        self.refresh()

    def _create_audience(self, name: str, description: str, template: dict[str, Any], title: str,
                         keep_from: str = "") -> None:
        """Ask for a name, then create the audience with `template` and switch to it."""
        typed = dialogs.ask_text(self, title, "Name of the new audience:", name)
        if typed is None:
            return
        service = self.ctx.service

        def work(_t: Token) -> Audience:
            cleaned = typed.strip()
            # A copy keeps its cover title; a blank audience's cover shows its name.
            after = {**template, "title": template.get("title") or cleaned or "Briefing"}
            return service.create_audience(service.free_audience_key(cleaned), cleaned, description, after)

        def done(created: Audience) -> None:
            if keep_from:
                self._working.pop(keep_from, None)  # the variant keeps the edits; the original stays saved
            self.ctx.settings.last_audience = created.key
            self._audience = None  # _loaded then picks last_audience
            self._push_record(None, created, f"New audience “{_short(created.name)}”")

        self.ctx.ops.write(work, label="Create audience", success=done,
                           failure=self._refused("Could not create the audience"))

    def _push_record(self, before: Audience | None, after: Audience | None, text: str) -> None:
        self.ctx.undo.push(AudienceRecordCommand(self.ctx, before, after, text))
        changed = after or before
        if changed is not None:
            self.ctx.events.sig_audience_changed.emit(changed.key)
        self.ctx.events.sig_message.emit(text)

    def _refused(self, title: str) -> Any:
        """A failed audience write: a bad name is shown naming the field; anything else as an error."""
        def failed(failure: Failure) -> None:
            from briefing.domain.errors import ValidationError

            if isinstance(failure.error, ValidationError):
                dialogs.show_error(self, title, "; ".join(f"{e.field}: {e.message}" for e in failure.error.errors))
            else:
                self.ctx.events.sig_error.emit(title, failure)
        return failed

    def _menu_action(self, text: str, slot: Any) -> QAction:
        action = self.audience_menu.addAction(text)
        action.triggered.connect(lambda _checked=False: slot())
        return action

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

        job = ExportJob(service.database_url, audience.key, "pdf", str(target), author,
                        self._working.get(audience.key), service.report_key)
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
            found = self._page_showing(self._focus) if self._focus else None
            self._focus = ""
            page = found if found is not None else min(page, self.pdf.pageCount() - 1)
            self.pdf_view.pageNavigator().jump(page, QPointF(), 0)
        self.preview_stack.setCurrentWidget(self.pdf_view)
        self.preview_status.setText("Up to date")
        self.pages.setText(f"{self.pdf.pageCount()} pages")

    def preview_page(self) -> int:
        return self.pdf_view.pageNavigator().currentPage()

    def _page_showing(self, title: str) -> int | None:
        """The first page after the cover and contents whose text holds `title` (pdfium's text, fast)."""
        want = " ".join(title.split())
        for i in range(1, self.pdf.pageCount()):
            text = " ".join(self.pdf.getAllText(i).text().split())
            if want in text and not text.startswith("Contents"):
                return i
        return None

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

        template = self._working.get(audience.key)  # a selection exported once, unsaved
        job = ExportJob(service.database_url, audience.key, fmt, str(path), author, template, service.report_key)
        exporter = self.ctx.exporter

        def work(token: Token) -> Any:
            if problems is None:
                token.progress(0.0, f"Checking the numbers in the {audience.name} briefing…")
                try:
                    found = check_audience(service, audience.key, template)
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
            if template is not None:
                summary += f"\nThe selection was exported once; the {audience.name} audience is unchanged."
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
