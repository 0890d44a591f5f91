"""Small OOXML helpers for the Word writer: fields, tabs, borders, table and cell properties.

python-docx has no API for these, so they edit the XML through python-docx's element handles
(`paragraph._p`, `run._r`, `table._tbl`, `cell._tc`, `row._tr`, `part._element`): the library's
documented way down to OOXML, guarded by tests/test_library_privates.py.
"""

from __future__ import annotations

import re
from typing import Any

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from briefing.writers.text import xml_safe

_BOOKMARK = re.compile(r"[^A-Za-z0-9_]")


def bookmark_name(anchor: str) -> str:
    """Word bookmark names: a letter first, then letters, digits and "_", at most 40 characters."""
    name = _BOOKMARK.sub("_", anchor)
    if not name or not name[0].isalpha():
        name = "b_" + name
    return name[:40]


def local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def core_text(text: str) -> str:
    return " ".join(xml_safe(text).split())[:255]


def has_content(part: Any) -> bool:
    if part.is_linked_to_previous:
        return False
    el = part._element
    return any((t.text or "").strip() for t in el.iter(qn("w:t"))) or bool(list(el.iter(qn("w:drawing"))))


def has_field(part: Any, name: str) -> bool:
    if part.is_linked_to_previous:
        return False
    el = part._element
    instr = [i.text or "" for i in el.iter(qn("w:instrText"))]
    instr += [f.get(qn("w:instr")) or "" for f in el.iter(qn("w:fldSimple"))]
    return any(name in i.split() for i in instr)


def field(p: Any, code: str, cached: str) -> None:
    field_begin(p, f" {code} ")
    p.add_run(cached)
    field_end(p)


def field_begin(p: Any, instr: str) -> None:
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


def field_end(p: Any) -> None:
    r = p.add_run()._r
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    r.append(end)


def simple_field(p: Any, instr: str, cached: str) -> Any:
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instr)
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = cached
    r.append(t)
    fld.append(r)
    p._p.append(fld)
    return fld


def internal_link(p: Any, anchor: str) -> Any:
    link = OxmlElement("w:hyperlink")
    link.set(qn("w:anchor"), anchor)
    link.set(qn("w:history"), "1")
    p._p.append(link)
    return link


def right_tab(p: Any, position: Any) -> None:
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


def bottom_border(p: Any, color: str) -> None:
    ppr = p._p.get_or_add_pPr()
    bdr = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "single")
    bottom.set(qn("w:sz"), "4")
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), color)
    bdr.append(bottom)
    ppr.append(bdr)


def paragraph_alignment(align: str) -> Any:
    return {"right": WD_ALIGN_PARAGRAPH.RIGHT, "center": WD_ALIGN_PARAGRAPH.CENTER}.get(align, WD_ALIGN_PARAGRAPH.LEFT)


def _tbl_pr(table: Any) -> Any:
    return table._tbl.tblPr


def table_width(table: Any, width: int, indent: int | None = None) -> None:
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
    rank = _TBLPR_ORDER.index(local(el.tag))
    for child in tblpr:
        name = local(child.tag)
        if name in _TBLPR_ORDER and _TBLPR_ORDER.index(name) > rank:
            child.addprevious(el)
            return
    tblpr.append(el)


def table_look(table: Any) -> None:
    tblpr = _tbl_pr(table)
    for old in tblpr.findall(qn("w:tblLook")):
        tblpr.remove(old)
    look = OxmlElement("w:tblLook")
    for attr, val in (("w:val", "04A0"), ("w:firstRow", "1"), ("w:lastRow", "0"), ("w:firstColumn", "0"),
                      ("w:lastColumn", "0"), ("w:noHBand", "0"), ("w:noVBand", "1")):
        look.set(qn(attr), val)
    _insert_tblpr(tblpr, look)


def repeat_header(row: Any) -> None:
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def keep_row_whole(row: Any) -> None:
    """Word's "Allow row to break across pages" off: the row moves whole to the next page."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def row_height(row: Any, height: Any) -> None:
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
    name = local(el.tag)
    for old in tcpr.findall(el.tag):
        tcpr.remove(old)
    rank = _TCPR_ORDER.index(name)
    for child in tcpr:
        cname = local(child.tag)
        if cname in _TCPR_ORDER and _TCPR_ORDER.index(cname) > rank:
            child.addprevious(el)
            return
    tcpr.append(el)


def cell_shading(cell: Any, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    _insert_tcpr(cell._tc.get_or_add_tcPr(), shd)


def cell_margins(cell: Any, *, left: int, right: int, top: int, bottom: int) -> None:
    mar = OxmlElement("w:tcMar")
    for side, v in (("top", top), ("left", left), ("bottom", bottom), ("right", right)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(int(v) // 635))
        m.set(qn("w:type"), "dxa")
        mar.append(m)
    _insert_tcpr(cell._tc.get_or_add_tcPr(), mar)


def cell_borders(cell: Any, *, top: tuple[str, int] | None = None, left: tuple[str, int] | None = None,
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

