"""The audience Details form at normal window sizes (nothing cut or scrolled sideways, text reflowed),
and the fields it gained: section keys (validated under the field), key figures' second lines and
the cover's reader, method note and disclaimer; each saved and printed."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QPoint

from briefing.gui.briefing_panel.form import reflow


def _details(window, qtbot, key: str = "asia"):
    window.go("briefing")
    panel = window.briefing
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.tree.topLevelItemCount() > 0)
    panel.set_audience(key)
    qtbot.waitUntil(lambda: panel.audience().key == key and panel.form.title.text() != "")
    panel.tabs.setCurrentWidget(panel.form)
    return panel


def _type(qtbot, widget, text: str) -> None:
    widget.setFocus()
    widget.selectAll()
    qtbot.keyClicks(widget, text)


def _pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(path).pages).split())


def test_reflow_joins_lines_and_keeps_paragraphs() -> None:
    assert reflow("One line\nwraps here.\n\n  Second\n  paragraph. \n") == "One line wraps here.\n\nSecond paragraph."
    assert reflow("") == ""


def test_the_details_form_fits_a_1280_by_720_window(window, qtbot, service, tmp_path) -> None:
    window.resize(1280, 720)
    panel = _details(window, qtbot)
    form = panel.form
    qtbot.waitUntil(lambda: form.figures.rowCount() == 6)
    qtbot.wait(50)  # one layout pass after the splitter moved
    window.grab().save(str(tmp_path / "details-1280x720.png"))
    # The form got room beside the preview, and the Audience menu button shows its whole text.
    assert panel.splitter.sizes()[0] >= 600
    assert panel.audience_button.width() >= panel.audience_button.sizeHint().width()
    # Key figures: three columns sharing the width, no sideways scrolling, every row in view.
    table = form.figures
    assert not table.horizontalScrollBar().isVisible()
    widths = [table.columnWidth(c) for c in range(3)]
    assert min(widths) >= 130 and sum(widths) <= table.viewport().width() + 2
    last = table.visualRect(table.model().index(5, 0))
    assert last.bottom() <= table.viewport().height()
    # The section buttons sit beside the list, in view with it.
    list_box = form.section_list.geometry()
    for button in form.section_buttons:
        top_left = button.mapTo(form.section_list.parentWidget(), QPoint(0, 0))
        assert top_left.x() >= list_box.right() and top_left.y() < list_box.bottom(), button.text()
    # The YAML's hard line breaks are gone; the paragraph break stays.
    raw = service.get_audience("asia").template["introduction"]
    assert "passed\n140 trillion" in raw
    shown = form.introduction.toPlainText()
    assert "passed 140 trillion" in shown and shown.count("\n\n") == 1 and shown.count("\n") == 2
    assert not panel.form_is_dirty()


def test_a_section_key_is_checked_under_its_field_then_saved(window, qtbot, service, seeded_db) -> None:
    panel = _details(window, qtbot)
    form = panel.form
    form.section_list.setCurrentRow(0)
    assert form.section_key.text() == "scale"
    before = service.get_audience("asia").template
    for typed, message in (("cost", "is used by another section"), ("Scale story!", "lower-case letters")):
        _type(qtbot, form.section_key, typed)
        form.save_button.click()
        assert message in form._errors["section.key"].text(), typed
        qtbot.wait(100)
        assert not window.ops.active() and service.get_audience("asia").template == before
    _type(qtbot, form.section_key, "scale-story")
    form.save_button.click()
    qtbot.waitUntil(lambda: service.get_audience("asia").template["sections"][0]["key"] == "scale-story")
    assert form._errors["section.key"].text() == ""
    assert form.section_list.item(0).text() == "China’s AI at scale"


def test_key_figure_lines_and_cover_fields_are_shown_saved_and_printed(
    window, qtbot, service, script, tmp_path
) -> None:
    panel = _details(window, qtbot)
    form = panel.form
    assert form.reader.text() == service.get_audience("asia").template["reader"]
    assert form.method_note.toPlainText().startswith("Every figure is as stated")
    context = form.figures.cellWidget(0, 2)
    assert context.accessibleName() == "Key figure 1 context line" and context.text() == ""
    _type(qtbot, context, "Up a thousandfold in two years")
    _type(qtbot, form.reader, "The ASEAN digital ministers")
    form.disclaimer.setFocus()
    qtbot.keyClicks(form.disclaimer, "Not investment advice.")
    form.save_button.click()
    qtbot.waitUntil(lambda: service.get_audience("asia").template.get("disclaimer") == "Not investment advice.")
    saved = service.get_audience("asia").template
    assert saved["key_figures"][0]["context"] == "Up a thousandfold in two years"
    assert saved["reader"] == "The ASEAN digital ministers"
    qtbot.waitUntil(lambda: not window.ops.active() and not panel.form_is_dirty())
    assert form.figures.cellWidget(0, 2).text() == "Up a thousandfold in two years"  # shown again on reload

    target = tmp_path / "asia.pdf"
    script.save_path = str(target)
    script.export_problems = "Export Anyway"
    panel.export("pdf")
    qtbot.waitUntil(lambda: bool(script.asked("ask_export_done")), timeout=90_000)
    text = _pdf_text(target)
    for piece in ("Up a thousandfold in two years", "The ASEAN digital ministers", "Not investment advice."):
        assert piece in text, piece


def test_a_sections_curated_table_rows_are_edited_checked_and_saved(window, qtbot, service) -> None:
    before = service.get_audience("full").template
    row = [s["key"] for s in before["sections"]].index("chips")
    chips = before["sections"][row]["table"]
    panel = _details(window, qtbot, "full")
    form = panel.form
    form.section_list.setCurrentRow(row)
    assert form.table_editor.isVisible() and form.table_title.text() == chips.get("title", "")
    assert form.table_rows.rowCount() == len(chips["rows"])
    assert form.table_rows.cellWidget(0, 1).text() == chips["rows"][0]["label"]
    _type(qtbot, form.table_rows.cellWidget(0, 2), "checked against the 2025 filing")
    form.add_table_row()  # no metric, no label: refused, by row, under the table
    form.save_button.click()
    message = form._errors["section.table"].text()
    n = len(chips["rows"]) + 1
    assert f"Row {n} label: is required" in message and f"Row {n} metric" in message
    qtbot.wait(100)
    assert service.get_audience("full").template == before
    form.table_rows.setCurrentCell(n - 1, 1)
    form.remove_table_row()
    assert form.table_rows.rowCount() == n - 1
    form.save_button.click()
    qtbot.waitUntil(lambda: service.get_audience("full").template["sections"][row]["table"]["rows"][0].get("note")
                    == "checked against the 2025 filing")
    saved = service.get_audience("full").template["sections"][row]["table"]
    assert saved["rows"][1:] == chips["rows"][1:] and saved.get("title") == chips.get("title")
