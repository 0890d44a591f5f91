"""A stand-in chart renderer: labelled boxes in PDF, PNG or SVG, with no matplotlib.

For fast draft previews and for tests that exercise the writers without drawing real charts. It
has render_bytes's signature, so it drops into WriteOptions(render_chart=placeholder_chart).
"""

from __future__ import annotations

import io
import struct
import zlib
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

if TYPE_CHECKING:
    from briefing.domain.charts import ChartSpec
    from briefing.theme import Theme

# Inches per named size; pixel sizes ("1200x675") are read as 100 dpi.
_SIZES = {"16:9": (19.2, 10.8), "4:3": (16.0, 12.0), "column": (6.3, 3.6)}


def placeholder_chart(spec: ChartSpec, data: object, *, fmt: str = "png", size: Any = "16:9",
                      theme: Theme | None = None, transparent: bool = False, dpi: int | None = None) -> bytes:
    width_in, height_in = _inches(size)
    colour = _accent(spec, theme)
    if fmt == "pdf":
        return _pdf(spec.title, width_in * 72, height_in * 72, colour, theme)
    if fmt == "svg":
        return _svg(spec.title, width_in * 72, height_in * 72, colour)
    if fmt == "png":
        d = dpi or 100
        return _png(max(int(width_in * d), 1), max(int(height_in * d), 1), colour)
    raise ValueError(f"“{fmt}” is not a chart format; use png, svg or pdf")


def _inches(size: Any) -> tuple[float, float]:
    if hasattr(size, "width_in"):  # a ChartSize, as the writers pass for a document's print size
        return float(size.width_in), float(size.height_in)
    if size in _SIZES:
        return _SIZES[size]
    try:
        w, h = size.lower().split("x")
        return int(w) / 100, int(h) / 100
    except ValueError:
        return _SIZES["16:9"]


def _accent(spec: ChartSpec, theme: Theme | None) -> tuple[int, int, int]:
    hex_ = "#0072B2"
    if theme is not None:
        hex_ = theme.accent(spec.accent or None)
    hex_ = hex_.lstrip("#")
    return int(hex_[0:2], 16), int(hex_[2:4], 16), int(hex_[4:6], 16)


def _pdf(title: str, w: float, h: float, rgb: tuple[int, int, int], theme: Theme | None) -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    from briefing.theme import default_theme
    from briefing.writers.pdf.fonts import register_fonts

    # The house face, embedded, as a real chart's: reportlab's Helvetica would be named, not embedded.
    font = register_fonts(theme or default_theme()).regular
    buf = io.BytesIO()
    # types-reportlab types initialFontName as a number; reportlab takes a font name.
    c = Canvas(buf, pagesize=(w, h), invariant=1, initialFontName=font)  # type: ignore[arg-type]
    r, g, b = (v / 255 for v in rgb)
    c.setFillColorRGB(r, g, b)
    bars = (0.6, 1.0, 0.4)
    for i, frac in enumerate(bars):
        c.rect(w * (0.15 + 0.25 * i), h * 0.15, w * 0.18, h * 0.7 * frac, stroke=0, fill=1)
    c.setFillColorRGB(0.35, 0.4, 0.44)
    c.setFont(font, 9)
    c.drawString(w * 0.05, h * 0.05, "Placeholder chart")
    c.showPage()
    c.save()
    return buf.getvalue()


def _svg(title: str, w: float, h: float, rgb: tuple[int, int, int]) -> bytes:
    fill = "#{:02x}{:02x}{:02x}".format(*rgb)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}pt" height="{h:.0f}pt" '
            f'viewBox="0 0 {w:.0f} {h:.0f}"><title>{escape(title)}</title>'
            f'<rect x="{w * 0.15:.0f}" y="{h * 0.3:.0f}" width="{w * 0.18:.0f}" height="{h * 0.55:.0f}" '
            f'fill="{fill}"/></svg>').encode()


def _png(w: int, h: int, rgb: tuple[int, int, int]) -> bytes:
    """A valid RGB PNG: white with one accent bar, written with zlib alone."""
    bar0, bar1 = int(w * 0.4), int(w * 0.6)
    top = int(h * 0.3)
    white = bytes((255, 255, 255))
    colour = bytes(rgb)
    plain_row = b"\x00" + white * w
    bar_row = b"\x00" + white * bar0 + colour * (bar1 - bar0) + white * (w - bar1)
    raw = b"".join(plain_row if y < top else bar_row for y in range(h))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 6)) + chunk(b"IEND", b"")
