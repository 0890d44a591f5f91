"""Charts in the Word file: a vector SVG with a PNG fallback, the way Word 2016 and later write a
picture inserted from an SVG (the PNG in a:blip, the SVG in an asvg:svgBlip extension of it).

Word 2016 and later draw the SVG; readers that do not know the extension draw the PNG (LibreOffice
7.4, measured: its PDF of the .docx holds the 200 dpi PNGs). The chart is placed at its print
size, the text width the PDF draws it at.
"""

from __future__ import annotations

import io
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement
from docx.oxml.ns import nsdecls, qn
from docx.oxml.parser import parse_xml
from docx.shared import Emu

SVG_CONTENT_TYPE = "image/svg+xml"
SVG_EXTENSION_URI = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"  # Office's id for the SVG blip extension
ASVG = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


class Pictures:
    """Places charts in one document; an SVG used twice (a figure repeated) is stored once."""

    def __init__(self, word: Any) -> None:
        self.word = word
        self.svg_ids: dict[bytes, str] = {}
        # Part names are counted here: python-docx's next_partname walks every part on each call.
        self.taken = {str(p.partname) for p in word.part.package.iter_parts()}
        self.count = 0

    def add(self, run: Any, png: bytes, svg: bytes | None, width: int) -> Any:
        """The chart as an inline picture in `run`, `width` EMU wide; returns python-docx's shape."""
        shape = run.add_picture(io.BytesIO(png), width=Emu(width))
        if svg is not None:
            blip = next(shape._inline.iter(qn("a:blip")))
            add_svg_blip(blip, self.svg_part_id(svg))
        return shape

    def svg_part_id(self, svg: bytes) -> str:
        r_id = self.svg_ids.get(svg)
        if r_id is None:
            part = self.word.part
            self.count += 1
            while (name := f"/word/media/chart{self.count}.svg") in self.taken:
                self.count += 1
            svg_part = Part(PackURI(name), SVG_CONTENT_TYPE, svg, part.package)
            r_id = self.svg_ids[svg] = part.relate_to(svg_part, RT.IMAGE)
        return r_id


def add_svg_blip(blip: Any, r_id: str) -> None:
    """<a:extLst><a:ext uri=…><asvg:svgBlip r:embed=…/></a:ext></a:extLst> inside `blip`."""
    ext_list = blip.find(qn("a:extLst"))
    if ext_list is None:
        ext_list = OxmlElement("a:extLst")
        blip.append(ext_list)
    ext = OxmlElement("a:ext")
    ext.set("uri", SVG_EXTENSION_URI)
    ext.append(parse_xml(f'<asvg:svgBlip xmlns:asvg="{ASVG}" {nsdecls("r")} r:embed="{r_id}"/>'))
    ext_list.append(ext)
