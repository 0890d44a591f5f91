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

    def size(self, name: str) -> float:
        return float(self.sizes[name])

    def fingerprint(self) -> str:
        """Stable text identifying every visual input; part of the chart cache key."""
        parts = [self.name, self.ink, self.muted, self.faint, self.grid, self.rule, self.background,
                 self.panel, ",".join(self.palette), repr(sorted(self.accents.items())),
                 repr(sorted(self.sizes.items())),
                 ",".join(p.name for p in (self.fonts.regular, self.fonts.bold, self.fonts.cjk))]
        return "|".join(parts)


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
