"""GUI fixtures: isolated QSettings and cache, real dialogs answered from a script, a window on a temporary database,
and a guard that fails any test leaving a window open or background work running."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QSettings, QTimer, QUrl
from PySide6.QtWidgets import (
    QApplication,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLineEdit,
    QMessageBox,
    QProgressDialog,
)

from briefing.gui import dialogs


@dataclass
class DialogScript:
    """How the real dialogs get answered, and a log of every one that appeared.

    Nothing in `dialogs` is replaced: a timer finds `QApplication.activeModalWidget()` (the dialog
    the app is waiting on in its own modal loop) and clicks one of its buttons, as a user would.
    Only the desktop opener is swapped, so opened files and links land in `opened` instead of a
    browser or a PDF viewer.
    """

    unsaved: dialogs.Choice = dialogs.Choice.DISCARD
    reload_after_conflict: bool = True
    conflict: dialogs.Resolution = dialogs.Resolution.CANCEL
    save_path: str = ""
    open_path: str = ""  # typed into an open-file dialog; "" cancels it
    folder: str = ""
    export_done: str = ""
    export_problems: str = "Show Problems"  # or "Export Anyway", "Cancel"
    confirm: bool = True
    # The New/Edit Report dialog: typed in as given (key, title, edition, [(key, heading, short)]),
    # then Save pressed; None presses Cancel. A refusal it shows is logged and the dialog cancelled.
    report: tuple[str, str, str, list[tuple[str, str, str]]] | None = None
    report_colours: tuple[str, str] | None = None  # (palette, accents) typed in too, when given
    texts: list[str] = field(default_factory=list)  # typed into each ask_text in turn; none left: Cancel
    # The app's own dialogs by class name: a function that fills the real dialog in and presses its button.
    fill: dict[str, Any] = field(default_factory=dict)
    errors_expected: bool = False
    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)
    opened: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def asked(self, name: str) -> list[tuple[Any, ...]]:
        return [args for n, args in self.calls if n == name]

    # ---- The answering side
    def open(self, url: QUrl) -> bool:
        self.opened.append(url.toString())
        return True

    def answer(self) -> None:
        """Called by the timer: answer the modal dialog on screen, if any, once."""
        widget = QApplication.activeModalWidget()
        if widget is None or isinstance(widget, QProgressDialog) or widget.property("answered"):
            return
        widget.setProperty("answered", True)
        from briefing.gui.reports import ReportDialog

        if isinstance(widget, dialogs.ConflictDialog):
            self._conflict(widget)
        elif isinstance(widget, ReportDialog):
            self._report(widget)
        elif isinstance(widget, QFileDialog):
            self._file(widget)
        elif isinstance(widget, QMessageBox):
            self._message(widget)
        elif isinstance(widget, QInputDialog):
            self._text(widget)
        elif type(widget).__name__ in self.fill:
            self.calls.append((type(widget).__name__, (widget.windowTitle(),)))
            self.fill[type(widget).__name__](widget)
        else:
            self.unknown.append(f"{type(widget).__name__}({widget.windowTitle()!r})")
            widget.close()

    def _conflict(self, box: dialogs.ConflictDialog) -> None:
        table = box.table
        rows = [
            tuple(table.item(r, c).text() for c in range(3)) for r in range(table.rowCount())
        ]
        self.calls.append(("resolve_conflict", (box.differing_rows(), rows)))
        buttons = {
            dialogs.Resolution.KEEP_MINE: box.keep_mine,
            dialogs.Resolution.TAKE_THEIRS: box.take_theirs,
            dialogs.Resolution.SAVE_COPY: box.save_copy,
        }
        if self.conflict in buttons:
            buttons[self.conflict].click()
        else:
            box.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Cancel).click()

    def _report(self, dialog: Any) -> None:
        if self.report is None:
            self.calls.append(("report_dialog", (dialog.windowTitle(), None)))
            dialog.reject()
            return
        if not dialog.fields.isEnabled():
            # Edit Report reads the report off the GUI thread first: answer once the form is filled.
            dialog.setProperty("answered", False)
            return
        key, title, edition, sections = self.report
        dialog.key.setText(key)
        dialog.title.setText(title)
        dialog.edition.setText(edition)
        if self.report_colours is not None:
            dialog.palette_edit.setText(self.report_colours[0])
            dialog.accents_edit.setText(self.report_colours[1])
        dialog.sections.setRowCount(0)
        for row in sections:
            dialog.add_section(*row)
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
        # The save runs on the write lane; the form is disabled until its answer arrives.
        deadline = time.monotonic() + 15
        while dialog.busy.isVisibleTo(dialog) and time.monotonic() < deadline:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        refused = dialog.refusal() if dialog.isVisible() else ""
        self.calls.append(("report_dialog", (dialog.windowTitle(), refused)))
        if refused:
            dialog.reject()

    def _file(self, dialog: QFileDialog) -> None:
        if dialog.fileMode() == QFileDialog.FileMode.ExistingFile:
            self.calls.append(("open_file", (dialog.windowTitle(),)))
            if not self.open_path:
                dialog.reject()
                return
            dialog.findChild(QLineEdit, "fileNameEdit").setText(self.open_path)
            dialog.accept()
            return
        saving = dialog.acceptMode() == QFileDialog.AcceptMode.AcceptSave
        name = "save_file" if saving else "choose_folder"
        answer = self.save_path if saving else self.folder
        self.calls.append((name, (dialog.windowTitle(), dialog.selectedFiles())))
        if not answer:
            dialog.reject()
            return
        if saving:
            # Type the path into the file name box, as a user would, then press Save.
            dialog.findChild(QLineEdit, "fileNameEdit").setText(answer)
        else:
            dialog.setDirectory(answer)
        dialog.accept()

    def _text(self, dialog: QInputDialog) -> None:
        self.calls.append(("ask_text", (dialog.windowTitle(), dialog.labelText(), dialog.textValue())))
        if not self.texts:
            dialog.reject()
            return
        # Type into the dialog's own line edit, as a user would, then press OK.
        dialog.findChild(QLineEdit).setText(self.texts.pop(0))
        dialog.accept()

    def _message(self, box: QMessageBox) -> None:
        title = box.windowTitle()
        by_text = {b.text().replace("&", ""): b for b in box.buttons()}
        std = QMessageBox.StandardButton
        if title == "Unsaved changes":
            self.calls.append(("ask_unsaved", (box.text(),)))
            which = {dialogs.Choice.SAVE: std.Save, dialogs.Choice.DISCARD: std.Discard}
            box.button(which.get(self.unsaved, std.Cancel)).click()
        elif title == "Export finished":
            self.calls.append(("ask_export_done", (box.informativeText(), box.text(), list(by_text))))
            choice = {"open": "Open", "folder": "Show in Folder"}.get(self.export_done)
            (by_text[choice] if choice else box.button(std.Close)).click()
        elif title.startswith("Problems in the ") and title.endswith(" briefing"):
            self.calls.append(("ask_export_with_problems", (title, box.text(), box.detailedText())))
            by_text[self.export_problems].click()
        elif title == "Changed elsewhere":
            self.calls.append(("ask_reload_after_conflict", (box.text(), box.detailedText())))
            by_text["Reload" if self.reload_after_conflict else "Keep Editing"].click()
        elif box.icon() == QMessageBox.Icon.Critical:
            self.calls.append(("show_error", (box.parent(), title, box.text(), box.detailedText())))
            box.buttons()[0].click()
        elif box.icon() == QMessageBox.Icon.Information:
            self.calls.append(("show_info", (title, box.text())))
            box.buttons()[0].click()
        else:
            self.calls.append(("confirm", (title, box.text())))
            accept = (QMessageBox.ButtonRole.AcceptRole, QMessageBox.ButtonRole.DestructiveRole,
                      QMessageBox.ButtonRole.YesRole)
            wanted = [b for b in box.buttons() if (box.buttonRole(b) in accept) == self.confirm]
            wanted[0].click()


@pytest.fixture(scope="session")
def gui_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One chart cache for the GUI tests: rendered charts are content-addressed, so sharing them
    between tests is safe and spares each export re-drawing the same figures."""
    return tmp_path_factory.mktemp("gui-cache")


