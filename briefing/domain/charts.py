"""What a chart is, as data: ChartKind, MetricRef and the frozen ChartSpec, with validation. Stdlib only."""

from __future__ import annotations

import enum
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from types import MappingProxyType
from typing import Any

from briefing.domain.colours import clean_colour
from briefing.domain.errors import FieldError, ValidationError
from briefing.domain.text import MAX_TITLE, clean_text


class ChartKind(enum.StrEnum):
    BAR = "bar"
    GROUPED_BAR = "grouped_bar"
    LINE = "line"
    SHARE = "share"
    RANGE = "range"
    TIMELINE = "timeline"
    KEY_FIGURES = "key_figures"
    MULTIPLES = "multiples"

    @property
    def label(self) -> str:
        """What a reader calls it; alt text starts with this."""
        return _KIND_LABELS[self]


_KIND_LABELS = {
    ChartKind.BAR: "ranked horizontal bar",
    ChartKind.GROUPED_BAR: "grouped bar",
    ChartKind.LINE: "line",
    ChartKind.SHARE: "share bar",
    ChartKind.RANGE: "range bar",
    ChartKind.TIMELINE: "timeline",
    ChartKind.KEY_FIGURES: "key figures",
    ChartKind.MULTIPLES: "multiples",
}

# Named output sizes; the charts package maps them to inches and dpi. "WxH" pixel sizes are also accepted.
SIZE_PRESETS: tuple[str, ...] = ("16:9", "4:3", "column")
_PIXEL_SIZE = re.compile(r"^(\d{2,5})x(\d{2,5})$")
MAX_PIXELS = 10_000

NUMBER_FORMATS: tuple[str, ...] = ("", "compact", "long", "plain", "percent", "currency")

# Options each kind reads, with the JSON types they accept; anything else is refused so a typo in
# charts.yaml is caught at seed time instead of silently ignored.
_OPTION_TYPES: dict[str, tuple[type, ...]] = {
    "log": (bool,),
    "reciprocal": (bool,),
    "growth": (bool,),
    "highlight": (str,),
    "remainder": (str, bool),
    "sort": (str,),
    "category": (str,),
    "series_pick": (str,),
    "reference": (int, float),
    "reference_label": (str,),
    "end": (int, float),
    "labels": (dict,),
    # The value axis's range, in the axis's own (absolute) units; the renderers only ever widen it
    # to keep every value (and a bar's zero) in the frame, so a range can never hide data.
    "y_min": (int, float),
    "y_max": (int, float),
    # Series key (or metric reference slug#0) -> "#RRGGBB", each readable as a mark on the page.
    "colours": (dict,),
}
_OPTION_CHOICES: dict[str, tuple[str, ...]] = {
    "sort": ("value", "none"),
    "category": ("auto", "entity", "label", "period", "entity+period", "label+period"),
    "series_pick": ("all", "first", "last"),
}

_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_REF = re.compile(r"^(?P<slug>[a-z0-9][a-z0-9_-]{0,79})#(?P<index>\d{1,4})$")
MAX_SERIES = 20
MAX_METRIC_REFS = 60


@dataclass(frozen=True)
class MetricRef:
    """One metric of one finding, by the finding's slug and the metric's index: "slug#0"."""

    finding: str
    index: int

    def __str__(self) -> str:
        return f"{self.finding}#{self.index}"

    @classmethod
    def parse(cls, text: str, field: str = "metrics") -> MetricRef:
        m = _REF.match(str(text).strip())
        if not m:
            raise ValidationError(FieldError(field, f"“{str(text)[:60]}” is not a metric reference; write slug#0"))
        return cls(m["slug"], int(m["index"]))


def _frozen_options(value: Mapping[str, object]) -> Mapping[str, object]:
    """Deep-freeze option values (lists become tuples, dicts read-only) so a spec stays immutable."""
    out: dict[str, object] = {}
    for k, v in value.items():
        if isinstance(v, Mapping):
            out[k] = MappingProxyType(dict(v))
        elif isinstance(v, (list, tuple)):
            out[k] = tuple(v)
        else:
            out[k] = v
    return MappingProxyType(out)


