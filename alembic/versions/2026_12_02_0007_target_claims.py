"""Claims on targets (one row a target: who works on it, until when) and a follow-up date in
the contact log.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('target_claims',
    sa.Column('cluster_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('claimed_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['cluster_id'], ['clusters.id'], name=op.f('fk_target_claims_cluster_id_clusters'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('cluster_id', name=op.f('pk_target_claims'))
    )
    with op.batch_alter_table('target_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_claims_actor'), ['actor'], unique=False)

    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('follow_up', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.drop_column('follow_up')

    with op.batch_alter_table('target_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_target_claims_actor'))

    op.drop_table('target_claims')
