"""The house style as one frozen record, read from assets/theme.yaml. Stdlib + PyYAML only."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from briefing.domain.colours import Colours, contrast, luminance
from briefing.paths import ASSETS, FONTS

__all__ = ["LARGE_CONTRAST", "TEXT_CONTRAST", "Theme", "ThemeFonts", "contrast", "darken_to", "default_theme",
           "load_theme", "luminance", "report_theme"]


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

    def with_colours(self, palette: Sequence[str] = (), accents: Iterable[tuple[str, str]] = ()) -> Theme:
        """This theme in a report's own colours: its palette replaces the house one, and its accents
        replace the house accents whole (so no house accent leaks into another report's output). A
        report without accents takes its palette's first colour as its accent."""
        chosen = dict(accents)
        if not palette and not chosen:
            return self
        new_palette = tuple(palette) or self.palette
        if not chosen:
            chosen = {"default": new_palette[0]}
        chosen.setdefault("default", new_palette[0] if palette else next(iter(chosen.values())))
        if new_palette == self.palette and chosen == dict(self.accents):
            return self  # the house colours, stated as data: the same theme (and chart cache keys)
        return replace(self, name=f"{self.name}+report", palette=new_palette, accents=MappingProxyType(chosen))

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


def report_theme(colours: Colours | None) -> Theme:
    """The house theme in a report's own colours (the house theme itself when it has none)."""
    if not colours:
        return default_theme()
    return default_theme().with_colours(colours.palette, colours.accents)
