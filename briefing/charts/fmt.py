"""How chart text reads: value labels ("140T", "$6M", "61%"), axis ticks, periods and category names."""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

from briefing.charts.data import Point
from briefing.domain.labels import parse_day, period_text, qualified
from briefing.domain.numbers import format_quantity, group, plain

CURRENCY_SYMBOL = {"USD": "$", "CNY": "¥", "EUR": "€", "GBP": "£"}
_STEPS = ((Decimal(10) ** 12, "T"), (Decimal(10) ** 9, "B"), (Decimal(10) ** 6, "M"))
_SIGNIFICANT = 4


def _trim(d: Decimal) -> str:
    """Up to four significant digits for fractions (chart labels, not ledgers); integers exact."""
    if d == d.to_integral_value():
        return group(d)
    digits = d.adjusted() + 1
    places = max(0, _SIGNIFICANT - max(digits, 1))
    q = d.quantize(Decimal(1).scaleb(-places)) if places else d.quantize(Decimal(1))
    return group(q)


def with_unit(body: str, unit: str) -> str:
    if unit == "%":
        return f"{body}%"
    if unit in ("×", "x"):
        return f"{body}×"
    if unit == "1/x":
        return f"1/{body}"
    symbol = CURRENCY_SYMBOL.get(unit)
    if symbol:
        return f"−{symbol}{body[1:]}" if body.startswith("-") else f"{symbol}{body}"
    return body


def compact(x: Decimal, unit: str = "", *, thousands: bool = False) -> str:
    """ "140T", "5.16T", "$650B", "1.6M", "600,000", "61%": suffixes from a million up, exact below
    (or "600K" with thousands=True, for charts that also show millions)."""
    ax = abs(x)
    steps = (*_STEPS, (Decimal(1000), "K")) if thousands else _STEPS
    for factor, suffix in steps:
        if ax >= factor:
            return with_unit(_trim(x / factor) + suffix, unit)
    return with_unit(_trim(x), unit)


def tick(x: float, unit: str = "", *, escape: bool = True) -> str:
    """An axis tick label. With escape, "$" becomes "\\$" for matplotlib tick labels, which still pass
    through mathtext; text drawn with parse_math=False wants escape=False."""
    d = Decimal(repr(float(x)))
    if d == 0:
        text = with_unit("0", unit)
    elif abs(d) < 1:
        text = with_unit(_trim(d), unit)
    else:
        ax = abs(d)
        text = ""
        for factor, suffix in (*_STEPS, (Decimal(1000), "K")):
            if ax >= factor:
                text = with_unit(_trim(d / factor) + suffix, unit)
                break
        if not text:
            text = with_unit(_trim(d), unit)
    return text.replace("$", r"\$") if escape else text


def value_texts(points: Sequence[Point], number_format: str = "", spec_unit: str = "") -> list[str]:
    """Labels for points shown together, in one style: "600K" beside "1.6M", not "600,000"."""
    sized = [abs(p.absolute) for p in points if p.unit not in ("year", "1/x", "%", "×", "x")]
    thousands = bool(sized) and max(sized) >= _STEPS[-1][0] and min(sized) >= 1000
    return [value_text(p, number_format, spec_unit, thousands=thousands) for p in points]


def said(p: Point, text: str) -> str:
    """A value label with the source's qualifier, as the briefing's text prints it: "over 100K"."""
    return qualified(text, p.qualifier)


def value_text(p: Point, number_format: str = "", spec_unit: str = "", *, thousands: bool = False) -> str:
    """A point's direct label in the chart's number format."""
    if p.unit == "year":
        return plain(p.value)
    if p.unit == "1/x":
        return "1/" + plain(p.value)
    nf = number_format or "compact"
    if nf == "long":
        return format_quantity(p.value, p.unit, p.scale, compact=False)
    if nf == "plain":
        return with_unit(group(p.absolute), p.unit)
    if nf == "percent":
        return f"{_trim(p.value)}%"
    if nf == "currency":
        code = p.unit if p.unit in CURRENCY_SYMBOL else (spec_unit if spec_unit in CURRENCY_SYMBOL else "USD")
        return compact(p.absolute, code, thousands=thousands)
    return compact(p.absolute, p.unit, thousands=thousands)


