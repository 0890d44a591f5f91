"""PostgreSQL as a first-class engine: timestamps with time zone, and the tsvector search index.

On PostgreSQL: `findings.created_at`/`updated_at` and `charts.updated_at` become `timestamptz`
(stored values were UTC), and `findings_search` (finding id -> weighted tsvector, GIN-indexed) is
created and filled; the service keeps it in step in each edit's transaction, as FTS5 on SQLite.
On SQLite nothing changes: its timestamps are text either way and FTS5 came with 0001.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_STAMPS = (("findings", "created_at"), ("findings", "updated_at"), ("charts", "updated_at"))


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    for table, column in _STAMPS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE timestamp with time zone "
                   f"USING {column} AT TIME ZONE 'UTC'")
    op.execute("CREATE TABLE findings_search ("
               "finding_id integer PRIMARY KEY REFERENCES findings(id) ON DELETE CASCADE, "
               "doc tsvector NOT NULL)")
    op.execute("CREATE INDEX ix_findings_search_doc ON findings_search USING gin (doc)")
    from sqlalchemy.orm import Session

    from briefing.store import fts

    session = Session(bind=bind)
    tags: dict[int, list[str]] = {}
    for fid, tag in bind.execute(sa.text("SELECT finding_id, tag FROM finding_tags ORDER BY finding_id, position")):
        tags.setdefault(fid, []).append(tag)
    for fid, title, statement in bind.execute(sa.text("SELECT id, title, statement FROM findings")).all():
        fts.index_finding(session, fid, title, statement, tags.get(fid, []))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE IF EXISTS findings_search")
    for table, column in _STAMPS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} TYPE timestamp without time zone "
                   f"USING {column} AT TIME ZONE 'UTC'")