def _json_options(value: Mapping[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for k, v in value.items():
        if isinstance(v, Mapping):
            out[k] = dict(v)
        elif isinstance(v, tuple):
            out[k] = list(v)
        else:
            out[k] = v
    return out


@dataclass(frozen=True)
class ChartSpec:
    """A saved chart: what to plot (series keys and/or metric refs) and how to dress it."""

    key: str
    kind: ChartKind
    title: str
    subtitle: str = ""
    series: tuple[str, ...] = ()
    metrics: tuple[MetricRef, ...] = ()
    unit: str = ""
    number_format: str = ""
    source: str = ""
    note: str = ""
    alt_text: str = ""
    size: str = "16:9"
    accent: str = ""
    audiences: tuple[str, ...] = ()
    # hash=False: a read-only mapping cannot be hashed, and two specs that differ only here are rare.
    options: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}), hash=False)
    position: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.options, MappingProxyType) or any(
            isinstance(v, (list, dict)) for v in self.options.values()
        ):
            object.__setattr__(self, "options", _frozen_options(self.options))

    def __reduce__(self) -> tuple[Any, tuple[dict[str, object]]]:
        # Read-only mappings do not pickle; a process pool receives the JSON form instead.
        return (ChartSpec.from_dict, (self.to_dict(),))

    def option(self, name: str, default: Any = None) -> Any:
        return self.options.get(name, default)

    def in_audience(self, audience_key: str | None) -> bool:
        return not audience_key or not self.audiences or audience_key in self.audiences

    def to_dict(self, *, omit_defaults: bool = False) -> dict[str, object]:
        """JSON-safe form; ChartSpec.from_dict(spec.to_dict()) == spec."""
        full: dict[str, object] = {
            "key": self.key,
            "kind": self.kind.value,
            "title": self.title,
            "subtitle": self.subtitle,
            "series": list(self.series),
            "metrics": [str(m) for m in self.metrics],
            "unit": self.unit,
            "number_format": self.number_format,
            "source": self.source,
            "note": self.note,
            "alt_text": self.alt_text,
            "size": self.size,
            "accent": self.accent,
            "audiences": list(self.audiences),
            "options": _json_options(self.options),
            "position": self.position,
        }
        if not omit_defaults:
            return full
        defaults = _default_dict()
        return {k: v for k, v in full.items() if k in ("key", "kind", "title") or v != defaults[k]}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> ChartSpec:
        """Trusting reader for stored specs; use validate_chart_spec for anything a person typed."""
        return cls(
            key=str(d["key"]),
            kind=ChartKind(d["kind"]),
            title=str(d["title"]),
            subtitle=str(d.get("subtitle") or ""),
            series=tuple(str(s) for s in d.get("series") or ()),
            metrics=tuple(m if isinstance(m, MetricRef) else MetricRef.parse(m) for m in d.get("metrics") or ()),
            unit=str(d.get("unit") or ""),
            number_format=str(d.get("number_format") or ""),
            source=str(d.get("source") or ""),
            note=str(d.get("note") or ""),
            alt_text=str(d.get("alt_text") or ""),
            size=str(d.get("size") or "16:9"),
            accent=str(d.get("accent") or ""),
            audiences=tuple(str(a) for a in d.get("audiences") or ()),
            options=dict(d.get("options") or {}),
            position=int(d.get("position") or 0),
        )


def _default_dict() -> dict[str, object]:
    return ChartSpec("k", ChartKind.BAR, "t").to_dict()


def parse_pixel_size(text: str) -> tuple[int, int] | None:
    """ "1920x1080" -> (1920, 1080); None for anything else (presets included)."""
    m = _PIXEL_SIZE.match(text.strip().lower().replace("×", "x"))
    if not m:
        return None
    w, h = int(m[1]), int(m[2])
    if not (16 <= w <= MAX_PIXELS and 16 <= h <= MAX_PIXELS):
        return None
    return w, h


def is_size(text: str) -> bool:
    return text in SIZE_PRESETS or parse_pixel_size(text) is not None


