"""Going from a problem to what it is about: the finding in its editor, the chart, the audience."""

from __future__ import annotations

from typing import TYPE_CHECKING

from briefing.checks import Problem

if TYPE_CHECKING:
    from briefing.gui.findings.panel import FindingsPanel
    from briefing.gui.main_window import MainWindow


def open_problem(window: MainWindow, problem: Problem, finding_id: int) -> None:
    """Switch to the screen that edits the problem's subject and select it there."""
    if problem.kind == "finding" and window.findings is not None and finding_id:
        window.go("findings")
        show_finding(window.findings, finding_id)
    elif problem.kind == "chart" and window.charts is not None:
        window.go("charts")
        window.charts.select_key(problem.subject)
    elif problem.kind == "template" and window.briefing is not None:
        window.go("briefing")
        window.briefing.set_audience(problem.subject)


def show_finding(panel: FindingsPanel, finding_id: int) -> None:
    """Select the finding in the table, so the editor loads it (asking first about unsaved edits).
    A search or filter that hides it is cleared first: the user asked for this finding."""
    browser = panel.browser
    if browser.model.row_of(finding_id) >= 0:
        browser.select_id(finding_id)
        browser.view.setFocus()
        return

    def loaded(_count: int) -> None:
        browser.sig_loaded.disconnect(loaded)
        browser.select_id(finding_id)
        browser.view.setFocus()

    for combo in (browser.section, browser.audience, browser.kind):
        combo.blockSignals(True)
        combo.setCurrentIndex(0)
        combo.blockSignals(False)
    browser.search.blockSignals(True)
    browser.search.clear()
    browser.search.blockSignals(False)
    browser.sig_loaded.connect(loaded)
    browser.refresh()
