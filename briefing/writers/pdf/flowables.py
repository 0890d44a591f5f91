"""The PDF writer's own flowables: headings that feed the contents, the one-pass contents, anchors, chart forms."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether
from reportlab.platypus import Paragraph as RLParagraph

from briefing.writers.pdf.forms import ImportedPage, add_form
from briefing.writers.pdf.memo import Para
from briefing.writers.pdf.styles import Styles


class HeadingPara(Para):
    """A heading that becomes a bookmark and an outline entry, and tells the contents its page."""

    def __init__(self, markup: str, style: ParagraphStyle, *, outline: str, key: str, level: int,
                 pages: dict[str, int]) -> None:
        super().__init__(markup, style)
        self.outline_title = outline
        self.key = key
        self.outline_level = level
        self.pages = pages

    def draw(self) -> None:
        super().draw()
        self.canv.bookmarkHorizontal(self.key, 0, self.height + self.style.fontSize * 0.5)
        self.canv.addOutlineEntry(self.outline_title, self.key, level=self.outline_level, closed=False)
        self.pages[self.key] = self.canv.getPageNumber()


class Contents(Flowable):
    """The table of contents, laid out in the one and only build pass.

    Entry titles never depend on page numbers, so they are placed at once; the numbers, known only
    when the build ends, are drawn into a form XObject that this flowable shows now and the
    template defines at the end. One pass instead of reportlab's usual two or three.
    """

    NUMBER_WIDTH = 30.0

    def __init__(self, entries: Sequence[tuple[int, str, str]], styles: Sequence[ParagraphStyle],
                 late: LateForms, part: int = 0) -> None:
        super().__init__()
        self.entries = list(entries)
        self.styles = styles
        self.late = late
        self.part = part
        self.paras: list[RLParagraph] = []
        self.heights: list[float] = []

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width = aw
        self.paras, self.heights = [], []
        for level, markup, _ in self.entries:
            style = self.styles[min(level, len(self.styles) - 1)]
            para = Para(markup, style)
            _, h = para.wrap(aw - self.NUMBER_WIDTH - 8, 10_000)
            self.paras.append(para)
            self.heights.append(h + style.spaceBefore + style.spaceAfter)
        self.height = sum(self.heights)
        return aw, self.height

    def split(self, aw: float, ah: float) -> list[Flowable]:
        self.wrap(aw, ah)
        used, n = 0.0, 0
        for h in self.heights:
            if used + h > ah:
                break
            used += h
            n += 1
        if n == 0:
            return []
        if n >= len(self.entries):
            return [self]
        return [Contents(self.entries[:n], self.styles, self.late, self.part),
                Contents(self.entries[n:], self.styles, self.late, self.part + 1)]

    def draw(self) -> None:
        c = self.canv
        y = self.height
        slots: list[tuple[str, float, str, float]] = []
        for (_level, _, key), para, h in zip(self.entries, self.paras, self.heights):
            style = para.style
            y -= h
            bottom = y + style.spaceAfter
            para.drawOn(c, 0, bottom)
            baseline = bottom + (style.leading - style.fontSize) * 0.5 + style.fontSize * 0.22
            last_end = last_line_end(para)
            c.saveState()
            c.setFillColor(colors.HexColor(self.late.muted))
            c.setFont(style.fontName, style.fontSize * 0.8)
            dot_w = stringWidth(". ", style.fontName, style.fontSize * 0.8)
            x = last_end + 6
            stop = self.width - self.NUMBER_WIDTH - 4
            if stop - x > dot_w * 2:
                c.drawString(x, baseline, ". " * int((stop - x) / dot_w))
            c.restoreState()
            c.linkRect("", key, (0, bottom, self.width, bottom + h - style.spaceAfter), relative=1, thickness=0)
            slots.append((key, baseline, style.fontName, style.fontSize))
        name = f"toc-pages-{self.part}"
        c.doForm(name)
        self.late.contents_forms.append((name, self.width, self.height, slots))


def last_line_end(para: RLParagraph) -> float:
    """Where the last line of a wrapped Paragraph ends, for the leader dots."""
    try:
        lines = para.blPara.lines  # type: ignore[attr-defined]  # types-reportlab omits blPara, set by wrap()
        last = lines[-1]
        extra = last.extraSpace if hasattr(last, "extraSpace") else last[0]
        return para.style.leftIndent + (para.width - para.style.leftIndent - para.style.rightIndent) - extra
    except Exception:  # noqa: BLE001 - an odd layout just loses its dots
        return para.width


@dataclass
class LateForms:
    """What only the end of the build knows: the page count and each heading's page."""

    muted: str
    pages: dict[str, int]
    contents_forms: list[tuple[str, float, float, list[tuple[str, float, str, float]]]]


class Anchor(Flowable):
    """A zero-size named destination (the target of "[n]" links)."""

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.width = self.height = 0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        self.canv.bookmarkHorizontal(self.key, 0, 10)


class Bottom(Flowable):
    """Fill the frame and set the content on its floor (the cover title sits on the band's foot)."""

    def __init__(self, inner: Flowable) -> None:
        super().__init__()
        self.inner = inner

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.inner_w, self.inner_h = self.inner.wrapOn(self.canv, aw, ah)
        self.width, self.height = aw, max(ah - 1, self.inner_h)
        return self.width, self.height

    def draw(self) -> None:
        self.inner.drawOn(self.canv, 0, 0)


class ChartForm(Flowable):
    """A chart page scaled to the column; the same form is reused if the chart appears twice."""

    def __init__(self, page: ImportedPage | None, name: str, max_height: float, styles: Styles,
                 placeholder: str) -> None:
        super().__init__()
        self.page = page
        self.name = name
        self.max_height = max_height
        self.styles = styles
        self.placeholder = placeholder
        self.scale = 1.0

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        if self.page is None:
            self.width, self.height = aw, min(aw * 0.4, self.max_height)
            return self.width, self.height
        self.scale = min(aw / self.page.width, self.max_height / self.page.height)
        self.width = self.page.width * self.scale
        self.height = self.page.height * self.scale
        return aw, self.height

    def draw(self) -> None:
        c = self.canv
        if self.page is None:
            c.setFillColor(self.styles.panel)
            c.setStrokeColor(self.styles.rule)
            c.rect(0, 0, self.width, self.height, fill=1, stroke=1)
            c.setFillColor(self.styles.muted)
            c.setFont(self.styles.fonts.regular, 9)
            c.drawCentredString(self.width / 2, self.height / 2, self.placeholder)
            return
        # reportlab has no public handle on the canvas's PDFDocument (and types-reportlab leaves the
        # private `_doc` out); tests/test_library_privates.py fails by name if it goes away.
        add_form(c._doc, self.name, self.page)  # type: ignore[attr-defined]
        c.saveState()
        c.scale(self.scale, self.scale)
        c.translate(-self.page.bbox[0], -self.page.bbox[1])
        c.doForm(self.name)
        c.restoreState()



class Float(KeepTogether):
    """A figure or box kept whole that may float below the text after it (see BriefingTemplate).

    When it does not fit the space left on a page, the template sets the paragraphs that follow it
    (never past a heading or a break) into that space first, instead of leaving the space blank.
    """

    def __init__(self, parts: list[Flowable]) -> None:
        super().__init__(parts)
        self.parts = list(parts)

    def content_height(self, canv: Any, aw: float, ah: float) -> float:
        return sum(f.wrapOn(canv, aw, ah)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in self.parts)
