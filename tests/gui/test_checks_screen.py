"""The Checks screen and checks on export, driven as a user would over a real seeded SQLite file."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from briefing.gui.checks.model import field_label

WORDING_SLUG = "china-daily-tokens-140-trillion"  # in the Asia briefing, with an Asia wording
FULL_ONLY_CHART = "china-ai-milestones"  # shown by the full and investors' briefings, not Asia's


def _checks(window, qtbot):
    window.actions_by_key["go_checks"].trigger()
    panel = window.checks
    assert window.stack.currentWidget() is panel
    qtbot.waitUntil(lambda: panel.run is not None and not panel.is_running(), timeout=20_000)
    return panel


def _alter_asia_wording(window) -> None:
    """Through the service, then the change event every editor emits after a save."""
    service = window.ctx.service
    f = next(f for f in service.list_findings() if f.slug == WORDING_SLUG)
    draft = f.to_draft()
    asia = draft.wordings["asia"].replace("140 trillion", "180 trillion")
    saved = service.update_finding(f.id, replace(draft, wordings={**draft.wordings, "asia": asia}), f.version)
    window.ctx.events.sig_finding_saved.emit(saved)


def _restore_six_weeks(window) -> None:
    service = window.ctx.service
    chart = service.get_chart(FULL_ONLY_CHART)
    saved = service.save_chart(replace(chart, title="Four Chinese model milestones in six weeks"))
    window.ctx.events.sig_chart_saved.emit(saved)


def _nav_text(window) -> str:
    return window.nav.item(window.nav.count() - 1).text()


def test_the_clean_seed_shows_the_empty_state(window, qtbot) -> None:
    panel = _checks(window, qtbot)
    assert panel.stack.currentWidget() is panel.empty
    assert panel.empty._title.text() == "No problems found"
    assert panel.summary.text() == ("Every number in 103 findings, 17 charts and 4 audience templates is "
                                    "backed by the data.")
    assert panel.model.rowCount() == 0
    assert _nav_text(window) == "Checks"


def test_a_problem_saved_through_the_service_shows_up_and_opens_its_finding(
    window, qtbot
) -> None:
    panel = _checks(window, qtbot)
    _alter_asia_wording(window)  # the screen re-runs by itself on the change event
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2 and not panel.is_running(), timeout=20_000)
    assert [(p.rule, p.subject, p.field) for p in panel.problems()] == [
        ("unbacked-number", WORDING_SLUG, "wordings.asia"), ("wording-numbers", WORDING_SLUG, "wordings.asia")]
    assert panel.stack.currentWidget() is panel.list_page
    assert _nav_text(window) == "Checks (2)"
    row = [panel.model.index(0, c).data() for c in range(4)]
    assert row[0] == "Warning" and row[1].startswith("Finding: China") and row[2] == "Asia wording"
    assert row[3] == f"180 trillion is not a metric of finding “{WORDING_SLUG}”"
    assert panel.model.index(1, 0).data() == "Error"

    # Keyboard: focus the list, pick the second row, Enter opens the finding in its editor.
    panel.view.setFocus()
    panel.view.selectRow(1)
    qtbot.keyClick(panel.view, Qt.Key.Key_Return)
    assert window.current_page() == "findings"
    qtbot.waitUntil(lambda: window.findings.editor.finding() is not None
                    and window.findings.editor.finding().slug == WORDING_SLUG)
    assert window.findings.browser.current().slug == WORDING_SLUG


def test_an_edit_from_another_process_shows_up(window, qtbot, seeded_db) -> None:
    """No event from this window: the database watcher notices the commit and the screen re-runs."""
    from briefing.services import open_service

    panel = _checks(window, qtbot)
    other = open_service(seeded_db)
    try:
        chart = other.get_chart(FULL_ONLY_CHART)
        other.save_chart(replace(chart, title="Four Chinese model milestones in six weeks"))
    finally:
        other.close()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1 and not panel.is_running(), timeout=20_000)
    assert panel.problems()[0].subject == FULL_ONLY_CHART
    assert _nav_text(window) == "Checks (1)"


def test_a_finding_hidden_by_the_search_is_still_opened(window, qtbot) -> None:
    panel = _checks(window, qtbot)
    _alter_asia_wording(window)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2 and not panel.is_running(), timeout=20_000)
    browser = window.findings.browser
    browser.search.setText("openclaw")
    browser.refresh()
    qtbot.waitUntil(lambda: not window.ops.active() and browser.model.rowCount() > 0)
    hidden = next(f for f in window.ctx.service.list_findings() if f.slug == WORDING_SLUG)
    assert browser.model.row_of(hidden.id) < 0
    panel.view.selectRow(0)
    panel.go_button.click()
    qtbot.waitUntil(lambda: window.findings.editor.finding() is not None
                    and window.findings.editor.finding().slug == WORDING_SLUG, timeout=10_000)
    assert browser.search.text() == ""


def test_a_chart_problem_opens_the_chart_and_a_template_problem_the_audience(
    window, qtbot
) -> None:
    panel = _checks(window, qtbot)
    _restore_six_weeks(window)
    service = window.ctx.service
    west = service.get_audience("west")
    template = {**west.template, "introduction": "Chinese models served 999 billion tokens last week."}
    service.update_audience("west", template=template)
    window.ctx.events.sig_audience_changed.emit("west")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2 and not panel.is_running(), timeout=20_000)
    kinds = [(p.kind, p.subject, p.rule) for p in panel.problems()]
    assert kinds == [("chart", FULL_ONLY_CHART, "duration"), ("template", "west", "unbacked-number")]
    assert panel.model.index(1, 1).data() == f"Template: {west.name}"

    panel.view.activated.emit(panel.model.index(0, 3))  # what a double-click sends
    assert window.current_page() == "charts"
    qtbot.waitUntil(lambda: window.charts.current_spec() is not None
                    and window.charts.current_spec().key == FULL_ONLY_CHART)

    window.go("checks")
    panel.view.activated.emit(panel.model.index(1, 0))
    assert window.current_page() == "briefing"
    qtbot.waitUntil(lambda: window.briefing.audience() is not None and window.briefing.audience().key == "west")


def test_the_screen_shows_one_briefing_s_problems(window, qtbot) -> None:
    panel = _checks(window, qtbot)
    _alter_asia_wording(window)
    _restore_six_weeks(window)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3 and not panel.is_running(), timeout=20_000)
    panel.show_audience("asia")
    assert {p.subject for p in panel.problems()} == {WORDING_SLUG}
    assert panel.summary.text().startswith("2 problems in the Asia briefing: its 55 findings, 8 charts")
    panel.show_audience("full")  # the chart, and no Asia wording
    assert [p.subject for p in panel.problems()] == [FULL_ONLY_CHART]
    panel.show_audience("west")
    assert panel.stack.currentWidget() is panel.empty
    assert panel.empty._title.text() == "No problems found"
    panel.show_audience("")
    assert panel.model.rowCount() == 3
    assert _nav_text(window) == "Checks (3)"


def test_every_control_has_an_accessible_name_and_f5_checks_again(window, qtbot) -> None:
    panel = _checks(window, qtbot)
    for w in (panel.scope, panel.again, panel.go_button, panel.view, panel.summary, panel.detail):
        assert w.accessibleName(), w
    for w in (panel.scope, panel.again, panel.view):
        assert w.focusPolicy() & Qt.FocusPolicy.TabFocus, w
    before = panel._generation
    window.actions_by_key["refresh"].trigger()
    assert panel.is_running() and panel._generation == before + 1
    qtbot.waitUntil(lambda: not panel.is_running(), timeout=20_000)


@pytest.mark.parametrize(("name", "label"), [
    ("wordings.asia", "Asia wording"), ("statement", "Statement"), ("sections.2.intro", "Section 3 · intro"),
    ("sections.0.callout.text", "Section 1 · callout text"),
    ("what_this_means.bullets.1", "What this means · bullet 2"),
    ("key_figures.3.label", "Key figure 4 · label"), ("data", "Data"),
])
def test_fields_are_named_as_a_reader_names_them(name: str, label: str) -> None:
    assert field_label(name, {"asia": "Asia"}) == label


# ---- Checks on export (the real box, answered by the conftest's script from a timer)


def _export_asia(window, qtbot, script, target: Path, button: str):
    window.go("briefing")
    panel = window.briefing
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.tree.topLevelItemCount() > 0)
    panel.set_audience("asia")
    qtbot.waitUntil(lambda: panel.audience().key == "asia")
    script.save_path = str(target)
    script.export_problems = button
    asked = len(script.asked("ask_export_with_problems"))
    window.actions_by_key["export_word"].trigger()
    qtbot.waitUntil(lambda: len(script.asked("ask_export_with_problems")) > asked, timeout=30_000)
    return panel, script.asked("ask_export_with_problems")[-1]


def test_show_problems_holds_the_export_back_and_lists_them(
    window, qtbot, script, tmp_path
) -> None:
    _alter_asia_wording(window)
    _restore_six_weeks(window)  # not in the Asia briefing: not asked about
    target = tmp_path / "asia.docx"
    panel, (title, text, details) = _export_asia(window, qtbot, script, target, "Show Problems")
    assert title == "Problems in the Asia briefing"
    assert text == "The checks found 2 problems in the Asia briefing."
    assert details.splitlines() == [
        (f"finding {WORDING_SLUG} · wordings.asia [unbacked-number]: 180 trillion is not a metric of finding "
         f"“{WORDING_SLUG}”"),
        (f"finding {WORDING_SLUG} · wordings.asia [wording-numbers]: the asia wording states 180 trillion; "
         "the statement does not"),
    ]
    qtbot.waitUntil(lambda: window.current_page() == "checks")
    checks = window.checks
    qtbot.waitUntil(lambda: checks.run is not None and not checks.is_running(), timeout=20_000)
    assert checks.scope.currentData() == "asia"
    assert {p.subject for p in checks.problems()} == {WORDING_SLUG}
    assert not target.exists() and not panel.is_exporting()
    assert not script.asked("ask_export_done")


def test_cancel_writes_nothing_and_export_anyway_writes_the_file(
    window, qtbot, script, tmp_path
) -> None:
    from docx import Document

    _alter_asia_wording(window)
    target = tmp_path / "asia.docx"
    _export_asia(window, qtbot, script, target, "Cancel")
    qtbot.waitUntil(lambda: "cancelled" in window.statusBar().currentMessage())
    assert not target.exists() and not script.asked("ask_export_done")

    _export_asia(window, qtbot, script, target, "Export Anyway")
    qtbot.waitUntil(lambda: bool(script.asked("ask_export_done")), timeout=60_000)
    summary = script.asked("ask_export_done")[0][1]
    assert "Exported with 2 unresolved problems from the checks" in summary
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert "180 trillion" in text


def test_a_clean_briefing_exports_without_asking(window, qtbot, script, tmp_path) -> None:
    _restore_six_weeks(window)  # a problem, but in charts the Asia briefing does not show
    window.go("briefing")
    panel = window.briefing
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.tree.topLevelItemCount() > 0)
    panel.set_audience("asia")
    qtbot.waitUntil(lambda: panel.audience().key == "asia")
    script.save_path = str(tmp_path / "asia.docx")
    window.actions_by_key["export_word"].trigger()
    qtbot.waitUntil(lambda: bool(script.asked("ask_export_done")), timeout=60_000)
    assert not script.asked("ask_export_with_problems")
    assert "unresolved" not in script.asked("ask_export_done")[0][1]
    assert (tmp_path / "asia.docx").exists()


def test_the_checks_before_export_judge_the_working_selection(window, qtbot, script, service, tmp_path) -> None:
    """A finding with a problem, left out of the briefing by an unsaved untick: the export writes
    the selection as ticked, so the checks judge that, and there is nothing to ask about."""
    _alter_asia_wording(window)
    window.go("briefing")
    panel = window.briefing
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.tree.topLevelItemCount() > 0)
    panel.set_audience("asia")
    qtbot.waitUntil(lambda: panel.audience().key == "asia" and panel.tree.item_for(WORDING_SLUG) is not None)
    saved = service.get_audience("asia").template
    panel.tree.item_for(WORDING_SLUG).setCheckState(0, Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: panel.is_dirty("asia"))
    script.save_path = str(tmp_path / "asia.docx")
    window.actions_by_key["export_word"].trigger()
    qtbot.waitUntil(lambda: bool(script.asked("ask_export_done")), timeout=60_000)
    assert not script.asked("ask_export_with_problems")
    assert "exported once" in script.asked("ask_export_done")[0][1]
    assert service.get_audience("asia").template == saved  # the saved template still shows the finding


def test_a_stock_phrase_shows_as_a_prose_warning_of_the_audience(window, qtbot) -> None:
    panel = _checks(window, qtbot)
    service = window.ctx.service
    f = next(f for f in service.list_findings() if f.slug == WORDING_SLUG)
    draft = f.to_draft()
    asia = draft.wordings["asia"] + (" A dual-stack default. A dual-stack default, again. Another dual-stack "
                                     "default. A dual-stack default at last.")
    saved = service.update_finding(f.id, replace(draft, wordings={**draft.wordings, "asia": asia}), f.version)
    window.ctx.events.sig_finding_saved.emit(saved)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1 and not panel.is_running(), timeout=20_000)
    [problem] = panel.problems()
    assert (problem.rule, problem.kind, problem.subject, problem.field) == ("stock-phrase", "template", "asia", "prose")
    row = [panel.model.index(0, c).data() for c in range(4)]
    assert row[0] == "Warning" and row[2] == "Prose"
    assert row[3].startswith("“dual-stack default” comes 4 times in this briefing")
    assert panel.model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == (
        "The wording repeats itself; the evidence is not in question")
