"""Seeding a database: a report with its sections, built-in audiences, sources, findings and charts,
added by key.

It lives with the services because findings go in through the service's own validated import
(`BriefingService.import_records`, which keeps the search index in step), reached through the
`Importer` protocol so this module does not import the service; the store reads the seed files and
knows whether a database needs seeding (`briefing.store.seed`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from sqlalchemy import func, select

from briefing.domain.model import FindingDraft, ReportDraft, SourceDraft
from briefing.domain.validate import clean_report
from briefing.paths import SEED_DATA
from briefing.store.engine import Database
from briefing.store.models import AudienceRow, ChartRow, FindingRow, MetaRow, ReportRow, SectionRow
from briefing.store.seed import SEED_VERSION, audience_template, load_seed
from briefing.store.transfer import finding_draft, source_draft


class Importer(Protocol):
    """What seeding needs of the service (BriefingService satisfies it): its database, a service on
    another report of it, and its import."""

    @property
    def db(self) -> Database: ...

    def for_report(self, key: str) -> Importer: ...

    def import_records(self, sources: Iterable[SourceDraft],
                       findings: Iterable[tuple[FindingDraft, list[str]]]) -> object: ...


def seed_database(service: Importer, root: Path = SEED_DATA) -> None:
    """Adds every seed record that is missing (by key/slug): the report of `root`/report.yaml with its
    sections, its audiences, sources, findings and charts. Never duplicates; never overwrites edits."""
    db = service.db
    data = load_seed(root)
    info = data["report"]
    report = clean_report(ReportDraft(
        key=info.get("key") or "report", title=info.get("title") or "Report", subtitle=info.get("subtitle") or "",
        publisher=info.get("publisher") or "", author=info.get("author") or "", edition=info.get("edition") or "",
        data_as_of=info.get("data_as_of"), published=info.get("published"), summary=info.get("summary") or "",
        sections=tuple((x["key"], x["title"], x.get("short") or "") for x in info.get("sections") or ()),
        colours=info.get("colours") or {},
    ))
    with db.writing() as s:
        rid = s.scalar(select(ReportRow.id).where(ReportRow.key == report.key))
        if rid is None:
            row = ReportRow(key=report.key, title=report.title, subtitle=report.subtitle, publisher=report.publisher,
                            author=report.author, edition=report.edition, data_as_of=report.data_as_of,
                            published=report.published, summary=report.summary,
                            colours=report.colours.to_dict() if report.colours else None,
                            position=(s.scalar(select(func.max(ReportRow.position))) or 0) + 1)
            row.sections = [SectionRow(key=x.key, title=x.title, short=x.short, position=i)
                            for i, x in enumerate(report.sections, start=1)]
            s.add(row)
            s.flush()
            rid = row.id
        existing = set(s.scalars(select(AudienceRow.key).where(AudienceRow.report_id == rid)))
        for i, a in enumerate(data["audiences"]):
            if a["key"] in existing:
                continue
            s.add(
                AudienceRow(
                    report_id=rid,
                    key=a["key"],
                    name=a["name"],
                    description=a.get("description", ""),
                    builtin=True,
                    position=i,
                    # An example report carries its templates inline; the seed's live in templates/.
                    template=a.get("template") or audience_template(a["key"]),
                )
            )
        meta = s.get(MetaRow, "seed")
        if meta is None:  # marked done only at the end: an interrupted seeding is resumed (needs_seed)
            s.add(MetaRow(key="seed", value={"version": SEED_VERSION, "complete": False}))
    service.for_report(report.key).import_records(
        [source_draft(src) for src in data["sources"]],
        [d for d in (finding_draft(f) for f in data["findings"]) if not _exists(db, rid, d[0].slug)],
    )
    if data["charts"]:
        from briefing.domain.charts import validate_chart_spec

        with db.writing() as s:
            existing = set(s.scalars(select(ChartRow.key).where(ChartRow.report_id == rid)))
            for i, raw in enumerate(data["charts"]):
                spec = validate_chart_spec(raw)
                if spec.key in existing:
                    continue
                s.add(ChartRow(report_id=rid, key=spec.key, kind=spec.kind.value, title=spec.title,
                               position=spec.position or i + 1, spec=spec.to_dict(), version=1))
    with db.writing() as s:
        meta = s.get(MetaRow, "seed")
        if meta is not None and meta.value.get("complete") is False:
            meta.value = {**meta.value, "complete": True}


def _exists(db: Database, report_id: int, slug: str | None) -> bool:
    if not slug:
        return False
    with db.reading() as s:
        return s.scalar(select(FindingRow.id).where(FindingRow.slug == slug,
                                                    FindingRow.report_id == report_id)) is not None
