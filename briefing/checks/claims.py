"""Judges the claims of one text against the metrics behind it: backed numbers, derived claims, durations."""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext
from itertools import permutations

from briefing.checks.scan import Duration, Magnitude, Mention, durations, magnitudes, numbers
from briefing.checks.tolerances import ABOUT, DURATION_DAYS, LEVEL_UNITS, NEARLY_UNDER, PLAIN
from briefing.domain.model import Metric, Scale
from briefing.domain.numbers import format_quantity, group, plain


@dataclass(frozen=True)
class Fault:
    """What is wrong with one claim of a text; the engine adds where the text lives."""

    rule: str
    text: str
    message: str


@dataclass(frozen=True)
class Evidence:
    """What a text may draw on: the metrics of its finding (or chart, or briefing) and their periods."""

    metrics: Sequence[Metric]
    owner: str  # "finding “slug”", "chart “key”": how a message names where the metrics live
    # Whether the metrics' periods may measure a duration ("in six weeks"): true for one finding or
    # chart; a whole briefing's metrics span years and say nothing of how long one thing took.
    dated: bool = True

    @property
    def spans(self) -> list[tuple[date, date]]:
        if not self.dated:
            return []
        return [s for m in self.metrics if (s := period_dates(m.period)) is not None]


def check_text(text: str, evidence: Evidence, *, describes_all: bool = False) -> list[Fault]:
    """Every claim of `text` that its evidence does not support, with the numbers at fault.
    `describes_all`: the text speaks of every metric at once (a chart's title), so an order of
    magnitude ("hundreds of billions") must cover each of them, not just one."""
    faults: list[Fault] = []
    for mention in numbers(text):
        fault = _check_number(mention, evidence)
        if fault is not None:
            faults.append(fault)
    for d in durations(text):
        fault = check_duration(d, evidence)
        if fault is not None:
            faults.append(fault)
    if describes_all:
        return faults + magnitude_faults(magnitudes(text), evidence.metrics, evidence.owner)
    for mag in magnitudes(text):
        if not any(mag.low <= abs(m.absolute) < mag.high for m in evidence.metrics if m.unit not in LEVEL_UNITS):
            faults.append(Fault("magnitude", mag.text,
                                f"“{mag.text}” matches no metric of {evidence.owner}"))
    return faults


# ---- Numbers


def rounds_to(value: Decimal, mention: Mention, scale: Scale | None = None) -> bool:
    """Whether `value` (at `scale`) prints as `mention` at the mention's scale and decimal places."""
    # Metrics reach 10**30 at a trillion scale: more digits than the default 28-digit context holds.
    with localcontext() as ctx:
        ctx.prec = 100
        absolute = value * scale.factor if scale else value
        scaled = absolute / mention.scale.factor if mention.scale else absolute
        q = Decimal(1).scaleb(-mention.places)
        return scaled.quantize(q, rounding=ROUND_HALF_UP) == mention.value


def same_unit(mention: Mention, metric: Metric) -> bool:
    unit = "×" if metric.unit == "x" else metric.unit
    if mention.unit in ("%", "×", "1/x"):
        return unit == mention.unit
    if mention.unit:  # a currency code
        return unit == mention.unit
    return unit != "1/x"


def backs(metric: Metric, mention: Mention) -> bool:
    """A metric backs a number when the number is one of the forms the metric prints as."""
    if not same_unit(mention, metric):
        return False
    if rounds_to(metric.value, mention, metric.scale):
        return True
    # "from 140 to ..." can state a scaled metric by its bare value.
    return mention.scale is None and metric.scale is not None and rounds_to(metric.value, mention)


