"""The Charts and Sources screens: live preview following edits, chart export, source editing."""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl

from briefing.domain.charts import ChartKind


def _charts(window, qtbot):  # type: ignore[no-untyped-def]
    window.go("charts")
    panel = window.charts
    qtbot.waitUntil(lambda: panel.figure() is not None, timeout=30_000)
    return panel


def test_the_chart_preview_follows_edits_of_title_kind_and_size(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = _charts(window, qtbot)
    first = panel.figure()
    panel.title_edit.setText("A retitled chart")
    qtbot.waitUntil(lambda: panel.figure() is not first, timeout=30_000)
    texts = [t.get_text() for t in panel.figure().findobj(lambda a: hasattr(a, "get_text"))]
    assert "A retitled chart" in texts

    second = panel.figure()
    panel.size.setCurrentIndex(panel.size.findData("4:3"))
    qtbot.waitUntil(lambda: panel.figure() is not second, timeout=30_000)
    w, h = panel.figure().get_size_inches()
    assert abs(w / h - 4 / 3) < 0.01
    assert panel.is_dirty()


def test_a_saved_chart_edit_is_undoable(window, qtbot, service) -> None:  # type: ignore[no-untyped-def]
    panel = _charts(window, qtbot)
    spec = panel.current_spec()
    other = next(k for k in ChartKind if k != spec.kind)
    panel.kind.setCurrentIndex(panel.kind.findData(other.value))
    panel.save()
    qtbot.waitUntil(lambda: service.get_chart(spec.key).kind == other)
    qtbot.waitUntil(lambda: not window.ops.active())
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: service.get_chart(spec.key).kind == spec.kind)


def test_selected_charts_export_as_images_to_a_folder(window, qtbot, script, tmp_path) -> None:  # type: ignore[no-untyped-def]
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


def test_a_source_is_edited_and_its_link_opens(window, qtbot, service, script) -> None:  # type: ignore[no-untyped-def]
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


def test_selected_charts_export_as_a_powerpoint_deck(window, qtbot, script, tmp_path) -> None:  # type: ignore[no-untyped-def]
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
    assert len(deck.slides) == 3


def test_a_screen_that_cannot_load_says_so_and_loads_again_later(window, qtbot, script, seeded_db) -> None:  # type: ignore[no-untyped-def]
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
    qtbot.waitUntil(lambda: window.sources.model.rowCount() == 25 and not window.ops.active(), timeout=10_000)
