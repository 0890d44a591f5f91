"""The Word writer (python-docx), built on a reference document whose named styles it uses.

Structure mirrors the PDF: cover, summary with key figures, a real TOC field (Word fills in page
numbers on open), sections with PNG charts at 200 dpi and their alt text, references with live
hyperlinks, page numbers in the footer. Every string passes through xml_safe first.
"""

from __future__ import annotations

import io
import re
from datetime import datetime, time, timezone
from pathlib import Path
from typing import Any, Sequence, assert_never

from docx import Document as open_docx
from docx.enum.section import WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Emu, Pt, RGBColor

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
from briefing.writers import Progress, WriteOptions, WriteResult, render_figures
from briefing.writers.make_reference import (
    REFERENCE_DOCX,
    TABLE_STYLE,
    StyleSpec,
    apply_style,
    ensure_table_style,
    house_styles,
)
from briefing.writers.text import Notes, is_web_url, xml_safe

_BOOKMARK = re.compile(r"[^A-Za-z0-9_]")
_SETTINGS_AFTER_UPDATE_FIELDS = (
    "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
    "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
    "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator",
)


def write(doc: Document, options: WriteOptions, progress: Progress | None = None) -> WriteResult:
    """Render `doc` as .docx bytes. Never mutates `doc`."""
    notes = Notes()
    notes.extend(doc.warnings)
    theme = options.resolved_theme()
    w = _WordWriter(doc, options, theme, notes, progress)
    data = w.run()
    return WriteResult(data, notes.list())


def bookmark_name(anchor: str) -> str:
    """Word bookmark names: a letter first, then letters, digits and "_", at most 40 characters."""
    name = _BOOKMARK.sub("_", anchor)
    if not name or not name[0].isalpha():
        name = "b_" + name
    return name[:40]


