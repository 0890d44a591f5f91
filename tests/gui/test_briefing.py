"""The Briefing screen: audience selection saved per audience, export through the dialog, a live GUI."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer, QUrl

from briefing.gui.briefing_panel.tree import SLUG_ROLE


def _briefing(window, qtbot, key: str = "asia"):
    window.go("briefing")
    panel = window.briefing
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.tree.topLevelItemCount() > 0)
    panel.set_audience(key)
    qtbot.waitUntil(lambda: panel.audience().key == key)
    return panel


def test_the_picker_shows_each_audiences_description(window, qtbot, service) -> None:
    panel = _briefing(window, qtbot, "investors")
    assert panel.description.text() == service.get_audience("investors").description
    assert window.settings.last_audience == "investors"


def test_choose_an_audience_and_export_a_pdf_through_the_dialog(
    window, qtbot, service, script, tmp_path
) -> None:
    from pypdf import PdfReader

    panel = _briefing(window, qtbot, "west")
    target = tmp_path / "exports" / "west"  # no extension typed: the panel adds it
    target.parent.mkdir()
    script.save_path = str(target)
    script.export_done = "open"
    window.actions_by_key["export_pdf"].trigger()
    assert script.asked("save_file")
    qtbot.waitUntil(lambda: bool(script.asked("ask_export_done")), timeout=60_000)

    out = Path(str(target) + ".pdf")
    # The real "Export finished" box appeared, and its Open button opened the PDF.
    (path, summary, buttons), = script.asked("ask_export_done")
    assert path == str(out) and summary.startswith("Exported the")
    assert sorted(buttons) == ["Close", "Open", "Show in Folder"]
    assert script.opened == [QUrl.fromLocalFile(str(out)).toString()]
    reader = PdfReader(out)
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    assert len(reader.pages) > 2
    west = service.get_audience("west")
    finding = next(f for f in service.list_findings(audience="west"))
    assert west.template.get("title", west.name).split()[0] in text
    assert finding.title.split()[0] in text
    assert window.settings.export_folder == str(out.parent)
    assert not panel.is_exporting()


def test_the_gui_keeps_processing_events_while_an_export_runs(
    window, qtbot, script, tmp_path
) -> None:
    panel = _briefing(window, qtbot, "west")
    script.save_path = str(tmp_path / "west.pdf")
    ticks: list[int] = []
    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(lambda: ticks.append(panel.is_exporting()))
    timer.start()
    panel.export("pdf")
    assert panel.is_exporting()
    assert panel.progress_dialog is not None
    qtbot.waitUntil(lambda: not panel.is_exporting(), timeout=60_000)
    timer.stop()
    # The timer kept firing while the export was running: the event loop never stalled.
    assert sum(ticks) >= 5
    assert (tmp_path / "west.pdf").stat().st_size > 10_000


def test_cancelling_an_export_writes_nothing(window, qtbot, script, tmp_path) -> None:
    panel = _briefing(window, qtbot, "west")
    script.save_path = str(tmp_path / "cancelled.pdf")
    panel.export("pdf")
    panel.progress_dialog.canceled.emit()  # what its Cancel button sends
    qtbot.waitUntil(lambda: not panel.is_exporting(), timeout=60_000)
    assert not (tmp_path / "cancelled.pdf").exists()
    assert "cancelled" in window.statusBar().currentMessage()


def _excluded(service, key: str) -> list[str]:
    return list(service.get_audience(key).template.get("excluded") or ())


def _template_bytes(db: Path, key: str) -> bytes:
    """The audience's template exactly as the database file holds it."""
    with sqlite3.connect(db) as con:
        (raw,) = con.execute("select template from audiences where key = ?", (key,)).fetchone()
    return raw.encode() if isinstance(raw, str) else raw


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(path).pages).split())


