"""The PDF page template: cover and body frames, running header and footer, and the forms filled at the end."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from briefing.document import Document
from briefing.writers.pdf.flowables import Float, HeadingPara, LateForms
from briefing.writers.pdf.fonts import REPLACEMENT
from briefing.writers.pdf.memo import Para
from briefing.writers.pdf.styles import Styles
from briefing.writers.text import visual_order, xml_safe


class LateFormCanvas(Canvas):
    """A canvas that runs `before_save` just before it writes the file.

    The page count and the contents' page numbers are known only when the last page is done;
    pages show them as forms, defined here, after the build and before the save. Passed to
    `BaseDocTemplate.build` as its documented `canvasmaker`.
    """

    before_save: Callable[[], None] | None = None

    def save(self) -> None:
        if self.before_save is not None:
            hook, self.before_save = self.before_save, None
            hook()
        super().save()


class BriefingTemplate(BaseDocTemplate):
    """Cover and body pages with their furniture; the forms only the build's end can fill."""

    def __init__(self, buf: io.BytesIO, *, doc: Document, styles: Styles, report: Callable[[float, str], None],
                 check: Callable[[], None], flowable_count: int, late: LateForms, pagesize: tuple[float, float],
                 **kw: Any) -> None:
        self.briefing = doc
        self.styles = styles
        self.report = report
        self.check = check
        self.late = late
        self.flowable_count = max(flowable_count, 1)
        self.last_page = 0
        self.flowables_seen = 0
        super().__init__(buf, pagesize=pagesize, **kw)
        self._make_templates()

    def _make_templates(self) -> None:
        w, h = self.pagesize
        lm, rm, tm, bm = self.leftMargin, self.rightMargin, self.topMargin, self.bottomMargin
        band_top = h - 20 * mm
        band_bottom = h * 0.47
        cover_band = Frame(lm, band_bottom + 14 * mm, w - lm - rm, band_top - band_bottom - 30 * mm,
                           id="band", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        cover_body = Frame(lm, bm + 10 * mm, w - lm - rm, band_bottom - bm - 26 * mm, id="cover-body",
                           leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
        body = Frame(lm, bm, w - lm - rm, h - tm - bm, id="body", leftPadding=0, rightPadding=0,
                     topPadding=0, bottomPadding=0)
        self.addPageTemplates([
            PageTemplate(id="cover", frames=[cover_band, cover_body], onPage=self._cover_page),
            PageTemplate(id="body", frames=[body], onPage=self._body_page),
        ])

    def beforeDocument(self) -> None:
        d = self.briefing.meta.date
        if d is not None:
            # invariant=1 fixes every date to 2000-01-01; the briefing's own date is more honest.
            stamp = f"D:{d.year:04d}{d.month:02d}{d.day:02d}000000+00'00'"
            self.canv.setDateFormatter(lambda *_: stamp)
        if isinstance(self.canv, LateFormCanvas):
            self.canv.before_save = self._define_late_forms

    def handle_flowable(self, flowables: list[Flowable]) -> None:
        """Let a Float that does not fit the rest of the page wait behind the paragraphs after it.

        reportlab's KeepTogether moves a figure whole to the next page and leaves the rest of this
        one blank; a research report floats it instead. Only plain paragraphs (not headings) may
        overtake, so a float never leaves its section. `Frame._y`/`_y1p` (the pen and the frame's
        floor) are reportlab privates, checked by tests/test_library_privates.py.
        """
        f = flowables[0]
        if isinstance(f, Float) and len(flowables) > 1 and movable(flowables[1]):
            frame: Any = self.frame  # types-reportlab leaves the pen and the floor out
            room = frame._y - frame._y1p
            need = f.content_height(self.canv, frame._width, frame._height)
            if room < need <= frame._height:
                flowables[0], flowables[1] = flowables[1], f
        super().handle_flowable(flowables)

    def afterPage(self) -> None:
        self.last_page = self.page

    def afterFlowable(self, flowable: Flowable) -> None:
        self.flowables_seen += 1
        self.check()  # cooperative cancel, between every two flowables
        if self.flowables_seen % 8 == 0:
            done = min(self.flowables_seen / self.flowable_count, 1.0)
            self.report(0.5 + 0.45 * done, "Laying out pages")

    def _define_late_forms(self) -> None:
        c = self.canv
        st = self.styles
        c.beginForm("page-count", 0, -2, 40, 10)
        c.setFont(st.fonts.regular, 7.5)
        c.setFillColor(st.muted)
        c.drawString(0, 0, str(self.last_page))
        c.endForm()
        for name, width, height, slots in self.late.contents_forms:
            c.beginForm(name, 0, 0, width, height)
            c.setFillColor(st.ink)
            for key, baseline, font, size in slots:
                page = self.late.pages.get(key)
                if page is not None:
                    c.setFont(font, size)
                    c.drawRightString(width, baseline, str(page))
            c.endForm()

    # -- page furniture

    def _cover_page(self, c: Any, _doc: Any) -> None:
        st = self.styles
        w, h = self.pagesize
        c.saveState()
        band_bottom = h * 0.47
        c.setFillColor(st.accent)
        c.rect(0, band_bottom, w, h - band_bottom, stroke=0, fill=1)
        # A darker foot on the band gives the cover its weight without a second colour.
        c.setFillColor(colors.Color(0, 0, 0, alpha=0.18))
        c.rect(0, band_bottom, w, 5 * mm, stroke=0, fill=1)
        c.setFillColor(st.accent)
        c.rect(self.leftMargin, self.bottomMargin - 2, 18 * mm, 2.2, stroke=0, fill=1)
        meta = self.briefing.meta
        # The export date appears only here, as when the file was made; the content is dated by
        # the edition and "Data as of" above.
        footer = " · ".join(p for p in (meta.publisher, meta.generated_text) if p)
        draw_mixed(c, st, self.leftMargin, self.bottomMargin - 14, footer, 8, st.muted, w - 2 * self.leftMargin)
        c.restoreState()

    def _body_page(self, c: Any, _doc: Any) -> None:
        st = self.styles
        w, h = self.pagesize
        meta = self.briefing.meta
        lm, rm = self.leftMargin, self.rightMargin
        c.saveState()
        top = h - self.topMargin + 10 * mm
        right = meta.audience_name
        right_w = mixed_width(st, right, 7.5) if right else 0
        draw_mixed(c, st, lm, top, meta.title, 7.5, st.muted, w - lm - rm - right_w - 12)
        if right:
            draw_mixed(c, st, w - rm - right_w, top, right, 7.5, st.accent, right_w + 1)
        c.setStrokeColor(st.rule)
        c.setLineWidth(0.5)
        c.line(lm, top - 5, w - rm, top - 5)
        bottom = self.bottomMargin - 10 * mm
        c.setFillColor(st.accent)
        c.rect(lm, bottom + 9, 10 * mm, 1.6, stroke=0, fill=1)
        footer = meta.dateline
        # "Page x of " now; the total is a form defined when the build ends (see _endBuild).
        page_text = f"Page {self.page} of "
        reserve = stringWidth("00", st.fonts.regular, 7.5)
        pw = stringWidth(page_text, st.fonts.regular, 7.5)
        draw_mixed(c, st, lm, bottom, footer, 7.5, st.muted, w - lm - rm - pw - reserve - 12)
        c.setFont(st.fonts.regular, 7.5)
        c.setFillColor(st.muted)
        x = w - rm - reserve - pw
        c.drawString(x, bottom, page_text)
        c.translate(x + pw, bottom)
        c.doForm("page-count")
        c.restoreState()


def movable(f: Flowable) -> bool:
    """May `f` be set before a float that waits? Body paragraphs may; headings and breaks may not."""
    return isinstance(f, Para) and not isinstance(f, HeadingPara) and not getattr(f.style, "keepWithNext", 0)


def segments(st: Styles, text: str) -> list[tuple[str, str]]:
    """(font, text) runs for canvas drawing, where Paragraph markup is not available."""
    out: list[tuple[str, str]] = []
    for ch in text:
        code = ord(ch)
        if code in st.fonts.latin_cmap or ch == " ":
            font = st.fonts.regular
        elif code in st.fonts.cjk_cmap:
            font = st.fonts.cjk
        else:
            font, ch = st.fonts.regular, REPLACEMENT
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + ch)
        else:
            out.append((font, ch))
    return out


def mixed_width(st: Styles, text: str, size: float) -> float:
    return sum(stringWidth(t, f, size) for f, t in segments(st, text))


def draw_mixed(c: Any, st: Styles, x: float, y: float, text: str, size: float, color: Any,
                max_width: float) -> None:
    """Draw one line of user text in mixed faces, clipped with an ellipsis to `max_width`."""
    text = visual_order(" ".join(xml_safe(text).split()))
    if mixed_width(st, text, size) > max_width:
        ell = "…"
        lo, hi = 0, len(text)
        while lo < hi:  # binary search for the longest prefix that fits with the ellipsis
            mid = (lo + hi + 1) // 2
            if mixed_width(st, text[:mid].rstrip() + ell, size) <= max_width:
                lo = mid
            else:
                hi = mid - 1
        text = text[:lo].rstrip() + ell
    c.setFillColor(color)
    for font, part in segments(st, text):
        c.setFont(font, size)
        c.drawString(x, y, part)
        x += stringWidth(part, font, size)

