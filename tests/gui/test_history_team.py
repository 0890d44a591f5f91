"""Done-when of issue 18: on PostgreSQL, a finding edited by two analysts (two roles) shows both in
the app's history, each with its field diff."""

from __future__ import annotations

from pathlib import Path

import pytest

from briefing.domain.model import FindingDraft


@pytest.fixture
def service(pg_cluster, pg_url: str):  # type: ignore[no-untyped-def]
    """The `window` fixture's service: analyst alice's, on the session's PostgreSQL cluster."""
    from briefing.services import open_service

    name = pg_url.rsplit("/", 1)[1]
    for role in ("alice", "bob"):
        pg_cluster.role(role)
        pg_cluster.grant(name, role)
    svc = open_service(pg_url.replace("briefing@", "alice@"))
    yield svc
    svc.close()


def test_the_history_of_a_finding_edited_by_two_roles_shows_both_with_diffs(
    window, qtbot, pg_url: str, script, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    from briefing.services import open_service

    window.settings.history_who = "database"  # as chosen in Preferences
    assert window.ctx.service.history_who == "database"
    browser, editor = window.findings.browser, window.findings.editor
    finding = browser.model.finding(2)
    bob = open_service(pg_url.replace("briefing@", "bob@"))
    bob.history_who = "database"
    try:
        current = bob.get_finding(finding.id)
        bob.update_finding(finding.id, FindingDraft(**{**current.to_draft().__dict__,
                                                       "statement": "Bob rewrote the statement."}),
                           current.version)
    finally:
        bob.close()
    browser.select_id(finding.id)
    qtbot.waitUntil(lambda: editor.finding() is not None
                    and editor.finding().statement == "Bob rewrote the statement.", timeout=10_000)
    editor._title.setText("Alice's title")
    editor.save()
    qtbot.waitUntil(lambda: editor.finding().title == "Alice's title", timeout=10_000)
    qtbot.waitUntil(lambda: not window.ops.active(), timeout=10_000)

    shown: list = []
    script.fill["HistoryDialog"] = shown.append
    editor._history_button.click()
    qtbot.waitUntil(lambda: bool(shown) and shown[0].entries.count() == 2, timeout=10_000)
    dialog = shown[0]
    texts = [dialog.entries.item(i).text() for i in range(2)]
    assert "· alice" in texts[0] and "· bob" in texts[1]  # newest first
    t = dialog.changes
    assert [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())] == [
        ("Title", finding.title, "Alice's title")]
    dialog.entries.setCurrentRow(1)
    assert [tuple(t.item(r, c).text() for c in range(3)) for r in range(t.rowCount())] == [
        ("Statement", finding.statement, "Bob rewrote the statement.")]
    dialog.resize(900, 360)
    dialog.grab().save(str(tmp_path / "history-two-roles.png"))
    dialog.close()
