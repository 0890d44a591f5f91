"""The Word writer's document builder: one briefing as a .docx, on the reference document's named styles."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any, assert_never

from docx import Document as open_docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Length, Pt, RGBColor

from briefing.document import (
    Block,
    BulletList,
    Callout,
    Cite,
    Document,
    Emphasis,
    Figure,
    Heading,
    Inline,
    KeyFigures,
    Link,
    NumberRef,
    Paragraph,
    Reference,
    Section,
    Strong,
    Table,
    Text,
)
from briefing.theme import Theme
from briefing.writers import Progress, WriteOptions, print_size, render_figures
from briefing.writers.docx.fonts import embed_fonts
from briefing.writers.docx.metadata import set_core_properties, set_extended_properties
from briefing.writers.docx.numbering import number_paragraph, section_numbering
from briefing.writers.docx.ooxml import (
    bookmark_name,
    bottom_border,
    cell_borders,
    cell_margins,
    cell_shading,
    field,
    field_begin,
    field_end,
    has_content,
    has_field,
    internal_link,
    keep_row_whole,
    local,
    paragraph_alignment,
    repeat_header,
    right_tab,
    row_height,
    simple_field,
    table_look,
    table_width,
)
from briefing.writers.docx.pictures import Pictures
from briefing.writers.docx.reference import (
    REFERENCE_DOCX,
    TABLE_STYLE,
    StyleSpec,
    apply_style,
    ensure_table_style,
    house_styles,
)
from briefing.writers.manifest import add_docx_manifest
from briefing.writers.text import Notes, is_web_url, xml_safe

SHORT_TABLE_ROWS = 8  # a table of up to this many rows is kept on one page

_SETTINGS_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
    "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
)



class WordWriter:
    def __init__(self, doc: Document, options: WriteOptions, theme: Theme, notes: Notes,
                 progress: Progress | None) -> None:
        self.doc = doc
        self.options = options
        self.theme = theme
        self.notes = notes
        self.progress = progress
        self.last = 0.0
        self.accent = theme.text_accent(doc.meta.audience_key).lstrip("#").upper()
        self.ref_numbers = {r.number for r in doc.references.entries}
        self.bookmark_id = 0
        self.section_number = 0
        self.word: Any = None
        self.text_width: Length = Cm(17)
        self.style_ids: dict[str, str] = {}
        self.pictures: dict[int, bytes | None] = {}
        self.vectors: dict[int, bytes | None] = {}
        self.placer: Any = None  # Pictures, once the document is open
        self.top_margin: Any = Cm(2.5)
        self.reference_path = REFERENCE_DOCX
        self.section_numbers = 0  # the numId of the section headings' list
        self.house = True

    # ---- progress and cancel

    def report(self, fraction: float, message: str) -> None:
        self.options.check()
        self.last = max(self.last, min(fraction, 1.0))
        if self.progress is not None:
            self.progress(self.last, message)

    # ---- top level

    def run(self) -> bytes:
        self.report(0.02, "Opening the reference document")
        self.word = self.open_reference()
        self.pictures = self.render_charts()
        self.placer = Pictures(self.word)
        self.setup_page()
        self.cover()
        if self.doc.summary is not None:
            self.summary()
        self.contents()
        total = max(len(self.doc.sections), 1)
        for i, section in enumerate(self.doc.sections):
            self.report(0.55 + 0.35 * i / total, f"Writing “{section.title[:40]}”")
            self.section(section)
        if self.doc.references.entries:
            self.references()
        self.finish()
        self.report(0.95, "Saving the Word document")
        add_docx_manifest(self.word, self.doc.manifest)
        buf = io.BytesIO()
        self.word.save(buf)
        return buf.getvalue()

    def open_reference(self) -> Any:
        path = Path(self.options.reference_docx) if self.options.reference_docx else REFERENCE_DOCX
        try:
            word = open_docx(str(path))
        except Exception as exc:  # noqa: BLE001 - a missing or corrupt reference must not stop the export
            self.notes.add(f"The Word reference document “{path}” could not be read ({exc}); "
                           "python-docx's default styles were used")
            word = open_docx()
        body = word.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)  # a reference document's sample text is not part of the briefing
        # A company's reference document keeps its own styles; the ones it lacks are created. Our
        # own reference document takes the audience's accent in the styles that carry one.
        house = path.resolve() == REFERENCE_DOCX.resolve()
        self.reference_path, self.house = path, house
        accent = "#" + self.accent
        for spec in house_styles(self.theme):
            if house and spec.color == "accent":
                apply_style(word, spec, self.theme, accent=accent)
            else:
                apply_style(word, spec, self.theme, create_only=True, accent=accent)
        table_style = ensure_table_style(word, self.theme, accent)
        self.section_numbers = section_numbering(word, self.accent)
        if house:
            for border in table_style.element.iter(qn("w:bottom")):
                if border.getparent().getparent().getparent().get(qn("w:type")) == "firstRow":
                    border.set(qn("w:color"), self.accent)
        return word

    def style(self, name: str, kind: WD_STYLE_TYPE = WD_STYLE_TYPE.PARAGRAPH) -> str:
        """The style id for `name`, creating a plain style if the reference document lacks it.

        Ids are set on the XML directly: python-docx's `paragraph.style = obj` scans every style in
        the document on each call, which was 70% of the Word export's time.
        """
        sid = self.style_ids.get(name)
        if sid is None:
            try:
                style = self.word.styles[name]
            except KeyError:
                style = apply_style(self.word, StyleSpec(name, kind, "Normal" if kind == WD_STYLE_TYPE.PARAGRAPH
                                                         else None), self.theme)
            sid = self.style_ids[name] = style.style_id
        return sid

    def para(self, container: Any, style: str | None = None) -> Any:
        """A new paragraph at the end of `container` (the document or a table cell)."""
        p = container.add_paragraph()
        if style is not None:
            p._p.style = self.style(style)
        return p

    def restyle(self, p: Any, style: str) -> None:
        p._p.style = self.style(style)

    def render_charts(self) -> dict[int, bytes | None]:
        """Each chart as PNG (the fallback every reader draws) and as SVG (what Word 2016+ draws)."""
        dpi = max(int(self.options.chart_dpi), 200)
        pngs = render_figures(self.doc, self.options, self.theme, fmt="png", dpi=dpi, convert=bytes,
                              note=self.notes.add, report=lambda f, m: self.report(f * 0.5, m))
        # A chart that failed as PNG has its placeholder already; its notes are not repeated.
        self.vectors = render_figures(self.doc, self.options, self.theme, fmt="svg", dpi=None, convert=bytes,
                                      note=lambda _: None, report=lambda f, m: self.report(0.25 + f * 0.5, m))
        return pngs

    # ---- page furniture

    def setup_page(self) -> None:
        section = self.word.sections[0]
        width = section.page_width or Cm(21)
        left = section.left_margin if section.left_margin is not None else Cm(2)
        right = section.right_margin if section.right_margin is not None else Cm(2)
        self.text_width = Emu(int(width) - int(left) - int(right))
        section.different_first_page_header_footer = True  # the cover carries no header or footer
        self.top_margin = section.top_margin if section.top_margin is not None else Cm(2.5)
        meta = self.doc.meta
        header = section.header
        if not has_content(header):
            p = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            self.restyle(p, "Header")
            self.add_text(p, meta.title)
            if meta.audience_name:
                p.add_run("\t")
                self.add_text(p, meta.audience_name, style=self.style("Accent Text", WD_STYLE_TYPE.CHARACTER))
            right_tab(p, self.text_width)
            bottom_border(p, self.theme.rule.lstrip("#"))
        footer = section.footer
        if not has_field(footer, "PAGE"):
            for p in footer.paragraphs[1:]:
                p._p.getparent().remove(p._p)
            p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            self.restyle(p, "Footer")
            for r in list(p.runs):
                r._r.getparent().remove(r._r)
            self.add_text(p, meta.dateline)
            p.add_run("\tPage ")
            field(p, "PAGE", "1")
            p.add_run(" of ")
            field(p, "NUMPAGES", "1")
            right_tab(p, self.text_width)

    def finish(self) -> None:
        meta = self.doc.meta
        set_core_properties(self.word, meta)
        set_extended_properties(self.word, meta, self.reference_path.name)
        if self.house:
            # A company's reference document names its own fonts; only ours are ours to embed.
            self.report(0.92, "Embedding fonts")
            embed_fonts(self.word, self.theme)
        settings = self.word.settings.element
        for old in settings.findall(qn("w:updateFields")):
            settings.remove(old)
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        anchor = next((c for c in settings if local(c.tag) in _SETTINGS_AFTER_UPDATE_FIELDS), None)
        if anchor is not None:
            anchor.addprevious(update)
        else:
            settings.append(update)

    # ---- front matter

    def cover(self) -> None:
        meta = self.doc.meta
        section = self.word.sections[0]
        left = int(section.left_margin if section.left_margin is not None else Cm(2))
        page_w = int(section.page_width or Cm(21))
        band = self.word.add_table(rows=1, cols=1)
        band.alignment = WD_TABLE_ALIGNMENT.LEFT
        table_width(band, page_w, indent=-left)
        row_height(band.rows[0], Cm(11.5))
        cell = band.rows[0].cells[0]
        cell_shading(cell, self.accent)
        cell_margins(cell, left=left, right=left, top=int(Cm(2.2)), bottom=int(Cm(1.2)))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM  # the title sits on the band's foot
        first = cell.paragraphs[0]
        self.restyle(first, "Cover Kicker")
        kicker = "Briefing" + (f" · {meta.audience_name}" if meta.audience_name else "")
        self.add_text(first, kicker).font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        title = self.para(cell, "Title")
        self.add_text(title, meta.title).font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        if meta.subtitle:
            sub = self.para(cell, "Subtitle")
            self.add_text(sub, meta.subtitle).font.color.rgb = RGBColor(0xF4, 0xF6, 0xF8)
        spacer = self.word.add_paragraph()
        spacer.paragraph_format.space_after = Pt(36)
        for label, value in meta.cover_facts:
            self.add_text(self.para(self.word, "Cover Label"), label)
            self.add_text(self.para(self.word, "Cover Text"), value)
        if meta.method_note:
            self.add_text(self.para(self.word, "Cover Label"), "Method")
            for text in meta.method_note:
                self.add_text(self.para(self.word, "Note"), text)
        for text in meta.disclaimer:
            self.add_text(self.para(self.word, "Source"), text)
        if meta.generated_text:
            self.add_text(self.para(self.word, "Source"), meta.generated_text)
        # The cover is its own Word section with no top margin, so the band starts at the page
        # edge; the body section after it restores the reference document's margins.
        body = self.word.add_section(WD_SECTION.NEW_PAGE)
        body.different_first_page_header_footer = False
        body.top_margin = self.top_margin
        cover = self.word.sections[0]
        cover.top_margin = Cm(0)
        cover.header_distance = Cm(0)

    def summary(self) -> None:
        summary = self.doc.summary
        assert summary is not None
        self.heading(summary.title, 1, "summary")
        for p in summary.paragraphs:
            self.paragraph(p, "Lead")
        if summary.key_figures is not None and summary.key_figures.items:
            self.key_figures(summary.key_figures)
        self.page_break()

    def contents(self) -> None:
        self.add_text(self.para(self.word, "TOC Heading"), self.doc.contents_title)
        # A real TOC field, pre-filled with the headings so a reader that does not update fields
        # still shows the list; Word replaces it, with page numbers, when it opens the file.
        entries: list[tuple[int, str, str, str]] = []
        if self.doc.summary is not None:
            entries.append((1, "", self.doc.summary.title, "summary"))
        for i, s in enumerate(self.doc.sections, start=1):
            entries.append((1, str(i), s.title, s.anchor or f"sec-{i}"))
            for b in s.blocks:
                if isinstance(b, Heading) and b.level <= 3:
                    entries.append((b.level, "", b.text, b.anchor))
        if self.doc.references.entries:
            entries.append((1, "", self.doc.references.title, "references"))
        first = self.para(self.word, "TOC 1")
        field_begin(first, ' TOC \\o "1-3" \\h \\z \\u ')
        paragraphs = [first]
        accent = self.style("Accent Text", WD_STYLE_TYPE.CHARACTER)
        for n, (level, number, text, anchor) in enumerate(entries):
            p = first if n == 0 else self.para(self.word, f"TOC {min(level, 3)}")
            if n:
                paragraphs.append(p)
            link = internal_link(p, bookmark_name(anchor)) if anchor else None
            if number:  # the section's number, as Word's own TOC shows a numbered heading
                self.add_text(p, f"{number}   ", style=accent, parent=link)
            self.add_text(p, text, parent=link)
        if not entries:
            first.add_run("Right-click and choose Update Field to build the table of contents.")
        field_end(paragraphs[-1])
        self.page_break()

    # ---- body

    def section(self, section: Section) -> None:
        self.section_number += 1
        p = self.heading(section.title, 1, section.anchor or f"sec-{self.section_number}")
        # Numbered as the PDF numbers sections (1, 2, 3… in the accent); summary and references are not.
        number_paragraph(p, self.section_numbers)
        for block in section.blocks:
            self.options.check()
            self.block(block)

    def block(self, block: Block) -> None:
        match block:
            case Paragraph():
                self.paragraph(block)
            case Heading():
                self.heading(block.text, max(2, min(block.level, 3)), block.anchor)
            case BulletList():
                for item in block.items:
                    self.paragraph(item, "List Bullet")
            case Figure():
                self.figure(block)
            case Table():
                self.table(block)
            case KeyFigures():
                self.key_figures(block)
            case Callout():
                self.callout(block)
            case _:
                assert_never(block)

    def heading(self, text: str, level: int, anchor: str) -> Any:
        p = self.para(self.word, f"Heading {level}")
        if anchor:
            self.bookmark(p, anchor, lambda: self.add_text(p, text))
        else:
            self.add_text(p, text)
        return p

    def paragraph(self, para: Paragraph, style: str | None = None) -> Any:
        name = style or {"body": "Normal", "lead": "Lead", "quote": "Quote", "note": "Note"}.get(para.style, "Normal")
        p = self.para(self.word, name)
        self.runs(p, para.runs)
        return p

    def runs(self, p: Any, runs: Sequence[Inline]) -> None:
        for run in runs:
            match run:
                case Text():
                    self.add_text(p, run.text)
                case Emphasis():
                    self.add_text(p, run.text).italic = True
                case Strong():
                    self.add_text(p, run.text).bold = True
                case NumberRef():
                    first = next((n for n in run.refs if n in self.ref_numbers), None)
                    if first is not None:
                        self.add_text(p, run.text, parent=internal_link(p, bookmark_name(f"ref-{first}")))
                    else:
                        self.add_text(p, run.text)
                    if run.marker:
                        self.marker(p, run.refs)
                case Cite():
                    self.marker(p, run.refs)
                case Link():
                    self.link(p, run.text or run.url, run.url)
                case _:
                    assert_never(run)

    def marker(self, p: Any, refs: Sequence[int]) -> None:
        if not refs:
            return
        style = self.style("Reference Mark", WD_STYLE_TYPE.CHARACTER)
        self.add_text(p, "[", style=style)
        for i, n in enumerate(refs):
            if i:
                self.add_text(p, ", ", style=style)
            if n in self.ref_numbers:
                self.add_text(p, str(n), style=style, parent=internal_link(p, bookmark_name(f"ref-{n}")))
            else:
                self.notes.add(f"Reference [{n}] is cited but not in the reference list")
                self.add_text(p, str(n), style=style)
        self.add_text(p, "]", style=style)

    def link(self, p: Any, text: str, url: str) -> None:
        if not is_web_url(url):
            self.notes.add(f"A link to “{url[:80]}” was kept as text: only http(s) links are made clickable")
            self.add_text(p, text)
            return
        r_id = p.part.relate_to(url.strip(), RT.HYPERLINK, is_external=True)
        link = OxmlElement("w:hyperlink")
        link.set(qn("r:id"), r_id)
        link.set(qn("w:history"), "1")
        p._p.append(link)
        self.add_text(p, text, style=self.style("Hyperlink", WD_STYLE_TYPE.CHARACTER), parent=link)

    def add_text(self, p: Any, text: str, *, style: str | None = None, parent: Any = None) -> Any:
        """A run of literal text in `p` (or inside `parent`, a hyperlink), safe for XML; `style` is a
        character style id from self.style()."""
        run = p.add_run(xml_safe(text, self.notes))
        if style is not None:
            run._r.style = style
        if parent is not None:
            parent.append(run._r)
        return run

    def bookmark(self, p: Any, anchor: str, fill: Any) -> None:
        self.bookmark_id += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self.bookmark_id))
        start.set(qn("w:name"), bookmark_name(anchor))
        p._p.append(start)
        fill()
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self.bookmark_id))
        p._p.append(end)

    def page_break(self) -> None:
        self.word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def figure(self, fig: Figure) -> None:
        """An exhibit: numbered caption (a SEQ field) and subtitle above the picture, source below."""
        cap = self.para(self.word, "Caption")
        cap.paragraph_format.keep_with_next = True
        cap.paragraph_format.space_before = Pt(8)
        if fig.anchor:
            self.bookmark(cap, fig.anchor, lambda: self.caption_label(cap, "Figure", fig.number))
        else:
            self.caption_label(cap, "Figure", fig.number)
        self.add_text(cap, f" {fig.caption}").bold = True
        if fig.subtitle:
            sub = self.para(self.word, "Note")
            sub.paragraph_format.keep_with_next = True
            self.add_text(sub, fig.subtitle)
        png = self.pictures.get(fig.number)
        p = self.word.add_paragraph()
        p.paragraph_format.keep_with_next = bool(fig.source)
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if png is None:
            self.restyle(p, "Note")
            self.add_text(p, f"[Figure {fig.number} could not be drawn: {fig.alt_text}]")
        else:
            # At its print size, as the PDF places it: drawn for the text width, never scaled down.
            width = min(int(self.text_width), int(print_size(fig).width_in * 914400))
            try:
                shape = self.placer.add(p.add_run(), png, self.vectors.get(fig.number), width)
            except Exception as exc:  # noqa: BLE001 - one unplaceable picture leaves a note, not a failed export
                self.notes.add(f"Figure {fig.number} could not be placed ({exc})")
                self.add_text(p, f"[Figure {fig.number}: {fig.alt_text}]")
            else:
                doc_pr = shape._inline.docPr
                doc_pr.set("descr", xml_safe(fig.alt_text, self.notes))
                doc_pr.set("title", xml_safe(fig.caption, self.notes)[:250])
                doc_pr.set("name", f"Figure {fig.number}")
        if fig.source:
            self.add_text(self.para(self.word, "Source"), fig.source)

    def caption_label(self, p: Any, label: str, number: int) -> None:
        style = self.style("Caption Label", WD_STYLE_TYPE.CHARACTER)
        self.add_text(p, f"{label} ", style=style)
        fld = simple_field(p, f" SEQ {label} \\* ARABIC ", str(number))
        for r in fld.iter(qn("w:r")):
            rpr = OxmlElement("w:rPr")
            rstyle = OxmlElement("w:rStyle")
            rstyle.set(qn("w:val"), style)
            rpr.append(rstyle)
            r.insert(0, rpr)
        self.add_text(p, ":", style=style)

    def table(self, table: Table) -> None:
        if not table.columns:
            self.notes.add(f"Table {table.number} has no columns and was left out")
            return
        cap = self.para(self.word, "Caption")
        cap.paragraph_format.keep_with_next = True
        if table.anchor:
            self.bookmark(cap, table.anchor, lambda: self.caption_label(cap, "Table", table.number))
        else:
            self.caption_label(cap, "Table", table.number)
        self.add_text(cap, f" {table.caption}")
        cols = len(table.columns)
        grid = self.word.add_table(rows=1, cols=cols)
        try:
            grid._tbl.tblPr.style = self.word.styles[TABLE_STYLE].style_id
        except KeyError:  # pragma: no cover - ensure_table_style made it
            pass
        table_look(grid)
        total = sum(max(c.width, 0.1) for c in table.columns)
        widths = [int(int(self.text_width) * max(c.width, 0.1) / total) for c in table.columns]
        table_width(grid, int(self.text_width))
        # The grid's own column widths too: LibreOffice lays a table out by <w:gridCol>, not by its
        # cells' widths, and gave every column an equal share (a narrow Measure, a wide Source).
        for column, w in zip(grid.columns, widths):
            column.width = Emu(w)
        text_style = self.style("Table Text")
        head = grid.rows[0]
        repeat_header(head)
        for cell, col, w in zip(head.cells, table.columns, widths):
            cell.width = Emu(w)
            p = cell.paragraphs[0]
            p._p.style = text_style
            self.add_text(p, col.title).bold = True
            p.alignment = paragraph_alignment(col.align)
        # A short table is kept on one page the way Word does it, every row's text kept with the next
        # (LibreOffice reads that as "do not split the table"): split at a page foot, its last row sat
        # alone overleaf under a repeated header.
        whole = len(table.rows) <= SHORT_TABLE_ROWS
        for cell in head.cells:
            cell.paragraphs[0].paragraph_format.keep_with_next = True
        for n, r in enumerate(table.rows, start=1):
            if len(r) > cols:
                self.notes.add(f"Table {table.number}: a row has more cells than columns; the extra were dropped")
            row = grid.add_row()
            keep_row_whole(row)  # a row of a few lines is read whole: never "produce in 2026" overleaf
            for i, (cell, col) in enumerate(zip(row.cells, table.columns)):
                cell.width = Emu(widths[i])
                p = cell.paragraphs[0]
                p._p.style = text_style
                p.alignment = paragraph_alignment(col.align)
                p.paragraph_format.keep_with_next = whole and n < len(table.rows)
                if i < len(r):
                    self.runs(p, r[i].runs)
        if table.note:
            self.add_text(self.para(self.word, "Source"), table.note)
        else:
            self.word.add_paragraph().paragraph_format.space_after = Pt(4)

    def key_figures(self, kf: KeyFigures) -> None:
        if kf.title:
            p = self.para(self.word, "Callout Title")
            self.add_text(p, kf.title)
            p.paragraph_format.keep_with_next = True
        per_row = 3 if len(kf.items) != 4 else 2
        rows = (len(kf.items) + per_row - 1) // per_row
        grid = self.word.add_table(rows=rows, cols=per_row)
        table_width(grid, int(self.text_width))
        gap = int(Cm(0.15))
        for i, item in enumerate(kf.items):
            cell = grid.rows[i // per_row].cells[i % per_row]
            cell.width = Emu(int(self.text_width) // per_row)
            cell_shading(cell, self.theme.panel.lstrip("#"))
            cell_borders(cell, top=(self.accent, 18), sides=("FFFFFF", gap))
            cell_margins(cell, left=int(Cm(0.3)), right=int(Cm(0.25)), top=int(Cm(0.25)), bottom=int(Cm(0.3)))
            value = cell.paragraphs[0]
            self.restyle(value, "Key Figure Value")
            if item.qualifier:  # smaller than the number, so "about" does not wrap it
                self.add_text(value, item.qualifier + " ").font.size = Pt(11)
            self.add_text(value, item.value)
            self.add_text(self.para(cell, "Key Figure Label"), item.label)
            if item.context or item.refs:
                ctx = self.para(cell, "Key Figure Context")
                if item.context:
                    self.add_text(ctx, item.context + " ")
                self.marker(ctx, item.refs)
        for j in range(len(kf.items), rows * per_row):
            cell_borders(grid.rows[j // per_row].cells[j % per_row], top=None, sides=("FFFFFF", gap))
        self.word.add_paragraph().paragraph_format.space_after = Pt(4)

    def callout(self, callout: Callout) -> None:
        if not callout.title and not callout.body:
            return
        box = self.word.add_table(rows=1, cols=1)
        table_width(box, int(self.text_width))
        cell = box.rows[0].cells[0]
        cell_shading(cell, self.theme.panel.lstrip("#"))
        cell_borders(cell, left=(self.accent, 24))
        cell_margins(cell, left=int(Cm(0.5)), right=int(Cm(0.4)), top=int(Cm(0.3)), bottom=int(Cm(0.2)))
        first = cell.paragraphs[0]
        if callout.title:
            self.restyle(first, "Callout Title")
            self.add_text(first, callout.title)
            body_paras = callout.body
        else:
            self.restyle(first, "Callout Text")
            self.runs(first, callout.body[0].runs)
            body_paras = callout.body[1:]
        for para in body_paras:
            self.runs(self.para(cell, "Callout Text"), para.runs)
        # A callout is read whole: the row may not break across pages, and each of its paragraphs
        # keeps with the next, so its heading never sits at a page's foot with the text overleaf.
        keep_row_whole(box.rows[0])
        for p in cell.paragraphs[:-1]:
            p.paragraph_format.keep_with_next = True
        self.word.add_paragraph().paragraph_format.space_after = Pt(4)

    def references(self) -> None:
        self.heading(self.doc.references.title, 1, "references")
        entries = self.doc.references.entries
        for i, ref in enumerate(entries):
            # The last two references share a page: one alone on the last page looks like a stray.
            self.reference(ref).paragraph_format.keep_with_next = i == len(entries) - 2

    def reference(self, ref: Reference) -> Any:
        p = self.para(self.word, "Reference")
        names = {bookmark_name(f"ref-{ref.number}")}
        if ref.anchor:
            names.add(bookmark_name(ref.anchor))

        def fill() -> None:
            self.add_text(p, f"[{ref.number}]", style=self.style("Accent Text", WD_STYLE_TYPE.CHARACTER))

        for name in sorted(names)[1:]:
            self.bookmark(p, name, lambda: None)
        self.bookmark(p, sorted(names)[0], fill)
        self.add_text(p, "\t" + ref.label)
        if ref.url:
            p.add_run(" ")
            self.link(p, ref.url, ref.url)
        return p
