"""Undo as far back as the history goes, over a real SQLite file, driven through the window."""

from __future__ import annotations

import dataclasses
from typing import Any

from PySide6.QtCore import Qt

from briefing.domain.model import Finding, FindingDraft
from briefing.gui.findings.metrics import FIELDS


def _fields(finding: Finding) -> dict[str, Any]:
    """Every field of a finding but the ones each write moves on (version, updated_at, and the
    storage ids of metric rows, which a save re-creates)."""
    out = {f.name: getattr(finding, f.name) for f in dataclasses.fields(finding)}
    del out["version"], out["updated_at"]
    out["wordings"] = dict(finding.wordings)
    out["metrics"] = tuple(dataclasses.replace(m, id=0) for m in finding.metrics)
    return out


def _idle(window, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.ops.active() and not window.ctx.history.replaying, timeout=10_000)


def _open(window, qtbot, row: int) -> Finding:
    window.go("findings")
    browser = window.findings.browser
    finding = browser.model.finding(row)
    browser.select_id(finding.id)
    qtbot.waitUntil(lambda: window.findings.editor.finding() is not None
                    and window.findings.editor.finding().id == finding.id)
    return finding


def _save(window, qtbot) -> None:
    editor = window.findings.editor
    assert editor.is_dirty()
    window.actions_by_key["save"].trigger()
    qtbot.waitUntil(lambda: not editor.is_dirty() and not editor.is_saving())
    _idle(window, qtbot)


def _step(window, qtbot, key: str, times: int = 1) -> None:
    for _ in range(times):
        assert window.actions_by_key[key].isEnabled(), key
        window.actions_by_key[key].trigger()
        _idle(window, qtbot)


def test_ten_edits_undo_to_the_original_and_redo_to_the_last(window, qtbot, service, script) -> None:
    finding = _open(window, qtbot, 2)
    original = service.get_finding(finding.id)
    editor = window.findings.editor
    value = editor._metrics.index(0, FIELDS.index("value"))
    for i in range(10):
        editor._title.setText(f"Edit number {i}: {original.title}")
        editor._statement.setPlainText(f"{original.statement} (revision {i})")
        editor._tags.setText(", ".join([*original.tags, f"rev{i}"]))
        editor._metrics.setData(value, str(100 + i))
        _save(window, qtbot)
    last = service.get_finding(finding.id)
    assert last.title.startswith("Edit number 9") and str(last.metrics[0].value) == "109"
    assert window.actions_by_key["undo"].text() == f"&Undo Edit “{last.title[:39]}…”"

    _step(window, qtbot, "undo", 10)
    assert _fields(service.get_finding(finding.id)) == _fields(original)
    assert not window.undo_stack.canUndo()
    qtbot.waitUntil(lambda: editor._title.text() == original.title and not editor.is_dirty())

    _step(window, qtbot, "redo", 10)
    assert _fields(service.get_finding(finding.id)) == _fields(last)
    assert not window.undo_stack.canRedo()
    assert script.asked("show_error") == []


def test_one_save_of_title_metrics_and_sources_is_one_undo_step(window, qtbot, service) -> None:
    finding = _open(window, qtbot, 3)
    original = service.get_finding(finding.id)
    editor = window.findings.editor
    other = next(s for s in service.list_sources() if s.id not in {x.id for x in original.sources})
    editor._title.setText("A compound edit")
    editor._metrics.setData(editor._metrics.index(0, FIELDS.index("value")), "7")
    editor._sources.set_selected([*[s.id for s in original.sources], other.id])
    _save(window, qtbot)
    saved = service.get_finding(finding.id)
    assert saved.title == "A compound edit" and other.id in {s.id for s in saved.sources}
    assert window.undo_stack.count() == 1

    _step(window, qtbot, "undo")
    assert _fields(service.get_finding(finding.id)) == _fields(original)
    assert not window.undo_stack.canUndo()


def _new_source(window, qtbot, service, key: str):
    window.go("sources")
    panel = window.sources
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0)
    panel.new_source()
    panel.fields["publisher"].setText("Undo Institute")
    panel.fields["title"].setText("A source made to be deleted")
    panel.fields["key"].setText(key)
    panel.save()
    qtbot.waitUntil(lambda: panel.current() is not None and panel.current().key == key)
    _idle(window, qtbot)
    return service.get_source(key)