def test_unticking_is_a_working_selection_until_saved_and_every_step_undoes(
    window, qtbot, service, seeded_db
) -> None:
    panel = _briefing(window, qtbot, "investors")
    saved = _template_bytes(seeded_db, "investors")
    slug = panel.tree.slugs()[0]
    panel.tree.item_for(slug).setCheckState(0, Qt.CheckState.Unchecked)
    # Nothing written: the shared template is as it was; the panel shows an unsaved selection.
    assert _template_bytes(seeded_db, "investors") == saved
    assert panel.is_dirty() and not panel.dirty_bar.isHidden()
    assert "1 left out" in panel.selection_state.text()
    assert slug in panel.template()["excluded"]

    window.undo_stack.undo()  # the tick itself is a step
    assert panel.tree.item_for(slug).checkState(0) == Qt.CheckState.Checked and not panel.is_dirty()
    assert panel.dirty_bar.isHidden()
    window.undo_stack.redo()
    assert panel.tree.item_for(slug).checkState(0) == Qt.CheckState.Unchecked and panel.is_dirty()

    panel.save_button.click()
    qtbot.waitUntil(lambda: slug in _excluded(service, "investors"))
    qtbot.waitUntil(lambda: not panel.is_dirty() and not window.ops.active())
    assert slug not in {f.slug for f in service.list_findings(audience="investors")}
    assert slug not in _excluded(service, "asia")  # other audiences untouched

    window.undo_stack.undo()  # undo the Save: the database goes back
    qtbot.waitUntil(lambda: slug not in _excluded(service, "investors"))
    qtbot.waitUntil(lambda: _template_bytes(seeded_db, "investors") == saved)


def test_revert_drops_the_unsaved_selection(window, qtbot, service) -> None:
    panel = _briefing(window, qtbot, "west")
    slug = panel.tree.slugs()[1]
    panel.tree.item_for(slug).setCheckState(0, Qt.CheckState.Unchecked)
    assert panel.is_dirty()
    panel.revert_button.click()
    assert not panel.is_dirty() and panel.tree.item_for(slug).checkState(0) == Qt.CheckState.Checked
    assert slug not in _excluded(service, "west")


def test_ticking_a_section_ticks_all_its_findings(window, qtbot) -> None:
    panel = _briefing(window, qtbot, "asia")
    top = panel.tree.topLevelItem(1)
    slugs = [top.child(j).data(0, SLUG_ROLE) for j in range(top.childCount())]
    assert len(slugs) >= 2 and top.checkState(0) == Qt.CheckState.Checked
    top.setCheckState(0, Qt.CheckState.Unchecked)
    assert all(panel.tree.item_for(s).checkState(0) == Qt.CheckState.Unchecked for s in slugs)
    assert set(slugs) <= set(panel.template()["excluded"])
    assert f"{len(slugs)} left out" in panel.selection_state.text()
    # One finding back in: the section shows partly ticked.
    panel.tree.item_for(slugs[0]).setCheckState(0, Qt.CheckState.Checked)
    assert top.checkState(0) == Qt.CheckState.PartiallyChecked
    window.undo_stack.undo()
    window.undo_stack.undo()  # the whole-section untick is one step
    assert panel.tree.topLevelItem(1).checkState(0) == Qt.CheckState.Checked and not panel.is_dirty()


def test_alt_up_and_down_move_a_finding_and_save_keeps_the_order(
    window, qtbot, service
) -> None:
    panel = _briefing(window, qtbot, "asia")
    before = [f.slug for f in service.list_findings(audience="asia")]
    first, second = panel.tree.slugs()[:2]
    panel.tree.setFocus()
    panel.tree.setCurrentItem(panel.tree.item_for(first))
    qtbot.keyClick(panel.tree, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert panel.tree.slugs()[:2] == [second, first]
    assert panel.tree.currentItem().data(0, SLUG_ROLE) == first  # the moved row keeps the focus
    assert [f.slug for f in service.list_findings(audience="asia")] == before  # not saved yet
    qtbot.keyClick(panel.tree, Qt.Key.Key_Up, Qt.KeyboardModifier.AltModifier)
    assert panel.tree.slugs()[:2] == [first, second]
    qtbot.keyClick(panel.tree, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    panel.save_selection()
    qtbot.waitUntil(
        lambda: [f.slug for f in service.list_findings(audience="asia")][:2] == [second, first]
    )
    qtbot.waitUntil(lambda: not window.ops.active())
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: [f.slug for f in service.list_findings(audience="asia")] == before)


def test_export_this_selection_once_leaves_the_saved_template_unchanged(
    window, qtbot, service, script, seeded_db, tmp_path
) -> None:
    panel = _briefing(window, qtbot, "west")
    saved = _template_bytes(seeded_db, "west")
    top = panel.tree.topLevelItem(0)
    dropped = [top.child(j) for j in range(top.childCount())]
    titles = [" ".join(item.text(0).split()) for item in dropped]
    top.setCheckState(0, Qt.CheckState.Unchecked)  # leave out the whole first section
    target = tmp_path / "west-once.pdf"
    script.save_path = str(target)
    script.export_problems = "Export Anyway"
    panel.export_once_button.click()
    qtbot.waitUntil(lambda: bool(script.asked("ask_export_done")), timeout=60_000)
    text = _pdf_text(target)
    assert not any(t in text for t in titles)
    (_path, summary, _buttons), = script.asked("ask_export_done")
    assert "exported once" in summary and "unchanged" in summary
    assert _template_bytes(seeded_db, "west") == saved
    assert panel.is_dirty()  # the selection is still there to save or drop
    # The saved audience still holds them.
    kept = {f.title for f in service.list_findings(audience="west")}
    assert {item.text(0) for item in dropped} <= kept


def test_save_as_new_audience_keeps_the_variant_and_the_original(
    window, qtbot, service, script, seeded_db
) -> None:
    panel = _briefing(window, qtbot, "asia")
    saved = _template_bytes(seeded_db, "asia")
    slug = panel.tree.slugs()[2]
    panel.tree.item_for(slug).setCheckState(0, Qt.CheckState.Unchecked)
    script.texts = ["Asia for the board"]
    panel.save_as_button.click()
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.audience().key == "asia-for-the-board")
    variant = service.get_audience("asia-for-the-board")
    assert variant.name == "Asia for the board" and not variant.builtin
    assert slug in variant.template["excluded"]
    assert variant.template["title"] == service.get_audience("asia").template["title"]
    assert _template_bytes(seeded_db, "asia") == saved and not panel.is_dirty("asia")
    assert script.asked("ask_text")[0][2] == "Asia (variant)"
    qtbot.waitUntil(lambda: not window.ops.active())
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: "asia-for-the-board" not in [a.key for a in service.list_audiences()])
    qtbot.waitUntil(lambda: panel.audience_combo.findData("asia-for-the-board") < 0)


