"""The story: a briefing's nodes as reportlab flowables, in page order (with a plain fallback layout)."""

from __future__ import annotations

from typing import Any, assert_never

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    FrameBreak,
    KeepInFrame,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph
from reportlab.platypus import Table as RLTable

from briefing.document import (
    Block,
    BulletList,
    Callout,
    Document,
    Figure,
    Heading,
    KeyFigures,
    Link,
    Paragraph,
    Reference,
    Section,
    Table,
)
from briefing.writers import WriteOptions
from briefing.writers.pdf.flowables import Anchor, Bottom, ChartForm, Contents, Float, HeadingPara, LateForms
from briefing.writers.pdf.forms import ImportedPage
from briefing.writers.pdf.markup import Markup, meta_text
from briefing.writers.pdf.memo import Para
from briefing.writers.pdf.styles import Styles


class StoryBuilder:
    TABLE_START_ROWS = 3  # a table's rows that must share a page with its caption and header
    TABLE_WHOLE = 0.4  # a table up to this share of the frame is kept whole (and may float)

    def __init__(self, doc: Document, styles: Styles, markup: Markup,
                 pages: dict[int, ImportedPage | None], pagesize: tuple[float, float], options: WriteOptions,
                 late: LateForms, *, plain: bool = False) -> None:
        self.plain = plain  # the fallback layout: no tables, tiles or boxes, only paragraphs
        self.doc = doc
        self.st = styles
        self.m = markup
        self.pages = pages
        self.options = options
        self.late = late
        self.frame_width = pagesize[0] - 40 * mm
        self.frame_height = pagesize[1] - 47 * mm
        self.heading_count = 0
        self.toc_entries: list[tuple[int, str, str]] = []

    def story(self) -> list[Flowable]:
        doc = self.doc
        front: list[Flowable] = [*self.cover(), NextPageTemplate("body"), PageBreak()]
        if doc.summary is not None:
            front += [*self.summary(), PageBreak()]
        body: list[Flowable] = []
        for i, section in enumerate(doc.sections, start=1):
            self.options.check()
            body += self.section(section, i)
        if doc.references.entries:
            body.append(CondPageBreak(self.frame_height * 0.3))
            body.append(self.heading(doc.references.title, level=0, key="references", toc=True))
            refs = [self.reference(r) for r in doc.references.entries]
            # The last two references share a page: one alone on the last page looks like a stray.
            body += [*refs[:-2], KeepTogether(refs[-2:])]
        # The contents comes before the body it lists, but is built after it has seen every heading.
        contents = [self.heading(doc.contents_title, level=0, key="contents", toc=False),
                    Contents(self.toc_entries, self.st.toc, self.late), PageBreak()]
        return front + contents + body

    # -- front matter

    def cover(self) -> list[Flowable]:
        meta = self.doc.meta
        st = self.st
        title_size = st.cover_title.fontSize
        n = len(meta.title)
        if n > 60:
            title_size = 24 if n <= 110 else 18
        title_style = ParagraphStyle("cover-title-fit", parent=st.cover_title, fontSize=title_size,
                                     leading=title_size * 1.14)
        kicker = "BRIEFING" + (f" · {meta.audience_name.upper()}" if meta.audience_name else "")
        band: list[Flowable] = [Para(self.m.label(kicker, 200), st.cover_kicker),
                                Para(self.m.label(meta.title, 400), title_style)]
        if meta.subtitle:
            band.append(Para(self.m.label(meta.subtitle, 600), st.cover_subtitle))
        out: list[Flowable] = [Bottom(KeepInFrame(0, 0, band, mode="shrink")), FrameBreak()]
        body: list[Flowable] = []
        for label, value in meta.cover_facts:
            body.append(Para(self.m.text(label.upper()), st.cover_label))
            body.append(Para(self.m.label(value, 300), st.cover_value))
        if meta.method_note:
            body.append(Para(self.m.text("METHOD"), st.cover_label))
            body += [Para(self.m.text(p), st.cover_note) for p in meta.method_note]
        if meta.disclaimer:
            body += [Para(self.m.text(p), st.cover_disclaimer) for p in meta.disclaimer]
        out.append(KeepInFrame(0, 0, body, mode="shrink"))
        return out

    def summary(self) -> list[Flowable]:
        summary = self.doc.summary
        assert summary is not None
        out: list[Flowable] = [self.heading(summary.title, level=0, key="summary", toc=True)]
        out += [self.paragraph(p, "lead") for p in summary.paragraphs]
        if summary.key_figures is not None and summary.key_figures.items:
            out.append(Spacer(1, 6))
            out += self.key_figures(summary.key_figures)
        return out

    def heading(self, text: str, *, level: int, key: str, toc: bool, number: int | None = None) -> HeadingPara:
        style = (self.st.h1, self.st.h2, self.st.h3)[min(level, 2)]
        text = self.m.clip(text, 400)
        body = self.m.text(text)
        if number is not None:
            shown = f'<font color="{self.m.accent_hex}">{number}</font>&nbsp;&nbsp;{body}'
            toc_markup = f'<font color="{self.m.accent_hex}">{number}</font>&nbsp;&nbsp;&nbsp;{body}'
        else:
            shown = toc_markup = body
        self.heading_count += 1
        if toc:
            self.toc_entries.append((min(level, 2), toc_markup, key))
        return HeadingPara(shown, style, outline=meta_text(text) or "(untitled)", key=key, level=min(level, 1),
                        pages=self.late.pages)

    # -- sections and blocks

    def section(self, section: Section, number: int) -> list[Flowable]:
        out: list[Flowable] = [CondPageBreak(self.frame_height * 0.22)]
        out.append(self.heading(section.title, level=0, key=section.anchor or f"sec-{number}", toc=True,
                                number=number))
        for block in section.blocks:
            out += self.block(block)
        return out

    def block(self, block: Block) -> list[Flowable]:
        match block:
            case Paragraph():
                return [self.paragraph(block)]
            case Heading():
                level = max(1, min(block.level - 1, 2))
                self.heading_count += 1
                return [self.heading(block.text, level=level, key=block.anchor or f"h-{self.heading_count}",
                                     toc=level == 1)]
            case BulletList():
                return [Para(self.m.runs(item.runs), self.st.bullet, bulletText="•") for item in block.items]
            case Figure():
                return self.figure(block)
            case Table():
                return self.table(block)
            case KeyFigures():
                return self.key_figures(block)
            case Callout():
                return self.callout(block)
            case _:
                assert_never(block)

    def paragraph(self, p: Paragraph, style: str | None = None) -> RLParagraph:
        name = style or p.style
        st = {"body": self.st.body, "lead": self.st.lead, "quote": self.st.quote, "note": self.st.note}.get(
            name, self.st.body)
        return Para(self.m.runs(p.runs), st)

    def figure(self, fig: Figure) -> list[Flowable]:
        """An exhibit: number and title above the plot, subtitle under them, cited source below."""
        page = self.pages.get(fig.number)
        chart = ChartForm(page, f"chart{fig.number}", self.frame_height * 0.34, self.st,
                       f"Figure {fig.number} could not be drawn")
        parts: list[Flowable] = [Spacer(1, 6)]
        if fig.anchor:
            parts.append(Anchor(fig.anchor))
        parts.append(Para(
            f'<font color="{self.m.accent_hex}">Figure {fig.number}:</font>&nbsp;{self.m.label(fig.caption, 500)}',
            self.st.figure_title))
        if fig.subtitle:
            parts.append(Para(self.m.label(fig.subtitle, 800), self.st.figure_subtitle))
        parts += [Spacer(1, 4), chart]
        if fig.source:
            parts.append(Para(self.m.label(fig.source, 1500), self.st.source))
        else:
            parts.append(Spacer(1, 12))
        return parts if self.plain else [Float(parts)]

    def table(self, table: Table) -> list[Flowable]:
        out: list[Flowable]
        if self.plain:
            out = [Para(f"<b>Table {table.number}:</b>&nbsp;{self.m.label(table.caption, 500)}",
                                               self.st.caption)]
            for r in table.rows:
                parts = [f"{self.m.label(c.title, 200)}: {self.m.runs(cell.runs)}" for c, cell in zip(table.columns, r)
                         if cell.runs]  # an empty Note is left out, not printed as "Note: "
                out.append(Para("; ".join(parts), self.st.body))
            if table.note:
                out.append(Para(self.m.text(table.note), self.st.source))
            return out
        if not table.columns:
            self.m.notes.add(f"Table {table.number} has no columns and was left out")
            return []
        total = sum(max(c.width, 0.1) for c in table.columns)
        widths = [self.frame_width * max(c.width, 0.1) / total for c in table.columns]
        head = [Para(self.m.label(c.title.upper(), 200), ParagraphStyle(
            "th", parent=self.st.cell_head, alignment=TA_RIGHT if c.align == "right" else TA_LEFT))
            for c in table.columns]
        rows: list[list[Any]] = [head]
        for r in table.rows:
            cells = list(r[: len(table.columns)]) + [None] * (len(table.columns) - len(r))
            if len(r) > len(table.columns):
                self.m.notes.add(f"Table {table.number}: a row has more cells than columns; the extra were dropped")
            row = []
            for cell, col in zip(cells, table.columns):
                style = self.st.cell_right if col.align == "right" else self.st.cell
                row.append(Para(self.m.runs(cell.runs) if cell else "", style))
            rows.append(row)
        commands: list[tuple[Any, ...]] = [
            ("LINEBELOW", (0, 0), (-1, 0), 1.0, self.st.accent),
            ("LINEBELOW", (0, 1), (-1, -1), 0.4, self.st.rule),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            self.cell_font(),
            ("TOPPADDING", (0, 0), (-1, -1), 4),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
        for i in range(2, len(rows), 2):
            commands.append(("BACKGROUND", (0, i), (-1, i), self.st.panel))
        grid = RLTable(rows, colWidths=widths, repeatRows=1, splitInRow=24, style=TableStyle(commands), hAlign="LEFT")
        caption = Para(
            f'<font name="{self.st.fonts.bold}" color="{self.m.accent_hex}">Table {table.number}:</font>'
            f"&nbsp;{self.m.label(table.caption, 500)}", ParagraphStyle("tcap", parent=self.st.caption,
                                                                        spaceAfter=4))
        note = Para(self.m.text(table.note), self.st.source) if table.note else Spacer(1, 12)
        anchor = [Anchor(table.anchor)] if table.anchor else []
        whole: list[Flowable] = [Spacer(1, 4), *anchor, caption, grid, note]
        if sum(f.wrap(self.frame_width, self.frame_height)[1] for f in whole) <= self.frame_height * self.TABLE_WHOLE:
            # A short table split at a page foot left a row or two alone overleaf under a repeated
            # header; kept whole, it floats like a figure and the text after it fills the gap.
            return [Float(whole)]
        # The caption, the header and the first rows start on one page; the rest may run on. (Keeping
        # the caption with the whole table pushed a long table over and left most of a page blank.)
        start = RLTable(rows[: 1 + self.TABLE_START_ROWS], colWidths=widths, style=TableStyle(commands))
        need = caption.wrap(self.frame_width, self.frame_height)[1] + start.wrap(self.frame_width, self.frame_height)[1]
        return [CondPageBreak(need + 16), *whole]

    def key_figures(self, kf: KeyFigures) -> list[Flowable]:
        st = self.st
        if self.plain:
            head: list[Flowable] = [Para(self.m.label(kf.title.upper(), 200), st.kicker)] if kf.title else []
            return head + [Para(f"<b>{self.m.label(i.shown, 60)}</b> {self.m.text(i.label)} "
                                       f"{self.m.text(i.context)}{self.m.marker(i.refs)}", st.bullet, bulletText="•")
                           for i in kf.items]
        per_row = 3 if len(kf.items) != 4 else 2
        gap = 8
        col_w = (self.frame_width - gap * (per_row - 1)) / per_row
        cells: list[list[Flowable]] = []
        for item in kf.items:
            # The qualifier is set small before the number, so "about $0.028" stays on one line.
            value = self.m.label(item.value, 40)
            if item.qualifier:
                value = f'<font size="{st.tile_label.fontSize + 2}">{self.m.label(item.qualifier, 20)}</font> {value}'
            cell: list[Flowable] = [Para(value, st.tile_value),
                                    Para(self.m.label(item.label, 300), st.tile_label)]
            # The reference rides on the small context line: a marker beside a 20 pt number shouts.
            context = self.m.label(item.context, 300) if item.context else ""
            if item.refs:
                context = (context + "&nbsp;" if context else "") + self.m.marker(item.refs)
            if context:
                cell.append(Para(context, st.tile_context))
            cells.append(cell)
        widths: list[float] = []
        for j in range(per_row):
            widths += [col_w, gap] if j < per_row - 1 else [col_w]
        out: list[Flowable] = []
        if kf.title:
            out.append(Para(self.m.label(kf.title.upper(), 200), st.kicker))
        # One table per row of tiles, so a page break can fall between rows but never inside a tile;
        # the empty gap columns keep the tiles apart while each keeps its own panel and accent rule.
        for i in range(0, len(cells), per_row):
            chunk = cells[i: i + per_row]
            row: list[Any] = []
            commands: list[tuple[Any, ...]] = [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            self.cell_font(),
                ("LEFTPADDING", (0, 0), (-1, -1), 9),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 9),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 10),
            ]
            for j in range(per_row):
                row.append(chunk[j] if j < len(chunk) else "")
                if j < len(chunk):
                    commands.append(("BACKGROUND", (2 * j, 0), (2 * j, 0), st.panel))
                    commands.append(("LINEABOVE", (2 * j, 0), (2 * j, 0), 2.2, st.accent))
                if j < per_row - 1:
                    row.append("")
            out.append(RLTable([row], colWidths=widths, style=TableStyle(commands), hAlign="LEFT", splitInRow=24))
            out.append(Spacer(1, gap))
        return out

    def callout(self, callout: Callout) -> list[Flowable]:
        st = self.st
        if self.plain:
            head: list[Flowable] = (
                [Para(self.m.label(callout.title.upper(), 300), st.callout_title)] if callout.title else [])
            return head + [Para(self.m.runs(p.runs), st.quote) for p in callout.body]
        inner: list[Flowable] = []
        if callout.title:
            inner.append(Para(self.m.label(callout.title.upper(), 300), st.callout_title))
        inner += [Para(self.m.runs(p.runs), ParagraphStyle("callout-body", parent=st.body, spaceAfter=4))
                  for p in callout.body]
        if not inner:
            return []
        box = RLTable([[inner]], colWidths=[self.frame_width], splitInRow=24, hAlign="LEFT", style=TableStyle([
            self.cell_font(),
            ("BACKGROUND", (0, 0), (-1, -1), st.panel),
            ("LINEBEFORE", (0, 0), (0, -1), 3, st.accent),
            ("LEFTPADDING", (0, 0), (-1, -1), 14),
            ("RIGHTPADDING", (0, 0), (-1, -1), 12),
            ("TOPPADDING", (0, 0), (-1, -1), 10),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
        ]))
        # A callout is read whole: never its heading at a page's foot and its text overleaf.
        return [Float([Spacer(1, 6), box]), Spacer(1, 12)]

    def cell_font(self) -> tuple[Any, ...]:
        """A table's own cell font: left unset it is Helvetica, which the PDF would name but not embed."""
        return ("FONTNAME", (0, 0), (-1, -1), self.st.fonts.regular)

    def reference(self, ref: Reference) -> Flowable:
        anchor = f'<a name="{ref.anchor or f"ref-{ref.number}"}"/>'
        if ref.anchor and ref.anchor != f"ref-{ref.number}":
            anchor += f'<a name="ref-{ref.number}"/>'
        text = f'{anchor}<font color="{self.m.accent_hex}">[{ref.number}]</font>&nbsp;&nbsp;{self.m.text(ref.label)}'
        if ref.url:
            text += " " + self.m.runs((Link(ref.url, ref.url),))
        return Para(text, self.st.reference)

