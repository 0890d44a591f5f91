"""Clicking a number in the Briefing screen's preview selects its finding: the real preview PDF,
its number links read back, a real click on the viewport where the page shows the number."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt

from briefing.gui.briefing_panel.links import page_geometries
from briefing.gui.briefing_panel.tree import SLUG_ROLE


def _ready(window, qtbot, key: str = "asia"):  # type: ignore[no-untyped-def]
    window.go("briefing")
    panel = window.briefing
    qtbot.waitUntil(lambda: panel.audience() is not None and panel.tree.topLevelItemCount() > 0)
    panel.set_audience(key)
    qtbot.waitUntil(lambda: panel.audience().key == key)
    qtbot.waitUntil(lambda: panel.preview_status.text() == "Up to date" and panel.pdf.pageCount() > 0,
                    timeout=90_000)
    return panel


def _dark(image, rect) -> int:  # type: ignore[no-untyped-def]
    """How many pixels inside `rect` (viewport pixels) are dark: glyphs, not the white page."""
    r = rect.toRect()
    return sum(image.pixelColor(x, y).lightness() < 160
               for x in range(max(r.left(), 0), min(r.right(), image.width()))
               for y in range(max(r.top(), 0), min(r.bottom(), image.height())))


def test_clicking_a_number_in_the_preview_selects_its_finding(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    panel = _ready(window, qtbot)
    links = panel._number_links
    assert sum(len(v) for v in links.values()) >= 40
    in_tree = set(panel.tree.slugs())
    page, link = next((p, x) for p in sorted(links) for x in links[p] if x.finding in in_tree)
    view = panel.pdf_view
    view.pageNavigator().jump(page, QPointF(), 0)
    qtbot.waitUntil(lambda: view.pageNavigator().currentPage() == page)
    qtbot.wait(50)

    # The page layout the click is mapped through matches what the view paints: white page inside
    # the computed box, the window's background just left of it, glyphs under the number's box.
    box = page_geometries(view, panel.pdf)[page]
    image = view.viewport().grab().toImage()
    inside = QPoint(int(box.left()) + 3, max(int(box.top()), 0) + 3)
    outside = QPoint(int(box.left()) - 3, inside.y())
    assert image.pixelColor(inside).lightness() > 245
    assert image.pixelColor(outside).lightness() < 245
    scale = box.width() / panel.pdf.pagePointSize(page).width()
    on_screen = QRectF(box.left() + link.rect.left() * scale, box.top() + link.rect.top() * scale,
                       link.rect.width() * scale, link.rect.height() * scale)
    assert _dark(image, on_screen) > 10

    # Start from another finding; a click on the number selects the number's own.
    other = next(s for s in panel.tree.slugs() if s != link.finding)
    panel.tree.setCurrentItem(panel.tree.item_for(other))
    with qtbot.waitSignal(panel.sig_number_clicked, timeout=2000) as clicked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=on_screen.center().toPoint())
    assert clicked.args == [link.finding]
    assert panel.tree.currentItem().data(0, SLUG_ROLE) == link.finding
    qtbot.wait(100)
    assert view.pageNavigator().currentPage() == page  # the click did not follow the link away

    # A click on the page's blank margin selects nothing.
    panel.tree.setCurrentItem(panel.tree.item_for(other))
    with qtbot.assertNotEmitted(panel.sig_number_clicked, wait=200):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=inside)
    assert panel.tree.currentItem().data(0, SLUG_ROLE) == other
