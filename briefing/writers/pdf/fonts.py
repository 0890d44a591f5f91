"""reportlab fonts: register the theme's TrueType faces once, and pick a face per character."""

from __future__ import annotations

import re
import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDocument, PDFStream
from reportlab.pdfbase.ttfonts import TTFont

from briefing.theme import Theme

_LOCK = threading.Lock()
_REGISTERED: dict[tuple[Path, ...], FontSet] = {}
REPLACEMENT = "\ufffd"

# One ToUnicode entry as reportlab 4-5 writes a code point beyond U+FFFF: five or six hex digits.
_ASTRAL_ENTRY = re.compile(r"^(<[0-9A-F]{2}>) <([0-9A-F]{5,6})>$", re.MULTILINE)
_TO_UNICODE = "toUnicodeCMap:"  # reportlab's name prefix for a font subset's ToUnicode stream


class Face(TTFont):
    """reportlab's TrueType font, with a right ToUnicode map for characters beyond U+FFFF.

    reportlab 4-5 writes those code points (emoji, rare CJK) as five or six hex digits, which is
    not UTF-16, so text extraction (search, copy, screen readers) loses them. After reportlab has
    made a document's font objects (its public `addObjects`), the entries are rewritten as
    surrogate pairs; a reportlab that writes them right leaves nothing to rewrite.
    """

    def addObjects(self, doc: PDFDocument) -> None:
        super().addObjects(doc)
        for name, obj in doc.idToObject.items():
            if isinstance(name, str) and name.startswith(_TO_UNICODE) and isinstance(obj, PDFStream) \
                    and isinstance(obj.content, str):
                obj.content = _ASTRAL_ENTRY.sub(_surrogates, obj.content)


def _surrogates(entry: re.Match[str]) -> str:
    v = int(entry.group(2), 16) - 0x10000
    return f"{entry.group(1)} <{0xD800 + (v >> 10):04X}{0xDC00 + (v & 0x3FF):04X}>"


class FontSet:
    """reportlab font names for one theme, and the code points each face can draw.

    The CJK face (4.9 MB, about 0.13 s to parse) is registered the first time a document needs a
    character the Latin face lacks, so a briefing without Chinese, Japanese or Korean never pays.
    """

    def __init__(self, tag: str, latin_cmap: frozenset[int], cjk_path: Path, cjk_subfont: int) -> None:
        self.regular = f"{tag}Sans"
        self.bold = f"{tag}Sans-Bold"
        self.italic = f"{tag}Sans-Oblique"
        self.bold_italic = f"{tag}Sans-BoldOblique"
        self.cjk = f"{tag}CJK"
        self.latin_cmap = latin_cmap
        self._cjk_path = cjk_path
        self._cjk_subfont = cjk_subfont
        self._cjk_cmap: frozenset[int] | None = None

    @property
    def cjk_cmap(self) -> frozenset[int]:
        if self._cjk_cmap is None:
            with _LOCK:
                if self._cjk_cmap is None:
                    face_file = Face(self.cjk, str(self._cjk_path), subfontIndex=self._cjk_subfont)
                    pdfmetrics.registerFont(face_file)
                    # The CJK face has no bold or italic cut; <b> and <i> inside a CJK run keep it.
                    for bold in (0, 1):
                        for italic in (0, 1):
                            addMapping(self.cjk, bold, italic, self.cjk)
                    self._cjk_cmap = frozenset(face_file.face.charToGlyph)
        return self._cjk_cmap


def register_fonts(theme: Theme) -> FontSet:
    """Register the theme's Latin faces with reportlab (process-wide, once) and return their names."""
    f = theme.fonts
    key = (f.regular, f.bold, f.italic, f.bold_italic, f.cjk)
    with _LOCK:
        if key in _REGISTERED:
            return _REGISTERED[key]
        tag = f"B{len(_REGISTERED)}"  # distinct names if a second theme brings other faces
        regular = Face(f"{tag}Sans", str(f.regular))
        pdfmetrics.registerFont(regular)
        fonts = FontSet(tag, frozenset(regular.face.charToGlyph), f.cjk, f.cjk_subfont)
        pdfmetrics.registerFont(Face(fonts.bold, str(f.bold)))
        pdfmetrics.registerFont(Face(fonts.italic, str(f.italic)))
        pdfmetrics.registerFont(Face(fonts.bold_italic, str(f.bold_italic)))
        pdfmetrics.registerFontFamily(fonts.regular, normal=fonts.regular, bold=fonts.bold,
                                      italic=fonts.italic, boldItalic=fonts.bold_italic)
        _REGISTERED[key] = fonts
        return fonts
