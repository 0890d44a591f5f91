"""What a chart plots: its spec's metrics looked up in the findings, as ChartData of Points."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from briefing.domain.charts import ChartKind, ChartSpec, MetricRef
from briefing.domain.model import Finding, Metric, Scale

_TIME_KINDS = (ChartKind.LINE, ChartKind.TIMELINE)


@dataclass(frozen=True)
class Point:
    """One metric as a chart sees it, with where it came from."""

    ref: MetricRef
    series: str
    label: str
    entity: str
    value: Decimal
    unit: str = ""
    scale: Scale | None = None
    period: str = ""
    as_of: date | None = None

    @property
    def finding(self) -> str:
        return self.ref.finding

    @property
    def absolute(self) -> Decimal:
        """The value with its scale applied: 5.16 trillion -> 5160000000000."""
        return self.value * self.scale.factor if self.scale else self.value

    @classmethod
    def from_metric(cls, finding: Finding, index: int, metric: Metric) -> Point:
        return cls(
            ref=MetricRef(finding.slug, index),
            series=metric.series,
            label=metric.label,
            entity=metric.entity,
            value=metric.value,
            unit=metric.unit,
            scale=metric.scale,
            period=metric.period,
            as_of=metric.as_of or finding.as_of,
        )


@dataclass(frozen=True)
class ChartData:
    """The points in plotting order, the source line to print, and what could not be found."""

    points: tuple[Point, ...] = ()
    source: str = ""
    warnings: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.points

    def series_keys(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(p.series for p in self.points))


def resolve_chart_data(spec: ChartSpec, findings: Sequence[Finding]) -> ChartData:
    """Collect the spec's metrics from the findings; anything missing becomes a warning, not an error."""
    warnings: list[str] = []
    points: list[Point] = []
    seen: set[MetricRef] = set()
    pick = str(spec.option("series_pick", "last" if spec.kind is ChartKind.KEY_FIGURES else "all"))

    for key in spec.series:
        found = [
            Point.from_metric(f, i, m)
            for f in findings
            for i, m in enumerate(f.metrics)
            if m.series == key
        ]
        if not found:
            warnings.append(f"No metrics belong to series “{key}”.")
            continue
        if spec.kind in _TIME_KINDS or pick != "all":
            found = _by_time(found)
        if pick == "last":
            found = found[-1:]
        elif pick == "first":
            found = found[:1]
        for p in found:
            if p.ref not in seen:
                seen.add(p.ref)
                points.append(p)

    by_slug = {f.slug: f for f in findings}
    for ref in spec.metrics:
        if ref in seen:
            continue
        finding = by_slug.get(ref.finding)
        if finding is None:
            warnings.append(f"Metric {ref} was not found: there is no finding “{ref.finding}”.")
            continue
        if not 0 <= ref.index < len(finding.metrics):
            count = len(finding.metrics)
            warnings.append(
                f"Metric {ref} was not found: “{ref.finding}” has {count} metric{'s' if count != 1 else ''}."
            )
            continue
        seen.add(ref)
        points.append(Point.from_metric(finding, ref.index, finding.metrics[ref.index]))

    if spec.kind in _TIME_KINDS:
        points = _by_time(points)

    source = spec.source or source_line(findings_for(points, by_slug))
    return ChartData(points=tuple(points), source=source, warnings=tuple(warnings))


def _by_time(points: list[Point]) -> list[Point]:
    # Stable sort, undated points last and in their original order.
    return sorted(points, key=lambda p: (p.as_of is None, p.as_of or date.min))


def findings_for(points: Sequence[Point], by_slug: dict[str, Finding]) -> list[Finding]:
    out: dict[str, Finding] = {}
    for p in points:
        f = by_slug.get(p.finding)
        if f is not None:
            out.setdefault(f.slug, f)
    return list(out.values())


def source_line(findings: Sequence[Finding]) -> str:
    """ "Source: RAND, 2026" from the findings' sources, each citation once, in first-use order."""
    cites: list[str] = []
    for f in findings:
        for s in f.sources:
            c = s.citation()
            if c and c not in cites:
                cites.append(c)
    if not cites:
        return ""
    return ("Source: " if len(cites) == 1 else "Sources: ") + "; ".join(cites)
