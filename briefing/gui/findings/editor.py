"""FindingEditor: the form for one finding, with inline errors from the service, Save and Revert."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from briefing.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from briefing.domain.model import (
    Audience,
    ClaimKind,
    Finding,
    FindingDraft,
    Section,
    Source,
    SourceDraft,
)
from briefing.gui import dialogs
from briefing.gui.context import AppContext
from briefing.gui.findings.compare import compare
from briefing.gui.findings.history import HistoryDialog
from briefing.gui.findings.metrics import FIELDS as METRIC_FIELDS
from briefing.gui.findings.metrics import HEADERS as METRIC_HEADERS
from briefing.gui.findings.metrics import MetricRow, MetricsModel, ScaleDelegate
from briefing.gui.findings.sources_picker import SourcesPicker
from briefing.gui.icons import icon
from briefing.gui.undo import CreateFindingCommand, EditFindingCommand
from briefing.gui.widgets import (
    DATE_HINT,
    ErrorLabel,
    Heading,
    MutedLabel,
    buddy_label,
    named,
    one_tab_stop,
    with_error,
)
from briefing.gui.workers import Failure

# Which error label shows a service error, by the first part of its dotted field path.
_TOP_FIELDS = (
    "title",
    "statement",
    "section",
    "kind",
    "tags",
    "as_of",
    "sources",
    "metrics",
    "slug",
)


class FindingEditor(QWidget):
    """Edits one finding (or a new one); saving and reloading run as operations."""

    # ---- Signals
    sig_dirty_changed = Signal(bool)
    """The form now differs from (True) or matches (False) what was loaded."""
    sig_saved = Signal(object)
    """A save went through; carries the saved Finding."""
    sig_loaded = Signal(object)
    """A finding (or None for a new one) was put into the form."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._finding: Finding | None = None
        self._baseline: FindingDraft | None = None
        self._dirty = False
        self._saving = False
        self._loading = False
        self._audiences: list[Audience] = []
        self._wording_edits: dict[str, QPlainTextEdit] = {}
        # Edits set aside by "Take theirs", by finding id: the bar offers them back on that finding.
        self._set_aside: dict[int, FindingDraft] = {}
        self._stale = False
        self._build()
        self._build_notice()
        self.load(None)
        ctx.events.sig_finding_saved.connect(self._finding_saved_elsewhere)
        ctx.events.sig_finding_deleted.connect(self._finding_deleted_elsewhere)

    # ---- Public API
    def finding(self) -> Finding | None:
        return self._finding

    def is_dirty(self) -> bool:
        return self._dirty

    def is_saving(self) -> bool:
        return self._saving

    def set_sections(self, sections: Sequence[Section]) -> None:
        """The current report's sections, in reading order, for the Section combo."""
        current = self._section.currentData()
        self._sections: tuple[Section, ...] = tuple(sections)
        self._section.blockSignals(True)
        self._section.clear()
        for s in self._sections:
            self._section.addItem(s.short or s.title, s.key)
            self._section.setItemData(self._section.count() - 1, s.title, Qt.ItemDataRole.ToolTipRole)
        self._section.setCurrentIndex(max(0, self._section.findData(current)))
        self._section.blockSignals(False)
        if self._finding is not None and not self._dirty:
            self.load(self._finding)

    def set_audiences(self, audiences: Sequence[Audience]) -> None:
        texts = self._wordings_from_widgets()
        self._audiences = list(audiences)
        self._tabs.clear()  # removes the pages but leaves them alive: delete them too
        for old in self._wording_edits.values():
            old.deleteLater()
        self._wording_edits.clear()
        for a in self._audiences:
            edit = QPlainTextEdit(self._tabs)
            edit.setPlaceholderText(
                f"How {a.name} reads this finding. Empty: the statement above is used."
            )
            edit.setPlainText(texts.get(a.key, ""))
            edit.setTabChangesFocus(True)
            named(edit, f"Wording for {a.name}")
            edit.textChanged.connect(self._changed)
            self._wording_edits[a.key] = edit
            self._tabs.addTab(edit, a.name)
            self._tabs.setTabToolTip(self._tabs.count() - 1, a.description)
        if self._finding is not None and not self._dirty:
            self.load(self._finding)

    def _create_source(self, draft: SourceDraft) -> None:
        """The picker's New Source…: save it (one undoable step), then tick it in this finding."""
        from briefing.gui.undo import CreateSourceCommand

        service = self.ctx.service

        def saved(source: Source) -> None:
            self.ctx.undo.push(CreateSourceCommand(self.ctx, source))
            self._sources.add_created(source)
            self.ctx.events.sig_sources_changed.emit()
            self.ctx.events.sig_message.emit(f"Added source “{source.publisher}: {source.title}”")

        def failed(failure: Failure) -> None:
            if isinstance(failure.error, ValidationError):
                self._sources.show_errors(failure.error)
            else:
                self.ctx.events.sig_error.emit("Could not add the source", failure)

        self.ctx.ops.write(lambda _t: service.create_source(draft), label="New source",
                           success=saved, failure=failed)

    def set_sources(self, sources: Sequence[Source]) -> None:
        selected = self._sources.selected()
        self._sources.blockSignals(True)
        self._sources.set_sources(sources)
        self._sources.set_selected(selected)
        self._sources.blockSignals(False)

    def load(self, finding: Finding | None, *, section: str | None = None) -> None:
        """Show `finding` (None: a blank new finding); discards any edits without asking."""
        self._loading = True
        self._finding = finding
        self._clear_errors()
        if finding is None:
            self._heading.setText("New finding")
            self._meta.setText("Fill in at least a title, a statement and a section, then save.")
            self._title.clear()
            self._statement.clear()
            self._select(self._section, section or self._section.itemData(0) or "")
            self._select(self._kind, ClaimKind.REPORTED.value)
            self._tags.clear()
            self._as_of.clear()
            self._sources.set_selected(())
            self._metrics.set_rows([])
            for edit in self._wording_edits.values():
                edit.clear()
        else:
            self._heading.setText(finding.title)
            updated = finding.updated_at or finding.created_at
            when = f" · updated {updated:%Y-%m-%d %H:%M}" if updated else ""
            self._meta.setText(f"{finding.slug} · version {finding.version}{when}")
            self._title.setText(finding.title)
            self._title.setCursorPosition(0)
            self._statement.setPlainText(finding.statement)
            self._select(self._section, finding.section)
            self._select(self._kind, finding.kind.value)
            self._tags.setText(", ".join(finding.tags))
            self._as_of.setText(finding.as_of.isoformat() if finding.as_of else "")
            self._sources.set_selected([s.id for s in finding.sources])
            self._metrics.set_rows([MetricRow.from_metric(m) for m in finding.metrics])
            for key, edit in self._wording_edits.items():
                edit.setPlainText(finding.wordings.get(key, ""))
        self._loading = False
        self._baseline = self.draft()
        self._stale = False
        if finding is not None and finding.id in self._set_aside:
            self._show_notice("Showing their version. Your edits were set aside.", "&Restore My Edits",
                              self.restore_set_aside)
        elif finding is not None and finding.carried_over:
            self._show_notice("Carried over from the previous edition, not yet reviewed. Confirm it as it "
                              "stands, or edit and save it.", "&Confirm", self.confirm_carried_over)
        else:
            self._notice.hide()
        self._set_dirty(False)
        self.sig_loaded.emit(finding)

    def draft(self) -> FindingDraft:
        """The form as the service will receive it: raw text, parsed and checked over there."""
        return FindingDraft(
            title=self._title.text(),
            statement=self._statement.toPlainText(),
            section=str(self._section.currentData() or ""),
            kind=str(self._kind.currentData() or ""),
            tags=self._tags.text(),
            as_of=self._as_of.text().strip() or None,
            source_ids=self._sources.selected(),
            metrics=tuple(r.draft() for r in self._metrics.rows()),
            wordings={k: v for k, v in self._wordings_from_widgets().items() if v.strip()},
            slug=self._finding.slug if self._finding else None,
        )

    def save(self, then: Callable[[], object] | None = None) -> None:
        """Validate and save through the service; `then` runs after a successful save."""
        if self._saving:
            return
        draft = self.draft()
        before = self._finding
        service = self.ctx.service
        self._set_saving(True)

        def work(_token: object) -> Finding:
            if before is None:
                return service.create_finding(draft)
            return service.update_finding(before.id, draft, before.version)

        def saved(result: Finding) -> None:
            self._set_saving(False)
            if before is None:
                self.ctx.undo.push(CreateFindingCommand(self.ctx, result))
                self.ctx.events.sig_message.emit(f"Created “{result.title}”")
            else:
                self.ctx.undo.push(EditFindingCommand(self.ctx, before, result))
                self.ctx.events.sig_message.emit(
                    f"Saved “{result.title}” (version {result.version})"
                )
            self.load(result)
            self.ctx.events.sig_finding_saved.emit(result)
            self.sig_saved.emit(result)
            if then is not None:
                then()

        def failed(failure: Failure) -> None:
            self._set_saving(False)
            self._save_failed(failure, draft)

        self.ctx.ops.write(work, label="Save finding", success=saved, failure=failed)

    def open_history(self) -> HistoryDialog | None:
        """The saved finding's history beside the form (window-modal); returns the dialog."""
        if self._finding is None:
            return None
        dialog = HistoryDialog(self.ctx, self._finding, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def revert(self) -> None:
        self.load(self._finding)
        self.ctx.events.sig_message.emit("Reverted to the saved version")

    def confirm_leave(self, then: Callable[[], object]) -> bool:
        """True if the form may be left now. Otherwise asks; on "Save", `then` runs once saved."""
        what = f"“{self._finding.title}”" if self._finding else "the new finding"
        return dialogs.confirm_leave(self, dirty=self._dirty, what=what,
                                     discard=lambda: self.load(self._finding), save=lambda: self.save(then=then))

    def compare(self, mine: FindingDraft | None = None) -> None:
        """Read the saved version, show it beside `mine` (the form by default) and settle the
        conflict as the user picks: keep mine, take theirs, or save mine as a copy."""
        current = self._finding
        if current is None:
            return
        mine = mine if mine is not None else self.draft()
        service = self.ctx.service

        def got(theirs: Finding) -> None:
            if self._finding is None or self._finding.id != current.id:
                return  # the user moved on meanwhile
            self._settle(mine, theirs)

        def failed(failure: Failure) -> None:
            if isinstance(failure.error, NotFoundError):
                self._deleted_while_editing(failure)
            else:
                self.ctx.events.sig_error.emit("Could not read the saved finding", failure)

        self.ctx.ops.run(lambda _t: service.get_finding(current.id), label="Read the saved finding",
                         success=got, failure=failed)

    def reload_from_database(self) -> None:
        """F5 and changes from elsewhere: a clean form shows the saved version; a dirty form keeps
        the edits and, if the record moved on, says so with a way to compare."""
        current = self._finding
        if current is None or self._saving:
            return
        service = self.ctx.service

        def got(saved: Finding) -> None:
            if self._finding is None or self._finding.id != saved.id or self._saving:
                return
            if not self._dirty:
                if saved != self._finding:
                    self.load(saved)
                    self.ctx.events.sig_message.emit(
                        f"“{_short(saved.title)}” was changed elsewhere; showing version {saved.version}")
            elif saved.version != self._finding.version:
                self._stale = True
                self._show_notice("This finding changed elsewhere. Your edits are kept.", "Co&mpare…",
                                  self.compare)

        def failed(failure: Failure) -> None:
            if not isinstance(failure.error, NotFoundError):
                self.ctx.events.sig_error.emit("Could not reload the finding", failure)
            elif self._finding is not None and self._finding.id == current.id:
                if self._dirty:
                    self._show_notice("This finding was deleted elsewhere. Save it as a new finding or "
                                      "revert.", "Save as &New", self._save_as_copy_of_form)
                else:
                    self._finding_deleted_elsewhere(current.id)

        self.ctx.ops.run(lambda _t: service.get_finding(current.id), label="Reload finding",
                         success=got, failure=failed)

    def is_stale(self) -> bool:
        """The form holds edits over a version someone else has since replaced."""
        return self._stale

    def notice(self) -> str:
        """The text of the bar above the form ("" when hidden); tests and screen readers read it."""
        return "" if self._notice.isHidden() else self._notice_label.text()

    def restore_set_aside(self) -> None:
        """Put back the edits set aside by "Take theirs": the form is dirty again, over theirs."""
        draft = self._set_aside.pop(self._finding.id, None) if self._finding is not None else None
        if draft is None:
            return
        self._notice.hide()
        self._fill(draft)
        self.ctx.events.sig_message.emit("Your edits are back in the form; save to keep them")

    def remove_selected_metrics(self, focus: QWidget | None = None) -> None:
        """Remove the metric rows selected in the sub-table (when it, or `focus`, is the table)."""
        if focus is None or focus is self._metrics_view or self._metrics_view.isAncestorOf(focus):
            self._remove_metrics()

    def show_errors(self, errors: Sequence[FieldError]) -> None:
        self._clear_errors()
        by_label: dict[str, list[str]] = {}
        metric_cells: dict[tuple[int, str], str] = {}
        general: list[str] = []
        for e in errors:
            head, _, rest = e.field.partition(".")
            if head == "metrics" and rest:
                row_text, _, name = rest.partition(".")
                if row_text.isdigit() and name:
                    metric_cells[(int(row_text), name)] = e.message
                    label = METRIC_HEADERS.get(name, name)
                    by_label.setdefault("metrics", []).append(
                        f"Row {int(row_text) + 1}, {label}: {e.message}"
                    )
                    continue
            if head == "wordings" and rest in self._wording_edits:
                by_label.setdefault(f"wordings.{rest}", []).append(e.message)
                continue
            if head in _TOP_FIELDS:
                by_label.setdefault(head, []).append(e.message)
            else:
                general.append(str(e))
        for key, messages in by_label.items():
            if key.startswith("wordings."):
                audience = key.split(".", 1)[1]
                name = next((a.name for a in self._audiences if a.key == audience), audience)
                self._wording_error.show_messages([f"{name}: {m}" for m in messages])
                self._tabs.setCurrentWidget(self._wording_edits[audience])
            elif key == "slug":
                self._errors["title"].show_messages([f"Short name (slug) {m}" for m in messages])
            else:
                self._errors[key].show_messages(messages)
        self._metrics.set_errors(metric_cells)
        if general:
            self._general_error.show_messages(general)
        first = next(iter(by_label), None)
        if first in self._focus_targets:
            self._focus_targets[first].setFocus()
        elif first == "metrics" and metric_cells:
            row, name = min(metric_cells)
            index = self._metrics.index(
                row, METRIC_FIELDS.index(name) if name in METRIC_FIELDS else 0
            )
            self._metrics_view.setCurrentIndex(index)
            self._metrics_view.setFocus()

    def field_error(self, name: str) -> str:
        """The message shown for a field ("" if none); tests and accessibility read it."""
        if name.startswith("wordings"):
            label = self._wording_error
        else:
            label = self._errors.get(name, self._general_error)
        return "" if label.isHidden() else label.text()

    # ---- Widgets
    def _build(self) -> None:
        self._heading = Heading("", self, scale=1.35)
        self._heading.setWordWrap(True)
        self._meta = MutedLabel("", self)
        self._general_error = ErrorLabel(self)

        self._title = QLineEdit(self)
        self._title.setPlaceholderText("One line a reader can quote")
        self._statement = QPlainTextEdit(self)
        self._statement.setPlaceholderText("The finding as the report states it")
        self._statement.setTabChangesFocus(True)
        self._statement.setMinimumHeight(72)
        self._statement.setMaximumHeight(96)
        self._section = QComboBox(self)  # the report's own sections: set_sections
        self._sections = ()  # typed in set_sections
        self._kind = QComboBox(self)
        for k in ClaimKind:
            self._kind.addItem(k.label, k.value)
        self._tags = QLineEdit(self)
        self._tags.setPlaceholderText("tokens, usage, china")
        self._as_of = QLineEdit(self)
        self._as_of.setPlaceholderText(DATE_HINT)
        self._as_of.setMaximumWidth(200)
        self._sources = SourcesPicker(self)
        self._sources.sig_create.connect(self._create_source)

        self._metrics = MetricsModel(self)
        self._metrics_view = QTableView(self)
        self._metrics_view.setModel(self._metrics)
        self._metrics_view.setItemDelegateForColumn(
            METRIC_FIELDS.index("scale"), ScaleDelegate(self._metrics_view)
        )
        self._metrics_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._metrics_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        self._metrics_view.setAlternatingRowColors(True)
        one_tab_stop(self._metrics_view)
        self._metrics_view.verticalHeader().setDefaultSectionSize(
            self._metrics_view.fontMetrics().height() + 10
        )
        self._metrics_view.setMinimumHeight(120)
        self._metrics_view.setMaximumHeight(170)
        header = self._metrics_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for name, width in (
            ("label", 150),
            ("value", 72),
            ("unit", 64),
            ("scale", 80),
            ("entity", 90),
            ("period", 72),
            ("as_of", 90),
        ):
            self._metrics_view.setColumnWidth(METRIC_FIELDS.index(name), width)
        add = QToolButton(self)
        add.setIcon(icon("add"))
        add.setToolTip("Add a metric")
        named(add, "Add a metric")
        add.clicked.connect(self._add_metric)
        remove = QToolButton(self)
        remove.setIcon(icon("remove"))
        remove.setToolTip("Remove the selected metrics")
        named(remove, "Remove the selected metrics")
        remove.clicked.connect(self._remove_metrics)
        self._remove_metric_button = remove

        self._tabs = QTabWidget(self)
        self._tabs.setDocumentMode(True)
        self._tabs.setMinimumHeight(120)
        self._wording_error = ErrorLabel(self)

        self._errors: dict[str, ErrorLabel] = {
            name: ErrorLabel(self) for name in _TOP_FIELDS if name != "slug"
        }
        self._focus_targets: dict[str, QWidget] = {
            "title": self._title,
            "statement": self._statement,
            "section": self._section,
            "kind": self._kind,
            "tags": self._tags,
            "as_of": self._as_of,
            "sources": self._sources.checklist,
        }

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(6)
        # Each label's buddy is the input itself (a wrapper cannot take focus, so Alt+letter did
        # nothing), and names it for screen readers. Alt+F/E/V/H belong to the menu bar.
        form.addRow(buddy_label("&Title", self._title, self),
                    with_error(self._title, self._errors["title"]))
        form.addRow(buddy_label("&Statement", self._statement, self),
                    with_error(self._statement, self._errors["statement"]))
        row = QHBoxLayout()
        row.addWidget(self._section, 2)
        kind_label = buddy_label("Claim &kind", self._kind, self)
        row.addSpacing(12)
        row.addWidget(kind_label)
        row.addWidget(self._kind, 1)
        row_widget = QWidget(self)
        row_widget.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        section_box = QVBoxLayout()
        section_box.setContentsMargins(0, 0, 0, 0)
        section_box.setSpacing(2)
        section_box.addWidget(row_widget)
        section_box.addWidget(self._errors["section"])
        section_box.addWidget(self._errors["kind"])
        section_widget = QWidget(self)
        section_widget.setLayout(section_box)
        form.addRow(buddy_label("Se&ction", self._section, self), section_widget)
        form.addRow(buddy_label("Ta&gs", self._tags, self), with_error(self._tags, self._errors["tags"]))
        form.addRow(buddy_label("&As of", self._as_of, self),
                    with_error(self._as_of, self._errors["as_of"]))
        form.addRow(buddy_label("Sou&rces", self._sources.checklist, self),
                    with_error(self._sources, self._errors["sources"]))

        metrics_head = QHBoxLayout()
        metrics_label = Heading("&Metrics", self)
        metrics_label.setBuddy(self._metrics_view)
        named(self._metrics_view, "Metrics")
        metrics_head.addWidget(metrics_label)
        metrics_head.addWidget(
            MutedLabel("The numbers this finding states; charts read them from here.", self), 1
        )
        metrics_head.addWidget(add)
        metrics_head.addWidget(remove)

        wording_head = QHBoxLayout()
        wording_label = Heading("&Wording per audience", self)
        wording_label.setBuddy(self._tabs)
        named(self._tabs, "Wording per audience")
        wording_head.addWidget(wording_label)
        wording_head.addStretch(1)

        body = QWidget(self)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(16, 12, 16, 12)
        body_layout.setSpacing(8)
        body_layout.addWidget(self._heading)
        body_layout.addWidget(self._meta)
        body_layout.addWidget(self._general_error)
        body_layout.addSpacing(4)
        body_layout.addLayout(form)
        body_layout.addSpacing(6)
        body_layout.addLayout(metrics_head)
        body_layout.addWidget(self._metrics_view)
        body_layout.addWidget(self._errors["metrics"])
        body_layout.addSpacing(6)
        body_layout.addLayout(wording_head)
        body_layout.addWidget(self._tabs)
        body_layout.addWidget(self._wording_error)
        body_layout.addStretch(1)

        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        # Not a Tab stop of its own: it scrolls to whichever field Tab reaches.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)

        self._status = MutedLabel("", self)
        self._status.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._revert_button = QPushButton(icon("revert"), "Revert", self)
        self._revert_button.setToolTip("Discard your edits and show the saved version")
        self._revert_button.clicked.connect(self.revert)
        self._history_button = QPushButton("History…", self)
        self._history_button.setObjectName("historyButton")
        self._history_button.setToolTip("Who changed this finding, when, and what; restore an earlier version")
        self._history_button.clicked.connect(self.open_history)
        self._save_button = QPushButton(icon("save"), "Save", self)
        self._save_button.setDefault(True)
        self._save_button.setToolTip("Save this finding (Ctrl+S)")
        self._save_button.clicked.connect(lambda: self.save())
        buttons = QHBoxLayout()
        buttons.setContentsMargins(16, 8, 16, 10)
        buttons.addWidget(self._status, 1)
        buttons.addWidget(self._history_button)
        buttons.addWidget(self._revert_button)
        buttons.addWidget(self._save_button)
        bar = QFrame(self)
        bar.setObjectName("editorButtonBar")
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        bar.setLayout(buttons)

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(scroll, 1)
        outer.addWidget(bar)

        for w in (self._title, self._tags, self._as_of):
            w.textChanged.connect(self._changed)
        self._statement.textChanged.connect(self._changed)
        self._section.currentIndexChanged.connect(self._changed)
        self._kind.currentIndexChanged.connect(self._changed)
        self._sources.sig_changed.connect(self._changed)
        self._metrics.dataChanged.connect(self._changed)
        self._metrics.rowsInserted.connect(self._changed)
        self._metrics.rowsRemoved.connect(self._changed)
        self._metrics_view.selectionModel().selectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # ---- Internals
    def _wordings_from_widgets(self) -> dict[str, str]:
        return {k: e.toPlainText() for k, e in self._wording_edits.items()}

    def _changed(self, *_args: object) -> None:
        if self._loading or self._baseline is None:
            return
        self._set_dirty(self.draft() != self._baseline)

    def _set_dirty(self, dirty: bool) -> None:
        changed = dirty != self._dirty
        self._dirty = dirty
        self._update_buttons()
        if changed:
            self.sig_dirty_changed.emit(dirty)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self._update_buttons()

    def _update_buttons(self, *_args: object) -> None:
        # Nothing typed, nothing to save: a blank new form does not offer Save either.
        self._save_button.setEnabled(self._dirty and not self._saving)
        self._revert_button.setEnabled(self._dirty and not self._saving)
        self._history_button.setEnabled(self._finding is not None)
        self._remove_metric_button.setEnabled(self._metrics_view.selectionModel().hasSelection())
        if self._saving:
            self._status.setText("Saving…")
        elif self._dirty:
            self._status.setText("Unsaved changes")
        elif self._finding is not None:
            self._status.setText("All changes saved")
        else:
            self._status.setText("")

    def _clear_errors(self) -> None:
        for label in self._errors.values():
            label.clear_error()
        self._general_error.clear_error()
        self._wording_error.clear_error()
        self._metrics.set_errors({})

    def _save_failed(self, failure: Failure, draft: FindingDraft) -> None:
        error = failure.error
        if isinstance(error, ValidationError):
            self.show_errors(error.errors)
            count = len(error.errors)
            self.ctx.events.sig_message.emit(
                f"Not saved: {count} field{'s' if count != 1 else ''} need{'s' if count == 1 else ''} attention"
            )
            return
        if isinstance(error, ConflictError) and self._finding is not None:
            self.ctx.events.sig_message.emit("Not saved: someone else changed this finding")
            self.compare(draft)
            return
        if isinstance(error, NotFoundError):
            self._deleted_while_editing(failure)
            return
        self.ctx.events.sig_error.emit("Could not save the finding", failure)

    def _build_notice(self) -> None:
        """The bar above the form: "changed elsewhere" with Compare, or edits set aside."""
        bar = QFrame(self)
        bar.setObjectName("editorNotice")
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        bar.setAutoFillBackground(True)
        palette = bar.palette()
        palette.setColor(palette.ColorRole.Window, palette.color(palette.ColorRole.ToolTipBase))
        palette.setColor(palette.ColorRole.WindowText, palette.color(palette.ColorRole.ToolTipText))
        bar.setPalette(palette)
        self._notice_label = QLabel("", bar)
        self._notice_label.setWordWrap(True)
        self._notice_button = QPushButton("", bar)
        self._notice_button.clicked.connect(lambda: self._notice_action())
        self._notice_action: Callable[[], None] = lambda: None
        close = QToolButton(bar)
        close.setIcon(icon("remove"))
        close.setToolTip("Hide this message")
        close.setAccessibleName("Hide this message")
        close.clicked.connect(bar.hide)
        row = QHBoxLayout(bar)
        row.setContentsMargins(16, 6, 8, 6)
        row.addWidget(self._notice_label, 1)
        row.addWidget(self._notice_button)
        row.addWidget(close)
        bar.setAccessibleName("Notice")
        bar.hide()
        self._notice = bar
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(0, bar)

    def _show_notice(self, text: str, button: str, action: Callable[[], None]) -> None:
        self._notice_label.setText(text)
        self._notice_button.setText(button)
        self._notice_action = action
        self._notice.show()

    def _settle(self, mine: FindingDraft, theirs: Finding) -> None:
        pairs = compare(mine, theirs, sources=self._sources.sources(), audiences=self._audiences,
                        sections=self._sections)
        choice = dialogs.resolve_conflict(self.window(), f"“{_short(theirs.title)}”", pairs,
                                          f"Theirs (version {theirs.version})")
        if choice is dialogs.Resolution.KEEP_MINE:
            self._keep_mine(mine, theirs)
        elif choice is dialogs.Resolution.TAKE_THEIRS:
            self._set_aside[theirs.id] = mine
            self.load(theirs)  # shows the bar offering them back
            self.ctx.events.sig_finding_saved.emit(theirs)
            self.ctx.events.sig_message.emit(f"Took their version {theirs.version}; your edits are set aside")
        elif choice is dialogs.Resolution.SAVE_COPY:
            self._save_copy(mine, theirs)
        else:
            self.ctx.events.sig_message.emit("Still editing; nothing was saved")

    def _keep_mine(self, mine: FindingDraft, theirs: Finding) -> None:
        """Save mine over theirs: one undo step brings theirs back."""
        service = self.ctx.service
        self._set_saving(True)

        def saved(result: Finding) -> None:
            self._set_saving(False)
            self.ctx.undo.push(EditFindingCommand(self.ctx, theirs, result,
                                                  text=f"Keep my version of “{_short(result.title)}”"))
            self.load(result)
            self.ctx.events.sig_finding_saved.emit(result)
            self.sig_saved.emit(result)
            self.ctx.events.sig_message.emit(f"Saved your version over theirs (version {result.version})")

        def failed(failure: Failure) -> None:
            self._set_saving(False)
            self._save_failed(failure, mine)

        self.ctx.ops.write(lambda _t: service.update_finding(theirs.id, mine, theirs.version),
                           label="Save finding", success=saved, failure=failed)

    def _save_copy(self, mine: FindingDraft, theirs: Finding | None) -> None:
        """Save mine as a new finding; theirs stays as it is. The copy's slug is the original's
        with the first free "-2", "-3"… (the original's own, if it was deleted meanwhile)."""
        service = self.ctx.service
        draft = mine
        self._set_saving(True)

        def saved(result: Finding) -> None:
            self._set_saving(False)
            self.ctx.undo.push(CreateFindingCommand(self.ctx, result))
            if theirs is not None:
                self.ctx.events.sig_finding_saved.emit(theirs)
            self.load(result)
            self.ctx.events.sig_finding_saved.emit(result)
            self.sig_saved.emit(result)
            self.ctx.events.sig_message.emit(f"Saved your version as a new finding “{result.slug}”")

        def failed(failure: Failure) -> None:
            self._set_saving(False)
            self._save_failed(failure, mine)

        self.ctx.ops.write(lambda _t: service.create_finding(draft, fresh_slug=True),
                           label="Save as a new finding", success=saved, failure=failed)

    def _save_as_copy_of_form(self) -> None:
        self._save_copy(self.draft(), None)

    def _deleted_while_editing(self, failure: Failure) -> None:
        self.ctx.events.sig_message.emit("Not saved: the finding no longer exists")
        dialogs.show_error(
            self.window(),
            "Finding deleted",
            "This finding was deleted elsewhere; save it as a new finding or revert.",
            failure.details,
        )
        self._show_notice("This finding was deleted elsewhere. Your edits are kept.", "Save as &New",
                          self._save_as_copy_of_form)

    def _fill(self, draft: FindingDraft) -> None:
        """Put a draft's values into the widgets, keeping the loaded baseline (so the form is dirty)."""
        self._title.setText(draft.title)
        self._statement.setPlainText(draft.statement)
        self._select(self._section, str(draft.section))
        self._select(self._kind, str(draft.kind))
        self._tags.setText(draft.tags if isinstance(draft.tags, str) else ", ".join(draft.tags))
        self._as_of.setText(str(draft.as_of or ""))
        self._sources.set_selected(list(draft.source_ids))
        self._metrics.set_rows([MetricRow.from_draft(m) for m in draft.metrics])
        for key, edit in self._wording_edits.items():
            edit.setPlainText(draft.wordings.get(key, ""))
        self._changed()

    def confirm_carried_over(self) -> None:
        """The analyst has reviewed the carried-over finding as it stands: it is no longer marked."""
        finding = self._finding
        if finding is None or not finding.carried_over:
            return
        ctx = self.ctx

        def done(confirmed: Finding) -> None:
            ctx.history.wrote(confirmed)
            ctx.events.sig_finding_saved.emit(confirmed)
            ctx.events.sig_message.emit(f"Confirmed “{_short(confirmed.title)}”")

        ctx.ops.write(lambda _t: ctx.service.confirm_finding(finding.id, finding.version), label="Confirm finding",
                      success=done, failure=ctx.events.fail("Could not confirm the finding"))

    def _finding_saved_elsewhere(self, finding: Finding) -> None:
        # An undo, a redo or a quick fix in the table changed the record behind a clean form.
        current = self._finding
        if (
            current is not None
            and finding.id == current.id
            and not self._dirty
            and finding != current
        ):
            self.load(finding)

    def _finding_deleted_elsewhere(self, finding_id: int) -> None:
        if self._finding is not None and self._finding.id == finding_id and not self._saving:
            self.load(None)
            self._meta.setText("The finding shown here was deleted. Undo brings it back.")

    def _add_metric(self) -> None:
        row = self._metrics.add_row()
        index = self._metrics.index(row, 0)
        self._metrics_view.setCurrentIndex(index)
        self._metrics_view.edit(index)

    def _remove_metrics(self) -> None:
        rows = [i.row() for i in self._metrics_view.selectionModel().selectedRows()]
        if not rows and self._metrics_view.currentIndex().isValid():
            rows = [self._metrics_view.currentIndex().row()]
        self._metrics.remove_rows(rows)
        self._metrics_view.selectionModel().clearSelection()
        self._metrics_view.selectionModel().setCurrentIndex(
            self._metrics.index(-1, -1), QItemSelectionModel.SelectionFlag.NoUpdate
        )

    @staticmethod
    def _select(combo: QComboBox, value: str) -> None:
        at = combo.findData(value)
        combo.setCurrentIndex(max(at, 0))


def _short(text: str, n: int = 40) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"
