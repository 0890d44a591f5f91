"""Undo across report switches, and the report dialog's database work off the GUI thread. Driven
through the real window over a real SQLite file; the confirmation box and the report dialog are the
real ones, answered by the script."""

from __future__ import annotations

import io
import sqlite3
import threading

from PySide6.QtWidgets import QDialogButtonBox

from briefing.domain.model import FindingDraft

EDITED = "Edited before a visit to the Gulf"


def _idle(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not window.ops.active() and not window.ctx.history.replaying, timeout=15_000)


def _new_report(window, qtbot, script, key: str, title: str) -> None:  # type: ignore[no-untyped-def]
    script.report = (key, title, "", [("supply", "Supply", ""), ("prices", "Prices", "")])
    window.actions_by_key["new_report"].trigger()
    _idle(window, qtbot)
    qtbot.waitUntil(lambda: window.report_switcher.currentData() == key, timeout=15_000)


def _switch(window, qtbot, key: str) -> None:  # type: ignore[no-untyped-def]
    window.report_switcher.sig_chosen.emit(key)
    _idle(window, qtbot)
    assert window.report_switcher.currentData() == key


def _rows(path: str, sql: str, *args: object) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, args).fetchall()
    finally:
        conn.close()


def test_a_deleted_report_comes_back_on_undo_after_switching(window, qtbot, script) -> None:  # type: ignore[no-untyped-def]
    service = window.ctx.service
    path = service.db.url.database
    seed = service.get_report()
    _new_report(window, qtbot, script, "gulf", "Gulf Energy Monitor")
    service.create_finding(FindingDraft(title="Output rose", statement="Output rose 4% in the quarter.",
                                        section="prices"))
    _new_report(window, qtbot, script, "tide", "Tide Tables")
    _switch(window, qtbot, "gulf")
    before = _rows(path, "SELECT f.id, f.slug, f.title FROM findings f JOIN reports r ON r.id = f.report_id "
                         "WHERE r.key = 'gulf'")
    assert len(before) == 1

    script.confirm = True
    window.actions_by_key["delete_report"].trigger()
    _idle(window, qtbot)
    assert script.asked("confirm")[-1][0] == "Delete Report" and "1 finding(s)" in script.asked("confirm")[-1][1]
    assert _rows(path, "SELECT COUNT(*) FROM reports WHERE key = 'gulf'") == [(0,)]
    # The user goes elsewhere: the delete stays undoable.
    _switch(window, qtbot, seed.key)
    assert window.actions_by_key["undo"].isEnabled()
    assert window.actions_by_key["undo"].text() == "&Undo Delete report “Gulf Energy Monitor”"

    window.actions_by_key["undo"].trigger()
    qtbot.waitUntil(lambda: window.report_switcher.currentData() == "gulf", timeout=15_000)
    _idle(window, qtbot)
    assert window.windowTitle().startswith("Gulf Energy Monitor")
    assert _rows(path, "SELECT f.id, f.slug, f.title FROM findings f JOIN reports r ON r.id = f.report_id "
                       "WHERE r.key = 'gulf'") == before
    qtbot.waitUntil(lambda: window.findings.browser.model.rowCount() == 1, timeout=10_000)
    assert script.asked("show_error") == []


def test_an_edit_in_one_report_is_undone_after_visiting_another(window, qtbot, script) -> None:  # type: ignore[no-untyped-def]
    service = window.ctx.service
    path = service.db.url.database
    seed = service.get_report()
    _new_report(window, qtbot, script, "gulf", "Gulf Energy Monitor")
    _switch(window, qtbot, seed.key)
    window.go("findings")
    browser = window.findings.browser
    qtbot.waitUntil(lambda: browser.model.rowCount() == 103, timeout=10_000)
    finding = browser.model.finding(1)
    browser.select_id(finding.id)
    editor = window.findings.editor
    qtbot.waitUntil(lambda: editor.finding() is not None and editor.finding().id == finding.id, timeout=10_000)
    editor._title.setText(EDITED)
    window.actions_by_key["save"].trigger()
    qtbot.waitUntil(lambda: not editor.is_dirty() and not editor.is_saving(), timeout=10_000)
    _idle(window, qtbot)
    assert _rows(path, "SELECT title FROM findings WHERE id = ?", finding.id) == [(EDITED,)]

    # There and back: the step is still there, and undoes the edit.
    _switch(window, qtbot, "gulf")
    _switch(window, qtbot, seed.key)
    window.actions_by_key["undo"].trigger()
    _idle(window, qtbot)
    assert _rows(path, "SELECT title FROM findings WHERE id = ?", finding.id) == [(finding.title,)]

    # Redo from the other report: the window goes back to the report the step was made in first.
    _switch(window, qtbot, "gulf")
    window.actions_by_key["redo"].trigger()
    qtbot.waitUntil(lambda: window.report_switcher.currentData() == seed.key, timeout=15_000)
    _idle(window, qtbot)
    assert _rows(path, "SELECT title FROM findings WHERE id = ?", finding.id) == [(EDITED,)]
    assert _rows(path, "SELECT COUNT(*) FROM findings f JOIN reports r ON r.id = f.report_id "
                       "WHERE r.key = 'gulf'") == [(0,)]
    assert window.windowTitle().startswith(seed.title)
    assert script.asked("show_error") == []


