"""The chart form's axis range and colour per series, driven through the real window: typed, checked
(under the form, naming the field), drawn in the live preview and saved in the chart spec."""

from __future__ import annotations

from matplotlib.colors import to_hex
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QColorDialog, QMenu

from briefing.gui.charts.panel import _KEY_ROLE

PURPLE = "#CC79A7"  # the house palette's reddish purple: offered first, and 3:1 on white


def _charts(window, qtbot):
    window.go("charts")
    panel = window.charts
    qtbot.waitUntil(lambda: panel.figure() is not None, timeout=30_000)
    qtbot.waitUntil(lambda: panel.current_spec().key == "china-daily-tokens", timeout=30_000)
    return panel


def _line_colours(figure) -> set[str]:
    from matplotlib.lines import Line2D

    return {to_hex(a.get_color()).upper() for a in figure.findobj(Line2D)}


def _pick_from_menu(qtbot, button, text: str) -> None:
    def answer() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        next(a for a in menu.actions() if a.text() == text).trigger()
        menu.close()

    QTimer.singleShot(50, answer)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_the_axis_range_is_checked_under_the_form_and_saved(window, qtbot, service) -> None:
    panel = _charts(window, qtbot)
    initial = panel.figure()
    panel.y_min.setText("lots")
    panel.save()
    assert "Axis from: “lots” is not a number" in panel.error.text()
    assert service.get_chart("china-daily-tokens").option("y_min") is None

    panel.y_min.setText("0")  # the chart is on a log scale
    panel.save()
    qtbot.waitUntil(lambda: "options.y_min" in panel.error.text(), timeout=10_000)
    assert "must be above zero on a log scale" in panel.error.text()

    panel.y_min.setText("1e12")
    panel.y_max.setText("1000000000000000")

    def ticks() -> set[str]:
        return {t.get_text() for t in panel.figure().texts}

    # The axis reaches 10^15: a tick says so (a render of an earlier edit may land first: wait for it).
    qtbot.waitUntil(lambda: "1,000T" in ticks(), timeout=30_000)
    assert "1,000T" not in {t.get_text() for t in initial.texts}
    panel.save()
    qtbot.waitUntil(lambda: service.get_chart("china-daily-tokens").option("y_max") == 10**15, timeout=10_000)
    assert service.get_chart("china-daily-tokens").option("y_min") == 10**12
    qtbot.waitUntil(lambda: not window.ops.active())
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: service.get_chart("china-daily-tokens").option("y_max") is None, timeout=10_000)


def test_a_series_colour_is_picked_from_the_palette_drawn_and_saved(window, qtbot, service, script) -> None:
    panel = _charts(window, qtbot)
    assert panel.series.currentItem().data(_KEY_ROLE) == "china-daily-tokens"
    button = panel.colour
    assert button.accessibleName() == f"Colour of {panel.series.currentItem().text()}"
    assert PURPLE not in _line_colours(panel.figure())
    _pick_from_menu(qtbot, button, PURPLE)
    assert button.colour() == PURPLE and panel.is_dirty()
    qtbot.waitUntil(lambda: PURPLE in _line_colours(panel.figure()), timeout=30_000)
    panel.save()
    qtbot.waitUntil(lambda: bool(service.get_chart("china-daily-tokens").option("colours")), timeout=10_000)
    assert dict(service.get_chart("china-daily-tokens").option("colours")) == {"china-daily-tokens": PURPLE}
    qtbot.waitUntil(lambda: not panel.is_dirty(), timeout=10_000)  # the saved chart is shown again
    assert button.colour() == PURPLE
    assert not panel.series.currentItem().icon().isNull()  # the row shows its swatch

    # Any other colour goes through the colour dialog; one too light to see is refused by name.
    def answer_dialog(dialog: QColorDialog) -> None:
        dialog.setCurrentColor("#F0E442")
        dialog.accept()

    script.fill["QColorDialog"] = answer_dialog
    _pick_from_menu(qtbot, button, "Other Colour…")
    qtbot.waitUntil(lambda: button.colour() == "#F0E442", timeout=10_000)
    qtbot.waitUntil(lambda: not window.ops.active())
    panel.save()
    qtbot.waitUntil(lambda: "options.colours.china-daily-tokens" in panel.error.text(), timeout=10_000)
    assert "too light" in panel.error.text()
    assert dict(service.get_chart("china-daily-tokens").option("colours")) == {"china-daily-tokens": PURPLE}
