"""The audience form edits a section without losing the curated key-numbers table the template
gives it (the form shows only "a table: yes or no")."""

from __future__ import annotations

from tests.gui.test_briefing import _briefing, _type


def test_editing_a_section_keeps_its_curated_table(window, qtbot, service) -> None:
    before = service.get_audience("full").template
    chips = next(s for s in before["sections"] if s["key"] == "chips")
    assert isinstance(chips["table"], dict) and len(chips["table"]["rows"]) > 10
    panel = _briefing(window, qtbot, "full")
    panel.tabs.setCurrentWidget(panel.form)
    form = panel.form
    row = [s["key"] for s in before["sections"]].index("chips")
    form.section_list.setCurrentRow(row)
    assert form.section_table.isChecked()
    _type(qtbot, form.section_intro, "Chips first.")
    form.save_button.click()
    qtbot.waitUntil(lambda: next(s for s in service.get_audience("full").template["sections"]
                                 if s["key"] == "chips").get("intro") == "Chips first.")
    qtbot.waitUntil(lambda: not window.ops.active() and not panel.form_is_dirty())
    saved = next(s for s in service.get_audience("full").template["sections"] if s["key"] == "chips")
    assert saved["table"] == chips["table"]
    # Unticking still drops it.
    form.section_list.setCurrentRow(row)
    form.section_table.setChecked(False)
    form.save_button.click()
    qtbot.waitUntil(lambda: "table" not in next(s for s in service.get_audience("full").template["sections"]
                                                 if s["key"] == "chips"))
    qtbot.waitUntil(lambda: not window.ops.active() and not panel.form_is_dirty())