def spoken(p: Point) -> str:
    """A value as alt text says it: "5.16 trillion tokens", "61%", "$6 million", "one-sixth"."""
    if p.unit == "year":
        return plain(p.value)
    if p.unit == "1/x":
        return _FRACTION_WORDS.get(p.value, f"1/{plain(p.value)}")
    return format_quantity(p.value, p.unit, p.scale, compact=False)


_FRACTION_WORDS = {
    Decimal(2): "one-half",
    Decimal(3): "one-third",
    Decimal(4): "one-quarter",
    Decimal(5): "one-fifth",
    Decimal(6): "one-sixth",
    Decimal(8): "one-eighth",
    Decimal(10): "one-tenth",
}


def common_unit(points: Sequence[Point], spec_unit: str = "") -> str:
    """The unit every point shares ("" when they differ); the spec's unit wins when it is a symbol unit."""
    units = {p.unit for p in points}
    if len(units) == 1:
        return units.pop()
    return spec_unit if spec_unit in ("%", "×", *CURRENCY_SYMBOL) else ""


# ---- Periods

_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)
_SPAN = re.compile(r"^(\d{4})\s*[–—-]\s*(\d{4})?$")


def year_fraction(d: date) -> float:
    start = date(d.year, 1, 1)
    days = 366 if calendar.isleap(d.year) else 365
    return d.year + (d - start).days / days


def period_span(period: str) -> tuple[float, float | None] | None:
    """Where a period sits on a time axis, in fractional years: (start, end); end None for "2025–"."""
    text = period.strip()
    if m := _YEAR.match(text):
        y = int(m[1])
        return float(y), float(y + 1)
    if m := _MONTH.match(text):
        y, mo = int(m[1]), int(m[2])
        if 1 <= mo <= 12:
            return y + (mo - 1) / 12, y + mo / 12
        return None
    if d := parse_day(text):
        x = year_fraction(d)
        return x, x
    if m := _QUARTER.match(text):
        y, q = int(m[1]), int(m[2])
        return y + (q - 1) / 4, y + q / 4
    if m := _HALF.match(text):
        y, h = int(m[1]), int(m[2])
        return y + (h - 1) / 2, y + h / 2
    if m := _SPAN.match(text):
        return float(m[1]), (float(m[2]) if m[2] else None)
    if "/" in text:
        a, _, b = text.partition("/")
        d1, d2 = parse_day(a.strip()), parse_day(b.strip())
        if d1 and d2:
            return year_fraction(d1), year_fraction(d2)
    return None


# ---- Category names


def _auto_field(points: Sequence[Point]) -> str:
    for name in ("entity", "label"):
        values = [getattr(p, name) for p in points]
        if all(values) and len(set(values)) == len(values):
            return name
    periods = [p.period for p in points]
    if all(periods) and len(set(periods)) == len(periods):
        return "period"
    return "label"


def category_names(points: Sequence[Point], mode: str = "auto", labels: Mapping[str, str] | None = None) -> list[str]:
    """One name per point for its bar or tile; options.labels may rename by "slug#i" or by the name."""
    mode = mode or "auto"
    if mode == "auto":
        mode = _auto_field(points)
    out: list[str] = []
    for p in points:
        # A label's qualifier ("(over)") belongs with the value, not in the bar's or tile's name.
        if mode == "entity":
            name = p.entity or p.name
        elif mode == "period":
            name = period_text(p.period) or p.name
        elif mode == "entity+period":
            name = f"{p.entity or p.name} ({period_text(p.period)})" if p.period else (p.entity or p.name)
        elif mode == "label+period":
            name = f"{p.name} ({period_text(p.period)})" if p.period else p.name
        else:
            name = p.name or p.entity
        if labels:
            name = labels.get(str(p.ref), labels.get(name, name))
        out.append(name)
    return out
