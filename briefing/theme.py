"""The house style as one frozen record, read from assets/theme.yaml. Stdlib + PyYAML only."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from briefing.paths import ASSETS, FONTS


@dataclass(frozen=True)
class ThemeFonts:
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path
    cjk: Path
    cjk_subfont: int = 0


@dataclass(frozen=True)
class Theme:
    name: str
    ink: str
    muted: str
    faint: str
    grid: str
    rule: str
    background: str
    panel: str
    palette: tuple[str, ...]
    accents: Mapping[str, str]
    fonts: ThemeFonts
    sizes: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    def accent(self, audience_key: str | None) -> str:
        if audience_key and audience_key in self.accents:
            return self.accents[audience_key]
        return self.accents.get("default", self.palette[0])

    def text_accent(self, audience_key: str | None) -> str:
        """The accent as documents use it: darkened (same hue) until small text in it reads.

        WCAG AA asks 4.5:1 for small text against the page and the panels it sits on; white type
        on an accent band needs the same. The Okabe–Ito accents stay as they are for chart marks
        (3:1 is enough there), so a chart and its page still share a hue.
        """
        return darken_to(self.accent(audience_key), (self.background, self.panel), TEXT_CONTRAST)

    def size(self, name: str) -> float:
        return float(self.sizes[name])

    def fingerprint(self) -> str:
        """Stable text identifying every visual input; part of the chart cache key."""
        parts = [self.name, self.ink, self.muted, self.faint, self.grid, self.rule, self.background,
                 self.panel, ",".join(self.palette), repr(sorted(self.accents.items())),
                 repr(sorted(self.sizes.items())),
                 ",".join(p.name for p in (self.fonts.regular, self.fonts.bold, self.fonts.cjk))]
        return "|".join(parts)


TEXT_CONTRAST = 4.5  # WCAG 2 AA, small text
LARGE_CONTRAST = 3.0  # WCAG 2 AA, large text (18 pt, or 14 pt bold) and graphical marks


def luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of a "#RRGGBB" colour."""
    h = hex_colour.lstrip("#")
    channels = [int(h[i: i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG 2 contrast ratio of two colours, 1 to 21."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def darken_to(colour: str, backgrounds: tuple[str, ...], ratio: float) -> str:
    """`colour` scaled towards black in 1 % steps until it reaches `ratio` against every background."""
    h = colour.lstrip("#")
    rgb = [int(h[i: i + 2], 16) for i in (0, 2, 4)]
    for step in range(101):
        k = 1 - step / 100
        out = "#" + "".join(f"{round(c * k):02X}" for c in rgb)
        if all(contrast(out, bg) >= ratio for bg in backgrounds):
            return out
    return "#000000"


def load_theme(path: Path | None = None) -> Theme:
    import yaml

    path = path or ASSETS / "theme.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    colors = raw["colors"]
    f = raw["fonts"]
    fonts = ThemeFonts(
        regular=FONTS / f["regular"],
        bold=FONTS / f["bold"],
        italic=FONTS / f["italic"],
        bold_italic=FONTS / f["bold_italic"],
        cjk=FONTS / f["cjk"],
        cjk_subfont=int(f.get("cjk_subfont", 0)),
    )
    return Theme(
        name=raw.get("name", path.stem),
        ink=colors["ink"],
        muted=colors["muted"],
        faint=colors["faint"],
        grid=colors["grid"],
        rule=colors["rule"],
        background=colors["background"],
        panel=colors["panel"],
        palette=tuple(raw["palette"]),
        accents=MappingProxyType(dict(raw["accents"])),
        fonts=fonts,
        sizes=MappingProxyType({k: float(v) for k, v in raw["sizes"].items()}),
    )


@lru_cache(maxsize=1)
def default_theme() -> Theme:
    return load_theme()
