"""Which sRGB colours a finished file uses: fill and stroke colours in a PDF's content streams (chart
form XObjects included), colour values in .docx/.pptx XML, and pixels of PNG images."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from pypdf.generic import ContentStream, IndirectObject

_XML_HEX = re.compile(r'(?:w:val|w:fill|w:color|val|lastClr)="([0-9A-Fa-f]{6})"')


def _hex(r: float, g: float, b: float) -> str:
    return "#" + "".join(f"{round(float(c) * 255):02X}" for c in (r, g, b))


def pdf_colours(path: Path) -> set[str]:
    reader = PdfReader(path)
    out: set[str] = set()
    seen: set[int] = set()

    def walk(obj, resources) -> None:  # type: ignore[no-untyped-def]
        for operands, op in ContentStream(obj, reader).operations:
            # rg/RG set a DeviceRGB fill/stroke; sc/scn with three operands do the same in an RGB space.
            if op in (b"rg", b"RG", b"sc", b"scn", b"SC", b"SCN") and len(operands) == 3:
                out.add(_hex(*operands))
        xobjects = (resources or {}).get("/XObject") if resources else None
        if not xobjects:
            return
        for ref in xobjects.get_object().values():
            key = ref.idnum if isinstance(ref, IndirectObject) else id(ref)
            x = ref.get_object()
            if key in seen or x.get("/Subtype") != "/Form":
                continue
            seen.add(key)
            walk(x, x.get("/Resources"))

    for page in reader.pages:
        walk(page.get_contents(), page.get("/Resources").get_object())
    return out


def ooxml_colours(path: Path) -> set[str]:
    """Colour attributes in every XML part, and every pixel colour of the embedded PNG images."""
    out: set[str] = set()
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.endswith(".xml"):
                out |= {"#" + h.upper() for h in _XML_HEX.findall(z.read(name).decode("utf-8"))}
            elif name.lower().endswith(".png"):
                out |= png_colours(io.BytesIO(z.read(name)))
    return out


def png_colours(source: Path | io.BytesIO) -> set[str]:
    img = Image.open(source).convert("RGB")
    colours = img.getcolors(maxcolors=img.width * img.height) or []
    return {"#" + "".join(f"{c:02X}" for c in rgb) for _, rgb in colours}