def validate_chart_spec(d: Mapping[str, Any]) -> ChartSpec:
    """A clean ChartSpec from user or file input, or one ValidationError naming every bad field."""
    errors: list[FieldError] = []

    def text(name: str, *, max_length: int = 200, required: bool = False, multiline: bool = False) -> str:
        try:
            return clean_text(d.get(name), name, max_length=max_length, required=required, multiline=multiline)
        except ValidationError as exc:
            errors.extend(exc.errors)
            return ""

    if not isinstance(d, Mapping):
        raise ValidationError(FieldError("chart", "must be a mapping of fields"))
    unknown = sorted(set(d) - {f.name for f in fields(ChartSpec)})
    for name in unknown:
        errors.append(FieldError(str(name), "is not a chart field"))

    key = text("key", max_length=63, required=True).lower()
    if key and not _KEY.match(key):
        errors.append(FieldError("key", "may hold only lower-case letters, digits, '-' and '_' (max 63)"))

    kind = ChartKind.BAR
    raw_kind = str(d.get("kind") or "").strip().lower().replace("-", "_").replace(" ", "_")
    try:
        kind = ChartKind(raw_kind)
    except ValueError:
        choices = ", ".join(k.value for k in ChartKind)
        shown = raw_kind or "(empty)"
        errors.append(FieldError("kind", f"“{shown[:40]}” is not a chart kind; choose one of {choices}"))

    title = text("title", max_length=MAX_TITLE, required=True)
    subtitle = text("subtitle", max_length=MAX_TITLE)
    unit = text("unit", max_length=40)
    source = text("source", max_length=MAX_TITLE)
    note = text("note", max_length=1000, multiline=True)
    alt = text("alt_text", max_length=2000, multiline=True)

    number_format = text("number_format", max_length=20).lower()
    if number_format not in NUMBER_FORMATS:
        errors.append(FieldError("number_format", f"“{number_format}” is not a number format; choose one of "
                                 + ", ".join(f or "(automatic)" for f in NUMBER_FORMATS)))

    size = text("size", max_length=20) or "16:9"
    if not is_size(size):
        errors.append(FieldError("size", f"“{size}” is not a size; use 16:9, 4:3, column or WIDTHxHEIGHT pixels"))

    accent = text("accent", max_length=63).lower()
    if accent and not _KEY.match(accent):
        errors.append(FieldError("accent", "must be an audience key"))

    series = _string_list(d.get("series"), "series", errors, limit=MAX_SERIES)
    for i, s in enumerate(series):
        if not s or len(s) > 80:
            errors.append(FieldError(f"series.{i}", "must be a series key of 1 to 80 characters"))
    audiences = _string_list(d.get("audiences"), "audiences", errors, limit=50)
    for i, a in enumerate(audiences):
        if not _KEY.match(a):
            errors.append(FieldError(f"audiences.{i}", f"“{a[:40]}” is not an audience key"))

    refs: list[MetricRef] = []
    raw_refs = d.get("metrics") or ()
    if isinstance(raw_refs, (str, bytes)) or not isinstance(raw_refs, (list, tuple)):
        errors.append(FieldError("metrics", "must be a list of references such as slug#0"))
        raw_refs = ()
    if len(raw_refs) > MAX_METRIC_REFS:
        errors.append(FieldError("metrics", f"has {len(raw_refs)} references; the limit is {MAX_METRIC_REFS}"))
    for i, raw in enumerate(raw_refs):
        try:
            ref = raw if isinstance(raw, MetricRef) else MetricRef.parse(raw, f"metrics.{i}")
        except ValidationError as exc:
            errors.extend(exc.errors)
            continue
        if ref not in refs:
            refs.append(ref)
    if not series and not refs:
        errors.append(FieldError("series", "name at least one metric series or metric reference"))

    options = _check_options(d.get("options"), errors)

    position = d.get("position") or 0
    if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position <= 1_000_000:
        errors.append(FieldError("position", "must be a whole number from 0"))
        position = 0

    if errors:
        raise ValidationError(errors, f"chart “{key or d.get('key') or title}”" if (key or title) else None)
    return ChartSpec(
        key=key,
        kind=kind,
        title=title,
        subtitle=subtitle,
        series=tuple(dict.fromkeys(series)),
        metrics=tuple(refs),
        unit=unit,
        number_format=number_format,
        source=source,
        note=note,
        alt_text=alt,
        size=size,
        accent=accent,
        audiences=tuple(dict.fromkeys(audiences)),
        options=options,
        position=position,
    )