@pytest.fixture(autouse=True)
def _isolated_qt(
    qapp: QApplication, tmp_path: Path, gui_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    """Own settings and cache per test; afterwards, no visible window and no running worker."""
    from briefing.gui.workers import Operations

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "qsettings")
    )
    QCoreApplication.setOrganizationName("BriefingTests")
    QCoreApplication.setApplicationName("BriefingTests")
    monkeypatch.setenv("BRIEFING_CACHE", str(gui_cache))
    yield
    # pytest-qt closed the test's widgets before this runs; let their deferred deletes happen.
    for _ in range(3):
        QApplication.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    leaked = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    busy = [ops for ops in Operations.live() if ops.active() or ops.running_threads()]
    for w in leaked:
        w.close()
    for ops in busy:
        ops.shutdown()
    problems = []
    if leaked:
        problems.append(
            "windows left open: "
            + ", ".join(f"{type(w).__name__}({w.windowTitle()!r})" for w in leaked)
        )
    if busy:
        problems.append(
            "background work still running: "
            + ", ".join(op.label for ops in busy for op in ops.active())
        )
    if problems:
        pytest.fail("; ".join(problems))


@pytest.fixture(autouse=True)
def script(qapp: QApplication) -> Iterator[DialogScript]:
    """Every real modal dialog is answered from this script; an unexpected error dialog, or a
    dialog nobody knows how to answer, fails the test."""
    s = DialogScript()
    previous = dialogs.set_opener(s.open)
    timer = QTimer()
    timer.setInterval(15)
    timer.timeout.connect(s.answer)
    timer.start()
    yield s
    timer.stop()
    dialogs.set_opener(previous)
    errors = s.asked("show_error")
    if errors and not s.errors_expected:
        pytest.fail(f"unexpected error dialog(s): {[a[1:3] for a in errors]}")
    if s.unknown:
        pytest.fail(f"dialogs nobody answered: {s.unknown}")


@pytest.fixture
def settings(tmp_path: Path):
    from briefing.gui.settings import Settings

    s = Settings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    # No background typesetting unless a test asks for it: it would only compete for the 2 cores.
    s.preview_delay_ms = 5000
    s.export_folder = str(tmp_path)
    return s


@pytest.fixture
def window(qtbot, service, settings):
    """The main window on a seeded temporary database, loaded and on the Findings screen."""
    from briefing.gui.main_window import MainWindow

    w = MainWindow(settings)
    qtbot.addWidget(w)
    w.show()
    w.attach_service(service, label="test.sqlite3")
    w.go("findings")
    qtbot.waitUntil(
        lambda: w.findings.browser.model.rowCount() > 0 and not w.ops.active(), timeout=10_000
    )
    yield w
    # Close before the service fixture closes the database under running workers.
    if w.isVisible():
        w.findings.editor.load(w.findings.editor.finding())  # drop edits so closing cannot ask
        w.sources.load(w.sources.current())
        w.close()
