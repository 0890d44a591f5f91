"""The Charts and Sources screens: live preview following edits, chart export, source editing."""

from __future__ import annotations

import subprocess
import sys

from PySide6.QtCore import Qt, QUrl

from briefing.domain.charts import ChartKind
from briefing.gui.charts.panel import _KEY_ROLE


def _charts(window, qtbot):
    window.go("charts")
    panel = window.charts
    qtbot.waitUntil(lambda: panel.figure() is not None, timeout=30_000)
    return panel


def test_the_chart_preview_follows_edits_of_title_kind_and_size(window, qtbot) -> None:
    panel = _charts(window, qtbot)
    first = panel.figure()
    panel.title_edit.setText("A retitled chart")
    qtbot.waitUntil(lambda: panel.figure() is not first, timeout=30_000)
    texts = [t.get_text() for t in panel.figure().findobj(lambda a: hasattr(a, "get_text"))]
    assert "A retitled chart" in texts

    second = panel.figure()
    panel.size_box.setCurrentIndex(panel.size_box.findData("4:3"))
    qtbot.waitUntil(lambda: panel.figure() is not second, timeout=30_000)
    w, h = panel.figure().get_size_inches()
    assert abs(w / h - 4 / 3) < 0.01
    assert panel.is_dirty()


def test_a_saved_chart_edit_is_undoable(window, qtbot, service) -> None:
    panel = _charts(window, qtbot)
    spec = panel.current_spec()
    other = next(k for k in ChartKind if k != spec.kind)
    panel.kind.setCurrentIndex(panel.kind.findData(other.value))
    panel.save()
    qtbot.waitUntil(lambda: service.get_chart(spec.key).kind == other)
    qtbot.waitUntil(lambda: not window.ops.active())
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: service.get_chart(spec.key).kind == spec.kind)


def test_selected_charts_export_as_images_to_a_folder(window, qtbot, script, tmp_path) -> None:
    panel = _charts(window, qtbot)
    panel.list.item(0).setSelected(True)
    panel.list.item(1).setSelected(True)
    panel.export_format.setCurrentIndex(panel.export_format.findData("svg"))
    script.folder = str(tmp_path)
    script.export_done = "open"
    window.actions_by_key["export_charts"].trigger()
    qtbot.waitUntil(lambda: bool(script.asked("ask_export_done")), timeout=30_000)
    # The real "Export finished" box; Open opens the folder of images.
    (path, summary, buttons), = script.asked("ask_export_done")
    assert path == str(tmp_path) and summary == "Exported 2 charts as SVG"
    assert sorted(buttons) == ["Close", "Open", "Show in Folder"]
    assert script.opened == [QUrl.fromLocalFile(str(tmp_path)).toString()]
    written = sorted(p.name for p in tmp_path.glob("*.svg"))
    assert len(written) == 2
    assert all(
        (tmp_path / name).read_text(encoding="utf-8").lstrip().startswith("<?xml")
        for name in written
    )


def test_a_source_is_edited_and_its_link_opens(window, qtbot, service, script) -> None:
    window.go("sources")
    panel = window.sources
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0)
    panel.view.selectRow(0)
    qtbot.waitUntil(lambda: panel.current() is not None)
    source = panel.current()
    panel.fields["url"].setText("not a web address")
    panel.save()
    qtbot.waitUntil(lambda: not panel.errors["url"].isHidden())
    assert service.get_source(source.id).url == source.url

    panel.fields["url"].setText("https://example.org/report")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: service.get_source(source.id).url == "https://example.org/report")
    panel.open_link.click()
    assert script.opened[-1] == "https://example.org/report"


def test_selected_charts_export_as_a_powerpoint_deck(window, qtbot, script, tmp_path) -> None:
    from pptx import Presentation

    panel = _charts(window, qtbot)
    for row in (0, 1, 2):
        panel.list.item(row).setSelected(True)
    panel.export_format.setCurrentIndex(panel.export_format.findData("pptx"))
    script.save_path = str(tmp_path / "charts")
    script.export_done = "folder"
    window.actions_by_key["export_charts"].trigger()
    qtbot.waitUntil(lambda: bool(script.asked("ask_export_done")), timeout=60_000)
    assert script.asked("ask_export_done")[0][0] == str(tmp_path / "charts.pptx")
    assert script.opened == [QUrl.fromLocalFile(str(tmp_path)).toString()]
    deck = Presentation(str(tmp_path / "charts.pptx"))
    assert len(deck.slides) == 4  # the report's cover, then the three charts
    assert deck.slides[0].shapes.title.text_frame.text == deck.core_properties.title != ""
    # The deck says what it was made from, for `briefing diff` and Compare with a Sent Briefing….
    from briefing.writers.manifest import read_manifest

    made = read_manifest(tmp_path / "charts.pptx")
    keys = [str(panel.list.item(row).data(Qt.ItemDataRole.UserRole + 1)) for row in (0, 1, 2)]  # _KEY_ROLE
    assert made.kind == "deck" and [c.key for c in made.charts] == keys and made.report_key


