"""reportlab fonts: register the theme's TrueType faces once, and pick a face per character."""

from __future__ import annotations

import threading
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics

from briefing.theme import Theme
from briefing.writers.pdf_speed import FastTTFont

_LOCK = threading.Lock()
_REGISTERED: dict[tuple[Path, ...], FontSet] = {}
REPLACEMENT = "\ufffd"


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
                    face_file = FastTTFont(self.cjk, str(self._cjk_path), subfontIndex=self._cjk_subfont)
                    pdfmetrics.registerFont(face_file)
                    # The CJK face has no bold or italic cut; <b> and <i> inside a CJK run keep it.
                    for bold in (0, 1):
                        for italic in (0, 1):
                            addMapping(self.cjk, bold, italic, self.cjk)
                    face = pdfmetrics.getFont(self.cjk).face  # type: ignore[attr-defined]
                    self._cjk_cmap = frozenset(face.charToGlyph)
        return self._cjk_cmap


def register_fonts(theme: Theme) -> FontSet:
    """Register the theme's Latin faces with reportlab (process-wide, once) and return their names."""
    f = theme.fonts
    key = (f.regular, f.bold, f.italic, f.bold_italic, f.cjk)
    with _LOCK:
        if key in _REGISTERED:
            return _REGISTERED[key]
        _fix_astral_to_unicode()
        tag = f"B{len(_REGISTERED)}"  # distinct names if a second theme brings other faces
        regular = FastTTFont(f"{tag}Sans", str(f.regular))
        pdfmetrics.registerFont(regular)
        fonts = FontSet(tag, frozenset(regular.face.charToGlyph), f.cjk, f.cjk_subfont)
        pdfmetrics.registerFont(FastTTFont(fonts.bold, str(f.bold)))
        pdfmetrics.registerFont(FastTTFont(fonts.italic, str(f.italic)))
        pdfmetrics.registerFont(FastTTFont(fonts.bold_italic, str(f.bold_italic)))
        pdfmetrics.registerFontFamily(fonts.regular, normal=fonts.regular, bold=fonts.bold,
                                      italic=fonts.italic, boldItalic=fonts.bold_italic)
        _REGISTERED[key] = fonts
        return fonts


def _fix_astral_to_unicode() -> None:
    """Make reportlab's ToUnicode map right for characters beyond U+FFFF (emoji, rare CJK).

    reportlab 4-5 writes those code points as five or six hex digits, which is not UTF-16, so text
    extraction (search, copy, screen readers) loses them. The patch writes surrogate pairs; it is
    applied only when the installed reportlab still has the fault.
    """
    import reportlab.pdfbase.ttfonts as ttfonts

    original = ttfonts.makeToUnicodeCMap
    if getattr(original, "_briefing_fixed", False) or "<D83DDE00>" in original("X", [0x1F600]):
        return

    def make_to_unicode_cmap(fontname: str, subset: list[int]) -> str:
        def utf16(v: int) -> str:
            if v > 0xFFFF:
                v -= 0x10000
                return "%04X%04X" % (0xD800 + (v >> 10), 0xDC00 + (v & 0x3FF))
            return "%04X" % v

        lines = [
            "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap", "/CIDSystemInfo",
            "<< /Registry (%s)" % fontname, "/Ordering (%s)" % fontname, "/Supplement 0", ">> def",
            "/CMapName /%s def" % fontname, "/CMapType 2 def", "1 begincodespacerange",
            "<00> <%02X>" % (len(subset) - 1), "endcodespacerange", "%d beginbfchar" % len(subset),
        ]
        lines += ["<%02X> <%s>" % (i, utf16(v)) for i, v in enumerate(subset)]
        lines += ["endbfchar", "endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
        return "\n".join(lines)

    make_to_unicode_cmap._briefing_fixed = True  # type: ignore[attr-defined]
    ttfonts.makeToUnicodeCMap = make_to_unicode_cmap
