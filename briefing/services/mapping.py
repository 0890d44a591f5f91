"""ORM rows (and Core rows of the same tables) to frozen domain records: the only place that knows
both shapes. source_record and metric_record read columns by name, so a Core row of the table
serves as well as an ORM object."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

from briefing.domain.colours import Colours
from briefing.domain.model import Audience, ClaimKind, Finding, Metric, Report, Scale, Section, Source
from briefing.store.models import AudienceRow, FindingRow, MetricRow, ReportRow, SourceRow


def source_record(row: SourceRow | Any, library: Mapping[int, Source] | None = None) -> Source:
    """`library`: the sources by id, whose entry for `row.via_id` becomes `via` (None: unresolved)."""
    via_id = getattr(row, "via_id", None)
    return Source(
        id=row.id,
        key=row.key,
        publisher=row.publisher,
        title=row.title,
        url=row.url,
        published=row.published,
        accessed=row.accessed,
        notes=row.notes or "",
        via=library.get(via_id) if library is not None and via_id is not None else None,
    )


def source_library(rows: Iterable[SourceRow | Any]) -> dict[int, Source]:
    """Every source by id, each with its `via` chain resolved (sources that cite one another by
    `via_id`). A loop written straight into the database is cut where it closes."""
    by_id = {row.id: row for row in rows}
    done: dict[int, Source] = {}

    def build(sid: int, path: set[int]) -> Source:
        if sid in done:
            return done[sid]
        row = by_id[sid]
        via_id: int | None = row.via_id
        via = build(via_id, path | {sid}) if via_id is not None and via_id in by_id and via_id not in path else None
        done[sid] = source_record(row, {via_id: via} if via_id is not None and via is not None else {})
        return done[sid]

    for sid in by_id:
        build(sid, set())
    return done


def metric_record(row: MetricRow | Any) -> Metric:
    return Metric(
        id=row.id,
        label=row.label,
        value=row.value,
        unit=row.unit or "",
        scale=Scale(row.scale) if row.scale else None,
        entity=row.entity or "",
        period=row.period or "",
        as_of=row.as_of,
        series=row.series or "",
        position=row.position,
    )


def finding_record(row: FindingRow, library: Mapping[int, Source] | None = None) -> Finding:
    """`library` (from `source_library`): the finding's sources come with their `via` chains."""
    return finding_from_parts(
        row,
        tags=(t.tag for t in row.tags),
        sources=((library or {}).get(s.id) or source_record(s) for s in row.sources),
        metrics=(metric_record(m) for m in row.metrics),
        wordings={w.audience_key: w.text for w in row.wordings},
    )


def finding_from_parts(row: FindingRow | Any, *, tags: Iterable[str], sources: Iterable[Source],
                       metrics: Iterable[Metric], wordings: Mapping[str, str]) -> Finding:
    """A finding from its own columns (ORM or Core row) and its children, already in order."""
    return Finding(
        id=row.id,
        slug=row.slug,
        title=row.title,
        statement=row.statement,
        section=row.section,
        kind=ClaimKind(row.kind),
        tags=tuple(tags),
        as_of=row.as_of,
        sources=tuple(sources),
        metrics=tuple(metrics),
        wordings=MappingProxyType(dict(wordings)),
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        position=row.position,
        carried_over=bool(row.carried_over),
        predecessor_id=row.predecessor_id,
        report_id=row.report_id,
    )


def audience_record(row: AudienceRow, sections: tuple[Section, ...] = ()) -> Audience:
    return Audience(
        key=row.key,
        name=row.name,
        description=row.description or "",
        builtin=bool(row.builtin),
        template=MappingProxyType(dict(row.template or {})),
        sections=sections,
    )


def report_record(row: ReportRow) -> Report:
    return Report(
        id=row.id,
        key=row.key,
        title=row.title,
        subtitle=row.subtitle or "",
        publisher=row.publisher or "",
        author=row.author or "",
        edition=row.edition or "",
        data_as_of=row.data_as_of,
        published=row.published,
        summary=row.summary or "",
        sections=tuple(Section(s.key, s.title, s.short or s.title) for s in row.sections),
        predecessor_id=row.predecessor_id,
        colours=colours_record(row.colours),
    )


def colours_record(value: dict | None) -> Colours:
    """Stored colours as a record; they were validated on the way in, so they are read as they are."""
    if not value:
        return Colours()
    return Colours(tuple(value.get("palette") or ()), tuple((str(k), str(v)) for k, v in
                                                            (value.get("accents") or {}).items()))
