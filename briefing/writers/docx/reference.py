"""Build templates/reference.docx: the Word reference document holding Briefing's house styles.

Run `python -m briefing.writers.docx.reference` after changing assets/theme.yaml. The Word writer
takes every style by name from the reference document (a company can swap in its own) and only
creates, from `house_styles()` below, the styles that a reference document lacks.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docx import Document as new_document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from briefing.document import Metadata
from briefing.paths import TEMPLATES
from briefing.theme import Theme, default_theme
from briefing.writers.docx.fonts import set_style_fonts, set_theme_fonts, theme_families
from briefing.writers.docx.metadata import set_extended_properties
from briefing.writers.docx.numbering import body_font_bullets

REFERENCE_DOCX = TEMPLATES / "reference.docx"
TABLE_STYLE = "Briefing Table"
TEXT_WIDTH_CM = 17.0  # A4 (21 cm) less 2 cm margins each side


@dataclass(frozen=True)
class StyleSpec:
    """One house style: its kind, what it is based on, and the formatting that makes it ours."""

    name: str
    kind: WD_STYLE_TYPE
    base: str | None = None
    size: float | None = None
    bold: bool | None = None
    italic: bool | None = None
    color: str | None = None  # theme colour name ("ink", "muted", "accent") or hex
    before: float | None = None
    after: float | None = None
    line: float | None = None  # line spacing as a multiple
    keep_next: bool | None = None
    indent: float | None = None  # left indent, cm
    hanging: float | None = None  # hanging indent, cm
    caps: bool | None = None
    underline: bool | None = None
    outline_level: int | None = None


def font_names(theme: Theme) -> tuple[str, str]:
    """The Latin and CJK family names Word should ask for, read from the theme's font files."""
    return theme_families(theme)


def house_styles(theme: Theme) -> list[StyleSpec]:
    body = theme.size("body")
    small = theme.size("small")
    P, C = WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER
    return [
        StyleSpec("Normal", P, size=body, color="ink", after=6, line=1.25),
        StyleSpec("Title", P, "Normal", size=theme.size("title"), bold=True, color="ink", before=0, after=10,
                  line=1.0),
        StyleSpec("Subtitle", P, "Normal", size=13, italic=False, color="muted", after=12, line=1.15),
        StyleSpec("Heading 1", P, "Normal", size=theme.size("h1") - 2, bold=True, color="ink", before=20, after=8,
                  keep_next=True, line=1.0, outline_level=0),
        StyleSpec("Heading 2", P, "Normal", size=theme.size("h2") - 1, bold=True, color="ink", before=14, after=6,
                  keep_next=True, line=1.0, outline_level=1),
        StyleSpec("Heading 3", P, "Normal", size=theme.size("h3"), bold=True, color="muted", before=10, after=4,
                  keep_next=True, line=1.0, outline_level=2),
        StyleSpec("Caption", P, "Normal", size=small + 0.5, bold=False, italic=False, color="ink", before=4, after=2),
        StyleSpec("Quote", P, "Normal", italic=True, color="muted", indent=0.6),
        StyleSpec("List Bullet", P, "Normal", after=4),
        StyleSpec("TOC Heading", P, "Heading 1", outline_level=9),
        StyleSpec("TOC 1", P, "Normal", size=body + 0.5, before=2, after=4),
        StyleSpec("TOC 2", P, "Normal", size=body - 0.5, color="muted", after=2, indent=0.6),
        StyleSpec("TOC 3", P, "Normal", size=body - 1, color="muted", after=2, indent=1.2),
        StyleSpec("Header", P, "Normal", size=small - 0.5, color="muted", after=0),
        StyleSpec("Footer", P, "Normal", size=small - 0.5, color="muted", after=0),
        StyleSpec("Lead", P, "Normal", size=body + 1.5, after=8, line=1.3),
        StyleSpec("Note", P, "Normal", size=small, color="muted"),
        StyleSpec("Source", P, "Normal", size=small - 0.5, color="muted", after=12),
        StyleSpec("Reference", P, "Normal", size=small + 0.5, after=4, indent=0.9, hanging=0.9),
        StyleSpec("Key Figure Value", P, "Normal", size=20, bold=True, color="accent", after=2, line=1.0),
        StyleSpec("Key Figure Label", P, "Normal", size=small + 0.5, after=2, line=1.15),
        StyleSpec("Key Figure Context", P, "Normal", size=small - 1, color="muted", after=0, line=1.15),
        StyleSpec("Callout Title", P, "Normal", size=small + 1, bold=True, caps=True, color="accent", after=4),
        StyleSpec("Callout Text", P, "Normal", after=4),
        StyleSpec("Cover Kicker", P, "Normal", size=9, bold=True, caps=True, color="#FFFFFF", after=14),
        StyleSpec("Cover Label", P, "Normal", size=small, bold=True, caps=True, color="muted", after=0),
        StyleSpec("Cover Text", P, "Normal", size=11, after=10),
        StyleSpec("Table Text", P, "Normal", size=small + 0.5, after=0, line=1.1),
        StyleSpec("Hyperlink", C, color="accent", underline=True),
        StyleSpec("Reference Mark", C, size=small, color="accent"),
        StyleSpec("Caption Label", C, bold=True, color="accent"),
        StyleSpec("Accent Text", C, color="accent"),
    ]


