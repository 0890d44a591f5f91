"""GUI fixtures: isolated QSettings and cache, scripted dialogs, a window on a temporary database,
and a guard that fails any test leaving a window open or background work running."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QSettings
from PySide6.QtWidgets import QApplication

from briefing.gui import dialogs


@dataclass
class DialogScript:
    """What the patched dialogs answer, and a log of every question asked."""

    unsaved: dialogs.Choice = dialogs.Choice.DISCARD
    reload_after_conflict: bool = True
    save_path: str = ""
    folder: str = ""
    export_done: str = ""
    confirm: bool = True
    errors_expected: bool = False
    calls: list[tuple[str, tuple[Any, ...]]] = field(default_factory=list)

    def asked(self, name: str) -> list[tuple[Any, ...]]:
        return [args for n, args in self.calls if n == name]


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
def script(monkeypatch: pytest.MonkeyPatch) -> Iterator[DialogScript]:
    """Every modal question is answered from this script; an unexpected error dialog fails the test."""
    s = DialogScript()

    def record(name: str, result: Callable[..., Any]) -> Callable[..., Any]:
        def fn(*args: Any, **kwargs: Any) -> Any:
            s.calls.append((name, args))
            return result(*args)

        return fn

    monkeypatch.setattr(dialogs, "ask_unsaved", record("ask_unsaved", lambda *_: s.unsaved))
    monkeypatch.setattr(
        dialogs,
        "ask_reload_after_conflict",
        record("ask_reload_after_conflict", lambda *_: s.reload_after_conflict),
    )
    monkeypatch.setattr(dialogs, "save_file", record("save_file", lambda *_: s.save_path))
    monkeypatch.setattr(dialogs, "choose_folder", record("choose_folder", lambda *_: s.folder))
    monkeypatch.setattr(
        dialogs, "ask_export_done", record("ask_export_done", lambda *_: s.export_done)
    )
    monkeypatch.setattr(dialogs, "confirm", record("confirm", lambda *_: s.confirm))
    monkeypatch.setattr(dialogs, "show_error", record("show_error", lambda *_: None))
    monkeypatch.setattr(dialogs, "show_info", record("show_info", lambda *_: None))
    monkeypatch.setattr(dialogs, "open_url", record("open_url", lambda *_: True))
    monkeypatch.setattr(dialogs, "open_path", record("open_path", lambda *_: True))
    monkeypatch.setattr(dialogs, "show_in_folder", record("show_in_folder", lambda *_: True))
    yield s
    errors = s.asked("show_error")
    if errors and not s.errors_expected:
        pytest.fail(f"unexpected error dialog(s): {[a[1:3] for a in errors]}")


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
