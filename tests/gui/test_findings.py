"""The Findings screen over a real SQLite file: edit, validate, undo, search, conflicts, closing."""

from __future__ import annotations

from PySide6.QtCore import Qt

from briefing.gui import dialogs
from briefing.gui.findings.metrics import FIELDS
from briefing.gui.findings.model import KEY_NUMBER


def _select(window, qtbot, row: int = 2):
    browser = window.findings.browser
    finding = browser.model.finding(row)
    browser.select_id(finding.id)
    qtbot.waitUntil(
        lambda: (
            window.findings.editor.finding() is not None
            and window.findings.editor.finding().id == finding.id
        )
    )
    return finding


def _idle(window, qtbot) -> None:
    """Wait until every queued operation has run and its result reached the GUI thread."""
    qtbot.waitUntil(lambda: not window.ops.active())


def _metric_index(editor, row: int, name: str):
    return editor._metrics.index(row, FIELDS.index(name))


def test_edit_through_the_form_is_saved_in_the_database(window, qtbot, service) -> None:
    finding = _select(window, qtbot)
    editor = window.findings.editor
    editor._title.setText("Chinese models took most of OpenRouter’s top-ten tokens")
    editor._metrics.setData(_metric_index(editor, 0, "value"), "62")
    assert editor.is_dirty()
    qtbot.mouseClick(editor._save_button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: service.get_finding(finding.id).version == finding.version + 1)
    saved = service.get_finding(finding.id)
    assert saved.title == "Chinese models took most of OpenRouter’s top-ten tokens"
    assert str(saved.metrics[0].value) == "62"
    qtbot.waitUntil(lambda: not editor.is_dirty())
    # The table row follows the saved record.
    row = window.findings.browser.model.row_of(finding.id)
    assert window.findings.browser.model.finding(row).title == saved.title
    assert "Saved" in window.statusBar().currentMessage()


def test_a_bad_number_shows_the_fields_error_and_saves_nothing(window, qtbot, service) -> None:
    finding = _select(window, qtbot)
    editor = window.findings.editor
    editor._metrics.setData(_metric_index(editor, 0, "value"), "sixty-one")
    editor.save()

    qtbot.waitUntil(lambda: bool(editor.field_error("metrics")))
    assert "Row 1, Value" in editor.field_error("metrics")
    assert "not a number" in editor.field_error("metrics")
    assert editor._metrics.error_at(0, "value")
    assert editor.is_dirty()  # the user's text stays in the form to be corrected
    assert service.get_finding(finding.id).version == finding.version
    assert service.get_finding(finding.id).metrics[0].value == finding.metrics[0].value
    assert not window.undo_stack.canUndo()


def test_a_missing_title_is_reported_next_to_the_title(window, qtbot, service) -> None:
    finding = _select(window, qtbot)
    editor = window.findings.editor
    editor._title.setText("   ")
    editor.save()
    qtbot.waitUntil(lambda: bool(editor.field_error("title")))
    assert service.get_finding(finding.id).title == finding.title


def test_undo_restores_the_previous_values_and_redo_reapplies(window, qtbot, service) -> None:
    finding = _select(window, qtbot)
    editor = window.findings.editor
    editor._title.setText("An edited title")
    editor._metrics.setData(_metric_index(editor, 0, "value"), "99")
    editor.save()
    qtbot.waitUntil(lambda: service.get_finding(finding.id).title == "An edited title")
    _idle(window, qtbot)
    assert window.actions_by_key["undo"].isEnabled()

    window.actions_by_key["undo"].trigger()
    qtbot.waitUntil(lambda: service.get_finding(finding.id).title == finding.title)
    restored = service.get_finding(finding.id)
    assert restored.metrics[0].value == finding.metrics[0].value
    # The clean form follows the undo.
    qtbot.waitUntil(lambda: editor._title.text() == finding.title)
    _idle(window, qtbot)

    window.actions_by_key["redo"].trigger()
    qtbot.waitUntil(lambda: service.get_finding(finding.id).title == "An edited title")
    assert str(service.get_finding(finding.id).metrics[0].value) == "99"


