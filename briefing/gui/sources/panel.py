"""SourcesPanel: the source list beside its form, with a link that opens the source's web page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from briefing.domain.errors import ValidationError
from briefing.domain.model import Source, SourceDraft
from briefing.gui import dialogs
from briefing.gui.context import AppContext
from briefing.gui.icons import icon
from briefing.gui.undo import CreateSourceCommand, DeleteSourceCommand, EditSourceCommand
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

ModelIndex = QModelIndex | QPersistentModelIndex
NO_PARENT = QModelIndex()  # the invalid index: a table's rows have no parent
SOURCE_ROLE = Qt.ItemDataRole.UserRole + 1
_COLUMNS = ("Publisher", "Title", "Published")
_FIELDS = ("key", "publisher", "title", "url", "published", "accessed", "via", "notes")


class SourcesModel(QAbstractTableModel):
    """Thin adapter over the list of Source records."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Source] = []

    # ---- Public API
    def set_sources(self, sources: Sequence[Source]) -> None:
        self.beginResetModel()
        self._rows = list(sources)
        self.endResetModel()

    def row_of(self, source_id: int) -> int:
        return next((i for i, s in enumerate(self._rows) if s.id == source_id), -1)

    # ---- Qt overrides
    def rowCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = NO_PARENT) -> int:
        return 0 if parent.isValid() else len(_COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        s = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (s.publisher, s.title, s.published.isoformat() if s.published else "—")[
                index.column()
            ]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{s.publisher}: {s.title}\n{s.url or 'no web address'}"
        if role == SOURCE_ROLE:
            return s
        return None


class SourcesPanel(QWidget):
    """Edits sources; every save, creation and deletion is an undoable operation."""

    title = "Sources"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._source: Source | None = None
        self._sources: list[Source] = []
        self._baseline: SourceDraft | None = None
        self._dirty = False
        self._loading = False

        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter sources…")
        self.filter.setClearButtonEnabled(True)
        self.filter.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        named(self.filter, "Filter sources")
        self.model = SourcesModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        one_tab_stop(self.view)
        named(self.view, "Sources")
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 12)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.setColumnWidth(0, 190)
        self.view.setColumnWidth(2, 100)
        self.count = MutedLabel("Loading sources…", self)
        new = QToolButton(self)
        new.setIcon(icon("add"))
        new.setToolTip("New source")
        named(new, "New source")
        new.clicked.connect(self.new_source)

        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(new)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(10, 10, 6, 6)
        left_layout.setSpacing(8)
        left_layout.addLayout(top)
        left_layout.addWidget(self.view, 1)
        left_layout.addWidget(self.count)

        # The form
        self.heading = Heading("", self, scale=1.35)
        self.heading.setWordWrap(True)
        self.meta = MutedLabel("", self)
        self.fields: dict[str, QLineEdit] = {}
        self.errors: dict[str, ErrorLabel] = {name: ErrorLabel(self) for name in _FIELDS}
        self.general_error = ErrorLabel(self)
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        labels = {
            "key": "&Key",
            "publisher": "&Publisher",
            "title": "&Title",
            "url": "&Web address",
            "published": "Pu&blished",
            "accessed": "&Accessed",
        }
        hints = {
            "key": "made from publisher and title when empty",
            "url": "https://…",
            "published": DATE_HINT,
            "accessed": DATE_HINT,
        }
        for name, label in labels.items():
            edit = QLineEdit(self)
            edit.setPlaceholderText(hints.get(name, ""))
            edit.textChanged.connect(self._changed)
            self.fields[name] = edit
            if name == "url":
                self.open_link = QToolButton(self)
                self.open_link.setIcon(icon("link"))
                self.open_link.setToolTip("Open the web address in your browser")
                named(self.open_link, "Open the web address in your browser")
                self.open_link.clicked.connect(self.open_url)
                row = QHBoxLayout()
                row.setContentsMargins(0, 0, 0, 0)
                row.addWidget(edit, 1)
                row.addWidget(self.open_link)
                holder = QWidget(self)
                holder.setLayout(row)
                form.addRow(buddy_label(label, edit, self), with_error(holder, self.errors[name]))
            else:
                form.addRow(buddy_label(label, edit, self), with_error(edit, self.errors[name]))
        # A source known only through another work ("RAND, cited in Digital in Asia"): the
        # references say so. Leave Accessed empty for such a source: nobody opened it.
        self.via = QComboBox(self)
        self.via.setToolTip("The work this source is known through; references print “cited in” it")
        self.via.addItem("Read first-hand", None)
        self.via.currentIndexChanged.connect(self._changed)
        form.addRow(buddy_label("Cite&d via", self.via, self), with_error(self.via, self.errors["via"]))
        self.notes = QPlainTextEdit(self)
        self.notes.setPlaceholderText("What the source says, caveats, page numbers")
        self.notes.setTabChangesFocus(True)
        self.notes.setMaximumHeight(120)
        self.notes.textChanged.connect(self._changed)
        form.addRow(buddy_label("&Notes", self.notes, self), with_error(self.notes, self.errors["notes"]))
        self.usage = QListWidget(self)
        self.usage.setMaximumHeight(140)
        form.addRow(buddy_label("C&ited by", self.usage, self), self.usage)

        self.status = MutedLabel("", self)
        self.delete_button = QPushButton(icon("delete"), "Delete", self)
        self.delete_button.clicked.connect(self.delete_selected)
        self.revert_button = QPushButton(icon("revert"), "Revert", self)
        self.revert_button.clicked.connect(self.revert)
        self.save_button = QPushButton(icon("save"), "Save", self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(lambda: self.save())
        buttons = QHBoxLayout()
        buttons.setContentsMargins(16, 8, 16, 10)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)
        bar = QFrame(self)
        bar.setFrameShape(QFrame.Shape.StyledPanel)
        bar.setLayout(buttons)

        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(0)
        body = QVBoxLayout()
        body.setContentsMargins(16, 12, 16, 12)
        body.setSpacing(8)
        body.addWidget(self.heading)
        body.addWidget(self.meta)
        body.addWidget(self.general_error)
        body.addLayout(form)
        body.addStretch(1)
        right_layout.addLayout(body, 1)
        right_layout.addWidget(bar)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setSizes([700, 600])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        ctx.events.sig_sources_changed.connect(self.refresh)
        ctx.events.sig_database_changed.connect(self.refresh)  # another process wrote: re-read
        self.load(None)

    # ---- Public API
    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        self.ctx.load("sources", self.ctx.service.list_sources, self._loaded)

    def current(self) -> Source | None:
        return self._source

    def load(self, source: Source | None) -> None:
        self._loading = True
        self._source = source
        for label in (*self.errors.values(), self.general_error):
            label.clear_error()
        values = {
            "key": source.key if source else "",
            "publisher": source.publisher if source else "",
            "title": source.title if source else "",
            "url": source.url or "" if source else "",
            "published": source.published.isoformat() if source and source.published else "",
            "accessed": source.accessed.isoformat() if source and source.accessed else "",
        }
        for name, value in values.items():
            self.fields[name].setText(value)
        self._fill_via(source.via.key if source and source.via else None)
        self.notes.setPlainText(source.notes if source else "")
        self.heading.setText(source.publisher if source else "New source")
        self.meta.setText(
            source.title if source else "A report, article or dataset that findings cite."
        )
        self.usage.clear()
        self._loading = False
        self._baseline = self.draft()
        self._set_dirty(False)
        if source is not None:
            service = self.ctx.service
            sid = source.id
            self.ctx.ops.run(
                lambda _t: service.source_usage(sid),
                label="Source usage",
                success=lambda slugs: self._usage_loaded(sid, slugs),
                failure=self.ctx.events.fail("Could not load where the source is cited"),
            )

    def draft(self) -> SourceDraft:
        f = self.fields
        return SourceDraft(
            publisher=f["publisher"].text(),
            title=f["title"].text(),
            url=f["url"].text().strip() or None,
            published=f["published"].text().strip() or None,
            accessed=f["accessed"].text().strip() or None,
            notes=self.notes.toPlainText(),
            key=f["key"].text().strip() or None,
            via=self.via.currentData(),
        )

    def is_dirty(self) -> bool:
        return self._dirty

    def new_source(self) -> None:
        def go() -> None:
            self.view.selectionModel().clearSelection()
            self.load(None)
            self.fields["publisher"].setFocus()

        if self.confirm_leave(go):
            go()

    def save(self, then: Callable[[], object] | None = None) -> None:
        draft = self.draft()
        before = self._source
        service = self.ctx.service

        def work(_t: object) -> Source:
            if before is None:
                return service.create_source(draft)
            return service.update_source(before.id, draft)

        def saved(result: Source) -> None:
            if before is None:
                self.ctx.undo.push(CreateSourceCommand(self.ctx, result))
            else:
                self.ctx.undo.push(EditSourceCommand(self.ctx, before, result))
            self.load(result)
            self.ctx.events.sig_sources_changed.emit()
            self.ctx.events.sig_message.emit(f"Saved source “{result.publisher}: {result.title}”")
            if then is not None:
                then()

        self.ctx.ops.write(work, label="Save source", success=saved, failure=self._save_failed)

    def revert(self) -> None:
        self.load(self._source)

    def delete_selected(self) -> None:
        source = self._source
        if source is None:
            return
        service = self.ctx.service

        def deleted(record: Source) -> None:
            self.ctx.undo.push(DeleteSourceCommand(self.ctx, record))
            self.load(None)
            self.ctx.events.sig_sources_changed.emit()
            self.ctx.events.sig_message.emit(f"Deleted source “{record.publisher}”")

        self.ctx.ops.write(
            lambda _t: service.delete_source(source.id),
            label="Delete source",
            success=deleted,
            failure=self._save_failed,
        )

    def open_url(self) -> None:
        url = self.fields["url"].text().strip()
        if url.startswith(("http://", "https://")):
            dialogs.open_url(url)
            self.ctx.events.sig_message.emit(f"Opened {url}")
        else:
            self.errors["url"].show_messages(
                ["enter a web address starting with http:// or https:// to open it"]
            )

    def confirm_leave(self, then: Callable[[], object]) -> bool:
        what = f"the source “{self._source.publisher}”" if self._source else "the new source"
        return dialogs.confirm_leave(self, dirty=self._dirty, what=what,
                                     discard=lambda: self.load(self._source), save=lambda: self.save(then=then))

    def save_state(self) -> None:
        self.ctx.settings.set_geometry("sources_splitter", self.splitter.saveState())

    def restore_state(self) -> None:
        state = self.ctx.settings.geometry("sources_splitter")
        if state is not None:
            self.splitter.restoreState(state)

    # ---- Internals
    def _loaded(self, sources: list[Source]) -> None:
        keep = self._source.id if self._source else None
        sel = self.view.selectionModel()
        sel.blockSignals(True)
        self.model.set_sources(sources)
        if keep is not None and self.model.row_of(keep) >= 0:
            index = self.proxy.mapFromSource(self.model.index(self.model.row_of(keep), 0))
            sel.setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        sel.blockSignals(False)
        self._sources = sources
        was_loading, self._loading = self._loading, True
        self._fill_via(self.via.currentData())  # new or renamed sources; the choice stays
        self._loading = was_loading
        self.count.setText(f"{len(sources)} sources")
        if keep is not None and not self.is_dirty():
            # A clean form follows the database (an edit or delete elsewhere); a dirty one is kept.
            now = next((s for s in sources if s.id == keep), None)
            if now != self._source:
                self.load(now)

    def _fill_via(self, key: str | None) -> None:
        """Every other source as a choice, `key` chosen (kept even if the list has not caught up)."""
        own = self._source.key if self._source else None
        choices = [(f"{s.publisher} — {s.title} ({s.key})", s.key) for s in self._sources if s.key != own]
        if key is not None and key not in {k for _, k in choices}:
            choices.append((key, key))
        self.via.blockSignals(True)
        self.via.clear()
        self.via.addItem("Read first-hand", None)
        for label, k in choices:
            self.via.addItem(label, k)
        self.via.setCurrentIndex(max(0, self.via.findData(key)) if key is not None else 0)
        self.via.blockSignals(False)

    def _usage_loaded(self, source_id: int, slugs: list[str]) -> None:
        if self._source is None or self._source.id != source_id:
            return
        self.usage.clear()
        if slugs:
            self.usage.addItems(slugs)
        else:
            self.usage.addItem("Not cited by any finding")
        self.delete_button.setEnabled(not slugs)
        self.delete_button.setToolTip(
            "" if not slugs else "Cited by findings: remove it from them first"
        )

    def _row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        source = current.data(SOURCE_ROLE) if current.isValid() else None
        if source is not None and self._source is not None and source.id == self._source.id:
            return

        def go() -> None:
            self.load(source)

        if self.confirm_leave(go):
            self.load(source)
            return
        sel = self.view.selectionModel()
        sel.blockSignals(True)
        sel.setCurrentIndex(
            previous,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        sel.blockSignals(False)

    def _changed(self, *_args: object) -> None:
        if self._loading or self._baseline is None:
            return
        self._set_dirty(self.draft() != self._baseline)

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        self.save_button.setEnabled(dirty or self._source is None)
        self.revert_button.setEnabled(dirty)
        self.delete_button.setEnabled(self._source is not None)
        self.open_link.setEnabled(bool(self.fields["url"].text().strip()))
        self.status.setText(
            "Unsaved changes" if dirty else ("All changes saved" if self._source else "")
        )

    def _save_failed(self, failure: Failure) -> None:
        error = failure.error
        if isinstance(error, ValidationError):
            for label in (*self.errors.values(), self.general_error):
                label.clear_error()
            general: list[str] = []
            for e in error.errors:
                head = e.field.split(".", 1)[0]
                if head in self.errors:
                    self.errors[head].show_messages(error.for_field(head))
                else:
                    general.append(e.message)
            if general:
                self.general_error.show_messages(general)
            self.ctx.events.sig_message.emit("Not saved: see the highlighted fields")
            return
        self.ctx.events.sig_error.emit("Could not save the source", failure)
