"""Seed data read from data/ (the seed report with its sections, findings and charts) and
templates/audiences (built-in audiences), and the store's own checks and wipe for seeding;
`briefing.services.seeding` writes the records through the service."""

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
    """An empty database never seeded (first open), or a seeding that started and did not finish
    (Ctrl+C or a crash on that first open: seeding runs in several transactions, and its `meta` row
    says `complete: false` until the last). seed_database, which adds only what is missing,
    completes it. A database emptied on purpose (`reset(seed=False)`, a `meta` row saying
    `emptied`) or seeded once and emptied by hand stays empty."""
    with db.reading() as s:
        meta = s.get(MetaRow, "seed")
        if meta is not None and isinstance(meta.value, dict):
            return meta.value.get("complete") is False
        return not s.scalar(select(func.count()).select_from(FindingRow)) and not s.scalar(
            select(func.count()).select_from(AudienceRow)
        )


def wipe(db: Database, *, keep_reports: bool = False, emptied: bool = False) -> None:
    """Deletes every record (the schema stays), in one transaction. `keep_reports`: the reports and
    their sections stay, empty, so findings can be added or imported into them again. `emptied`
    records in the same transaction that the database is empty on purpose, so that no later open
    re-seeds it."""
    from briefing.store import fts

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
            fts.clear_index(s)
        if emptied:
            s.add(MetaRow(key="seed", value={"version": SEED_VERSION, "complete": True, "emptied": True}))