def holds(stated: Decimal, actual: Decimal, qualifier: str | None) -> bool:
    """Whether `actual` bears out a claim of `stated` read with its qualifier (tolerances.py)."""
    if qualifier == "nearly":
        return stated * (1 - NEARLY_UNDER) <= actual <= stated
    if qualifier == "about":
        return abs(actual - stated) <= ABOUT * stated
    if qualifier == "more than":
        return actual > stated
    if qualifier == "at least":
        return actual >= stated
    if qualifier == "up to":
        return actual <= stated
    if qualifier == "less than":
        return actual < stated
    return abs(actual - stated) <= PLAIN * stated


def shown(m: Metric) -> str:
    """A metric as the app prints it ("$2.8T"); a value past Decimal's 28 digits in exponent form."""
    try:
        return m.display()
    except InvalidOperation:
        return f"{m.absolute:.3E} {m.unit}".strip()


@dataclass(frozen=True)
class _Derived:
    value: Decimal
    form: str  # "ratio", "share", "rise", "fall"
    a: Metric  # the larger
    b: Metric

    @property
    def how(self) -> str:
        a, b = shown(self.a), shown(self.b)
        return {"ratio": f"{a} ÷ {b}", "share": f"{b} as a share of {a}", "rise": f"{a} over {b}",
                "fall": f"{b} under {a}"}[self.form]


def _derivations(mention: Mention, metrics: Sequence[Metric]) -> list[_Derived]:
    """What a multiple or a percentage could be computed from: every pair of comparable metrics."""
    out: list[_Derived] = []
    flows = [m for m in metrics if m.unit not in LEVEL_UNITS and m.absolute > 0]
    for a, b in permutations(flows, 2):
        if (a.unit or "") != (b.unit or "") or a.absolute < b.absolute:
            continue
        ratio = a.absolute / b.absolute
        if mention.unit == "×":
            out.append(_Derived(ratio, "ratio", a, b))
        elif mention.unit == "%":
            out.append(_Derived(100 / ratio, "share", a, b))
            out.append(_Derived((ratio - 1) * 100, "rise", a, b))
            out.append(_Derived((1 - 1 / ratio) * 100, "fall", a, b))
    return out


def _show(value: Decimal, unit: str) -> str:
    if abs(value) >= 10**20:
        return f"{value:.3E} {unit}".strip()
    rounded = value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if abs(value) < 100 else value.quantize(
        Decimal(1), rounding=ROUND_HALF_UP)
    return format_quantity(Decimal(plain(rounded)), unit, None)


def _check_number(mention: Mention, evidence: Evidence) -> Fault | None:
    if any(backs(m, mention) for m in evidence.metrics):
        return None
    if mention.unit in ("×", "%"):
        derived = _derivations(mention, evidence.metrics)
        if any(holds(mention.value, d.value, mention.qualifier) for d in derived):
            return None
        if derived:
            nearest = min(derived, key=lambda d: abs(d.value - mention.value))
            said = f"{mention.qualifier} {mention.text}" if mention.qualifier else mention.text
            return Fault(
                "derived-claim", mention.text,
                f"“{said}” does not hold: {nearest.how} is {_show(nearest.value, mention.unit)} "
                f"(stated {_show(mention.value, mention.unit)}; {_rule(mention.qualifier)})",
            )
    return Fault("unbacked-number", mention.text, f"{mention.text} is not a metric of {evidence.owner}"
                 + ("" if mention.unit not in ("×", "%") else " and cannot be computed from its metrics"))


def _rule(qualifier: str | None) -> str:
    if qualifier == "nearly":
        return f"“nearly” allows at most {plain(NEARLY_UNDER * 100)}% under"
    if qualifier == "about":
        return f"“about” allows {plain(ABOUT * 100)}% either side"
    if qualifier in ("more than", "at least", "up to", "less than"):
        return f"“{qualifier}” is a bound"
    return f"an unqualified figure allows {plain(PLAIN * 100)}% either side"


# ---- Durations


_YEAR = re.compile(r"^(\d{4})$")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-?Q([1-4])$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})-?H([12])$", re.IGNORECASE)
_SPAN = re.compile(r"^(\d{4})\s*[–—-]\s*(\d{4})$")


