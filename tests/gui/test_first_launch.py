"""First launch and small screens: a finding ready to edit, titles a reader can tell apart at 1280×720,
an empty result that says so and clears, and dates typed as people write them."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QApplication, QStyle, QStyleOptionViewItem

from briefing.gui.findings.model import FINDING_ROLE, TITLE


def test_the_first_launch_opens_on_the_first_finding_ready_to_edit(window, qtbot) -> None:
    browser, editor = window.findings.browser, window.findings.editor
    first = browser.proxy.index(0, TITLE).data(FINDING_ROLE)
    qtbot.waitUntil(lambda: editor.finding() is not None)
    assert editor.finding().id == first.id
    assert browser.current() is not None and browser.current().id == first.id
    assert browser.view.selectionModel().isRowSelected(0)
    assert editor._heading.text() == first.title != "New finding"
    assert editor._title.text() == first.title
    assert not editor._save_button.isEnabled() and not editor.is_dirty()
    editor._title.setText(first.title + " (edited)")
    assert editor._save_button.isEnabled()


def test_a_new_finding_form_offers_save_only_once_something_is_typed(window, qtbot) -> None:
    window.findings.new_finding()
    editor = window.findings.editor
    qtbot.waitUntil(lambda: editor.finding() is None)
    assert not editor._save_button.isEnabled()
    editor._title.setText("Something")
    assert editor._save_button.isEnabled()


def _shown_title(view, index) -> str:
    """The text the table paints for a title cell: the delegate's own option, as in paint()."""
    option = QStyleOptionViewItem()
    option.rect = view.visualRect(index)
    option.widget = view
    option.font = view.font()
    option.fontMetrics = view.fontMetrics()
    option.palette = view.palette()
    view.itemDelegateForIndex(index).initStyleOption(option, index)
    return option.text


def _text_width(view, index) -> int:
    """The width the style leaves for a cell's text (its rect less the text margins)."""
    option = QStyleOptionViewItem()
    option.rect = view.visualRect(index)
    option.widget = view
    option.font = view.font()
    option.fontMetrics = view.fontMetrics()
    option.features = QStyleOptionViewItem.ViewItemFeature.HasDisplay
    option.text = "x"
    style = view.style()
    rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, view)
    return rect.width() - 2 * (style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, view) + 1)


def _visible_rows(view) -> list[int]:
    area = view.viewport().rect()
    return [r for r in range(view.model().rowCount())
            if QRect(area).intersects(view.visualRect(view.model().index(r, TITLE)))]


def test_at_1280x720_a_reader_can_tell_the_findings_apart(window, qtbot) -> None:
    window.resize(1280, 720)
    qtbot.waitUntil(lambda: window.width() == 1280)
    QApplication.processEvents()
    view = window.findings.browser.view
    rows = _visible_rows(view)
    assert len(rows) >= 10, "at least ten findings fit on the screen"
    shown = {r: _shown_title(view, view.model().index(r, TITLE)) for r in rows}
    titles = {r: view.model().index(r, TITLE).data(FINDING_ROLE).title for r in rows}
    # What is painted fits the cell (else the style cuts it again, at the end)...
    overflow = {s: view.fontMetrics().horizontalAdvance(s) - _text_width(view, view.model().index(r, TITLE))
                for r, s in shown.items()}
    assert all(excess <= 0 for excess in overflow.values()), overflow
    # ...shows enough of each title to read (it was about six characters), and no two rows alike.
    short = {t: s for r, (t, s) in enumerate(zip(titles.values(), shown.values(), strict=True))
             if len(s.replace("…", "")) < min(35, len(t))}
    assert not short, f"titles cut too short at 1280×720: {short}"
    assert len(set(shown.values())) == len(shown), f"rows that read the same: {sorted(shown.values())}"
    # A shortened title keeps its start and its end, and its tooltip holds it whole.
    for r in rows:
        if shown[r] != titles[r]:
            head, _, tail = shown[r].partition("…")
            assert titles[r].startswith(head) and titles[r].endswith(tail), shown[r]
        tip = view.model().index(r, TITLE).data(Qt.ItemDataRole.ToolTipRole)
        assert tip.startswith(titles[r])