def test_a_mixed_history_undoes_and_redoes_in_order(window, qtbot, service) -> None:
    a = service.get_finding(_open(window, qtbot, 1).id)
    window.findings.editor._title.setText("A, edited")
    _save(window, qtbot)

    source = _new_source(window, qtbot, service, "undo-institute")
    window.sources.delete_selected()  # the confirmation is answered Yes by the script
    qtbot.waitUntil(lambda: all(s.key != "undo-institute" for s in service.list_sources()))
    _idle(window, qtbot)

    b = service.get_finding(_open(window, qtbot, 4).id)
    window.findings.editor._statement.setPlainText("B, edited.")
    _save(window, qtbot)

    window.go("briefing")
    panel = window.briefing
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.tree.topLevelItemCount() > 0)
    panel.set_audience("investors")
    qtbot.waitUntil(lambda: panel.audience().key == "investors")
    slug = panel.tree.slugs()[0]
    panel.tree.item_for(slug).setCheckState(0, Qt.CheckState.Unchecked)  # a step in the working selection
    panel.save_selection()  # and its Save, another
    qtbot.waitUntil(lambda: slug in (service.get_audience("investors").template.get("excluded") or ()))
    _idle(window, qtbot)
    assert window.undo_stack.count() == 6

    def excluded() -> bool:
        return slug in (service.get_audience("investors").template.get("excluded") or ())

    # Undo, newest first; each step finds its record as the step after it left it.
    _step(window, qtbot, "undo")
    assert not excluded()
    assert panel.is_dirty("investors")  # the Save undone: the untick is still there, unsaved
    _step(window, qtbot, "undo")
    assert not panel.is_dirty("investors")
    _step(window, qtbot, "undo")
    assert _fields(service.get_finding(b.id)) == _fields(b)
    _step(window, qtbot, "undo")  # the delete: the source comes back under its own id
    assert service.get_source(source.id) == source
    _step(window, qtbot, "undo")  # the create: that same id is deleted again
    assert all(s.id != source.id for s in service.list_sources())
    _step(window, qtbot, "undo")
    assert _fields(service.get_finding(a.id)) == _fields(a)
    assert not window.undo_stack.canUndo()

    _step(window, qtbot, "redo", 2)
    assert service.get_finding(a.id).title == "A, edited"
    assert service.get_source(source.id) == source
    _step(window, qtbot, "redo", 4)
    assert all(s.id != source.id for s in service.list_sources())
    assert service.get_finding(b.id).statement == "B, edited."
    assert excluded()
    assert not window.undo_stack.canRedo()


def test_an_undo_over_a_change_made_elsewhere_is_refused_and_the_stack_stays(
    window, qtbot, service, seeded_db, script
) -> None:
    from briefing.services import open_service

    finding = _open(window, qtbot, 2)
    window.findings.editor._title.setText("Mine")
    _save(window, qtbot)
    window.findings.editor._title.setText("Mine again")
    _save(window, qtbot)
    other = open_service(seeded_db)  # a second writer on the same file
    try:
        theirs = other.get_finding(finding.id)
        draft = FindingDraft(**{**theirs.to_draft().__dict__, "title": "Theirs"})
        other.update_finding(theirs.id, draft, theirs.version)
    finally:
        other.close()

    script.errors_expected = True
    index = window.undo_stack.index()
    window.actions_by_key["undo"].trigger()
    qtbot.waitUntil(lambda: bool(script.asked("show_error")))
    _idle(window, qtbot)
    (_p, title, summary, _d), = script.asked("show_error")
    assert title == "Could not undo “Edit “Mine again””"
    assert "changed elsewhere since this step" in summary and "nothing was changed" in summary
    assert service.get_finding(finding.id).title == "Theirs"
    # The stack did not move: the same step is still the one to undo, and nothing waits to redo.
    assert window.undo_stack.index() == index and not window.undo_stack.canRedo()
    assert window.actions_by_key["undo"].text() == "&Undo Edit “Mine again”"


def test_a_redo_over_a_change_made_elsewhere_is_refused_and_the_stack_stays(
    window, qtbot, service, seeded_db, script
) -> None:
    from briefing.domain.model import SourceDraft
    from briefing.services import open_service

    source = _new_source(window, qtbot, service, "redo-institute")
    window.sources.fields["title"].setText("Retitled here")
    window.sources.save()
    qtbot.waitUntil(lambda: service.get_source(source.id).title == "Retitled here")
    _idle(window, qtbot)
    _step(window, qtbot, "undo")
    assert service.get_source(source.id) == source
    other = open_service(seeded_db)
    try:
        other.update_source(source.id, SourceDraft(publisher="Undo Institute", title="Theirs",
                                                   key="redo-institute"))
    finally:
        other.close()

    script.errors_expected = True
    index = window.undo_stack.index()
    window.actions_by_key["redo"].trigger()
    qtbot.waitUntil(lambda: bool(script.asked("show_error")))
    _idle(window, qtbot)
    (_p, title, summary, _d), = script.asked("show_error")
    assert title.startswith("Could not redo") and "changed elsewhere since this step" in summary
    assert service.get_source(source.id).title == "Theirs"
    assert window.undo_stack.index() == index and window.undo_stack.canRedo()


def test_undo_waits_for_the_step_on_its_way(window, qtbot, service) -> None:
    finding = _open(window, qtbot, 2)
    original = service.get_finding(finding.id)
    editor = window.findings.editor
    for title in ("First edit", "Second edit"):
        editor._title.setText(title)
        _save(window, qtbot)
    window.actions_by_key["undo"].trigger()
    window.actions_by_key["undo"].trigger()  # pressed again before the first reached the database
    assert "Still applying" in window.statusBar().currentMessage()
    _idle(window, qtbot)
    assert service.get_finding(finding.id).title == "First edit"
    assert window.undo_stack.index() == 1
    _step(window, qtbot, "undo")
    assert service.get_finding(finding.id).title == original.title
