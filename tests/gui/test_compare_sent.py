"""File ▸ Compare with a Sent Briefing…: the real file dialog answered by typing the path, the
comparison off the GUI thread, the result listed with jumps to the findings."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt

from briefing.compose import compose
from briefing.writers import export

EDITED = "china-daily-tokens-140-trillion"  # in the Asia briefing, drawn by its charts
DELETED = "japan-ai-adoption-26-7pct-vs-china-81-2pct"


def _sent_asia(window, folder: Path) -> Path:
    path = folder / "asia-sent.md"
    export(compose(window.ctx.service, "asia"), "md", path)
    return path


def _open_dialog(window, qtbot):
    from briefing.gui.sent import SentDiffDialog

    window.actions_by_key["compare_sent"].trigger()
    qtbot.waitUntil(lambda: window.findChild(SentDiffDialog) is not None and not window.ops.active(),
                    timeout=20_000)
    return window.findChild(SentDiffDialog)


def test_compare_lists_the_changes_and_opens_the_finding(window, qtbot, script, tmp_path) -> None:
    sent = _sent_asia(window, tmp_path)
    service = window.ctx.service
    f = service.get_finding(EDITED)
    draft = f.to_draft()
    metrics = (replace(draft.metrics[0], value=f.metrics[0].value + Decimal(7)), *draft.metrics[1:])
    saved = service.update_finding(f.id, replace(draft, metrics=metrics), f.version)
    window.ctx.events.sig_finding_saved.emit(saved)
    gone = service.get_finding(DELETED)
    service.delete_finding(gone.id)

    script.open_path = str(sent)
    dialog = _open_dialog(window, qtbot)
    assert script.asked("open_file") == [("Compare with a Sent Briefing",)]
    rows = dialog.rows()
    assert "Findings changed (1)" in rows and "Findings removed (1)" in rows and "Findings added (1)" not in rows
    old, new = f.metrics[0].display(compact=False), saved.metrics[0].display(compact=False)
    assert f"    metrics.0.value: {old} → {new}" in rows
    assert f"  {gone.title} ({DELETED})" in rows
    assert any(r.startswith("Charts changed (") for r in rows)
    assert any(r.startswith("Checks newly failing (") for r in rows)  # the statement still says 140 trillion
    dialog.grab().save(str(tmp_path / "compare.png"))

    # Keyboard: pick the changed finding, Enter opens it in its editor.
    item = dialog.item_for(f"{saved.title} ({EDITED})")
    dialog.tree.setFocus()
    dialog.tree.setCurrentItem(item)
    qtbot.keyClick(dialog.tree, Qt.Key.Key_Return)
    assert window.current_page() == "findings"
    qtbot.waitUntil(lambda: window.findings.editor.finding() is not None
                    and window.findings.editor.finding().slug == EDITED)
    dialog.close()


def test_an_unchanged_database_says_so(window, qtbot, script, tmp_path) -> None:
    script.open_path = str(_sent_asia(window, tmp_path))
    dialog = _open_dialog(window, qtbot)
    assert dialog.rows() == [] and "Nothing in it has changed since." in dialog.heading.text()
    dialog.close()


def test_a_file_without_a_manifest_is_one_error_and_no_dialog(window, qtbot, script, tmp_path) -> None:
    from briefing.gui.sent import SentDiffDialog

    notes = tmp_path / "notes.md"
    notes.write_text("# My own notes\n", encoding="utf-8")
    script.open_path = str(notes)
    script.errors_expected = True
    window.actions_by_key["compare_sent"].trigger()
    qtbot.waitUntil(lambda: bool(script.asked("show_error")), timeout=20_000)
    (_parent, title, summary, details), = script.asked("show_error")
    assert title == "Compare with a Sent Briefing" and summary == "Could not compare notes.md"
    assert details == "No Briefing manifest in notes.md"
    assert window.findChild(SentDiffDialog) is None


def test_cancelling_the_file_dialog_does_nothing(window, qtbot, script) -> None:
    from briefing.gui.sent import SentDiffDialog

    window.actions_by_key["compare_sent"].trigger()
    assert script.asked("open_file") and not window.ops.active()
    assert window.findChild(SentDiffDialog) is None
