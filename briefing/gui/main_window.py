"""MainWindow: the composition root. It builds the panels, the menus and toolbar, and routes actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from briefing.gui import dialogs
from briefing.gui.actions import build_actions, populate, refresh_icons
from briefing.gui.context import AppContext, DataEvents
from briefing.gui.icons import app_icon, icon
from briefing.gui.settings import Settings
from briefing.gui.watcher import DatabaseWatcher
from briefing.gui.widgets import EmptyState
from briefing.gui.workers import Failure, Operations

if TYPE_CHECKING:
    from briefing.domain.editions import EditionDiff
    from briefing.domain.model import Report
    from briefing.gui.briefing_panel.panel import BriefingPanel
    from briefing.gui.charts.panel import ChartsPanel
    from briefing.gui.checks.panel import ChecksPanel
    from briefing.gui.findings.panel import FindingsPanel
    from briefing.gui.sources.panel import SourcesPanel
    from briefing.services import BriefingService
    from briefing.services.service import ReportSnapshot


PAGES: tuple[tuple[str, str, str], ...] = (
    ("findings", "Findings", "findings"),
    ("sources", "Sources", "sources"),
    ("charts", "Charts", "charts"),
    ("briefing", "Briefing", "briefing"),
    ("checks", "Checks", "checks"),
)


class MainWindow(QMainWindow):
    """Shows at once with a loading page; attach_service() builds the panels once the database is open."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.ctx: AppContext | None = None
        self.ops = Operations(self)
        self.undo_stack = QUndoStack(self)
        self.events = DataEvents(self)
        self.findings: FindingsPanel | None = None
        self.sources: SourcesPanel | None = None
        self.charts: ChartsPanel | None = None
        self.briefing: BriefingPanel | None = None
        self.checks: ChecksPanel | None = None
        self.watcher: DatabaseWatcher | None = None
        self._report: Report | None = None
        self._reports: list[Report] = []

        self.setWindowTitle("Briefing")
        self.setWindowIcon(app_icon())
        self.setUnifiedTitleAndToolBarOnMac(True)
        self.resize(1440, 900)

        self.nav = QListWidget(self)
        self.nav.setObjectName("navigation")
        self.nav.setIconSize(QSize(20, 20))
        self.nav.setFixedWidth(168)
        self.nav.setFrameShape(QListWidget.Shape.NoFrame)
        self.nav.setSpacing(2)
        # In the tab chain: the arrows then switch screens (it was NoFocus, out of keyboard reach).
        self.nav.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.nav.setTabKeyNavigation(False)
        self.nav.setAccessibleName("Screens")
        for key, text, icon_name in PAGES:
            item = QListWidgetItem(icon(icon_name), text)
            item.setData(Qt.ItemDataRole.UserRole, key)
            item.setSizeHint(QSize(150, 40))
            self.nav.addItem(item)
        self.nav.setEnabled(False)
        self.stack = QStackedWidget(self)
        self.loading = EmptyState(
            "Opening the briefing database…", "The first start seeds it from the report."
        )
        self.stack.addWidget(self.loading)
        central = QWidget(self)
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.nav)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self._style_navigation()

        self.actions_by_key = build_actions(self, self._handlers())
        self.toolbar = QToolBar("Main", self)
        self.toolbar.setObjectName("mainToolbar")
        self.toolbar.setMovable(False)
        self.toolbar.setIconSize(QSize(20, 20))
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.addToolBar(self.toolbar)
        populate(self.menuBar(), self.toolbar, self.actions_by_key)
        from briefing.gui.reports import ReportSwitcher

        self.toolbar.addSeparator()
        self.report_switcher = ReportSwitcher(self.toolbar)
        self.report_switcher.setEnabled(False)
        self.toolbar.addWidget(self.report_switcher)

        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)
        self.busy.setMaximumSize(120, 14)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.db_label = QLabel("", self)
        self.statusBar().addPermanentWidget(self.busy)
        self.statusBar().addPermanentWidget(self.db_label)
        self.statusBar().showMessage("Starting…")

        self.ops.sig_busy_changed.connect(self.busy.setVisible)
        self.ops.sig_failed.connect(lambda label, f: self.show_failure(f"{label} failed", f))
        self.events.sig_message.connect(lambda text: self.statusBar().showMessage(text, 10_000))
        self.events.sig_error.connect(self.show_failure)
        self.undo_stack.canUndoChanged.connect(self.actions_by_key["undo"].setEnabled)
        self.undo_stack.canRedoChanged.connect(self.actions_by_key["redo"].setEnabled)
        self.undo_stack.undoTextChanged.connect(lambda t: self._undo_text("undo", "Undo", t))
        self.undo_stack.redoTextChanged.connect(lambda t: self._undo_text("redo", "Redo", t))
        self.nav.currentRowChanged.connect(self.stack_to_row)
        self._set_service_actions(False)
        geometry = settings.geometry("main")
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = settings.geometry("main_state")
        if state is not None:
            self.restoreState(state)

    # ---- Public API
    def attach_service(self, service: BriefingService, *, label: str = "") -> None:
        """Build the panels over an open service (the window is already on screen)."""
        from briefing.exporting import ExportProcess
        from briefing.gui.briefing_panel.panel import BriefingPanel
        from briefing.gui.charts.panel import ChartsPanel
        from briefing.gui.checks.jump import open_problem
        from briefing.gui.checks.panel import ChecksPanel
        from briefing.gui.findings.panel import FindingsPanel
        from briefing.gui.sources.panel import SourcesPanel

        # Briefing exports and previews run in a child process: see briefing/exporting.py.
        ctx = AppContext(service, self.settings, self.ops, self.undo_stack, self.events, ExportProcess())
        service.history_who = self.settings.history_who
        self.settings.sig_changed.connect(self._setting_changed)
        self.ctx = ctx
        self.findings = FindingsPanel(ctx, self)
        self.sources = SourcesPanel(ctx, self)
        self.charts = ChartsPanel(ctx, self)
        self.briefing = BriefingPanel(ctx, self)
        self.checks = ChecksPanel(ctx, self)
        self.checks.sig_open.connect(lambda p, finding_id: open_problem(self, p, finding_id))
        self.checks.sig_count_changed.connect(self._checks_counted)
        self.briefing.sig_show_problems.connect(self.show_problems)
        for panel in self._panels():
            self.stack.addWidget(panel)
            panel.restore_state()
            panel.start()
        self.findings.editor.sig_dirty_changed.connect(self.setWindowModified)
        # Edits from another process (`briefing findings edit`) or window reach the screens.
        self.watcher = DatabaseWatcher(service, self)
        self.watcher.sig_changed.connect(self.events.sig_database_changed)
        self.watcher.start()
        self.db_label.setText(label)
        self.report_switcher.sig_chosen.connect(self.switch_report)
        self._reports_changed()
        self.nav.setEnabled(True)
        self._set_service_actions(True)
        self.stack.removeWidget(self.loading)
        self.loading.deleteLater()
        page = self.settings.text("window/page", "findings")
        self.go(page if page in {k for k, _, _ in PAGES} else "findings")
        self.statusBar().showMessage("Ready", 5_000)

    def _setting_changed(self, key: str) -> None:
        if key == "team/history_who" and self.ctx is not None:
            self.ctx.service.history_who = self.settings.history_who

    def switch_report(self, key: str, *, then: Callable[[], None] | None = None) -> None:
        """Make `key` the current report and re-read every screen, then run `then`. The undo
        history stays: each step knows the report it was made in, and undoing it switches back
        there first (`_step`)."""
        if self.ctx is None or self.findings is None:
            return

        def go() -> None:
            assert self.ctx is not None and self.findings is not None
            self.ctx.service.use_report(key)
            self.findings.report_changed()
            for panel in (self.charts, self.briefing, self.checks):
                if panel is not None:
                    panel.refresh()
            self._reports_changed()
            if then is not None:
                then()

        if self.findings.confirm_leave(then=go):
            go()

    def current_report(self) -> Report | None:
        return self._report

    def show_problems(self, audience: str = "") -> None:
        """The Checks screen, showing the problems in `audience`'s briefing ("" for all)."""
        if self.checks is not None:
            self.checks.show_audience(audience)
            self.go("checks")

    def service_failed(self, failure: Failure) -> None:
        self.loading.set_text("Could not open the database", failure.summary)
        self.statusBar().showMessage("The database could not be opened")
        self.show_failure("Could not open the database", failure)

    def go(self, key: str) -> None:
        for row, (page, _, _) in enumerate(PAGES):
            if page == key:
                self.nav.setCurrentRow(row)
                return

    def current_page(self) -> str:
        row = self.nav.currentRow()
        return PAGES[row][0] if 0 <= row < len(PAGES) else ""

    def stack_to_row(self, row: int) -> None:
        panels = self._panels()
        if 0 <= row < len(panels):
            self.stack.setCurrentWidget(panels[row])
            self.settings.set_text("window/page", PAGES[row][0])
            save_enabled = PAGES[row][0] in ("findings", "sources", "charts")
            self.actions_by_key["save"].setEnabled(save_enabled)
            self.actions_by_key["revert"].setEnabled(save_enabled)
            self.actions_by_key["delete"].setEnabled(PAGES[row][0] in ("findings", "sources"))

    def show_failure(self, title: str, failure: Failure) -> None:
        self.statusBar().showMessage(f"{title}: {failure.summary}", 15_000)
        dialogs.show_error(self, title, failure.summary, failure.details)

    # ---- Qt overrides
    def closeEvent(self, event: QCloseEvent) -> None:
        for form in (self.findings, self.sources, self.briefing):
            if form is not None and not form.confirm_leave(then=self.close):
                event.ignore()
                return
        self.settings.set_geometry("main", self.saveGeometry())
        self.settings.set_geometry("main_state", self.saveState())
        for panel in self._panels():
            panel.save_state()
        self.settings.sync()
        if self.watcher is not None:
            self.watcher.stop()
        if self.briefing is not None:
            self.briefing.shutdown()
        if self.charts is not None:
            self.charts.shutdown()
        if self.ctx is not None:
            self.ctx.exporter.shutdown()
        self.ops.shutdown()
        event.accept()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            # The system switched light/dark: re-tint the line icons and the navigation.
            refresh_icons(self.actions_by_key)
            for row, (_, _, icon_name) in enumerate(PAGES):
                self.nav.item(row).setIcon(icon(icon_name))
            self._style_navigation()
        super().changeEvent(event)

    # ---- Internals
    def _panels(self) -> list[FindingsPanel | SourcesPanel | ChartsPanel | BriefingPanel | ChecksPanel]:
        return [
            p
            for p in (self.findings, self.sources, self.charts, self.briefing, self.checks)
            if p is not None
        ]

    def _handlers(self) -> dict[str, Callable[[], object]]:
        return {
            "new_finding": self._new_finding,
            "connect_team": self._connect_team,
            "save": lambda: self._on_current("save"),
            "revert": lambda: self._on_current("revert"),
            "export_pdf": lambda: self._export("pdf"),
            "export_word": lambda: self._export("docx"),
            "export_charts": self._export_charts,
            "compare_sent": self._compare_sent,
            "preferences": self._preferences,
            "quit": self.close,
            "undo": lambda: self._step(self.undo_stack.undo),
            "redo": lambda: self._step(self.undo_stack.redo),
            "find": self._find,
            "delete": lambda: self._on_current("delete_selected"),
            "go_findings": lambda: self.go("findings"),
            "go_sources": lambda: self.go("sources"),
            "go_charts": lambda: self.go("charts"),
            "go_briefing": lambda: self.go("briefing"),
            "go_checks": lambda: self.go("checks"),
            "refresh": self._refresh,
            "about": self._about,
            "new_report": self._new_report,
            "edit_report": self._edit_report,
            "delete_report": self._delete_report,
            "what_changed": self._what_changed,
        }

    def _set_service_actions(self, enabled: bool) -> None:
        for key in (
            "new_finding",
            "save",
            "revert",
            "export_pdf",
            "export_word",
            "export_charts",
            "compare_sent",
            "find",
            "delete",
            "go_findings",
            "go_sources",
            "go_charts",
            "go_briefing",
            "go_checks",
            "refresh",
            "new_report",
            "edit_report",
            "delete_report",
            "what_changed",
        ):
            self.actions_by_key[key].setEnabled(enabled)
        self.report_switcher.setEnabled(enabled)
        self.actions_by_key["undo"].setEnabled(self.undo_stack.canUndo())
        self.actions_by_key["redo"].setEnabled(self.undo_stack.canRedo())

    def _step(self, move: Callable[[], None]) -> None:
        """Undo or redo one step, once the previous one has reached the database: a step that
        fails puts the stack back, so the next one must not already be on its way. A step made in
        another report is replayed there: the window switches to that report first, so the step's
        records and the screens that show them are the current ones."""
        if self.ctx is not None and self.ctx.history.replaying:
            self.statusBar().showMessage("Still applying the previous step…", 3_000)
            return
        stack = self.undo_stack
        step = stack.command(stack.index() - 1 if move == stack.undo else stack.index())
        made_in = getattr(step, "report_id", None)
        if self.ctx is None or made_in is None or made_in == self.ctx.service.report_id:
            move()
            return
        key = next((r.key for r in self._reports if r.id == made_in), None)
        if key is None:
            self.statusBar().showMessage("That step was made in a report that is no longer in the library.", 8_000)
            return
        self.switch_report(key, then=move)

    def _undo_text(self, key: str, verb: str, text: str) -> None:
        action = self.actions_by_key[key]
        action.setText(f"&{verb} {text}" if text else f"&{verb}")
        action.setStatusTip(f"{verb} {text}" if text else "")

    def _on_current(self, method: str) -> None:
        widget = self.stack.currentWidget()
        fn = getattr(widget, method, None)
        if callable(fn):
            fn()

    def _new_finding(self) -> None:
        if self.findings is None:
            return
        self.go("findings")
        self.findings.new_finding()

    def _find(self) -> None:
        if self.findings is None:
            return
        self.go("findings")
        self.findings.focus_search()

    def _export(self, fmt: str) -> None:
        # Ctrl+E exports what the screen shows: the selected charts on Charts, else the briefing.
        if self.charts is not None and self.stack.currentWidget() is self.charts:
            self.charts.export_selected()
            return
        if self.briefing is None:
            return
        self.go("briefing")
        self.briefing.export(fmt)

    def _export_charts(self) -> None:
        if self.charts is None:
            return
        self.go("charts")
        self.charts.export_selected()

    def _refresh(self) -> None:
        widget = self.stack.currentWidget()
        if widget is self.findings and self.findings is not None:
            self.findings.reload()
        elif widget is not None and hasattr(widget, "refresh"):
            widget.refresh()
        self.statusBar().showMessage("Reloaded from the database", 4_000)

    def _connect_team(self) -> None:
        from briefing.gui.connect import ConnectDialog

        dialog = ConnectDialog(self.settings, self.ops, self.reopen_on, self)
        dialog.exec()

    def reopen_on(self, url: str, password: str) -> None:
        """Opens the app again on `url` in a new process and closes this window. The password
        travels in the child's environment (PGPASSWORD, which the driver reads), never argv or settings."""
        import os
        import subprocess
        import sys

        env = {**os.environ, "PGPASSWORD": password} if password else dict(os.environ)
        env.pop("BRIEFING_DB", None)
        subprocess.Popen([sys.executable, "-m", "briefing", "--db", url], env=env,
                         start_new_session=True)
        self.close()

    def _preferences(self) -> None:
        from briefing.gui.preferences import PreferencesDialog

        dialog = PreferencesDialog(self.settings, self)
        if dialog.exec():
            self.statusBar().showMessage("Preferences saved", 4_000)

    def _about(self) -> None:
        from briefing.gui.about import AboutDialog

        AboutDialog(self).exec()

    def _reports_changed(self) -> None:
        """The switcher and the window title follow the library's reports and the current one."""
        assert self.ctx is not None
        reports = self.ctx.service.list_reports()
        self._reports = reports
        self._report = self.ctx.service.get_report()
        self.report_switcher.set_reports(reports, self._report.key)
        self.setWindowTitle(f"{self._report.title}[*] — Briefing")
        self.actions_by_key["delete_report"].setEnabled(len(reports) > 1)

    def _new_report(self) -> None:
        from briefing.gui.reports import ReportDialog

        if self.ctx is None:
            return
        service = self.ctx.service
        dialog = ReportDialog(self, self.ctx, lambda draft: service.create_report(draft))
        if dialog.exec() and dialog.saved is not None:
            self.switch_report(dialog.saved.key)
            self.statusBar().showMessage(f"Created report “{dialog.saved.title}”", 8_000)

    def _edit_report(self) -> None:
        from briefing.gui.reports import ReportDialog

        if self.ctx is None:
            return
        if self._report is None:
            return
        service = self.ctx.service
        key = self._report.key  # the window's current report, known without a query
        dialog = ReportDialog(self, self.ctx, lambda draft: service.update_report(key, draft), key)
        if dialog.exec() and dialog.saved is not None:
            self.switch_report(dialog.saved.key)

    def _delete_report(self) -> None:
        from briefing.gui.reports import DeleteReportCommand

        if self.ctx is None or self._report is None:
            return
        ctx = self.ctx
        service = ctx.service
        report = self._report  # the window's current report and list: no query on the GUI thread
        others = [r for r in self._reports if r.key != report.key]
        if not others:
            dialogs.show_info(self, "Delete Report", "This is the library's only report; create another first.")
            return

        def deleted(snapshot: ReportSnapshot) -> None:
            self.switch_report(others[-1].key)
            self.undo_stack.push(DeleteReportCommand(ctx, snapshot, self.switch_report))
            self.statusBar().showMessage(f"Deleted report “{report.title}”", 8_000)

        def ask(counts: dict[str, int]) -> None:
            if not dialogs.confirm(
                self, "Delete Report",
                f"Delete “{report.title}” with its {counts['findings']} finding(s), {counts['audiences']} "
                f"audience(s) and {counts['charts']} chart(s)? Sources stay in the library. Undo brings it back.",
                ok_text="Delete Report", destructive=True,
            ):
                return
            ctx.ops.write(lambda _t: service.delete_report(report.key), label="Delete report", success=deleted,
                          failure=ctx.events.fail("Could not delete the report"))

        # What it holds is counted off the GUI thread; the question follows.
        ctx.load("report's contents", lambda: service.report_counts(report.key), ask)

    def _compare_sent(self) -> None:
        from briefing.gui.sent import compare_with_sent

        compare_with_sent(self)

    def _what_changed(self) -> None:
        from briefing.gui.reports import changes_text

        if self.ctx is None:
            return

        def show(changes: tuple[str, EditionDiff] | None) -> None:
            if changes is None:
                dialogs.show_info(self, "What Changed", "This report is a first edition: there is no previous "
                                                        "edition to compare it with.")
                return
            edition, diff = changes
            dialogs.show_info(self, f"What changed since {edition}", changes_text(diff))

        self.ctx.load("changes", self.ctx.service.edition_changes, show)

    def _checks_counted(self, count: int) -> None:
        item = self.nav.item([k for k, _, _ in PAGES].index("checks"))
        item.setText(f"Checks ({count})" if count > 0 else "Checks")
        item.setToolTip(f"{count} problem{'s' if count != 1 else ''} found by the checks" if count > 0
                        else "No problems found by the checks")

    def _style_navigation(self) -> None:
        palette = self.palette()
        base = palette.color(palette.ColorRole.Window).darker(
            104 if palette.color(palette.ColorRole.Window).lightness() > 128 else 90
        )
        highlight = palette.color(palette.ColorRole.Highlight)
        text = palette.color(palette.ColorRole.HighlightedText)
        self.nav.setStyleSheet(
            f"QListWidget#navigation {{ background: {base.name()}; padding: 8px 6px; }}"
            "QListWidget#navigation::item { border-radius: 6px; padding: 4px 8px; }"
            f"QListWidget#navigation::item:selected {{ background: {highlight.name()}; color: {text.name()}; }}"
        )
