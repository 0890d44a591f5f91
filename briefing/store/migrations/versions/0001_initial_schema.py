"""Initial schema: sources, findings, metrics, tags, audiences, wordings, meta, and the FTS5 index.

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audiences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=63), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('builtin', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('template', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audiences')),
    sa.UniqueConstraint('key', name=op.f('uq_audiences_key'))
    )
    op.create_table('findings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=63), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('section', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_findings')),
    sa.UniqueConstraint('slug', name=op.f('uq_findings_slug'))
    )
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_findings_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_findings_section'), ['section'], unique=False)

    op.create_table('meta',
    sa.Column('key', sa.String(length=63), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_meta'))
    )
    op.create_table('sources',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=63), nullable=False),
    sa.Column('publisher', sa.String(length=200), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('url', sa.String(length=2000), nullable=True),
    sa.Column('published', sa.Date(), nullable=True),
    sa.Column('accessed', sa.Date(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sources')),
    sa.UniqueConstraint('key', name=op.f('uq_sources_key'))
    )
    op.create_table('finding_sources',
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_finding_sources_finding_id_findings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['sources.id'], name=op.f('fk_finding_sources_source_id_sources'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('finding_id', 'source_id', name=op.f('pk_finding_sources'))
    )
    op.create_table('finding_tags',
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('tag', sa.String(length=60), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_finding_tags_finding_id_findings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('finding_id', 'tag', name=op.f('pk_finding_tags'))
    )
    with op.batch_alter_table('finding_tags', schema=None) as batch_op:
        batch_op.create_index('ix_finding_tags_tag', ['tag'], unique=False)

    op.create_table('metrics',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=200), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('scale', sa.String(length=20), nullable=True),
    sa.Column('entity', sa.String(length=120), nullable=False),
    sa.Column('period', sa.String(length=60), nullable=False),
    sa.Column('as_of', sa.Date(), nullable=True),
    sa.Column('series', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_metrics_finding_id_findings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_metrics'))
    )
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_metrics_finding_id'), ['finding_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_metrics_series'), ['series'], unique=False)

    op.create_table('wordings',
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.Column('audience_key', sa.String(length=63), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['audience_key'], ['audiences.key'], name=op.f('fk_wordings_audience_key_audiences'), onupdate='CASCADE', ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_wordings_finding_id_findings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('finding_id', 'audience_key', name=op.f('pk_wordings'))
    )

    if op.get_bind().dialect.name == "sqlite":
        # Full-text index over title, statement and tags; rowid is the finding id. The service
        # keeps it in step inside the same write transaction as the finding itself.
        op.execute(
            "CREATE VIRTUAL TABLE findings_fts USING fts5("
            "title, statement, tags, tokenize='unicode61 remove_diacritics 2')"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS findings_fts")
    op.drop_table('wordings')
    with op.batch_alter_table('metrics', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_metrics_series'))
        batch_op.drop_index(batch_op.f('ix_metrics_finding_id'))

    op.drop_table('metrics')
    with op.batch_alter_table('finding_tags', schema=None) as batch_op:
        batch_op.drop_index('ix_finding_tags_tag')

    op.drop_table('finding_tags')
    op.drop_table('finding_sources')
    op.drop_table('sources')
    op.drop_table('meta')
    with op.batch_alter_table('findings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_findings_section'))
        batch_op.drop_index(batch_op.f('ix_findings_kind'))

    op.drop_table('findings')
    op.drop_table('audiences')