def colour(theme: Theme, name: str, accent: str | None = None) -> RGBColor:
    hexes = {"ink": theme.ink, "muted": theme.muted, "accent": accent or theme.text_accent(None), "rule": theme.rule,
             "panel": theme.panel}
    value = hexes.get(name, name).lstrip("#")
    return RGBColor.from_string(value.upper())


def apply_style(doc: Any, spec: StyleSpec, theme: Theme, *, create_only: bool = False,
                accent: str | None = None) -> Any:
    """Give `doc` the style: restyle it if present (unless create_only), create it if missing.
    `accent` replaces the theme's default accent (an audience's own colour)."""
    try:
        style = doc.styles[spec.name]
        if create_only:
            return style
    except KeyError:
        style = doc.styles.add_style(spec.name, spec.kind)
        if spec.kind == WD_STYLE_TYPE.PARAGRAPH:
            style.quick_style = True
    if spec.base and spec.kind == WD_STYLE_TYPE.PARAGRAPH:
        try:
            style.base_style = doc.styles[spec.base]
        except KeyError:
            pass
    font = style.font
    if spec.size is not None:
        font.size = Pt(spec.size)
    if spec.bold is not None:
        font.bold = spec.bold
    if spec.italic is not None:
        font.italic = spec.italic
    if spec.caps is not None:
        font.all_caps = spec.caps
    if spec.underline is not None:
        font.underline = spec.underline
    if spec.color is not None:
        font.color.rgb = colour(theme, spec.color, accent)
        _drop_theme_colour(style.element)
    if spec.kind == WD_STYLE_TYPE.PARAGRAPH:
        pf = style.paragraph_format
        if spec.before is not None:
            pf.space_before = Pt(spec.before)
        if spec.after is not None:
            pf.space_after = Pt(spec.after)
        if spec.line is not None:
            pf.line_spacing = spec.line
        if spec.keep_next is not None:
            pf.keep_with_next = spec.keep_next
        if spec.indent is not None:
            pf.left_indent = Cm(spec.indent)
        if spec.hanging is not None:
            pf.first_line_indent = Cm(-spec.hanging)
        if spec.outline_level is not None:
            _outline_level(style.element, spec.outline_level)
        if spec.name.startswith("TOC ") or spec.name in ("Header", "Footer"):
            pf.tab_stops.clear_all()
            pf.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        if spec.name == "Title":
            _drop_paragraph_border(style.element)
    return style


def _drop_theme_colour(style_el: Any) -> None:
    # Templates often colour headings through the theme (w:themeColor), which wins over w:val in
    # Word; our explicit colour must be the only one.
    for c in style_el.iter(qn("w:color")):
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            if c.get(qn(attr)) is not None:
                del c.attrib[qn(attr)]


def _drop_paragraph_border(style_el: Any) -> None:
    for b in style_el.iter(qn("w:pBdr")):
        b.getparent().remove(b)


