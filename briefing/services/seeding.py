"""Seeding a database: the built-in audiences, the report's sources, findings and charts, added by key.

It lives with the services because findings go in through the service's own validated import
(`BriefingService.import_records`, which keeps the search index in step), reached through the
`Importer` protocol so this module does not import the service; the store reads the seed files and
knows whether a database needs seeding (`briefing.store.seed`).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Protocol

from sqlalchemy import select

from briefing.domain.model import FindingDraft, SourceDraft
from briefing.paths import SEED_DATA
from briefing.store.engine import Database
from briefing.store.models import AudienceRow, ChartRow, FindingRow, MetaRow
from briefing.store.seed import SEED_VERSION, audience_template, load_seed
from briefing.store.transfer import finding_draft, source_draft


class Importer(Protocol):
    """What seeding needs of the service (BriefingService satisfies it): its database and its import."""

    @property
    def db(self) -> Database: ...

    def import_records(self, sources: Iterable[SourceDraft],
                       findings: Iterable[tuple[FindingDraft, list[str]]]) -> object: ...


def seed_database(service: Importer, root: Path = SEED_DATA) -> None:
    """Adds every seed record that is missing (by key/slug). Never duplicates; never overwrites edits."""
    db = service.db
    data = load_seed(root)
    with db.writing() as s:
        if data["report"]:
            row = s.get(MetaRow, "report")
            if row is None:
                s.add(MetaRow(key="report", value=data["report"]))
        existing = set(s.scalars(select(AudienceRow.key)))
        for i, a in enumerate(data["audiences"]):
            if a["key"] in existing:
                continue
            s.add(
                AudienceRow(
                    key=a["key"],
                    name=a["name"],
                    description=a.get("description", ""),
                    builtin=True,
                    position=i,
                    template=audience_template(a["key"]),
                )
            )
        meta = s.get(MetaRow, "seed")
        if meta is None:  # marked done only at the end: an interrupted seeding is resumed (needs_seed)
            s.add(MetaRow(key="seed", value={"version": SEED_VERSION, "complete": False}))
    service.import_records(
        [source_draft(src) for src in data["sources"]],
        [d for d in (finding_draft(f) for f in data["findings"]) if not _exists(db, d[0].slug)],
    )
    if data["charts"]:
        from briefing.domain.charts import validate_chart_spec

        with db.writing() as s:
            existing = set(s.scalars(select(ChartRow.key)))
            for i, raw in enumerate(data["charts"]):
                spec = validate_chart_spec(raw)
                if spec.key in existing:
                    continue
                s.add(ChartRow(key=spec.key, kind=spec.kind.value, title=spec.title, position=spec.position or i + 1,
                               spec=spec.to_dict(), version=1))
    with db.writing() as s:
        meta = s.get(MetaRow, "seed")
        if meta is not None and meta.value.get("complete") is False:
            meta.value = {**meta.value, "complete": True}



def _exists(db: Database, slug: str | None) -> bool:
    if not slug:
        return False
    with db.reading() as s:
        return s.scalar(select(FindingRow.id).where(FindingRow.slug == slug)) is not None
