"""FindingsPanel: the browser and the editor side by side, and the finding actions the menus call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtWidgets import QApplication, QHBoxLayout, QSplitter, QWidget

from briefing.domain.errors import ConflictError, ValidationError
from briefing.domain.model import Audience, Finding, Section, Source
from briefing.domain.numbers import parse_number
from briefing.gui import dialogs
from briefing.gui.context import AppContext
from briefing.gui.findings.editor import FindingEditor
from briefing.gui.findings.table import FindingsBrowser
from briefing.gui.undo import DeleteFindingCommand, EditFindingCommand
from briefing.gui.workers import Failure


class FindingsPanel(QWidget):
    """Owns the finding workflow; MainWindow only forwards its actions here."""

    title = "Findings"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._audience_names: list[tuple[str, str, str]] | None = None  # what the filter and tabs show
        self.browser = FindingsBrowser(ctx, self)
        self.editor = FindingEditor(ctx, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.browser)
        self.splitter.addWidget(self.editor)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([800, 600])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.splitter)

        self.browser.sig_current_changed.connect(self._current_changed)
        self.browser.sig_number_edited.connect(self.fix_number)
        ctx.events.sig_finding_saved.connect(self.browser.upsert)
        ctx.events.sig_finding_deleted.connect(self.browser.remove)
        ctx.events.sig_sources_changed.connect(self._load_sources)
        ctx.events.sig_audience_changed.connect(lambda _key: self._refresh_if_audience_filtered())
        # An audience made, renamed or deleted elsewhere in the app: the filter and wording tabs follow.
        ctx.events.sig_audience_changed.connect(
            lambda _key: self.ctx.load("audiences", self.ctx.service.list_audiences, self._audiences_loaded))
        self.editor.sig_saved.connect(lambda f: self.browser.select_id(f.id))
        ctx.events.sig_database_changed.connect(self.reload)

    # ---- Public API
    def start(self) -> None:
        """First load: audiences, sources and the findings, all in the background."""
        self._load_report()
        self._load_sources()
        self.browser.refresh()

    def reload(self) -> None:
        """Re-read the table, the sources and the open finding (F5, or a commit from elsewhere);
        edits in the form are kept, and the form says when its record moved on."""
        self._load_sources()
        self._load_slugs()
        self.browser.refresh()
        self.editor.reload_from_database()

    def report_changed(self) -> None:
        """Another report is current: its sections, audiences and findings; the form starts blank."""
        self.editor.load(None)
        self._load_report()
        self.browser.refresh()

    def new_finding(self) -> None:
        def go() -> None:
            self.browser.select_id(None)
            self.editor.load(None, section=self.browser.section.currentData() or None)
            self.editor.setFocus()
            self.ctx.events.sig_message.emit("New finding: fill in the form and save")

        if self.editor.confirm_leave(then=go):
            go()

    def save(self) -> None:
        self.editor.save()

    def revert(self) -> None:
        self.editor.revert()

    def delete_selected(self) -> None:
        # Delete pressed inside the form means "this metric row", never "this whole finding".
        focus = QApplication.focusWidget()
        if focus is not None and self.editor.isAncestorOf(focus):
            self.editor.remove_selected_metrics(focus)
            return
        finding = self.browser.current()
        if finding is None:
            self.ctx.events.sig_message.emit("Select a finding to delete")
            return
        service = self.ctx.service

        def deleted(snapshot: Finding) -> None:
            self.ctx.undo.push(DeleteFindingCommand(self.ctx, snapshot))
            self.ctx.events.sig_finding_deleted.emit(snapshot.id)
            self.ctx.events.sig_message.emit(
                f"Deleted “{snapshot.title}”. Undo brings it back with its numbers."
            )

        self.ctx.ops.write(
            lambda _t: service.delete_finding(finding.id, expected_version=finding.version),
            label="Delete finding",
            success=deleted,
            failure=lambda f: self._write_failed("Could not delete the finding", f, finding.id),
        )

    def fix_number(self, finding: Finding, text: str) -> None:
        """The table's quick correction of a key number: validated by the service, undoable."""
        draft = finding.to_draft()
        index = finding.key_metric_index or 0
        metric = draft.metrics[index]
        try:
            typed_scale = parse_number(text).scale
        except ValidationError:
            typed_scale = None  # the service will refuse it with the field's message
        # A typed "5.2 trillion" brings its own scale; a bare "5.2" keeps the metric's.
        metric = replace(
            metric, value=text, scale=None if typed_scale is not None else metric.scale
        )
        draft = replace(draft, metrics=(*draft.metrics[:index], metric, *draft.metrics[index + 1:]))
        service = self.ctx.service

        def saved(result: Finding) -> None:
            key = result.key_metric
            label = key.label if key else "key number"
            shown = key.display() if key else text
            self.ctx.undo.push(
                EditFindingCommand(self.ctx, finding, result, text=f"Change “{label}” to {shown}")
            )
            self.ctx.events.sig_finding_saved.emit(result)
            self.ctx.events.sig_message.emit(f"Changed {label} of “{result.title}” to {shown}")

        self.ctx.ops.write(
            lambda _t: service.update_finding(finding.id, draft, finding.version),
            label="Change number",
            success=saved,
            failure=lambda f: self._write_failed("Could not change the number", f, finding.id),
        )

    def focus_search(self) -> None:
        self.browser.focus_search()

    def confirm_leave(self, then: Callable[[], object]) -> bool:
        return self.editor.confirm_leave(then)

    def has_unsaved_changes(self) -> bool:
        return self.editor.is_dirty()

    def save_state(self) -> None:
        self.ctx.settings.set_geometry("findings_splitter", self.splitter.saveState())
        self.ctx.settings.set_geometry(
            "findings_header", self.browser.view.horizontalHeader().saveState()
        )

    def restore_state(self) -> None:
        state = self.ctx.settings.geometry("findings_splitter")
        if state is not None:
            self.splitter.restoreState(state)
        header = self.ctx.settings.geometry("findings_header")
        if header is not None:
            self.browser.view.horizontalHeader().restoreState(QByteArray(header))

    # ---- Internals
    def _load_report(self) -> None:
        service = self.ctx.service
        self.ctx.load("audiences", lambda: (service.sections(), service.list_audiences()), self._report_loaded)
        self._load_slugs()

    def _load_slugs(self) -> None:
        """The report's finding slugs, for the form's "Superseded by" (its text and completion)."""
        service = self.ctx.service
        self.ctx.load("findings", lambda: {f.id: f.slug for f in service.list_findings()},
                      self.editor.set_finding_slugs)

    def _report_loaded(self, loaded: tuple[tuple[Section, ...], list[Audience]]) -> None:
        sections, audiences = loaded
        self.browser.set_sections(sections)
        self.editor.set_sections(sections)
        self._audience_names = None  # another report: its audiences, whatever their names
        self._audiences_loaded(audiences)

    def _audiences_loaded(self, audiences: list[Audience]) -> None:
        names = [(a.key, a.name, a.description) for a in audiences]
        if names == self._audience_names:
            return  # only a template changed: the tabs and the filter stay as they are
        self._audience_names = names
        self.browser.set_audiences(audiences)
        self.editor.set_audiences(audiences)

    def _load_sources(self) -> None:
        self.ctx.load("sources", self.ctx.service.list_sources, self._sources_loaded)

    def _sources_loaded(self, sources: list[Source]) -> None:
        self.editor.set_sources(sources)

    def _refresh_if_audience_filtered(self) -> None:
        if self.browser.audience.currentData():
            self.browser.refresh()

    def _current_changed(self, finding: Finding | None, previous: Finding | None) -> None:
        if finding is None and self.editor.finding() is None:
            return

        def go() -> None:
            self.editor.load(finding)
            if finding is not None:
                self.browser.select_id(finding.id)

        editing = self.editor.finding()
        if self.editor.is_dirty() and editing is not None and finding is not None and finding.id == editing.id:
            return
        if self.editor.confirm_leave(then=go):
            if finding is not None:
                self.editor.load(finding)
            return
        # Stay on the edited finding: put the selection back without re-entering this handler.
        self.browser.restore_selection(previous)

    def _write_failed(self, title: str, failure: Failure, finding_id: int) -> None:
        error = failure.error
        if isinstance(error, ValidationError):
            messages = "\n".join(e.message for e in error.errors)
            self.ctx.events.sig_message.emit(f"Not changed: {error.errors[0].message}")
            dialogs.show_error(self.window(), title, messages)
            return
        if isinstance(error, ConflictError):
            self.ctx.events.sig_message.emit("Not changed: someone else changed this finding")
            if dialogs.ask_reload_after_conflict(self.window(), "This finding", str(error)):
                service = self.ctx.service
                self.ctx.ops.run(
                    lambda _t: service.get_finding(finding_id),
                    label="Reload finding",
                    success=self.ctx.events.sig_finding_saved.emit,
                    failure=self.ctx.events.fail("Could not reload the finding"),
                )
            return
        self.ctx.events.sig_error.emit(title, failure)
