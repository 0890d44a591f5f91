"""Migrations reach the models' schema, downgrade cleanly, and SQLite runs with its safety settings."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from briefing.store.engine import Database, resolve_url
from briefing.store.models import Base


def _no_fts(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and name and name.startswith("findings_fts"))


def _diff(db: Database) -> list:
    with db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"include_object": _no_fts, "compare_type": True})
        return compare_metadata(ctx, Base.metadata)


def test_migrations_reach_the_models_schema(tmp_path: Path) -> None:
    from alembic.script import ScriptDirectory

    from briefing.store.engine import SCHEMA_HEAD

    db = Database(f"sqlite:///{tmp_path / 'm.db'}")
    assert ScriptDirectory.from_config(db.alembic_config()).get_current_head() == SCHEMA_HEAD
    assert db.current_revision() == SCHEMA_HEAD
    assert _diff(db) == []
    assert db.has_fts()
    db.dispose()


def test_downgrade_to_base_and_back(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    db = Database(f"sqlite:///{path}")
    db.downgrade("0001")
    tables = {r[0] for r in sqlite3.connect(path).execute("select name from sqlite_master where type='table'")}
    assert "charts" not in tables and "findings" in tables
    db.downgrade("base")
    tables = {r[0] for r in sqlite3.connect(path).execute("select name from sqlite_master where type='table'")}
    assert tables <= {"alembic_version"}
    db.upgrade()
    assert _diff(db) == []
    db.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_busy_timeout(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'p.db'}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    db.dispose()


def test_write_transactions_begin_immediate(tmp_path: Path) -> None:
    """A writer holds the write lock from its first statement, so a second writer waits instead of deadlocking."""
    path = tmp_path / "lock.db"
    db = Database(f"sqlite:///{path}")
    from sqlalchemy import text

    with db.writing() as s:
        s.execute(text("SELECT 1"))  # a read only; IMMEDIATE has already taken the RESERVED lock
        other = sqlite3.connect(path, timeout=0.1, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc)
        else:  # pragma: no cover - would mean the first writer held no lock
            raise AssertionError("the second writer got the lock while the first transaction was open")
        finally:
            other.close()
    db.dispose()


def test_resolve_url_accepts_paths_urls_and_the_environment(tmp_path: Path, monkeypatch) -> None:
    assert resolve_url(tmp_path / "x.db").database == str(tmp_path / "x.db")
    assert resolve_url("sqlite:///:memory:").database == ":memory:"
    monkeypatch.setenv("BRIEFING_DB", str(tmp_path / "env.db"))
    assert resolve_url(None).database == str(tmp_path / "env.db")
    monkeypatch.delenv("BRIEFING_DB")
    assert resolve_url(None).database.endswith("briefing.sqlite3")


def test_backup_uses_the_backup_api_and_is_complete(service, tmp_path: Path) -> None:
    target = tmp_path / "backup.sqlite3"
    service.backup(target)
    n = sqlite3.connect(target).execute("select count(*) from findings").fetchone()[0]
    assert n == service.count_findings() > 0


def test_an_in_memory_database_opens_seeds_and_searches() -> None:
    # One connection only: probing for the search index from inside the seed's write transaction
    # used to fail with "cannot start a transaction within a transaction".
    from briefing.services import open_service

    svc = open_service("sqlite://")
    try:
        assert svc.count_findings() == 103
        hits = svc.list_findings(search="Ascend")
        assert hits and any("ascend" in f.slug for f in hits)
    finally:
        svc.close()
