"""The window over a library of reports: title and switcher, New Report… with sections, rename,
delete with confirmation and undo, every screen on the current report, carried-over findings marked
with a Confirm action. Real dialogs answered by the script; a real SQLite file underneath."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from briefing.gui.findings.model import TITLE


def _idle(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not window.ops.active(), timeout=15_000)


def _sections_in_filter(window) -> list[str]:  # type: ignore[no-untyped-def]
    combo = window.findings.browser.section
    return [combo.itemData(i) for i in range(1, combo.count())]


def test_the_title_names_the_report_and_a_new_report_becomes_current(window, qtbot, script) -> None:  # type: ignore[no-untyped-def]
    seed = window.ctx.service.get_report()
    assert window.windowTitle().startswith(seed.title)
    assert window.report_switcher.currentData() == seed.key
    script.report = ("gulf", "Gulf Energy Monitor", "Q2 2026",
                     [("supply", "Supply and output", "Supply"), ("prices", "Prices", ""), ("outlook", "Outlook", "")])
    window.actions_by_key["new_report"].trigger()
    _idle(window, qtbot)
    assert script.asked("report_dialog") == [("New Report", "")]
    assert window.windowTitle().startswith("Gulf Energy Monitor")
    assert [window.report_switcher.itemData(i) for i in range(window.report_switcher.count())] == [seed.key, "gulf"]
    qtbot.waitUntil(lambda: _sections_in_filter(window) == ["supply", "prices", "outlook"], timeout=10_000)
    assert window.findings.browser.model.rowCount() == 0
    editor = window.findings.editor
    assert [editor._section.itemData(i) for i in range(editor._section.count())] == ["supply", "prices", "outlook"]
    # The briefing screen lists this report's audiences only.
    qtbot.waitUntil(lambda: window.briefing.audience() is not None, timeout=10_000)
    assert window.briefing.audience().key == "standard"
    # Switching back shows the seed report's findings again.
    window.report_switcher.sig_chosen.emit(seed.key)
    qtbot.waitUntil(lambda: window.findings.browser.model.rowCount() == 103, timeout=10_000)
    assert window.windowTitle().startswith(seed.title)


def test_a_bad_report_is_refused_in_the_dialog(window, qtbot, script) -> None:  # type: ignore[no-untyped-def]
    script.report = ("dup", "Twice", "", [("a", "A", ""), ("a", "Again", "")])
    window.actions_by_key["new_report"].trigger()
    _idle(window, qtbot)
    [(title, refused)] = script.asked("report_dialog")
    assert title == "New Report"
    assert "sections.1.key" in refused and "unique" in refused
    assert [r.key for r in window.ctx.service.list_reports()] == [window.ctx.service.get_report().key]


def test_rename_keeps_the_report_and_its_findings(window, qtbot, script) -> None:  # type: ignore[no-untyped-def]
    seed = window.ctx.service.get_report()
    script.report = ("dia-april", "Digital in Asia, April", seed.edition,
                     [(s.key, s.title, s.short) for s in seed.sections])
    window.actions_by_key["edit_report"].trigger()
    _idle(window, qtbot)
    assert script.asked("report_dialog") == [("Edit Report", "")]
    assert window.windowTitle().startswith("Digital in Asia, April")
    assert window.report_switcher.currentData() == "dia-april"
    conn = sqlite3.connect(window.ctx.service.db.url.database)
    assert conn.execute("SELECT COUNT(*) FROM findings f JOIN reports r ON r.id = f.report_id "
                        "WHERE r.key = 'dia-april'").fetchone()[0] == 103
    conn.close()


def test_delete_asks_and_undo_brings_the_report_back(window, qtbot, script) -> None:  # type: ignore[no-untyped-def]
    service = window.ctx.service
    seed = service.get_report()
    script.report = ("gulf", "Gulf Energy Monitor", "", [("supply", "Supply", "")])
    window.actions_by_key["new_report"].trigger()
    _idle(window, qtbot)
    window.report_switcher.sig_chosen.emit(seed.key)
    _idle(window, qtbot)
    before = [(f.id, f.slug, [m.value for m in f.metrics]) for f in service.list_findings()]

    script.confirm = False  # asked, and Cancel: nothing happens
    window.actions_by_key["delete_report"].trigger()
    qtbot.waitUntil(lambda: bool(script.asked("confirm")), timeout=10_000)
    _idle(window, qtbot)
    assert script.asked("confirm")[-1][0] == "Delete Report" and "103 finding(s)" in script.asked("confirm")[-1][1]
    assert len(service.list_reports()) == 2

    script.confirm = True
    window.actions_by_key["delete_report"].trigger()
    _idle(window, qtbot)
    assert [r.key for r in service.list_reports()] == ["gulf"]
    assert window.windowTitle().startswith("Gulf Energy Monitor")
    conn = sqlite3.connect(service.db.url.database)
    assert conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 0
    conn.close()

    window.actions_by_key["undo"].trigger()
    qtbot.waitUntil(lambda: window.report_switcher.currentData() == seed.key, timeout=15_000)
    _idle(window, qtbot)
    assert {r.key for r in service.list_reports()} == {seed.key, "gulf"}
    assert [(f.id, f.slug, [m.value for m in f.metrics]) for f in service.list_findings()] == before
    qtbot.waitUntil(lambda: window.findings.browser.model.rowCount() == 103, timeout=10_000)


def test_carried_over_findings_are_marked_and_confirmed(window, qtbot, script) -> None:  # type: ignore[no-untyped-def]
    service = window.ctx.service
    service.new_edition(key="dia-may", edition="May 2026", data_as_of="2026-05-31")
    window.report_switcher.sig_chosen.emit("dia-may")
    _idle(window, qtbot)
    qtbot.waitUntil(lambda: window.windowTitle().startswith("Digital in Asia — May 2026"), timeout=10_000)
    qtbot.waitUntil(lambda: window.findings.browser.model.rowCount() == 103, timeout=10_000)
    model = window.findings.browser.model
    first = model.finding(0)
    assert first.carried_over
    assert model.data(model.index(0, TITLE), Qt.ItemDataRole.FontRole).italic()
    assert "not yet reviewed" in model.data(model.index(0, TITLE), Qt.ItemDataRole.ToolTipRole)

    window.findings.browser.select_id(first.id)
    editor = window.findings.editor
    qtbot.waitUntil(lambda: editor.finding() is not None and editor.finding().id == first.id, timeout=10_000)
    assert editor._notice.isVisible() and "Carried over" in editor._notice_label.text()
    button = editor._notice.findChild(QPushButton)
    assert button.text().replace("&", "") == "Confirm"
    button.click()
    qtbot.waitUntil(lambda: not editor.finding().carried_over, timeout=10_000)
    assert not editor._notice.isVisible()
    row = model.row_of(first.id)
    assert not model.finding(row).carried_over
    assert not model.data(model.index(row, TITLE), Qt.ItemDataRole.FontRole)
    conn = sqlite3.connect(service.db.url.database)
    assert conn.execute("SELECT carried_over FROM findings WHERE id = ?", (first.id,)).fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM findings WHERE carried_over").fetchone()[0] == 102
    conn.close()


def test_what_changed_lists_the_edition_diff(window, qtbot, script) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    service = window.ctx.service
    window.actions_by_key["what_changed"].trigger()
    qtbot.waitUntil(lambda: bool(script.asked("show_info")), timeout=10_000)
    assert "first edition" in script.asked("show_info")[-1][1]
    service.new_edition(key="dia-may", edition="May 2026", data_as_of="2026-05-31")
    window.report_switcher.sig_chosen.emit("dia-may")
    _idle(window, qtbot)
    f = next(x for x in service.list_findings() if x.metrics)
    metrics = list(f.to_draft().metrics)
    metrics[0] = replace(metrics[0], value=f.metrics[0].value + 1)
    service.update_finding(f.id, replace(f.to_draft(), metrics=tuple(metrics)), f.version)
    window.actions_by_key["what_changed"].trigger()
    qtbot.waitUntil(lambda: len(script.asked("show_info")) == 2, timeout=10_000)
    title, text = script.asked("show_info")[-1]
    assert title == "What changed since April 2026"
    assert text.splitlines()[0] == "0 new, 1 changed, 0 dropped."
    assert f"Changed: {f.title}" in text and f"metrics.0.value: {f.metrics[0].display(compact=False)} →" in text
