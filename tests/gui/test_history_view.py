"""A finding's history in the app (issue 18 item 4): who, when, each field before and after, and
"Restore This Version" as an undoable, versioned save that refuses over someone else's newer save."""

from __future__ import annotations

from pathlib import Path

from briefing.domain.model import Finding, FindingDraft


def _theirs(db: Path, finding_id: int, **changes: str) -> Finding:
    """A second writer: its own service and connections to the same file."""
    from briefing.services import open_service

    other = open_service(db)
    try:
        current = other.get_finding(finding_id)
        return other.update_finding(finding_id, FindingDraft(**{**current.to_draft().__dict__, **changes}),
                                    current.version)
    finally:
        other.close()


def _idle(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.waitUntil(lambda: not window.ops.active() and not window.ctx.history.replaying, timeout=10_000)


def _open_history(window, qtbot, script):  # type: ignore[no-untyped-def]
    shown: list = []
    script.fill["HistoryDialog"] = shown.append  # the real dialog, driven below
    editor = window.findings.editor
    assert editor._history_button.isEnabled()
    editor._history_button.click()
    qtbot.waitUntil(lambda: bool(shown), timeout=5_000)
    dialog = shown[0]
    qtbot.waitUntil(lambda: dialog.status.text() != "Loading…", timeout=10_000)
    return dialog


def _rows(dialog) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    t = dialog.changes
    return [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())]


def test_the_history_shows_each_change_and_restores_a_version_undoably(
    window, qtbot, seeded_db, script, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    browser, editor = window.findings.browser, window.findings.editor
    finding = browser.model.finding(2)
    _theirs(seeded_db, finding.id, title="Their title")
    browser.select_id(finding.id)
    qtbot.waitUntil(lambda: editor.finding() is not None and editor.finding().title == "Their title",
                    timeout=10_000)
    editor._title.setText("My title")
    editor._tags.setText(editor._tags.text() + ", mine")
    editor.save()
    qtbot.waitUntil(lambda: editor.finding().title == "My title", timeout=10_000)
    _idle(window, qtbot)

    dialog = _open_history(window, qtbot, script)
    assert dialog.entries.count() == 2  # newest first
    assert "Edited · version 3" in dialog.entries.item(0).text()
    rows = _rows(dialog)
    assert ("Title", "Their title", "My title") in rows
    assert any(r[0] == "Tags" and r[2].endswith("mine") for r in rows)
    assert not dialog.restore_button.isEnabled()  # the newest is what the finding already is
    dialog.entries.setCurrentRow(1)
    assert _rows(dialog)[0] == ("Title", finding.title, "Their title")
    dialog.resize(900, 420)
    dialog.grab().save(str(tmp_path / "history.png"))

    dialog.restore_button.click()
    qtbot.waitUntil(lambda: editor.finding().title == "Their title" and editor.finding().version == 4,
                    timeout=10_000)
    _idle(window, qtbot)
    assert "mine" not in editor.finding().tags
    qtbot.waitUntil(lambda: dialog.entries.count() == 3, timeout=10_000)
    assert window.ctx.undo.undoText().startswith("Restore version 2")

    window.ctx.undo.undo()  # the restore was one undo step
    _idle(window, qtbot)
    qtbot.waitUntil(lambda: editor.finding().title == "My title", timeout=10_000)
    dialog.close()


def test_restoring_over_someone_elses_newer_save_is_refused(window, qtbot, seeded_db, script) -> None:  # type: ignore[no-untyped-def]
    browser, editor = window.findings.browser, window.findings.editor
    finding = browser.model.finding(2)
    _theirs(seeded_db, finding.id, title="First")
    _theirs(seeded_db, finding.id, title="Second")
    browser.select_id(finding.id)
    qtbot.waitUntil(lambda: editor.finding() is not None and editor.finding().title == "Second",
                    timeout=10_000)
    dialog = _open_history(window, qtbot, script)
    dialog.entries.setCurrentRow(1)
    _theirs(seeded_db, finding.id, title="Third, saved meanwhile")
    dialog.restore_button.click()
    qtbot.waitUntil(lambda: "Someone saved" in dialog.status.text(), timeout=10_000)
    from briefing.services import open_service

    svc = open_service(seeded_db)
    try:
        assert svc.get_finding(finding.id).title == "Third, saved meanwhile"
    finally:
        svc.close()
    qtbot.waitUntil(lambda: dialog.entries.count() == 3, timeout=10_000)  # read again, with theirs
    dialog.close()