def test_undo_of_a_delete_restores_metrics_and_sources(window, qtbot, service) -> None:
    finding = _select(window, qtbot, row=0)
    assert finding.metrics and finding.sources
    rows = window.findings.browser.model.rowCount()
    window.actions_by_key["delete"].trigger()
    qtbot.waitUntil(lambda: window.findings.browser.model.rowCount() == rows - 1)
    _idle(window, qtbot)
    assert finding.slug not in {f.slug for f in service.list_findings()}

    window.undo_stack.undo()
    qtbot.waitUntil(lambda: window.findings.browser.model.rowCount() == rows)
    back = service.get_finding(finding.slug)
    assert [(m.label, m.value, m.unit, m.scale) for m in back.metrics] == [
        (m.label, m.value, m.unit, m.scale) for m in finding.metrics
    ]
    assert [s.key for s in back.sources] == [s.key for s in finding.sources]
    assert dict(back.wordings) == dict(finding.wordings)


def test_fixing_a_key_number_in_the_table_is_validated_and_undoable(window, qtbot, service) -> None:
    browser = window.findings.browser
    finding = browser.model.finding(0)  # 140 trillion tokens
    index = browser.model.index(0, KEY_NUMBER)
    assert browser.model.data(index, Qt.ItemDataRole.EditRole) == "140 trillion"
    browser.model.setData(index, "150 trillion")
    qtbot.waitUntil(lambda: str(service.get_finding(finding.id).metrics[0].value) == "150")
    qtbot.waitUntil(lambda: browser.model.data(index) == "150T")
    assert service.get_finding(finding.id).metrics[0].unit == "tokens"
    _idle(window, qtbot)

    window.undo_stack.undo()
    qtbot.waitUntil(lambda: str(service.get_finding(finding.id).metrics[0].value) == "140")


def test_search_narrows_the_table(window, qtbot, service) -> None:
    browser = window.findings.browser
    total = browser.model.rowCount()
    window.actions_by_key["find"].trigger()
    qtbot.keyClicks(browser.search, "Huawei")
    expected = set(service.search_ids("Huawei", limit=None))
    assert 0 < len(expected) < total
    qtbot.waitUntil(lambda: browser.model.rowCount() == len(expected))
    assert {f.id for f in browser.model.findings()} == expected
    assert "of" in browser.count.text()

    browser.search.clear()
    qtbot.waitUntil(lambda: browser.model.rowCount() == total)


def test_section_and_kind_filters_narrow_the_table(window, qtbot) -> None:
    browser = window.findings.browser
    browser.section.setCurrentIndex(browser.section.findData("chips"))
    qtbot.waitUntil(lambda: {f.section for f in browser.model.findings()} == {"chips"})
    browser.kind.setCurrentIndex(browser.kind.findData("opinion"))
    qtbot.waitUntil(lambda: all(f.kind.value == "opinion" for f in browser.model.findings()))


def test_leaving_a_form_with_unsaved_changes_asks(window, qtbot, script) -> None:
    first = _select(window, qtbot, row=1)
    editor = window.findings.editor
    editor._title.setText("Edited but not saved")
    script.unsaved = dialogs.Choice.CANCEL
    second = window.findings.browser.model.finding(3)
    window.findings.browser.select_id(second.id)
    assert script.asked("ask_unsaved")
    assert editor.finding().id == first.id
    assert editor._title.text() == "Edited but not saved"
    assert window.findings.browser.current().id == first.id


def test_closing_with_unsaved_changes_asks(window, qtbot, script) -> None:
    _select(window, qtbot)
    window.findings.editor._statement.setPlainText("A statement nobody saved.")
    script.unsaved = dialogs.Choice.CANCEL
    assert window.close() is False
    assert window.isVisible()
    assert len(script.asked("ask_unsaved")) == 1

    script.unsaved = dialogs.Choice.DISCARD
    assert window.close() is True
    assert not window.isVisible()


