"""The Briefing screen: audience selection saved per audience, export through the dialog, a live GUI."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QTimer, QUrl


def _briefing(window, qtbot, key: str = "asia"):  # type: ignore[no-untyped-def]
    window.go("briefing")
    panel = window.briefing
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.tree.topLevelItemCount() > 0)
    panel.set_audience(key)
    qtbot.waitUntil(lambda: panel.audience().key == key)
    return panel


def test_the_picker_shows_each_audiences_description(window, qtbot, service) -> None:  # type: ignore[no-untyped-def]
    panel = _briefing(window, qtbot, "investors")
    assert panel.description.text() == service.get_audience("investors").description
    assert window.settings.last_audience == "investors"


def test_choose_an_audience_and_export_a_pdf_through_the_dialog(
    window, qtbot, service, script, tmp_path
) -> None:  # type: ignore[no-untyped-def]
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
) -> None:  # type: ignore[no-untyped-def]
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


def test_cancelling_an_export_writes_nothing(window, qtbot, script, tmp_path) -> None:  # type: ignore[no-untyped-def]
    panel = _briefing(window, qtbot, "west")
    script.save_path = str(tmp_path / "cancelled.pdf")
    panel.export("pdf")
    panel.progress_dialog.canceled.emit()  # what its Cancel button sends
    qtbot.waitUntil(lambda: not panel.is_exporting(), timeout=60_000)
    assert not (tmp_path / "cancelled.pdf").exists()
    assert "cancelled" in window.statusBar().currentMessage()


def test_unticking_a_finding_is_saved_for_that_audience_and_undoable(
    window, qtbot, service
) -> None:  # type: ignore[no-untyped-def]
    panel = _briefing(window, qtbot, "investors")
    slug = panel.tree.slugs()[0]
    item = panel.tree.item_for(slug)
    item.setCheckState(0, Qt.CheckState.Unchecked)
    qtbot.waitUntil(
        lambda: slug in (service.get_audience("investors").template.get("excluded") or ())
    )
    assert slug not in {f.slug for f in service.list_findings(audience="investors")}
    # Other audiences are untouched.
    assert slug not in (service.get_audience("asia").template.get("excluded") or ())
    qtbot.waitUntil(lambda: not window.ops.active())

    window.undo_stack.undo()
    qtbot.waitUntil(
        lambda: slug not in (service.get_audience("investors").template.get("excluded") or ())
    )
    qtbot.waitUntil(lambda: panel.tree.item_for(slug).checkState(0) == Qt.CheckState.Checked)


def test_reordering_is_saved_per_audience_and_undoable(window, qtbot, service) -> None:  # type: ignore[no-untyped-def]
    panel = _briefing(window, qtbot, "asia")
    before = [f.slug for f in service.list_findings(audience="asia")]
    first, second = panel.tree.slugs()[:2]
    assert panel.tree.move(first, 1)
    qtbot.waitUntil(
        lambda: [f.slug for f in service.list_findings(audience="asia")][:2] == [second, first]
    )
    qtbot.waitUntil(lambda: not window.ops.active())
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: [f.slug for f in service.list_findings(audience="asia")] == before)


def test_the_preview_is_built_in_the_background_after_changes_stop(window, qtbot, settings) -> None:  # type: ignore[no-untyped-def]
    settings.preview_delay_ms = 100
    panel = _briefing(window, qtbot, "west")
    panel.schedule_preview()
    qtbot.waitUntil(lambda: panel.pdf_document().pageCount() > 0, timeout=60_000)
    assert panel.preview_status.text() == "Up to date"
    assert panel.pages.text().endswith("pages")


def test_export_word_through_the_dialog(window, qtbot, script, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import docx

    _briefing(window, qtbot, "investors")
    script.save_path = str(tmp_path / "investors.docx")
    script.export_done = "folder"
    window.actions_by_key["export_word"].trigger()
    qtbot.waitUntil(lambda: bool(script.asked("ask_export_done")), timeout=60_000)
    # "Show in Folder" opened the folder holding the document.
    assert script.asked("ask_export_done")[0][0] == str(tmp_path / "investors.docx")
    assert script.opened == [QUrl.fromLocalFile(str(tmp_path)).toString()]
    document = docx.Document(str(tmp_path / "investors.docx"))
    assert sum(len(p.text) for p in document.paragraphs) > 1000
