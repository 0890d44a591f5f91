"""`db copy`: a whole library from one database to another (SQLite <-> PostgreSQL), all or nothing,
verified by row counts and content hashes before the target's transaction commits."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from briefing.domain.errors import DatabaseError
from briefing.store import fts
from briefing.store.engine import (
    Database,
    describe,
    failure_reason,
)
from briefing.store.models import (
    AudienceRow,
    ChartRow,
    FindingRow,
    HistoryRow,
    MetaRow,
    MetricRow,
    ReportRow,
    SectionRow,
    SourceRow,
    TagRow,
    WordingRow,
    finding_sources,
)

# Parents before children, so foreign keys hold at every insert.
TABLES: tuple[Table, ...] = (
    ReportRow.__table__, SectionRow.__table__, SourceRow.__table__,  # type: ignore[assignment]
    AudienceRow.__table__, FindingRow.__table__, finding_sources,
    MetricRow.__table__, TagRow.__table__, WordingRow.__table__, ChartRow.__table__, MetaRow.__table__,
    HistoryRow.__table__,
)
# Tables whose integer ids come from a sequence on PostgreSQL: copied ids must move it on.
_SERIAL = ("reports", "report_sections", "sources", "audiences", "findings", "metrics", "charts", "finding_history")
_CHUNK = 2000


@dataclass(frozen=True)
class CopyReport:
    counts: dict[str, int]
    digest: str  # one hash over every table's hash: equal on both sides, or nothing was committed


def _plain(value: Any) -> Any:
    """One engine-neutral form per value, for hashing: what the app reads, not how it is stored."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def _table_hash(conn: Connection, table: Table) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for row in conn.execute(select(table).order_by(*table.primary_key.columns)):
        digest.update(json.dumps([_plain(v) for v in row], sort_keys=True, default=str,
                                 ensure_ascii=False).encode())
        count += 1
    return count, digest.hexdigest()


def _fingerprint(conn: Connection) -> dict[str, tuple[int, str]]:
    return {t.name: _table_hash(conn, t) for t in TABLES}


def copy_database(source: Database, target: Database) -> CopyReport:
    """Copies every record of `source` into the empty `target` in one transaction on the target,
    then compares counts and content hashes table by table inside that transaction; any
    difference or error rolls it back, leaving the target as it was."""
    where = describe(target.url)
    writer = target.engine.execution_options(sqlite_begin="IMMEDIATE")  # SQLite: hold the write lock
    with source.engine.connect() as src, writer.connect() as dst:
        # One consistent view of the source (SQLite: a read transaction; PostgreSQL: REPEATABLE READ).
        if source.is_postgresql:
            src.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        else:
            src.execute(text("SELECT count(*) FROM findings"))
        with dst.begin():
            for table in TABLES:
                if dst.execute(select(func.count()).select_from(table)).scalar():
                    raise DatabaseError(where, f"is not empty (it has {table.name}); copy into an empty "
                                        "database, or reset it first with `briefing db reset`")
            for table in TABLES:
                try:
                    _copy_table(src, dst, table)
                except DBAPIError as exc:
                    why = failure_reason(target.url, exc)
                    raise DatabaseError(where, f"refused a row of {table.name} ({why}); nothing was written") from exc
            if target.is_postgresql:
                for name in _SERIAL:
                    dst.execute(text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                                     f"COALESCE((SELECT max(id) FROM {name}), 0) + 1, false)"))
            if target.has_fts():
                _reindex(dst)
            theirs, ours = _fingerprint(src), _fingerprint(dst)
            if theirs != ours:
                differing = ", ".join(n for n in theirs if theirs[n] != ours[n])
                raise DatabaseError(where, f"the copy differs from the source in {differing}; nothing was "
                                    "written")
    total = hashlib.sha256("".join(h for _, h in ours.values()).encode()).hexdigest()
    return CopyReport(counts={n: c for n, (c, _) in ours.items()}, digest=total)


# Columns that point into their own table (a source cited via another): copied as null, then set
# once every row is in, since a row may point at one with a higher id.
_SELF_LINKS = {"sources": "via_id"}


def _copy_table(src: Connection, dst: Connection, table: Table) -> None:
    link = _SELF_LINKS.get(table.name)
    later: list[dict[str, Any]] = []
    batch: list[dict[str, Any]] = []
    for row in src.execute(select(table).order_by(*table.primary_key.columns)).mappings():
        record = dict(row)
        if link and record.get(link) is not None:
            later.append({"_id": record["id"], "_link": record[link]})
            record[link] = None
        batch.append(record)
        if len(batch) >= _CHUNK:
            dst.execute(insert(table), batch)
            batch = []
    if batch:
        dst.execute(insert(table), batch)
    if link and later:
        dst.execute(update(table).where(table.c.id == bindparam("_id")).values({link: bindparam("_link")}), later)


def _reindex(conn: Connection) -> None:
    from sqlalchemy.orm import Session

    tags: dict[int, list[str]] = {}
    for fid, tag in conn.execute(select(TagRow.finding_id, TagRow.tag).order_by(TagRow.finding_id,
                                                                                TagRow.position)):
        tags.setdefault(fid, []).append(tag)
    session = Session(bind=conn)
    rows = [(fid, title, statement, tags.get(fid, []))
            for fid, title, statement in conn.execute(select(FindingRow.id, FindingRow.title,
                                                             FindingRow.statement))]
    for k in range(0, len(rows), _CHUNK):
        fts.index_findings(session, rows[k:k + _CHUNK])