def test_save_from_the_close_prompt_saves_then_closes(window, qtbot, service, script) -> None:
    finding = _select(window, qtbot)
    window.findings.editor._title.setText("Saved on the way out")
    script.unsaved = dialogs.Choice.SAVE
    assert window.close() is False  # stays open until the save has landed
    qtbot.waitUntil(lambda: not window.isVisible())
    assert service.get_finding(finding.id).title == "Saved on the way out"


def test_new_finding_is_created_and_undo_removes_it(window, qtbot, service) -> None:
    before = service.count_findings()
    window.actions_by_key["new_finding"].trigger()
    editor = window.findings.editor
    assert editor.finding() is None
    editor._title.setText("A brand-new finding")
    editor._statement.setPlainText("Something measured today.")
    editor._add_metric()
    editor._metrics.setData(_metric_index(editor, 0, "label"), "Today")
    editor._metrics.setData(_metric_index(editor, 0, "value"), "$1.5 billion")
    window.actions_by_key["save"].trigger()
    qtbot.waitUntil(lambda: service.count_findings() == before + 1)
    created = service.get_finding("a-brand-new-finding")
    assert created.metrics[0].unit == "USD" and created.metrics[0].scale.value == "billion"
    _idle(window, qtbot)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: service.count_findings() == before)


def test_a_broad_query_fills_the_table_only_up_to_its_row_limit(window, qtbot, service, monkeypatch) -> None:
    from briefing.gui.findings.table import FindingsBrowser

    browser = window.findings.browser
    monkeypatch.setattr(FindingsBrowser, "ROW_LIMIT", 40)
    browser.refresh()
    qtbot.waitUntil(lambda: browser.model.rowCount() == 40)
    assert [f.id for f in browser.model.findings()] == [f.id for f in service.list_findings()[:40]]
    assert "first 40" in browser.count.text() and "narrow" in browser.count.text()
    browser.section.setCurrentIndex(browser.section.findData("cost"))  # fewer than the limit
    qtbot.waitUntil(lambda: 0 < browser.model.rowCount() < 40)
    assert "narrow" not in browser.count.text()


def test_a_new_source_made_in_the_pickers_form_is_ticked_and_saved_with_the_finding(
    window, qtbot, service
) -> None:
    finding = _select(window, qtbot)
    editor = window.findings.editor
    picker = editor._sources
    before = len(service.list_sources())
    picker.new_button.click()
    assert picker.new_form.isVisibleTo(picker)
    # A bad web address is named under its field; nothing is written.
    qtbot.keyClicks(picker.new_fields["publisher"], "Example Institute")
    qtbot.keyClicks(picker.new_fields["title"], "Compute survey 2026")
    qtbot.keyClicks(picker.new_fields["url"], "not a web address")
    picker.add_button.click()
    qtbot.waitUntil(lambda: not picker.new_errors["url"].isHidden())
    _idle(window, qtbot)
    assert len(service.list_sources()) == before
    picker.new_fields["url"].setText("https://example.org/compute-2026")
    qtbot.keyClick(picker.new_fields["url"], Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: len(service.list_sources()) == before + 1)
    _idle(window, qtbot)
    created = next(s for s in service.list_sources() if s.title == "Compute survey 2026")
    assert picker.selected()[-1] == created.id and not picker.new_form.isVisibleTo(picker)
    assert editor.is_dirty()  # the tick is an edit of the finding, saved with it
    window.actions_by_key["save"].trigger()
    qtbot.waitUntil(lambda: created.id in [s.id for s in service.get_finding(finding.id).sources])
    _idle(window, qtbot)
    # The source appears on the Sources screen too.
    window.go("sources")
    qtbot.waitUntil(lambda: window.sources.model.row_of(created.id) >= 0)