def test_an_empty_result_says_so_and_clear_brings_the_findings_back(window, qtbot) -> None:
    browser = window.findings.browser
    total = browser.model.rowCount()
    qtbot.keyClicks(browser.search, "quokka zebrafish")
    qtbot.waitUntil(lambda: browser.model.rowCount() == 0)
    qtbot.waitUntil(lambda: browser.empty.isVisible())
    assert browser.empty_text.text() == "No findings match “quokka zebrafish”."
    assert browser.clear_button.text() == "Clear the search" and browser.clear_button.isVisible()
    assert not browser.view.isVisible()
    qtbot.mouseClick(browser.clear_button, Qt.MouseButton.LeftButton)
    assert browser.search.text() == ""
    qtbot.waitUntil(lambda: browser.model.rowCount() == total)
    assert browser.view.isVisible() and not browser.empty.isVisible()

    # Filters alone can empty the table too (the seed has no overview target); the button then
    # clears them.
    browser.section.setCurrentIndex(browser.section.findData("overview"))
    browser.kind.setCurrentIndex(browser.kind.findData("target"))
    qtbot.waitUntil(lambda: browser.empty.isVisible())
    assert browser.model.rowCount() == 0
    assert browser.empty_text.text() == "No findings match these filters."
    assert browser.clear_button.text() == "Clear the filters"
    qtbot.mouseClick(browser.clear_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: browser.model.rowCount() == total)
    assert browser.section.currentIndex() == 0 and browser.kind.currentIndex() == 0
    assert browser.view.isVisible() and not browser.empty.isVisible()


def test_as_of_accepts_a_month_name_in_the_form(window, qtbot, service) -> None:
    editor = window.findings.editor
    qtbot.waitUntil(lambda: editor.finding() is not None)
    finding = editor.finding()
    editor._as_of.setText("March 2026")
    editor.save()
    qtbot.waitUntil(lambda: service.get_finding(finding.id).version == finding.version + 1)
    assert service.get_finding(finding.id).as_of == date(2026, 3, 1)
    assert editor.field_error("as_of") == ""


def test_a_source_accepts_month_names_for_its_dates(window, qtbot, service) -> None:
    window.go("sources")
    panel = window.sources
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0)
    panel.view.selectRow(0)
    qtbot.waitUntil(lambda: panel.current() is not None)
    source = panel.current()
    panel.fields["published"].setText("Mar 2026")
    panel.fields["accessed"].setText("5 April 2026")
    panel.save()
    qtbot.waitUntil(lambda: service.get_source(source.id).published == date(2026, 3, 1))
    assert service.get_source(source.id).accessed == date(2026, 4, 5)


def test_the_briefing_tree_keeps_the_start_and_end_of_long_titles(window, qtbot) -> None:
    window.resize(1280, 720)
    window.go("briefing")
    tree = window.briefing.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() > 0, timeout=30_000)
    QApplication.processEvents()
    items = [tree.topLevelItem(0).child(i) for i in range(tree.topLevelItem(0).childCount())]
    shortened = 0
    for item in items:
        index = tree.indexFromItem(item, 0)
        shown = _shown_title(tree, index)
        assert tree.fontMetrics().horizontalAdvance(shown) <= _text_width(tree, index) + 1, shown
        if shown != item.text(0):
            shortened += 1
            head, _, tail = shown.partition("…")
            assert item.text(0).startswith(head) and item.text(0).endswith(tail) and tail, shown
        assert item.toolTip(0).startswith(item.text(0))
    assert shortened, "at 1280×720 some titles are too long for the tree and are shortened"


def test_results_that_land_while_another_screen_is_shown_replace_the_empty_message(window, qtbot) -> None:
    browser = window.findings.browser
    total = browser.model.rowCount()
    qtbot.keyClicks(browser.search, "quokka zebrafish")
    qtbot.waitUntil(lambda: browser.empty.isVisible())
    window.go("sources")
    browser.search.clear()
    browser.refresh()
    qtbot.waitUntil(lambda: browser.model.rowCount() == total)
    window.go("findings")
    assert browser.view.isVisible() and not browser.empty.isVisible()