# Timed or CPU-heavy: one xdist group, so the timed tests never run beside the 4-writer race (--dist loadgroup).
@pytest.mark.xdist_group("timed")
def test_new_rename_duplicate_and_delete_an_audience_each_undoable(
    window, qtbot, service, script
) -> None:
    panel = _briefing(window, qtbot, "asia")
    script.texts = ["The board", "Board members", "Board members 2"]
    panel.act_new_blank.trigger()
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.audience().key == "the-board")
    board = service.get_audience("the-board")
    assert board.template == {"version": 1, "sections": [], "title": "The board"}
    assert panel.tree.topLevelItemCount() == 0
    assert not panel.act_reset.isEnabled() and panel.act_delete.isEnabled()

    panel.act_rename.trigger()
    qtbot.waitUntil(lambda: service.get_audience("the-board").name == "Board members")
    qtbot.waitUntil(lambda: panel.audience_combo.currentText() == "Board members")

    panel.act_duplicate.trigger()
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.audience().key == "board-members-2")
    assert service.get_audience("board-members-2").template["title"] == "The board"

    script.confirm = True
    panel.act_delete.trigger()
    qtbot.waitUntil(lambda: "board-members-2" not in [a.key for a in service.list_audiences()])
    qtbot.waitUntil(lambda: not window.ops.active())
    window.undo_stack.undo()  # the delete
    qtbot.waitUntil(lambda: "board-members-2" in [a.key for a in service.list_audiences()])
    qtbot.waitUntil(lambda: not window.ops.active())
    window.undo_stack.undo()  # the duplicate
    qtbot.waitUntil(lambda: "board-members-2" not in [a.key for a in service.list_audiences()])
    qtbot.waitUntil(lambda: not window.ops.active())
    window.undo_stack.undo()  # the rename
    qtbot.waitUntil(lambda: service.get_audience("the-board").name == "The board")
    # A built-in audience cannot be deleted: the menu item is off and the service refuses.
    panel.set_audience("asia")
    qtbot.waitUntil(lambda: panel.audience().key == "asia")
    assert not panel.act_delete.isEnabled() and panel.act_reset.isEnabled()


def test_a_new_audience_from_the_full_report_and_a_bad_name_named(
    window, qtbot, service, script
) -> None:
    panel = _briefing(window, qtbot, "asia")
    script.texts = ["Everything"]
    panel.act_new_full.trigger()
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.audience().key == "everything")
    full = dict(service.get_audience("full").template)
    assert dict(service.get_audience("everything").template) == full
    qtbot.waitUntil(lambda: panel.tree.topLevelItemCount() > 0)
    script.texts = ["   "]
    script.errors_expected = True
    panel.act_new_blank.trigger()
    qtbot.waitUntil(lambda: bool(script.asked("show_error")))
    (_parent, title, summary, _d), = script.asked("show_error")
    assert title == "Could not create the audience" and summary.startswith("name:")
    assert len(service.list_audiences()) == 5


