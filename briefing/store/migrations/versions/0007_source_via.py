"""Sources cited via another: `sources.via_id`, the source a source is known through
("RAND ..., cited in Digital in Asia, April 2026"). Null for a source read first-hand.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Batch mode: SQLite cannot add a foreign key to an existing table in place. NO ACTION, not
    # RESTRICT: deleting every source in one statement (a reset) is checked at its end, not per row.
    with op.batch_alter_table("sources") as batch:
        batch.add_column(sa.Column("via_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_sources_via_id_sources", "sources", ["via_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("sources") as batch:
        batch.drop_constraint("fk_sources_via_id_sources", type_="foreignkey")
        batch.drop_column("via_id")