def _add_months(d: date, months: int) -> date:
    y, m = divmod(d.month - 1 + months, 12)
    return date(d.year + y, m + 1, 1)


def period_dates(period: str) -> tuple[date, date] | None:
    """A metric's period as calendar dates, start inclusive and end exclusive; None when open or vague.
    (The charts' own `period_span` works in fractional years for drawing; a duration wants days.)"""
    text = (period or "").strip()
    try:
        if m := _YEAR.match(text):
            return date(int(m[1]), 1, 1), date(int(m[1]) + 1, 1, 1)
        if m := _MONTH.match(text):
            start = date(int(m[1]), int(m[2]), 1)
            return start, _add_months(start, 1)
        if m := _DAY.match(text):
            d = date(int(m[1]), int(m[2]), int(m[3]))
            return d, date.fromordinal(d.toordinal() + 1)
        if m := _QUARTER.match(text):
            start = date(int(m[1]), 3 * int(m[2]) - 2, 1)
            return start, _add_months(start, 3)
        if m := _HALF.match(text):
            start = date(int(m[1]), 6 * int(m[2]) - 5, 1)
            return start, _add_months(start, 6)
        if m := _SPAN.match(text):
            return date(int(m[1]), 1, 1), date(int(m[2]) + 1, 1, 1)
    except ValueError:
        return None
    if "/" in text:
        a, _, b = text.partition("/")
        first, last = period_dates(a), period_dates(b)
        if first and last:
            return first[0], last[1]
    return None


def _describe(start: date, end: date) -> str:
    last = date.fromordinal(end.toordinal() - 1)
    if (start.day, last.day) == (1, calendar.monthrange(last.year, last.month)[1]):
        a = f"{calendar.month_name[start.month]} {start.year}"
        b = f"{calendar.month_name[last.month]} {last.year}"
        return a if a == b else f"{a} – {b}"
    return f"{start.isoformat()} – {last.isoformat()}"


def check_duration(d: Duration, evidence: Evidence) -> Fault | None:
    """ "in six weeks" holds when a metric states that span, or when the longest span the metrics'
    periods allow (earliest start to latest end) is no longer than it."""
    for m in evidence.metrics:
        if m.unit.rstrip("s") == d.unit and m.value == d.count:
            return None
    spans = evidence.spans
    if not spans:
        return Fault("unbacked-duration", d.text,
                     f"“{d.text}” is neither a metric of {evidence.owner} nor measured by dated metrics")
    start = min(s for s, _ in spans)
    end = max(e for _, e in spans)
    longest = Decimal(end.toordinal() - start.toordinal()) / DURATION_DAYS[d.unit]
    limit = d.count * (1 + ABOUT) if d.qualifier in ("about", "more than") else d.count
    ok = longest < limit if d.qualifier == "less than" else longest <= limit
    if ok:
        return None
    shown = group(longest.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
    unit = d.unit + ("s" if longest != 1 else "")
    return Fault("duration", d.text,
                 f"“{d.text}” does not hold: the data of {evidence.owner} spans up to {shown} {unit} "
                 f"({_describe(start, end)})")


def magnitude_faults(mags: Sequence[Magnitude], metrics: Sequence[Metric], owner: str) -> list[Fault]:
    """A chart's "hundreds of billions" must cover everything it plots."""
    faults: list[Fault] = []
    for mag in mags:
        for m in metrics:
            if m.unit not in LEVEL_UNITS and not mag.low <= abs(m.absolute) < mag.high:
                faults.append(Fault("magnitude", mag.text,
                                    f"“{mag.text}” but {owner} plots {shown(m)} ({m.label})"))
                break
    return faults


__all__ = ["Duration", "Evidence", "Fault", "Mention", "backs", "check_duration", "check_text", "holds",
           "magnitude_faults", "period_dates", "rounds_to"]
