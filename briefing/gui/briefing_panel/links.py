"""Which finding a number in the preview belongs to: the PDF's number links, and where a click lands on a page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QRectF, QSizeF
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView


@dataclass(frozen=True)
class NumberLink:
    """A number's link: its rectangle in page points (top-left origin, as Qt measures) and its finding."""

    rect: QRectF
    finding: str


def number_links(path: Path) -> dict[int, list[NumberLink]]:
    """Every number link of the PDF at `path`, by page index. The writer describes each one as
    "Reference [n] for finding SLUG" (`writers.pdf.markup.link_description`), since a link's target
    is only a page position. Run off the GUI thread: pypdf reads every page's annotations."""
    from pypdf import PdfReader

    from briefing.document.links import link_finding

    out: dict[int, list[NumberLink]] = {}
    reader = PdfReader(str(path))
    for index, page in enumerate(reader.pages):
        height = float(page.mediabox.height)
        for ref in page.get("/Annots", []) or []:
            annot = ref.get_object()
            slug = link_finding(str(annot.get("/Contents", "")))
            if slug is None or annot.get("/Subtype") != "/Link":
                continue
            x0, y0, x1, y1 = (float(v) for v in annot["/Rect"])
            rect = QRectF(min(x0, x1), height - max(y0, y1), abs(x1 - x0), abs(y1 - y0))
            out.setdefault(index, []).append(NumberLink(rect, slug))
    return out


def page_geometries(view: QPdfView, document: QPdfDocument) -> list[QRectF]:
    """Each page's place in the view's viewport (pixels), laid out as QPdfView lays out its
    multi-page mode: pages stacked below the top margin `pageSpacing` apart, each centred, scaled
    to the width (FitToWidth), to fit (FitInView) or by the zoom factor at the screen's
    resolution (Custom); then moved by the scroll bars."""
    margins = view.documentMargins()
    viewport = view.viewport().size()
    dpi = view.logicalDpiY() / 72.0
    sizes: list[QSizeF] = []
    for page in range(document.pageCount()):
        points = document.pagePointSize(page)
        if view.zoomMode() == QPdfView.ZoomMode.FitToWidth:
            scale = (viewport.width() - margins.left() - margins.right()) / max(points.width(), 1)
        elif view.zoomMode() == QPdfView.ZoomMode.FitInView:
            scale = min((viewport.width() - margins.left() - margins.right()) / max(points.width(), 1),
                        (viewport.height() - margins.top() - margins.bottom()) / max(points.height(), 1))
        else:
            scale = view.zoomFactor() * dpi
        sizes.append(QSizeF(int(points.width() * scale), int(points.height() * scale)))
    total = max((s.width() for s in sizes), default=0) + margins.left() + margins.right()
    dx, dy = view.horizontalScrollBar().value(), view.verticalScrollBar().value()
    out: list[QRectF] = []
    y = float(margins.top())
    for size in sizes:
        x = int((max(total, viewport.width()) - size.width()) / 2)
        out.append(QRectF(QPointF(x - dx, y - dy), size))
        y += size.height() + view.pageSpacing()
    return out


def finding_at(view: QPdfView, document: QPdfDocument, links: Mapping[int, Sequence[NumberLink]],
               pos: QPoint) -> str | None:
    """The finding of the number under `pos` (viewport pixels), or None."""
    if view.pageMode() != QPdfView.PageMode.MultiPage:
        return None  # the preview always shows every page; single-page layout is not mapped
    for page, box in enumerate(page_geometries(view, document)):
        if not box.contains(QPointF(pos)):
            continue
        points = document.pagePointSize(page)
        scale = box.width() / max(points.width(), 1)
        at = QPointF((pos.x() - box.left()) / scale, (pos.y() - box.top()) / scale)
        # A hair of slack: the link boxes hug the glyphs.
        return next((link.finding for link in links.get(page, ()) if link.rect.adjusted(-1, -1, 1, 1).contains(at)),
                    None)
    return None