def test_reset_to_default_restores_a_built_in_byte_for_byte_and_undoes(
    window, qtbot, service, script, seeded_db
) -> None:
    panel = _briefing(window, qtbot, "asia")
    shipped = _template_bytes(seeded_db, "asia")
    slug = panel.tree.slugs()[0]
    panel.tree.item_for(slug).setCheckState(0, Qt.CheckState.Unchecked)
    panel.save_selection()
    qtbot.waitUntil(lambda: _template_bytes(seeded_db, "asia") != shipped)
    qtbot.waitUntil(lambda: not window.ops.active() and not panel.is_dirty())
    changed = _template_bytes(seeded_db, "asia")
    script.confirm = True
    panel.act_reset.trigger()
    qtbot.waitUntil(lambda: _template_bytes(seeded_db, "asia") == shipped)
    assert script.asked("confirm")[-1][0] == "Reset to Default"
    qtbot.waitUntil(lambda: panel.tree.item_for(slug).checkState(0) == Qt.CheckState.Checked)
    qtbot.waitUntil(lambda: not window.ops.active())
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: _template_bytes(seeded_db, "asia") == changed)


def test_another_process_adding_an_audience_shows_without_losing_an_unsaved_selection(
    window, qtbot, seeded_db
) -> None:
    panel = _briefing(window, qtbot, "asia")
    slug = panel.tree.slugs()[0]
    panel.tree.item_for(slug).setCheckState(0, Qt.CheckState.Unchecked)
    code = ("import sys; from briefing.services import open_service; s = open_service(sys.argv[1]); "
            "s.create_audience('press', 'The press'); s.close()")
    subprocess.run([sys.executable, "-c", code, str(seeded_db)], check=True)
    qtbot.waitUntil(lambda: panel.audience_combo.findData("press") >= 0, timeout=10_000)
    assert panel.audience().key == "asia" and panel.is_dirty()
    assert panel.tree.item_for(slug).checkState(0) == Qt.CheckState.Unchecked


def test_the_preview_turns_to_the_page_of_the_changed_finding(
    window, qtbot, settings
) -> None:
    settings.preview_delay_ms = 0
    panel = _briefing(window, qtbot, "west")
    qtbot.waitUntil(lambda: panel.pdf_document().pageCount() > 3 and not window.ops.active(), timeout=60_000)
    assert panel.preview_page() == 0
    last = panel.tree.topLevelItem(panel.tree.topLevelItemCount() - 1)
    item = last.child(0)
    slug = item.data(0, SLUG_ROLE)
    panel.tree.setCurrentItem(item)
    panel.tree.setFocus()
    qtbot.keyClick(panel.tree, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: panel.preview_page() > 0, timeout=60_000)
    page_text = " ".join(panel.pdf_document().getAllText(panel.preview_page()).text().split())
    # The finding's own words: its title prints only when the text does not restate it.
    text = next(f for f in window.ctx.service.list_findings() if f.slug == slug).wording_for("west")
    assert " ".join(text.split()[:5]) in page_text


def _type(qtbot, widget, text: str) -> None:
    """Replace a field's text by typing, as a user would."""
    widget.setFocus()
    if hasattr(widget, "selectAll"):
        widget.selectAll()
    qtbot.keyClicks(widget, text)


def test_a_new_audience_built_in_the_form_from_nothing_exports_every_piece(
    window, qtbot, service, script, tmp_path
) -> None:
    panel = _briefing(window, qtbot, "asia")
    script.texts = ["Board of directors"]
    panel.act_new_blank.trigger()
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.audience().key == "board-of-directors")
    panel.tabs.setCurrentWidget(panel.form)
    form = panel.form
    _type(qtbot, form.title, "Quarterly AI outlook for the board")
    _type(qtbot, form.subtitle, "What changed since the last meeting")
    findings = [f for f in service.list_findings() if f.metrics][:5]
    labels = ["Tokens a day, board view", "Price point, board view", "Derivatives, board view"]
    for i, label in enumerate(labels):
        form.add_key_figure()
        combo = form.figures.cellWidget(i, 0)
        combo.setCurrentIndex(combo.findData(f"{findings[i].slug}#0"))
        _type(qtbot, form.figures.cellWidget(i, 1), label)
    form.add_section("Where the money goes")
    _type(qtbot, form.section_intro, "Spending first, as the board asked.")
    form.set_section_findings([findings[0].slug, findings[1].slug])
    form.add_section("What to watch")
    form.set_section_findings([findings[3].slug])
    _type(qtbot, form.closing_title, "What this means for the board")
    _type(qtbot, form.callout_title, "The one thing to remember")
    _type(qtbot, form.callout_text, "Cost, not capability, decides adoption in the region.")
    assert panel.form_is_dirty() and panel.tabs.tabText(1) == "Details •"
    form.save_button.click()
    qtbot.waitUntil(lambda: service.get_audience("board-of-directors").template.get("title")
                    == "Quarterly AI outlook for the board")
    qtbot.waitUntil(lambda: not window.ops.active() and not panel.form_is_dirty())
    saved = service.get_audience("board-of-directors").template
    assert [s["title"] for s in saved["sections"]] == ["Where the money goes", "What to watch"]
    assert len(saved["key_figures"]) == 3

    target = tmp_path / "board.pdf"
    script.save_path = str(target)
    script.export_problems = "Export Anyway"
    panel.export("pdf")
    qtbot.waitUntil(lambda: bool(script.asked("ask_export_done")), timeout=60_000)
    text = _pdf_text(target)
    for piece in ("Quarterly AI outlook for the board", "What changed since the last meeting",
                  "Board of directors", *labels, "Where the money goes", "Spending first, as the board asked.",
                  # callout titles print in capitals
                  "What to watch", "What this means for the board", "THE ONE THING TO REMEMBER",
                  "Cost, not capability, decides adoption in the region.",
                  # each finding by its own words (a title its text restates is not printed)
                  *(" ".join(findings[i].statement.split()[:6]) for i in (0, 1, 3))):
        assert piece in text, piece
    assert " ".join(findings[2].statement.split()[:6]) not in text  # a key figure only, never a section's finding


