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
from briefing.domain.model import SECTIONS, Audience, ClaimKind, Finding, FindingDraft, Source
from briefing.gui import dialogs
from briefing.gui.context import AppContext
from briefing.gui.findings.metrics import FIELDS as METRIC_FIELDS
from briefing.gui.findings.metrics import HEADERS as METRIC_HEADERS
from briefing.gui.findings.metrics import MetricRow, MetricsModel, ScaleDelegate
from briefing.gui.findings.sources_picker import SourcesPicker
from briefing.gui.icons import icon
from briefing.gui.undo import CreateFindingCommand, EditFindingCommand
from briefing.gui.widgets import ErrorLabel, Heading, MutedLabel, with_error
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
        self._build()
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
            edit.textChanged.connect(self._changed)
            self._wording_edits[a.key] = edit
            self._tabs.addTab(edit, a.name)
            self._tabs.setTabToolTip(self._tabs.count() - 1, a.description)
        if self._finding is not None and not self._dirty:
            self.load(self._finding)

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
            self._select(self._section, section or SECTIONS[0].key)
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
            self._save_failed(failure)

        self.ctx.ops.write(work, label="Save finding", success=saved, failure=failed)

    def revert(self) -> None:
        self.load(self._finding)
        self.ctx.events.sig_message.emit("Reverted to the saved version")

    def confirm_leave(self, then: Callable[[], object]) -> bool:
        """True if the form may be left now. Otherwise asks; on "Save", `then` runs once saved."""
        what = f"“{self._finding.title}”" if self._finding else "the new finding"
        return dialogs.confirm_leave(self, dirty=self._dirty, what=what,
                                     discard=lambda: self.load(self._finding), save=lambda: self.save(then=then))

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
        self._section = QComboBox(self)
        for s in SECTIONS:
            self._section.addItem(s.short, s.key)
            self._section.setItemData(
                self._section.count() - 1, s.title, Qt.ItemDataRole.ToolTipRole
            )
        self._kind = QComboBox(self)
        for k in ClaimKind:
            self._kind.addItem(k.label, k.value)
        self._tags = QLineEdit(self)
        self._tags.setPlaceholderText("tokens, usage, china")
        self._as_of = QLineEdit(self)
        self._as_of.setPlaceholderText("YYYY-MM-DD, YYYY-MM or YYYY")
        self._as_of.setMaximumWidth(200)
        self._sources = SourcesPicker(self)

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
        add.clicked.connect(self._add_metric)
        remove = QToolButton(self)
        remove.setIcon(icon("remove"))
        remove.setToolTip("Remove the selected metrics")
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
            "sources": self._sources,
        }

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setVerticalSpacing(6)
        form.addRow("&Title", with_error(self._title, self._errors["title"]))
        form.addRow("S&tatement", with_error(self._statement, self._errors["statement"]))
        row = QHBoxLayout()
        row.addWidget(self._section, 2)
        kind_label = QLabel("Claim &kind", self)
        kind_label.setBuddy(self._kind)
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
        form.addRow("Se&ction", section_widget)
        form.addRow("Ta&gs", with_error(self._tags, self._errors["tags"]))
        form.addRow("&As of", with_error(self._as_of, self._errors["as_of"]))
        form.addRow("Sou&rces", with_error(self._sources, self._errors["sources"]))

        metrics_head = QHBoxLayout()
        metrics_head.addWidget(Heading("Metrics", self))
        metrics_head.addWidget(
            MutedLabel("The numbers this finding states; charts read them from here.", self), 1
        )
        metrics_head.addWidget(add)
        metrics_head.addWidget(remove)

        wording_head = QHBoxLayout()
        wording_head.addWidget(Heading("Wording per audience", self))
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

        self._status = MutedLabel("", self)
        self._status.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._revert_button = QPushButton(icon("revert"), "Revert", self)
        self._revert_button.setToolTip("Discard your edits and show the saved version")
        self._revert_button.clicked.connect(self.revert)
        self._save_button = QPushButton(icon("save"), "Save", self)
        self._save_button.setDefault(True)
        self._save_button.setToolTip("Save this finding (Ctrl+S)")
        self._save_button.clicked.connect(lambda: self.save())
        buttons = QHBoxLayout()
        buttons.setContentsMargins(16, 8, 16, 10)
        buttons.addWidget(self._status, 1)
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
        self._save_button.setEnabled((self._dirty or self._finding is None) and not self._saving)
        self._revert_button.setEnabled(self._dirty and not self._saving)
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

    def _save_failed(self, failure: Failure) -> None:
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
            if dialogs.ask_reload_after_conflict(
                self.window(), f"“{self._finding.title}”", str(error)
            ):
                self._reload(self._finding.id)
            return
        if isinstance(error, NotFoundError):
            self.ctx.events.sig_message.emit("Not saved: the finding no longer exists")
            dialogs.show_error(
                self.window(),
                "Finding deleted",
                "This finding was deleted elsewhere; save it as a new finding or revert.",
                failure.details,
            )
            return
        self.ctx.events.sig_error.emit("Could not save the finding", failure)

    def _reload(self, finding_id: int) -> None:
        service = self.ctx.service
        self.ctx.ops.run(
            lambda _t: service.get_finding(finding_id),
            label="Reload finding",
            success=self._reloaded,
            failure=self.ctx.events.fail("Could not reload the finding"),
        )

    def _reloaded(self, finding: Finding) -> None:
        self.load(finding)
        self.ctx.events.sig_finding_saved.emit(finding)
        self.ctx.events.sig_message.emit(f"Reloaded “{finding.title}” (version {finding.version})")

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
