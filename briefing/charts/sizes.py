"""Chart output sizes (presets and custom pixel sizes); no matplotlib, so cache look-ups stay cheap."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from briefing.domain.charts import SIZE_PRESETS, parse_pixel_size

# The theme's type sizes are points at the 16:9 slide (19.2 x 10.8 in).
SLIDE_WIDTH_IN = 19.2
SLIDE_HEIGHT_IN = 10.8


@dataclass(frozen=True)
class ChartSize:
    """An output size: inches (same for raster and vector), raster dpi, and how much to scale type."""

    name: str
    width_in: float
    height_in: float
    dpi: float
    font_scale: float

    @property
    def pixels(self) -> tuple[int, int]:
        return round(self.width_in * self.dpi), round(self.height_in * self.dpi)

    def with_dpi(self, dpi: float | None) -> ChartSize:
        return self if not dpi else dataclasses.replace(self, dpi=float(dpi))

    def key(self) -> str:
        return f"{self.width_in:.4f}x{self.height_in:.4f}@{self.dpi:g}/{self.font_scale:.4f}"


PRESETS: dict[str, ChartSize] = {
    "16:9": ChartSize("16:9", 19.2, 10.8, 100, 1.0),
    "4:3": ChartSize("4:3", 14.4, 10.8, 100, 1.0),
    # A document column: type close to the page's body text once placed at 100%.
    "column": ChartSize("column", 6.3, 3.6, 200, 0.45),
}
assert tuple(PRESETS) == SIZE_PRESETS


def chart_size(size: str | ChartSize | None, default: str = "16:9") -> ChartSize:
    """A preset name, "WIDTHxHEIGHT" pixels (at 100 dpi) or a ChartSize; unknown text raises ValueError."""
    if isinstance(size, ChartSize):
        return size
    text = (size or default).strip()
    if text in PRESETS:
        return PRESETS[text]
    px = parse_pixel_size(text)
    if px is None:
        raise ValueError(f"“{text}” is not a chart size; use 16:9, 4:3, column or WIDTHxHEIGHT")
    w, h = px
    return custom_size(w / 100, h / 100, dpi=100, name=f"{w}x{h}")


def custom_size(width_in: float, height_in: float, *, dpi: float = 100, name: str = "custom") -> ChartSize:
    scale = min(width_in / SLIDE_WIDTH_IN, height_in / SLIDE_HEIGHT_IN)
    return ChartSize(name, width_in, height_in, dpi, max(0.3, min(scale, 2.0)))


# A chart in a document is drawn at the text width (A4: 210 mm less two 20 mm margins) and placed
# at 100 %, so its type keeps the size it was drawn at: half the slide's puts the smallest text
# (15 pt ticks; a document chart has no source line of its own) at 7.5 pt.
DOCUMENT_WIDTH_IN = (210 - 40) / 25.4
DOCUMENT_FONT_SCALE = 0.5
MIN_DOCUMENT_TYPE_PT = 7.0


def document_size(kind: str, rows: int, *, width_in: float = DOCUMENT_WIDTH_IN, dpi: float = 200) -> ChartSize:
    """The print size of one chart kind: the text width, and a height that suits what it shows.

    A share bar is a strip, a bar chart grows with its bars (two bars stay short), a line or a
    grouped chart keeps a landscape plot. Never taller than a third of an A4 text column (3.3 in),
    so the page's chart slot never shrinks it (and its type) again.
    """
    per_row = {"bar": 0.36, "range": 0.42, "grouped_bar": 0.2}
    fixed = {"share": 1.45, "key_figures": 1.5, "timeline": 2.5, "line": 2.9, "multiples": 3.2}
    if kind in per_row:
        base = 1.6 if kind == "grouped_bar" else 0.9  # columns need room for names under and values over
        height = min(max(base + per_row[kind] * max(rows, 1), 1.6), 3.3)
    else:
        height = fixed.get(kind, 2.8)
    return ChartSize(f"document-{kind}", width_in, height, dpi, DOCUMENT_FONT_SCALE)
