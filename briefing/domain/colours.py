"""A report's own colours (palette and accents) and the WCAG contrast arithmetic that judges them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from briefing.domain.errors import FieldError, ValidationError

_HEX = re.compile(r"#?([0-9A-Fa-f]{6})")
_KEY = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")
MAX_PALETTE = 12
MARK_CONTRAST = 3.0  # WCAG 2 AA for graphical marks: a chart's accent bars and lines on the page
PAGE = "#FFFFFF"


@dataclass(frozen=True)
class Colours:
    """A report's palette (chart series, in order) and accents (audience key, or "default", to a
    colour). Empty means the house theme's. Stored as data with the report, never in code."""

    palette: tuple[str, ...] = ()
    accents: tuple[tuple[str, str], ...] = ()

    def __bool__(self) -> bool:
        return bool(self.palette or self.accents)

    @property
    def accent_map(self) -> dict[str, str]:
        return dict(self.accents)

    def to_dict(self) -> dict[str, object]:
        return {"palette": list(self.palette), "accents": dict(self.accents)}

    def text(self) -> str:
        """One line for a listing: "palette #14748A, #7A4EAB; accents board=#14748A"."""
        parts = []
        if self.palette:
            parts.append("palette " + ", ".join(self.palette))
        if self.accents:
            parts.append("accents " + ", ".join(f"{k}={v}" for k, v in self.accents))
        return "; ".join(parts) or "house colours"


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


def clean_colour(value: object, field: str, *, mark: bool = False) -> str:
    """"#rrggbb" (the "#" optional) as "#RRGGBB"; with `mark`, it must also read as a chart mark on
    the white page (3:1). Text in an accent is darkened to 4.5:1 by the theme, so any hue can serve."""
    text = str(value if value is not None else "").strip()
    m = _HEX.fullmatch(text)
    if not m:
        raise ValidationError(FieldError(field, f"“{text}” is not a colour; write it as #RRGGBB, e.g. #14748A"))
    out = "#" + m[1].upper()
    if mark and contrast(out, PAGE) < MARK_CONTRAST:
        raise ValidationError(FieldError(
            field, f"{out} is too light to see on the white page ({contrast(out, PAGE):.1f}:1; "
                   f"a chart mark needs {MARK_CONTRAST:.0f}:1); choose a darker shade"))
    return out


def clean_colours(raw: Colours | Mapping[str, object] | None, field: str = "colours") -> Colours:
    """A report's colours from a form, the CLI or report.yaml; every bad entry is named
    (`colours.palette.2`, `colours.accents.board`)."""
    if raw is None:
        return Colours()
    if isinstance(raw, Colours):
        raw = {"palette": raw.palette, "accents": dict(raw.accents)}
    if not isinstance(raw, Mapping):
        raise ValidationError(FieldError(field, "must be a mapping with “palette” and “accents”"))
    errors: list[FieldError] = []
    unknown = sorted(set(raw) - {"palette", "accents"})
    if unknown:
        errors.append(FieldError(field, f"unknown field(s) {', '.join(unknown)}; use palette and accents"))
    palette_raw = raw.get("palette") or ()
    if isinstance(palette_raw, str):
        palette_raw = [p for p in re.split(r"[\s,;]+", palette_raw) if p]
    palette: list[str] = []
    if not isinstance(palette_raw, Iterable):
        errors.append(FieldError(f"{field}.palette", "must be a list of colours"))
        palette_raw = ()
    for i, value in enumerate(palette_raw):
        try:
            colour = clean_colour(value, f"{field}.palette.{i}")
        except ValidationError as exc:
            errors.extend(exc.errors)
            continue
        if colour in palette:
            errors.append(FieldError(f"{field}.palette.{i}", f"{colour} is in the palette twice"))
        palette.append(colour)
    if len(palette) > MAX_PALETTE:
        errors.append(FieldError(f"{field}.palette", f"holds {len(palette)} colours; at most {MAX_PALETTE}"))
    accents_raw = raw.get("accents") or {}
    if isinstance(accents_raw, str):  # as a form field holds them: "board=#1F6F8B, residents=#8E44AD"
        try:
            accents_raw = parse_accents(accents_raw, f"{field}.accents")
        except ValidationError as exc:
            errors.extend(exc.errors)
            accents_raw = {}
    accents: list[tuple[str, str]] = []
    if not isinstance(accents_raw, Mapping):
        errors.append(FieldError(f"{field}.accents", "must map an audience key (or “default”) to a colour"))
        accents_raw = {}
    for key, value in accents_raw.items():
        k = str(key).strip().lower()
        if not _KEY.fullmatch(k):
            errors.append(FieldError(f"{field}.accents", f"“{key}” is not an audience key"))
            continue
        try:
            accents.append((k, clean_colour(value, f"{field}.accents.{k}", mark=True)))
        except ValidationError as exc:
            errors.extend(exc.errors)
    if errors:
        raise ValidationError(errors)
    return Colours(tuple(palette), tuple(accents))


def parse_accents(text: str, field: str = "colours.accents") -> dict[str, str]:
    """"board=#1F6F8B, residents=#8E44AD" (as a form field holds them) as a mapping; the colours are
    checked later by `clean_colours`."""
    out: dict[str, str] = {}
    for item in (p for p in re.split(r"[,;\n]+", text) if p.strip()):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise ValidationError(FieldError(field, f"“{item.strip()[:40]}” is not AUDIENCE=#RRGGBB"))
        out[key.strip().lower()] = value.strip()
    return out
