"""Reports are records: a `reports` table and its ordered `report_sections`; findings, audiences and
charts belong to a report (keys unique per report); findings can be carried over from a predecessor.

The database's single report (the `meta` row "report", seeded from data/report.yaml) becomes the
first report record; its sections come from the seed's `sections` list plus any other section key
its findings use, so nothing is lost and no report's sections are written into code.

Revision ID: 0005
Revises: 0004
"""
from __future__ import annotations

import json
import re
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def _seed_report() -> dict[str, Any]:
    try:
        from briefing.store.seed import load_report

        return load_report()
    except Exception:  # noqa: BLE001 - a checkout without data/: the report's own meta row suffices
        return {}


def _as_date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    m = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3] or 1))
    except ValueError:
        return None


def upgrade() -> None:
    op.create_table(
        "reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=63), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("subtitle", sa.Text(), nullable=False),
        sa.Column("publisher", sa.String(length=200), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("edition", sa.String(length=120), nullable=False),
        sa.Column("data_as_of", sa.Date(), nullable=True),
        sa.Column("published", sa.Date(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("predecessor_id", sa.Integer(), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["predecessor_id"], ["reports.id"], name=op.f("fk_reports_predecessor_id_reports"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reports")),
        sa.UniqueConstraint("key", name=op.f("uq_reports_key")),
    )
    op.create_table(
        "report_sections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("short", sa.String(length=80), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["reports.id"], name=op.f("fk_report_sections_report_id_reports"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_sections")),
        sa.UniqueConstraint("report_id", "key", name="uq_report_sections_report_key"),
    )
    with op.batch_alter_table("report_sections") as batch:
        batch.create_index(batch.f("ix_report_sections_report_id"), ["report_id"], unique=False)

    conn = op.get_bind()
    report_id = _move_the_report(conn)

    # Batch mode rebuilds each table; Database.upgrade runs migrations with foreign keys off, so
    # dropping the old findings table does not cascade into metrics, tags, wordings and sources.
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("report_id", sa.Integer(), nullable=False, server_default=str(report_id or 0)))
        batch.add_column(sa.Column("carried_over", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("predecessor_id", sa.Integer(), nullable=True))
        batch.drop_constraint("uq_findings_slug", type_="unique")
        batch.create_unique_constraint("uq_findings_report_slug", ["report_id", "slug"])
        batch.create_foreign_key(batch.f("fk_findings_report_id_reports"), "reports", ["report_id"], ["id"],
                                 ondelete="CASCADE")
        batch.create_foreign_key(batch.f("fk_findings_predecessor_id_findings"), "findings", ["predecessor_id"],
                                 ["id"], ondelete="SET NULL")
        batch.create_index(batch.f("ix_findings_report_id"), ["report_id"], unique=False)
    # The wordings' foreign key rests on audiences.key being unique: it goes first (keys become
    # unique per report; the service deletes an audience's wordings with it).
    with op.batch_alter_table("wordings") as batch:
        batch.drop_constraint("fk_wordings_audience_key_audiences", type_="foreignkey")
    for table in ("audiences", "charts"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("report_id", sa.Integer(), nullable=False, server_default=str(report_id or 0)))
            batch.drop_constraint(f"uq_{table}_key", type_="unique")
            batch.create_unique_constraint(f"uq_{table}_report_key", ["report_id", "key"])
            batch.create_foreign_key(batch.f(f"fk_{table}_report_id_reports"), "reports", ["report_id"], ["id"],
                                     ondelete="CASCADE")
            batch.create_index(batch.f(f"ix_{table}_report_id"), ["report_id"], unique=False)
    # The defaults only filled the existing rows: new rows always name their report.
    for table in ("findings", "audiences", "charts"):
        with op.batch_alter_table(table) as batch:
            batch.alter_column("report_id", server_default=None)
    with op.batch_alter_table("findings") as batch:
        batch.alter_column("carried_over", server_default=None)
    conn.execute(sa.text("DELETE FROM meta WHERE key = 'report'"))


def _move_the_report(conn: sa.Connection) -> int | None:
    """The single report of a database made before reports, as a report row with its sections."""
    row = conn.execute(sa.text("SELECT value FROM meta WHERE key = 'report'")).first()
    meta: dict[str, Any] = {}
    if row is not None:
        value = row[0]
        meta = json.loads(value) if isinstance(value, str) else dict(value or {})
    used = [r[0] for r in conn.execute(sa.text(
        "SELECT section FROM findings GROUP BY section ORDER BY MIN(position), MIN(id)"))]
    has_records = bool(used) or conn.execute(sa.text(
        "SELECT (SELECT COUNT(*) FROM audiences) + (SELECT COUNT(*) FROM charts)")).scalar()
    if not meta and not has_records:
        return None  # an empty database: the seed creates its reports
    seed = _seed_report()
    # The stored meta is what the seed wrote then; the seed file now also names the key and sections.
    same = bool(seed) and (not meta or seed.get("title") == meta.get("title"))
    info = {**(seed if same else {}), **meta}
    key = str(seed.get("key") if same and seed.get("key") else "report")
    published = _as_date(info.get("published") or info.get("date"))
    conn.execute(
        sa.text(
            "INSERT INTO reports (key, title, subtitle, publisher, author, edition, data_as_of, published, "
            "summary, predecessor_id, position, created_at) VALUES (:key, :title, :subtitle, :publisher, :author, "
            ":edition, :data_as_of, :published, :summary, NULL, 1, CURRENT_TIMESTAMP)"
        ),
        {
            "key": key,
            "title": str(info.get("title") or "Report"),
            "subtitle": str(info.get("subtitle") or ""),
            "publisher": str(info.get("publisher") or ""),
            "author": str(info.get("author") or ""),
            "edition": str(info.get("edition") or ""),
            "data_as_of": _as_date(info.get("data_as_of")),
            "published": published,
            "summary": str(info.get("summary") or ""),
        },
    )
    report_id = int(conn.execute(sa.text("SELECT id FROM reports WHERE key = :k"), {"k": key}).scalar_one())
    sections = [dict(s) for s in (seed.get("sections") or [])] if same else []
    known = {s["key"] for s in sections}
    sections += [{"key": k, "title": k, "short": k} for k in used if k not in known]
    for i, s in enumerate(sections, start=1):
        conn.execute(
            sa.text("INSERT INTO report_sections (report_id, key, title, short, position) "
                    "VALUES (:r, :key, :title, :short, :pos)"),
            {"r": report_id, "key": s["key"], "title": s["title"], "short": s.get("short") or s["title"], "pos": i},
        )
    return report_id


def downgrade() -> None:
    # Back to one report: the first one's records stay; every other report's are removed.
    conn = op.get_bind()
    first = conn.execute(sa.text("SELECT id, title, subtitle, publisher, author, summary FROM reports "
                                 "ORDER BY position, id LIMIT 1")).first()
    if first is not None:
        for table in ("findings", "audiences", "charts"):
            conn.execute(sa.text(f"DELETE FROM {table} WHERE report_id != :r"), {"r": first.id})
        meta = {"title": first.title, "subtitle": first.subtitle, "publisher": first.publisher,
                "author": first.author, "summary": first.summary}
        conn.execute(sa.text("DELETE FROM meta WHERE key = 'report'"))
        conn.execute(sa.text("INSERT INTO meta (key, value) VALUES ('report', :v)"), {"v": json.dumps(meta)})
    for table in ("audiences", "charts"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(batch.f(f"ix_{table}_report_id"))
            batch.drop_constraint(batch.f(f"fk_{table}_report_id_reports"), type_="foreignkey")
            batch.drop_constraint(f"uq_{table}_report_key", type_="unique")
            batch.create_unique_constraint(f"uq_{table}_key", ["key"])
            batch.drop_column("report_id")
    with op.batch_alter_table("wordings") as batch:
        batch.create_foreign_key("fk_wordings_audience_key_audiences", "audiences", ["audience_key"], ["key"],
                                 onupdate="CASCADE", ondelete="CASCADE")
    with op.batch_alter_table("findings") as batch:
        batch.drop_index(batch.f("ix_findings_report_id"))
        batch.drop_constraint(batch.f("fk_findings_predecessor_id_findings"), type_="foreignkey")
        batch.drop_constraint(batch.f("fk_findings_report_id_reports"), type_="foreignkey")
        batch.drop_constraint("uq_findings_report_slug", type_="unique")
        batch.create_unique_constraint("uq_findings_slug", ["slug"])
        batch.drop_column("predecessor_id")
        batch.drop_column("carried_over")
        batch.drop_column("report_id")
    with op.batch_alter_table("report_sections") as batch:
        batch.drop_index(batch.f("ix_report_sections_report_id"))
    op.drop_table("report_sections")
    op.drop_table("reports")
