"""Keyboard and screen-reader access on every screen: the tab chain, mnemonics, accessible names,
the search box's way into its results, and check boxes that can be seen in light and dark palettes."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible, QColor, QImage, QPalette
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenuBar,
    QTreeWidget,
    QWidget,
)

SCREENS = ("findings", "sources", "charts", "briefing", "checks")
TAB_LIMIT = 80  # far more stops than any screen has: a walk this long is stuck somewhere
LOAD_TIMEOUT = 30_000  # a chart preview renders in the background; slow on a shared, loaded machine


def _activate(window, qtbot) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def _on_screen(window, qtbot, key: str):
    window.go(key)
    panel = window.stack.currentWidget()
    qtbot.waitUntil(lambda: not window.ops.active(), timeout=LOAD_TIMEOUT)
    if key == "charts":
        qtbot.waitUntil(lambda: window.charts.list.count() > 0, timeout=LOAD_TIMEOUT)
        window.charts.list.setCurrentRow(0)
    if key == "sources":
        qtbot.waitUntil(lambda: window.sources.model.rowCount() > 0, timeout=LOAD_TIMEOUT)
        window.sources.view.selectRow(0)
    if key == "briefing":
        qtbot.waitUntil(lambda: window.briefing.audience() is not None, timeout=LOAD_TIMEOUT)
    qtbot.waitUntil(lambda: not window.ops.active(), timeout=LOAD_TIMEOUT)
    return panel


def _focusable(root: QWidget) -> Iterator[QWidget]:
    """Every widget under `root` a keyboard user must be able to reach with Tab."""
    for w in root.findChildren(QWidget):
        if (
            w.isVisibleTo(root.window())
            and w.isEnabled()
            and w.focusPolicy() & Qt.FocusPolicy.TabFocus
            and w.focusProxy() is None
            and not isinstance(w.parentWidget(), QMenuBar)
        ):
            yield w


def _walk(start: QWidget, backwards: bool = False) -> list[QWidget]:
    """Press Tab (or Shift+Tab) from `start` until focus comes back; fail if it sticks or wanders."""
    chain = [start]
    for _ in range(TAB_LIMIT):
        here = QApplication.focusWidget()
        modifier = Qt.KeyboardModifier.ShiftModifier if backwards else Qt.KeyboardModifier.NoModifier
        QTest.keyClick(here, Qt.Key.Key_Backtab if backwards else Qt.Key.Key_Tab, modifier)
        now = QApplication.focusWidget()
        assert now is not here, f"Tab is stuck in {_name(here)} after {[_name(w) for w in chain]}"
        if now is start:
            return chain
        assert now not in chain, f"Tab loops without coming back: {[_name(w) for w in [*chain, now]]}"
        chain.append(now)
    raise AssertionError(f"no way back to the start in {TAB_LIMIT} presses: {[_name(w) for w in chain]}")


def _name(w: QWidget | None) -> str:
    if w is None:
        return "None"
    return f"{type(w).__name__}({_accessible_name(w)!r})"


def _accessible_name(w: QWidget) -> str:
    """What a screen reader announces for the widget."""
    iface = QAccessible.queryAccessibleInterface(w)
    return iface.text(QAccessible.Text.Name) if iface is not None else ""


def _plain(label: str) -> str:
    return label.replace("&&", "\0").replace("&", "").replace("\0", "&")


@pytest.mark.parametrize("key", SCREENS)
def test_tab_walks_every_screen_reaching_every_input_and_never_sticks(window, qtbot, key) -> None:
    panel = _on_screen(window, qtbot, key)
    _activate(window, qtbot)
    window.nav.setFocus(Qt.FocusReason.TabFocusReason)
    assert QApplication.focusWidget() is window.nav, "the sidebar takes keyboard focus"
    forwards = _walk(window.nav)
    expected = [window.nav, *_focusable(panel)]
    missing = [_name(w) for w in expected if w not in forwards]
    assert not missing, f"Tab never reaches {missing} on the {key} screen"
    assert _walk(window.nav, backwards=True)
    # Every stop has a name a screen reader can say.
    unnamed = [_name(w) for w in forwards if not _accessible_name(w).strip()]
    assert not unnamed, f"no accessible name: {unnamed}"
    # Tables are one stop each, not one stop per cell.
    views = [w for w in forwards if isinstance(w, QAbstractItemView)]
    assert views and all(not v.tabKeyNavigation() for v in views)


def test_the_sidebar_is_reached_by_tab_and_switches_screens_with_the_arrows(window, qtbot) -> None:
    _activate(window, qtbot)
    window.findings.browser.search.setFocus()
    for _ in range(TAB_LIMIT):
        if QApplication.focusWidget() is window.nav:
            break
        QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is window.nav
    assert _accessible_name(window.nav) == "Screens"
    QTest.keyClick(window.nav, Qt.Key.Key_Down)
    assert window.current_page() == "sources" and window.stack.currentWidget() is window.sources


@pytest.mark.parametrize("modifier", [Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ControlModifier])
def test_tab_and_ctrl_tab_leave_every_table_after_one_stop(window, qtbot, modifier) -> None:
    tables = {"findings": window.findings.browser.view, "metrics": window.findings.editor._metrics_view}
    _on_screen(window, qtbot, "sources")
    tables["sources"] = window.sources.view
    for screen, view in tables.items():
        _on_screen(window, qtbot, "sources" if screen == "sources" else "findings")
        _activate(window, qtbot)
        view.setFocus()
        view.setCurrentIndex(view.model().index(0, 0))
        QTest.keyClick(view, Qt.Key.Key_Tab, modifier)
        assert QApplication.focusWidget() is not view, f"Tab stays in the {screen} table"
        view.setFocus()
        QTest.keyClick(view, Qt.Key.Key_Backtab, modifier | Qt.KeyboardModifier.ShiftModifier)
        assert QApplication.focusWidget() is not view, f"Shift+Tab stays in the {screen} table"


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Down])
def test_enter_or_down_in_the_search_box_moves_into_the_results(window, qtbot, service, key) -> None:
    browser = window.findings.browser
    _activate(window, qtbot)
    browser.focus_search()
    qtbot.keyClicks(browser.search, "Huawei")
    QTest.keyClick(browser.search, key)  # at once: the query may still be on its way
    expected = service.list_findings(search="Huawei", order="report")
    qtbot.waitUntil(lambda: QApplication.focusWidget() is browser.view)
    qtbot.waitUntil(lambda: browser.model.rowCount() == len(expected))
    current = browser.view.currentIndex()
    assert current.isValid() and current.row() == 0
    assert browser.view.selectionModel().isRowSelected(0)
    qtbot.waitUntil(lambda: window.findings.editor.finding() is not None
                    and window.findings.editor.finding().id == browser.proxy.index(0, 0).data(
                        Qt.ItemDataRole.UserRole + 1).id)
    # Up from the first row goes back to the search box.
    QTest.keyClick(browser.view, Qt.Key.Key_Up)
    assert QApplication.focusWidget() is browser.search


EDITOR_NAMES = {
    "_title": "Title",
    "_statement": "Statement",
    "_section": "Section",
    "_kind": "Claim kind",
    "_tags": "Tags",
    "_as_of": "As of",
    "_metrics_view": "Metrics",
}


def test_the_editors_inputs_are_named_after_their_labels(window, qtbot) -> None:
    editor = window.findings.editor
    for attr, name in EDITOR_NAMES.items():
        widget = getattr(editor, attr)
        assert widget.accessibleName() == name, attr
        if not isinstance(widget, QComboBox):  # on Linux a combo box says its value; the label is a relation
            assert _accessible_name(widget) == name, attr
    assert editor._sources.checklist.accessibleName() == "Sources"
    assert editor._sources.filter.accessibleName() == "Filter sources"
    for audience, edit in editor._wording_edits.items():
        assert edit.accessibleName().startswith("Wording for "), audience


@pytest.mark.parametrize("key", SCREENS)
def test_every_mnemonic_moves_focus_to_its_input(window, qtbot, key) -> None:
    panel = _on_screen(window, qtbot, key)
    _activate(window, qtbot)
    labels = [
        lab for lab in panel.findChildren(QLabel)
        if lab.isVisibleTo(window) and re.search(r"&[^&]", lab.text())
    ]
    if key in ("findings", "sources", "charts"):
        assert labels, f"the {key} screen's form has no mnemonics"
    menu_letters = {re.search(r"&(\w)", a.text())[1].lower() for a in window.menuBar().actions()}
    letters: dict[str, str] = {}
    for label in labels:
        letter = re.search(r"&([^&])", label.text())[1].lower()
        assert letter not in menu_letters, f"{label.text()!r} takes Alt+{letter} from the menu bar"
        assert letter not in letters, f"{label.text()!r} and {letters[letter]!r} share Alt+{letter}"
        letters[letter] = label.text()
        buddy = label.buddy()
        assert buddy is not None and buddy.focusPolicy() & Qt.FocusPolicy.TabFocus, label.text()
        assert buddy.accessibleName() == _plain(label.text()), label.text()
        window.findings.browser.search.setFocus() if key == "findings" else window.nav.setFocus()
        QTest.keyClick(QApplication.focusWidget(), getattr(Qt.Key, f"Key_{letter.upper()}"),
                       Qt.KeyboardModifier.AltModifier)
        focus = QApplication.focusWidget()
        assert focus is buddy or (focus is not None and buddy.isAncestorOf(focus)), (
            f"Alt+{letter} ({label.text()!r}) put focus on {_name(focus)}, not {_name(buddy)}")


@pytest.mark.parametrize("key", SCREENS)
def test_icon_only_buttons_have_names(window, qtbot, key) -> None:
    panel = _on_screen(window, qtbot, key)
    icon_only = [b for b in panel.findChildren(QAbstractButton)
                 if not b.text() and not b.icon().isNull()
                 and not isinstance(b.parentWidget(), QLineEdit)]  # a line edit's own clear/search icons
    if key in ("findings", "sources", "briefing"):
        assert icon_only, f"the {key} screen has icon-only buttons to check"
    for button in icon_only:
        assert button.accessibleName() and button.accessibleName() == _accessible_name(button), button.toolTip()


# ---- Check boxes in light and dark palettes
def _luminance(c: QColor) -> float:
    def channel(v: int) -> float:
        s = v / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.red()) + 0.7152 * channel(c.green()) + 0.0722 * channel(c.blue())


def _contrast(a: QColor, b: QColor) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _indicator_contrast(view: QAbstractItemView, index) -> float:
    """The strongest contrast between any pixel of the unticked box and the view's background."""
    view.clearSelection()
    view.scrollTo(index)
    QApplication.processEvents()
    rect = view.visualRect(index)
    width = view.style().pixelMetric(view.style().PixelMetric.PM_IndicatorWidth) + 8
    image: QImage = view.viewport().grab(rect.adjusted(0, 0, width - rect.width(), 0)).toImage()
    background = view.palette().color(QPalette.ColorRole.Base)
    return max(
        _contrast(image.pixelColor(x, y), background)
        for x in range(image.width())
        for y in range(image.height())
    )


