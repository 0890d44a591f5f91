"""Chart test support: the seed findings and default charts read straight from data/*.yaml (no database)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from briefing.charts import ChartSpec
from briefing.domain.charts import validate_chart_spec
from briefing.domain.model import (
    ClaimKind,
    Finding,
    Metric,
    Scale,
    Source,
)
from briefing.domain.validate import clean_finding, clean_source
from briefing.paths import SEED_DATA
from briefing.store.seed import load_seed
from briefing.store.transfer import finding_draft, source_draft


@lru_cache(maxsize=1)
def seed_findings(root: Path = SEED_DATA) -> tuple[Finding, ...]:
    """Every seed finding as the services would return it: the seeder's own reading of data/ and the
    domain's own cleaners, with ids given in file order (no database)."""
    data = load_seed(root)
    sources: dict[str, Source] = {}
    vias: dict[str, str] = {}
    for i, raw in enumerate(data["sources"], start=1):
        c = clean_source(source_draft(raw))
        sources[c.key] = Source(i, c.key, c.publisher, c.title, c.url, c.published, c.accessed, c.notes)
        if c.via:
            vias[c.key] = c.via
    def whole(key: str) -> Source:
        # A source known through another carries it whole, down the chain, as the service resolves it.
        return dataclasses.replace(sources[key], via=whole(vias[key])) if key in vias else sources[key]

    sources = {key: whole(key) for key in sources}
    findings: list[Finding] = []
    metric_id = 0
    for raw in data["findings"]:
        draft, source_keys = finding_draft(raw)
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
                sources=tuple(sources[k] for k in source_keys if k in sources),
                metrics=tuple(metrics),
                wordings=c.wordings,
            )
        )
    return tuple(findings)


@lru_cache(maxsize=1)
def seed_charts(root: Path = SEED_DATA) -> tuple[ChartSpec, ...]:
    return tuple(validate_chart_spec(raw) for raw in load_seed(root)["charts"])


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