def test_the_form_names_each_bad_field_and_writes_nothing(window, qtbot, service, seeded_db) -> None:
    panel = _briefing(window, qtbot, "west")
    saved = _template_bytes(seeded_db, "west")
    form = panel.form
    form.title.clear()
    form.name.clear()
    form.add_key_figure()  # no metric picked
    form.add_section("  ")
    form.section_title.clear()
    form._section_edited()
    form.save_button.click()
    assert form._errors["title"].text() == "⚠ is required"
    assert "required" in form._errors["name"].text()
    row = form.figures.rowCount()  # the new, empty one is last
    assert form._errors["key_figures"].text() == f"⚠ Key figure {row}: pick a metric"
    assert form._errors["section.title"].text().startswith("⚠ is required")
    qtbot.wait(200)
    assert not window.ops.active() and _template_bytes(seeded_db, "west") == saved
    form.revert_button.click()
    assert form.title.text() == service.get_audience("west").template["title"]


def test_alt_down_on_a_section_moves_it_and_save_keeps_the_order(window, qtbot, service) -> None:
    from briefing.compose import compose

    panel = _briefing(window, qtbot, "west")
    first, second = panel.tree.topLevelItem(0).text(0), panel.tree.topLevelItem(1).text(0)
    panel.tree.setFocus()
    panel.tree.setCurrentItem(panel.tree.topLevelItem(0))
    qtbot.keyClick(panel.tree, Qt.Key.Key_Down, Qt.KeyboardModifier.AltModifier)
    assert [panel.tree.topLevelItem(i).text(0) for i in (0, 1)] == [second, first]
    assert panel.is_dirty() and panel.tree.currentItem().text(0) == first
    # The closing section keeps its place: the last one cannot move.
    last = panel.tree.topLevelItem(panel.tree.topLevelItemCount() - 1)
    assert not panel.tree.move_section(last, -1)
    panel.save_selection()
    qtbot.waitUntil(lambda: [s.title for s in compose(service, "west").sections][:2] == [second, first],
                    timeout=20_000)
    qtbot.waitUntil(lambda: not window.ops.active())
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: [s.title for s in compose(service, "west").sections][:2] == [first, second],
                    timeout=20_000)


def test_closing_with_an_unsaved_selection_asks(window, qtbot, script) -> None:
    panel = _briefing(window, qtbot, "asia")
    panel.tree.item_for(panel.tree.slugs()[0]).setCheckState(0, Qt.CheckState.Unchecked)
    script.confirm = False
    window.close()
    assert window.isVisible()
    (title, text), = script.asked("confirm")
    assert title == "Unsaved briefing changes" and "Asia" in text
    script.confirm = True
    window.close()
    assert not window.isVisible()


def test_a_new_audience_shows_in_the_findings_filter_and_wording_tabs(window, qtbot, script) -> None:
    panel = _briefing(window, qtbot, "asia")
    script.texts = ["The press"]
    panel.act_new_blank.trigger()
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.audience().key == "the-press")
    browser = window.findings.browser
    qtbot.waitUntil(lambda: browser.audience.findData("the-press") >= 0)
    tabs = window.findings.editor._tabs
    assert "The press" in [tabs.tabText(i) for i in range(tabs.count())]