class _WordWriter:
    def __init__(self, doc: Document, options: WriteOptions, theme: Theme, notes: Notes,
                 progress: Progress | None) -> None:
        self.doc = doc
        self.options = options
        self.theme = theme
        self.notes = notes
        self.progress = progress
        self.last = 0.0
        self.accent = theme.accent(doc.meta.audience_key).lstrip("#").upper()
        self.ref_numbers = {r.number for r in doc.references.entries}
        self.bookmark_id = 0
        self.section_number = 0
        self.word: Any = None
        self.text_width = Cm(17)
        self.style_ids: dict[str, str] = {}
        self.pictures: dict[int, bytes | None] = {}
        self.top_margin: Any = Cm(2.5)

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
        buf = io.BytesIO()
        self.word.save(buf)
        return buf.getvalue()

    def open_reference(self) -> Any:
        path = Path(self.options.reference_docx) if self.options.reference_docx else REFERENCE_DOCX
        try:
            word = open_docx(str(path))
        except Exception as exc:  # a missing or corrupt reference must not stop the export
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
        accent = "#" + self.accent
        for spec in house_styles(self.theme):
            if house and spec.color == "accent":
                apply_style(word, spec, self.theme, accent=accent)
            else:
                apply_style(word, spec, self.theme, create_only=True, accent=accent)
        table_style = ensure_table_style(word, self.theme, accent)
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
        dpi = max(int(self.options.chart_dpi), 200)
        return render_figures(self.doc, self.options, self.theme, fmt="png", dpi=dpi, convert=bytes,
                              note=self.notes.add, report=self.report)

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
        if not _has_content(header):
            p = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
            self.restyle(p, "Header")
            self.add_text(p, meta.title)
            if meta.audience_name:
                p.add_run("\t")
                self.add_text(p, meta.audience_name, style=self.style("Accent Text", WD_STYLE_TYPE.CHARACTER))
            _right_tab(p, self.text_width)
            _bottom_border(p, self.theme.rule.lstrip("#"))
        footer = section.footer
        if not _has_field(footer, "PAGE"):
            for p in footer.paragraphs[1:]:
                p._p.getparent().remove(p._p)
            p = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
            self.restyle(p, "Footer")
            for r in list(p.runs):
                r._r.getparent().remove(r._r)
            self.add_text(p, " · ".join(x for x in (meta.publisher, meta.date_text) if x))
            p.add_run("\tPage ")
            _field(p, "PAGE", "1")
            p.add_run(" of ")
            _field(p, "NUMPAGES", "1")
            _right_tab(p, self.text_width)

    def finish(self) -> None:
        meta = self.doc.meta
        core = self.word.core_properties
        core.title = _meta(meta.title)
        core.subject = _meta(meta.subject)
        core.author = _meta(meta.author)
        core.last_modified_by = _meta(meta.author)
        core.keywords = ", ".join(_meta(k) for k in meta.keywords)
        core.category = "Briefing"
        core.comments = _meta(f"Briefing for {meta.audience_name}" if meta.audience_name else "Briefing")
        core.language = meta.language or ""
        core.revision = 1
        if meta.date is not None:
            stamp = datetime.combine(meta.date, time(0, 0), tzinfo=timezone.utc)
            core.created = stamp
            core.modified = stamp
        settings = self.word.settings.element
        for old in settings.findall(qn("w:updateFields")):
            settings.remove(old)
        update = OxmlElement("w:updateFields")
        update.set(qn("w:val"), "true")
        anchor = next((c for c in settings if _local(c.tag) in _SETTINGS_AFTER_UPDATE_FIELDS), None)
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
        _table_width(band, page_w, indent=-left)
        _row_height(band.rows[0], Cm(11.5))
        cell = band.rows[0].cells[0]
        _cell_shading(cell, self.accent)
        _cell_margins(cell, left=left, right=left, top=int(Cm(2.2)), bottom=int(Cm(1.2)))
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
        for label, value in (("Prepared for", meta.audience_name), ("Date", meta.date_text),
                             ("Author", meta.author), ("Published by", meta.publisher)):
            if value:
                self.add_text(self.para(self.word, "Cover Label"), label)
                self.add_text(self.para(self.word, "Cover Text"), value)
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
        entries: list[tuple[int, str, str]] = []
        if self.doc.summary is not None:
            entries.append((1, self.doc.summary.title, "summary"))
        for i, s in enumerate(self.doc.sections, start=1):
            entries.append((1, s.title, s.anchor or f"sec-{i}"))
            for b in s.blocks:
                if isinstance(b, Heading) and b.level <= 3:
                    entries.append((b.level, b.text, b.anchor))
        if self.doc.references.entries:
            entries.append((1, self.doc.references.title, "references"))
        first = self.para(self.word, "TOC 1")
        _field_begin(first, ' TOC \\o "1-3" \\h \\z \\u ')
        paragraphs = [first]
        for n, (level, text, anchor) in enumerate(entries):
            p = first if n == 0 else self.para(self.word, f"TOC {min(level, 3)}")
            if n:
                paragraphs.append(p)
            link = _internal_link(p, bookmark_name(anchor)) if anchor else None
            self.add_text(p, text, parent=link)
        if not entries:
            first.add_run("Right-click and choose Update Field to build the table of contents.")
        _field_end(paragraphs[-1])
        self.page_break()

    # ---- body

    def section(self, section: Section) -> None:
        self.section_number += 1
        self.heading(section.title, 1, section.anchor or f"sec-{self.section_number}")
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

    def heading(self, text: str, level: int, anchor: str) -> None:
        p = self.para(self.word, f"Heading {level}")
        if anchor:
            self.bookmark(p, anchor, lambda: self.add_text(p, text))
        else:
            self.add_text(p, text)

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
                        self.add_text(p, run.text, parent=_internal_link(p, bookmark_name(f"ref-{first}")))
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
                self.add_text(p, str(n), style=style, parent=_internal_link(p, bookmark_name(f"ref-{n}")))
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
            width = min(int(self.text_width), int(Cm(16)))
            try:
                shape = p.add_run().add_picture(io.BytesIO(png), width=Emu(width))
            except Exception as exc:
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
        fld = _simple_field(p, f" SEQ {label} \\* ARABIC ", str(number))
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
        _table_look(grid)
        total = sum(max(c.width, 0.1) for c in table.columns)
        widths = [int(int(self.text_width) * max(c.width, 0.1) / total) for c in table.columns]
        _table_width(grid, int(self.text_width))
        text_style = self.style("Table Text")
        head = grid.rows[0]
        _repeat_header(head)
        for cell, col, w in zip(head.cells, table.columns, widths):
            cell.width = Emu(w)
            p = cell.paragraphs[0]
            p._p.style = text_style
            self.add_text(p, col.title).bold = True
            p.alignment = _align(col.align)
        for r in table.rows:
            if len(r) > cols:
                self.notes.add(f"Table {table.number}: a row has more cells than columns; the extra were dropped")
            row = grid.add_row()
            for i, (cell, col) in enumerate(zip(row.cells, table.columns)):
                cell.width = Emu(widths[i])
                p = cell.paragraphs[0]
                p._p.style = text_style
                p.alignment = _align(col.align)
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
        _table_width(grid, int(self.text_width))
        gap = int(Cm(0.15))
        for i, item in enumerate(kf.items):
            cell = grid.rows[i // per_row].cells[i % per_row]
            cell.width = Emu(int(self.text_width) // per_row)
            _cell_shading(cell, self.theme.panel.lstrip("#"))
            _cell_borders(cell, top=(self.accent, 18), sides=("FFFFFF", gap))
            _cell_margins(cell, left=int(Cm(0.3)), right=int(Cm(0.25)), top=int(Cm(0.25)), bottom=int(Cm(0.3)))
            value = cell.paragraphs[0]
            self.restyle(value, "Key Figure Value")
            self.add_text(value, item.value)
            self.add_text(self.para(cell, "Key Figure Label"), item.label)
            if item.context or item.refs:
                ctx = self.para(cell, "Key Figure Context")
                if item.context:
                    self.add_text(ctx, item.context + " ")
                self.marker(ctx, item.refs)
        for j in range(len(kf.items), rows * per_row):
            _cell_borders(grid.rows[j // per_row].cells[j % per_row], top=None, sides=("FFFFFF", gap))
        self.word.add_paragraph().paragraph_format.space_after = Pt(4)

    def callout(self, callout: Callout) -> None:
        if not callout.title and not callout.body:
            return
        box = self.word.add_table(rows=1, cols=1)
        _table_width(box, int(self.text_width))
        cell = box.rows[0].cells[0]
        _cell_shading(cell, self.theme.panel.lstrip("#"))
        _cell_borders(cell, left=(self.accent, 24))
        _cell_margins(cell, left=int(Cm(0.5)), right=int(Cm(0.4)), top=int(Cm(0.3)), bottom=int(Cm(0.2)))
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
        self.word.add_paragraph().paragraph_format.space_after = Pt(4)

    def references(self) -> None:
        self.heading(self.doc.references.title, 1, "references")
        for ref in self.doc.references.entries:
            self.reference(ref)

    def reference(self, ref: Reference) -> None:
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


# ---- small OOXML helpers (python-docx has no API for these)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _meta(text: str) -> str:
    return " ".join(xml_safe(text).split())[:255]


def _has_content(part: Any) -> bool:
    if part.is_linked_to_previous:
        return False
    el = part._element
    return any((t.text or "").strip() for t in el.iter(qn("w:t"))) or bool(list(el.iter(qn("w:drawing"))))


def _has_field(part: Any, name: str) -> bool:
    if part.is_linked_to_previous:
        return False
    el = part._element
    instr = [i.text or "" for i in el.iter(qn("w:instrText"))]
    instr += [f.get(qn("w:instr")) or "" for f in el.iter(qn("w:fldSimple"))]
    return any(name in i.split() for i in instr)


def _field(p: Any, code: str, cached: str) -> None:
    _field_begin(p, f" {code} ")
    p.add_run(cached)
    _field_end(p)


def _field_begin(p: Any, instr: str) -> None:
    r = p.add_run()._r
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    begin.set(qn("w:dirty"), "true")
    r.append(begin)
    r2 = p.add_run()._r
    text = OxmlElement("w:instrText")
    text.set(qn("xml:space"), "preserve")
    text.text = instr
    r2.append(text)
    r3 = p.add_run()._r
    sep = OxmlElement("w:fldChar")
    sep.set(qn("w:fldCharType"), "separate")
    r3.append(sep)


def _field_end(p: Any) -> None:
    r = p.add_run()._r
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    r.append(end)


def _simple_field(p: Any, instr: str, cached: str) -> Any:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = cached
    r.append(t)
    fld.append(r)
    p._p.append(fld)
    return fld


def _internal_link(p: Any, anchor: str) -> Any:
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    p._p.append(link)
    return link


def _right_tab(p: Any, position: Any) -> None:
    """One right tab at `position`; the style's own tab stops are cleared for this paragraph, so a
    reference document's Header style (often centre + right at Letter width) cannot misplace text."""
    from docx.enum.text import WD_TAB_ALIGNMENT

    stops = p.paragraph_format.tab_stops
    style = p.style
    while style is not None:
        for tab in style.paragraph_format.tab_stops:
            if abs(int(tab.position) - int(position)) > 635 * 20:
                stops.add_tab_stop(tab.position, WD_TAB_ALIGNMENT.CLEAR)
        style = style.base_style
    stops.add_tab_stop(position, WD_TAB_ALIGNMENT.RIGHT)


def _bottom_border(p: Any, color: str) -> None:
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "4")
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), color)
    bdr.append(bottom)
    ppr.append(bdr)


def _align(align: str) -> Any:
    return {"right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}.get(align, WD_ALIGN_PARAGRAPH.LEFT)


def _tbl_pr(table: Any) -> Any:
    return table._tbl.tblPr


def _table_width(table: Any, width: int, indent: int | None = None) -> None:
    tblpr = _tbl_pr(table)
    for tag in ("w:tblW", "w:tblInd"):
        for old in tblpr.findall(qn(tag)):
            tblpr.remove(old)
    w = OxmlElement("w:tblW")
    w.set(qn("w:w"), str(int(width) // 635))  # EMU -> twentieths of a point
    w.set(qn("w:type"), "dxa")
    _insert_tblpr(tblpr, w)
    if indent is not None:
        ind = OxmlElement("w:tblInd")
        ind.set(qn("w:w"), str(int(indent) // 635))
        ind.set(qn("w:type"), "dxa")
        _insert_tblpr(tblpr, ind)
    layout = tblpr.find(qn("w:tblLayout"))
    if layout is None:
        layout = OxmlElement("w:tblLayout")
        _insert_tblpr(tblpr, layout)
    layout.set(qn("w:type"), "fixed")


_TBLPR_ORDER = ("tblStyle", "tblpPr", "tblOverlap", "bidiVisual", "tblStyleRowBandSize", "tblStyleColBandSize",
                "tblW", "jc", "tblCellSpacing", "tblInd", "tblBorders", "shd", "tblLayout", "tblCellMar",
                "tblLook", "tblCaption", "tblDescription")


def _insert_tblpr(tblpr: Any, el: Any) -> None:
    """Insert in schema order; Word rejects a tblPr whose children are out of sequence."""
    rank = _TBLPR_ORDER.index(_local(el.tag))
    for child in tblpr:
        name = _local(child.tag)
        if name in _TBLPR_ORDER and _TBLPR_ORDER.index(name) > rank:
            child.addprevious(el)
            return
    tblpr.append(el)


def _table_look(table: Any) -> None:
    tblpr = _tbl_pr(table)
    for old in tblpr.findall(qn("w:tblLook")):
        tblpr.remove(old)
    look = OxmlElement("w:tblLook")
    for attr, val in (("w:val", "04A0"), ("w:firstRow", "1"), ("w:lastRow", "0"), ("w:firstColumn", "0"),
                      ("w:lastColumn", "0"), ("w:noHBand", "0"), ("w:noVBand", "1")):
        look.set(qn(attr), val)
    _insert_tblpr(tblpr, look)


def _repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def _row_height(row: Any, height: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    h = OxmlElement("w:trHeight")
    h.set(qn("w:val"), str(int(height) // 635))
    h.set(qn("w:hRule"), "exact")
    trpr.append(h)
    cant = OxmlElement("w:cantSplit")
    trpr.append(cant)


_TCPR_ORDER = ("cnfStyle", "tcW", "gridSpan", "hMerge", "vMerge", "tcBorders", "shd", "noWrap", "tcMar",
               "textDirection", "tcFitText", "vAlign", "hideMark")


def _insert_tcpr(tcpr: Any, el: Any) -> None:
    name = _local(el.tag)
    for old in tcpr.findall(el.tag):
        tcpr.remove(old)
    rank = _TCPR_ORDER.index(name)
    for child in tcpr:
        cname = _local(child.tag)
        if cname in _TCPR_ORDER and _TCPR_ORDER.index(cname) > rank:
            child.addprevious(el)
            return
    tcpr.append(el)


def _cell_shading(cell: Any, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    _insert_tcpr(cell._tc.get_or_add_tcPr(), shd)


def _cell_margins(cell: Any, *, left: int, right: int, top: int, bottom: int) -> None:
    mar = OxmlElement("w:tcMar")
    for side, v in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(int(v) // 635))
        m.set(qn("w:type"), "dxa")
        mar.append(m)
    _insert_tcpr(cell._tc.get_or_add_tcPr(), mar)


def _cell_borders(cell: Any, *, top: tuple[str, int] | None = None, left: tuple[str, int] | None = None,
                  sides: tuple[str, int] | None = None) -> None:
    borders = OxmlElement("w:tcBorders")
    spec: dict[str, tuple[str, int] | None] = {"top": top, "left": left, "bottom": None, "right": None}
    if sides is not None:
        spec["left"] = spec["left"] or (sides[0], max(2, sides[1] // 635 // 2))
        spec["right"] = (sides[0], max(2, sides[1] // 635 // 2))
    for side in ("top", "left", "bottom", "right"):
        b = OxmlElement(f"w:{side}")
        value = spec[side]
        if value is None:
            b.set(qn("w:val"), "nil")
        else:
            color, size = value
            b.set(qn("w:val"), "single")
            b.set(qn("w:sz"), str(min(int(size), 96)))
            b.set(qn("w:color"), color)
        borders.append(b)
    _insert_tcpr(cell._tc.get_or_add_tcPr(), borders)


__all__ = ["bookmark_name", "write"]