def _string_list(value: object, name: str, errors: list[FieldError], *, limit: int) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        value = [v for v in value.split(",")]
    if not isinstance(value, (list, tuple)):
        errors.append(FieldError(name, "must be a list"))
        return []
    if len(value) > limit:
        errors.append(FieldError(name, f"has {len(value)} items; the limit is {limit}"))
    out: list[str] = []
    for i, item in enumerate(value):
        try:
            text = clean_text(item, f"{name}.{i}", max_length=80).strip()
        except ValidationError as exc:
            errors.extend(exc.errors)
            continue
        if text:
            out.append(text)
    return out


def _check_options(value: object, errors: list[FieldError]) -> dict[str, object]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        errors.append(FieldError("options", "must be a mapping of option names to values"))
        return {}
    out: dict[str, object] = {}
    for name, v in value.items():
        where = f"options.{name}"
        types = _OPTION_TYPES.get(str(name))
        if types is None:
            errors.append(FieldError(where, f"is not a chart option; known: {', '.join(sorted(_OPTION_TYPES))}"))
            continue
        if isinstance(v, Mapping):
            v = dict(v)
        # bool is an int subclass; a number option must not silently accept true/false.
        if not isinstance(v, types) or (isinstance(v, bool) and bool not in types):
            names = " or ".join(_TYPE_NAMES[t] for t in types)
            errors.append(FieldError(where, f"must be {names}"))
            continue
        if isinstance(v, str):
            try:
                v = clean_text(v, where, max_length=120)
            except ValidationError as exc:
                errors.extend(exc.errors)
                continue
        choices = _OPTION_CHOICES.get(str(name))
        if choices and v not in choices:
            errors.append(FieldError(where, f"“{v}” is not one of {', '.join(choices)}"))
            continue
        if isinstance(v, float) and not math.isfinite(v):
            errors.append(FieldError(where, "must be a finite number"))
            continue
        if isinstance(v, dict) and name == "colours":
            v = _clean_series_colours(v, where, errors)
        elif isinstance(v, dict):
            clean_map: dict[str, str] = {}
            for k2, v2 in v.items():
                if not isinstance(v2, str):
                    errors.append(FieldError(f"{where}.{k2}", "must be text"))
                    continue
                try:
                    clean_map[str(k2)] = clean_text(v2, f"{where}.{k2}", max_length=120)
                except ValidationError as exc:
                    errors.extend(exc.errors)
            v = clean_map
        out[str(name)] = v
    _check_axis_range(out, errors)
    return out


def _clean_series_colours(value: Mapping[str, object], where: str, errors: list[FieldError]) -> dict[str, str]:
    out: dict[str, str] = {}
    if len(value) > MAX_SERIES + MAX_METRIC_REFS:
        errors.append(FieldError(where, f"has {len(value)} colours; the limit is {MAX_SERIES + MAX_METRIC_REFS}"))
        return out
    for key, colour in value.items():
        series = str(key).strip()
        if not series or len(series) > 80:
            errors.append(FieldError(where, "names a series of 1 to 80 characters for each colour"))
            continue
        try:
            # 3:1 on the white page, as every chart mark; text drawn in it is darkened by the renderer.
            out[series] = clean_colour(colour, f"{where}.{series}", mark=True)
        except ValidationError as exc:
            errors.extend(exc.errors)
    return out


def _check_axis_range(options: dict[str, object], errors: list[FieldError]) -> None:
    lo, hi = options.get("y_min"), options.get("y_max")
    if isinstance(lo, (int, float)) and isinstance(hi, (int, float)) and not lo < hi:
        errors.append(FieldError("options.y_max", f"must be above the axis minimum ({_num(lo)}); it is {_num(hi)}"))
    if options.get("log"):
        for name, v in (("y_min", lo), ("y_max", hi)):
            if isinstance(v, (int, float)) and v <= 0:
                errors.append(FieldError(f"options.{name}", f"must be above zero on a log scale; it is {_num(v)}"))


def _num(v: float) -> str:
    return f"{v:g}"


_TYPE_NAMES = {bool: "true or false", str: "text", int: "a number", float: "a number", dict: "a mapping"}
