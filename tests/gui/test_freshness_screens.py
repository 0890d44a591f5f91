"""Freshness in the app: the report dialog's staleness threshold, the finding form's "Superseded
by" (refusals under the field) and the table's mark for a superseded finding. Real widgets over a
real SQLite file."""

from __future__ import annotations

from PySide6.QtCore import Qt

from briefing.gui.findings.model import TITLE

POLICY = "ai-plus-targets-70pct-2027-90pct-2030"
NEWER = "ai-plus-six-priority-domains"


def _idle(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not window.ops.active())


def _open(window, qtbot, slug: str):  # type: ignore[no-untyped-def]
    finding = window.ctx.service.get_finding(slug)
    qtbot.waitUntil(lambda: window.findings.browser.model.row_of(finding.id) >= 0)
    window.findings.browser.select_id(finding.id)
    editor = window.findings.editor
    qtbot.waitUntil(lambda: editor.finding() is not None and editor.finding().id == finding.id)
    qtbot.waitUntil(lambda: bool(editor._slugs))  # the report's slugs, for the field and its completion
    return finding, editor


def test_the_report_dialog_sets_the_threshold_and_keeps_the_other_fields(window, qtbot, script) -> None:  # type: ignore[no-untyped-def]
    service = window.ctx.service
    seed = service.get_report()
    sections = [(s.key, s.title, s.short) for s in seed.sections]
    script.report = (seed.key, seed.title, seed.edition, sections)
    script.report_stale = "two years"
    window.actions_by_key["edit_report"].trigger()
    _idle(window, qtbot)
    [(_title, refused)] = script.asked("report_dialog")
    assert "not a whole number of days" in refused
    assert service.get_report().stale_after_days == 548  # refused: nothing saved
    script.report_stale = "200"
    window.actions_by_key["edit_report"].trigger()
    _idle(window, qtbot)
    assert script.asked("report_dialog")[-1][1] == ""
    after = service.get_report()
    assert after.stale_after_days == 200
    # What the dialog does not show is kept, not blanked.
    assert (after.publisher, after.author, after.data_as_of, after.published, after.summary) == (
        seed.publisher, seed.author, seed.data_as_of, seed.published, seed.summary)


def test_superseded_by_in_the_form_is_saved_refused_under_the_field_and_shown_in_the_table(
        window, qtbot, service) -> None:  # type: ignore[no-untyped-def]
    finding, editor = _open(window, qtbot, POLICY)
    assert editor._superseded_by.text() == ""
    editor._superseded_by.setText(POLICY)
    qtbot.mouseClick(editor._save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.field_error("superseded_by") != "")
    assert "cannot be superseded by itself" in editor.field_error("superseded_by")
    assert service.get_finding(POLICY).version == finding.version  # nothing saved

    editor._superseded_by.setText(NEWER)
    qtbot.mouseClick(editor._save_button, Qt.MouseButton.LeftButton)
    newer = service.get_finding(NEWER)
    qtbot.waitUntil(lambda: service.get_finding(POLICY).superseded_by_id == newer.id)
    _idle(window, qtbot)
    qtbot.waitUntil(lambda: editor.finding().superseded_by_id == newer.id and not editor.is_dirty())
    # An edit of another field keeps the link (the form sends it back as it shows it).
    editor._title.setText(finding.title + " (2025)")
    qtbot.mouseClick(editor._save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.get_finding(POLICY).title.endswith("(2025)"))
    _idle(window, qtbot)  # the save's answer (and its undo step) reached the GUI thread
    assert service.get_finding(POLICY).superseded_by_id == newer.id
    assert editor._superseded_by.text() == NEWER

    model = window.findings.browser.model
    qtbot.waitUntil(lambda: model.finding(model.row_of(finding.id)).superseded_by_id == newer.id)
    index = model.index(model.row_of(finding.id), TITLE)
    assert model.data(index, Qt.ItemDataRole.FontRole).strikeOut()
    assert model.data(index, Qt.ItemDataRole.ToolTipRole).startswith(f"Superseded by “{newer.title}”.")
    plain = model.index(model.row_of(newer.id), TITLE)
    font = model.data(plain, Qt.ItemDataRole.FontRole)
    assert font is None or not font.strikeOut()

    # Undo goes back to before the title edit, then to no link at all.
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: not service.get_finding(POLICY).title.endswith("(2025)"))
    _idle(window, qtbot)
    assert service.get_finding(POLICY).superseded_by_id == newer.id
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: service.get_finding(POLICY).superseded_by_id is None)


def test_the_details_tab_asks_for_audience_wordings_and_the_checks_list_the_missing(
        window, qtbot, service) -> None:  # type: ignore[no-untyped-def]
    from briefing.checks import run_checks
    from briefing.cli.check import gather

    window.go("briefing")
    panel = window.briefing
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.tree.topLevelItemCount() > 0)
    panel.set_audience("west")
    qtbot.waitUntil(lambda: panel.audience().key == "west")
    panel.tabs.setCurrentWidget(panel.form)
    form = panel.form
    assert not form.ask_wordings.isChecked()
    qtbot.mouseClick(form.ask_wordings, Qt.MouseButton.LeftButton)
    assert panel.form_is_dirty()
    form.save_button.click()
    qtbot.waitUntil(lambda: service.get_audience("west").template.get("wordings") is True)
    qtbot.waitUntil(lambda: not window.ops.active() and not panel.form_is_dirty())
    missing = [p for p in run_checks(gather(service)) if p.rule == "missing-wording"]
    assert missing and {p.field for p in missing} == {"wordings.west"}
    qtbot.mouseClick(form.ask_wordings, Qt.MouseButton.LeftButton)
    form.save_button.click()
    qtbot.waitUntil(lambda: "wordings" not in service.get_audience("west").template)
