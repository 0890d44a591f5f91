"""Word list numbering for the briefing: section headings numbered 1, 2, 3… in the accent as the
PDF numbers them, and bullets drawn with the body font rather than the Symbol font.

The section number is real Word numbering (numbering.xml), not typed text: Word's TOC field, the
navigation pane and cross-references see it, and the heading's own text stays the section title.
"""

from __future__ import annotations

from typing import Any

from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml

_HANGING = 567  # twentieths of a point (1 cm): room for "10" in the heading size, then the title
_SYMBOL_BULLET = "\uf0b7"  # the Symbol font's bullet, as Word's own templates write it


def section_numbering(word: Any, accent: str) -> int:
    """A new single-level decimal list for section headings; returns its numId.

    The number is in `accent` (hex, no "#") and the title hangs after a tab, so a two-line title
    aligns with its first line. A list of its own restarts at 1 in every export.
    """
    numbering = word.part.numbering_part.element
    ids = [int(a.get(qn("w:abstractNumId"))) for a in numbering.findall(qn("w:abstractNum"))]
    abstract_id = max(ids, default=-1) + 1
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:suff w:val="tab"/>'
        '<w:lvlText w:val="%1"/><w:lvlJc w:val="left"/>'
        f'<w:pPr><w:tabs><w:tab w:val="num" w:pos="{_HANGING}"/></w:tabs>'
        f'<w:ind w:left="{_HANGING}" w:hanging="{_HANGING}"/></w:pPr>'
        f'<w:rPr><w:color w:val="{accent}"/></w:rPr>'
        "</w:lvl></w:abstractNum>"
    )
    # Schema order: every abstractNum before the first num.
    first_num = numbering.find(qn("w:num"))
    if first_num is not None:
        first_num.addprevious(abstract)
    else:
        numbering.append(abstract)
    return int(numbering.add_num(abstract_id).numId)


def number_paragraph(p: Any, num_id: int) -> None:
    """Put paragraph `p` in list `num_id` at its first level."""
    num_pr = p._p.get_or_add_pPr().get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def body_font_bullets(word: Any, family: str) -> None:
    """Bullets that ask for the Symbol font's private-use bullet become "•" in `family`, which the
    document embeds; a reader without Symbol would otherwise see a substitute or a box."""
    numbering = word.part.numbering_part.element
    for lvl in numbering.iter(qn("w:lvl")):
        text = lvl.find(qn("w:lvlText"))
        if text is None or text.get(qn("w:val")) != _SYMBOL_BULLET:
            continue
        text.set(qn("w:val"), "•")
        for fonts in lvl.iter(qn("w:rFonts")):
            for attr in list(fonts.attrib):
                del fonts.attrib[attr]
            fonts.set(qn("w:ascii"), family)
            fonts.set(qn("w:hAnsi"), family)
            fonts.set(qn("w:cs"), family)
            fonts.set(qn("w:hint"), "default")