def test_the_report_dialog_loads_and_saves_off_the_gui_thread(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from briefing.gui.reports import ReportDialog

    service = window.ctx.service
    key = service.get_report().key
    threads: list[int] = []

    def save(draft):  # type: ignore[no-untyped-def]
        threads.append(threading.get_ident())
        return service.update_report(key, draft)

    dialog = ReportDialog(window, window.ctx, save, key)
    qtbot.addWidget(dialog)
    dialog.show()
    # Until the report arrives the form is disabled and says why.
    assert not dialog.fields.isEnabled() and dialog.busy.text() == "Loading the report…"
    assert [op.label for op in window.ops.active()] == ["Load report"]
    qtbot.waitUntil(lambda: dialog.fields.isEnabled(), timeout=10_000)
    assert dialog.key.text() == key and dialog.sections.rowCount() == len(service.get_report().sections)
    assert not dialog.busy.isVisibleTo(dialog)

    # A bad colour: refused by the service on the write lane, the message under its field.
    dialog.palette_edit.setText("#0072B2, teal")
    save_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Save)
    save_button.click()
    assert not dialog.fields.isEnabled() and dialog.busy.text() == "Saving…"
    qtbot.waitUntil(lambda: dialog.fields.isEnabled(), timeout=10_000)
    assert dialog.errors["palette"].isVisibleTo(dialog)
    assert "colours.palette.1" in dialog.errors["palette"].text() and "not a colour" in dialog.errors["palette"].text()
    assert dialog.isVisible() and dialog.saved is None
    assert threads and threading.main_thread().ident not in threads

    dialog.palette_edit.setText("#2A6F4E, #8E44AD")
    dialog.accents_edit.setText("full=#2A6F4E")
    save_button.click()
    qtbot.waitUntil(lambda: dialog.saved is not None, timeout=10_000)
    assert service.get_report().colours.palette == ("#2A6F4E", "#8E44AD")
    assert threading.main_thread().ident not in threads


def test_a_report_that_cannot_be_read_leaves_the_dialog_disabled_with_the_reason(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    from briefing.gui.reports import ReportDialog

    dialog = ReportDialog(window, window.ctx, lambda draft: None, "gone-meanwhile")  # type: ignore[arg-type,return-value]
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.error.isVisibleTo(dialog), timeout=10_000)
    assert "Could not load the report" in dialog.error.text() and "gone-meanwhile" in dialog.error.text()
    assert not dialog.fields.isEnabled()
    assert not dialog.buttons.button(QDialogButtonBox.StandardButton.Save).isEnabled()


def test_the_chart_preview_draws_in_the_current_reports_colours(window, qtbot, service) -> None:  # type: ignore[no-untyped-def]
    from colour_scan import png_colours

    from briefing.paths import SEED_DATA
    from briefing.services.seeding import seed_database
    from briefing.store.seed import load_report

    example = SEED_DATA / "examples" / "harbor-water"
    seed_database(service, root=example)
    window.go("charts")
    panel = window.charts
    qtbot.waitUntil(lambda: panel.figure() is not None, timeout=30_000)

    def fills() -> set[str]:
        """Every pixel colour of the preview's figure, drawn as it is shown."""
        buffer = io.BytesIO()
        panel.figure().savefig(buffer, format="png", dpi=40)
        buffer.seek(0)
        return png_colours(buffer)

    seed_figure = panel.figure()
    assert "#0072B2" in fills()  # the seed's accent on its first chart
    _switch(window, qtbot, load_report(example)["key"])
    qtbot.waitUntil(lambda: panel.figure() is not None and panel.figure() is not seed_figure, timeout=30_000)
    panel.select_key("leakage-by-district")
    qtbot.waitUntil(lambda: "#1F6F8B" in fills(), timeout=30_000)
    assert not fills() & {"#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9"}
