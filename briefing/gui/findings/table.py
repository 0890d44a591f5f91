"""FindingsBrowser: instant full-text search, section/audience/kind filters and the sortable table."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from briefing.domain.model import Audience, ClaimKind, Finding, Section
from briefing.gui.context import AppContext
from briefing.gui.findings.model import (
    AS_OF,
    COLUMNS,
    FINDING_ROLE,
    KEY_NUMBER,
    KIND,
    SECTION,
    SORT_ROLE,
    SOURCES,
    TITLE,
    UPDATED,
    FindingsModel,
)
from briefing.gui.icons import icon
from briefing.gui.widgets import Heading, MutedLabel, TitleDelegate, named, one_tab_stop
from briefing.gui.workers import Failure

SEARCH_DELAY_MS = 150

# Below these table widths (px) a column gives its room to the titles, least useful first; it
# comes back when the table is widened. At 1280×720 the table is about 620 px wide.
# The section filter says the section when the column is gone; the key number never folds.
FOLD_COLUMNS: tuple[tuple[int, int], ...] = (
    (UPDATED, 1000), (SOURCES, 900), (KIND, 700), (SECTION, 560), (AS_OF, 420)
)


class FindingsBrowser(QWidget):
    """Queries run in the background; only the newest query's answer reaches the table."""

    # The table holds at most this many rows: a broad search over a very large database would
    # otherwise load tens of thousands of records (seconds) that nobody scrolls through.
    ROW_LIMIT = 2_000

    # ---- Signals
    sig_current_changed = Signal(object, object)
    """The selected finding changed: (new Finding | None, previous Finding | None)."""
    sig_loaded = Signal(int)
    """A query's rows reached the table; carries the row count."""
    sig_number_edited = Signal(object, str)
    """A key number was retyped in the table: (Finding, text)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._generation = 0
        self._total = 0
        self._more = False
        self._current: Finding | None = None
        self._select_after_load: int | None = None
        self._loaded_generation = 0
        self._loaded_search = ""  # the search the rows on show answer (the box may hold newer text)
        self._focus_results_after_load = False

        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search findings (title, statement, tags)…")
        self.search.setClearButtonEnabled(True)
        self.search.addAction(icon("search"), QLineEdit.ActionPosition.LeadingPosition)
        named(self.search, "Search findings", "Enter or Down moves into the results")
        self.section = QComboBox(self)
        self.section.addItem("All sections", "")  # the report's own: set_sections
        self.audience = QComboBox(self)
        self.audience.addItem("All audiences", "")
        self.kind = QComboBox(self)
        self.kind.addItem("All kinds", "")
        for k in ClaimKind:
            self.kind.addItem(k.label, k.value)
        named(self.section, "Section filter")
        named(self.audience, "Audience filter")
        named(self.kind, "Kind filter")
        for combo in (self.section, self.audience, self.kind):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(self.refresh)

        self.model = FindingsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        # Unsorted until the user clicks a header: report order, or relevance when searching.
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.view.setAlternatingRowColors(True)
        one_tab_stop(self.view)
        named(self.view, "Findings")
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.title_delegate = TitleDelegate(self.view)
        self.view.setItemDelegateForColumn(TITLE, self.title_delegate)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 12)
        self.view.setShowGrid(False)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for col, width in zip(range(1, len(COLUMNS)), (118, 88, 92, 80, 64, 96)):
            self.view.setColumnWidth(col, width)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)

        self.count = MutedLabel("Loading findings…", self)

        # Shown instead of the table when nothing matches, so an empty result is never a blank table.
        self.empty = QWidget(self)
        self.empty_text = Heading("", self.empty)
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setTextFormat(Qt.TextFormat.PlainText)
        self.clear_button = QPushButton("Clear the search", self.empty)
        self.clear_button.clicked.connect(self.clear_search)
        empty_layout = QVBoxLayout(self.empty)
        empty_layout.addStretch(1)
        empty_layout.addWidget(self.empty_text)
        empty_layout.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_layout.addStretch(2)
        self.empty.hide()

        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.section)
        filters.addWidget(self.audience)
        filters.addWidget(self.kind)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 6, 6)
        layout.setSpacing(8)
        layout.addWidget(self.search)
        layout.addLayout(filters)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.empty, 1)
        layout.addWidget(self.count)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.refresh)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.search.returnPressed.connect(self.enter_results)
        self.search.installEventFilter(self)
        self.view.installEventFilter(self)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.model.sig_number_edited.connect(self.sig_number_edited)
        self.model.modelReset.connect(self._update_count)
        self.model.rowsInserted.connect(self._update_count)
        self.model.rowsRemoved.connect(self._update_count)

    # ---- Public API
    def set_sections(self, sections: Sequence[Section]) -> None:
        """The current report's sections, for the filter and the Section column."""
        current = self.section.currentData()
        self.section.blockSignals(True)
        self.section.clear()
        self.section.addItem("All sections", "")
        for s in sections:
            self.section.addItem(s.short or s.title, s.key)
            self.section.setItemData(self.section.count() - 1, s.title, Qt.ItemDataRole.ToolTipRole)
        at = self.section.findData(current)
        self.section.setCurrentIndex(max(0, at))
        self.section.blockSignals(False)
        self.model.set_sections(sections)
        if at < 0 and current:
            self.refresh()  # the filtered section is gone (another report): show them all

    def set_audiences(self, audiences: Sequence[Audience]) -> None:
        current = self.audience.currentData()
        self.audience.blockSignals(True)
        self.audience.clear()
        self.audience.addItem("All audiences", "")
        for a in audiences:
            self.audience.addItem(a.name, a.key)
            self.audience.setItemData(
                self.audience.count() - 1, a.description, Qt.ItemDataRole.ToolTipRole
            )
        at = self.audience.findData(current)
        self.audience.setCurrentIndex(max(0, at))
        self.audience.blockSignals(False)

    def refresh(self) -> None:
        """Re-run the query with the current search and filters (in the background)."""
        self._debounce.stop()
        self._generation += 1
        generation = self._generation
        service = self.ctx.service
        query: dict[str, str | None] = {
            "section": self.section.currentData() or None,
            "audience": self.audience.currentData() or None,
            "kind": self.kind.currentData() or None,
            "search": self.search.text().strip() or None,
        }
        filtered = any(query.values())
        searched = query["search"] or ""

        limit = self.ROW_LIMIT

        def work(_token: object) -> tuple[list[Finding], int, bool]:
            findings = service.list_findings(section=query["section"], audience=query["audience"],
                                             kind=query["kind"], search=query["search"], limit=limit + 1)
            more = len(findings) > limit
            findings = findings[:limit]
            total = service.count_findings() if filtered or more else len(findings)
            return findings, total, more

        self.ctx.ops.run(
            work,
            label="Search findings",
            success=lambda result: self._loaded(generation, searched, *result),
            failure=self._failed,
        )

    def current(self) -> Finding | None:
        return self._current

    def select_id(self, finding_id: int | None) -> None:
        """Select the row of this finding, or clear the selection (None)."""
        if finding_id is None:
            self.view.selectionModel().clearSelection()
            self.view.setCurrentIndex(QModelIndex())
            return
        row = self.model.row_of(finding_id)
        if row < 0:
            self._select_after_load = finding_id
            return
        index = self.proxy.mapFromSource(self.model.index(row, TITLE))
        self.view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(index)

    def restore_selection(self, finding: Finding | None) -> None:
        """Put the selection back on `finding` without announcing a change (a refused navigation)."""
        sel = self.view.selectionModel()
        sel.blockSignals(True)
        self.select_id(finding.id if finding is not None else None)
        sel.blockSignals(False)
        self._current = finding

    def upsert(self, finding: Finding) -> None:
        self.model.upsert(finding)
        if self._current is not None and self._current.id == finding.id:
            self._current = finding

    def remove(self, finding_id: int) -> None:
        self.model.remove(finding_id)

    def edit_key_number(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.view.edit(index.siblingAtColumn(KEY_NUMBER))

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def enter_results(self) -> None:
        """From the search box into the table, on its first row (Enter or Down in the box).

        Typed faster than the search delay, the answer is not in yet: it is asked for now, and
        focus moves when it lands, onto the rows of what was typed."""
        if self._debounce.isActive():
            self.refresh()
        if self._loaded_generation != self._generation:
            self._focus_results_after_load = True
            return
        self._focus_results()

    def clear_search(self) -> None:
        """The empty result's way out: clear the search (or, without one, the filters)."""
        if self.search.text():
            self.search.clear()
        else:
            for combo in (self.section, self.audience, self.kind):
                combo.blockSignals(True)
                combo.setCurrentIndex(0)
                combo.blockSignals(False)
        self.refresh()
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    # ---- Qt overrides
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self._fold_columns()
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
            if watched is self.search and event.key() == Qt.Key.Key_Down and plain:
                self.enter_results()
                return True
            if (watched is self.view and event.key() == Qt.Key.Key_Up and plain
                    and self.view.currentIndex().row() <= 0):
                self.focus_search()  # Up from the first row goes back to where it came from
                return True
        return super().eventFilter(watched, event)

    # ---- Internals
    def _loaded(self, generation: int, searched: str, findings: list[Finding], total: int,
                more: bool = False) -> None:
        if generation != self._generation:
            return  # a newer query is on its way; this answer is stale
        first_load = self._loaded_generation == 0
        self._loaded_generation = generation
        self._loaded_search = searched
        self._more = more
        keep = self._select_after_load or (self._current.id if self._current else None)
        self._select_after_load = None
        self._total = total
        self.view.selectionModel().blockSignals(True)
        self.model.set_findings(findings)
        self.view.selectionModel().blockSignals(False)
        if keep is not None and self.model.row_of(keep) >= 0:
            self.view.selectionModel().blockSignals(True)
            self.select_id(keep)
            self.view.selectionModel().blockSignals(False)
        elif first_load and keep is None and findings:
            # First launch: the first finding, ready to edit, rather than a blank "New finding" form.
            self.select_id(self.proxy.index(0, TITLE).data(FINDING_ROLE).id)
        self._update_count()
        if self._focus_results_after_load:
            self._focus_results_after_load = False
            self._focus_results()
        self.sig_loaded.emit(len(findings))

    def _failed(self, failure: Failure) -> None:
        self.count.setText(f"Search failed: {failure.summary}")
        self.ctx.events.sig_error.emit("Could not load the findings", failure)

    def _fold_columns(self) -> None:
        width = self.view.width()
        header = self.view.horizontalHeader()
        for column, below in FOLD_COLUMNS:
            header.setSectionHidden(column, width < below)

    def _focus_results(self) -> None:
        if self.proxy.rowCount() == 0:
            return  # nothing to move to: the empty result says so, with its Clear button
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)
        first = self.proxy.index(0, TITLE)
        self.view.selectionModel().setCurrentIndex(
            first,
            QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.view.scrollTo(first)

    def _show_empty(self, shown: int) -> None:
        search = self._loaded_search
        filtered = bool(search or any(c.currentIndex() > 0 for c in (self.section, self.audience, self.kind)))
        empty = shown == 0 and filtered and self._loaded_generation > 0
        if empty:
            if search:
                self.empty_text.setText(f"No findings match “{search}”.")
                self.clear_button.setText("Clear the search")
            else:
                self.empty_text.setText("No findings match these filters.")
                self.clear_button.setText("Clear the filters")
        # isHidden, not isVisible: the answer may land while another screen is shown.
        if empty == self.empty.isHidden():
            had_focus = self.view.hasFocus()
            self.view.setVisible(not empty)
            self.empty.setVisible(empty)
            if had_focus and empty:
                self.clear_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _update_count(self, *_args: object) -> None:
        shown = self.model.rowCount()
        self._show_empty(shown)
        total = max(self._total, shown)
        if self._more:
            self.count.setText(f"Showing the first {shown:,} of {total:,} findings: more than that match; "
                               "narrow the search or the filters to see the rest")
        elif shown == total:
            self.count.setText(f"{shown} finding{'s' if shown != 1 else ''}")
        else:
            self.count.setText(f"{shown} of {total} findings match")

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        finding = current.data(FINDING_ROLE) if current.isValid() else None
        previous = self._current
        if finding is not None and previous is not None and finding.id == previous.id:
            self._current = finding
            return
        self._current = finding
        self.sig_current_changed.emit(finding, previous)