def test_a_screen_that_cannot_load_says_so_and_loads_again_later(window, qtbot, script, seeded_db) -> None:
    import sqlite3

    script.errors_expected = True
    conn = sqlite3.connect(seeded_db)
    try:
        conn.execute("ALTER TABLE sources RENAME TO sources_away")  # a real failure, from SQLite itself
        conn.commit()
        window.sources.refresh()
        qtbot.waitUntil(lambda: bool(script.asked("show_error")), timeout=10_000)
        _parent, title, summary, _details = script.asked("show_error")[0]
        # SQLite's own text stays out of the dialog; the log it names holds it.
        assert title.startswith("Could not load the sources") and "details are in" in summary
        assert "no such table" not in summary
    finally:
        conn.execute("ALTER TABLE sources_away RENAME TO sources")
        conn.commit()
        conn.close()
    window.sources.refresh()
    qtbot.waitUntil(lambda: window.sources.model.rowCount() == 19 and not window.ops.active(), timeout=10_000)


def _elsewhere(db, code: str) -> None:
    """Run `code` against the database in a separate process, as another user's command would."""
    prelude = ("import sys, dataclasses; from briefing.services import open_service; "
               "s = open_service(sys.argv[1]); ")
    subprocess.run([sys.executable, "-c", prelude + code + "; s.close()", str(db)], check=True)


def test_ctrl_e_exports_the_selected_charts_on_the_charts_screen(window, qtbot, script, tmp_path) -> None:
    panel = _charts(window, qtbot)
    action = window.actions_by_key["export_pdf"]
    assert action.shortcut().toString() == "Ctrl+E"
    panel.list.item(0).setSelected(True)
    panel.export_format.setCurrentIndex(panel.export_format.findData("png"))
    script.folder = str(tmp_path)
    action.trigger()
    qtbot.waitUntil(lambda: bool(script.asked("ask_export_done")), timeout=30_000)
    assert window.stack.currentWidget() is panel  # it stayed on Charts
    assert not script.asked("save_file")  # no briefing export was asked for
    assert len(list(tmp_path.glob("*.png"))) == 1
    # On the Briefing screen the same key exports the briefing.
    window.go("briefing")
    qtbot.waitUntil(lambda: window.briefing.audience() is not None)
    action.trigger()
    assert script.asked("save_file")[-1][0] == "Export PDF"


def test_the_charts_screen_follows_another_process_and_keeps_an_unsaved_edit(
    window, qtbot, service, seeded_db
) -> None:
    panel = _charts(window, qtbot)
    key = panel.current_spec().key
    _elsewhere(seeded_db, f"c = s.get_chart({key!r}); s.save_chart(dataclasses.replace(c, title='Retitled elsewhere'))")
    qtbot.waitUntil(lambda: panel.title_edit.text() == "Retitled elsewhere", timeout=10_000)
    assert not panel.is_dirty()
    panel.title_edit.setText("My unsaved title")
    other = panel.list.item(1).data(_KEY_ROLE)
    _elsewhere(seeded_db, f"c = s.get_chart({other!r}); s.save_chart(dataclasses.replace(c, title='Also elsewhere'))")
    qtbot.waitUntil(lambda: any(panel.list.item(i).text() == "Also elsewhere" for i in range(panel.list.count())),
                    timeout=10_000)
    assert panel.title_edit.text() == "My unsaved title" and panel.is_dirty()


def test_the_sources_screen_follows_another_process(window, qtbot, service, seeded_db) -> None:
    window.go("sources")
    panel = window.sources
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0)
    panel.view.selectRow(0)
    qtbot.waitUntil(lambda: panel.current() is not None)
    sid = panel.current().id
    _elsewhere(seeded_db, f"src = s.get_source({sid}); "
                          "s.update_source(src.id, dataclasses.replace(src.to_draft(), publisher='Renamed elsewhere'))")
    qtbot.waitUntil(lambda: panel.fields["publisher"].text() == "Renamed elsewhere", timeout=10_000)
    assert not panel.is_dirty()


A_SHARE = "openrouter-chinese-models-61pct-of-top-ten"
TWO = ("over-90pct-chinese-enterprises-use-open-source", "a16z-80pct-us-startups-use-chinese-base-models")


