"""Whether a chart is honest: one unit and one time basis per value axis, no part beside its own total,
and a headline comparative ("leads", "largest") that its data bears out."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from briefing.checks.claims import Fault, period_dates, shown
from briefing.checks.tolerances import COMPARATIVES, CUMULATIVE_WORDS, LEVEL_UNITS, TOTAL_WORDS
from briefing.domain.charts import ChartKind, ChartSpec, MetricRef
from briefing.domain.model import Finding, Metric

# Kinds that draw values against one value axis; timelines place dates and key figures stand alone.
AXIS_KINDS = frozenset({ChartKind.BAR, ChartKind.GROUPED_BAR, ChartKind.LINE, ChartKind.RANGE, ChartKind.SHARE,
                        ChartKind.MULTIPLES})
_STOP = frozenset({"the", "and", "for", "its", "with", "from", "line", "china", "chinas", "china’s", "planned",
                   "of", "in", "on", "all", "models", "model"})


@dataclass(frozen=True)
class Plotted:
    """One metric a chart draws, with the finding it belongs to."""

    finding: str
    index: int
    metric: Metric

    @property
    def name(self) -> str:
        return self.metric.entity or self.metric.label


def plotted(spec: ChartSpec, findings: Sequence[Finding]) -> list[Plotted]:
    """The metrics a chart draws, picked as the charts package picks them (series, then references)."""
    out: list[Plotted] = []
    seen: set[MetricRef] = set()
    pick = str(spec.option("series_pick", "last" if spec.kind is ChartKind.KEY_FIGURES else "all"))
    for key in spec.series:
        found = [(m.as_of or f.as_of, Plotted(f.slug, i, m)) for f in findings for i, m in enumerate(f.metrics)
                 if m.series == key]
        if pick != "all":
            # As the charts pick: by date (the metric's, else its finding's), undated last.
            found.sort(key=lambda pair: (pair[0] is None, pair[0] or date.min))
            found = found[-1:] if pick == "last" else found[:1]
        for _, p in found:
            ref = MetricRef(p.finding, p.index)
            if ref not in seen:
                seen.add(ref)
                out.append(p)
    by_slug = {f.slug: f for f in findings}
    for ref in spec.metrics:
        finding = by_slug.get(ref.finding)
        if ref in seen or finding is None or not 0 <= ref.index < len(finding.metrics):
            continue
        seen.add(ref)
        out.append(Plotted(ref.finding, ref.index, finding.metrics[ref.index]))
    return out


def _unit(m: Metric) -> str:
    return "×" if m.unit == "x" else (m.unit or "(no unit)")


def time_basis(m: Metric) -> str | None:
    """ "cumulative" for a flow counted up to a date, else the length of the metric's period; None for
    levels and ratios (a share, a multiple), which have no time basis."""
    if m.unit in LEVEL_UNITS:
        return None
    if CUMULATIVE_WORDS.search(f"{m.label} {m.entity} {m.period}"):
        return "cumulative"
    span = period_dates(m.period)
    if span is None:
        return None
    days = span[1].toordinal() - span[0].toordinal()
    for name, low, high in (("one day", 1, 1), ("one week", 6, 8), ("one month", 28, 31), ("one quarter", 89, 92),
                            ("one year", 365, 366)):
        if low <= days <= high:
            return name
    return f"{days} days"


def honesty(spec: ChartSpec, points: Sequence[Plotted]) -> list[Fault]:
    faults: list[Fault] = []
    says = f"{spec.title} {spec.subtitle} {spec.note}"
    if spec.kind in AXIS_KINDS and points:
        units = list(dict.fromkeys(_unit(p.metric) for p in points))
        if len(units) > 1:
            faults.append(Fault("axis-units", ", ".join(units),
                                f"one value axis carries {len(units)} units: "
                                + "; ".join(dict.fromkeys(f"{p.name} in {_unit(p.metric)}" for p in points))))
        bases = {p.name: b for p in points if (b := time_basis(p.metric))}
        if len(set(bases.values())) > 1 and not re.search(r"\bcumulative\b", says, re.IGNORECASE):
            faults.append(Fault("axis-basis", ", ".join(dict.fromkeys(bases.values())),
                                "one value axis mixes time bases without saying so: "
                                + "; ".join(f"{name} ({b})" for name, b in bases.items())))
        for total in points:
            if not TOTAL_WORDS.search(f"{total.metric.entity} {total.metric.label}"):
                continue
            parts = [p for p in points if p is not total and _part_of(p, total)]
            if parts:
                faults.append(Fault("part-beside-total", total.name,
                                    f"{', '.join(p.name for p in parts)} plotted beside {total.name}, "
                                    "the total it belongs to"))
    faults += comparative(spec, points)
    return faults


def _head(name: str) -> str:
    words = [w for w in re.findall(r"[\w’']+", name.lower()) if w != "the"]
    return words[0] if words else ""


def _part_of(p: Plotted, total: Plotted) -> bool:
    if p.metric.series and p.metric.series == total.metric.series:
        return True
    return bool(_head(p.name)) and _head(p.name) == _head(total.name)


def _words(text: str) -> set[str]:
    return {w.removesuffix("’s").removesuffix("'s") for w in re.findall(r"[\w’']+", text.lower())} - _STOP


def comparative(spec: ChartSpec, points: Sequence[Plotted]) -> list[Fault]:
    """ "Huawei's Ascend line leads ...": the item the title names before the comparative must be the
    largest of figures that can be compared at all (one unit)."""
    m = COMPARATIVES.search(spec.title)
    if not m or not points:
        return []
    word = m.group(0)
    units = list(dict.fromkeys(_unit(p.metric) for p in points))
    if len(units) > 1:
        return [Fault("comparative", word,
                      f"“{word}” compares figures counted in different units ({', '.join(units)})")]
    subject = _words(spec.title[:m.start()])
    scored = sorted(points, key=lambda p: len(subject & _words(p.name)), reverse=True)
    named = scored[0]
    if not subject & _words(named.name):
        return [Fault("comparative", word, f"“{word}” names none of the plotted items")]
    top = max(points, key=lambda p: abs(p.metric.absolute))
    if top is not named and abs(top.metric.absolute) > abs(named.metric.absolute):
        return [Fault("comparative", word,
                      f"“{word}”: {named.name} is {shown(named.metric)}, but {top.name} is {shown(top.metric)}")]
    return []
