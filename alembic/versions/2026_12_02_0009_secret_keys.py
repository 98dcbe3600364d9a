"""Key binding and rotation: the key ids a database is sealed with, rotation progress, and
sealed values on the opt-out list (so an opt-out survives a key rotation).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 14:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.types

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('secret_keys',
    sa.Column('key_id', sa.String(length=8), nullable=False),
    sa.Column('state', sa.String(length=8), nullable=False),
    sa.Column('created_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key_id', name=op.f('pk_secret_keys'))
    )
    op.create_table('key_rotations',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('old_key_id', sa.String(length=8), nullable=False),
    sa.Column('new_key_id', sa.String(length=8), nullable=False),
    sa.Column('phase', sa.String(length=64), nullable=False),
    sa.Column('last_id', sa.BigInteger(), nullable=False),
    sa.Column('batches', sa.Integer(), nullable=False),
    sa.Column('started_at', models.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', models.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_rotations'))
    )
    with op.batch_alter_table('suppressions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('value', models.types.Sealed(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('suppressions', schema=None) as batch_op:
        batch_op.drop_column('value')
    op.drop_table('key_rotations')
    op.drop_table('secret_keys')
