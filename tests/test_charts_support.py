"""Chart test support: the seed findings and default charts read straight from data/*.yaml (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from briefing.charts import ChartSpec
from briefing.domain.charts import validate_chart_spec
from briefing.domain.model import ClaimKind, Finding, FindingDraft, Metric, MetricDraft, Scale, Source, SourceDraft
from briefing.domain.validate import clean_finding, clean_source
from briefing.paths import SEED_DATA


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _load(path: Path) -> Any:
    return _plain(yaml.safe_load(path.read_text(encoding="utf-8")))


@lru_cache(maxsize=1)
def seed_findings(root: Path = SEED_DATA) -> tuple[Finding, ...]:
    """Every seed finding as the services would return it, validated by the domain's own cleaners."""
    sources: dict[str, Source] = {}
    for i, raw in enumerate(_load(root / "sources.yaml") or [], start=1):
        c = clean_source(SourceDraft(raw["publisher"], raw["title"], raw.get("url"), raw.get("published"),
                                     raw.get("accessed"), raw.get("notes") or "", raw.get("key")))
        sources[c.key] = Source(i, c.key, c.publisher, c.title, c.url, c.published, c.accessed, c.notes)
    findings: list[Finding] = []
    metric_id = 0
    for path in sorted((root / "findings").glob("*.yaml")):
        for raw in _load(path) or []:
            draft = FindingDraft(
                title=raw["title"],
                statement=raw["statement"],
                section=raw["section"],
                kind=raw.get("kind") or "reported",
                tags=tuple(raw.get("tags") or ()),
                as_of=raw.get("as_of"),
                metrics=tuple(
                    MetricDraft(
                        label=m.get("label") or "",
                        value=str(m["value"]),
                        unit=m.get("unit") or "",
                        scale=m.get("scale"),
                        entity=m.get("entity") or "",
                        period=str(m.get("period") or ""),
                        as_of=m.get("as_of"),
                        series=m.get("series") or "",
                    )
                    for m in raw.get("metrics") or ()
                ),
                wordings=dict(raw.get("wordings") or {}),
                slug=raw.get("slug"),
            )
            c = clean_finding(draft)
            metrics = []
            for pos, m in enumerate(c.metrics):
                metric_id += 1
                metrics.append(Metric(metric_id, m.label, m.value, m.unit, m.scale, m.entity, m.period, m.as_of,
                                      m.series, pos))
            findings.append(
                Finding(
                    id=len(findings) + 1,
                    slug=c.slug,
                    title=c.title,
                    statement=c.statement,
                    section=c.section,
                    kind=c.kind,
                    tags=c.tags,
                    as_of=c.as_of,
                    sources=tuple(sources[k] for k in raw.get("sources") or () if k in sources),
                    metrics=tuple(metrics),
                    wordings=c.wordings,
                )
            )
    return tuple(findings)


@lru_cache(maxsize=1)
def seed_charts(root: Path = SEED_DATA) -> tuple[ChartSpec, ...]:
    return tuple(validate_chart_spec(raw) for raw in _load(root / "charts.yaml") or [])


def finding(slug: str, *metrics: tuple[str, str, str, str | None, str, str, str | None], source: str = "RAND",
            published: date | None = date(2026, 1, 1), series: str = "s") -> Finding:
    """A hand-made finding for edge cases: metrics as (label, value, unit, scale, entity, period, as_of)."""
    built = tuple(
        Metric(i + 1, label, Decimal(value), unit, Scale(scale) if scale else None, entity, period,
               date.fromisoformat(as_of) if as_of else None, series, i)
        for i, (label, value, unit, scale, entity, period, as_of) in enumerate(metrics)
    )
    return Finding(
        id=abs(hash(slug)) % 100_000,
        slug=slug,
        title=slug.replace("-", " "),
        statement=slug,
        section="overview",
        kind=ClaimKind.REPORTED,
        sources=(Source(1, "src", source, "A report", None, published),),
        metrics=built,
    )
