"""A finding's history: `finding_history`, one row per change (create, edit, delete, restore) with who,
when (timestamp with time zone), the changed fields' before/after and the finding as the change left it.

No foreign key to `findings`: a deleted finding's history outlives it (its delete is a row too).
Existing findings start with no history; their next change is their first row.

Revision ID: 0009
Revises: 0007
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finding_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=63), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding_history")),
    )
    op.create_index("ix_finding_history_finding_id", "finding_history", ["finding_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_finding_history_finding_id", table_name="finding_history")
    op.drop_table("finding_history")
