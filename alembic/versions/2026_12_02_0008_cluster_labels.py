"""Analysts' cluster labels (`cluster_labels`): the Label page's quick judgements, which
`scout rules eval --stored-labels` and the Rules page use as ground truth.

Revision ID: 0008
Revises: 0006 (0007 is being added in parallel; the merge re-points this to 0007)
Create Date: 2026-12-02 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('cluster_labels',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('cluster_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('label', sa.String(length=16), nullable=False),
    sa.Column('note', models.types.Sealed(), nullable=True),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_cluster_labels_cluster_id_clusters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cluster_labels'))
    )
    op.create_index(op.f('ix_cluster_labels_cluster_id_at'), 'cluster_labels', ['cluster_id', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_cluster_labels_cluster_id_at'), table_name='cluster_labels')
    op.drop_table('cluster_labels')
