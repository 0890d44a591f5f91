"""The data shapes some kinds draw (timeline items, range bands, share segments), kept free of matplotlib
so alt text and decks can use them without loading the drawing code."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from briefing.charts.data import Point
from briefing.charts.fmt import (
    category_names,
    period_span,
    period_text,
    value_text,
    value_texts,
    with_unit,
    year_fraction,
)
from briefing.domain.charts import ChartSpec
from briefing.domain.numbers import plain


def labels_option(spec: ChartSpec) -> dict[str, str]:
    raw = spec.option("labels") or {}
    return {str(k): str(v) for k, v in dict(raw).items()}


# ---- Timeline


@dataclass(frozen=True)
class Item:
    name: str
    detail: str
    when: str
    start: float
    end: float | None  # None: still running ("2025–")
    span: bool
    point: Point

    @property
    def mid(self) -> float:
        return self.start if self.end is None else (self.start + self.end) / 2


def _is_year_span(period: str) -> bool:
    """ "2017-2020" or "2025-" typed with a hyphen (a month such as "2026-03" is not a span)."""
    head, sep, tail = period.strip().partition("-")
    return bool(sep) and head.isdigit() and len(head) == 4 and (tail == "" or (tail.isdigit() and len(tail) == 4))


def _place(p: Point) -> tuple[float, float | None, bool] | None:
    """(start, end, is_span) in fractional years, from the period, else a year value, else as_of."""
    if p.period:
        got = period_span(p.period)
        if got is not None:
            start, end = got
            span = end is None or any(sep in p.period for sep in ("–", "—", "/")) or _is_year_span(p.period)
            return start, end, span
    if p.unit == "year":
        y = float(p.absolute)
        return y, y + 1, False
    if p.as_of:
        x = year_fraction(p.as_of)
        return x, x, False
    return None


def items(spec: ChartSpec, points: list[Point]) -> tuple[list[Item], list[Point]]:
    mode = str(spec.option("category", "label"))
    names = category_names(points, mode, labels_option(spec))
    out: list[Item] = []
    skipped: list[Point] = []
    for p, name in zip(points, names):
        placed = _place(p)
        if placed is None:
            skipped.append(p)
            continue
        start, end, span = placed
        when = period_text(p.period) if p.period else (plain(p.value) if p.unit == "year" else "")
        # Named by entity ("MiniMax"), a milestone still needs to say what happened.
        detail = _detail(p.name, name) if mode in ("entity", "period") else ""
        out.append(Item(name, detail, when, start, end, span, p))
    return out, skipped


def _detail(label: str, name: str) -> str:
    """What the label adds to the item's name, said once: "Kimi K2.5 revealed" under "Kimi K2.5
    (Moonshot AI)" is "revealed"; a label that repeats the name adds nothing."""
    label = label.strip()
    for said in (name, name.split(" (", 1)[0]):
        said = said.strip()
        if said and label.casefold().startswith(said.casefold()):
            rest = label[len(said):]
            if not rest or not rest[0].isalnum():
                return rest.strip(" —–-:,")
    return label


# ---- Range


@dataclass(frozen=True)
class Band:
    name: str
    low: float
    high: float
    low_text: str
    high_text: str
    points: tuple[Point, ...]


def _reciprocal(spec: ChartSpec) -> bool:
    return bool(spec.option("reciprocal", False))


def bands(spec: ChartSpec, points: list[Point]) -> list[Band]:
    """Rows grouped by entity (else label); each row spans its lowest to highest value."""
    recip = _reciprocal(spec)
    key_of = (lambda p: p.entity) if all(p.entity for p in points) else (lambda p: p.label)
    grouped: dict[str, list[Point]] = {}
    for p in points:
        grouped.setdefault(key_of(p), []).append(p)
    labels = labels_option(spec)
    texts = dict(zip((p.ref for p in points), value_texts(points, spec.number_format, spec.unit)))
    out: list[Band] = []
    for name, pts in grouped.items():

        def pos(p: Point) -> float:
            # Reciprocal values ("6" in unit 1/x means one-sixth) sit on a percent-of-reference axis.
            return 100.0 / float(p.absolute) if recip else float(p.absolute)

        ordered = sorted(pts, key=pos)
        lo, hi = ordered[0], ordered[-1]
        out.append(
            Band(
                name=labels.get(name, name),
                low=pos(lo),
                high=pos(hi),
                low_text=texts[lo.ref],
                high_text=texts[hi.ref],
                points=tuple(ordered),
            )
        )
    return out


# ---- Share


_HUNDRED = Decimal(100)
_TOLERANCE = Decimal("0.5")


@dataclass(frozen=True)
class Segment:
    name: str
    value: Decimal
    text: str
    remainder: bool = False


def _rows(spec: ChartSpec, points: list[Point]) -> list[tuple[str, list[Point]]]:
    out: dict[str, list[Point]] = {}
    for p in points:
        out.setdefault(p.series or p.period or "", []).append(p)
    labels = labels_option(spec)
    rows = []
    for key, pts in out.items():
        periods = {p.period for p in pts}
        name = labels.get(key) or (period_text(periods.pop()) if len(periods) == 1 else "")
        rows.append((name, pts))
    return rows


def segments(spec: ChartSpec, points: list[Point]) -> tuple[list[Segment], Decimal]:
    """The segments of one bar and the total they are shares of (100 for percentages)."""
    names = category_names(points, str(spec.option("category", "entity")), labels_option(spec))
    percent = all(p.unit == "%" for p in points)
    segs = [Segment(n, p.absolute, value_text(p, spec.number_format, spec.unit)) for p, n in zip(points, names)]
    total = sum((s.value for s in segs), Decimal(0))
    remainder = spec.option("remainder", "Other")
    if percent and remainder is not False and total < _HUNDRED - Decimal("0.05"):
        rest = _HUNDRED - total
        label = remainder if isinstance(remainder, str) and remainder else "Other"
        segs.append(Segment(label, rest, with_unit(plain(rest), "%"), remainder=True))
        total = _HUNDRED
    return segs, (max(total, _HUNDRED) if percent else total)
