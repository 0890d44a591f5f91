"""Freshness: a report's staleness threshold (`reports.stale_after_days`) and a finding's
`superseded_by_id` (the finding of the same report that replaces it).

Both are NULL on existing rows: no threshold (nothing is stale) and nothing superseded, so an
upgraded library checks as it did.

Revision ID: 0008
Revises: 0007
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("reports") as batch:
        batch.add_column(sa.Column("stale_after_days", sa.Integer(), nullable=True))
    with op.batch_alter_table("findings") as batch:
        batch.add_column(sa.Column("superseded_by_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f("fk_findings_superseded_by_id_findings"), "findings", ["superseded_by_id"], ["id"],
                                 ondelete="SET NULL")


def downgrade() -> None:
    with op.batch_alter_table("findings") as batch:
        batch.drop_constraint(batch.f("fk_findings_superseded_by_id_findings"), type_="foreignkey")
        batch.drop_column("superseded_by_id")
    with op.batch_alter_table("reports") as batch:
        batch.drop_column("stale_after_days")
