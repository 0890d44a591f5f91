"""Seeds a database from data/ (the seed report, its sections, findings and charts) and templates/audiences
(its built-in audiences)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from briefing.paths import SEED_DATA, TEMPLATES
from briefing.store.engine import Database
from briefing.store.models import (
    AudienceRow,
    ChartRow,
    FindingRow,
    MetaRow,
    ReportRow,
    SectionRow,
    SourceRow,
    WordingRow,
    finding_sources,
)

SEED_VERSION = 1


def _load_yaml(path: Path) -> Any:
    import yaml

    with path.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _plain(value: Any) -> Any:
    """YAML dates and numbers to the strings the domain parses (keeps decimals exact)."""
    from datetime import date

    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def load_seed(root: Path = SEED_DATA) -> dict[str, Any]:
    findings: list[dict[str, Any]] = []
    for path in sorted((root / "findings").glob("*.yaml")):
        items = _load_yaml(path) or []
        for item in items:
            item = _plain(item)
            for m in item.get("metrics") or []:
                if isinstance(m.get("value"), (int, float)):
                    m["value"] = str(m["value"])
                if m.get("period") is not None:
                    m["period"] = str(m["period"])
            findings.append(item)
    charts_path = root / "charts.yaml"
    return {
        "report": load_report(root),
        "audiences": _plain(_load_yaml(root / "audiences.yaml")) or [],
        "sources": _plain(_load_yaml(root / "sources.yaml")) or [],
        "findings": findings,
        "charts": _plain(_load_yaml(charts_path)) if charts_path.exists() else [],
    }


def load_report(root: Path = SEED_DATA) -> dict[str, Any]:
    """data/report.yaml: the seed report's fields and its `sections` (key, title, short) in order."""
    path = root / "report.yaml"
    return (_plain(_load_yaml(path)) or {}) if path.exists() else {}


def audience_template(key: str, templates: Path = TEMPLATES) -> dict[str, Any]:
    path = templates / "audiences" / f"{key}.yaml"
    if not path.exists():
        return {}
    return _plain(_load_yaml(path)) or {}


def shipped_audience(key: str, root: Path = SEED_DATA, templates: Path = TEMPLATES) -> dict[str, Any] | None:
    """A built-in audience as shipped (key, name, description, template), or None if none ships as `key`."""
    for a in _plain(_load_yaml(root / "audiences.yaml")) or []:
        if a["key"] == key:
            return {"key": key, "name": a["name"], "description": a.get("description", ""),
                    "template": audience_template(key, templates)}
    return None


def needs_seed(db: Database) -> bool:
    """An empty database (first open), or a seeding that started and did not finish (Ctrl+C or a
    crash on that first open: seeding runs in several transactions, and its `meta` row says
    `complete: false` until the last). seed_database, which adds only what is missing, completes it."""
    with db.reading() as s:
        meta = s.get(MetaRow, "seed")
        if meta is not None and isinstance(meta.value, dict) and meta.value.get("complete") is False:
            return True
        return not s.scalar(select(func.count()).select_from(FindingRow)) and not s.scalar(
            select(func.count()).select_from(AudienceRow)
        )


def seed_database(db: Database, root: Path = SEED_DATA) -> None:
    """Adds every seed record that is missing (by key/slug). Never duplicates; never overwrites edits."""
    from briefing.services.service import BriefingService
    from briefing.store.transfer import source_draft, finding_draft

    from briefing.domain.model import ReportDraft
    from briefing.domain.validate import clean_report

    data = load_seed(root)
    info = data["report"]
    report = clean_report(ReportDraft(
        key=info.get("key") or "report", title=info.get("title") or "Report", subtitle=info.get("subtitle") or "",
        publisher=info.get("publisher") or "", author=info.get("author") or "", edition=info.get("edition") or "",
        data_as_of=info.get("data_as_of"), published=info.get("published"), summary=info.get("summary") or "",
        sections=tuple((x["key"], x["title"], x.get("short") or "") for x in info.get("sections") or ()),
    ))
    with db.writing() as s:
        rid = s.scalar(select(ReportRow.id).where(ReportRow.key == report.key))
        if rid is None:
            row = ReportRow(key=report.key, title=report.title, subtitle=report.subtitle, publisher=report.publisher,
                            author=report.author, edition=report.edition, data_as_of=report.data_as_of,
                            published=report.published, summary=report.summary,
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
                    template=a.get("template") or audience_template(a["key"]),
                )
            )
        meta = s.get(MetaRow, "seed")
        if meta is None:  # marked done only at the end: an interrupted seeding is resumed (needs_seed)
            s.add(MetaRow(key="seed", value={"version": SEED_VERSION, "complete": False}))
    service = BriefingService(db, report.key)
    service.import_records(
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
                s.add(ChartRow(report_id=rid, key=spec.key, kind=spec.kind.value, title=spec.title, position=spec.position or i + 1,
                               spec=spec.to_dict(), version=1))
    with db.writing() as s:
        meta = s.get(MetaRow, "seed")
        if meta is not None and meta.value.get("complete") is False:
            meta.value = {**meta.value, "complete": True}



def _exists(db: Database, report_id: int, slug: str | None) -> bool:
    if not slug:
        return False
    with db.reading() as s:
        return s.scalar(select(FindingRow.id).where(FindingRow.slug == slug, FindingRow.report_id == report_id)) is not None


def wipe(db: Database, *, keep_reports: bool = False) -> None:
    """Deletes every record (the schema stays), in one transaction. `keep_reports`: the reports and
    their sections stay, empty, so findings can be added or imported into them again."""
    from sqlalchemy import text

    with db.writing() as s:
        s.execute(delete(WordingRow))
        s.execute(delete(finding_sources))
        s.execute(delete(FindingRow))
        s.execute(delete(SourceRow))
        s.execute(delete(AudienceRow))
        s.execute(delete(ChartRow))
        if not keep_reports:
            s.execute(delete(SectionRow))
            s.execute(delete(ReportRow))
        s.execute(delete(MetaRow))
        if db.has_fts():
            s.execute(text("DELETE FROM findings_fts"))