def test_a_new_chart_from_two_findings_renders_to_png_pdf_and_a_deck_and_undoes(
    window, qtbot, service, script, tmp_path
) -> None:
    from pptx import Presentation
    from pypdf import PdfReader
    from PySide6.QtWidgets import QDialogButtonBox

    panel = _charts(window, qtbot)
    seen: dict[str, object] = {}

    def fill(dialog) -> None:
        dialog.set_checked([A_SHARE])  # one share: a timeline would be a single dot
        kinds = dialog.kind.model()
        at = dialog.kind.findData(ChartKind.TIMELINE.value)
        seen["timeline_enabled"] = kinds.item(at).isEnabled()
        seen["timeline_why"] = kinds.item(at).toolTip()
        dialog.set_checked(list(TWO))
        seen["proposal"] = dialog.proposal.text()
        dialog.title.setText("Open models in use")
        dialog.kind.setCurrentIndex(dialog.kind.findData(ChartKind.BAR.value))
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()

    script.fill["NewChartDialog"] = fill
    panel.new_button.click()
    assert seen["timeline_enabled"] is False and "at least two" in str(seen["timeline_why"])
    assert "2 single metrics" in str(seen["proposal"])
    qtbot.waitUntil(lambda: any(c.key == "open-models-in-use" for c in service.list_charts()))
    spec = service.get_chart("open-models-in-use")
    assert spec.kind == ChartKind.BAR and {m.finding for m in spec.metrics} == set(TWO)
    qtbot.waitUntil(lambda: panel.current_spec() is not None and panel.current_spec().key == spec.key)
    qtbot.waitUntil(lambda: panel.figure() is not None and not window.ops.active(), timeout=30_000)
    # Kinds that do not fit are greyed out in the editor too, with the reason.
    line = panel.kind.model().item(panel.kind.findData(ChartKind.LINE.value))
    qtbot.waitUntil(lambda: not line.isEnabled())
    assert line.toolTip().startswith("A line needs")

    row = next(i for i in range(panel.list.count()) if panel.list.item(i).text() == "Open models in use")
    panel.list.clearSelection()
    panel.list.item(row).setSelected(True)
    for fmt in ("png", "pdf"):
        script.folder = str(tmp_path / fmt)
        (tmp_path / fmt).mkdir()
        panel.export_format.setCurrentIndex(panel.export_format.findData(fmt))
        done = len(script.asked("ask_export_done"))
        panel.export_selected()
        qtbot.waitUntil(lambda done=done: len(script.asked("ask_export_done")) > done, timeout=60_000)
    assert (tmp_path / "png" / "open-models-in-use.png").read_bytes().startswith(b"\x89PNG")
    pdf_text = PdfReader(tmp_path / "pdf" / "open-models-in-use.pdf").pages[0].extract_text()
    assert "Open models in use" in pdf_text
    script.save_path = str(tmp_path / "deck.pptx")
    panel.export_format.setCurrentIndex(panel.export_format.findData("pptx"))
    done = len(script.asked("ask_export_done"))
    panel.export_selected()
    qtbot.waitUntil(lambda: len(script.asked("ask_export_done")) > done, timeout=60_000)
    slide = Presentation(str(tmp_path / "deck.pptx")).slides[1]  # after the cover
    assert any(s.has_chart for s in slide.shapes)

    qtbot.waitUntil(lambda: not window.ops.active())
    window.undo_stack.undo()  # the creation
    qtbot.waitUntil(lambda: all(c.key != "open-models-in-use" for c in service.list_charts()))


def test_charts_are_duplicated_and_deleted_with_undo_and_edit_every_field(
    window, qtbot, service, script
) -> None:
    panel = _charts(window, qtbot)
    original = panel.current_spec()
    panel.duplicate_button.click()
    copy_key = f"{original.key}-copy"
    qtbot.waitUntil(lambda: panel.current_spec() is not None and panel.current_spec().key == copy_key)
    assert service.get_chart(copy_key).title == f"{original.title} (copy)"
    # Human names for series; the key is the tooltip.
    if panel.series.count():
        item = panel.series.item(0)
        assert item.text() != item.data(_KEY_ROLE) and item.toolTip().endswith(str(item.data(_KEY_ROLE)))
    panel.subtitle.setText("A subtitle typed in the app")
    panel.note.setText("A note typed in the app")
    panel.source.setText("Own source line")
    panel.number_format.setCurrentIndex(panel.number_format.findData("plain"))
    panel.labels.setCurrentIndex(panel.labels.findData("entity"))
    panel.save()
    qtbot.waitUntil(lambda: service.get_chart(copy_key).subtitle == "A subtitle typed in the app")
    saved = service.get_chart(copy_key)
    assert (saved.note, saved.source, saved.number_format) == ("A note typed in the app", "Own source line", "plain")
    assert saved.option("category") == "entity"
    qtbot.waitUntil(lambda: not window.ops.active())

    script.confirm = True
    panel.delete_button.click()
    qtbot.waitUntil(lambda: all(c.key != copy_key for c in service.list_charts()))
    qtbot.waitUntil(lambda: not window.ops.active())
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: any(c.key == copy_key for c in service.list_charts()))
    assert service.get_chart(copy_key).subtitle == "A subtitle typed in the app"
