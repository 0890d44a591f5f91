"""ChecksPanel: the problems the evidence checks find in the library, re-run as the data changes."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from briefing.checks import Problem
from briefing.gui.checks.model import (
    COLUMNS,
    FIELD,
    MESSAGE,
    PROBLEM_ROLE,
    CheckRun,
    ProblemsModel,
    check_library,
)
from briefing.gui.context import AppContext
from briefing.gui.icons import icon
from briefing.gui.widgets import EmptyState, Heading, MutedLabel
from briefing.gui.workers import Failure

# Edits come in bursts (typing a number, dragging findings); one run after they settle is enough.
RERUN_DELAY_MS = 400


class ChecksPanel(QWidget):
    """Lists each problem; activating one asks the window to open its finding, chart or template."""

    title = "Checks"

    # ---- Signals
    sig_open = Signal(object, int)
    """Open what a problem is about: (Problem, the finding's id or 0). The window routes it."""
    sig_count_changed = Signal(int)
    """The number of problems in the whole library after a run (-1 while the first run goes)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.run: CheckRun | None = None
        self._generation = 0
        self._running = False
        self._build()
        self._rerun = QTimer(self)
        self._rerun.setSingleShot(True)
        self._rerun.setInterval(RERUN_DELAY_MS)
        self._rerun.timeout.connect(self.refresh)
        ctx.events.sig_finding_saved.connect(lambda _f: self._rerun.start())
        ctx.events.sig_finding_deleted.connect(lambda _i: self._rerun.start())
        ctx.events.sig_chart_saved.connect(lambda _s: self._rerun.start())
        ctx.events.sig_audience_changed.connect(lambda _k: self._rerun.start())
        ctx.events.sig_database_changed.connect(self._rerun.start)  # another process wrote

    # ---- Public API
    def start(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Run the checks again in the background ("Check Again", F5, and after every edit)."""
        self._rerun.stop()
        self._generation += 1
        generation = self._generation
        self._running = True
        self.again.setEnabled(False)
        self.summary.setText("Checking…" if self.run is None else "Checking again…")
        if self.run is None:
            self.empty.set_text("Checking…", "Every number in the findings, charts and templates is "
                                "compared with the data behind it.")
            self.stack.setCurrentWidget(self.empty)
        service = self.ctx.service
        self.ctx.ops.run(
            lambda _t: check_library(service),
            label="Check the library",
            success=lambda run: self._done(generation, run),
            failure=lambda f: self._failed(generation, f),
        )

    def is_running(self) -> bool:
        """True from a change event until the run it causes has delivered."""
        return self._running or self._rerun.isActive()

    def show_audience(self, key: str) -> None:
        """Show only the problems in `key`'s briefing ("" for the whole library)."""
        at = self.scope.findData(key)
        if at < 0:
            self._wanted_scope = key  # the first run has not named the audiences yet
            return
        self.scope.setCurrentIndex(at)

    def problems(self) -> list[Problem]:
        """The problems listed now, in order (the scope applied)."""
        return [p for row in range(self.model.rowCount()) if (p := self.model.problem(row)) is not None]

    def open_current(self) -> None:
        self._activated(self.view.currentIndex())

    def save_state(self) -> None:
        self.ctx.settings.set_geometry("checks_header", self.view.horizontalHeader().saveState())

    def restore_state(self) -> None:
        from PySide6.QtCore import QByteArray

        header = self.ctx.settings.geometry("checks_header")
        if header is not None:
            self.view.horizontalHeader().restoreState(QByteArray(header))

    # ---- Widgets
    def _build(self) -> None:
        self._wanted_scope = ""
        self.scope: QComboBox = QComboBox(self)
        self.scope.addItem("Whole library", "")
        self.scope.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.scope.setAccessibleName("Show problems in")
        self.scope.setToolTip("The whole library, or only what one audience's briefing shows")
        self.scope.currentIndexChanged.connect(lambda _i: self._show())
        scope_label = QLabel("&Show problems in", self)  # the words of the combo box's name
        scope_label.setBuddy(self.scope)
        self.again = QPushButton(icon("refresh"), "&Check Again", self)
        self.again.setAccessibleName("Check again")
        self.again.setToolTip("Run every check again (F5)")
        self.again.clicked.connect(self.refresh)
        self.go_button = QPushButton(icon("go"), "&Go to", self)
        self.go_button.setAccessibleName("Go to what the problem is about")
        self.go_button.setToolTip("Open the finding, chart or audience the selected problem is about (Enter)")
        self.go_button.setEnabled(False)
        self.go_button.clicked.connect(self.open_current)
        self.summary = MutedLabel("", self)
        self.summary.setAccessibleName("Checks summary")

        self.model = ProblemsModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setAccessibleName("Problems")
        self.view.setAccessibleDescription("Each problem the checks found; press Enter to go to it")
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setShowGrid(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 12)
        header = self.view.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(MESSAGE, QHeaderView.ResizeMode.Stretch)
        for col, width in zip(range(len(COLUMNS) - 1), (96, 300, 150)):
            self.view.setColumnWidth(col, width)
        self.view.activated.connect(self._activated)
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)

        self.detail = QLabel("", self)
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail.setAccessibleName("Selected problem")
        self.detail.setMinimumHeight(self.detail.fontMetrics().lineSpacing() * 3)
        self.detail.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.empty = EmptyState("Checking…", "", self)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty)
        list_page = QWidget(self)
        list_layout = QVBoxLayout(list_page)
        list_layout.setContentsMargins(0, 0, 0, 0)
        list_layout.setSpacing(6)
        list_layout.addWidget(self.view, 1)
        detail_row = QHBoxLayout()
        detail_row.addWidget(self.detail, 1)
        detail_row.addWidget(self.go_button, 0, Qt.AlignmentFlag.AlignTop)
        list_layout.addLayout(detail_row)
        self.stack.addWidget(list_page)
        self.list_page = list_page

        bar = QHBoxLayout()
        bar.setSpacing(8)
        bar.addWidget(Heading("Checks", self, scale=1.15))
        bar.addSpacing(12)
        bar.addWidget(scope_label)
        bar.addWidget(self.scope)
        bar.addSpacing(12)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.again)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        self.setTabOrder(self.scope, self.again)
        self.setTabOrder(self.again, self.view)
        self.setTabOrder(self.view, self.go_button)

    # ---- Internals
    def _done(self, generation: int, run: CheckRun) -> None:
        if generation != self._generation:
            return  # an edit came while this ran; the newer run is on its way
        self._running = False
        self.again.setEnabled(True)
        self.run = run
        wanted = self.scope.currentData() or self._wanted_scope
        self.scope.blockSignals(True)
        self.scope.clear()
        self.scope.addItem("Whole library", "")
        for s in run.scopes:
            self.scope.addItem(f"{s.name} briefing", s.key)
        self.scope.setCurrentIndex(max(0, self.scope.findData(wanted)))
        self.scope.blockSignals(False)
        self._wanted_scope = ""
        self._show()
        self.sig_count_changed.emit(len(run.problems))

    def _failed(self, generation: int, failure: Failure) -> None:
        if generation != self._generation:
            return
        self._running = False
        self.again.setEnabled(True)
        self.summary.setText(f"The checks could not run: {failure.summary}")
        self.ctx.events.sig_error.emit("Could not run the checks", failure)

    def _show(self) -> None:
        run = self.run
        if run is None:
            return
        key = self.scope.currentData() or ""
        scope = next((s for s in run.scopes if s.key == key), None)
        keep = self._current()
        problems = run.problems_for(key)
        self.model.set_problems(problems, run)
        if scope is None:
            self.summary.setText(run.summary())
        else:
            noun = "problem" if len(problems) == 1 else "problems"
            self.summary.setText(f"{len(problems) or 'No'} {noun} in the {scope.name} briefing: its "
                                 f"{len(scope.findings)} findings, {len(scope.charts)} charts and template.")
        if not problems:
            where = f"the {scope.name} briefing" if scope else "the library"
            self.empty.set_text("No problems found", f"Every number in {where} is backed by the data behind it.")
            self.stack.setCurrentWidget(self.empty)
            self.go_button.setEnabled(False)
            return
        self.stack.setCurrentWidget(self.list_page)
        self.view.selectRow(problems.index(keep) if keep in problems else 0)

    def _current(self) -> Problem | None:
        return self.model.problem(self.view.currentIndex().row())

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        p = self.model.problem(current.row()) if current.isValid() else None
        self.go_button.setEnabled(p is not None)
        if p is None:
            self.detail.setText("")
            return
        field = self.model.index(current.row(), FIELD).data()
        self.detail.setText(f"<b>{_escape(self.model.where(p))}</b> · {_escape(field)} · <i>{p.rule}</i>"
                            f"<br>{_escape(p.message)}")

    def _activated(self, index: QModelIndex) -> None:
        p = index.data(PROBLEM_ROLE) if index.isValid() else None
        if not isinstance(p, Problem) or self.run is None:
            return
        self.sig_open.emit(p, self.run.finding_ids.get(p.subject, 0) if p.kind == "finding" else 0)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
