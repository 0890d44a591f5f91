"""Start-up, the action list, workers and the excepthook."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from briefing.gui.actions import ACTIONS
from briefing.gui.workers import Operations


def test_the_window_modules_import_without_heavy_renderers() -> None:
    # The window must be able to appear before reportlab, python-docx or matplotlib load.
    code = (
        "import sys, briefing.gui.app, briefing.gui.main_window;"
        "import briefing.gui.findings.panel, briefing.gui.sources.panel;"
        "import briefing.gui.charts.panel, briefing.gui.briefing_panel.panel;"
        "heavy = [m for m in ('matplotlib', 'reportlab', 'docx', 'pptx', 'sqlalchemy') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_every_declared_action_is_in_a_menu_with_its_shortcut(window) -> None:
    menu_actions = {a.objectName() for m in window.menuBar().actions() for a in m.menu().actions()}
    for spec in ACTIONS:
        assert f"action_{spec.key}" in menu_actions
    for key in (
        "new_finding",
        "find",
        "save",
        "export_pdf",
        "undo",
        "redo",
        "delete",
        "preferences",
        "quit",
    ):
        assert not window.actions_by_key[key].shortcut().isEmpty(), key


def test_navigation_switches_screens(window, qtbot) -> None:
    for key, panel in (
        ("sources", window.sources),
        ("charts", window.charts),
        ("briefing", window.briefing),
        ("findings", window.findings),
    ):
        window.actions_by_key[f"go_{key}"].trigger()
        assert window.stack.currentWidget() is panel
        assert window.current_page() == key


def test_a_failing_operation_shows_two_lines_and_logs_the_trace(window, qtbot, script) -> None:
    script.errors_expected = True

    def boom(_token: object) -> None:
        raise RuntimeError("disk on fire")

    window.ops.run(boom, label="Doomed work")
    qtbot.waitUntil(lambda: bool(script.asked("show_error")))
    _parent, title, summary, details = script.asked("show_error")[0]
    # An unexpected error: two lines naming the log file; the trace is in the log, not the dialog.
    assert "Doomed work" in title and "(RuntimeError)" in summary and "disk on fire" not in summary
    assert details == ""
    from briefing.errorlog import log_path

    assert str(log_path()) in summary
    text = log_path().read_text(encoding="utf-8")
    assert "RuntimeError: disk on fire" in text and "boom" in text


def test_unhandled_exceptions_anywhere_are_shown(qtbot, script) -> None:
    from briefing.gui.excepthook import ExceptHook

    script.errors_expected = True
    hook = ExceptHook()
    hook.install()
    try:
        try:
            raise ValueError("from the GUI thread")
        except ValueError:
            sys.excepthook(*sys.exc_info())
        worker = threading.Thread(target=lambda: (_ for _ in ()).throw(KeyError("from a thread")))
        worker.start()
        worker.join()
        qtbot.waitUntil(lambda: len(script.asked("show_error")) == 2)
    finally:
        hook.uninstall()
    # The one error policy: the dialog names the kind of error and the log file, never the library's
    # text or a traceback; the log holds both traces.
    shown = script.asked("show_error")
    summaries = [args[2] for args in shown]
    assert any("(ValueError)" in s for s in summaries) and any("(KeyError)" in s for s in summaries)
    assert not any("from the GUI thread" in s or "from a thread" in s for s in summaries)
    assert all(args[3] == "" for args in shown)
    from briefing.errorlog import log_path

    log = log_path()
    assert all(str(log) in s for s in summaries)
    text = log.read_text(encoding="utf-8")
    assert "ValueError: from the GUI thread" in text and "KeyError: 'from a thread'" in text


def test_operations_deliver_progress_and_cancel_on_the_gui_thread(qtbot) -> None:
    ops = Operations()
    seen: list[float] = []
    cancelled: list[bool] = []
    gate = threading.Event()

    def work(token):
        token.progress(0.5, "half")
        gate.wait(5)
        token.check()
        return "finished"

    op = ops.run(
        work,
        label="Cancellable",
        progress=lambda f, _m: seen.append(f),
        cancelled=lambda: cancelled.append(True),
    )
    qtbot.waitUntil(lambda: seen == [0.5])
    op.cancel()
    gate.set()
    qtbot.waitUntil(lambda: cancelled == [True])
    assert not ops.active()
    ops.deleteLater()


@pytest.mark.parametrize("key", ["author", "export_folder", "last_audience"])
def test_settings_round_trip(settings, key, tmp_path) -> None:
    value = str(tmp_path) if key == "export_folder" else "Research desk"
    setattr(settings, key, value)
    assert getattr(settings, key) == value
