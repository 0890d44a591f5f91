"""The house style for matplotlib: bundled fonts (registered once), sizes, colours and output presets."""

from __future__ import annotations

import dataclasses
import threading
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from matplotlib import font_manager
from matplotlib.font_manager import FontProperties

from briefing.charts.sizes import (  # noqa: F401 - re-exported: the house style's sizes
    PRESETS,
    SLIDE_HEIGHT_IN,
    SLIDE_WIDTH_IN,
    ChartSize,
    chart_size,
    custom_size,
)
from briefing.theme import Theme

# ---- Fonts

_lock = threading.Lock()
_registered: set[Path] = set()


def register_fonts(theme: Theme) -> None:
    """Make the theme's bundled fonts known to matplotlib, once per process; rcParams stay untouched."""
    paths = [theme.fonts.regular, theme.fonts.bold, theme.fonts.italic, theme.fonts.bold_italic, theme.fonts.cjk]
    with _lock:
        for path in paths:
            if path in _registered or not path.exists():
                continue
            if path == theme.fonts.cjk:
                _add_bold_alias(path, theme.fonts.cjk_subfont)
            font_manager.fontManager.addfont(str(path))  # also clears matplotlib's font lookup cache
            _registered.add(path)


def _add_bold_alias(path: Path, index: int) -> None:
    """The CJK face has no bold: list its regular face as bold too, so bold text falls back to it
    without matplotlib logging "Failed to find font weight" (the glyphs draw at regular weight)."""
    from matplotlib.ft2font import FT2Font

    regular = font_manager.ttfFontProperty(FT2Font(str(path), face_index=index))
    font_manager.fontManager.ttflist.append(dataclasses.replace(regular, weight=700))


@lru_cache(maxsize=8)
def _family_name(path: Path, index: int = 0) -> str:
    from matplotlib.ft2font import FT2Font

    return FT2Font(str(path), face_index=index).family_name


def families(theme: Theme) -> list[str]:
    """Latin first, CJK second: matplotlib falls back glyph by glyph along this list."""
    return [_family_name(theme.fonts.regular), _family_name(theme.fonts.cjk, theme.fonts.cjk_subfont)]


def font(theme: Theme, size_pt: float, *, bold: bool = False) -> FontProperties:
    return FontProperties(family=families(theme), size=size_pt, weight="bold" if bold else "normal")


@lru_cache(maxsize=8)
def _charmap(path: Path, index: int) -> frozenset[int]:
    from matplotlib.ft2font import FT2Font

    return frozenset(FT2Font(str(path), face_index=index).get_charmap())


def drawable(theme: Theme, text: str, *, bold: bool = False) -> tuple[str, str]:
    """(text the fonts can draw, characters left out): emoji and other uncovered glyphs would print as
    boxes and trigger missing-glyph warnings, so they are dropped here and reported instead."""
    latin = _charmap(theme.fonts.bold if bold else theme.fonts.regular, 0)
    cjk = _charmap(theme.fonts.cjk, theme.fonts.cjk_subfont)
    kept: list[str] = []
    dropped: list[str] = []
    for ch in text:
        cp = ord(ch)
        if (ch in "\n " or cp in latin or cp in cjk) and unicodedata.category(ch) != "Cf":
            kept.append(ch)
        elif ch == "\t":
            kept.append(" ")
        elif cp in (0x200D, 0xFE0E, 0xFE0F) or 0x1F3FB <= cp <= 0x1F3FF:
            continue  # joiners, variation selectors and skin tones only ever modify an emoji
        elif unicodedata.category(ch) == "Cf":
            # Invisible format characters (U+FEFF, bidi marks, soft hyphens…): matplotlib does not
            # shape text, so they would draw nothing at best, and U+FEFF aborts its PDF backend
            # (IndexError). Text saved before the domain dropped them reaches here too.
            continue
        else:
            dropped.append(ch)
    return "".join(kept), "".join(dropped)


# ---- Colours


def _luminance(hex_color: str) -> float:
    h = hex_color.lstrip("#")
    rgb = [int(h[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_on(theme: Theme, fill: str) -> str:
    """White or ink, whichever reads better on the fill."""
    white = "#FFFFFF"
    return white if contrast(white, fill) >= contrast(theme.ink, fill) else theme.ink


def _warm(palette: tuple[str, ...], accent: str) -> str:
    """The palette's colour nearest vermillion (hue 26°) that is not the accent: warnings stay warm
    and in the report's own colours (for the house palette: vermillion, else orange)."""
    import colorsys

    def distance(c: str) -> float:
        r, g, b = (int(c.lstrip("#")[i: i + 2], 16) / 255 for i in (0, 2, 4))
        h, _l, sat = colorsys.rgb_to_hls(r, g, b)
        d = abs(h * 360 - 26)
        return min(d, 360 - d) + (360 if sat < 0.2 else 0)  # greys and black never warn

    candidates = [c for c in palette if c.lower() != accent.lower()] or ["#D55E00"]
    return min(candidates, key=distance)


@dataclass(frozen=True)
class Colours:
    """The colours one chart uses: the audience accent for the subject, quiet greys for the rest."""

    accent: str
    ink: str
    muted: str
    faint: str
    grid: str
    rule: str
    panel: str
    background: str
    other: str
    series: tuple[str, ...]
    warning: str

    @classmethod
    def for_chart(cls, theme: Theme, accent_key: str | None) -> Colours:
        accent = theme.accent(accent_key)
        rest = tuple(c for c in theme.palette if c.lower() != accent.lower() and c.lower() != "#f0e442")
        warning = _warm(theme.palette, accent)
        return cls(
            accent=accent,
            ink=theme.ink,
            muted=theme.muted,
            faint=theme.faint,
            grid=theme.grid,
            rule=theme.rule,
            panel=theme.panel,
            background=theme.background,
            other="#A9B2BB",
            series=(accent, *rest),
            warning=warning,
        )
