"""A PostgreSQL database made before reports (revision 0004) and holding data upgrades to head with
nothing lost, as the SQLite upgrade test in test_reports.py checks for a file made by that release.

The 0004 database is built the way that release built one: its migrations run up to 0004, then the
rows the release wrote (the release-0003 fixture's findings, metrics, sources, tags, wordings,
audiences, charts and meta, each under its own id) go in with the search index kept alongside and
the id sequences where that release's inserts would have left them. Also: `db copy` carries a report's
own colours (0006) to PostgreSQL and back."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime, MetaData, insert, text
from sqlalchemy.orm import Session

from briefing.domain.model import FindingDraft
from briefing.services import open_service
from briefing.store import fts
from briefing.store.engine import SCHEMA_HEAD, Database
from briefing.store.seed import load_report

RELEASE_DB = Path(__file__).parent / "fixtures" / "release-0003.sqlite3"
# Parents before children, so the foreign keys of 0004 hold at every insert.
TABLES = ("sources", "audiences", "findings", "finding_sources", "finding_tags", "metrics", "wordings", "charts",
          "meta")
SERIAL = ("sources", "audiences", "findings", "metrics", "charts")


def _value(column: Any, value: Any) -> Any:
    """A SQLite value as the release's models handed it to PostgreSQL."""
    if value is None:
        return None
    kind = column.type
    if isinstance(kind, JSON):
        return json.loads(value)
    if isinstance(kind, Boolean):
        return bool(value)
    if isinstance(kind, DateTime):
        stamp = datetime.fromisoformat(value)
        return stamp.replace(tzinfo=UTC) if kind.timezone and stamp.tzinfo is None else stamp
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


@pytest.fixture
def pg_at_0004(pg_cluster):  # type: ignore[no-untyped-def]
    name = "release_0004"
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_cluster.admin(f"CREATE DATABASE {name}")
    url = pg_cluster.url(name)
    db = Database(url, migrate=False)
    try:
        db.upgrade("0004")
        old = sqlite3.connect(RELEASE_DB)
        meta = MetaData()
        meta.reflect(db.engine, only=list(TABLES))
        with db.engine.begin() as conn:
            for name_ in TABLES:
                table = meta.tables[name_]
                cursor = old.execute(f"SELECT * FROM {name_}")
                names = [d[0] for d in cursor.description]
                rows = [{n: _value(table.c[n], v) for n, v in zip(names, row)} for row in cursor]
                if rows:
                    conn.execute(insert(table), rows)
            tags: dict[int, list[str]] = {}
            for fid, tag in old.execute("SELECT finding_id, tag FROM finding_tags ORDER BY finding_id, position"):
                tags.setdefault(fid, []).append(tag)
            session = Session(bind=conn)
            for fid, title, statement in old.execute("SELECT id, title, statement FROM findings"):
                fts.index_finding(session, fid, title, statement, tags.get(fid, []))
            session.flush()
            for name_ in SERIAL:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{name_}', 'id'), "
                                  f"(SELECT COALESCE(MAX(id), 1) FROM {name_}))"))
        old.close()
        assert db.current_revision() == "0004"
    finally:
        db.dispose()
    yield url
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _snapshot(url: str) -> dict[str, Any]:
    db = Database(url, migrate=False)
    try:
        with db.engine.connect() as conn:
            def rows(sql: str) -> list[tuple]:
                return [tuple(r) for r in conn.execute(text(sql))]

            return {
                "counts": {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar() for t in TABLES},
                "findings": rows("SELECT id, slug, title, statement, section, kind, as_of, position, version "
                                 "FROM findings ORDER BY id"),
                "metrics": rows("SELECT id, finding_id, position, label, value, unit, scale, entity, period, "
                                "series FROM metrics ORDER BY id"),
                "sources": rows("SELECT id, key, publisher, title, url, published FROM sources ORDER BY id"),
                "links": rows("SELECT finding_id, source_id, position FROM finding_sources "
                              "ORDER BY finding_id, position"),
                "tags": rows("SELECT finding_id, tag, position FROM finding_tags ORDER BY finding_id, position"),
                "wordings": rows("SELECT finding_id, audience_key, text FROM wordings "
                                 "ORDER BY finding_id, audience_key"),
                "audiences": rows("SELECT id, key, name, description FROM audiences ORDER BY id"),
                "charts": rows("SELECT id, key, kind, title FROM charts ORDER BY id"),
                "search": rows("SELECT finding_id, doc::text FROM findings_search ORDER BY finding_id"),
            }
    finally:
        db.dispose()


def test_a_postgresql_database_at_0004_with_data_upgrades_to_head_intact(pg_at_0004: str) -> None:
    before = _snapshot(pg_at_0004)
    assert before["counts"]["findings"] == 103 and before["counts"]["metrics"] > 100
    assert before["counts"]["wordings"] > 0 and before["counts"]["charts"] > 0
    assert len(before["search"]) == 103

    svc = open_service(pg_at_0004)
    try:
        db = svc.db
        assert db.current_revision() == SCHEMA_HEAD
        after = _snapshot(pg_at_0004)
        counts = dict(after["counts"], meta=before["counts"]["meta"])  # 0005 moves the report's meta row
        assert counts == before["counts"]
        for part in ("findings", "metrics", "sources", "links", "tags", "wordings", "audiences", "charts", "search"):
            assert after[part] == before[part], part
        [report] = svc.list_reports()
        seed = load_report()
        assert (report.key, report.title, report.edition) == (seed["key"], seed["title"], seed["edition"])
        assert [s.key for s in report.sections] == [s["key"] for s in seed["sections"]]
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM findings WHERE report_id != :r"),
                                {"r": report.id}).scalar() == 0
            assert conn.execute(text("SELECT COUNT(*) FROM meta WHERE key = 'report'")).scalar() == 0
            assert conn.execute(text("SELECT colours FROM reports")).scalar() is None  # the house colours
        assert svc.count_findings() == 103
        assert len(svc.list_charts()) == before["counts"]["charts"]
        # The upgraded database works as a new one does: a finding goes in under a fresh id, the search finds it.
        made = svc.create_finding(FindingDraft(title="Upgraded on PostgreSQL", statement="Made after the upgrade.",
                                               section=seed["sections"][0]["key"]))
        assert made.id > max(f[0] for f in before["findings"])
        assert [f.id for f in svc.list_findings(search="upgraded")] == [made.id]
    finally:
        svc.close()


def test_db_copy_carries_a_reports_colours_to_postgresql_and_back(pg_cluster, service, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from briefing.paths import SEED_DATA
    from briefing.services import copy_library
    from briefing.services.seeding import seed_database

    example = SEED_DATA / "examples" / "harbor-water"
    seed_database(service, root=example)
    key = load_report(example)["key"]
    name = "colours_copy"
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    pg_cluster.admin(f"CREATE DATABASE {name}")
    try:
        copy_library(service.db.url.database, pg_cluster.url(name))
        copy_library(pg_cluster.url(name), tmp_path / "back.sqlite3")
        for url in (pg_cluster.url(name), tmp_path / "back.sqlite3"):
            other = open_service(url)
            try:
                assert other.get_report(key).colours == service.get_report(key).colours
                assert other.get_report(key).colours.palette[0] == "#1F6F8B"
            finally:
                other.close()
    finally:
        pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
