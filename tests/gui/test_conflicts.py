"""Conflicts you can resolve, and forms that stay current: a second writer (a real `briefing`
process, or a second service on the same SQLite file) changes the finding the window has open."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from briefing.domain.model import Finding, FindingDraft
from briefing.gui.dialogs import Resolution


def _cli(db: Path, *args: str) -> None:
    """A second writer in its own process, exactly as a user at a terminal would run it."""
    env = {**os.environ, "BRIEFING_DB": str(db), "BRIEFING_SERVER": "off"}
    r = subprocess.run([sys.executable, "-m", "briefing", *args], capture_output=True, text=True,
                       env=env, timeout=120, check=False)
    assert r.returncode == 0, r.stderr


def _theirs(db: Path, finding_id: int, **changes: str) -> Finding:
    """A second writer in this process: its own service, its own connections to the same file."""
    from briefing.services import open_service

    other = open_service(db)
    try:
        current = other.get_finding(finding_id)
        draft = FindingDraft(**{**current.to_draft().__dict__, **changes})
        return other.update_finding(finding_id, draft, current.version)
    finally:
        other.close()


def _idle(window, qtbot) -> None:
    qtbot.waitUntil(lambda: not window.ops.active() and not window.ctx.history.replaying, timeout=10_000)


def _open(window, qtbot, row: int = 2) -> Finding:
    browser = window.findings.browser
    finding = browser.model.finding(row)
    browser.select_id(finding.id)
    qtbot.waitUntil(lambda: window.findings.editor.finding() is not None
                    and window.findings.editor.finding().id == finding.id)
    return finding


def _type_mine(editor) -> None:
    editor._title.setText("My title")
    editor._tags.setText(editor._tags.text() + ", mine")
    assert editor.is_dirty()


def test_keep_mine_overwrites_theirs_in_one_undo_step(window, qtbot, service, seeded_db, script) -> None:
    finding = _open(window, qtbot)
    editor = window.findings.editor
    window.watcher.stop()  # the save below must meet the conflict, not the "changed elsewhere" bar
    _type_mine(editor)
    _cli(seeded_db, "findings", "edit", str(finding.id), "--title", "Their title",
         "--statement", "Their statement.")
    theirs = service.get_finding(finding.id)

    script.conflict = Resolution.KEEP_MINE
    window.actions_by_key["save"].trigger()
    qtbot.waitUntil(lambda: bool(script.asked("resolve_conflict")))
    _idle(window, qtbot)
    (differing, rows), = script.asked("resolve_conflict")
    assert differing == ["Title", "Statement", "Tags"]
    assert ("Title", "My title", "Their title") in rows
    assert ("Statement", finding.statement, "Their statement.") in rows

    qtbot.waitUntil(lambda: not editor.is_dirty())
    saved = service.get_finding(finding.id)
    assert saved.title == "My title" and "mine" in saved.tags
    assert saved.statement == finding.statement  # mine, whole: the statement I had
    assert saved.version == theirs.version + 1
    assert window.undo_stack.count() == 1
    assert window.actions_by_key["undo"].text() == "&Undo Keep my version of “My title”"

    window.actions_by_key["undo"].trigger()  # one step brings theirs back, exactly
    _idle(window, qtbot)
    back = service.get_finding(finding.id)
    assert (back.title, back.statement, back.tags) == (theirs.title, theirs.statement, theirs.tags)


def test_take_theirs_shows_theirs_and_keeps_my_edits_one_click_away(
    window, qtbot, service, seeded_db, script
) -> None:
    finding = _open(window, qtbot)
    editor = window.findings.editor
    window.watcher.stop()
    _type_mine(editor)
    theirs = _theirs(seeded_db, finding.id, title="Their title")

    script.conflict = Resolution.TAKE_THEIRS
    editor.save()
    qtbot.waitUntil(lambda: editor._title.text() == "Their title" and not editor.is_dirty())
    _idle(window, qtbot)
    assert service.get_finding(finding.id) == theirs  # nothing written
    assert editor.finding().version == theirs.version
    assert "set aside" in editor.notice()
    row = window.findings.browser.model.row_of(finding.id)
    assert window.findings.browser.model.finding(row).title == "Their title"

    # The set-aside edits belong to this finding: another one shows no bar, coming back does.
    _open(window, qtbot, row=5)
    assert editor.notice() == ""
    _open(window, qtbot)
    assert "set aside" in editor.notice()
    editor._notice_button.click()  # "Restore My Edits"
    assert editor._title.text() == "My title" and editor._tags.text().endswith("mine")
    assert editor.is_dirty() and editor.notice() == ""
    editor.save()  # over their version now: no conflict
    qtbot.waitUntil(lambda: service.get_finding(finding.id).title == "My title")
    assert len(script.asked("resolve_conflict")) == 1


def test_save_mine_as_a_copy_keeps_both(window, qtbot, service, seeded_db, script) -> None:
    finding = _open(window, qtbot)
    editor = window.findings.editor
    window.watcher.stop()
    before = service.count_findings()
    editor._tags.setText(editor._tags.text() + ", mine")  # same title: the copy needs a fresh slug
    theirs = _theirs(seeded_db, finding.id, statement="Their statement.")

    script.conflict = Resolution.SAVE_COPY
    editor.save()
    qtbot.waitUntil(lambda: service.count_findings() == before + 1)
    _idle(window, qtbot)
    assert service.get_finding(finding.id) == theirs
    copy = editor.finding()
    assert copy.id != finding.id and copy.slug == f"{finding.slug}-2"
    assert copy.title == finding.title and "mine" in copy.tags and copy.statement == finding.statement
    assert not editor.is_dirty()
    assert window.findings.browser.model.row_of(copy.id) >= 0

    window.actions_by_key["undo"].trigger()  # the copy is one step
    _idle(window, qtbot)
    assert service.count_findings() == before


def test_cancelling_the_conflict_keeps_editing(window, qtbot, service, seeded_db, script) -> None:
    finding = _open(window, qtbot)
    editor = window.findings.editor
    window.watcher.stop()
    _type_mine(editor)
    theirs = _theirs(seeded_db, finding.id, title="Their title")
    script.conflict = Resolution.CANCEL
    editor.save()
    qtbot.waitUntil(lambda: bool(script.asked("resolve_conflict")))
    _idle(window, qtbot)
    assert editor.is_dirty() and editor._title.text() == "My title"
    assert service.get_finding(finding.id) == theirs


def test_an_edit_from_the_cli_reaches_the_table_and_a_clean_form_within_two_seconds(
    window, qtbot, service, seeded_db
) -> None:
    finding = _open(window, qtbot)
    editor = window.findings.editor
    assert window.watcher.is_watching()
    _cli(seeded_db, "findings", "edit", finding.slug, "--title", "Edited in a terminal")
    committed = time.monotonic()
    browser = window.findings.browser

    def shown() -> bool:
        row = browser.model.row_of(finding.id)
        return (editor._title.text() == "Edited in a terminal"
                and browser.model.finding(row).title == "Edited in a terminal")

    qtbot.waitUntil(shown, timeout=2_000)
    elapsed = time.monotonic() - committed
    assert elapsed < 2.0
    assert not editor.is_dirty() and editor.finding().version == finding.version + 1
    print(f"\nCLI edit visible in the open window after {elapsed * 1000:.0f} ms")


def test_a_dirty_form_says_changed_elsewhere_and_compare_resolves_it(
    window, qtbot, service, seeded_db, script
) -> None:
    finding = _open(window, qtbot)
    editor = window.findings.editor
    _type_mine(editor)
    _cli(seeded_db, "findings", "edit", finding.slug, "--statement", "Changed in a terminal.")
    qtbot.waitUntil(lambda: editor.notice().startswith("This finding changed elsewhere"), timeout=2_000)
    assert editor.is_stale() and editor._title.text() == "My title"  # my edits stay
    button = editor._notice_button
    assert button.text().replace("&", "") == "Compare…"

    script.conflict = Resolution.KEEP_MINE
    button.click()
    qtbot.waitUntil(lambda: bool(script.asked("resolve_conflict")))
    (differing, _rows), = script.asked("resolve_conflict")
    assert differing == ["Title", "Statement", "Tags"]
    qtbot.waitUntil(lambda: not editor.is_dirty())
    _idle(window, qtbot)
    saved = service.get_finding(finding.id)
    assert saved.title == "My title" and saved.statement == finding.statement
    assert editor.notice() == "" and not editor.is_stale()


def test_f5_reloads_the_open_record(window, qtbot, service, seeded_db) -> None:
    finding = _open(window, qtbot)
    editor = window.findings.editor
    window.watcher.stop()  # only F5 may bring the change in
    _theirs(seeded_db, finding.id, title="Seen after F5")
    qtbot.wait(700)
    assert editor._title.text() == finding.title
    window.actions_by_key["refresh"].trigger()
    qtbot.waitUntil(lambda: editor._title.text() == "Seen after F5" and not editor.is_dirty())
    row = window.findings.browser.model.row_of(finding.id)
    qtbot.waitUntil(lambda: window.findings.browser.model.finding(row).title == "Seen after F5")


def test_a_dirty_form_whose_finding_was_deleted_elsewhere_can_save_it_as_new(
    window, qtbot, service, seeded_db
) -> None:
    finding = _open(window, qtbot)
    editor = window.findings.editor
    _type_mine(editor)
    _cli(seeded_db, "findings", "delete", str(finding.id), "--yes")
    qtbot.waitUntil(lambda: editor.notice().startswith("This finding was deleted elsewhere"), timeout=2_000)
    assert editor._title.text() == "My title" and editor.is_dirty()
    qtbot.waitUntil(lambda: window.findings.browser.model.row_of(finding.id) < 0)
    editor._notice_button.click()  # "Save as New"
    qtbot.waitUntil(lambda: not editor.is_dirty() and editor.finding() is not None
                    and editor.finding().id != finding.id)
    _idle(window, qtbot)
    saved = service.get_finding(finding.slug)  # the slug was free again
    assert saved.title == "My title" and "mine" in saved.tags
