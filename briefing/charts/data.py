"""What a chart plots: its spec's metrics looked up in the findings, as ChartData of Points."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from briefing.domain.charts import ChartKind, ChartSpec, MetricRef
from briefing.domain.labels import partial_date, period_start, split_label
from briefing.domain.model import Finding, Metric, Scale, Source

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
    def name(self) -> str:
        """The label without the source's qualifier: "Qwen derivative models on Hugging Face"."""
        return split_label(self.label)[0]

    @property
    def qualifier(self) -> str:
        """What the source said of the value ("over"), printed before it in a value label, or ""."""
        return split_label(self.label)[1]

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


def point_date(p: Point) -> date | None:
    """When a point's value holds: the start of its period ("2021", "2026-03", "2027-Q4"), else its
    as-of date. The period first: the as-of date is when it was reported, and a finding that reports
    three years at once gives them all one as-of date. The one rule for every chart's time axis."""
    return (period_start(p.period) if p.period else None) or p.as_of


def _by_time(points: list[Point]) -> list[Point]:
    # Stable sort, undated points last and in their original order.
    return sorted(points, key=lambda p: (point_date(p) is None, point_date(p) or date.min))


def findings_for(points: Sequence[Point], by_slug: dict[str, Finding]) -> list[Finding]:
    out: dict[str, Finding] = {}
    for p in points:
        f = by_slug.get(p.finding)
        if f is not None:
            out.setdefault(f.slug, f)
    return list(out.values())


def source_line(findings: Sequence[Finding]) -> str:
    """ "Source: RAND, 2026" from the findings' sources, each citation once, in first-use order. A
    source known only through another work says so once for all it covers ("Source: OpenRouter,
    2026, cited in Digital in Asia, April 2026"; "Sources: A, 2025; B, 2026, both cited in …"), and
    when that work is cited itself too, it leads them: "Digital in Asia, April 2026, citing A; B"."""
    groups: dict[str, list[str]] = {}  # what they are cited in ("" for none) -> citations
    direct: dict[str, Source] = {}  # sources cited first-hand, by what they are cited as
    seen: set[str] = set()
    for f in findings:
        for s in f.sources:
            c = s.citation()
            if not c or c in seen:
                continue
            seen.add(c)
            via = _cited_in(s)
            groups.setdefault(via, []).append(c)
            if not via:
                direct[c] = s
    if not seen:
        return ""
    parts: list[str] = []
    folded: set[str] = set()
    for via, cites in groups.items():
        if via:
            host = next((c for c, d in direct.items() if _cited_in_text(d) == via), None)
            if host is not None:
                folded.add(host)
                parts.append(f"{via}, citing {'; '.join(cites)}")
            else:
                both = {1: "", 2: "both "}.get(len(cites), "all ")
                parts.append(f"{'; '.join(cites)}, {both}cited in {via}")
    plain = [c for c in groups.get("", []) if c not in folded]
    # Plain citations keep their place: first when the first source was cited first-hand.
    parts = plain + parts if next(iter(groups)) == "" else parts + plain
    return ("Source: " if len(seen) == 1 else "Sources: ") + "; ".join(parts)


def _cited_in_text(source: Source) -> str:
    when = partial_date(source.published)
    return f"{source.publisher}, {when}" if when else source.publisher


def _cited_in(source: Source) -> str:
    """ "Digital in Asia, April 2026": the works a source is known through, nearest first, dated as
    precisely as recorded (the references list prints the same chain)."""
    return ", cited in ".join(_cited_in_text(v) for v in source.via_chain())
