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