def _dark_palette() -> QPalette:
    p = QPalette()
    for role, color in (
        (QPalette.ColorRole.Window, "#202124"), (QPalette.ColorRole.WindowText, "#e8eaed"),
        (QPalette.ColorRole.Base, "#17181a"), (QPalette.ColorRole.AlternateBase, "#1f2023"),
        (QPalette.ColorRole.Text, "#e8eaed"), (QPalette.ColorRole.Button, "#2a2b2e"),
        (QPalette.ColorRole.ButtonText, "#e8eaed"), (QPalette.ColorRole.Highlight, "#3b78e7"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"), (QPalette.ColorRole.PlaceholderText, "#9aa0a6"),
    ):
        p.setColor(role, QColor(color))
    return p


@pytest.fixture(params=["light", "dark"])
def fusion(request, qapp) -> Iterator[str]:
    """The app's own style (as create_application sets it) over Fusion, in a light or dark palette."""
    from briefing.gui.app import create_application

    old_palette = QApplication.palette()
    old_style = qapp.style().name()
    QApplication.setStyle("Fusion")
    app = create_application()
    assert app is qapp
    QApplication.setPalette(_dark_palette() if request.param == "dark" else QApplication.style().standardPalette())
    yield request.param
    QApplication.setStyle(old_style)
    QApplication.setPalette(old_palette)


def test_unticked_check_boxes_are_clearly_visible(fusion, window, qtbot) -> None:
    """WCAG asks 3:1 for the outline of a control; Fusion's dark outline was about 1.1:1.
    (`fusion` comes first: the palette is in place before the window is built, as at a real start.)"""
    _on_screen(window, qtbot, "briefing")
    tree: QTreeWidget = window.briefing.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() > 0)
    child = tree.topLevelItem(0).child(0)
    child.setCheckState(0, Qt.CheckState.Unchecked)
    checks = {"briefing tree": _indicator_contrast(tree, tree.indexFromItem(child, 0))}

    _on_screen(window, qtbot, "charts")
    series: QListWidget = window.charts.series
    unticked = next(series.item(i) for i in range(series.count())
                    if series.item(i).checkState() == Qt.CheckState.Unchecked)
    checks["chart series"] = _indicator_contrast(series, series.indexFromItem(unticked))

    _on_screen(window, qtbot, "findings")
    picker: QListWidget = window.findings.editor._sources.checklist
    unticked = next(picker.item(i) for i in range(picker.count())
                    if picker.item(i).checkState() == Qt.CheckState.Unchecked)
    checks["sources picker"] = _indicator_contrast(picker, picker.indexFromItem(unticked))
    faint = {name: round(c, 2) for name, c in checks.items() if c < 3.0}
    assert not faint, f"faint unticked boxes in the {fusion} palette: {faint}"


def test_the_preferences_dialog_has_working_mnemonics_and_names(qtbot, settings) -> None:
    from briefing.gui.preferences import PreferencesDialog

    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    for letter, field, name in ((Qt.Key.Key_A, dialog.author, "Author name"),
                                (Qt.Key.Key_E, dialog.folder, "Default export folder"),
                                (Qt.Key.Key_D, dialog.delay, "Preview delay")):
        assert field.accessibleName() == name
        QTest.keyClick(QApplication.focusWidget() or dialog, letter, Qt.KeyboardModifier.AltModifier)
        focus = QApplication.focusWidget()
        assert focus is field or field.isAncestorOf(focus), name
    dialog.reject()
