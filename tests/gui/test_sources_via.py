"""The Sources screen edits "cited via": chosen from the other sources, saved as one undo step, and a
loop refused with the message under the field, over a real SQLite file."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel

from tests.gui.test_undo import _idle, _step

REPORT = "digital-in-asia-2026-04"


def _select(window, qtbot, service, key: str):  # type: ignore[no-untyped-def]
    window.go("sources")
    panel = window.sources
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0)
    source = service.get_source(key)
    index = panel.proxy.mapFromSource(panel.model.index(panel.model.row_of(source.id), 0))
    panel.view.selectionModel().setCurrentIndex(
        index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
    qtbot.waitUntil(lambda: panel.current() is not None and panel.current().key == key)
    return panel


def test_the_source_form_edits_via_as_one_undo_step(window, qtbot, service) -> None:  # type: ignore[no-untyped-def]
    panel = _select(window, qtbot, service, "rand-2026")
    assert panel.via.currentData() == REPORT
    assert panel.via.findData("rand-2026") == -1  # never itself
    panel.via.setCurrentIndex(0)  # "Read first-hand"
    assert panel.is_dirty()
    panel.save()
    qtbot.waitUntil(lambda: service.get_source("rand-2026").via is None)
    _idle(window, qtbot)
    _step(window, qtbot, "undo")
    assert service.get_source("rand-2026").via.key == REPORT


def test_a_loop_is_refused_under_the_via_field(window, qtbot, service) -> None:  # type: ignore[no-untyped-def]
    panel = _select(window, qtbot, service, REPORT)
    assert panel.via.currentData() is None
    panel.via.setCurrentIndex(panel.via.findData("rand-2026"))
    panel.save()
    qtbot.waitUntil(lambda: panel.errors["via"].isVisibleTo(panel))
    assert "loop" in panel.errors["via"].text()
    assert service.get_source(REPORT).via is None and panel.is_dirty()