def _outline_level(style_el: Any, level: int) -> None:
    ppr = style_el.get_or_add_pPr()
    for old in ppr.findall(qn("w:outlineLvl")):
        ppr.remove(old)
    el = OxmlElement("w:outlineLvl")
    el.set(qn("w:val"), str(level))
    ppr.append(el)


def ensure_table_style(doc: Any, theme: Theme, accent: str | None = None) -> Any:
    """The "Briefing Table" style: no verticals, a rule under every row, an accent rule under the header."""
    try:
        return doc.styles[TABLE_STYLE]
    except KeyError:
        pass
    style = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.TABLE)
    try:
        style.base_style = doc.styles["Normal Table"]
    except KeyError:
        pass
    el = style.element
    rule = theme.rule.lstrip("#")
    accent = (accent or theme.text_accent(None)).lstrip("#")
    panel = theme.panel.lstrip("#")
    ppr = OxmlElement("w:pPr")
    spacing = OxmlElement("w:spacing")
    spacing.set(qn("w:before"), "0")
    spacing.set(qn("w:after"), "0")
    ppr.append(spacing)
    el.append(ppr)
    rpr = OxmlElement("w:rPr")
    sz = OxmlElement("w:sz")
    sz.set(qn("w:val"), str(int((theme.size("small") + 0.5) * 2)))
    rpr.append(sz)
    el.append(rpr)
    tblpr = OxmlElement("w:tblPr")
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{side}")
        if side in ("insideH", "bottom"):
            b.set(qn("w:val"), "single")
            b.set(qn("w:sz"), "4")
            b.set(qn("w:color"), rule)
        else:
            b.set(qn("w:val"), "nil")
        borders.append(b)
    tblpr.append(borders)
    mar = OxmlElement("w:tblCellMar")
    for side, w in (("top", 60), ("left", 80), ("bottom", 60), ("right", 80)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(w))
        m.set(qn("w:type"), "dxa")
        mar.append(m)
    tblpr.append(mar)
    el.append(tblpr)
    # Header row: bold, muted, an accent rule beneath. Even rows: the panel tint.
    first = OxmlElement("w:tblStylePr")
    first.set(qn("w:type"), "firstRow")
    frpr = OxmlElement("w:rPr")
    frpr.append(OxmlElement("w:b"))
    fcolor = OxmlElement("w:color")
    fcolor.set(qn("w:val"), theme.muted.lstrip("#"))
    frpr.append(fcolor)
    first.append(frpr)
    ftcpr = OxmlElement("w:tcPr")
    fborders = OxmlElement("w:tcBorders")
    fb = OxmlElement("w:bottom")
    fb.set(qn("w:val"), "single")
    fb.set(qn("w:sz"), "12")
    fb.set(qn("w:color"), accent)
    fborders.append(fb)
    ftcpr.append(fborders)
    first.append(ftcpr)
    el.append(first)
    band = OxmlElement("w:tblStylePr")
    band.set(qn("w:type"), "band2Horz")
    btcpr = OxmlElement("w:tcPr")
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), panel)
    btcpr.append(shd)
    band.append(btcpr)
    el.append(band)
    return style


def set_fonts(doc: Any, theme: Theme) -> None:
    """The theme's Latin and CJK families on the defaults, every style and the theme part."""
    set_style_fonts(doc, theme)
    set_theme_fonts(doc, theme)


def build_reference(theme: Theme | None = None) -> Any:
    """A fresh reference document with the house styles and A4 page set-up, and no content."""
    theme = theme or default_theme()
    doc = new_document()
    for spec in house_styles(theme):
        apply_style(doc, spec, theme)
    ensure_table_style(doc, theme)
    set_fonts(doc, theme)
    body_font_bullets(doc, theme_families(theme)[0])
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.5), Cm(2.2)
    section.header_distance, section.footer_distance = Cm(1.2), Cm(1.1)
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    set_extended_properties(doc, Metadata(title="Briefing reference document"), REFERENCE_DOCX.name)
    core = doc.core_properties
    core.title = "Briefing reference document"
    core.author = "Briefing"
    core.comments = "Styles for Word export. Replace with your own reference document to use your styles."
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=REFERENCE_DOCX)
    args = parser.parse_args(argv)
    doc = build_reference()
    args.output.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(args.output))
    print(args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
